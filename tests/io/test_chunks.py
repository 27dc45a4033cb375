"""Row chunks of CSV and Parquet sources hold exactly the files' values, in order."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from ridgeway.io.chunks import read_chunks
from ridgeway.io.sources import expand_source, open_source


def _files(tmp_path, fmt, n=250):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(n, 3))
    key = np.array([f"k{i % 7}" for i in range(n)])
    d = tmp_path / "parts"
    d.mkdir()
    cuts = [0, 90, 91, n]
    for i in range(3):
        sl = slice(cuts[i], cuts[i + 1])
        t = pa.table({"a": X[sl, 0], "b": X[sl, 1], "y": X[sl, 2], "key": key[sl]})
        path = d / f"p{i}.{fmt}"
        pq.write_table(t, path, row_group_size=40) if fmt == "parquet" else pacsv.write_csv(t, path)
    return d, X, key


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
@pytest.mark.parametrize("rows", [1, 17, 100, 1000])
def test_chunks_concatenate_to_the_data(tmp_path, fmt, rows):
    d, X, key = _files(tmp_path, fmt)
    src = open_source(d)
    assert src.n_rows == (250 if fmt == "parquet" else None)
    cols = src.resolve("y", key="key")
    assert cols.features == ("a", "b")
    seen = []
    got = []
    for Xc, Yc, w, keys in read_chunks(src, cols, rows, on_chunk=lambda r, b: seen.append(r)):
        assert w is None and Xc.shape[0] <= rows
        got.append((Xc.copy(), Yc.copy(), keys.copy()))
    np.testing.assert_array_equal(np.concatenate([g[0] for g in got]), X[:, :2])
    np.testing.assert_array_equal(np.concatenate([g[1] for g in got])[:, 0], X[:, 2])
    np.testing.assert_array_equal(np.concatenate([g[2] for g in got]), key)
    assert all(g[0].shape[0] == rows for g in got[:-1])  # chunks span files
    assert seen[-1] == 250 and seen == sorted(seen)
    no_key = src.resolve("y")
    pos = np.concatenate([k for *_, k in read_chunks(src, no_key, rows)])
    np.testing.assert_array_equal(pos, np.arange(250))


def test_expand_orders(tmp_path):
    d, _, _ = _files(tmp_path, "parquet")
    names = [p.name for p in expand_source(d)]
    assert names == ["p0.parquet", "p1.parquet", "p2.parquet"]
    listed = expand_source([d / "p2.parquet", str(d / "p[01].parquet")])
    assert [p.name for p in listed] == ["p2.parquet", "p0.parquet", "p1.parquet"]


def test_estimated_memory(tmp_path):
    d, _, _ = _files(tmp_path, "parquet")
    src = open_source(d)
    assert src.estimated_memory() == 250 * 4 * 8
    assert src.estimated_memory(3) == 250 * 3 * 8
    assert src.bytes_total == sum(p.stat().st_size for p in d.iterdir())
    assert src.reader_bytes(src.resolve("y")) > 0
