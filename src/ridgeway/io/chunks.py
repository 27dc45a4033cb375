"""Read the rows of a :class:`~ridgeway.io.sources.Source` in chunks of float64 arrays.

:func:`read_chunks` yields ``(X, Y, w, keys)`` for at most ``rows`` rows at a time, reading
Parquet files with :meth:`pyarrow.parquet.ParquetFile.iter_batches` (buffered page reads, no
pre-buffering of whole row groups) and CSV files with the streaming reader
:func:`pyarrow.csv.open_csv` (blocks of ``csv_block_bytes``). Only the chosen columns are
read. Every batch is converted into arrays that are reused from chunk to chunk, then released,
so memory stays near one chunk whatever the size of the files.

Every value is checked as it goes by: a missing value (null or NaN), an infinite value, a
negative weight or text in a numeric column stops the pass with an error naming the column,
the file and the row (1-based, the header not counted). Nothing is ever dropped silently.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from ridgeway._typing import FloatArray
from ridgeway._validation import message
from ridgeway.io.sources import READ_BUFFER, Columns, Source, is_numeric

__all__ = ["Chunk", "read_chunks"]

Chunk = tuple[FloatArray, FloatArray, FloatArray | None, np.ndarray]
"""X (c, p), Y (c, t), weights (c,) or None, keys (c,): row positions or key values."""


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


class _Buffers:
    """Arrays reused from chunk to chunk (fresh pages for every chunk would cost page faults
    and let the allocator's high-water mark creep), filled batch by batch."""

    def __init__(self, columns: Columns, rows: int) -> None:
        p, t = len(columns.features), len(columns.targets)
        self.X = np.empty((rows, p))
        self.Y = np.empty((rows, t))
        self.w = np.empty(rows) if columns.weight else None
        self.keys: list[np.ndarray] = []
        self.filled = 0

    def take(self, pos: int) -> Chunk:
        """The rows filled so far as a chunk (``pos`` the position of its first row); the
        buffers are then free to be filled again."""
        c, self.filled = self.filled, 0
        w = None if self.w is None else self.w[:c]
        if self.keys:
            keys = self.keys[0] if len(self.keys) == 1 else np.concatenate(self.keys)
            self.keys = []
        else:
            keys = np.arange(pos, pos + c, dtype=np.int64)
        return self.X[:c], self.Y[:c], w, keys


def _where(path: Path, row: int) -> str:
    return f"row {row + 1} of {str(path)!r}"


def _fill(
    out: np.ndarray, col: pa.Array | pa.ChunkedArray, name: str, path: Path, row0: int
) -> None:
    """Copy a numeric column into ``out`` (c,) as float64, checking every value."""
    typ = col.type
    if pa.types.is_dictionary(typ):
        col = col.cast(typ.value_type)
        typ = col.type
    if not is_numeric(typ):
        raise ValueError(
            message(f"column {name!r}", "numeric", f"values of type {typ} in {str(path)!r}")
        )
    if col.null_count:
        first = int(np.flatnonzero(np.asarray(col.is_null()))[0])
        raise ValueError(
            message(
                f"column {name!r}",
                "free of missing values (null or NaN)",
                f"a missing value at {_where(path, row0 + first)}",
            )
        )
    if pa.types.is_float64(typ):
        values = col.to_numpy(zero_copy_only=False)
    else:
        values = col.cast(pa.float64()).to_numpy(zero_copy_only=False)
    if not np.isfinite(values).all():
        first = int(np.flatnonzero(~np.isfinite(values))[0])
        what = "NaN (a missing value)" if np.isnan(values[first]) else "an infinite value"
        rule = "finite" if what.startswith("an") else "free of missing values (null or NaN)"
        raise ValueError(
            message(f"column {name!r}", rule, f"{what} at {_where(path, row0 + first)}")
        )
    out[:] = values


def _keys(col: pa.Array | pa.ChunkedArray, name: str, path: Path, row0: int) -> np.ndarray:
    if col.null_count:
        first = int(np.flatnonzero(np.asarray(col.is_null()))[0])
        raise ValueError(
            message(
                f"key column {name!r}",
                "free of missing values",
                f"a missing value at {_where(path, row0 + first)}",
            )
        )
    if pa.types.is_dictionary(col.type):
        col = col.cast(col.type.value_type)
    return np.asarray(col.to_numpy(zero_copy_only=False))


def _convert(batch: pa.RecordBatch, columns: Columns, buf: _Buffers, path: Path, row0: int) -> None:
    """Append one batch to the buffers; ``row0`` is its first row in the file."""
    lo = buf.filled
    hi = lo + batch.num_rows
    for j, name in enumerate(columns.features):
        _fill(buf.X[lo:hi, j], batch.column(name), name, path, row0)
    for j, name in enumerate(columns.targets):
        _fill(buf.Y[lo:hi, j], batch.column(name), name, path, row0)
    if columns.weight is not None:
        assert buf.w is not None
        w = buf.w[lo:hi]
        _fill(w, batch.column(columns.weight), columns.weight, path, row0)
        if (w < 0).any():
            first = int(np.flatnonzero(w < 0)[0])
            raise ValueError(
                message(
                    f"weight column {columns.weight!r}",
                    "non-negative",
                    f"{w[first]:g} at {_where(path, row0 + first)}",
                )
            )
    if columns.key is not None:
        buf.keys.append(_keys(batch.column(columns.key), columns.key, path, row0))
    buf.filled = hi


def _parquet_batches(
    path: Path, columns: Columns, rows: int
) -> Iterator[tuple[pa.RecordBatch, float]]:
    """Batches of a Parquet file and the fraction of the file read after each."""
    pf = pq.ParquetFile(str(path), pre_buffer=False, buffer_size=READ_BUFFER)
    total = max(pf.metadata.num_rows, 1)
    done = 0
    try:
        for batch in pf.iter_batches(batch_size=rows, columns=list(columns.all)):
            done += batch.num_rows
            yield batch, done / total
    except (pa.ArrowInvalid, OSError) as exc:
        raise ValueError(
            message("data file", "a readable Parquet file", f"{str(path)!r} ({_first_line(exc)})")
        ) from None
    finally:
        pf.close()


def _csv_types(source: Source, columns: Columns) -> dict[str, pa.DataType]:
    """Types the CSV reader must give every block: float64 for numbers (an integer column of
    the first block may hold decimals later), booleans kept, the key as first inferred."""
    types: dict[str, pa.DataType] = {}
    for name in columns.numeric:
        typ = source.schema.field(name).type
        types[name] = pa.bool_() if pa.types.is_boolean(typ) else pa.float64()
    if columns.key is not None:
        typ = source.schema.field(columns.key).type
        types[columns.key] = pa.string() if pa.types.is_null(typ) else typ
    return types


def _csv_batches(
    path: Path, columns: Columns, block_bytes: int, types: dict[str, pa.DataType]
) -> Iterator[tuple[pa.RecordBatch, float]]:
    """Batches of a CSV file (gzip-compressed if it ends in .gz) and the fraction read."""
    raw = pa.OSFile(str(path))
    size = max(path.stat().st_size, 1)
    stream = pa.CompressedInputStream(raw, "gzip") if path.name.lower().endswith(".gz") else raw
    read_opts = pacsv.ReadOptions(block_size=int(block_bytes))
    convert = pacsv.ConvertOptions(include_columns=list(columns.all), column_types=types)
    try:
        with pacsv.open_csv(stream, read_options=read_opts, convert_options=convert) as reader:
            for batch in reader:
                yield batch, min(raw.tell() / size, 1.0)
    except (pa.ArrowInvalid, OSError) as exc:
        detail = _first_line(exc)
        if "conversion error" in detail or "CSV conversion" in detail:
            raise ValueError(
                message("every value of the columns read", "numeric", f"{detail} in {str(path)!r}")
            ) from None
        raise ValueError(
            message("data file", "a readable CSV file", f"{str(path)!r} ({detail})")
        ) from None
    finally:
        raw.close()


def read_chunks(
    source: Source,
    columns: Columns,
    rows: int,
    *,
    csv_block_bytes: int = 1 << 22,
    on_chunk: Callable[[int, int], None] | None = None,
) -> Iterator[Chunk]:
    """The rows of ``source`` as float64 chunks of at most ``rows`` rows.

    Parameters
    ----------
    source : Source
    columns : Columns
        As returned by :meth:`Source.resolve`.
    rows : int
        Rows per chunk at most.
    csv_block_bytes : int, default 4 MiB
        Bytes of CSV text parsed at a time.
    on_chunk : callable, optional
        Called after each chunk with the rows and the bytes of the files read so far.

    Yields
    ------
    X : ndarray of shape (c, p)
    Y : ndarray of shape (c, t)
    w : ndarray of shape (c,) or None
    keys : ndarray of shape (c,)
        The rows' positions in the whole source (0, 1, ... across the files in order) or the
        values of the key column.

    The arrays are views of buffers reused by the next chunk: use (or copy) them before asking
    for it.
    """
    rows = max(int(rows), 1)
    buf = _Buffers(columns, rows)
    types = _csv_types(source, columns) if source.format == "csv" else {}
    pos = 0
    done_bytes = 0
    for path, size in zip(source.files, source.sizes, strict=True):
        row0 = 0
        batches = (
            _parquet_batches(path, columns, rows)
            if source.format == "parquet"
            else _csv_batches(path, columns, csv_block_bytes, types)
        )
        for batch, frac in batches:
            start = 0
            while start < batch.num_rows:
                take = min(rows - buf.filled, batch.num_rows - start)
                _convert(batch.slice(start, take), columns, buf, path, row0)
                row0 += take
                start += take
                if buf.filled == rows:
                    yield buf.take(pos)
                    pos += rows
                    if on_chunk is not None:
                        on_chunk(pos, done_bytes + int(size * frac))
            del batch
        done_bytes += size
    if buf.filled:
        c = buf.filled
        yield buf.take(pos)
        pos += c
    if on_chunk is not None:
        on_chunk(pos, done_bytes)
