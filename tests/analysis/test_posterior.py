"""The Bayesian view: posterior covariance vs brute force, coverage by simulation, BayesianRidge."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sklearn.linear_model import BayesianRidge as SkBayesianRidge
from sklearn.linear_model import Ridge as SkRidge
from sklearn.utils.estimator_checks import parametrize_with_checks

from refs import make_data
from ridgeway.analysis import posterior
from ridgeway.linear_model import BayesianRidge


def _precision(X, w, alpha, pen, fit_intercept=True):
    """(G + αΠ, G) with G the centred weighted Gram (brute force)."""
    xm = w @ X / w.sum() if fit_intercept else np.zeros(X.shape[1])
    Xc = X - xm
    G = Xc.T @ (w[:, None] * Xc)
    return G + alpha * np.diag(pen), G


@pytest.mark.parametrize(
    ("n", "p", "unpen", "standardize"),
    [(60, 6, False, False), (60, 6, True, False), (60, 6, True, True), (8, 15, True, False)],
)
def test_covariance_matches_brute_force(n, p, unpen, standardize):
    X, Y, rng = make_data(n, p, 2, seed=n + p)
    w = rng.uniform(0.5, 2.0, n)
    factor = np.r_[0.0, rng.uniform(0.5, 2.0, p - 1)] if unpen else np.ones(p)
    alphas = np.array([0.3, 4.0])
    post = posterior(
        X,
        Y,
        alphas,
        sigma2=[0.5, 2.0],
        sample_weight=w,
        penalty_factor=factor,
        standardize=standardize,
    )
    pen = factor * (np.cov(X.T, aweights=w, bias=True).diagonal() if standardize else 1.0)
    for i, a in enumerate(alphas):
        H, _ = _precision(X, w, a, pen)
        M = np.linalg.inv(H)
        cov = post.covariance(i)
        np.testing.assert_allclose(cov[0], 0.5 * M, rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(cov[1], 2.0 * M, rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(post.coef_std[i, :, 1], np.sqrt(2.0 * np.diag(M)), rtol=1e-9)
        xm = w @ X / w.sum()
        ivar = 2.0 * (1.0 / w.sum() + xm @ M @ xm)
        np.testing.assert_allclose(post.intercept_std[i, 1], np.sqrt(ivar), rtol=1e-9)


def test_mean_is_ridge():
    X, Y, _ = make_data(50, 7, 1, seed=3)
    post = posterior(X, Y[:, 0], [0.5, 20.0], sigma2=1.0)
    for i, a in enumerate([0.5, 20.0]):
        ref = SkRidge(alpha=a).fit(X, Y[:, 0])
        np.testing.assert_allclose(post.coef[i, :, 0], ref.coef_, rtol=1e-9)
        np.testing.assert_allclose(post.intercept[i, 0], ref.intercept_, rtol=1e-9)


@given(
    seed=st.integers(0, 10_000),
    a=st.floats(1e-3, 1e3),
    ratio=st.floats(1.01, 1e3),
    wide=st.booleans(),
)
def test_posterior_variance_shrinks_as_alpha_grows(seed, a, ratio, wide):
    n, p = (6, 10) if wide else (30, 5)
    X, Y, _ = make_data(n, p, 1, seed=seed)
    post = posterior(X, Y, [a, a * ratio], sigma2=1.0)
    assert (post.coef_std[1] <= post.coef_std[0] * (1 + 1e-12)).all()
    pred = post.predict(X[:3])
    assert (pred.mean_std[1] <= pred.mean_std[0] * (1 + 1e-12)).all()


def _coverage_data(n_sims, alpha, sigma, seed):
    """β drawn from the prior N(0, σ²/α I) per simulation (as targets), y = 1 + Xβ + ε."""
    rng = np.random.default_rng(seed)
    n, p = 40, 6
    X = rng.standard_normal((n, p)) * rng.uniform(0.5, 2.0, p)
    beta = rng.standard_normal((p, n_sims)) * sigma / np.sqrt(alpha)
    Y = 1.0 + X @ beta + sigma * rng.standard_normal((n, n_sims))
    X_new = rng.standard_normal((5, p))
    f_new = 1.0 + X_new @ beta
    y_new = f_new + sigma * rng.standard_normal((5, n_sims))
    return X, Y, beta, X_new, f_new, y_new


def test_credible_intervals_have_nominal_coverage():
    """2,000 simulations: 95% intervals cover 93–97% (coefficients, mean, new observations)."""
    alpha, sigma = 5.0, 0.7
    X, Y, beta, X_new, f_new, y_new = _coverage_data(2000, alpha, sigma, seed=11)
    post = posterior(X, Y, alpha, sigma2=sigma**2)
    lo, hi = post.coef_interval(0.95)
    cover_coef = ((lo[0] <= beta) & (beta <= hi[0])).mean()
    pred = post.predict(X_new)
    lo_m, hi_m = pred.mean_interval(0.95)
    lo_p, hi_p = pred.predictive_interval(0.95)
    cover_mean = ((lo_m[0] <= f_new) & (f_new <= hi_m[0])).mean()
    cover_pred = ((lo_p[0] <= y_new) & (y_new <= hi_p[0])).mean()
    for c in (cover_coef, cover_mean, cover_pred):
        assert 0.93 <= c <= 0.97, c


@pytest.mark.parametrize("method", ["rss", "evidence"])
def test_coverage_with_estimated_noise(method):
    """With σ² estimated per simulation the intervals stay near nominal (n = 40, 6 features)."""
    alpha, sigma = 5.0, 0.7
    X, Y, beta, *_ = _coverage_data(2000, alpha, sigma, seed=12)
    post = posterior(X, Y, alpha, sigma2=method)
    lo, hi = post.coef_interval(0.95)
    cover = ((lo[0] <= beta) & (beta <= hi[0])).mean()
    assert 0.92 <= cover <= 0.97, cover


def test_sigma2_estimates():
    X, Y, _ = make_data(80, 5, 1, seed=4)
    a = 3.0
    ref = SkRidge(alpha=a).fit(X, Y[:, 0])
    resid = Y[:, 0] - ref.predict(X)
    rss = resid @ resid
    post_e = posterior(X, Y, a, sigma2="evidence")
    np.testing.assert_allclose(
        post_e.sigma2[0, 0], (rss + a * ref.coef_ @ ref.coef_) / 80, rtol=1e-9
    )
    Xc = X - X.mean(0)
    Hs = Xc @ np.linalg.solve(Xc.T @ Xc + a * np.eye(5), Xc.T)
    nu = 80 - 1 - np.trace(2 * Hs - Hs @ Hs)
    post_r = posterior(X, Y, a, sigma2="rss")
    np.testing.assert_allclose(post_r.sigma2[0, 0], rss / nu, rtol=1e-9)
    np.testing.assert_allclose(post_r.dof[0, 0], nu, rtol=1e-12)


def test_alpha_zero_rank_deficient_has_infinite_variance_in_null_space():
    X, Y, _ = make_data(30, 3, 1, seed=5)
    X = np.column_stack([X, X[:, 0] + X[:, 1]])
    post = posterior(X, Y, [0.0, 1.0], sigma2=1.0)
    assert np.isinf(post.coef_std[0, [0, 1, 3], 0]).all()  # the columns in the collinearity
    assert np.isfinite(post.coef_std[0, 2, 0])
    assert np.isfinite(post.coef_std[1]).all()


def _sk_bayes(X, y):
    return SkBayesianRidge(
        alpha_1=0.0, alpha_2=0.0, lambda_1=0.0, lambda_2=0.0, tol=1e-14, max_iter=100_000
    ).fit(X, y)


@pytest.mark.parametrize(("n", "p"), [(100, 5), (200, 20)])
def test_bayesian_ridge_matches_scikit_learn(n, p):
    X, Y, _ = make_data(n, p, 1, seed=n)
    y = Y[:, 0]
    sk = _sk_bayes(X, y)
    ours = BayesianRidge().fit(X, y)
    np.testing.assert_allclose(ours.alpha_, sk.lambda_ / sk.alpha_, rtol=1e-6)
    np.testing.assert_allclose(ours.sigma2_, 1.0 / sk.alpha_, rtol=1e-6)
    np.testing.assert_allclose(ours.lambda_, sk.lambda_, rtol=1e-6)
    np.testing.assert_allclose(ours.coef_, sk.coef_, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(ours.intercept_, sk.intercept_, rtol=1e-6)
    np.testing.assert_allclose(ours.coef_std_, np.sqrt(np.diag(sk.sigma_)), rtol=1e-6)
    mean, std = ours.predict(X[:7], return_std=True)
    sk_mean, sk_std = sk.predict(X[:7], return_std=True)
    np.testing.assert_allclose(mean, sk_mean, rtol=1e-6)
    # scikit-learn leaves out the intercept's variance σ²/N
    np.testing.assert_allclose(std**2, sk_std**2 + ours.sigma2_ / n, rtol=1e-6)


def test_bayesian_ridge_multi_target_is_per_target():
    X, Y, _ = make_data(120, 6, 3, seed=8)
    multi = BayesianRidge().fit(X, Y)
    for j in range(3):
        one = BayesianRidge().fit(X, Y[:, j])
        # the evidence is flat at its maximum: the search locates α to about √ε
        np.testing.assert_allclose(multi.alpha_[j], one.alpha_, rtol=1e-6)
        np.testing.assert_allclose(multi.coef_[j], one.coef_, rtol=1e-6)
        np.testing.assert_allclose(multi.coef_std_[j], one.coef_std_, rtol=1e-6)
        _, s_multi = multi.predict(X[:4], return_std=True)
        _, s_one = one.predict(X[:4], return_std=True)
        np.testing.assert_allclose(s_multi[:, j], s_one, rtol=1e-6)


def test_posterior_evidence_alpha_equals_bayesian_ridge():
    X, Y, _ = make_data(90, 4, 1, seed=9)
    post = posterior(X, Y[:, 0])
    model = BayesianRidge().fit(X, Y[:, 0])
    np.testing.assert_allclose(post.alphas[0], model.alpha_, rtol=1e-8)
    np.testing.assert_allclose(post.sigma2[0, 0], model.sigma2_, rtol=1e-8)
    np.testing.assert_allclose(post.coef_std[0, :, 0], model.coef_std_, rtol=1e-8)


def test_bayesian_ridge_matches_posterior_predictions_with_weights_and_factors():
    X, Y, rng = make_data(70, 5, 1, seed=10)
    w = rng.uniform(0.2, 3.0, 70)
    factor = np.array([0.0, 1.0, 2.0, 0.5, 1.0])
    model = BayesianRidge(penalty_factor=factor).fit(X, Y[:, 0], sample_weight=w)
    post = posterior(
        X, Y[:, 0], model.alpha_, sigma2=model.sigma2_, sample_weight=w, penalty_factor=factor
    )
    _, std = model.predict(X[:5], return_std=True)
    np.testing.assert_allclose(std, post.predict(X[:5]).predictive_std[0, :, 0], rtol=1e-9)


@parametrize_with_checks([BayesianRidge()])
def test_bayesian_ridge_sklearn_checks(estimator, check):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check(estimator)


def test_messages():
    X, Y, _ = make_data(20, 3, 1, seed=1)
    with pytest.raises(ValueError, match="sigma2 must be a positive number"):
        posterior(X, Y, 1.0, sigma2="mle")
    with pytest.raises(ValueError, match="sigma2 must be positive and finite"):
        posterior(X, Y, 1.0, sigma2=-1.0)
    with pytest.raises(ValueError, match=r"sigma2 must be a number or an array of shape \(1,\)"):
        posterior(X, Y, 1.0, sigma2=[1.0, 2.0])
    with pytest.raises(ValueError, match="alpha must be a number, an array of numbers or"):
        posterior(X, Y, "gcv")
    with pytest.raises(ValueError, match="alpha must be non-negative"):
        posterior(X, Y, [-1.0])
    post = posterior(X, Y, 1.0, sigma2=1.0)
    with pytest.raises(ValueError, match="level must be strictly between 0 and 1"):
        post.coef_interval(1.5)
    with pytest.raises(ValueError, match="X must be a matrix with 3 columns"):
        post.predict(X[:, :2])
    with pytest.raises(IndexError, match="index must be in"):
        post.covariance(3)
    Xw, Yw, _ = make_data(5, 8, 1, seed=2)
    with pytest.raises(ValueError, match="residual degrees of freedom"):
        posterior(Xw, Yw, 1e-8, sigma2="rss")
    with pytest.raises(ValueError, match="alphas must be positive"):
        BayesianRidge(alphas=[0.0, 1.0]).fit(X, Y)
