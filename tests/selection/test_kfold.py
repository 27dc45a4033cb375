"""k-fold cross-validation from one data pass against explicit refits per fold.

Objective: minimize over b, W   Σ_i s_i ‖y_i − b − x_iᵀW‖² + α Σ_j π_j ‖W_j‖².

For every fold k the reference refits the model on the training rows (least squares on the
augmented rows [√s Z; √(α π) I], numpy only), predicts the fold's rows and forms
SSE_k = Σ_{i∈k} s_i (y_i − ŷ_i)² and S_k = Σ_{i∈k} s_i. Then

    mean = Σ_k SSE_k / Σ_k S_k,   se = √(Σ_k S_k (mse_k − mean)² / Σ_k S_k / (K − 1))

(cv.glmnet's cvm and cvsd). For unit weights and equal folds scikit-learn's ``GridSearchCV`` is
a second, independent reference.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sklearn.linear_model import Ridge as SkRidge
from sklearn.model_selection import (
    GridSearchCV,
    GroupKFold,
    KFold,
    LeaveOneOut,
    PredefinedSplit,
    ShuffleSplit,
)

from refs import make_data, ridge_solve
from ridgeway.selection import Curve, kfold

ALPHAS = np.geomspace(1e-2, 1e3, 6)
RTOL = 1e-8


def brute_kfold(X, Y, w, splits, alphas, pen, fit_intercept, standardize=False):
    """(mean (a, t), se (a, t)) from explicit refits on every fold's training rows."""
    K = len(splits)
    sse = np.zeros((K, alphas.size, Y.shape[1]))
    S = np.zeros(K)
    for k, (tr, te) in enumerate(splits):
        pk = pen
        if standardize:
            wt = w[tr]
            xm = wt @ X[tr] / wt.sum()
            var = wt @ (X[tr] - xm) ** 2 / wt.sum()
            pk = pen * var
        for j, a in enumerate(alphas):
            b, W = ridge_solve(X[tr], Y[tr], w[tr], a, pk, fit_intercept)
            r = Y[te] - b - X[te] @ W
            sse[k, j] = w[te] @ r**2
        S[k] = w[te].sum()
    mse = sse / S[:, None, None]
    mean = sse.sum(axis=0) / S.sum()
    se = np.sqrt((S[:, None, None] * (mse - mean) ** 2).sum(axis=0) / S.sum() / (K - 1))
    return mean, se


def make_cv(kind, n, rng):
    """(cv argument, groups, the explicit list of splits)."""
    X0 = np.zeros((n, 1))
    if kind == "int":
        return 4, None, list(KFold(4).split(X0))
    if kind == "shuffle":
        cv = KFold(5, shuffle=True, random_state=0)
        return cv, None, list(cv.split(X0))
    groups = rng.integers(0, 7, n)
    groups[:7] = np.arange(7)  # every group present
    cv = GroupKFold(3)
    return cv, groups, list(cv.split(X0, None, groups))


def weights(kind, n, rng):
    if kind == "unit":
        return None
    w = rng.uniform(0.2, 3.0, n)
    if kind == "zeros":
        w[[2, 11, 17]] = 0.0
    return w


# ---------------------------------------------------------------------------- fast vs brute
@pytest.mark.parametrize("cv_kind", ["int", "shuffle", "group"])
@pytest.mark.parametrize("wkind", ["unit", "positive", "zeros"])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("shape", [(30, 5), (24, 40)], ids=["tall", "wide"])
def test_kfold_equals_refits(cv_kind, wkind, fit_intercept, shape):
    n, p = shape
    X, Y, rng = make_data(n, p, 2, seed=n + p)
    w = weights(wkind, n, rng)
    cv, groups, splits = make_cv(cv_kind, n, rng)
    pen = rng.uniform(0.5, 2.0, p)
    pen[1] = 0.0  # one unpenalized feature
    curve = kfold(
        X,
        Y,
        w,
        alphas=ALPHAS,
        cv=cv,
        groups=groups,
        penalty_factor=pen,
        fit_intercept=fit_intercept,
    )
    wb = np.ones(n) if w is None else w
    mean, se = brute_kfold(X, Y, wb, splits, ALPHAS, pen, fit_intercept)
    assert isinstance(curve, Curve)
    assert curve.mean.shape == (ALPHAS.size, 2)
    np.testing.assert_allclose(curve.alphas, ALPHAS, rtol=1e-15)
    np.testing.assert_allclose(curve.mean, mean, rtol=RTOL)
    assert curve.se is not None
    np.testing.assert_allclose(curve.se, se, rtol=1e-7)
    assert curve.n_samples == n


@pytest.mark.parametrize("shape", [(30, 4), (20, 30)], ids=["tall", "wide"])
def test_kfold_standardize_within_training_folds(shape):
    """standardize=True: π_j times the weighted variance of column j on each TRAINING set."""
    n, p = shape
    X, Y, rng = make_data(n, p, 1, seed=3)
    w = rng.uniform(0.5, 2.0, n)
    cv = KFold(3, shuffle=True, random_state=1)
    splits = list(cv.split(X))
    curve = kfold(X, Y, w, alphas=ALPHAS, cv=cv, standardize=True)
    mean, _ = brute_kfold(X, Y, w, splits, ALPHAS, np.ones(p), True, standardize=True)
    np.testing.assert_allclose(curve.mean, mean, rtol=RTOL)


def test_kfold_one_dimensional_y():
    X, Y, _ = make_data(20, 3, 1, seed=4)
    curve = kfold(X, Y[:, 0], alphas=ALPHAS, cv=4)
    mean, _ = brute_kfold(X, Y, np.ones(20), list(KFold(4).split(X)), ALPHAS, np.ones(3), True)
    np.testing.assert_allclose(np.asarray(curve.mean).reshape(ALPHAS.size, -1), mean, rtol=RTOL)


@pytest.mark.parametrize(
    "splitter",
    [LeaveOneOut(), ShuffleSplit(n_splits=4, test_size=0.25, train_size=0.5, random_state=0)],
    ids=["loo", "shuffle-split"],
)
def test_kfold_any_splitter(splitter):
    """Splitters whose folds are not a partition (ShuffleSplit leaves rows out of both sets)."""
    X, Y, rng = make_data(16, 3, 2, seed=5)
    w = rng.uniform(0.5, 2.0, 16)
    curve = kfold(X, Y, w, alphas=ALPHAS, cv=splitter)
    mean, se = brute_kfold(X, Y, w, list(splitter.split(X)), ALPHAS, np.ones(3), True)
    np.testing.assert_allclose(curve.mean, mean, rtol=RTOL)
    np.testing.assert_allclose(curve.se, se, rtol=1e-7)


@given(
    st.integers(8, 20),
    st.integers(1, 12),
    st.integers(2, 4),
    st.booleans(),
    st.integers(0, 2**32 - 1),
)
def test_kfold_equals_refits_property(n, p, K, fit_intercept, seed):
    X, Y, rng = make_data(n, p, 1, seed)
    w = rng.uniform(0.2, 2.0, n)
    cv = KFold(K, shuffle=True, random_state=seed % 1000)
    alphas = np.array([0.1, 1.0, 10.0])
    curve = kfold(X, Y, w, alphas=alphas, cv=cv, fit_intercept=fit_intercept)
    mean, se = brute_kfold(X, Y, w, list(cv.split(X)), alphas, np.ones(p), fit_intercept)
    np.testing.assert_allclose(curve.mean, mean, rtol=1e-7)
    np.testing.assert_allclose(curve.se, se, rtol=1e-6, atol=1e-12)


def test_kfold_accurate_when_residuals_are_tiny():
    """Nearly noiseless y: the fold SSE is ~1e-8 of Σ(y − ȳ)², and must still be accurate."""
    X, Y, _ = make_data(40, 4, 1, seed=6, noise=1e-4)
    cv = KFold(4, shuffle=True, random_state=0)
    alphas = np.array([1e-6, 1e-4, 1e-2])
    curve = kfold(X, Y, alphas=alphas, cv=cv)
    mean, _ = brute_kfold(X, Y, np.ones(40), list(cv.split(X)), alphas, np.ones(4), True)
    np.testing.assert_allclose(curve.mean, mean, rtol=1e-6)


# ---------------------------------------------------------------------------- reference: sklearn
@pytest.mark.parametrize("n_targets", [1, 2])
def test_kfold_matches_gridsearchcv_equal_folds(n_targets):
    """Equal folds, unit weights: cvm is the plain mean of fold MSEs, cvsd = std₀ / √(K − 1)."""
    n, p, K = 40, 5, 5
    X, Y, _ = make_data(n, p, n_targets, seed=7)
    cv = KFold(K, shuffle=True, random_state=3)
    curve = kfold(X, Y, alphas=ALPHAS, cv=cv)
    y_sk = Y[:, 0] if n_targets == 1 else Y
    gs = GridSearchCV(SkRidge(), {"alpha": ALPHAS}, cv=cv, scoring="neg_mean_squared_error").fit(
        X, y_sk
    )
    ref = -gs.cv_results_["mean_test_score"]
    np.testing.assert_allclose(curve.mean.mean(axis=1), ref, rtol=RTOL)
    if n_targets == 1:
        np.testing.assert_allclose(
            curve.se[:, 0], gs.cv_results_["std_test_score"] / np.sqrt(K - 1), rtol=1e-7
        )


# ---------------------------------------------------------------------------- invariances
def test_kfold_integer_weights_equal_repeated_rows():
    """Weight k on a row is the row repeated k times, the copies kept in the row's fold."""
    n = 18
    X, Y, rng = make_data(n, 3, 2, seed=8)
    k = rng.integers(1, 4, n)
    fold = np.arange(n) % 3
    a = kfold(X, Y, k.astype(float), alphas=ALPHAS, cv=PredefinedSplit(fold))
    rep = np.repeat(np.arange(n), k)
    b = kfold(X[rep], Y[rep], alphas=ALPHAS, cv=PredefinedSplit(fold[rep]))
    np.testing.assert_allclose(a.mean, b.mean, rtol=1e-9)
    np.testing.assert_allclose(a.se, b.se, rtol=1e-8)


def test_kfold_invariant_to_translation_of_y():
    X, Y, _ = make_data(20, 3, 2, seed=9)
    a = kfold(X, Y, alphas=ALPHAS, cv=4)
    b = kfold(X, Y + np.array([50.0, -3.0]), alphas=ALPHAS, cv=4)
    np.testing.assert_allclose(a.mean, b.mean, rtol=1e-8)


def test_kfold_default_grid_and_df():
    X, Y, _ = make_data(30, 4, 1, seed=10)
    curve = kfold(X, Y, cv=3)
    assert curve.alphas.shape == (100,)
    assert (np.diff(curve.alphas) > 0).all()
    # df of the whole-data fit (intercept not counted), from an explicit hat matrix
    Xc = X - X.mean(axis=0)
    for j in (0, 60):
        H = Xc @ np.linalg.solve(Xc.T @ Xc + curve.alphas[j] * np.eye(4), Xc.T)
        np.testing.assert_allclose(curve.df[j], np.trace(H), rtol=1e-9)
