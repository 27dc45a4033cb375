"""Approximate leave-one-out (ALO) for logistic regression against explicit refits.

Objective: minimize over b, W   Σ_i s_i ℓ(y_i, b + x_iᵀW) + α Σ_j π_j ‖W_j‖².

The exact leave-one-out (LOO) log-loss of α is Σ_i s_i ℓ(y_i, η_i^{(−i)}) / Σ s_i with
η_i^{(−i)} the linear predictor of the fit without row i (its whole weight removed). The
reference refits with ``solve_logistic(tol=1e-10)`` n times per α. Independently of that, the
formula is checked to machine precision against one explicit Newton step of the fit without
row i, on a Hessian built here in plain numpy.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from ridgeway.core.logistic_loss import LogisticProblem, logistic_problem
from ridgeway.core.logistic_solvers import solve_logistic
from ridgeway.selection import Curve
from ridgeway.selection.logistic_alo import alo_curve, alo_linear_predictors

ALPHAS = np.geomspace(1e-2, 1e2, 8)  # 8 values over 4 decades

# ---------------------------------------------------------------------------- helpers


def make_problem(n, p, K, seed, weighted, fit_intercept=True):
    """Columns of different scales and offsets; labels from a logistic/softmax model.

    K = 1: Y (n, 1) 0/1 for one logit; K ≥ 3: one-hot Y (n, K). Weighted: integer weights
    1–3 with the first three rows at weight 0.
    """
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) * rng.uniform(0.5, 2.0, p) + rng.normal(0.0, 1.0, p)
    eta = 1.5 * (X - X.mean(axis=0)) @ rng.standard_normal((p, K)) / np.sqrt(p)
    if K == 1:
        Y = (rng.random(n) < 1.0 / (1.0 + np.exp(-eta[:, 0] - 0.5))).astype(float)[:, None]
    else:
        P = np.exp(eta)
        P /= P.sum(axis=1, keepdims=True)
        lab = (rng.random(n)[:, None] > np.cumsum(P, axis=1)).sum(axis=1)
        Y = np.eye(K)[lab]
    w = np.ones(n)
    if weighted:
        w = rng.integers(1, 4, n).astype(float)
        w[:3] = 0.0
    pen = rng.uniform(0.5, 2.0, p)
    return X, Y, w, pen, fit_intercept


def linear_predictor(X, sol):
    return X @ sol.coef + sol.intercept


def row_loss(Y, E):
    """ℓ(y_i, η_i) per row (plain numpy)."""
    if E.shape[1] == 1:
        return np.logaddexp(0.0, E[:, 0]) - Y[:, 0] * E[:, 0]
    top = E.max(axis=1, keepdims=True)
    return np.log(np.exp(E - top).sum(axis=1)) + top[:, 0] - (Y * E).sum(axis=1)


def fit_path(pr, alphas):
    sols, start = [], None
    for a in alphas:
        sol = solve_logistic(pr, a, tol=1e-10, start=start)
        assert sol.converged
        sols.append(sol)
        start = (sol.V, sol.c)
    return sols


def centred(E):
    """Softmax predictors are defined up to a constant per row: compare them centred."""
    return E if E.shape[1] == 1 else E - E.mean(axis=1, keepdims=True)


def brute_loo(X, Y, w, pen, fit_intercept, alphas, sols, rows=None):
    """η_i^{(−i)} (a, n, K): refit with row i removed entirely (weight-0 rows: the full fit)."""
    n = X.shape[0]
    out = np.stack([linear_predictor(X, s) for s in sols])
    for i in range(n) if rows is None else rows:
        if w[i] == 0:
            continue
        keep = np.arange(n) != i
        pri = logistic_problem(X[keep], Y[keep], w[keep], pen, fit_intercept)
        for r, a in enumerate(alphas):
            start = pri.to_std(sols[r].coef, sols[r].intercept)
            sol = solve_logistic(pri, a, tol=1e-10, start=start)
            assert sol.converged
            out[r, i] = X[i] @ sol.coef + sol.intercept
    return out


CASES = {
    "binary-intercept": (200, 4, 1, True, False),
    "binary-nointercept-weighted": (200, 4, 1, False, True),
    "multinomial-intercept-weighted": (200, 3, 3, True, True),
    "multinomial-nointercept": (200, 3, 3, False, False),
}


@pytest.fixture(scope="module", params=list(CASES))
def case(request):
    n, p, K, fi, weighted = CASES[request.param]
    X, Y, w, pen, fi = make_problem(n, p, K, 0, weighted, fi)
    pr = logistic_problem(X, Y, w, pen, fi)
    sols = fit_path(pr, ALPHAS)
    V = np.stack([s.V for s in sols])
    c = np.stack([s.c for s in sols])
    curve = alo_curve(pr, ALPHAS, V, c)
    alo_eta = np.stack(
        [alo_linear_predictors(pr, a, s.V, s.c) for a, s in zip(ALPHAS, sols, strict=True)]
    )
    loo_eta = brute_loo(X, Y, w, pen, fi, ALPHAS, sols)
    loo_mean = np.array([w @ row_loss(Y, E) / w.sum() for E in loo_eta])
    return request.param, pr, sols, curve, alo_eta, loo_eta, loo_mean


# ---------------------------------------------------------------------------- against brute force


def test_alo_logloss_close_to_brute_force_loo(case):
    name, pr, sols, curve, alo_eta, loo_eta, loo_mean = case
    assert isinstance(curve, Curve)
    assert curve.criterion == "alo"
    assert curve.mean.shape == (ALPHAS.size, 1) and curve.se.shape == (ALPHAS.size, 1)
    assert curve.df.shape == (ALPHAS.size,) and curve.n_samples == pr.X.shape[0]
    np.testing.assert_array_equal(curve.alphas, ALPHAS)
    rel = np.abs(curve.mean[:, 0] - loo_mean) / loo_mean
    assert rel.max() < 0.02, (name, rel)  # measured ≤ 1.4e-3 on these cases
    # the curve's mean is the weighted mean of the per-row losses at η̃
    w = pr.sample_weight
    direct = np.array([w @ row_loss(pr.Y, E) / w.sum() for E in alo_eta])
    np.testing.assert_allclose(curve.mean[:, 0], direct, rtol=1e-12)


def test_alo_predictors_close_to_brute_force(case):
    name, pr, sols, curve, alo_eta, loo_eta, loo_mean = case
    full = np.stack([linear_predictor(pr.X, s) for s in sols])
    err = np.abs(centred(alo_eta) - centred(loo_eta)).max()
    change = np.abs(centred(full) - centred(loo_eta)).max()
    # measured: |η̃ − η^{(−i)}| ≤ 3e-2 while the LOO change |η − η^{(−i)}| reaches ~0.4 (n=200)
    assert err < 0.05, (name, err)
    assert err < 0.15 * change, (name, err, change)


def test_alo_argmin_within_one_grid_step_of_loo(case):
    name, pr, sols, curve, alo_eta, loo_eta, loo_mean = case
    assert abs(int(np.argmin(curve.mean[:, 0])) - int(np.argmin(loo_mean))) <= 1, name


@pytest.mark.parametrize("K", [1, 3])
def test_alo_predictors_tight_for_large_n(K):
    """n = 4000: on the most influential rows ALO is within 2e-4 of the refit (measured 1e-4)."""
    X, Y, w, pen, fi = make_problem(4000, 3, K, 1, weighted=False)
    pr = logistic_problem(X, Y, w, pen, fi)
    alpha = np.array([1.0])
    sols = fit_path(pr, alpha)
    eta = linear_predictor(X, sols[0])
    et = alo_linear_predictors(pr, 1.0, sols[0].V, sols[0].c)
    rows = [*np.argsort(-np.abs(centred(et) - centred(eta)).max(axis=1))[:4].tolist(), 0, 1]
    loo = brute_loo(X, Y, w, pen, fi, alpha, sols, rows=rows)[0]
    err = np.abs(centred(et[rows]) - centred(loo[rows])).max(axis=1)
    change = np.abs(centred(eta[rows]) - centred(loo[rows])).max(axis=1)
    assert err.max() < 2e-4, err
    assert (err <= 0.02 * change + 1e-8).all(), (err, change)


# ---------------------------------------------------------------------------- the formula itself


def newton_step_reference(pr: LogisticProblem, alpha, sol, mu):
    """η of one explicit Newton step of the fit without row i, for every row (plain numpy).

    Gradient −s_i J_iᵀ g_i; Hessian Σ_{j≠i} s_j J_jᵀ D_j J_j + 2α diag(π/sd²) + 2μ (11ᵀ ⊗ I)
    for softmax (any μ > 0: the sum term does not change the step).
    """
    X, Y, s = pr.X, pr.Y, pr.sample_weight
    n, p = X.shape
    K = Y.shape[1]
    Z = (X - pr.center) / pr.scale
    if pr.fit_intercept:
        Z = np.column_stack([Z, np.ones(n)])
    q1 = Z.shape[1]
    eta = linear_predictor(X, sol)
    if K == 1:
        P = 1.0 / (1.0 + np.exp(-eta))
        D = (P * (1 - P))[:, :, None]
    else:
        P = np.exp(eta - eta.max(axis=1, keepdims=True))
        P /= P.sum(axis=1, keepdims=True)
        D = np.stack([np.diag(pi) - np.outer(pi, pi) for pi in P])
    G = P - Y
    J = np.stack([np.kron(np.eye(K), z[None, :]) for z in Z])  # (n, K, q) class-major
    H = np.einsum("i,ikq,ikl,ilr->qr", s, J, D, J)
    pen = np.zeros(q1)
    pen[:p] = 2.0 * alpha * pr.penalty / pr.scale**2
    M = H + np.diag(np.tile(pen, K))
    if K > 1:
        M = M + 2.0 * mu * np.kron(np.ones((K, K)), np.eye(q1))
    out = eta.copy()
    for i in range(n):
        Mi = M - s[i] * J[i].T @ D[i] @ J[i]
        step = np.linalg.solve(Mi, s[i] * J[i].T @ G[i])
        out[i] = eta[i] + J[i] @ step
    return out


@pytest.mark.parametrize("K", [1, 3])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_alo_is_one_newton_step_without_the_row(K, fit_intercept):
    X, Y, w, pen, fi = make_problem(60, 3, K, 2, weighted=True, fit_intercept=fit_intercept)
    pr = logistic_problem(X, Y, w, pen, fi)
    alpha = 0.3
    sol = solve_logistic(pr, alpha, tol=1e-12)
    ref = newton_step_reference(pr, alpha, sol, mu=1.7)
    got = alo_linear_predictors(pr, alpha, sol.V, sol.c)
    np.testing.assert_allclose(centred(got), centred(ref), rtol=1e-9, atol=1e-10)
    # chunking and sparse X give the same numbers
    small = alo_linear_predictors(pr, alpha, sol.V, sol.c, chunk_rows=7)
    np.testing.assert_allclose(small, got, rtol=1e-12, atol=1e-12)
    prs = logistic_problem(sp.csr_matrix(X), Y, w, pen, fi)
    np.testing.assert_allclose(
        alo_linear_predictors(prs, alpha, sol.V, sol.c), got, rtol=1e-9, atol=1e-10
    )


# ---------------------------------------------------------------------------- limits, weights, df


@pytest.mark.parametrize("K", [1, 3])
def test_large_alpha_approaches_intercept_only_loo(K):
    """α → ∞: W → 0 and leaving row i out changes the class frequencies to
    p̂^{(−i)} = (Σ s y − s_i y_i) / (Σ s − s_i), so the LOO loss is −log p̂^{(−i)}_{y_i}."""
    X, Y, w, pen, fi = make_problem(150, 3, K, 3, weighted=True)
    pr = logistic_problem(X, Y, w, pen, fi)
    alphas = np.array([1e8])
    sol = fit_path(pr, alphas)[0]
    curve = alo_curve(pr, alphas, sol.V[None], sol.c[None])
    Yfull = np.column_stack([Y, 1 - Y]) if K == 1 else Y
    pos = w > 0
    freq = (Yfull.T @ w - w[:, None] * Yfull) / (w.sum() - w)[:, None]
    loss = -np.log((freq[pos] * Yfull[pos]).sum(axis=1))
    exact = w[pos] @ loss / w.sum()
    np.testing.assert_allclose(curve.mean[0, 0], exact, rtol=1e-3)
    assert abs(curve.df[0]) < 1e-5


@pytest.mark.parametrize("K", [1, 3])
def test_large_alpha_without_intercept_is_uniform(K):
    X, Y, w, pen, _ = make_problem(100, 3, K, 4, weighted=False, fit_intercept=False)
    pr = logistic_problem(X, Y, w, pen, False)
    sol = fit_path(pr, np.array([1e9]))[0]
    curve = alo_curve(pr, np.array([1e9]), sol.V[None], sol.c[None])
    np.testing.assert_allclose(curve.mean[0, 0], np.log(2 if K == 1 else K), rtol=1e-6)
    assert abs(curve.df[0]) < 1e-6


@pytest.mark.parametrize("K", [1, 3])
def test_zero_weight_rows_keep_eta_and_leave_the_mean(K):
    X, Y, w, pen, fi = make_problem(80, 3, K, 5, weighted=True)
    assert (w[:3] == 0).all()
    pr = logistic_problem(X, Y, w, pen, fi)
    alphas = np.geomspace(0.1, 10.0, 3)
    sols = fit_path(pr, alphas)
    V = np.stack([s.V for s in sols])
    c = np.stack([s.c for s in sols])
    for a, s in zip(alphas, sols, strict=True):
        et = alo_linear_predictors(pr, a, s.V, s.c)
        np.testing.assert_allclose(et[:3], linear_predictor(X, s)[:3], rtol=1e-12, atol=1e-12)
    curve = alo_curve(pr, alphas, V, c)
    # the same problem without those rows (same moments, same fit) gives the same curve
    pr2 = logistic_problem(X[3:], Y[3:], w[3:], pen, fi)
    np.testing.assert_allclose(pr2.center, pr.center, rtol=1e-12)
    curve2 = alo_curve(pr2, alphas, V, c)
    np.testing.assert_allclose(curve.mean, curve2.mean, rtol=1e-10)
    np.testing.assert_allclose(curve.se, curve2.se, rtol=1e-10)
    np.testing.assert_allclose(curve.df, curve2.df, rtol=1e-10)
    # and the zero-weight rows' labels do not matter
    Y3 = Y.copy()
    Y3[:3] = Y3[:3, ::-1] if K > 1 else 1 - Y3[:3]
    pr3 = logistic_problem(X, Y3, w, pen, fi)
    np.testing.assert_allclose(alo_curve(pr3, alphas, V, c).mean, curve.mean, rtol=1e-10)


def test_weighted_row_is_not_repeated_rows():
    """A row of weight 2 and two copies of it give the same fit, but leaving the weighted row
    out removes both copies: its ALO change is larger (about twice) than one copy's."""
    X, Y, w, pen, fi = make_problem(120, 3, 1, 6, weighted=False)
    w2 = w.copy()
    w2[0] = 2.0
    pr_w = logistic_problem(X, Y, w2, pen, fi)
    Xd, Yd = np.vstack([X, X[:1]]), np.vstack([Y, Y[:1]])
    pr_d = logistic_problem(Xd, Yd, np.ones(121), pen, fi)
    sol = solve_logistic(pr_w, 1.0, tol=1e-12)
    sol_d = solve_logistic(pr_d, 1.0, tol=1e-12)
    np.testing.assert_allclose(sol_d.coef, sol.coef, rtol=1e-8, atol=1e-10)
    eta = linear_predictor(X, sol)[0, 0]
    dw = alo_linear_predictors(pr_w, 1.0, sol.V, sol.c)[0, 0] - eta
    dd = alo_linear_predictors(pr_d, 1.0, sol_d.V, sol_d.c)[[0, -1], 0] - eta
    np.testing.assert_allclose(dd[0], dd[1], rtol=1e-10)
    assert 1.8 < dw / dd[0] < 2.5


@pytest.mark.parametrize("K", [1, 3])
def test_df_runs_from_free_parameters_to_zero(K):
    p = 3
    X, Y, w, pen, fi = make_problem(200, p, K, 7, weighted=True)
    pr = logistic_problem(X, Y, w, pen, fi)
    alphas = np.geomspace(1e-6, 1e7, 6)
    sols = fit_path(pr, alphas)
    curve = alo_curve(pr, alphas, np.stack([s.V for s in sols]), np.stack([s.c for s in sols]))
    free = p if K == 1 else (K - 1) * p
    np.testing.assert_allclose(curve.df[0], free, rtol=1e-4)
    assert abs(curve.df[-1]) < 1e-4  # ≈ Σ d_j / (d_j + α), d_j ~ Σs
    assert (np.diff(curve.df) < 0).all()
    assert (curve.se > 0).all() and (curve.se < curve.mean).all()


def test_bad_shapes_raise():
    X, Y, w, pen, fi = make_problem(40, 3, 1, 8, weighted=False)
    pr = logistic_problem(X, Y, w, pen, fi)
    V, c = np.zeros((2, 3, 1)), np.zeros((2, 1))
    with pytest.raises(ValueError, match="V_path"):
        alo_curve(pr, np.array([1.0, 2.0]), V[:, :2], c)
    with pytest.raises(ValueError, match="ascending"):
        alo_curve(pr, np.array([2.0, 1.0]), V, c)
    with pytest.raises(ValueError, match="shape"):
        alo_linear_predictors(pr, 1.0, np.zeros(3), np.zeros(1))
