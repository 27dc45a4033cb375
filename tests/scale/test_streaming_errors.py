"""Bad sources, columns, values and budgets give clear errors naming the file and the row."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
from sklearn.model_selection import KFold

from ridgeway import LogisticRidgeCV, Ridge, RidgeCV, fit_source


def _table(n=50, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3))
    return pa.table(
        {"a": X[:, 0], "b": X[:, 1], "c": X[:, 2], "y": X.sum(axis=1), "w": X[:, 0] ** 2}
    )


def _fit(src, target="y", est=None, **kw):
    kw.setdefault("progress", False)
    return fit_source(est if est is not None else RidgeCV(cv="gcv"), src, target, **kw)


@pytest.fixture(params=["parquet", "csv"])
def write(request, tmp_path):
    def _w(table, name="d"):
        path = tmp_path / f"{name}.{request.param}"
        if request.param == "parquet":
            pq.write_table(table, path)
        else:
            pacsv.write_csv(table, path)
        return path

    return _w


def test_unknown_columns_list_the_available(write):
    path = write(_table())
    with pytest.raises(ValueError, match=r"target must be columns of d\.\w+ \(available: 'a', 'b'"):
        _fit(path, "nope")
    with pytest.raises(ValueError, match=r"features must be columns of .*'zz'"):
        _fit(path, features=["a", "zz"])
    with pytest.raises(ValueError, match=r"weight must be columns of .*'ww'"):
        _fit(path, weight="ww")
    with pytest.raises(ValueError, match=r"key must be columns of .*'kk'"):
        _fit(path, key="kk")
    with pytest.raises(ValueError, match="features must be free of the target, weight and key"):
        _fit(path, features=["a", "y"])
    with pytest.raises(TypeError, match="target must be a column name or a list of them"):
        _fit(path, target=3)


def test_non_numeric_columns(write):
    path = write(_table().append_column("s", pa.array(["u"] * 50)))
    with pytest.raises(ValueError, match=r"column 's' must be numeric; got values of type string"):
        _fit(path, features=["a", "s"])
    model = _fit(path)  # by default, non-numeric columns are not features
    assert list(model.feature_names_in_) == ["a", "b", "c", "w"]


@pytest.mark.parametrize("column", ["b", "y", "w"])
def test_missing_value_names_file_and_row(write, column):
    t = _table()
    vals = t.column(column).to_numpy().copy()
    vals[37] = np.nan
    path = write(t.set_column(t.schema.get_field_index(column), column, pa.array(vals)))
    with pytest.raises(
        ValueError,
        match=rf"column '{column}' must be free of missing values \(null or NaN\); got .* "
        rf"row 38 of '.*d\.\w+'",
    ):
        _fit(path, weight="w", chunk_rows=16)


def test_null_infinite_and_negative_weight(tmp_path):
    t = _table()
    a = t.column("a").to_pylist()
    a[3] = None
    pq.write_table(t.set_column(0, "a", pa.array(a)), tmp_path / "n.parquet")
    with pytest.raises(ValueError, match=r"column 'a' must be free of missing.*row 4 of"):
        _fit(tmp_path / "n.parquet")
    b = t.column("b").to_numpy().copy()
    b[10] = np.inf
    pq.write_table(t.set_column(1, "b", pa.array(b)), tmp_path / "i.parquet")
    with pytest.raises(
        ValueError, match=r"column 'b' must be finite; got an infinite value at row 11"
    ):
        _fit(tmp_path / "i.parquet")
    w = t.column("w").to_numpy().copy()
    w[5] = -1.0
    pq.write_table(t.set_column(4, "w", pa.array(w)), tmp_path / "w.parquet")
    with pytest.raises(
        ValueError, match=r"weight column 'w' must be non-negative; got -1 at row 6"
    ):
        _fit(tmp_path / "w.parquet", weight="w")


def test_text_in_a_csv_column(tmp_path):
    """Types are inferred from the first block (1 MB): text in it makes the column text; text
    after it stops the pass when it is met."""
    lines = ["a,y"] + [f"{i},{2 * i}" for i in range(200)] + ["oops,1"]
    path = tmp_path / "t.csv"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(ValueError, match=r"column 'a' must be numeric; got values of type string"):
        _fit(path, features=["a"])
    lines = ["a,y"] + [f"{i},{2 * i}" for i in range(150_000)] + ["oops,1"]
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(ValueError, match=r"must be numeric; got .*oops.* in '.*t\.csv'"):
        _fit(path)


def test_sources(tmp_path, write):
    with pytest.raises(FileNotFoundError, match="data file must be an existing file"):
        _fit(tmp_path / "none.parquet")
    with pytest.raises(FileNotFoundError, match="source must be a pattern matching files"):
        _fit(str(tmp_path / "*.nothing"))
    with pytest.raises(ValueError, match="source must be a path, a glob or a non-empty list"):
        _fit([])
    (tmp_path / "empty").mkdir()
    with pytest.raises(ValueError, match="source must be a directory holding files ending in"):
        _fit(tmp_path / "empty")
    (tmp_path / "x.txt").write_text("a\n1\n")
    with pytest.raises(ValueError, match=r"data file must be a file ending in \.csv"):
        _fit(tmp_path / "x.txt")
    (tmp_path / "zero.csv").write_bytes(b"")
    with pytest.raises(ValueError, match="data file must be non-empty"):
        _fit(tmp_path / "zero.csv")


def test_mixed_schemas_name_the_file(tmp_path):
    d = tmp_path / "parts"
    d.mkdir()
    pq.write_table(_table(), d / "p0.parquet")
    pq.write_table(_table().drop_columns(["c"]), d / "p1.parquet")
    with pytest.raises(
        ValueError, match=r"data file '.*p1\.parquet' must be of the same columns.*without 'c'"
    ):
        _fit(d)
    pacsv.write_csv(_table(), tmp_path / "p2.csv")
    with pytest.raises(ValueError, match="files of one format"):
        _fit([d / "p0.parquet", tmp_path / "p2.csv"])
    pq.write_table(_table().set_column(2, "c", pa.array(["s"] * 50)), d / "p1.parquet")
    with pytest.raises(ValueError, match=r"column 'c' of '.*p1\.parquet' must be of the type"):
        _fit(d)


def test_no_rows(tmp_path):
    (tmp_path / "h.csv").write_text("a,b,y\n")
    with pytest.raises(ValueError, match="source must be files holding at least one row"):
        _fit(tmp_path / "h.csv")
    pq.write_table(_table().slice(0, 0), tmp_path / "e.parquet")
    with pytest.raises(ValueError, match="source must be files holding at least one row"):
        _fit(tmp_path / "e.parquet")


def test_estimators_and_options(tmp_path):
    path = tmp_path / "d.parquet"
    pq.write_table(_table(), path)
    with pytest.raises(TypeError, match="streaming logistic regression is not supported"):
        _fit(path, est=LogisticRidgeCV())
    with pytest.raises(ValueError, match=r"cv must be None, 'gcv'.*decided row by row"):
        _fit(path, est=RidgeCV(cv=KFold(5)))
    with pytest.raises(ValueError, match="solver must be 'auto', 'eigh' or 'cholesky'"):
        _fit(path, est=Ridge(solver="svd"))
    with pytest.raises(ValueError, match="chunk_rows must be a positive integer or None; got 0"):
        _fit(path, chunk_rows=0)
    with pytest.raises(
        ValueError,
        match=r"max_memory must be at least .* MB for 4 features, "
        r"1 target\(s\), 5 folds; got 1 kB",
    ):
        _fit(path, est=RidgeCV(cv=5), max_memory="1kB")
    with pytest.raises(ValueError, match="max_memory must be a number of bytes or a size"):
        _fit(path, max_memory="lots")
