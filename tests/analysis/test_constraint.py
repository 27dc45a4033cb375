"""The constraint view: :mod:`ridgeway.analysis.constraint` against independent computations.

References: ridge fits by least squares on augmented rows (``refs.ridge_solve``), the
minimum-norm least-squares fit by ``numpy.linalg.lstsq`` on the profiled, penalty-scaled
design, scipy's SLSQP on the constrained problem itself, and the ``fracridge`` package.

Objective: Σ_i s_i (y_i − b − x_iᵀw)² + α Σ_j π_j w_j²; the constraint is ‖Π^½ w‖ ≤ r.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.optimize import minimize

from refs import make_data, ridge_solve
from ridgeway.analysis.constraint import (
    alpha_for_norm,
    fractional_ridge,
    norm_constrained_ridge,
)

CASES = {
    "plain": dict(n=40, p=6, weights=False, factor=None, standardize=False, intercept=True),
    "weighted": dict(n=40, p=6, weights=True, factor=None, standardize=False, intercept=True),
    "factor": dict(
        n=40, p=5, weights=True, factor=[1.0, 0.0, 2.0, 0.5, 3.0], standardize=False, intercept=True
    ),
    "standardize": dict(n=40, p=5, weights=True, factor=None, standardize=True, intercept=True),
    "wide": dict(n=12, p=30, weights=False, factor=None, standardize=False, intercept=True),
    "wide_factor": dict(
        n=12,
        p=20,
        weights=True,
        factor=[0.0] + [1.0] * 10 + [4.0] * 9,
        standardize=False,
        intercept=True,
    ),
    "no_intercept": dict(n=30, p=4, weights=False, factor=None, standardize=False, intercept=False),
}


def problem(case, t=3, seed=0):
    c = CASES[case]
    X, Y, rng = make_data(c["n"], c["p"], t, seed)
    w = rng.uniform(0.2, 3.0, c["n"]) if c["weights"] else None
    factor = np.ones(c["p"]) if c["factor"] is None else np.asarray(c["factor"], float)
    kw = dict(
        sample_weight=w,
        fit_intercept=c["intercept"],
        standardize=c["standardize"],
        penalty_factor=c["factor"],
    )
    return X, Y, w, penalty(X, w, factor, c["standardize"]), c["intercept"], kw


def penalty(X, w, factor, standardize):
    """π: the factors, times the weighted column variance (divisor Σs) when standardizing."""
    if not standardize:
        return factor
    s = np.ones(X.shape[0]) if w is None else w
    var = s @ (X - s @ X / s.sum()) ** 2 / s.sum()
    return factor * np.where(var > 0, var, 1.0)


def min_norm_ls(X, Y, w, pen, fit_intercept):
    """(coef (p, t), ‖Π^½ w‖ (t,)) of the least-squares fit of smallest penalized norm.

    Profile the intercept and the unpenalized columns by projection, scale the penalized
    columns by 1/√π and take numpy's minimum-norm lstsq solution.
    """
    s = np.ones(X.shape[0]) if w is None else w
    if fit_intercept:
        X = X - s @ X / s.sum()
        Y = Y - s @ Y / s.sum()
    sw = np.sqrt(s)[:, None]
    P, U = pen > 0, pen == 0
    ZP, ZU, Yw = sw * X[:, P], sw * X[:, U], sw * Y
    if U.any():
        ZPr = ZP - ZU @ np.linalg.lstsq(ZU, ZP, rcond=None)[0]
        Yr = Yw - ZU @ np.linalg.lstsq(ZU, Yw, rcond=None)[0]
    else:
        ZPr, Yr = ZP, Yw
    c = 1.0 / np.sqrt(pen[P])
    beta = np.linalg.lstsq(ZPr * c, Yr, rcond=None)[0]
    coef = np.zeros((X.shape[1], Y.shape[1]))
    coef[P] = c[:, None] * beta
    if U.any():
        coef[U] = np.linalg.lstsq(ZU, Yw - ZP @ coef[P], rcond=None)[0]
    return coef, np.linalg.norm(beta, axis=0)


def pen_norm(coef, pen):
    """‖Π^½ w‖ per target for coef (p, t)."""
    return np.sqrt(pen @ coef**2)


# ----------------------------------------------------------------- alpha_for_norm
@pytest.mark.parametrize("case", list(CASES))
def test_alpha_for_norm_gives_the_radius(case):
    X, Y, w, pen, icpt, kw = problem(case)
    _, ols = min_norm_ls(X, Y, w, pen, icpt)
    radius = np.array([0.05, 0.3, 0.7, 0.99])[:, None] * ols[None, :]  # (r, t)
    alphas = alpha_for_norm(X, Y, radius, **kw)
    assert alphas.shape == (4, 3)
    assert (alphas > 0).all()
    for i in range(4):
        for j in range(3):
            _, coef = ridge_solve(
                X, Y[:, [j]], np.ones(len(X)) if w is None else w, alphas[i, j], pen, icpt
            )
            np.testing.assert_allclose(pen_norm(coef, pen), radius[i, j], rtol=1e-8)


@pytest.mark.parametrize("case", ["plain", "factor", "wide", "wide_factor"])
def test_radius_at_or_above_ols_norm_is_inactive(case):
    X, Y, w, pen, icpt, kw = problem(case)
    _, ols = min_norm_ls(X, Y, w, pen, icpt)
    radius = np.stack([ols * (1 + 1e-9), ols * 2.0, ols + 10.0])
    np.testing.assert_array_equal(alpha_for_norm(X, Y, radius, **kw), 0.0)
    fit = norm_constrained_ridge(X, Y, radius, **kw)
    assert not fit.active.any()
    ref_coef, _ = min_norm_ls(X, Y, w, pen, icpt)
    for i in range(3):
        np.testing.assert_allclose(fit.coef[i], ref_coef, rtol=1e-7, atol=1e-9)


def test_radius_zero_gives_infinite_alpha_and_zero_penalized_coef():
    X, Y, w, pen, icpt, kw = problem("factor")
    fit = norm_constrained_ridge(X, Y, 0.0, **kw)
    assert np.isinf(fit.alpha).all() and fit.active.all()
    np.testing.assert_array_equal(fit.coef[0][pen > 0], 0.0)
    # the unpenalized feature and the intercept are the least-squares fit without the others
    s = w
    Z = np.column_stack([np.ones(len(X)), X[:, pen == 0]])
    ref = np.linalg.lstsq(np.sqrt(s)[:, None] * Z, np.sqrt(s)[:, None] * Y, rcond=None)[0]
    np.testing.assert_allclose(fit.intercept[0], ref[0], rtol=1e-10)
    np.testing.assert_allclose(fit.coef[0][pen == 0], ref[1:], rtol=1e-10)


def test_output_shapes_follow_the_inputs():
    X, Y, _, _, _, _ = problem("plain", t=2)
    y = Y[:, 0]
    assert alpha_for_norm(X, y, 0.5).shape == ()
    assert alpha_for_norm(X, y, [0.5, 0.2, 0.1]).shape == (3,)
    assert alpha_for_norm(X, Y, 0.5).shape == (2,)
    assert alpha_for_norm(X, Y, [0.5, 0.2, 0.1]).shape == (3, 2)
    assert alpha_for_norm(X, Y, [[0.5, 0.4], [0.2, 0.1]]).shape == (2, 2)
    # a shared radius and one column per target agree
    both = alpha_for_norm(X, Y, [[0.5, 0.5], [0.2, 0.2]])
    np.testing.assert_array_equal(both, alpha_for_norm(X, Y, [0.5, 0.2]))
    # targets are independent: each column alone gives the same α
    np.testing.assert_allclose(alpha_for_norm(X, Y[:, 1], [0.5, 0.2]), both[:, 1], rtol=1e-12)


def test_float32_input_keeps_dtype_of_coefficients():
    X, Y, _, _, _, _ = problem("plain", t=1)
    fit = norm_constrained_ridge(X.astype(np.float32), Y[:, 0], 0.3)
    assert fit.coef.dtype == np.float32 and fit.intercept.dtype == np.float32
    ref = norm_constrained_ridge(X.astype(np.float32).astype(np.float64), Y[:, 0], 0.3)
    np.testing.assert_allclose(fit.coef, ref.coef, rtol=1e-5)


@st.composite
def round_trip_cases(draw):
    seed = draw(st.integers(0, 10_000))
    case = draw(st.sampled_from(["plain", "factor", "standardize", "wide", "no_intercept"]))
    log_alpha = draw(st.floats(-3.0, 3.0))
    return seed, case, log_alpha


@given(round_trip_cases())
def test_round_trip_alpha_norm_alpha(args):
    """alpha_for_norm(‖Π^½ ŵ(α)‖) = α, with ŵ(α) from an independent ridge solve."""
    seed, case, log_alpha = args
    X, Y, w, pen, icpt, kw = problem(case, t=1, seed=seed)
    scale = np.linalg.norm(X - X.mean(axis=0)) ** 2 / X.shape[1]  # a typical eigenvalue
    alpha = scale * 10.0**log_alpha
    _, coef = ridge_solve(X, Y, np.ones(len(X)) if w is None else w, alpha, pen, icpt)
    radius = pen_norm(coef, pen)[0]
    got = float(alpha_for_norm(X, Y[:, 0], radius, **kw))
    # the α recovered from a norm is as accurate as the norm is sensitive to α
    fit = norm_constrained_ridge(X, Y[:, 0], radius, **kw)
    np.testing.assert_allclose(fit.norm[0, 0], radius, rtol=1e-9)
    eps = 1e-6 * alpha
    _, c_hi = ridge_solve(X, Y, np.ones(len(X)) if w is None else w, alpha + eps, pen, icpt)
    elasticity = abs(np.log(pen_norm(c_hi, pen)[0] / radius)) / np.log1p(1e-6)
    np.testing.assert_allclose(got, alpha, rtol=1e-10 / max(elasticity, 1e-6) + 1e-9)


@given(
    st.integers(0, 10_000),
    st.lists(st.floats(0.0, 1.2), min_size=2, max_size=8),
    st.sampled_from(["plain", "factor", "wide"]),
)
def test_alpha_decreases_as_the_radius_grows(seed, fracs, case):
    X, Y, w, pen, icpt, kw = problem(case, t=2, seed=seed)
    _, ols = min_norm_ls(X, Y, w, pen, icpt)
    f = np.sort(np.asarray(fracs))
    alphas = alpha_for_norm(X, Y, f[:, None] * ols[None, :], **kw)
    assert (alphas[1:] <= alphas[:-1]).all()
    active = f < 1.0 - 1e-9  # the reference N(0) may differ from ridgeway's in the last digits
    strict = active[1:] & (np.diff(f) > 1e-9)
    assert (alphas[1:][strict] < alphas[:-1][strict]).all()
    assert (alphas[f > 1.0 + 1e-9] == 0).all()


# ----------------------------------------------------------------- fractional ridge
@pytest.mark.parametrize("case", list(CASES))
def test_fractional_ridge_against_brute_force(case):
    X, Y, w, pen, icpt, kw = problem(case, t=2)
    fr = np.array([0.9, 0.0, 0.1, 0.5, 1.0, 1.5])  # any order; ≥ 1 is least squares
    fit = fractional_ridge(X, Y, fr, **kw)
    ols_coef, ols = min_norm_ls(X, Y, w, pen, icpt)
    np.testing.assert_allclose(fit.ols_norm, ols, rtol=1e-9)
    assert fit.alphas.shape == (6, 2) and fit.coef.shape == (6, X.shape[1], 2)
    np.testing.assert_allclose(
        fit.norm, np.minimum(fr, 1.0)[:, None] * ols[None, :], rtol=1e-9, atol=1e-12
    )
    assert np.isinf(fit.alphas[1]).all()
    np.testing.assert_array_equal(fit.alphas[[4, 5]], 0.0)
    for i in (0, 2, 3):
        for j in range(2):
            b, coef = ridge_solve(
                X, Y[:, [j]], np.ones(len(X)) if w is None else w, fit.alphas[i, j], pen, icpt
            )
            np.testing.assert_allclose(fit.coef[i, :, j], coef[:, 0], rtol=1e-7, atol=1e-10)
            np.testing.assert_allclose(fit.intercept[i, j], b[0], rtol=1e-7, atol=1e-10)
    for i in (4, 5):
        np.testing.assert_allclose(fit.coef[i], ols_coef, rtol=1e-7, atol=1e-9)


def test_fractional_ridge_against_fracridge():
    fracridge = pytest.importorskip("fracridge")
    rng = np.random.default_rng(3)
    n, p, t = 60, 8, 4
    X = rng.standard_normal((n, p)) * rng.uniform(0.5, 2.0, p)
    Y = X @ rng.standard_normal((p, t)) + rng.standard_normal((n, t))
    fracs = np.linspace(0.1, 0.9, 9)
    coef_fr, alpha_fr = fracridge.fracridge(X, Y, fracs, jit=False)  # (p, f, t), (f, t)
    fit = fractional_ridge(X, Y, fracs, fit_intercept=False)
    # fracridge interpolates α on a grid in log(1 + α): close, not exact (measured: α within
    # 2 %, coefficients within 0.3 % of the largest, fractions within 0.003)
    np.testing.assert_allclose(fit.alphas, alpha_fr, rtol=5e-2)
    np.testing.assert_allclose(
        fit.coef, np.moveaxis(coef_fr, 0, 1), atol=5e-3 * np.abs(coef_fr).max()
    )
    ols = np.linalg.norm(np.linalg.lstsq(X, Y, rcond=None)[0], axis=0)
    np.testing.assert_allclose(
        np.linalg.norm(fit.coef, axis=1) / ols, fracs[:, None] + 0 * ols, rtol=1e-10
    )
    np.testing.assert_allclose(
        np.linalg.norm(coef_fr, axis=0) / ols, fracs[:, None] + 0 * ols, atol=5e-3
    )
    # fracridge's coefficients are the exact ridge fit at its own α: the norm they reach maps
    # back to that α exactly
    reached = np.linalg.norm(coef_fr, axis=0)  # (f, t)
    np.testing.assert_allclose(
        alpha_for_norm(X, Y, reached, fit_intercept=False), alpha_fr, rtol=1e-7
    )


# ----------------------------------------------------------------- KKT / Lagrange view
def slsqp_constrained(X, y, w, pen, radius):
    """min Σ s (y − b − Xw)² s.t. r² − Σ π w² ≥ 0 by SLSQP, with its Lagrange multiplier."""
    n, p = X.shape
    Z = np.column_stack([np.ones(n), X])
    pz = np.r_[0.0, pen]

    def rss(theta):
        r = y - Z @ theta
        return float(w @ r**2)

    def grad(theta):
        return -2.0 * Z.T @ (w * (y - Z @ theta))

    cons = {
        "type": "ineq",
        "fun": lambda th: radius**2 - pz @ th**2,
        "jac": lambda th: -2.0 * pz * th,
    }
    res = minimize(
        rss,
        np.zeros(p + 1),
        jac=grad,
        method="SLSQP",
        constraints=[cons],
        options={"ftol": 1e-13, "maxiter": 1000},
    )
    return res


@pytest.mark.parametrize("case", ["plain", "weighted", "factor", "standardize"])
@pytest.mark.parametrize("frac", [0.2, 0.6, 1.3])
def test_constrained_ridge_against_slsqp(case, frac):
    X, Y, w, pen, icpt, kw = problem(case, t=1, seed=5)
    X, Y = X[:15], Y[:15]
    w = np.ones(15) if w is None else w[:15]
    kw["sample_weight"] = w
    pen = penalty(
        X,
        w,
        np.ones(X.shape[1]) if CASES[case]["factor"] is None else np.asarray(CASES[case]["factor"]),
        CASES[case]["standardize"],
    )
    _, ols = min_norm_ls(X, Y, w, pen, True)
    radius = frac * ols[0]
    fit = norm_constrained_ridge(X, Y[:, 0], radius, **kw)
    res = slsqp_constrained(X, Y[:, 0], w, pen, radius)
    theta = np.r_[fit.intercept[0, 0], fit.coef[0, :, 0]]
    # measured: RSS to 1e-12, coefficients to 3e-8 of the largest, multipliers to 2e-8
    assert fit.rss[0, 0] <= res.fun * (1 + 1e-12)  # the spectral solution is at least as good
    np.testing.assert_allclose(fit.rss[0, 0], res.fun, rtol=1e-10)
    np.testing.assert_allclose(theta, res.x, atol=1e-6 * np.abs(res.x).max())
    np.testing.assert_allclose(fit.alpha[0, 0], res.multipliers[0], rtol=1e-6, atol=1e-9)
    # the KKT conditions themselves
    assert fit.norm[0, 0] <= radius * (1 + 1e-12)
    assert fit.alpha[0, 0] >= 0
    assert abs(fit.alpha[0, 0] * (radius - fit.norm[0, 0])) <= 1e-8 * max(1.0, fit.rss[0, 0])
    assert bool(fit.active[0, 0]) == (frac < 1)
    resid = Y[:, 0] - fit.intercept[0, 0] - X @ fit.coef[0, :, 0]
    grad_rss = -2.0 * X.T @ (w * resid)
    np.testing.assert_allclose(
        grad_rss + 2.0 * fit.alpha[0, 0] * pen * fit.coef[0, :, 0],
        0.0,
        atol=1e-8 * np.abs(grad_rss).max() + 1e-10,
    )
    np.testing.assert_allclose(w @ resid, 0.0, atol=1e-8 * np.abs(w @ np.abs(resid)))


def test_constrained_rss_grows_as_the_ball_shrinks():
    X, Y, w, pen, icpt, kw = problem("weighted", t=2)
    _, ols = min_norm_ls(X, Y, w, pen, icpt)
    fit = norm_constrained_ridge(X, Y, np.linspace(0.0, 1.2, 13)[:, None] * ols, **kw)
    for j in range(2):
        r = Y[:, j][None, :] - fit.intercept[:, [j]] - np.einsum("np,rp->rn", X, fit.coef[:, :, j])
        np.testing.assert_allclose(fit.rss[:, j], (w * r**2).sum(axis=1), rtol=1e-9)
    assert (np.diff(fit.rss, axis=0) <= 1e-9 * fit.rss[0]).all()


# ----------------------------------------------------------------- validation
@pytest.mark.parametrize(
    ("radius", "match"),
    [
        (-1.0, "radius must be finite and non-negative; got -1"),
        ([0.5, np.nan], "radius must be finite and non-negative; got nan"),
        ([0.5, np.inf], "radius must be finite and non-negative; got inf"),
        (
            np.ones((2, 3)),
            r"radius must be a number, a 1-D array, or a 2-D array of shape \(r, 2\)",
        ),
        (np.ones((2, 2, 1)), r"radius must be .*; got shape \(2, 2, 1\)"),
        ([], r"radius must be non-empty; got shape \(0, 1\)"),
    ],
)
def test_radius_messages(radius, match):
    X, Y, _, _, _, _ = problem("plain", t=2)
    with pytest.raises(ValueError, match=match):
        alpha_for_norm(X, Y, radius)
    with pytest.raises(ValueError, match=match):
        norm_constrained_ridge(X, Y, radius)


def test_radius_not_numeric():
    X, Y, _, _, _, _ = problem("plain", t=1)
    with pytest.raises(TypeError, match="radius must be a number or an array of numbers"):
        alpha_for_norm(X, Y, "big")


@pytest.mark.parametrize(
    ("fractions", "match"),
    [
        (-0.5, "fractions must be finite and non-negative; got -0.5"),
        ([0.5, np.nan], "fractions must be finite and non-negative; got nan"),
        (np.ones((2, 2)), r"fractions must be a number or a 1-D array; got shape \(2, 2\)"),
    ],
)
def test_fraction_messages(fractions, match):
    X, Y, _, _, _, _ = problem("plain", t=2)
    with pytest.raises(ValueError, match=match):
        fractional_ridge(X, Y, fractions)


def test_bad_data_is_reported_by_the_shared_validation():
    X, Y, _, _, _, _ = problem("plain", t=1)
    with pytest.raises(ValueError, match="y must be of the same length as X"):
        alpha_for_norm(X, Y[:-1], 1.0)
    with pytest.raises(ValueError, match="penalty_factor must be finite and non-negative"):
        fractional_ridge(X, Y, 0.5, penalty_factor=-np.ones(X.shape[1]))
