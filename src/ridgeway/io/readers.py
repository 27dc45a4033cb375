"""Read tabular data (CSV or Parquet) with pyarrow and turn it into float64 arrays.

:func:`read_table` reads a whole file into a :class:`pyarrow.Table`; :func:`table_to_xy` and
:func:`table_to_matrix` check the columns (present, numeric, no missing values) and stack them
into arrays. Every problem is reported with the package's one message template, naming the
column at fault.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from ridgeway._typing import FloatArray
from ridgeway._validation import message

__all__ = ["SUFFIXES", "read_table", "table_to_matrix", "table_to_xy"]

SUFFIXES: dict[str, str] = {
    ".csv": "csv",
    ".csv.gz": "csv",
    ".parquet": "parquet",
    ".pq": "parquet",
}
"""File name endings understood by :func:`read_table` (case-insensitive) and their format."""


def file_format(path: Path) -> str | None:
    """ "csv" or "parquet" from the file name of ``path``, or None for any other name."""
    name = path.name.lower()
    for suffix, fmt in SUFFIXES.items():
        if name.endswith(suffix):
            return fmt
    return None


def _format_of(path: Path) -> str:
    """Return "csv" or "parquet" from the file name of ``path`` (an error for other names)."""
    fmt = file_format(path)
    if fmt is not None:
        return fmt
    allowed = ", ".join(SUFFIXES)
    raise ValueError(message("data file", f"a file ending in {allowed}", repr(str(path))))


def _available(table: pa.Table) -> str:
    """The column names of ``table`` for an error message."""
    names = table.column_names
    shown = ", ".join(repr(n) for n in names[:20])
    return shown + (f", ... ({len(names)} in all)" if len(names) > 20 else "")


def read_table(path: str | os.PathLike[str], *, columns: Sequence[str] | None = None) -> pa.Table:
    """Read a CSV or Parquet file into a pyarrow Table, the format chosen by the file name.

    Parameters
    ----------
    path : str or path-like
        A file ending in ``.csv``, ``.csv.gz`` (gzip-compressed CSV), ``.parquet`` or ``.pq``.
        CSV files need a header row; types are inferred by pyarrow, and the empty string, NA,
        NaN, null and similar markers are read as missing values.
    columns : sequence of str, optional
        Keep only these columns, in this order. By default all columns are kept.

    Returns
    -------
    pyarrow.Table
        The file's contents, n_rows × n_columns. A file with a header but no rows gives a table
        with zero rows (:func:`table_to_xy` rejects it).

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    ValueError
        For an unknown file name ending, an empty file, a file pyarrow cannot parse, or a
        requested column that is not in the file (the message lists the available ones).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from ridgeway.io import read_table
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = pathlib.Path(tmp) / "data.csv"
    ...     _ = path.write_text("x1,x2,y\\n1,2,3\\n4,5,6\\n")
    ...     table = read_table(path, columns=["x2", "y"])
    >>> table.num_rows, table.column_names
    (2, ['x2', 'y'])
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(message("data file", "an existing file", repr(str(path))))
    fmt = _format_of(path)
    if path.is_dir():
        raise ValueError(message("data file", "a file", f"the directory {str(path)!r}"))
    if path.stat().st_size == 0:
        raise ValueError(message("data file", "non-empty", f"the empty file {str(path)!r}"))
    try:
        if fmt == "csv":
            table = pacsv.read_csv(str(path))
        else:
            table = pq.read_table(str(path))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, OSError) as exc:
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        if detail == "Empty CSV file":
            raise ValueError(
                message("data file", "non-empty", f"{str(path)!r} with no header")
            ) from None
        raise ValueError(
            message("data file", f"a readable {fmt.upper()} file", f"{str(path)!r} ({detail})")
        ) from None
    if table.num_columns == 0:
        raise ValueError(message("data file", "a table with columns", f"{str(path)!r} with none"))
    if columns is not None:
        columns = [columns] if isinstance(columns, str) else list(columns)
        missing = [c for c in columns if c not in table.column_names]
        if missing:
            raise ValueError(
                message(
                    "columns",
                    f"columns of {path.name} (available: {_available(table)})",
                    ", ".join(repr(c) for c in missing),
                )
            )
        table = table.select(columns)
    return table


def _numeric_column(table: pa.Table, name: str) -> FloatArray:
    """Return column ``name`` of ``table`` as float64, checked to be numeric and complete."""
    indices = table.schema.get_all_field_indices(name)
    if not indices:
        raise ValueError(message("column", f"one of {_available(table)}", repr(name)))
    if len(indices) > 1:
        raise ValueError(message(f"column {name!r}", "unique", f"{len(indices)} columns so named"))
    col = table.column(indices[0])
    n_missing = col.null_count
    typ = col.type
    if pa.types.is_null(typ):
        n_missing = len(col)
    elif pa.types.is_dictionary(typ) and (
        pa.types.is_integer(typ.value_type) or pa.types.is_floating(typ.value_type)
    ):
        col = col.cast(typ.value_type)
    elif not (
        pa.types.is_integer(typ)
        or pa.types.is_floating(typ)
        or pa.types.is_boolean(typ)
        or pa.types.is_decimal(typ)
    ):
        raise ValueError(message(f"column {name!r}", "numeric", f"values of type {typ}"))
    if pa.types.is_floating(typ):
        n_missing += pc.sum(pc.is_nan(col)).as_py() or 0
    if n_missing:
        raise ValueError(
            message(
                f"column {name!r}",
                "free of missing values (null or NaN)",
                f"{n_missing} missing value(s) in {len(col)} rows",
            )
        )
    values = col.cast(pa.float64()).to_numpy()
    n_inf = int(np.isinf(values).sum())
    if n_inf:
        raise ValueError(message(f"column {name!r}", "finite", f"{n_inf} infinite value(s)"))
    return np.asarray(values, dtype=np.float64)


def table_to_matrix(
    table: pa.Table, columns: Sequence[str] | None = None
) -> tuple[FloatArray, tuple[str, ...]]:
    """Stack numeric columns of a pyarrow Table into a float64 matrix.

    Parameters
    ----------
    table : pyarrow.Table
        The data, for instance from :func:`read_table`.
    columns : sequence of str, optional
        The columns to use, in this order; all columns by default.

    Returns
    -------
    X : ndarray of shape (n_rows, n_columns), float64
        The values; integer and boolean columns are converted to float64.
    names : tuple of str
        The column names, in the order of the columns of ``X``.

    Raises
    ------
    ValueError
        If the table has no rows or no columns, or a column is absent (the message lists the
        available ones), not numeric, contains nulls or NaN (the count is given) or infinities.

    Examples
    --------
    >>> import pyarrow as pa
    >>> from ridgeway.io import table_to_matrix
    >>> X, names = table_to_matrix(pa.table({"a": [1, 2], "b": [0.5, 1.5]}))
    >>> X.shape, X.dtype, names
    ((2, 2), dtype('float64'), ('a', 'b'))
    """
    names = tuple(table.column_names if columns is None else columns)
    if table.num_rows == 0:
        raise ValueError(message("data", "non-empty (at least one row)", "0 rows"))
    if not names:
        raise ValueError(message("features", "at least one column", "none"))
    X = np.empty((table.num_rows, len(names)), dtype=np.float64)
    for j, name in enumerate(names):
        X[:, j] = _numeric_column(table, name)
    return X, names


def table_to_xy(
    table: pa.Table, target: str, features: Sequence[str] | None = None
) -> tuple[FloatArray, FloatArray, tuple[str, ...]]:
    """Split a pyarrow Table into a float64 design matrix and one target column.

    Parameters
    ----------
    table : pyarrow.Table
        The data, for instance from :func:`read_table`.
    target : str
        Name of the response column.
    features : sequence of str, optional
        Predictor columns, in this order. By default every column except ``target``.

    Returns
    -------
    X : ndarray of shape (n_rows, n_features), float64
        The predictors.
    y : ndarray of shape (n_rows,), float64
        The target.
    feature_names : tuple of str
        Names of the columns of ``X``.

    Raises
    ------
    ValueError
        If the target is not a column (the message lists the available ones), the table has no
        rows, or a column used is not numeric or has missing or infinite values.

    Examples
    --------
    >>> import pyarrow as pa
    >>> from ridgeway.io import table_to_xy
    >>> t = pa.table({"x1": [1.0, 2.0, 3.0], "x2": [0, 1, 0], "y": [2.0, 4.5, 6.0]})
    >>> X, y, names = table_to_xy(t, "y")
    >>> X.shape, y.shape, names
    ((3, 2), (3,), ('x1', 'x2'))
    """
    if not isinstance(target, str):
        raise TypeError(message("target", "a column name (str)", repr(target)))
    if target not in table.column_names:
        raise ValueError(
            message(
                "target", f"a column of the data (available: {_available(table)})", repr(target)
            )
        )
    if features is None:
        features = [c for c in table.column_names if c != target]
    else:
        features = [features] if isinstance(features, str) else list(features)
        if target in features:
            raise ValueError(message("features", "free of the target column", repr(target)))
        missing = [c for c in features if c not in table.column_names]
        if missing:
            raise ValueError(
                message(
                    "features",
                    f"columns of the data (available: {_available(table)})",
                    ", ".join(repr(c) for c in missing),
                )
            )
    X, names = table_to_matrix(table, features)
    y = _numeric_column(table, target)
    return X, y, names
