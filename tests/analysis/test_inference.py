"""Standard errors, VIF and conditioning against statsmodels, brute force and simulation."""

from __future__ import annotations

import numpy as np
import pytest

from refs import make_data
from ridgeway.analysis import coef_inference, condition_numbers, vif


def test_alpha_zero_is_ols_of_statsmodels():
    sm = pytest.importorskip("statsmodels.api")
    X, Y, _ = make_data(60, 4, 1, seed=1)
    y = Y[:, 0]
    ref = sm.OLS(y, sm.add_constant(X)).fit()
    res = coef_inference(X, y, 0.0)
    np.testing.assert_allclose(res.std_err[0, :, 0], ref.bse[1:], rtol=1e-9)
    np.testing.assert_allclose(res.intercept_std_err[0, 0], ref.bse[0], rtol=1e-9)
    np.testing.assert_allclose(res.sigma2[0, 0], ref.scale, rtol=1e-9)
    lo, hi = res.conf_int(0.9)
    ci = ref.conf_int(0.1)
    np.testing.assert_allclose(lo[0, :, 0], ci[1:, 0], rtol=1e-9)
    np.testing.assert_allclose(hi[0, :, 0], ci[1:, 1], rtol=1e-9)
    np.testing.assert_allclose(res.p_value[0, :, 0], ref.pvalues[1:], rtol=1e-6)


def test_weighted_alpha_zero_is_wls_of_statsmodels():
    sm = pytest.importorskip("statsmodels.api")
    X, Y, rng = make_data(50, 3, 1, seed=2)
    w = rng.uniform(0.2, 2.0, 50)
    w *= 50 / w.sum()  # frequency weights summing to n: the same residual count as WLS
    ref = sm.WLS(Y[:, 0], sm.add_constant(X), weights=w).fit()
    res = coef_inference(X, Y[:, 0], 0.0, sample_weight=w)
    np.testing.assert_allclose(res.std_err[0, :, 0], ref.bse[1:], rtol=1e-9)


@pytest.mark.parametrize(("n", "p", "unpen"), [(40, 5, False), (40, 5, True), (7, 12, True)])
def test_sandwich_matches_brute_force(n, p, unpen):
    X, Y, rng = make_data(n, p, 2, seed=n * p)
    w = rng.uniform(0.5, 2.0, n)
    factor = np.r_[0.0, np.ones(p - 1)] if unpen else rng.uniform(0.5, 2.0, p)
    alphas = np.array([0.5, 5.0])
    res = coef_inference(X, Y, alphas, sigma2=[1.0, 3.0], sample_weight=w, penalty_factor=factor)
    xm = w @ X / w.sum()
    Xc = X - xm
    G = Xc.T @ (w[:, None] * Xc)
    for i, a in enumerate(alphas):
        M = np.linalg.inv(G + a * np.diag(factor))
        cov = M @ G @ M
        np.testing.assert_allclose(res.std_err[i, :, 1], np.sqrt(3.0 * np.diag(cov)), rtol=1e-8)
        ivar = 1.0 / w.sum() + xm @ cov @ xm
        np.testing.assert_allclose(res.intercept_std_err[i, 0], np.sqrt(ivar), rtol=1e-8)


def test_intervals_cover_the_ridge_estimand():
    """2,000 noise draws: with σ² known, 95% intervals cover E ŵ = (G + αI)⁻¹Gw 93–97% of the time.

    With σ² estimated from the RSS the shrinkage bias inflates the estimate, so the intervals
    are conservative for the estimand; the true w is covered less often where the bias is large.
    """
    rng = np.random.default_rng(3)
    n, p, sims, sigma, a = 40, 4, 2000, 1.0, 20.0
    X = rng.standard_normal((n, p))
    w_true = np.array([2.0, -1.0, 0.5, 0.0])
    Y = X @ w_true[:, None] + sigma * rng.standard_normal((n, sims))
    Xc = X - X.mean(0)
    G = Xc.T @ Xc
    estimand = np.linalg.solve(G + a * np.eye(p), G @ w_true)[:, None]
    lo, hi = coef_inference(X, Y, a, sigma2=sigma**2).conf_int(0.95)
    cover = ((lo[0] <= estimand) & (estimand <= hi[0])).mean()
    assert 0.93 <= cover <= 0.97, cover
    lo_e, hi_e = coef_inference(X, Y, a).conf_int(0.95)
    assert ((lo_e[0] <= estimand) & (estimand <= hi_e[0])).mean() >= 0.95
    cover_true = ((lo[0] <= w_true[:, None]) & (w_true[:, None] <= hi[0])).mean(axis=1)
    assert cover_true[0] < 0.9


def test_small_alpha_intervals_cover_the_truth():
    """With little shrinkage the estimated-σ² t-intervals cover w itself at the nominal rate."""
    rng = np.random.default_rng(13)
    n, p, sims = 60, 3, 2000
    X = rng.standard_normal((n, p))
    w_true = np.array([1.0, -0.5, 0.25])[:, None]
    Y = 0.5 + X @ w_true + rng.standard_normal((n, sims))
    lo, hi = coef_inference(X, Y, 0.01).conf_int(0.95)
    cover = ((lo[0] <= w_true) & (w_true <= hi[0])).mean()
    assert 0.93 <= cover <= 0.97, cover


def test_vif_classical_and_marquardt():
    rng = np.random.default_rng(4)
    n = 80
    x1 = rng.standard_normal(n)
    X = np.column_stack(
        [x1, x1 + 0.2 * rng.standard_normal(n), rng.standard_normal(n), rng.standard_normal(n)]
    )
    got = vif(X, [0.0, 8.0])
    for j in range(X.shape[1]):  # 1 / (1 − R_j²) by regression on the others
        Z = np.column_stack([np.ones(n), np.delete(X, j, axis=1)])
        r = X[:, j] - Z @ np.linalg.lstsq(Z, X[:, j], rcond=None)[0]
        xc = X[:, j] - X[:, j].mean()
        np.testing.assert_allclose(got[0, j], (xc @ xc) / (r @ r), rtol=1e-9)
    R = np.corrcoef(X.T)
    k = 8.0 / n
    A = np.linalg.inv(R + k * np.eye(4))
    np.testing.assert_allclose(got[1], np.diag(A @ R @ A), rtol=1e-9)
    sm_oi = pytest.importorskip("statsmodels.stats.outliers_influence")
    Z = np.column_stack([np.ones(n), X])
    ref = [sm_oi.variance_inflation_factor(Z, j + 1) for j in range(4)]
    np.testing.assert_allclose(got[0], ref, rtol=1e-9)


def test_vif_collinear_is_infinite_and_ridge_is_finite():
    X, _, _ = make_data(30, 3, 1, seed=5)
    X = np.column_stack([X, X[:, 0] - X[:, 1]])
    got = vif(X, [0.0, 1.0])
    assert np.isinf(got[0, [0, 1, 3]]).all()
    assert np.isfinite(got[1]).all()


def test_condition_numbers():
    X, _, rng = make_data(50, 4, 1, seed=6)
    w = rng.uniform(0.5, 2.0, 50)
    xm = w @ X / w.sum()
    G = (X - xm).T @ (w[:, None] * (X - xm))
    alphas = np.array([0.0, 0.1, 10.0])
    got = condition_numbers(X, alphas, sample_weight=w)
    ref = [np.linalg.cond(G + a * np.eye(4)) for a in alphas]
    np.testing.assert_allclose(got, ref, rtol=1e-8)
    assert (np.diff(got) < 0).all()
    Xs = np.column_stack([X, X[:, 0]])
    sing = condition_numbers(Xs, [0.0, 1.0])
    assert np.isinf(sing[0]) and np.isfinite(sing[1])


def test_messages():
    X, Y, _ = make_data(20, 3, 1, seed=7)
    with pytest.raises(ValueError, match="X must be free of constant columns"):
        vif(np.column_stack([X, np.ones(20)]))
    res = coef_inference(X, Y, 1.0)
    with pytest.raises(ValueError, match="level must be strictly between 0 and 1"):
        res.conf_int(0.0)
    with pytest.raises(ValueError, match="alpha must be finite"):
        coef_inference(X, Y, np.inf)
    with pytest.raises(ValueError, match="alpha must be a number or a non-empty 1-D array"):
        condition_numbers(X, [[1.0]])
