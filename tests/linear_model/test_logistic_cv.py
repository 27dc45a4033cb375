"""LogisticRidgeCV: every fold and α of the one-path CV against refits, sklearn, rules."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegressionCV
from sklearn.metrics import log_loss, roc_auc_score
from sklearn.model_selection import GroupKFold, LeaveOneOut, StratifiedKFold

from ridgeway import LogisticRidge, LogisticRidgeCV
from ridgeway.selection import GridEdgeWarning


def _data(n, p, K, seed):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) * rng.uniform(0.5, 2, p) + rng.normal(0, 1, p)
    B = rng.standard_normal((p, K)) * 0.5
    eta = X @ B
    P = np.exp(eta - eta.max(axis=1, keepdims=True))
    P /= P.sum(axis=1, keepdims=True)
    y = np.array([rng.choice(K, p=row) for row in P])
    return X, y, rng.uniform(0.5, 2.0, n)


GRID = np.geomspace(0.05, 500.0, 7)


@pytest.mark.parametrize("K", [2, 3])
@pytest.mark.parametrize("weighted", [False, True])
def test_fold_scores_equal_refits(K, weighted):
    X, y, w = _data(240, 5, K, seed=K)
    sw = w if weighted else np.ones(len(y))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GridEdgeWarning)
        m = LogisticRidgeCV(GRID, cv=4, scoring="roc_auc", tol=1e-10).fit(X, y, sw)
    folds = list(StratifiedKFold(4).split(X, y))
    accs = np.zeros((GRID.size, len(folds)))
    lls = np.zeros_like(accs)
    for i, alpha in enumerate(GRID):
        for k, (tr, te) in enumerate(folds):
            ref = LogisticRidge(alpha, tol=1e-11).fit(X[tr], y[tr], sw[tr])
            P = ref.predict_proba(X[te])
            lls[i, k] = log_loss(y[te], P, sample_weight=sw[te], labels=ref.classes_)
            acc = np.average(ref.predict(X[te]) == y[te], weights=sw[te])
            if K == 2:
                auc = roc_auc_score(y[te], P[:, 1], sample_weight=sw[te])
            else:
                auc = np.mean(
                    [roc_auc_score(y[te] == c, P[:, c], sample_weight=sw[te]) for c in range(K)]
                )
            assert np.isclose(m.cv_results_["per_fold"][i, k], auc, rtol=1e-9)
            accs[i, k] = acc
    # fold-weighted means over folds (cv.glmnet's convention)
    wts = np.array([sw[te].sum() for _, te in folds])
    assert np.allclose(m.cv_results_["log_loss"], lls @ wts / wts.sum(), rtol=1e-8)
    assert np.allclose(m.cv_results_["accuracy"], accs @ wts / wts.sum(), rtol=1e-12)


def test_matches_sklearn_logistic_regression_cv():
    X, y, _ = _data(300, 4, 3, seed=20)
    Cs = 1.0 / (2.0 * GRID)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sk = LogisticRegressionCV(
            Cs=Cs, cv=5, scoring="neg_log_loss", tol=1e-12, max_iter=100000
        ).fit(X, y)
        ours = LogisticRidgeCV(GRID, cv=5, tol=1e-10).fit(X, y)
    # sklearn's scores_ are per class (identical for multinomial): (folds, Cs), in our order
    sk_scores = np.asarray(next(iter(sk.scores_.values()))).reshape(5, -1)
    assert np.allclose(ours.cv_results_["per_fold"], -sk_scores.T, rtol=2e-6)
    assert np.isclose(ours.alpha_, 1.0 / (2.0 * np.atleast_1d(sk.C_)[0]))


def test_final_fit_equals_logistic_ridge_and_path():
    X, y, w = _data(300, 5, 2, seed=21)
    m = LogisticRidgeCV(GRID, cv=5, tol=1e-9).fit(X, y, w)
    ref = LogisticRidge(m.alpha_, tol=1e-10).fit(X, y, w)
    assert np.allclose(m.coef_, ref.coef_, rtol=1e-7, atol=1e-9)
    assert np.allclose(m.intercept_, ref.intercept_, rtol=1e-7, atol=1e-9)
    for i in (0, 3, 6):
        r = LogisticRidge(GRID[i], tol=1e-10).fit(X, y, w)
        assert np.allclose(m.coefs_path_[i], r.coef_, rtol=1e-6, atol=1e-8)
        assert np.allclose(m.intercepts_path_[i], r.intercept_, rtol=1e-6, atol=1e-8)


def test_one_standard_error_rule():
    X, y, _ = _data(400, 8, 2, seed=22)
    grid = np.geomspace(0.01, 1e4, 25)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GridEdgeWarning)
        best = LogisticRidgeCV(grid, cv=5).fit(X, y)
        one = LogisticRidgeCV(grid, cv=5, rule="1se").fit(X, y)
    mean, se = best.cv_results_["mean"], best.cv_results_["se"]
    i = int(np.argmin(mean))
    ok = np.flatnonzero(mean <= mean[i] + se[i])
    assert one.alpha_ == grid[ok.max()]
    assert one.alpha_ >= best.alpha_ == grid[i]


def test_accuracy_scoring_and_string_labels():
    X, y, _ = _data(300, 4, 3, seed=23)
    lab = np.array(["a", "b", "c"])[y]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GridEdgeWarning)
        m = LogisticRidgeCV(GRID, cv=3, scoring="accuracy").fit(X, lab)
    assert m.classes_.tolist() == ["a", "b", "c"]
    acc = m.cv_results_["accuracy"]
    assert m.alpha_ == GRID[int(np.argmax(acc))]
    assert np.isclose(m.best_score_, acc.max())
    assert set(m.predict(X)) <= {"a", "b", "c"}


def test_splitters_and_groups():
    X, y, _ = _data(200, 3, 2, seed=24)
    groups = np.arange(200) % 10
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GridEdgeWarning)
        a = LogisticRidgeCV(GRID, cv=GroupKFold(5)).fit(X, y, groups=groups)
        splits = list(GroupKFold(5).split(X, y, groups))
        b = LogisticRidgeCV(GRID, cv=splits).fit(X, y)
    assert np.allclose(a.cv_results_["per_fold"], b.cv_results_["per_fold"])


def test_alo_choice_is_close_to_kfold_and_to_loo():
    X, y, _ = _data(400, 4, 2, seed=25)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GridEdgeWarning)
        alo = LogisticRidgeCV(GRID, cv="alo", tol=1e-10).fit(X, y)
        loo = LogisticRidgeCV(GRID, cv=LeaveOneOut(), tol=1e-10).fit(X, y)
    assert np.allclose(alo.cv_results_["log_loss"], loo.cv_results_["log_loss"], rtol=0.02)
    assert abs(np.searchsorted(GRID, alo.alpha_) - np.searchsorted(GRID, loo.alpha_)) <= 1


def test_default_grid_and_edge_warning():
    X, y, _ = _data(300, 6, 2, seed=26)
    m = LogisticRidgeCV().fit(X, y)
    grid = m.cv_results_["alphas"]
    assert grid.size == 50 and np.all(np.diff(grid) > 0)
    assert grid[0] < m.alpha_ < grid[-1]
    with pytest.warns(GridEdgeWarning, match="edge of the grid"):
        LogisticRidgeCV([1e4, 1e5, 1e6]).fit(X, y)


def test_separable_data_is_fine_with_penalties():
    X = np.r_[
        np.random.default_rng(0).normal(-2, 0.5, (30, 2)),
        np.random.default_rng(1).normal(2, 0.5, (30, 2)),
    ]
    y = np.r_[np.zeros(30), np.ones(30)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GridEdgeWarning)
        m = LogisticRidgeCV(cv=3).fit(X, y)
    assert np.isfinite(m.coef_).all() and m.alpha_ > 0
    assert (m.predict(X) == y).all()


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"cv": 1}, "cv must be at least 2 folds"),
        ({"cv": "loo"}, "cv must be one of"),
        ({"rule": "2se"}, "rule must be one of"),
        ({"scoring": "r2"}, "scoring must be one of"),
        ({"alphas": [1.0, -1.0]}, "alphas must be non-empty, finite and positive"),
        ({"n_alphas": 1}, "n_alphas must be an integer of at least 2"),
        ({"cv": "alo", "rule": "1se", "scoring": "roc_auc"}, "rule must be 'min'"),
    ],
)
def test_bad_parameters(kwargs, match):
    X, y, _ = _data(60, 3, 2, seed=27)
    with pytest.raises(ValueError, match=match):
        LogisticRidgeCV(**kwargs).fit(X, y)
