"""Dask input for a ridge fit: X, y, weights and fold keys as aligned row partitions.

A fit reads partition i of X together with partition i of y, of the weights and of the fold
keys. This module checks on the client that the collections line up (same number of row
partitions; the same row chunks for arrays with known chunks, rechunking y, weights or keys to
X's row chunks when only their chunking differs), converts each to a list of per-partition
parts (``dask.delayed`` objects, or slices of in-memory arrays) and records what the fit needs
to know before reading any data: the number of features, their names, the dtype and whether y
is one target. Row counts are checked inside the tasks, partition by partition.

Rows pair up by position inside a partition, as ``np.asarray`` pairs pandas objects: index
labels are not aligned (a y taken from the same dask DataFrame as X always lines up).
"""

from __future__ import annotations

import itertools
import numbers
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ridgeway._validation import _nonnumeric_columns, _to_float_array, check_finite, message
from ridgeway.linear_model.ridge import is_dask_collection

__all__ = ["DaskRows", "block_matrix", "block_targets", "block_weights", "dask_rows"]


def _kind(obj: Any) -> str:
    """'array' for a dask array, 'frame' for a dask DataFrame, Series or Index, '' otherwise."""
    if not is_dask_collection(obj):
        return ""
    if hasattr(obj, "npartitions") and hasattr(obj, "divisions"):
        return "frame"
    if hasattr(obj, "chunks") and hasattr(obj, "numblocks"):
        return "array"
    raise TypeError(
        message("a dask input", "a dask array, DataFrame or Series", type(obj).__name__)
    )


@dataclass
class DaskRows:
    """The row partitions of a dask fit, lined up.

    Attributes
    ----------
    X, y, w, keys : list of length m
        Per-partition parts: ``dask.delayed`` objects, in-memory slices, a scalar weight or None
        (keys: None when no fold keys are needed, else a part of key values or an int row
        offset, the keys then being the global row positions).
    n_features : int
    single : bool
        Whether y is one-dimensional.
    dtype : numpy dtype
        float32 when X is float32, float64 otherwise.
    feature_names : list of str or None
    lengths : list of int or None
        Rows of each partition, when known.
    """

    X: list[Any]
    y: list[Any]
    w: list[Any]
    keys: list[Any]
    n_features: int
    single: bool
    dtype: np.dtype[Any]
    feature_names: list[str] | None
    lengths: list[int] | None


def _feature_names(X: Any) -> list[str] | None:
    """Column names when they are all strings (scikit-learn's rule), else None."""
    cols = list(getattr(X, "columns", []))
    if not cols or not all(isinstance(c, str) for c in cols):
        if any(isinstance(c, str) for c in cols):
            raise TypeError(
                message(
                    "X's column names",
                    "all strings or none (scikit-learn's rule for feature names)",
                    "a mix of string and non-string names",
                )
            )
        return None
    return [str(c) for c in cols]


def _prepare_x(X: Any) -> tuple[Any, str, int, np.dtype[Any]]:
    """X with one column block: (collection, kind, p, dtype)."""
    kind = _kind(X)
    if kind == "array":
        if X.ndim != 2:
            raise ValueError(
                message("X", "a 2-D dask array of shape (n_samples, n_features)", f"{X.ndim}-D")
            )
        if X.numblocks[1] > 1:
            X = X.rechunk({1: -1})  # every task needs whole rows
        if X.dtype.kind not in "biuf":
            raise ValueError(message("X", "numeric", f"an array of dtype {X.dtype}"))
        dtype = np.dtype(np.float32 if X.dtype == np.float32 else np.float64)
        return X, kind, int(X.shape[1]), dtype
    if kind == "frame":
        if X.ndim != 2:
            raise ValueError(message("X", "2-D (a dask DataFrame or array)", "a dask Series"))
        bad = _nonnumeric_columns(X)
        if bad:
            raise ValueError(message("X", "numeric", f"non-numeric column(s) {bad[:5]}"))
        all32 = len(X.dtypes) > 0 and all(dt == np.float32 for dt in X.dtypes)
        return X, kind, len(X.columns), np.dtype(np.float32 if all32 else np.float64)
    raise TypeError(message("X", "a dask array or DataFrame", type(X).__name__))


def _parts(obj: Any, kind: str) -> list[Any]:
    """One delayed part per row partition, sharing the keys of the collection's graph."""
    parts = obj.to_delayed(optimize_graph=False)
    if kind == "array":
        parts = np.asarray(parts, dtype=object).reshape(obj.numblocks[0], -1)[:, 0]
    return list(parts)


class _Aligner:
    """Lines up y, weights and keys with the row partitions of X."""

    def __init__(self, X: Any, kind: str) -> None:
        self.X, self.kind = X, kind
        self.m = int(X.numblocks[0] if kind == "array" else X.npartitions)
        self._lengths: list[int] | None = None
        if kind == "array" and not any(np.isnan(c) for c in X.chunks[0]):
            self._lengths = [int(c) for c in X.chunks[0]]

    @property
    def known_lengths(self) -> list[int] | None:
        return self._lengths

    def lengths(self) -> list[int]:
        """Rows of every partition of X (one cheap pass when the collection does not know)."""
        if self._lengths is None:
            import dask

            if self.kind == "frame":
                (sizes,) = dask.compute(self.X.map_partitions(len))
            else:
                sizes = dask.compute(*[dask.delayed(len)(p) for p in _parts(self.X, "array")])
            self._lengths = [int(s) for s in sizes]
        return self._lengths

    def align(self, obj: Any, name: str, max_ndim: int) -> list[Any]:
        """Per-partition parts of ``obj`` (a dask collection, an in-memory array or None)."""
        if obj is None:
            return [None] * self.m
        kind = _kind(obj)
        if kind == "array":
            if obj.ndim == 0 or obj.ndim > max_ndim:
                rule = "1-D" if max_ndim == 1 else "1-D or 2-D (n_samples, n_targets)"
                raise ValueError(message(name, rule, f"a {obj.ndim}-D dask array"))
            if obj.ndim == 2 and obj.numblocks[1] > 1:
                obj = obj.rechunk({1: -1})
            known = self._lengths
            if known is not None and not any(np.isnan(c) for c in obj.chunks[0]):
                if int(obj.shape[0]) != sum(known):
                    raise ValueError(
                        message(
                            name, f"of the same length as X ({sum(known)} samples)", obj.shape[0]
                        )
                    )
                if tuple(obj.chunks[0]) != tuple(known):
                    obj = obj.rechunk({0: tuple(known)})
        elif kind == "frame":
            if (
                self.kind == "frame"
                and self.X.known_divisions
                and obj.known_divisions
                and tuple(obj.divisions) != tuple(self.X.divisions)
            ):
                raise ValueError(
                    message(
                        name,
                        "partitioned like X (the same divisions; take both from one DataFrame "
                        "or repartition one to match the other)",
                        f"divisions {_short(obj.divisions)} against X's {_short(self.X.divisions)}",
                    )
                )
        else:
            return self._slices(obj, name, max_ndim)
        nparts = int(obj.numblocks[0] if kind == "array" else obj.npartitions)
        if nparts != self.m:
            raise ValueError(
                message(
                    name,
                    f"a dask collection with the same {self.m} row partitions as X (rechunk or "
                    "repartition one to match the other), or an in-memory array",
                    f"{nparts} partitions",
                )
            )
        return _parts(obj, kind)

    def _slices(self, obj: Any, name: str, max_ndim: int) -> list[Any]:
        """An in-memory array cut at X's partition boundaries (a scalar weight is kept)."""
        if name == "sample_weight" and isinstance(obj, numbers.Real):
            return [float(obj)] * self.m
        if name == "groups":
            arr = np.asarray(obj)
            if arr.ndim != 1:
                raise ValueError(message(name, "1-D (one key per row)", f"shape {arr.shape}"))
        else:
            arr = _to_float_array(obj, name)
            if arr.ndim == 0 or arr.ndim > max_ndim:
                rule = "1-D" if max_ndim == 1 else "1-D or 2-D (n_samples, n_targets)"
                raise ValueError(message(name, rule, f"shape {arr.shape}"))
        lengths = self.lengths()
        n = sum(lengths)
        if arr.shape[0] != n:
            raise ValueError(message(name, f"of the same length as X ({n} samples)", arr.shape[0]))
        edges = np.concatenate([[0], np.cumsum(lengths)])
        return [arr[a:b] for a, b in itertools.pairwise(edges)]


def _short(divisions: Sequence[Any]) -> str:
    d = list(divisions)
    return (
        str(d) if len(d) <= 6 else f"[{d[0]!r}, {d[1]!r}, …, {d[-1]!r}] ({len(d) - 1} partitions)"
    )


def _is_single(y: Any) -> bool:
    return bool(y.ndim == 1) if is_dask_collection(y) else bool(np.ndim(y) == 1)


def dask_rows(
    X: Any, y: Any, sample_weight: Any = None, groups: Any = None, *, need_keys: bool = False
) -> DaskRows:
    """Line up the row partitions of X with y, the weights and (k-fold) the fold keys.

    Parameters
    ----------
    X : dask array (n, p) or dask DataFrame
    y : dask array, Series or DataFrame of shape (n,) or (n, t), or an in-memory array
    sample_weight : dask array or Series (n,), in-memory array, scalar or None
    groups : dask array, Series or Index (n,), in-memory array or None
        Fold keys; without them (``need_keys``) the keys are the rows' global positions.
    need_keys : bool
        Whether the fit assigns folds (k-fold).
    """
    if y is None:
        raise ValueError(
            message("y", "given for a supervised fit", "None (the target y is required)")
        )
    Xc, kind, p, dtype = _prepare_x(X)
    al = _Aligner(Xc, kind)
    ys = al.align(y, "y", 2)
    ws = al.align(sample_weight, "sample_weight", 1)
    keys: list[Any] = [None] * al.m
    if need_keys:
        if groups is not None:
            keys = al.align(groups, "groups", 1)
        else:
            lengths = al.lengths()
            keys = [int(o) for o in np.concatenate([[0], np.cumsum(lengths)])[:-1]]
    names = _feature_names(Xc) if kind == "frame" else None
    return DaskRows(
        _parts(Xc, kind), ys, ws, keys, p, _is_single(y), dtype, names, al.known_lengths
    )


# ---------------------------------------------------------------- inside the tasks
def block_matrix(Xb: Any, i: int, p: int) -> np.ndarray:
    """Partition i of X as a float32/float64 array of shape (c, p)."""
    arr = _to_float_array(Xb, "X")
    if arr.ndim != 2 or arr.shape[1] != p:
        raise ValueError(message(f"partition {i} of X", f"of shape (rows, {p})", arr.shape))
    return arr


def block_targets(yb: Any, i: int, rows: int) -> np.ndarray:
    """Partition i of y as float64 of shape (c,) or (c, t), checked finite and row-aligned."""
    arr = _to_float_array(yb, "y").astype(np.float64, copy=False)
    _check_rows(arr, "y", i, rows)
    check_finite(arr, "y")
    return arr


def block_weights(wb: Any, i: int, rows: int) -> np.ndarray | None:
    """Partition i of the weights (c,): finite and non-negative (a partition may be all zero)."""
    if wb is None:
        return None
    if isinstance(wb, float):
        if not (np.isfinite(wb) and wb >= 0):
            raise ValueError(message("sample_weight", "finite and non-negative", wb))
        return np.full(rows, wb)
    arr = _to_float_array(wb, "sample_weight").astype(np.float64, copy=False)
    _check_rows(arr, "sample_weight", i, rows)
    check_finite(arr, "sample_weight")
    if (arr < 0).any():
        raise ValueError(
            message(
                "sample_weight",
                "non-negative",
                f"{int((arr < 0).sum())} negative value(s), the smallest {arr.min():g}",
            )
        )
    return arr


def block_keys(kb: Any, i: int, rows: int) -> np.ndarray:
    """Partition i's fold keys: its key values, or its global row positions from an offset."""
    if isinstance(kb, int):
        return np.arange(kb, kb + rows)
    arr = np.asarray(kb)
    _check_rows(arr, "groups", i, rows)
    return arr


def _check_rows(arr: np.ndarray, name: str, i: int, rows: int) -> None:
    if arr.ndim == 0 or arr.shape[0] != rows:
        got = "a scalar" if arr.ndim == 0 else f"{arr.shape[0]} rows"
        raise ValueError(
            message(
                f"partition {i} of {name}",
                f"of the same length as partition {i} of X ({rows} rows; the row partitions "
                "must line up)",
                got,
            )
        )
