"""Tests of ridgeway.io.readers on files written in the test (CSV, gzip CSV, Parquet)."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from ridgeway.io.readers import read_table, table_to_matrix, table_to_xy


@pytest.fixture
def arrays() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(0)
    n = 25
    return {
        "x1": rng.normal(size=n),
        "count": rng.integers(-5, 50, size=n),
        "x3": rng.uniform(size=n) * 1e6,
        "y": rng.normal(size=n),
    }


def _write_csv(path: Path, cols: dict[str, np.ndarray]) -> Path:
    names = list(cols)
    lines = [",".join(names)]
    for i in range(len(cols[names[0]])):
        lines.append(",".join(repr(cols[c][i].item()) for c in names))
    text = "\n".join(lines) + "\n"
    if path.name.endswith(".gz"):
        path.write_bytes(gzip.compress(text.encode()))
    else:
        path.write_text(text)
    return path


def _write_parquet(path: Path, cols: dict[str, np.ndarray]) -> Path:
    pq.write_table(pa.table(cols), path)
    return path


@pytest.mark.parametrize("name", ["data.csv", "data.csv.gz", "DATA.CSV", "data.parquet", "d.pq"])
def test_read_table_round_trip(tmp_path: Path, arrays: dict[str, np.ndarray], name: str) -> None:
    path = tmp_path / name
    if ".csv" in name.lower():
        _write_csv(path, arrays)
    else:
        _write_parquet(path, arrays)
    table = read_table(path)
    assert isinstance(table, pa.Table)
    assert table.column_names == list(arrays)
    assert table.num_rows == 25
    X, y, names = table_to_xy(table, "y")
    assert names == ("x1", "count", "x3")
    assert X.dtype == np.float64 and X.shape == (25, 3)
    assert y.shape == (25,)
    expected = np.column_stack([arrays["x1"], arrays["count"], arrays["x3"]]).astype(float)
    np.testing.assert_array_equal(X, expected)  # repr() of a float64 round-trips exactly
    np.testing.assert_array_equal(y, arrays["y"])


def test_read_table_accepts_str_path_and_columns(
    tmp_path: Path, arrays: dict[str, np.ndarray]
) -> None:
    path = _write_csv(tmp_path / "data.csv", arrays)
    table = read_table(str(path), columns=["y", "x1"])
    assert table.column_names == ["y", "x1"]
    np.testing.assert_array_equal(table.column("x1").to_numpy(), arrays["x1"])


def test_read_table_unknown_column(tmp_path: Path, arrays: dict[str, np.ndarray]) -> None:
    path = _write_parquet(tmp_path / "data.parquet", arrays)
    with pytest.raises(ValueError, match=r"^columns must be columns of data\.parquet") as info:
        read_table(path, columns=["x1", "nope"])
    assert "available: 'x1', 'count', 'x3', 'y'" in str(info.value)
    assert str(info.value).endswith("; got 'nope'")


def test_table_to_xy_features_subset_and_order(
    tmp_path: Path, arrays: dict[str, np.ndarray]
) -> None:
    table = read_table(_write_parquet(tmp_path / "d.parquet", arrays))
    X, _, names = table_to_xy(table, "y", features=["x3", "x1"])
    assert names == ("x3", "x1")
    np.testing.assert_array_equal(X, np.column_stack([arrays["x3"], arrays["x1"]]))


def test_table_to_matrix_bool_and_int_columns() -> None:
    table = pa.table({"flag": [True, False, True], "k": pa.array([1, 2, 3], pa.int8())})
    X, names = table_to_matrix(table)
    assert names == ("flag", "k")
    np.testing.assert_array_equal(X, [[1.0, 1.0], [0.0, 2.0], [1.0, 3.0]])


# --- errors -----------------------------------------------------------------------------------


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "absent.csv"
    with pytest.raises(FileNotFoundError) as info:
        read_table(path)
    assert str(info.value) == f"data file must be an existing file; got {str(path)!r}"


@pytest.mark.parametrize("name", ["data.txt", "data.xlsx", "data", "data.csv.bz2"])
def test_unknown_extension(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text("a,b\n1,2\n")
    with pytest.raises(ValueError, match=r"^data file must be a file ending in \.csv, \.csv\.gz, "):
        read_table(path)


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_text("")
    with pytest.raises(ValueError, match=r"^data file must be non-empty; got the empty file '"):
        read_table(path)


def test_empty_gzip_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.csv.gz"
    path.write_bytes(gzip.compress(b""))
    with pytest.raises(ValueError, match=r"^data file must be non-empty; got '.*' with no header"):
        read_table(path)


def test_header_only_file_has_zero_rows(tmp_path: Path) -> None:
    path = tmp_path / "header.csv"
    path.write_text("x,y\n")
    table = read_table(path)
    assert table.num_rows == 0
    with pytest.raises(
        ValueError, match=r"^data must be non-empty \(at least one row\); got 0 rows$"
    ):
        table_to_xy(table, "y")


def test_zero_row_parquet(tmp_path: Path) -> None:
    path = _write_parquet(tmp_path / "z.parquet", {"x": np.array([]), "y": np.array([])})
    with pytest.raises(
        ValueError, match=r"^data must be non-empty \(at least one row\); got 0 rows$"
    ):
        table_to_xy(read_table(path), "y")


def test_not_a_parquet_file(tmp_path: Path) -> None:
    path = tmp_path / "fake.parquet"
    path.write_text("x,y\n1,2\n")
    with pytest.raises(ValueError, match=r"^data file must be a readable PARQUET file; got '"):
        read_table(path)


def test_unknown_target_lists_columns(tmp_path: Path, arrays: dict[str, np.ndarray]) -> None:
    table = read_table(_write_csv(tmp_path / "d.csv", arrays))
    with pytest.raises(ValueError) as info:
        table_to_xy(table, "price")
    assert str(info.value) == (
        "target must be a column of the data (available: 'x1', 'count', 'x3', 'y'); got 'price'"
    )


def test_unknown_feature_lists_columns(tmp_path: Path, arrays: dict[str, np.ndarray]) -> None:
    table = read_table(_write_csv(tmp_path / "d.csv", arrays))
    with pytest.raises(ValueError, match=r"^features must be columns of the data \(available: "):
        table_to_xy(table, "y", features=["x1", "x9"])
    with pytest.raises(ValueError, match=r"^features must be free of the target column; got 'y'$"):
        table_to_xy(table, "y", features=["x1", "y"])


def test_no_feature_columns() -> None:
    with pytest.raises(ValueError, match=r"^features must be at least one column; got none$"):
        table_to_xy(pa.table({"y": [1.0, 2.0]}), "y")


def test_non_numeric_column_is_named(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    path.write_text("x,city,y\n1,Paris,2\n3,Oslo,4\n")
    table = read_table(path)
    with pytest.raises(ValueError) as info:
        table_to_xy(table, "y")
    assert str(info.value) == "column 'city' must be numeric; got values of type string"
    # the same column as the target
    with pytest.raises(ValueError, match=r"^column 'city' must be numeric"):
        table_to_xy(table, "city", features=["x"])


def test_nulls_are_counted(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    path.write_text("x,z,y\n1,,2\n3,NA,4\n5,6,7\n8,9,\n")
    table = read_table(path)
    with pytest.raises(ValueError) as info:
        table_to_xy(table, "y", features=["x", "z"])
    assert str(info.value) == (
        "column 'z' must be free of missing values (null or NaN); got 2 missing value(s) in 4 rows"
    )
    with pytest.raises(ValueError, match=r"^column 'y' must be free of missing .* got 1 missing"):
        table_to_xy(table, "y", features=["x"])


def test_nan_and_null_in_parquet_are_counted(tmp_path: Path) -> None:
    z = pa.array([1.0, float("nan"), None, float("nan"), 5.0], type=pa.float64())
    path = tmp_path / "d.parquet"
    pq.write_table(pa.table({"z": z, "y": [1.0, 2, 3, 4, 5]}), path)
    with pytest.raises(ValueError, match=r"^column 'z' .* got 3 missing value\(s\) in 5 rows$"):
        table_to_xy(read_table(path), "y")


def test_all_empty_column_is_missing(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    path.write_text("x,z,y\n1,,2\n3,,4\n")
    with pytest.raises(ValueError, match=r"^column 'z' .* got 2 missing value\(s\) in 2 rows$"):
        table_to_xy(read_table(path), "y")


def test_infinite_values(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    path.write_text("x,y\ninf,2\n3,4\n-inf,5\n")
    with pytest.raises(ValueError, match=r"^column 'x' must be finite; got 2 infinite value\(s\)$"):
        table_to_xy(read_table(path), "y")


def test_duplicate_column_names() -> None:
    table = pa.Table.from_arrays(
        [pa.array([1.0]), pa.array([2.0]), pa.array([3.0])], ["a", "a", "y"]
    )
    with pytest.raises(ValueError, match=re.escape("column 'a' must be unique; got 2 columns")):
        table_to_xy(table, "y")


def test_target_must_be_a_string() -> None:
    with pytest.raises(TypeError, match=r"^target must be a column name \(str\); got 3$"):
        table_to_xy(pa.table({"y": [1.0]}), 3)  # type: ignore[arg-type]
