"""Fitting from the statistics of a pass over row chunks equals fitting in memory."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from ridgeway import Ridge, RidgeCV
from ridgeway.core.solvers import ConditioningWarning, SingularDesignError
from ridgeway.linear_model.statistics_fit import (
    fit_statistics,
    statistics_from_chunks,
    stream_folds,
)
from ridgeway.selection.folds import HashKFold


def _data(n=400, p=7, t=2, seed=0, weights=True):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p)) * rng.uniform(0.5, 3, p) + rng.normal(size=p)
    Y = X @ rng.normal(size=(p, t)) + rng.normal(size=(n, t)) * 2.0
    w = rng.uniform(0.2, 3.0, n) if weights else None
    return X, Y, w


def _chunked(X, Y, w, bounds, keys=None):
    keys = np.arange(X.shape[0]) if keys is None else keys

    def read():
        edges = [0, *bounds, X.shape[0]]
        for a, b in itertools.pairwise(edges):
            yield X[a:b], Y[a:b], None if w is None else w[a:b], keys[a:b]

    return read


def _close(a, b, rtol=1e-10):
    np.testing.assert_allclose(a, b, rtol=rtol, atol=rtol * np.max(np.abs(b)))


def _close_fit(got, ref, X, rtol=1e-10):
    """coef_ to rtol; intercept_ to rtol of its natural scale |ȳ| + |x̄ᵀw| (it is a
    difference of the two, so its own size can be much smaller)."""
    _close(got.coef_, ref.coef_, rtol)
    scale = np.abs(ref.intercept_) + np.abs(np.atleast_2d(ref.coef_) @ X.mean(axis=0))
    np.testing.assert_allclose(got.intercept_, ref.intercept_, rtol=0, atol=rtol * np.max(scale))


CHUNKINGS = [[], [1], [17, 200, 201], list(range(50, 400, 50))]
CVS = [None, "gcv", "evidence", "hkb", "lw", 5, HashKFold(3, seed=7)]


@pytest.mark.parametrize("bounds", CHUNKINGS)
@pytest.mark.parametrize("cv", CVS, ids=repr)
@pytest.mark.parametrize("single", [True, False])
def test_ridgecv_from_chunks_equals_in_memory(bounds, cv, single):
    X, Y, w = _data()
    y = Y[:, 0] if single else Y
    ref_cv = HashKFold(cv) if isinstance(cv, int) else cv
    kw = dict(
        alphas=np.logspace(-2, 3, 12), standardize=True, penalty_factor=[1, 1, 0.5, 2, 1, 1, 1]
    )
    ref = RidgeCV(cv=ref_cv, **kw).fit(X, y, sample_weight=w)
    st = statistics_from_chunks(
        _chunked(X, y, w, bounds), cv, single=single, dtype=X.dtype, feature_names=None
    )
    got = fit_statistics(RidgeCV(cv=cv, **kw), st)
    _close_fit(got, ref, X)
    _close(got.alpha_, ref.alpha_)
    assert got.n_features_in_ == X.shape[1]
    for key in ("alphas", "mean", "se", "df"):
        if ref.cv_results_[key] is None:
            assert got.cv_results_[key] is None
        else:
            _close(got.cv_results_[key], ref.cv_results_[key])


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("rule", ["min", "1se"])
def test_ridgecv_per_target_rules_and_no_intercept(fit_intercept, rule):
    X, Y, w = _data(seed=3)
    kw = dict(fit_intercept=fit_intercept, rule=rule, alpha_per_target=True, scoring="r2")
    ref = RidgeCV(cv=HashKFold(4), **kw).fit(X, Y, sample_weight=w)
    st = statistics_from_chunks(_chunked(X, Y, w, [99, 250]), 4, single=False, dtype=X.dtype)
    got = fit_statistics(RidgeCV(cv=4, **kw), st)
    _close(got.coef_, ref.coef_)
    _close(got.alpha_, ref.alpha_)
    _close(got.cv_results_["score"], ref.cv_results_["score"])
    ref_loo = RidgeCV(cv=None, **kw).fit(X, Y, sample_weight=w)
    st = statistics_from_chunks(_chunked(X, Y, w, [99]), None, single=False, dtype=X.dtype)
    got_loo = fit_statistics(RidgeCV(cv=None, **kw), st)
    _close(got_loo.cv_results_["score"], ref_loo.cv_results_["score"])
    _close(got_loo.coef_, ref_loo.coef_)


@pytest.mark.parametrize("alpha", [0.0, 0.3, [1.0, 10.0]])
def test_ridge_from_chunks_equals_in_memory(alpha):
    X, Y, w = _data(seed=1)
    ref = Ridge(alpha=alpha, standardize=True).fit(X, Y, sample_weight=w)
    st = statistics_from_chunks(
        _chunked(X, Y, w, [10, 300]),
        None,
        single=False,
        dtype=X.dtype,
        feature_names=list("abcdefg"),
    )
    got = fit_statistics(Ridge(alpha=alpha, standardize=True), st)
    _close_fit(got, ref, X)
    _close(got.df_, ref.df_)
    assert list(got.feature_names_in_) == list("abcdefg")
    np.testing.assert_allclose(got.predict(X[:5]), ref.predict(X[:5]), rtol=1e-10)


def test_float32_keeps_dtype():
    X, Y, _ = _data(seed=2, weights=False)
    X32 = X.astype(np.float32)
    st = statistics_from_chunks(
        _chunked(X32, Y[:, 0], None, [100]), None, single=True, dtype=X32.dtype
    )
    got = fit_statistics(Ridge(alpha=1.0), st)
    assert got.coef_.dtype == np.float32
    ref = Ridge(alpha=1.0).fit(X32, Y[:, 0])
    np.testing.assert_allclose(got.coef_, ref.coef_, rtol=1e-6)


def test_key_column_keeps_groups_together():
    X, Y, w = _data(seed=4)
    keys = np.repeat(np.arange(40), 10)
    ref = RidgeCV(cv=HashKFold(5)).fit(X, Y, sample_weight=w, groups=keys)
    st = statistics_from_chunks(
        _chunked(X, Y, w, [33, 207], keys=keys), 5, single=False, dtype=X.dtype
    )
    got = fit_statistics(RidgeCV(cv=5), st)
    _close(got.cv_results_["mean"], ref.cv_results_["mean"])
    labels = HashKFold(5).labels(keys)
    for g in range(40):
        assert np.unique(labels[keys == g]).size == 1


def test_errors():
    with pytest.raises(ValueError, match=r"cv must be None, 'gcv'.*HashKFold"):
        stream_folds(object())
    from sklearn.model_selection import KFold

    with pytest.raises(ValueError, match="decided row by row"):
        stream_folds(KFold(5))
    with pytest.raises(ValueError, match="cv must be at least 2 folds"):
        stream_folds(1)
    X, Y, _ = _data(n=50, p=3, weights=False)
    st = statistics_from_chunks(_chunked(X, Y, None, []), None, single=False, dtype=X.dtype)
    with pytest.raises(ValueError, match="solver must be 'auto', 'eigh' or 'cholesky'"):
        fit_statistics(Ridge(solver="svd"), st)
    with pytest.raises(TypeError, match="estimator must be a ridgeway Ridge or RidgeCV"):
        fit_statistics(object(), st)
    # k-fold without the folds' statistics
    with pytest.raises(ValueError, match="folds must be the Moments of 5 folds"):
        fit_statistics(RidgeCV(cv=5), st)
    # a duplicated column: singular at α = 0, warned about at small α
    Xd = np.hstack([X, X[:, :1]])
    st = statistics_from_chunks(_chunked(Xd, Y, None, [20]), None, single=False, dtype=X.dtype)
    with pytest.raises(SingularDesignError, match="alpha must be positive"):
        fit_statistics(Ridge(alpha=0.0), st)
    with pytest.warns(ConditioningWarning, match="condition number"):
        fit_statistics(Ridge(alpha=1e-12), st)


def test_hash_kfold_is_chunking_free_and_balanced():
    cv = HashKFold(5, seed=11)
    keys = np.arange(100_000)
    lab = cv.labels(keys)
    parts = np.concatenate([cv.labels(keys[a : a + 777]) for a in range(0, keys.size, 777)])
    assert (lab == parts).all()
    counts = np.bincount(lab, minlength=5)
    # binomial sizes: each within 5 standard deviations of n/K
    sd = np.sqrt(keys.size * 0.2 * 0.8)
    assert np.all(np.abs(counts - keys.size / 5) < 5 * sd)
    # integral floats hash as the integers they equal; strings are stable
    assert (cv.labels(keys[:50].astype(float)) == lab[:50]).all()
    s = np.array(["a", "b", "a", "c"], dtype=object)
    ls = cv.labels(s)
    assert ls[0] == ls[2]
    assert (HashKFold(5, seed=12).labels(keys[:1000]) != lab[:1000]).any()
    with pytest.raises(ValueError, match="n_splits must be an integer of at least 2"):
        HashKFold(1).labels(keys)
    with pytest.raises(ValueError, match="keys must be finite"):
        cv.labels(np.array([1.0, np.nan]))
    with pytest.raises(ValueError, match="groups must be of length 3"):
        list(cv.split(np.zeros((3, 1)), groups=[1, 2]))
