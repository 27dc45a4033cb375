"""Memory budgets of a streamed fit: parsing them, and sizing row chunks to fit in them.

A streamed fit holds, at its peak, a fixed part — the statistics of the pass (the total and
K per-fold p×p cross-products, with the temporaries of merging them, and the eigendecomposition
of the Gram matrix) and the file reader's own buffers — plus a part proportional to the rows of
one chunk: the Arrow batch and its decoding, the float64 arrays of the chunk, the scratch copy
of the accumulation and, in the second pass of exact leave-one-out, the (rows, α, targets)
residuals. :func:`plan_chunks` picks the largest chunk whose estimate fits in a share of the
budget, and refuses a budget that the fixed part alone would use up, saying the minimum.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from ridgeway._validation import message

__all__ = ["ChunkPlan", "default_memory", "format_bytes", "parse_memory", "plan_chunks"]

_UNITS = {
    "": 1,
    "b": 1,
    "k": 10**3,
    "kb": 10**3,
    "m": 10**6,
    "mb": 10**6,
    "g": 10**9,
    "gb": 10**9,
    "t": 10**12,
    "tb": 10**12,
    "kib": 2**10,
    "mib": 2**20,
    "gib": 2**30,
    "tib": 2**40,
}
_RULE = "a number of bytes or a size such as '2GB', '512MiB' or '1.5 GB'"

USABLE_SHARE = 0.7
"""Share of the budget planned for; the rest absorbs allocator slack and small temporaries."""

MIN_ROWS = 64
"""The smallest chunk worth planning; a budget that cannot hold it is refused."""

MAX_CHUNK_X = 256 * 2**20
"""Largest float64 chunk of X planned for: larger chunks do not read or multiply faster."""

CSV_READER_FACTOR = 40
"""Peak bytes of pyarrow's streaming CSV reader per byte of its block size (measured: it
parses ahead and keeps the text, the offsets of every value and the converted columns)."""

CSV_SHARE = 0.25
"""Share of the planned memory given to the CSV reader's blocks."""

DEFAULT_SHARE = 0.5
"""Share of the physical memory used as the budget when none is given."""


def parse_memory(value: int | float | str) -> int:
    """Bytes of a memory budget: an int (bytes) or a string with a decimal (kB, MB, GB, TB)
    or binary (KiB, MiB, GiB, TiB) unit, as dask's ``parse_bytes`` reads them.

    Examples
    --------
    >>> parse_memory("2GB"), parse_memory("512MiB"), parse_memory(1000)
    (2000000000, 536870912, 1000)
    """
    if isinstance(value, bool):
        raise TypeError(message("max_memory", _RULE, repr(value)))
    if isinstance(value, (int, float)):
        out = float(value)
    elif isinstance(value, str):
        m = re.fullmatch(r"\s*([0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?)\s*([A-Za-z]*)\s*", value)
        unit = m.group(2).lower() if m else None
        if m is None or unit not in _UNITS:
            raise ValueError(message("max_memory", _RULE, repr(value)))
        out = float(m.group(1)) * _UNITS[unit]
    else:
        raise TypeError(message("max_memory", _RULE, repr(value)))
    if not out >= 1 or out != out or out == float("inf"):
        raise ValueError(message("max_memory", "positive and finite", repr(value)))
    return int(out)


def format_bytes(n: float) -> str:
    """A byte count for messages: '1.5 GB', '12 MB' (decimal units, as parse_memory reads)."""
    for unit, size in (("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if n >= size:
            return f"{n / size:.3g} {unit}"
    return f"{int(n)} B"


def default_memory() -> int:
    """The default budget: half of the physical memory, or 2 GB when it cannot be read."""
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):
        return 2 * 10**9
    return int(total * DEFAULT_SHARE) if total > 0 else 2 * 10**9


@dataclass(frozen=True)
class ChunkPlan:
    """How a streamed fit uses its budget.

    Attributes
    ----------
    budget : int
        Bytes.
    rows : int
        Rows per chunk.
    csv_block_bytes : int
        Bytes of CSV text parsed at a time.
    fixed_bytes : int
        Estimate of the part that does not depend on the chunk.
    row_bytes : int
        Estimate of the bytes per row of a chunk.
    """

    budget: int
    rows: int
    csv_block_bytes: int
    fixed_bytes: int
    row_bytes: int

    @property
    def peak_estimate(self) -> int:
        """Estimated peak: the fixed part and one chunk."""
        return self.fixed_bytes + self.rows * self.row_bytes


def _costs(
    n_features: int, n_targets: int, n_columns: int, n_folds: int, n_alphas: int, fmt: str
) -> tuple[int, int]:
    """(fixed bytes, bytes per row) of a fit, in float64 words × 8 (see the module docstring)."""
    p, t, a = n_features, n_targets, n_alphas
    # the Moments of the total and K folds, the K new fold Moments of a chunk and the merged
    # ones, merge temporaries, and eigh of the Gram (a few p×p matrices)
    stats = 8 * (p + t + 1) ** 2 * (3 * n_folds + 10) + 8 * (p + 1) * (t + 4) * 100
    arrow = 3 * n_columns  # the batch, its float64 casts and the decoder's pages
    arrays = p + t + 2
    first = 2 * (p + 1) + t  # the accumulation's scratch copy and a fold's gathered rows
    loo = 4 * p + 5 * a * t + 4 * a if a else 0  # centred rows, coordinates, residuals
    return stats, 8 * (arrow + arrays + max(first, loo))


def plan_chunks(
    budget: int,
    *,
    n_features: int,
    n_targets: int,
    n_columns: int,
    n_folds: int = 0,
    n_alphas: int = 0,
    fmt: str = "parquet",
    n_rows: int | None = None,
    reader_bytes: int = 0,
) -> ChunkPlan:
    """The largest chunk whose estimated peak fits in :data:`USABLE_SHARE` of ``budget``.

    Parameters
    ----------
    budget : int
        Bytes.
    n_features, n_targets : int
        p and t.
    n_columns : int
        Columns read from the files.
    n_folds : int, default 0
        K of k-fold cross-validation (0 without).
    n_alphas : int, default 0
        Grid size of the second pass of exact leave-one-out (0 without).
    fmt : {"parquet", "csv"}
    n_rows : int, optional
        Rows of the data when known: no chunk larger than that is planned.
    reader_bytes : int, default 0
        Bytes the file reader holds whatever the chunk (Parquet dictionary and page buffers).

    Raises
    ------
    ValueError
        When the budget cannot hold the fixed part and :data:`MIN_ROWS` rows; the message
        gives the smallest budget that can.
    """
    fixed, per_row = _costs(n_features, n_targets, n_columns, n_folds, n_alphas, fmt)
    fixed += int(reader_bytes)
    block = 0
    if fmt == "csv":
        share = max(budget * USABLE_SHARE - fixed, 0.0) * CSV_SHARE / CSV_READER_FACTOR
        block = int(min(max(share, 2**16, 256 * n_columns), 2**24))
        fixed += CSV_READER_FACTOR * block
    usable = budget * USABLE_SHARE - fixed
    rows = int(usable // per_row) if usable > 0 else 0
    if rows < MIN_ROWS:
        need = (fixed + MIN_ROWS * per_row) / USABLE_SHARE
        what = f"{n_features} features, {n_targets} target(s)"
        if n_folds:
            what += f", {n_folds} folds"
        raise ValueError(
            message("max_memory", f"at least {format_bytes(need)} for {what}", format_bytes(budget))
        )
    rows = min(rows, max(MAX_CHUNK_X // (8 * max(n_features, 1)), MIN_ROWS))
    if n_rows is not None:
        rows = max(min(rows, n_rows), 1)
    return ChunkPlan(int(budget), int(rows), block, int(fixed), int(per_row))
