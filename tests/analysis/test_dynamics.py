"""The dynamic view: :mod:`ridgeway.analysis.dynamics` against explicit iterations.

References: an explicit gradient-descent loop in original units that re-solves the intercept and
the unpenalized features by least squares at every step, scipy's ``solve_ivp`` and ``expm`` on
the profiled, penalty-scaled system, Hessian eigenvalues by ``numpy.linalg.eigvalsh``, brute-force
minimization over α with ``scipy.optimize.minimize_scalar`` and ridge fits from
``refs.ridge_solve``, and the continuum limit of the filter matching by ``scipy.integrate.quad``.

Dynamics on J = ½[Σ_i s_i (y_i − b − x_iᵀw)² + α Σ_j π_j w_j²] in β = Π^½ w.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.linalg
from hypothesis import given
from hypothesis import strategies as st
from scipy.integrate import quad, solve_ivp
from scipy.optimize import minimize_scalar

from refs import make_data, ridge_solve
from ridgeway.analysis.dynamics import (
    DivergenceWarning,
    contraction_rates,
    gradient_descent,
    gradient_flow,
)
from ridgeway.analysis.early_stopping import early_stopping_alpha

CASES = {
    "plain": dict(n=30, p=5, weights=False, factor=None, standardize=False, intercept=True),
    "weighted": dict(n=30, p=5, weights=True, factor=None, standardize=False, intercept=True),
    "factor": dict(
        n=30, p=5, weights=True, factor=[1.0, 0.0, 2.0, 0.5, 3.0], standardize=False, intercept=True
    ),
    "standardize": dict(n=30, p=5, weights=True, factor=None, standardize=True, intercept=True),
    "wide": dict(n=10, p=25, weights=True, factor=None, standardize=False, intercept=True),
    "wide_factor": dict(
        n=10,
        p=16,
        weights=False,
        factor=[0.0] + [1.0] * 8 + [3.0] * 7,
        standardize=False,
        intercept=True,
    ),
    "no_intercept": dict(n=20, p=4, weights=False, factor=None, standardize=False, intercept=False),
}


def problem(case, t=2, seed=0):
    c = CASES[case]
    X, Y, rng = make_data(c["n"], c["p"], t, seed)
    w = rng.uniform(0.2, 3.0, c["n"]) if c["weights"] else np.ones(c["n"])
    factor = np.ones(c["p"]) if c["factor"] is None else np.asarray(c["factor"], float)
    pen = factor
    if c["standardize"]:
        var = w @ (X - w @ X / w.sum()) ** 2 / w.sum()
        pen = factor * var
    kw = dict(
        sample_weight=w if c["weights"] else None,
        fit_intercept=c["intercept"],
        standardize=c["standardize"],
        penalty_factor=c["factor"],
    )
    return X, Y, w, pen, c["intercept"], kw, rng


def free_block(X, pen, icpt):
    """Columns optimized exactly at every step: the intercept and the unpenalized features."""
    cols = [np.ones((X.shape[0], 1))] if icpt else []
    cols.append(X[:, pen == 0])
    return np.column_stack(cols)


def profile(X, Y, w, pen, icpt, wP):
    """Intercept (t,), unpenalized coef (u, t) and residuals minimizing RSS given wP (p_P, t)."""
    P = pen > 0
    R = Y - X[:, P] @ wP
    Z = free_block(X, pen, icpt)
    sw = np.sqrt(w)[:, None]
    theta = (
        np.linalg.lstsq(sw * Z, sw * R, rcond=None)[0] if Z.shape[1] else np.zeros((0, R.shape[1]))
    )
    resid = R - Z @ theta
    b = theta[0] if icpt else np.zeros(Y.shape[1])
    return b, theta[1:] if icpt else theta, resid


def gd_loop(X, Y, w, pen, icpt, lr, alpha, steps, init=None):
    """Explicit gradient descent on J, preconditioned by Π⁻¹ (= GD in β = Π^½ w), with the
    intercept and unpenalized features re-solved at every step. → coef (m, p, t), icpt (m, t)."""
    P, U = pen > 0, pen == 0
    t = Y.shape[1]
    wP = np.zeros((P.sum(), t)) if init is None else np.array(init[P], dtype=float)
    coefs, icpts = [], []
    for k in range(max(steps) + 1):
        b, wU, resid = profile(X, Y, w, pen, icpt, wP)
        if k in steps:
            coef = np.zeros((X.shape[1], t))
            coef[P], coef[U] = wP, wU
            coefs.append(coef)
            icpts.append(b)
        grad = -X[:, P].T @ (w[:, None] * resid) + alpha * pen[P][:, None] * wP
        wP = wP - lr * grad / pen[P][:, None]
    order = np.argsort(np.argsort(steps))
    return np.array(coefs)[order], np.array(icpts)[order]


def scaled_system(X, Y, w, pen, icpt):
    """A (n, p_P) and ỹ (n, t): profiled, weighted, penalty-scaled design and targets."""
    Z = np.sqrt(w)[:, None] * free_block(X, pen, icpt)
    P = pen > 0
    XP = np.sqrt(w)[:, None] * X[:, P] / np.sqrt(pen[P])
    Yw = np.sqrt(w)[:, None] * Y
    if Z.shape[1]:
        XP = XP - Z @ np.linalg.lstsq(Z, XP, rcond=None)[0]
        Yw = Yw - Z @ np.linalg.lstsq(Z, Yw, rcond=None)[0]
    return XP, Yw


def top_rate(X, w, pen, icpt, alpha):
    A, _ = scaled_system(X, np.zeros((X.shape[0], 1)), w, pen, icpt)
    return np.linalg.eigvalsh(A.T @ A)[-1] + alpha


def to_coef(X, Y, w, pen, icpt, beta):
    """Original-units coefficients and intercept from scaled β (p_P, t)."""
    P, U = pen > 0, pen == 0
    wP = beta / np.sqrt(pen[P])[:, None]
    b, wU, _ = profile(X, Y, w, pen, icpt, wP)
    coef = np.zeros((X.shape[1], Y.shape[1]))
    coef[P], coef[U] = wP, wU
    return coef, b


def assert_close(a, b, rtol):
    a, b = np.asarray(a), np.asarray(b)
    np.testing.assert_allclose(a, b, rtol=rtol, atol=rtol * np.abs(b).max())


# ----------------------------------------------------------------- gradient descent
@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("decay", [0.0, 0.2])
@pytest.mark.parametrize("with_init", [False, True])
def test_gradient_descent_matches_explicit_loop(case, decay, with_init):
    X, Y, w, pen, icpt, kw, rng = problem(case)
    L0 = top_rate(X, w, pen, icpt, 0.0)
    alpha = decay * L0
    lr = 0.9 / (L0 + alpha)
    init = rng.standard_normal((X.shape[1], Y.shape[1])) if with_init else None
    steps = [0, 1, 2, 7, 40]
    ref_coef, ref_icpt = gd_loop(X, Y, w, pen, icpt, lr, alpha, steps, init)
    got = gradient_descent(X, Y, steps, learning_rate=lr, alpha=alpha, init=init, **kw)
    assert got.coef.shape == (5, X.shape[1], 2) and got.intercept.shape == (5, 2)
    assert_close(got.coef, ref_coef, 1e-9)
    assert_close(got.intercept, ref_icpt, 1e-9)
    np.testing.assert_array_equal(got.steps, steps)
    np.testing.assert_allclose(got.time, lr * np.asarray(steps))


def test_steps_in_any_order_and_shared_init():
    X, Y, w, pen, icpt, kw, rng = problem("weighted")
    lr = 0.5 / top_rate(X, w, pen, icpt, 0.0)
    init = rng.standard_normal(X.shape[1])  # one init shared by both targets
    a = gradient_descent(X, Y, [9, 0, 3], learning_rate=lr, init=init, **kw)
    b = gradient_descent(X, Y, [0, 3, 9], learning_rate=lr, init=np.c_[init, init], **kw)
    np.testing.assert_array_equal(a.coef, b.coef[[2, 0, 1]])
    np.testing.assert_allclose(a.coef[1, :, 0], init)  # k = 0 is the start itself


@pytest.mark.parametrize("case", ["plain", "factor", "wide"])
def test_many_steps_with_weight_decay_reach_the_ridge_fit(case):
    X, Y, w, pen, icpt, kw, _ = problem(case)
    L0 = top_rate(X, w, pen, icpt, 0.0)
    alpha = 0.05 * L0
    got = gradient_descent(X, Y, 100_000, learning_rate=1.0 / (L0 + alpha), alpha=alpha, **kw)
    b, coef = ridge_solve(X, Y, w, alpha, pen, icpt)
    assert_close(got.coef[0], coef, 1e-9)
    assert_close(got.intercept[0], b, 1e-9)


def test_null_space_of_the_init_stays_without_decay_and_decays_with_it():
    X, Y, w, pen, icpt, kw, rng = problem("wide")
    A, _ = scaled_system(X, Y, w, pen, icpt)
    null = scipy.linalg.null_space(A)  # (p, p − rank)
    init = null @ rng.standard_normal((null.shape[1], 2))  # pen = 1: β₀ = w₀
    L0 = top_rate(X, w, pen, icpt, 0.0)
    k = np.array([0, 5, 50])
    plain = gradient_descent(X, Y, k, learning_rate=1.0 / L0, init=init, **kw)
    alpha = 0.01 * L0
    lr = 1.0 / (L0 + alpha)
    decayed = gradient_descent(X, Y, k, learning_rate=lr, alpha=alpha, init=init, **kw)
    for i in range(3):
        assert_close(null.T @ plain.coef[i], null.T @ init, 1e-10)
        assert_close(null.T @ decayed.coef[i], (1 - lr * alpha) ** k[i] * (null.T @ init), 1e-9)


def test_divergence_warning():
    X, Y, w, pen, icpt, kw, _ = problem("plain")
    L = top_rate(X, w, pen, icpt, 1.0)
    with pytest.warns(DivergenceWarning, match=r"learning_rate .* is at least 2/\(μ_max \+ α\)"):
        got = gradient_descent(X, Y, [0, 5, 20], learning_rate=2.5 / L, alpha=1.0)
    # the closed form is still the iteration: it grows like |1 − ηL|^k = 1.5^k
    ref, _ = gd_loop(X, Y, w, pen, icpt, 2.5 / L, 1.0, [0, 5, 20])
    assert_close(got.coef, ref, 1e-8)
    assert np.linalg.norm(got.coef[2]) > 100 * np.linalg.norm(got.coef[1])
    with pytest.warns(DivergenceWarning, match=r"Use learning_rate < "):
        early_stopping_alpha(X, Y, 3, learning_rate=2.5 / top_rate(X, w, pen, icpt, 0.0))
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        gradient_descent(X, Y, 5, learning_rate=1.9 / L, alpha=1.0)


@given(st.integers(0, 10_000), st.floats(0.05, 1.95), st.integers(0, 60))
def test_gradient_descent_property_vs_loop(seed, eta_frac, k):
    X, Y, w, pen, icpt, kw, _ = problem("factor", seed=seed)
    L = top_rate(X, w, pen, icpt, 0.1)
    ref, ref_b = gd_loop(X, Y, w, pen, icpt, eta_frac / L, 0.1, [k])
    got = gradient_descent(X, Y, k, learning_rate=eta_frac / L, alpha=0.1, **kw)
    assert_close(got.coef, ref, 1e-8)
    assert_close(got.intercept, ref_b, 1e-8)


# ----------------------------------------------------------------- gradient flow
@pytest.mark.parametrize("case", ["plain", "weighted", "factor", "standardize", "wide"])
@pytest.mark.parametrize("with_init", [False, True])
def test_gradient_flow_matches_solve_ivp(case, with_init):
    X, Y, w, pen, icpt, kw, rng = problem(case)
    A, Yt = scaled_system(X, Y, w, pen, icpt)
    L0 = np.linalg.eigvalsh(A.T @ A)[-1]
    alpha = 0.01 * L0
    H, G = A.T @ A + alpha * np.eye(A.shape[1]), A.T @ Yt
    P = pen > 0
    init = rng.standard_normal((X.shape[1], 2)) if with_init else None
    beta0 = np.zeros_like(G) if init is None else init[P] * np.sqrt(pen[P])[:, None]
    times = np.array([0.0, 0.3, 2.0, 20.0]) / L0
    sol = solve_ivp(
        lambda _, b: -(H @ b.reshape(G.shape) - G).ravel(),
        (0.0, times[-1]),
        beta0.ravel(),
        t_eval=times,
        method="DOP853",
        rtol=1e-12,
        atol=1e-14 * np.abs(np.linalg.solve(H, G)).max(),
    )
    got = gradient_flow(X, Y, times, alpha=alpha, init=init, **kw)
    for i in range(times.size):
        coef, b = to_coef(X, Y, w, pen, icpt, sol.y[:, i].reshape(G.shape))
        assert_close(got.coef[i], coef, 1e-8)
        assert_close(got.intercept[i], b, 1e-8)
        # and the matrix exponential: β(t) = β̂ + expm(−Ht)(β₀ − β̂)
        bhat = np.linalg.solve(H, G)
        beta = bhat + scipy.linalg.expm(-H * times[i]) @ (beta0 - bhat)
        assert_close(got.coef[i], to_coef(X, Y, w, pen, icpt, beta)[0], 1e-9)


def test_gradient_descent_approaches_the_flow_as_the_step_shrinks():
    X, Y, w, pen, icpt, kw, _ = problem("factor")
    L = top_rate(X, w, pen, icpt, 0.0)
    t = 3.0 / L
    flow = gradient_flow(X, Y, t, **kw).coef[0]
    errs = []
    for k in (10, 100, 1000):
        gd = gradient_descent(X, Y, k, learning_rate=t / k, **kw).coef[0]
        errs.append(np.abs(gd - flow).max())
    assert errs[0] > 5 * errs[1] > 25 * errs[2]  # first order in η


# ----------------------------------------------------------------- contraction rates
@pytest.mark.parametrize(
    "case", ["plain", "weighted", "factor", "standardize", "wide", "wide_factor"]
)
def test_contraction_rates_are_the_hessian_eigenvalues(case):
    X, Y, w, pen, icpt, kw, _ = problem(case)
    A, _ = scaled_system(X, Y, w, pen, icpt)
    alphas = np.array([0.0, 0.5, 7.0])
    c = contraction_rates(X, alpha=alphas, **kw)
    for i, a in enumerate(alphas):
        H = A.T @ A + a * np.eye(A.shape[1])
        ref = np.sort(np.linalg.eigvalsh(H))[::-1]
        np.testing.assert_allclose(c.rates[i], ref, rtol=1e-9, atol=1e-9 * ref[0])
    rank = np.linalg.matrix_rank(A)
    assert c.n_null == A.shape[1] - rank
    np.testing.assert_allclose(c.rates[:, -1][1:], alphas[1:] if c.n_null else c.rates[1:, -1])
    np.testing.assert_allclose(c.max_learning_rate, 2.0 / c.rates[:, 0])
    np.testing.assert_allclose(c.step_factors(0.01), 1.0 - 0.01 * c.rates)


def test_contraction_rate_of_one_direction_in_the_iterates():
    """The error along each eigenvector contracts by exactly 1 − η(μ_i + α) per step."""
    X, Y, w, pen, icpt, kw, _ = problem("weighted", t=1)
    A, Yt = scaled_system(X, Y, w, pen, icpt)
    alpha = 3.0
    c = contraction_rates(X, alpha=alpha, **kw)
    lr = 0.7 / c.rates[0, 0]
    mu, V = np.linalg.eigh(A.T @ A)
    bhat = np.linalg.solve(A.T @ A + alpha * np.eye(A.shape[1]), A.T @ Yt)
    path = gradient_descent(X, Y, [4, 5], learning_rate=lr, alpha=alpha, **kw)
    err = [V.T @ (path.coef[i][pen > 0] - bhat) for i in range(2)]
    np.testing.assert_allclose((err[1] / err[0])[::-1, 0], c.step_factors(lr)[0], rtol=1e-7)


# ----------------------------------------------------------------- early stopping
def brute_alpha(X, Y, w, pen, icpt, wk, guess):
    """argmin over α of ‖Π^½ (w_k − ŵ_α)‖ with ridge fits from refs.ridge_solve."""

    def dist(la):
        _, coef = ridge_solve(X, Y, w, np.exp(la), pen, icpt)
        return float(pen @ (coef - wk)[:, 0] ** 2)

    g = np.log(guess)
    res = minimize_scalar(dist, bounds=(g - 3, g + 3), method="bounded", options={"xatol": 1e-10})
    return np.exp(res.x), res.fun, dist


@pytest.mark.parametrize("case", ["plain", "weighted", "factor", "standardize", "wide"])
@pytest.mark.parametrize("k", [3, 30])
def test_early_stopping_alpha_against_brute_force(case, k):
    X, Y, w, pen, icpt, kw, _ = problem(case, t=1)
    L = top_rate(X, w, pen, icpt, 0.0)
    lr = 0.05 / L
    wk, _ = gd_loop(X, Y, w, pen, icpt, lr, 0.0, [k])
    es = early_stopping_alpha(X, Y, k, learning_rate=lr, **kw)
    ref, ref_val, dist = brute_alpha(X, Y, w, pen, icpt, wk[0], 1.0 / (lr * k))
    assert dist(np.log(es.alpha[0, 0])) <= ref_val * (1 + 1e-7) + 1e-14
    np.testing.assert_allclose(es.alpha[0, 0], ref, rtol=1e-4)
    np.testing.assert_allclose(es.alpha_approx, 1.0 / (lr * k))
    norm_k = np.sqrt(pen @ wk[0][:, 0] ** 2)
    np.testing.assert_allclose(
        es.relative_distance[0, 0], np.sqrt(dist(np.log(ref))) / norm_k, rtol=1e-4
    )
    # filter matching on eigenvalues computed by brute force
    A, _ = scaled_system(X, Y, w, pen, icpt)
    mu = np.linalg.eigvalsh(A.T @ A)
    mu = mu[mu > 1e-9 * mu[-1]]
    phi = 1.0 - (1.0 - lr * mu) ** k

    def gap(la):
        return float(((phi - mu / (mu + np.exp(la))) ** 2).sum())

    g = np.log(1.0 / (lr * k))
    res = minimize_scalar(gap, bounds=(g - 3, g + 3), method="bounded", options={"xatol": 1e-10})
    np.testing.assert_allclose(es.alpha_filter[0], np.exp(res.x), rtol=1e-4)


def test_zero_steps_is_infinite_alpha():
    X, Y, *_ = problem("plain")
    es = early_stopping_alpha(X, Y, [0, 4], learning_rate=1e-3)
    assert np.isinf(es.alpha[0]).all() and np.isinf(es.alpha_filter[0])
    assert np.isinf(es.alpha_approx[0]) and np.isfinite(es.alpha[1]).all()
    assert es.alpha.shape == (2, 2) and es.relative_distance.shape == (2, 2)


def log_uniform_problem(decades=8, per_decade=50, power=0.0):
    """X with eigenvalues of XᵀX spread evenly in log over `decades`, and y with
    (z_i/d_i)² = d_i^power (the signal's share per direction)."""
    p = decades * per_decade
    d = np.logspace(-decades / 2, decades / 2, p)
    rng = np.random.default_rng(0)
    Q = np.linalg.qr(rng.standard_normal((p, p)))[0]
    R = np.linalg.qr(rng.standard_normal((p, p)))[0]
    sig = np.sqrt(d)
    X = Q @ np.diag(sig) @ R.T
    z = d * d ** (power / 2)  # z_i = σ_i u_iᵀy → u_iᵀy = z_i/σ_i
    y = Q @ (z / sig)
    return X, y, d


def continuum_constant(power):
    """argmin over a of ∫ x^power (1 − e^{−x} − x/(x + a))² dx/x (the flow's filters against
    ridge's over a log-uniform spectrum; α·t → a)."""

    def F(la):
        a = np.exp(la)
        return quad(
            lambda u: (
                np.exp(power * u) * (-np.expm1(-np.exp(u)) - np.exp(u) / (np.exp(u) + a)) ** 2
            ),
            -30,
            30,
            limit=400,
        )[0]

    return float(np.exp(minimize_scalar(F, bracket=(-2.0, 0.0, 2.0)).x))


@pytest.mark.parametrize("power", [0.0, -1.0])
def test_early_stopping_constant_in_the_flow_regime(power):
    """Small ημ and an iterate at t = ηk inside a wide spectrum: α·t → a constant of order one."""
    X, y, d = log_uniform_problem(power=power)
    t = 1.0
    a_ref = continuum_constant(power)
    assert 0.5 < a_ref < 1.0  # 0.61 (filters, equal weights) and 0.82 (weights 1/μ)
    ks = np.array([10_000, 100_000, 1_000_000])
    got = []
    for k in ks:
        es = early_stopping_alpha(X, y, k, learning_rate=t / k, fit_intercept=False)
        got.append(es.alpha[0, 0] * t)
        if power == 0.0:  # equal weights: the coefficient and filter criteria coincide
            np.testing.assert_allclose(es.alpha[0, 0], es.alpha_filter[0], rtol=1e-6)
        np.testing.assert_allclose(es.alpha_approx[0] * t, 1.0)
    got = np.array(got)
    assert abs(got[2] - got[1]) < abs(got[1] - got[0])  # converging as η·μ_max → 0
    np.testing.assert_allclose(got[-1], a_ref, rtol=2e-4)  # measured: 5e-7 (power 0), 6e-5 (-1)


# ----------------------------------------------------------------- validation
@pytest.mark.parametrize(
    ("kwargs", "err", "match"),
    [
        (dict(learning_rate=0.0), ValueError, "learning_rate must be positive and finite; got 0"),
        (dict(learning_rate=np.nan), ValueError, "learning_rate must be positive and finite"),
        (dict(learning_rate="x"), TypeError, "learning_rate must be a number; got 'x'"),
        (
            dict(learning_rate=0.1, alpha=-1.0),
            ValueError,
            "alpha must be non-negative and finite; got -1",
        ),
        (dict(learning_rate=0.1, alpha=None), TypeError, "alpha must be a number; got None"),
    ],
)
def test_rate_and_decay_messages(kwargs, err, match):
    X, Y, *_ = problem("plain")
    with pytest.raises(err, match=match):
        gradient_descent(X, Y, 3, **kwargs)


@pytest.mark.parametrize(
    ("steps", "err", "match"),
    [
        (-1, ValueError, r"steps must be non-negative integers; got \[-1\]"),
        ([1, 2.5], ValueError, "steps must be non-negative integers"),
        (
            [[1, 2]],
            ValueError,
            r"steps must be a number or a non-empty 1-D array; got shape \(1, 2\)",
        ),
        ([], ValueError, "steps must be a number or a non-empty 1-D array"),
        (["a"], TypeError, "steps must be non-negative integers"),
    ],
)
def test_steps_messages(steps, err, match):
    X, Y, *_ = problem("plain")
    with pytest.raises(err, match=match):
        gradient_descent(X, Y, steps, learning_rate=0.01)
    with pytest.raises(err, match=match):
        early_stopping_alpha(X, Y, steps, learning_rate=0.01)


def test_times_and_init_messages():
    X, Y, *_ = problem("plain")
    with pytest.raises(ValueError, match="times must be non-negative"):
        gradient_flow(X, Y, [-1.0])
    with pytest.raises(ValueError, match="times must be finite"):
        gradient_flow(X, Y, [np.inf])
    with pytest.raises(
        ValueError, match=r"init must be of shape \(5,\) or \(5, 2\); got shape \(4,\)"
    ):
        gradient_flow(X, Y, 1.0, init=np.zeros(4))
    with pytest.raises(ValueError, match="init must be finite"):
        gradient_descent(X, Y, 1, learning_rate=0.01, init=np.full(5, np.nan))
    with pytest.raises(ValueError, match="alpha must be non-negative"):
        contraction_rates(X, alpha=[1.0, -2.0])


def test_float32_input_keeps_dtype_of_coefficients():
    X, Y, *_ = problem("plain")
    X32 = X.astype(np.float32)
    got = gradient_descent(X32, Y, [0, 5], learning_rate=1e-3, alpha=0.5)
    assert got.coef.dtype == np.float32 and got.intercept.dtype == np.float32
    ref = gradient_descent(X32.astype(np.float64), Y, [0, 5], learning_rate=1e-3, alpha=0.5)
    np.testing.assert_allclose(got.coef, ref.coef, rtol=1e-5, atol=1e-6)
    assert gradient_flow(X32, Y, 1.0).coef.dtype == np.float32
