"""The RidgeCV estimator against scikit-learn and explicit refits.

Objective: minimize over b, W   Σ_i s_i ‖y_i − b − x_iᵀW‖² + α Σ_j π_j ‖W_j‖².

References, all independent of ridgeway: scikit-learn's ``RidgeCV`` (exact LOO with
``store_cv_results=True``), ``Ridge`` and ``cross_val_score``; numpy refits of the model on every
training set (least squares on the augmented rows [√s Z; √(α π) I]); an explicit n×n hat matrix.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from sklearn.linear_model import Ridge as SkRidge
from sklearn.linear_model import RidgeCV as SkRidgeCV
from sklearn.model_selection import GroupKFold, KFold, cross_val_score

from refs import ridge_solve
from ridgeway import RidgeCV
from ridgeway.selection import GridEdgeWarning

GRID = np.geomspace(1e-3, 1e4, 15)

# choices on a grid's edge are tested explicitly below; elsewhere the warning is noise
pytestmark = pytest.mark.filterwarnings("ignore::ridgeway.selection.GridEdgeWarning")
RTOL = 1e-8


# ---------------------------------------------------------------------------- helpers
def make_data(n, p, t, seed, noise=1.0):
    """t=None gives a 1-D y."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) * rng.uniform(0.5, 2.0, p) + rng.normal(0.0, 1.0, p)
    k = 1 if t is None else t
    scale = rng.uniform(0.3, 1.5, k)  # targets of different signal strengths
    Y = X @ (rng.standard_normal((p, k)) * scale) / np.sqrt(p)
    Y = Y + noise * rng.standard_normal((n, k)) + 1.5
    return X, (Y[:, 0] if t is None else Y), rng


def two_d(y):
    return y[:, None] if y.ndim == 1 else y


def brute_loo(X, Y, w, pen, alphas, fit_intercept=True):
    """Weighted LOO mean squared error from n refits per α, shape (a, t)."""
    n = X.shape[0]
    Y = two_d(Y)
    out = np.zeros((alphas.size, Y.shape[1]))
    for i in range(n):
        keep = np.arange(n) != i
        for k, a in enumerate(alphas):
            b, W = ridge_solve(X[keep], Y[keep], w[keep], a, pen, fit_intercept)
            out[k] += w[i] * (Y[i] - b - X[i] @ W) ** 2
    return out / w.sum()


def brute_kfold(X, Y, w, splits, alphas, pen):
    """(mean, se), each (a, t): cv.glmnet's cvm and cvsd from refits on every fold."""
    Y = two_d(Y)
    K = len(splits)
    sse = np.zeros((K, alphas.size, Y.shape[1]))
    S = np.zeros(K)
    for k, (tr, te) in enumerate(splits):
        for j, a in enumerate(alphas):
            b, W = ridge_solve(X[tr], Y[tr], w[tr], a, pen)
            sse[k, j] = w[te] @ (Y[te] - b - X[te] @ W) ** 2
        S[k] = w[te].sum()
    mse = sse / S[:, None, None]
    mean = sse.sum(axis=0) / S.sum()
    se = np.sqrt((S[:, None, None] * (mse - mean) ** 2).sum(axis=0) / S.sum() / (K - 1))
    return mean, se


def results(est, key):
    """cv_results_[key] as (a, t)."""
    return np.asarray(est.cv_results_[key], dtype=float).reshape(len(est.cv_results_["alphas"]), -1)


# ---------------------------------------------------------------------------- LOO vs sklearn
@pytest.mark.parametrize("shape", [(30, 6), (12, 20)], ids=["tall", "wide"])
@pytest.mark.parametrize("n_targets", [None, 3])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_loo_matches_sklearn_ridgecv(shape, n_targets, fit_intercept):
    n, p = shape
    X, y, _ = make_data(n, p, n_targets, seed=n + p)
    est = RidgeCV(alphas=GRID, fit_intercept=fit_intercept).fit(X, y)
    sk = SkRidgeCV(alphas=GRID, store_cv_results=True, fit_intercept=fit_intercept).fit(X, y)
    ref = sk.cv_results_.mean(axis=0)  # (a,) or (t, a)
    ref = ref[:, None] if n_targets is None else ref.T
    np.testing.assert_allclose(results(est, "alphas")[:, 0], GRID, rtol=1e-15)
    np.testing.assert_allclose(results(est, "mean"), ref, rtol=RTOL)
    assert est.alpha_ == pytest.approx(sk.alpha_, rel=1e-12)
    assert GRID[0] < est.alpha_ < GRID[-1]
    np.testing.assert_allclose(est.coef_, sk.coef_, rtol=RTOL, atol=1e-10)
    np.testing.assert_allclose(est.intercept_, sk.intercept_, rtol=RTOL, atol=1e-10)
    if n_targets is None:
        np.testing.assert_allclose(est.best_score_, sk.best_score_, rtol=RTOL)


@pytest.mark.parametrize("shape", [(30, 6), (12, 20)], ids=["tall", "wide"])
def test_loo_alpha_per_target_matches_sklearn(shape):
    n, p = shape
    X, Y, _ = make_data(n, p, 3, seed=7)
    est = RidgeCV(alphas=GRID, alpha_per_target=True).fit(X, Y)
    sk = SkRidgeCV(alphas=GRID, alpha_per_target=True).fit(X, Y)
    assert np.shape(est.alpha_) == (3,)
    np.testing.assert_allclose(est.alpha_, sk.alpha_, rtol=1e-12)
    assert len(set(np.asarray(sk.alpha_).tolist())) > 1  # the targets really differ
    np.testing.assert_allclose(est.coef_, sk.coef_, rtol=RTOL, atol=1e-10)
    np.testing.assert_allclose(est.intercept_, sk.intercept_, rtol=RTOL, atol=1e-10)


def test_loo_r2_best_score_matches_sklearn():
    X, y, _ = make_data(30, 6, None, seed=3)
    est = RidgeCV(alphas=GRID, scoring="r2").fit(X, y)
    sk = SkRidgeCV(alphas=GRID, scoring="r2").fit(X, y)
    np.testing.assert_allclose(est.best_score_, sk.best_score_, rtol=RTOL)
    assert est.alpha_ == pytest.approx(sk.alpha_, rel=1e-12)


def test_loo_neg_mse_scoring_equals_default():
    X, y, _ = make_data(30, 6, None, seed=4)
    a = RidgeCV(alphas=GRID).fit(X, y)
    b = RidgeCV(alphas=GRID, scoring="neg_mean_squared_error").fit(X, y)
    sk = SkRidgeCV(alphas=GRID, scoring="neg_mean_squared_error").fit(X, y)
    np.testing.assert_allclose(b.best_score_, sk.best_score_, rtol=RTOL)
    np.testing.assert_allclose(a.best_score_, b.best_score_, rtol=1e-14)
    i = int(np.argmin(results(a, "mean")[:, 0]))
    np.testing.assert_allclose(a.best_score_, -results(a, "mean")[i, 0], rtol=1e-14)


# ---------------------------------------------------------------------------- LOO vs refits
@pytest.mark.parametrize("zeros", [False, True])
def test_loo_weighted_equals_refits(zeros):
    n, p = 14, 4
    X, y, rng = make_data(n, p, None, seed=5)
    w = rng.uniform(0.2, 3.0, n)
    if zeros:
        w[[0, 6]] = 0.0
    grid = np.geomspace(1e-2, 1e3, 6)
    est = RidgeCV(alphas=grid).fit(X, y, sample_weight=w)
    ref = brute_loo(X, y, w, np.ones(p), grid)
    np.testing.assert_allclose(results(est, "mean"), ref, rtol=RTOL)
    assert est.alpha_ == grid[int(np.argmin(ref[:, 0]))]


def test_loo_standardize_and_penalty_factor_equal_refits():
    """standardize=True: π_j = factor_j · (weighted sd_j)², divisor Σs; factor 0: unpenalized."""
    n, p = 14, 4
    X, y, rng = make_data(n, p, None, seed=6)
    w = rng.uniform(0.5, 2.0, n)
    factor = np.array([1.0, 0.0, 2.0, 0.5])
    xm = w @ X / w.sum()
    pen = factor * (w @ (X - xm) ** 2) / w.sum()
    grid = np.geomspace(1e-2, 1e3, 6)
    est = RidgeCV(alphas=grid, standardize=True, penalty_factor=factor)
    est.fit(X, y, sample_weight=w)
    np.testing.assert_allclose(results(est, "mean"), brute_loo(X, y, w, pen, grid), rtol=RTOL)
    b, W = ridge_solve(X, two_d(y), w, est.alpha_, pen)
    np.testing.assert_allclose(est.coef_, W[:, 0], rtol=RTOL)
    np.testing.assert_allclose(est.intercept_, b[0], rtol=RTOL)


# ---------------------------------------------------------------------------- k-fold
@pytest.mark.parametrize("weighted", [False, True])
def test_kfold_shuffle_equals_refits(weighted):
    n, p = 30, 5
    X, Y, rng = make_data(n, p, 2, seed=8)
    w = rng.uniform(0.2, 3.0, n) if weighted else None
    wb = np.ones(n) if w is None else w
    cv = KFold(5, shuffle=True, random_state=0)
    grid = np.geomspace(1e-2, 1e3, 8)
    est = RidgeCV(alphas=grid, cv=cv).fit(X, Y, sample_weight=w)
    mean, se = brute_kfold(X, Y, wb, list(cv.split(X)), grid, np.ones(p))
    np.testing.assert_allclose(results(est, "mean"), mean, rtol=RTOL)
    np.testing.assert_allclose(results(est, "se"), se, rtol=1e-7)
    i = int(np.argmin(mean.mean(axis=1)))
    assert est.alpha_ == grid[i]
    np.testing.assert_allclose(est.best_score_, -mean[i].mean(), rtol=RTOL)


def test_kfold_groups_equal_refits():
    n, p = 30, 4
    X, y, rng = make_data(n, p, None, seed=9)
    groups = np.arange(n) % 6
    rng.shuffle(groups)
    cv = GroupKFold(3)
    grid = np.geomspace(1e-2, 1e3, 8)
    est = RidgeCV(alphas=grid, cv=cv).fit(X, y, groups=groups)
    mean, _ = brute_kfold(X, y, np.ones(n), list(cv.split(X, y, groups)), grid, np.ones(p))
    np.testing.assert_allclose(results(est, "mean"), mean, rtol=RTOL)


def test_kfold_int_cv_is_unshuffled_kfold():
    n, p = 25, 4
    X, y, _ = make_data(n, p, None, seed=10)
    grid = np.geomspace(1e-2, 1e3, 8)
    est = RidgeCV(alphas=grid, cv=5).fit(X, y)
    mean, _ = brute_kfold(X, y, np.ones(n), list(KFold(5).split(X)), grid, np.ones(p))
    np.testing.assert_allclose(results(est, "mean"), mean, rtol=RTOL)


def test_kfold_r2_best_score_is_mean_fold_r2():
    n, p = 40, 5
    X, y, _ = make_data(n, p, None, seed=11)
    cv = KFold(4, shuffle=True, random_state=2)
    grid = np.geomspace(1e-2, 1e3, 8)
    est = RidgeCV(alphas=grid, cv=cv, scoring="r2").fit(X, y)
    scores = [cross_val_score(SkRidge(alpha=a), X, y, cv=cv, scoring="r2").mean() for a in grid]
    assert est.alpha_ == grid[int(np.argmax(scores))]
    np.testing.assert_allclose(est.best_score_, max(scores), rtol=RTOL)


# ---------------------------------------------------------------------------- one-SE rule
def test_one_se_rule_on_a_real_fit():
    """The largest α whose k-fold error is within one se (at the minimum) of the minimum."""
    n, p = 40, 8
    X, y, _ = make_data(n, p, None, seed=12)
    cv = KFold(5, shuffle=True, random_state=4)
    grid = np.geomspace(1e-2, 1e4, 30)
    mean, se = brute_kfold(X, y, np.ones(n), list(cv.split(X)), grid, np.ones(p))
    m, s = mean[:, 0], se[:, 0]
    i_min = int(np.argmin(m))
    i_1se = int(np.flatnonzero(m <= m[i_min] + s[i_min]).max())
    assert i_1se > i_min  # the rule makes a difference on this problem
    est = RidgeCV(alphas=grid, cv=cv, rule="1se").fit(X, y)
    assert est.alpha_ == grid[i_1se]
    est_min = RidgeCV(alphas=grid, cv=cv).fit(X, y)
    assert est_min.alpha_ == grid[i_min]
    b, W = ridge_solve(X, two_d(y), np.ones(n), grid[i_1se], np.ones(p))
    np.testing.assert_allclose(est.coef_, W[:, 0], rtol=RTOL)


def test_one_se_rule_with_loo():
    X, y, _ = make_data(30, 6, None, seed=13)
    a = RidgeCV(alphas=GRID, rule="1se").fit(X, y)
    b = RidgeCV(alphas=GRID).fit(X, y)
    assert a.alpha_ >= b.alpha_
    mean = results(a, "mean")[:, 0]
    se = results(a, "se")[:, 0]
    i = int(np.argmin(mean))
    j = int(np.flatnonzero(GRID == a.alpha_)[0])
    assert mean[j] <= mean[i] + se[i]
    assert (mean[j + 1 :] > mean[i] + se[i]).all()


@pytest.mark.parametrize("cv", ["gcv", "evidence"])
def test_one_se_without_standard_error_raises(cv):
    X, y, _ = make_data(20, 3, None, seed=14)
    with pytest.raises(ValueError, match="1se"):
        RidgeCV(cv=cv, rule="1se").fit(X, y)


# ---------------------------------------------------------------------------- GCV
def test_gcv_equals_direct_hat_matrix():
    n, p = 25, 5
    X, y, _ = make_data(n, p, None, seed=15)
    est = RidgeCV(alphas=GRID, cv="gcv").fit(X, y)
    Z = np.column_stack([np.ones(n), X])
    ref = []
    for a in GRID:
        H = Z @ np.linalg.solve(Z.T @ Z + a * np.diag(np.r_[0.0, np.ones(p)]), Z.T)
        r = y - H @ y
        ref.append((r @ r / n) / (1.0 - np.trace(H) / n) ** 2)
    ref = np.array(ref)
    np.testing.assert_allclose(results(est, "mean")[:, 0], ref, rtol=RTOL)
    assert est.cv_results_["se"] is None
    assert est.alpha_ == GRID[int(np.argmin(ref))]
    np.testing.assert_allclose(est.best_score_, -ref.min(), rtol=RTOL)


# ---------------------------------------------------------------------------- alpha_per_target
PER_TARGET_CVS = [None, "gcv", 3, KFold(3, shuffle=True, random_state=0), "evidence", "hkb", "lw"]


@pytest.mark.parametrize("cv", PER_TARGET_CVS, ids=lambda c: str(c)[:12])
def test_alpha_per_target_equals_each_target_alone(cv):
    X, Y, _ = make_data(30, 5, 3, seed=16)
    Y[:, 1] *= 4.0
    grid = np.geomspace(1e-3, 1e5, 25)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GridEdgeWarning)
        est = RidgeCV(alphas=grid, cv=cv, alpha_per_target=True).fit(X, Y)
        alone = [RidgeCV(alphas=grid, cv=cv).fit(X, Y[:, j]) for j in range(3)]
    assert np.shape(est.alpha_) == (3,)
    # the refined evidence maximum is known to about √ε
    tol = 1e-6 if cv == "evidence" else 1e-12
    for j in range(3):
        np.testing.assert_allclose(est.alpha_[j], alone[j].alpha_, rtol=tol)
        np.testing.assert_allclose(est.coef_[j], alone[j].coef_, rtol=100 * tol, atol=1e-10)
        np.testing.assert_allclose(est.intercept_[j], alone[j].intercept_, rtol=100 * tol)
    # and each target's coefficients are the ridge fit at its own α
    for j in range(3):
        b, W = ridge_solve(X, Y[:, j : j + 1], np.ones(30), est.alpha_[j], np.ones(5))
        np.testing.assert_allclose(est.coef_[j], W[:, 0], rtol=1e-7, atol=1e-10)


# ---------------------------------------------------------------------------- fitted attributes
def test_fitted_attributes_and_df():
    n, p = 30, 6
    X, y, _ = make_data(n, p, None, seed=17)
    est = RidgeCV(alphas=GRID).fit(X, y)
    assert {"alphas", "mean", "se", "df"} <= set(est.cv_results_)
    Xc = X - X.mean(axis=0)
    H = Xc @ np.linalg.solve(Xc.T @ Xc + est.alpha_ * np.eye(p), Xc.T)
    np.testing.assert_allclose(est.df_, np.trace(H), rtol=1e-9)
    df = np.asarray(est.cv_results_["df"], dtype=float).reshape(-1)
    assert df.shape == (GRID.size,)
    assert (np.diff(df) < 0).all()
    sk = SkRidge(alpha=est.alpha_).fit(X, y)
    np.testing.assert_allclose(est.predict(X), sk.predict(X), rtol=RTOL)
    assert isinstance(est.alpha_, float)


def test_default_alphas():
    X, y, _ = make_data(30, 4, None, seed=18)
    est = RidgeCV().fit(X, y)
    grid = np.asarray(est.cv_results_["alphas"])
    assert grid.shape == (100,)
    assert (np.diff(grid) > 0).all()
    assert est.alpha_ in grid
    ref = SkRidgeCV(alphas=grid).fit(X, y)
    assert est.alpha_ == pytest.approx(ref.alpha_, rel=1e-12)


def test_alphas_need_not_be_sorted():
    X, y, _ = make_data(30, 4, None, seed=19)
    a = RidgeCV(alphas=GRID).fit(X, y)
    b = RidgeCV(alphas=GRID[::-1].copy()).fit(X, y)
    assert a.alpha_ == b.alpha_
    np.testing.assert_allclose(a.coef_, b.coef_, rtol=1e-14)


# ---------------------------------------------------------------------------- warnings, errors
def test_edge_of_grid_warning_for_a_narrow_grid():
    """Pure-noise y wants a huge α; a grid of tiny α puts the choice on its last point."""
    rng = np.random.default_rng(20)
    X = rng.standard_normal((30, 10))
    y = rng.standard_normal(30)
    narrow = np.array([1e-4, 2e-4, 3e-4])
    assert SkRidgeCV(alphas=narrow).fit(X, y).alpha_ == narrow[-1]
    with pytest.warns(GridEdgeWarning):
        est = RidgeCV(alphas=narrow).fit(X, y)
    assert est.alpha_ == narrow[-1]


def test_no_edge_warning_for_an_interior_choice():
    X, y, _ = make_data(30, 6, None, seed=3)
    with warnings.catch_warnings():
        warnings.simplefilter("error", GridEdgeWarning)
        est = RidgeCV(alphas=GRID).fit(X, y)
    assert GRID[0] < est.alpha_ < GRID[-1]


@pytest.mark.parametrize(
    ("params", "match"),
    [
        ({"cv": "bogus"}, "cv"),
        ({"rule": "median"}, "rule"),
        ({"scoring": "accuracy"}, "scoring"),
        ({"alphas": [1.0, -1.0]}, "alphas"),
    ],
)
def test_invalid_parameters_raise(params, match):
    X, y, _ = make_data(20, 3, None, seed=21)
    with pytest.raises(ValueError, match=match):
        RidgeCV(**params).fit(X, y)
