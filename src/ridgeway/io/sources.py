"""A set of CSV or Parquet files seen as one table: which files, which columns, how big.

:func:`open_source` expands a path, a directory, a glob or a list of them into a sorted list
of files of one format, reads their schemas (Parquet footers; the first block of each CSV file)
and checks that they agree. :meth:`Source.resolve` then picks the feature, target, weight and
key columns. Nothing here reads the rows: that is :mod:`ridgeway.io.chunks`.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from ridgeway._validation import message
from ridgeway.io.readers import SUFFIXES, file_format

__all__ = ["CSV_EXPANSION", "Columns", "Source", "expand_source", "is_numeric", "open_source"]

READ_BUFFER = 256 * 2**10
"""Bytes of buffered reads per Parquet column chunk."""

CSV_EXPANSION = 1.0
"""Bytes of float64 data per byte of CSV text, assumed when estimating in-memory size.

A decimal number with its separator takes 8 to 20 characters of text and 8 bytes as float64,
so a CSV file's size is about (and at most a little more than) its in-memory size."""

SourceLike = str | os.PathLike[str] | Sequence[str | os.PathLike[str]]
"""A file, a directory, a glob pattern, or a list of any of them."""


def _expand_one(item: str | os.PathLike[str]) -> list[Path]:
    """One entry of a source: a file, a directory (its data files) or a glob, sorted."""
    text = os.fspath(item)
    path = Path(text)
    if path.is_dir():
        files = sorted(
            (f for f in path.iterdir() if f.is_file() and file_format(f) is not None), key=str
        )
        if not files:
            allowed = ", ".join(SUFFIXES)
            raise ValueError(
                message("source", f"a directory holding files ending in {allowed}", repr(text))
                + " (none found)"
            )
        return files
    if path.exists():
        return [path]
    if glob.has_magic(text):
        files = sorted((Path(f) for f in glob.glob(text, recursive=True)), key=str)
        files = [f for f in files if f.is_file()]
        if not files:
            raise FileNotFoundError(message("source", "a pattern matching files", repr(text)))
        return files
    raise FileNotFoundError(message("data file", "an existing file", repr(text)))


def expand_source(source: SourceLike) -> list[Path]:
    """The files of ``source``, in the order their rows are counted.

    A directory gives its CSV/Parquet files and a glob its matches, each sorted by path; a list
    keeps its own order, each entry expanded in the same way.
    """
    items = [source] if isinstance(source, (str, os.PathLike)) else list(source)
    if not items:
        raise ValueError(message("source", "a path, a glob or a non-empty list of them", "[]"))
    files = [f for item in items for f in _expand_one(item)]
    fmts = {file_format(f) for f in files}
    if None in fmts:
        bad = next(f for f in files if file_format(f) is None)
        allowed = ", ".join(SUFFIXES)
        raise ValueError(message("data file", f"a file ending in {allowed}", repr(str(bad))))
    if len(fmts) > 1:
        raise ValueError(
            message("source", "files of one format (all CSV or all Parquet)", "both kinds")
        )
    return files


def is_numeric(typ: pa.DataType) -> bool:
    """Whether a column of this type can be a feature, target or weight (as float64)."""
    if pa.types.is_dictionary(typ):
        typ = typ.value_type
    return bool(
        pa.types.is_integer(typ)
        or pa.types.is_floating(typ)
        or pa.types.is_boolean(typ)
        or pa.types.is_decimal(typ)
        or pa.types.is_null(typ)
    )


def _shown(names: Sequence[str]) -> str:
    shown = ", ".join(repr(n) for n in names[:20])
    return shown + (f", ... ({len(names)} in all)" if len(names) > 20 else "")


@dataclass(frozen=True)
class Columns:
    """The columns a fit reads: features (p), targets (t), an optional weight and key."""

    features: tuple[str, ...]
    targets: tuple[str, ...]
    weight: str | None = None
    key: str | None = None

    @property
    def numeric(self) -> tuple[str, ...]:
        """Every column read as float64: features, targets and the weight."""
        return (*self.features, *self.targets, *((self.weight,) if self.weight else ()))

    @property
    def all(self) -> tuple[str, ...]:
        """Every column read."""
        return (*self.numeric, *((self.key,) if self.key else ()))


@dataclass(frozen=True)
class Source:
    """Files of one format read as one table.

    Attributes
    ----------
    files : tuple of Path
        In the order their rows are counted.
    format : {"csv", "parquet"}
    schema : pyarrow.Schema
        Of the first file (for CSV, as inferred from its first block).
    sizes : tuple of int
        Bytes of each file.
    rows : tuple of int or None
        Rows of each file (from the Parquet footers; None for CSV, unknown until read).
    """

    files: tuple[Path, ...]
    format: str
    schema: pa.Schema
    sizes: tuple[int, ...]
    rows: tuple[int, ...] | None

    @property
    def bytes_total(self) -> int:
        """Bytes of all files."""
        return int(sum(self.sizes))

    @property
    def n_rows(self) -> int | None:
        """Rows of all files, when known without reading them (Parquet)."""
        return None if self.rows is None else int(sum(self.rows))

    def estimated_memory(self, n_columns: int | None = None) -> int:
        """Bytes of the data as a float64 matrix: rows × columns × 8 for Parquet (from the
        footers), the file size × :data:`CSV_EXPANSION` for CSV."""
        cols = len(self.schema.names) if n_columns is None else n_columns
        if self.rows is not None:
            return int(sum(self.rows)) * cols * 8
        share = cols / max(len(self.schema.names), 1)
        return int(self.bytes_total * CSV_EXPANSION * share)

    def reader_bytes(self, columns: Columns) -> int:
        """Bytes the file reader holds besides the batch: for Parquet, a read buffer per column
        and, for a column with a dictionary page, twice the largest such page (encoded and
        decoded), read from the footers; times 1.4 for the allocator's slack (measured)."""
        if self.format != "parquet":
            return 0
        wanted = set(columns.all)
        largest: dict[str, int] = {}
        for f in self.files:
            meta = pq.ParquetFile(str(f)).metadata
            names = [meta.schema.column(i).name for i in range(meta.num_columns)]
            for g in range(meta.num_row_groups):
                group = meta.row_group(g)
                for i, name in enumerate(names):
                    col = group.column(i)
                    if name not in wanted or not col.has_dictionary_page:
                        continue
                    size = int(col.data_page_offset) - int(col.dictionary_page_offset or 0)
                    largest[name] = max(largest.get(name, 0), size)
        return int(1.4 * (2 * sum(largest.values()) + len(wanted) * READ_BUFFER))

    def resolve(
        self,
        target: str | Sequence[str],
        features: Sequence[str] | None = None,
        weight: str | None = None,
        key: str | None = None,
    ) -> Columns:
        """Check and pick the columns of a fit.

        ``features`` defaults to every numeric column other than the targets, weight and key.
        """
        names = list(self.schema.names)
        where = f"columns of {self.files[0].name} (available: {_shown(names)})"
        targets = [target] if isinstance(target, str) else target
        if (
            not isinstance(targets, (list, tuple))
            or not targets
            or not all(isinstance(t, str) for t in targets)
        ):
            raise TypeError(message("target", "a column name or a list of them", repr(target)))
        for label, given in (("target", targets), ("weight", [weight]), ("key", [key])):
            missing = [c for c in given if c is not None and c not in names]
            if missing:
                raise ValueError(message(label, where, ", ".join(repr(c) for c in missing)))
        others = {*targets, weight, key}
        if features is None:
            chosen = [c for c in names if c not in others and is_numeric(self.schema.field(c).type)]
            if not chosen:
                raise ValueError(
                    message("features", "at least one numeric column besides the target", "none")
                    + f" (available: {_shown(names)})"
                )
        else:
            chosen = [features] if isinstance(features, str) else list(features)
            missing = [c for c in chosen if c not in names]
            if missing:
                raise ValueError(message("features", where, ", ".join(repr(c) for c in missing)))
            clash = [c for c in chosen if c in others]
            if clash:
                raise ValueError(
                    message("features", "free of the target, weight and key columns", clash)
                )
            if not chosen:
                raise ValueError(message("features", "at least one column", "none"))
        cols = Columns(tuple(chosen), tuple(targets), weight, key)
        for name in cols.numeric:
            typ = self.schema.field(name).type
            if not is_numeric(typ):
                raise ValueError(message(f"column {name!r}", "numeric", f"values of type {typ}"))
        dup = {c for c in cols.all if cols.all.count(c) > 1}
        if dup:
            raise ValueError(message("columns", "used once each", ", ".join(map(repr, dup))))
        return cols


def _csv_schema(path: Path) -> pa.Schema:
    """Column names and types of a CSV file, inferred from its first block."""
    try:
        with pacsv.open_csv(str(path)) as reader:
            return reader.schema
    except (pa.ArrowInvalid, OSError) as exc:
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        if detail == "Empty CSV file":
            detail = "no header"
        raise ValueError(
            message("data file", "a readable CSV file", f"{str(path)!r} ({detail})")
        ) from None


def _parquet_meta(path: Path) -> tuple[pa.Schema, int]:
    try:
        meta = pq.ParquetFile(str(path)).metadata
        return meta.schema.to_arrow_schema(), int(meta.num_rows)
    except (pa.ArrowInvalid, OSError) as exc:
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ValueError(
            message("data file", "a readable Parquet file", f"{str(path)!r} ({detail})")
        ) from None


def _check_same(first: pa.Schema, other: pa.Schema, path: Path, fmt: str) -> None:
    """Files must have the same columns, each numeric in all or in none."""
    if list(first.names) != list(other.names):
        a, b = set(first.names), set(other.names)
        diff = [f"without {c!r}" for c in first.names if c not in b]
        diff += [f"with {c!r}" for c in other.names if c not in a]
        what = ", ".join(diff[:5]) if diff else "its columns in another order"
        raise ValueError(
            message(f"data file {str(path)!r}", "of the same columns as the first file", what)
        )
    for f in first:
        g = other.field(f.name)
        same = is_numeric(f.type) == is_numeric(g.type) if fmt == "csv" else True
        if fmt == "parquet":
            same = f.type == g.type or (is_numeric(f.type) and is_numeric(g.type))
        if not same:
            raise ValueError(
                message(
                    f"column {f.name!r} of {str(path)!r}",
                    f"of the type it has in the first file ({f.type})",
                    str(g.type),
                )
            )


def open_source(source: SourceLike) -> Source:
    """Expand ``source`` and read the files' schemas and sizes (not their rows).

    Raises
    ------
    FileNotFoundError
        A path that does not exist, a glob that matches nothing.
    ValueError
        Unknown file endings, mixed formats, empty or unreadable files, files whose columns
        differ (the message names the file).
    """
    files = expand_source(source)
    fmt = file_format(files[0])
    assert fmt is not None
    sizes = []
    for f in files:
        size = f.stat().st_size
        if size == 0:
            raise ValueError(message("data file", "non-empty", f"the empty file {str(f)!r}"))
        sizes.append(size)
    schema: pa.Schema | None = None
    rows: list[int] | None = [] if fmt == "parquet" else None
    for f in files:
        if fmt == "parquet":
            sch, n = _parquet_meta(f)
            assert rows is not None
            rows.append(n)
        else:
            sch = _csv_schema(f)
        if schema is None:
            schema = sch
            if not sch.names:
                raise ValueError(message("data file", "a table with columns", f"{str(f)!r}"))
        else:
            _check_same(schema, sch, f, fmt)
    assert schema is not None
    return Source(tuple(files), fmt, schema, tuple(sizes), None if rows is None else tuple(rows))
