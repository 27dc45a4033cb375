"""Fits streamed from CSV and Parquet files equal the in-memory fits on the same rows."""

from __future__ import annotations

import gzip

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

import ridgeway
from ridgeway import HashKFold, Ridge, RidgeCV, fit_source
from ridgeway.scale import StreamProgress

pytestmark = pytest.mark.filterwarnings("ignore::ridgeway.selection.GridEdgeWarning")

N, P = 600, 5
NAMES = [f"x{j}" for j in range(P)]


def _data(seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(N, P)) * rng.uniform(0.5, 3, P) + rng.normal(size=P) * 3
    Y = X @ rng.normal(size=(P, 2)) + rng.normal(size=(N, 2)) * 2.0
    w = rng.uniform(0.2, 3.0, N)
    key = rng.integers(0, 60, N)
    return X, Y, w, key


def _table(X, Y, w, key, sl=slice(None)):
    cols = {name: X[sl, j] for j, name in enumerate(NAMES)}
    cols |= {"y": Y[sl, 0], "y2": Y[sl, 1], "w": w[sl], "key": key[sl]}
    return pa.table(cols)


def _write(table, path):
    if path.suffix == ".parquet":
        pq.write_table(table, path, row_group_size=150)
    else:
        pacsv.write_csv(table, path)


def _source(tmp_path, layout, fmt, data):
    """The data as one file, a directory of three, a glob or a list (rows in order)."""
    ext = "." + fmt
    if layout == "file":
        path = tmp_path / f"data{ext}"
        _write(_table(*data), path)
        return path
    d = tmp_path / "parts"
    d.mkdir()
    bounds = [0, 101, 350, N]
    paths = []
    for i in range(3):
        paths.append(d / f"part-{i}{ext}")
        _write(_table(*data, slice(bounds[i], bounds[i + 1])), paths[-1])
    if layout == "dir":
        return d
    if layout == "glob":
        return str(d / f"part-*{ext}")
    return [str(p) for p in paths]


def _close(a, b, rtol=1e-10):
    a, b = np.asarray(a, float), np.asarray(b, float)
    np.testing.assert_allclose(a, b, rtol=rtol, atol=rtol * np.max(np.abs(b)))


def _same_fit(got, ref, X):
    _close(got.coef_, ref.coef_)
    scale = np.abs(ref.intercept_) + np.abs(np.atleast_2d(ref.coef_) @ X.mean(axis=0))
    np.testing.assert_allclose(got.intercept_, ref.intercept_, rtol=0, atol=1e-10 * scale.max())
    if isinstance(ref, RidgeCV):
        _close(got.alpha_, ref.alpha_)
        for name in ("alphas", "mean", "se", "df", "score"):
            if ref.cv_results_.get(name) is None:
                assert got.cv_results_.get(name) is None
            else:
                _close(got.cv_results_[name], ref.cv_results_[name])


CVS = [None, "gcv", "evidence", "hkb", "lw", 4, HashKFold(3, seed=5)]


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
@pytest.mark.parametrize("cv", CVS, ids=repr)
@pytest.mark.parametrize("chunk_rows", [37, 256, None])
def test_ridgecv_weighted_equals_in_memory(tmp_path, fmt, cv, chunk_rows):
    data = X, Y, w, _ = _data()
    src = _source(tmp_path, "file", fmt, data)
    kw = dict(alphas=np.logspace(-2, 3, 9), standardize=True)
    ref_cv = HashKFold(cv) if isinstance(cv, int) else cv
    ref = RidgeCV(cv=ref_cv, **kw).fit(X, Y[:, 0], sample_weight=w)
    got = fit_source(
        RidgeCV(cv=cv, **kw),
        src,
        "y",
        features=NAMES,
        weight="w",
        chunk_rows=chunk_rows,
        progress=False,
    )
    _same_fit(got, ref, X)
    assert list(got.feature_names_in_) == NAMES


@pytest.mark.parametrize("layout", ["dir", "glob", "list"])
@pytest.mark.parametrize("fmt", ["parquet", "csv"])
@pytest.mark.parametrize("cv", [None, 5])
def test_multi_file_multi_target(tmp_path, layout, fmt, cv):
    """Rows are counted across the files in order: the folds of position keys match."""
    data = X, Y, _, _ = _data(1)
    src = _source(tmp_path, layout, fmt, data)
    ref = RidgeCV(cv=None if cv is None else HashKFold(cv), alpha_per_target=True).fit(X, Y)
    got = fit_source(
        RidgeCV(cv=cv, alpha_per_target=True),
        src,
        ["y", "y2"],
        features=NAMES,
        chunk_rows=64,
        progress=False,
    )
    assert got.coef_.shape == (2, P)
    _same_fit(got, ref, X)


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_key_column_fixes_folds(tmp_path, fmt):
    data = X, Y, w, key = _data(2)
    src = _source(tmp_path, "dir", fmt, data)
    ref = RidgeCV(cv=HashKFold(5)).fit(X, Y[:, 0], sample_weight=w, groups=key)
    got = fit_source(
        RidgeCV(cv=5),
        src,
        "y",
        features=NAMES,
        weight="w",
        key="key",
        chunk_rows=50,
        progress=False,
    )
    _same_fit(got, ref, X)
    # and not the folds of the row positions
    by_pos = RidgeCV(cv=HashKFold(5)).fit(X, Y[:, 0], sample_weight=w)
    assert not np.allclose(got.cv_results_["mean"], by_pos.cv_results_["mean"])


@pytest.mark.parametrize("alpha", [0.0, 2.5])
def test_ridge_and_default_features(tmp_path, alpha):
    """Without ``features`` every numeric column but the target, weight and key is used."""
    X, Y, w, key = _data(3)
    table = _table(X, Y, w, key).drop_columns(["y2"]).append_column("label", pa.array(["a"] * N))
    path = tmp_path / "d.parquet"
    pq.write_table(table, path)
    got = fit_source(Ridge(alpha=alpha), path, "y", weight="w", key="key", progress=False)
    ref = Ridge(alpha=alpha).fit(X, Y[:, 0], sample_weight=w)
    _same_fit(got, ref, X)
    assert list(got.feature_names_in_) == NAMES


def test_int_bool_dictionary_and_gzip_columns(tmp_path):
    rng = np.random.default_rng(4)
    a = rng.integers(-5, 5, 300)
    b = rng.random(300) > 0.5
    c = rng.normal(size=300)
    y = a + 2.0 * b - c + rng.normal(size=300)
    table = pa.table({"a": a, "b": b, "c": pa.array(np.round(c, 1)).dictionary_encode(), "y": y})
    pq.write_table(table, tmp_path / "d.parquet")
    X = np.column_stack([a, b, np.round(c, 1)]).astype(float)
    ref = RidgeCV(cv="gcv").fit(X, y)
    got = fit_source(RidgeCV(cv="gcv"), tmp_path / "d.parquet", "y", progress=False)
    _same_fit(got, ref, X)
    buf = pa.BufferOutputStream()
    pacsv.write_csv(table.set_column(2, "c", pa.array(np.round(c, 1))), buf)
    (tmp_path / "d.csv.gz").write_bytes(gzip.compress(buf.getvalue().to_pybytes()))
    got = fit_source(RidgeCV(cv="gcv"), tmp_path / "d.csv.gz", "y", progress=False)
    _same_fit(got, ref, X)


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
@pytest.mark.parametrize("cv", [None, 3])
def test_progress_callback(tmp_path, fmt, cv):
    data = _data(5)
    src = _source(tmp_path, "dir", fmt, data)
    seen: list[StreamProgress] = []
    fit_source(
        RidgeCV(cv=cv),
        src,
        "y",
        features=NAMES,
        chunk_rows=100,
        progress=False,
        callback=seen.append,
    )
    passes = 2 if cv is None else 1
    assert {s.pass_number for s in seen} == set(range(1, passes + 1))
    total = sum(f.stat().st_size for f in (tmp_path / "parts").iterdir())
    for number in range(1, passes + 1):
        mine = [s for s in seen if s.pass_number == number]
        rows = [s.rows for s in mine]
        nbytes = [s.bytes_read for s in mine]
        assert rows == sorted(rows) and nbytes == sorted(nbytes)
        assert rows[0] == 0 and rows[-1] == N
        assert nbytes[-1] == total and all(s.bytes_total == total for s in mine)
        assert all(s.n_passes == passes for s in mine)
        assert len(set(rows)) >= N // 100  # one report per chunk at least
    if fmt == "parquet" or cv is None:  # rows_total known from the footers, or after pass 1
        assert seen[-1].rows_total == N


def test_progress_bar_runs(tmp_path, capsys):
    src = _source(tmp_path, "file", "parquet", _data(6))
    fit_source(RidgeCV(), src, "y", features=NAMES, chunk_rows=100, progress=True)
    err = capsys.readouterr().err
    assert "pass 1/2" in err and "pass 2/2" in err and f"{N:,} rows" in err


def test_lazy_exports():
    assert ridgeway.fit_source is fit_source
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        _ = ridgeway.nope  # type: ignore[attr-defined]
    import ridgeway.scale as scale

    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        _ = scale.nope  # type: ignore[attr-defined]
    assert "fit_source" in dir(scale)
