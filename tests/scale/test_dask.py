"""Dask fits equal the in-memory fits: dask arrays and DataFrames, any partitioning, every cv."""

from __future__ import annotations

import subprocess
import sys

import dask
import dask.array as da
import dask.dataframe as dd
import numpy as np
import pandas as pd
import pytest
from sklearn.model_selection import KFold

from ridgeway import Ridge, RidgeCV
from ridgeway.scale.dask import dask_statistics, fit_dask
from ridgeway.selection.folds import HashKFold
from ridgeway.selection.loo import LooPass

RTOL = 1e-10
# the edge of a grid is the same edge in memory and on Dask
pytestmark = pytest.mark.filterwarnings("ignore::ridgeway.selection.curve.GridEdgeWarning")
P = 6


@pytest.fixture(autouse=True)
def _synchronous():
    with dask.config.set(scheduler="synchronous"):
        yield


def _data(n=300, p=P, t=2, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p)) * rng.uniform(0.5, 3, p) + rng.normal(size=p) * 4
    Y = X @ rng.normal(size=(p, t)) + rng.normal(size=(n, t)) * 2.0
    w = rng.uniform(0.2, 3.0, n)
    return X, Y, w


def _close(a, b, rtol=RTOL):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    np.testing.assert_allclose(a, b, rtol=rtol, atol=rtol * np.max(np.abs(b)))


def _same_fit(got, ref, X):
    _close(got.coef_, ref.coef_)
    # the intercept is a difference ȳ − x̄ᵀw: compare it on the scale of its terms
    scale = np.abs(ref.intercept_) + np.abs(np.atleast_2d(ref.coef_) @ X.mean(axis=0))
    np.testing.assert_allclose(got.intercept_, ref.intercept_, rtol=0, atol=RTOL * np.max(scale))
    _close(got.df_, ref.df_)
    assert got.coef_.dtype == ref.coef_.dtype
    assert np.shape(got.coef_) == np.shape(ref.coef_)


def _same_cv(got, ref):
    _close(got.alpha_, ref.alpha_)
    _close(got.best_score_, ref.best_score_)
    assert set(got.cv_results_) == set(ref.cv_results_)
    for key, value in ref.cv_results_.items():
        if value is None:
            assert got.cv_results_[key] is None
        else:
            _close(got.cv_results_[key], value)


def _ref_cv(cv):
    return HashKFold(cv) if isinstance(cv, int) else cv


ROW_CHUNKS = [(300,), (37,), ((1, 1, 98, 1, 199),), (50,) * 6]
CVS = [None, "gcv", "evidence", "hkb", "lw", 5, HashKFold(3, seed=7)]
KW = dict(alphas=np.logspace(-2, 4, 15), standardize=True, penalty_factor=[1, 1, 0.5, 2, 1, 0])


@pytest.mark.parametrize("chunks", ROW_CHUNKS, ids=str)
@pytest.mark.parametrize("cv", CVS, ids=repr)
def test_ridgecv_dask_array_multi_target_weighted(chunks, cv):
    X, Y, w = _data()
    ref = RidgeCV(cv=_ref_cv(cv), **KW).fit(X, Y, sample_weight=w)
    rows = chunks[0]
    dX = da.from_array(X, chunks=(rows, 4))  # column blocks too: rechunked to whole rows
    dY = da.from_array(Y, chunks=(rows, 1))
    dw = da.from_array(w, chunks=(rows,))
    got = RidgeCV(cv=cv, **KW).fit(dX, dY, sample_weight=dw)
    _same_fit(got, ref, X)
    _same_cv(got, ref)
    assert got.n_features_in_ == P and not hasattr(got, "feature_names_in_")


@pytest.mark.parametrize(
    "cv, rule", [(None, "min"), (None, "1se"), ("gcv", "min"), (4, "min"), (4, "1se")], ids=str
)
def test_ridgecv_single_target_unweighted_rules(cv, rule):
    X, Y, _ = _data(seed=1)
    y = Y[:, 0]
    kw = dict(rule=rule, scoring="r2", fit_intercept=cv != 4)
    ref = RidgeCV(cv=_ref_cv(cv), **kw).fit(X, y)
    got = RidgeCV(cv=cv, **kw).fit(da.from_array(X, chunks=(41, P)), da.from_array(y, chunks=41))
    _same_fit(got, ref, X)
    _same_cv(got, ref)
    assert isinstance(got.alpha_, float) and got.coef_.shape == (P,)


def test_ridgecv_alpha_per_target_default_grid():
    X, Y, w = _data(seed=2)
    ref = RidgeCV(cv=HashKFold(5), alpha_per_target=True).fit(X, Y, sample_weight=w)
    got = RidgeCV(cv=5, alpha_per_target=True).fit(
        da.from_array(X, chunks=(64, P)), Y, sample_weight=w
    )
    _same_fit(got, ref, X)
    _same_cv(got, ref)


@pytest.mark.parametrize("npartitions", [1, 3, 7])
@pytest.mark.parametrize("cv", [None, 5, "evidence"], ids=repr)
def test_ridgecv_dask_dataframe(npartitions, cv):
    X, Y, w = _data(seed=3)
    cols = [f"x{j}" for j in range(P)]
    df = pd.DataFrame(X, columns=cols).assign(y0=Y[:, 0], y1=Y[:, 1], w=w)
    ddf = dd.from_pandas(df, npartitions=npartitions)
    for targets in (["y0"], ["y0", "y1"]):
        y_mem = df[targets[0]] if len(targets) == 1 else df[targets]
        y_dask = ddf[targets[0]] if len(targets) == 1 else ddf[targets]
        ref = RidgeCV(cv=_ref_cv(cv), **KW).fit(df[cols], y_mem, sample_weight=df["w"])
        got = RidgeCV(cv=cv, **KW).fit(ddf[cols], y_dask, sample_weight=ddf["w"])
        _same_fit(got, ref, X)
        _same_cv(got, ref)
        assert list(got.feature_names_in_) == cols


@pytest.mark.parametrize(
    "alpha, fit_intercept", [(0.3, True), ([1.0, 10.0], True), (2.0, False), (0.0, True)]
)
def test_ridge_dask_array(alpha, fit_intercept):
    X, Y, w = _data(seed=4)
    kw = dict(alpha=alpha, fit_intercept=fit_intercept, penalty_factor=[1, 2, 1, 0.5, 1, 1])
    ref = Ridge(**kw).fit(X, Y, sample_weight=w)
    got = Ridge(**kw).fit(da.from_array(X, chunks=(23, P)), da.from_array(Y), sample_weight=w)
    _same_fit(got, ref, X)
    assert got.solver_ == "eigh"


def test_ridge_dataframe_numpy_y_and_scalar_weight_float32():
    X, Y, _ = _data(seed=5)
    X32 = X.astype(np.float32)
    ddf = dd.from_pandas(pd.DataFrame(X32, columns=list("abcdef")), npartitions=4)
    ref = Ridge(alpha=1.0).fit(X32, Y[:, 1], sample_weight=2.0)
    got = Ridge(alpha=1.0).fit(ddf, Y[:, 1], sample_weight=2.0)
    assert got.coef_.dtype == np.float32
    np.testing.assert_allclose(got.coef_, ref.coef_, rtol=1e-6)
    np.testing.assert_allclose(got.intercept_, ref.intercept_, rtol=1e-6)


def test_kfold_keys_from_groups_and_index():
    X, Y, w = _data(seed=6)
    keys = np.repeat(np.arange(30), 10)[np.random.default_rng(0).permutation(300)]
    df = pd.DataFrame(X, columns=list("abcdef")).assign(y=Y[:, 0], key=keys)
    df.index = 1000 + 3 * np.arange(300)
    ddf = dd.from_pandas(df, npartitions=5)
    feats = list("abcdef")
    ref = RidgeCV(cv=HashKFold(4)).fit(df[feats], df["y"], groups=keys)
    for groups in (ddf["key"], keys):
        got = RidgeCV(cv=4).fit(ddf[feats], ddf["y"], groups=groups)
        _same_fit(got, ref, X)
        _same_cv(got, ref)
    # a dask array of keys chunked unlike X's rows is rechunked to them
    dX = da.from_array(X, chunks=(60, P))
    got = RidgeCV(cv=4).fit(dX, Y[:, 0], groups=da.from_array(keys, chunks=17))
    _same_cv(got, ref)
    # the index as the key: folds that do not depend on the row order or the partitioning
    ref = RidgeCV(cv=HashKFold(4)).fit(df[feats], df["y"], groups=df.index)
    shuffled = dd.from_pandas(df.iloc[::-1], npartitions=3, sort=False)
    got = RidgeCV(cv=4).fit(shuffled[feats], shuffled["y"], groups=shuffled.index)
    _same_cv(got, ref)
    # positions are the default key: they differ from the index keys
    pos = RidgeCV(cv=4).fit(ddf[feats], ddf["y"])
    assert not np.allclose(pos.cv_results_["mean"], ref.cv_results_["mean"])


def test_unknown_chunk_sizes_and_many_partitions_tree():
    X, Y, w = _data(seed=7)
    ddf = dd.from_pandas(pd.DataFrame(X), npartitions=30)
    dX = ddf.to_dask_array()  # unknown chunk sizes (nan)
    assert np.isnan(dX.chunks[0][0])
    ref = RidgeCV(cv=HashKFold(3)).fit(X, Y, sample_weight=w)
    for split_every in (2, 8, 64):
        got = fit_dask(RidgeCV(cv=3), dX, Y, w, split_every=split_every)
        _same_fit(got, ref, X)
        _same_cv(got, ref)


def test_threaded_scheduler():
    X, Y, w = _data(seed=8)
    ref = RidgeCV(**KW).fit(X, Y, sample_weight=w)
    with dask.config.set(scheduler="threads"):
        got = RidgeCV(**KW).fit(da.from_array(X, chunks=(29, P)), Y, sample_weight=w)
    _same_fit(got, ref, X)
    _same_cv(got, ref)


def test_predict_returns_lazy_dask_array():
    X, Y, _ = _data(seed=9)
    dX = da.from_array(X, chunks=(70, 2))
    for y in (Y, Y[:, 0]):
        model = Ridge(alpha=3.0).fit(dX, y)
        ref = Ridge(alpha=3.0).fit(X, y)
        pred = model.predict(dX)
        assert isinstance(pred, da.Array) and pred.shape == np.shape(y)
        _close(pred.compute(), ref.predict(X))
        _close(model.predict(X), ref.predict(X))  # NumPy in, NumPy out
    ddf = dd.from_pandas(pd.DataFrame(X, columns=list("abcdef")), npartitions=3)
    model = RidgeCV(cv="gcv").fit(ddf, Y[:, 0])
    pred = model.predict(ddf)
    assert isinstance(pred, da.Array)
    _close(pred.compute(), RidgeCV(cv="gcv").fit(X, Y[:, 0]).predict(X))
    with pytest.raises(ValueError, match="X's columns must be the fitted features"):
        model.predict(ddf.rename(columns={"a": "z"}))
    with pytest.raises(ValueError, match="X must be of 6 features, as in fit"):
        model.predict(dX[:, :5])


def test_loo_pass_is_shipped_once(monkeypatch):
    """The second pass puts the LooPass in the graph once, whatever the number of tasks."""
    X, Y, _ = _data(seed=10)
    seen = []
    compute = dask.compute

    def spy(*args, **kwargs):
        for a in args:
            graph = dict(a.__dask_graph__())
            seen.append(sum(isinstance(getattr(v, "value", v), LooPass) for v in graph.values()))
        return compute(*args, **kwargs)

    monkeypatch.setattr(dask, "compute", spy)
    st = dask_statistics(da.from_array(X, chunks=(20, P)), Y, cv=None)
    assert seen == [0]
    model = RidgeCV()
    from ridgeway.linear_model.statistics_fit import fit_statistics

    fit_statistics(model, st)
    assert seen == [0, 1]


def test_importing_ridgeway_does_not_import_dask():
    code = (
        "import sys, ridgeway, ridgeway.scale, ridgeway.linear_model; "
        "assert 'dask' not in sys.modules, sorted(m for m in sys.modules if 'dask' in m)"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_errors():
    X, Y, w = _data(n=60, seed=11)
    dX = da.from_array(X, chunks=(20, P))
    with pytest.raises(ValueError, match=r"cv must be None, 'gcv'.*decided row by row"):
        RidgeCV(cv=KFold(3)).fit(dX, Y)
    with pytest.raises(ValueError, match="solver must be 'auto', 'eigh' or 'cholesky'"):
        Ridge(solver="svd").fit(dX, Y)
    with pytest.raises(ValueError, match="penalty_factor"):
        Ridge(penalty_factor=[1, 2]).fit(dX, Y)
    with pytest.raises(ValueError, match="X must be a 2-D dask array"):
        Ridge().fit(da.from_array(X[:, 0]), Y)
    with pytest.raises(ValueError, match=r"y must be of the same length as X \(60 samples\)"):
        Ridge().fit(dX, Y[:50])
    with pytest.raises(ValueError, match=r"y must be of the same length as X \(60 samples\)"):
        Ridge().fit(dX, da.from_array(Y[:50]))
    with pytest.raises(ValueError, match="y must be given"):
        Ridge().fit(dX, None)
    with pytest.raises(ValueError, match="sample_weight must be 1-D"):
        Ridge().fit(dX, Y, sample_weight=da.from_array(Y))
    bad_w = w.copy()
    bad_w[45] = -1.0
    with pytest.raises(ValueError, match="sample_weight must be non-negative; got 1 negative"):
        Ridge().fit(dX, Y, sample_weight=da.from_array(bad_w, chunks=20))
    with pytest.raises(ValueError, match="sample_weight must be positive somewhere"):
        Ridge().fit(dX, Y, sample_weight=np.zeros(60))
    bad_y = Y.copy()
    bad_y[3, 1] = np.nan
    with pytest.raises(ValueError, match=r"y must be finite \(no NaN or inf\); got 1 NaN"):
        Ridge().fit(dX, bad_y)
    bad_x = X.copy()
    bad_x[7, 2] = np.inf
    with pytest.raises(ValueError, match=r"X and y must be finite \(no NaN or inf\)"):
        Ridge().fit(da.from_array(bad_x, chunks=20), Y)
    df = pd.DataFrame(X, columns=list("abcdef")).assign(s=["u"] * 60, y=Y[:, 0])
    ddf = dd.from_pandas(df, npartitions=3)
    with pytest.raises(ValueError, match=r"X must be numeric; got non-numeric column\(s\)"):
        Ridge().fit(ddf[["a", "s"]], ddf["y"])
    other = dd.from_pandas(df, npartitions=2)
    with pytest.raises(ValueError, match="y must be partitioned like X"):
        Ridge().fit(ddf[list("abcdef")], other["y"])
    # unknown divisions: the partitions' rows are compared inside the tasks
    a = dd.from_pandas(df, npartitions=3).clear_divisions()
    b = dd.from_pandas(df.iloc[:59], npartitions=3).clear_divisions()
    with pytest.raises(ValueError, match=r"partition \d of y must be of the same length"):
        Ridge().fit(a[list("abcdef")], b["y"])
    with pytest.raises(ValueError, match="the same 3 row partitions as X"):
        Ridge().fit(dX, dd.from_pandas(df, npartitions=2, sort=False)["y"])
    with pytest.raises(ValueError, match="split_every must be an integer of at least 2"):
        fit_dask(Ridge(), dX, Y, split_every=1)
    with pytest.raises(TypeError, match="estimator must be a ridgeway Ridge or RidgeCV"):
        fit_dask(object(), dX, Y)
    with pytest.raises(TypeError, match="X must be a dask array or DataFrame"):
        fit_dask(Ridge(), X, Y)


@pytest.mark.parametrize("cv", [None, 3], ids=repr)
def test_filtered_dataframe_with_empty_partitions(cv):
    X, Y, w = _data(seed=12)
    df = pd.DataFrame(X, columns=list("abcdef")).assign(y=Y[:, 0], w=w)
    df["row"] = np.arange(300)
    ddf = dd.from_pandas(df, npartitions=6)
    keep = (df["row"] < 50) | (df["row"] >= 200)  # partitions 2 and 3 (rows 100-199) empty
    sub, dsub = df[keep], ddf[(ddf["row"] < 50) | (ddf["row"] >= 200)]
    feats = list("abcdef")
    ref = RidgeCV(cv=_ref_cv(cv), **KW).fit(sub[feats], sub["y"], sample_weight=sub["w"])
    got = RidgeCV(cv=cv, **KW).fit(dsub[feats], dsub["y"], sample_weight=dsub["w"])
    _same_fit(got, ref, sub[feats].to_numpy())
    _same_cv(got, ref)
