"""Fit Ridge and RidgeCV from CSV or Parquet files larger than memory, in one pass over rows.

Ridge needs only second-order statistics of the rows, so :func:`fit_source` reads the files in
row chunks sized to a memory budget, accumulates the centred
:class:`~ridgeway.core.moments.Moments` (and, for k-fold cross-validation, the Moments of each
fold), and solves from them exactly as ``fit(X, y)`` does in memory
(:mod:`ridgeway.linear_model.statistics_fit`). Exact leave-one-out (``RidgeCV(cv=None)``) reads
the files a second time for the leverages and residuals of every row; every other criterion
needs one pass.

k-fold folds must be decided row by row: an int ``cv=K`` means
:class:`~ridgeway.selection.folds.HashKFold` (K), which puts each row in the fold given by a
hash of its position in the source (or of its key-column value), not scikit-learn's
contiguous blocks. ``RidgeCV(cv=HashKFold(K)).fit(X, y)`` on the same rows in memory (with
``groups=`` the key column, if any) gives the identical fit.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ridgeway._validation import message
from ridgeway.io.chunks import read_chunks
from ridgeway.io.sources import Columns, Source, SourceLike, open_source
from ridgeway.linear_model.ridge import Ridge
from ridgeway.linear_model.ridge_cv import RidgeCV
from ridgeway.linear_model.statistics_fit import (
    RowStatistics,
    fit_statistics,
    statistics_from_chunks,
    stream_folds,
)
from ridgeway.scale.memory import ChunkPlan, default_memory, parse_memory, plan_chunks

__all__ = ["StreamProgress", "StreamedData", "fit_source", "stream_statistics"]

_DEFAULT_GRID = 100  # size of RidgeCV's default grid (selection.grid.default_alphas)


@dataclass(frozen=True)
class StreamProgress:
    """Where a streamed fit is, as given to the ``callback`` of :func:`fit_source`.

    Attributes
    ----------
    pass_number : int
        1 for the pass that gathers the statistics, 2 for the second pass of exact
        leave-one-out.
    n_passes : int
        Passes the fit makes (1 or 2).
    rows : int
        Rows read so far in this pass.
    rows_total : int or None
        Rows of the source, when known before reading it (Parquet footers; for CSV, once the
        first pass is done).
    bytes_read, bytes_total : int
        Bytes of the files read so far in this pass (estimated within a file), and in all.
    elapsed : float
        Seconds since this pass began.
    """

    pass_number: int
    n_passes: int
    rows: int
    rows_total: int | None
    bytes_read: int
    bytes_total: int
    elapsed: float


@dataclass(frozen=True, eq=False)
class StreamedData:
    """What :func:`stream_statistics` gathered, and how.

    Attributes
    ----------
    statistics : RowStatistics
    source : Source
    columns : Columns
    plan : ChunkPlan
    n_rows : int
    seconds : float
        Duration of the first pass.
    """

    statistics: RowStatistics
    source: Source
    columns: Columns
    plan: ChunkPlan
    n_rows: int
    seconds: float


def _release_arrow_memory() -> None:
    """Give freed Arrow buffers back to the system (its allocators keep some by default)."""
    import pyarrow as pa

    pa.default_memory_pool().release_unused()


def _check_chunk_rows(chunk_rows: Any) -> int | None:
    if chunk_rows is None:
        return None
    if isinstance(chunk_rows, bool) or not isinstance(chunk_rows, (int, np.integer)):
        raise TypeError(message("chunk_rows", "a positive integer or None", repr(chunk_rows)))
    if chunk_rows < 1:
        raise ValueError(message("chunk_rows", "a positive integer or None", chunk_rows))
    return int(chunk_rows)


def stream_statistics(
    source: SourceLike,
    target: str | Sequence[str],
    *,
    cv: Any = None,
    n_alphas: int = 0,
    features: Sequence[str] | None = None,
    weight: str | None = None,
    key: str | None = None,
    max_memory: int | str | None = None,
    chunk_rows: int | None = None,
    callback: Callable[[StreamProgress], None] | None = None,
    n_passes: int = 1,
) -> StreamedData:
    """One pass over the files of ``source``, gathering the statistics ``cv`` needs.

    ``cv`` is read as in :func:`~ridgeway.linear_model.statistics_fit.stream_folds` (an int
    K or a HashKFold: per-fold statistics too). ``n_alphas`` is the grid size of a second pass
    of exact leave-one-out, if one will be asked for (for sizing chunks); ``n_passes`` is
    reported to ``callback``. Parameters are otherwise those of :func:`fit_source`.
    """
    rows_given = _check_chunk_rows(chunk_rows)
    budget = default_memory() if max_memory is None else parse_memory(max_memory)
    src = open_source(source)
    cols = src.resolve(target, features, weight, key)
    hashed = stream_folds(cv)
    n_folds = 0 if hashed is None else hashed.get_n_splits()
    plan = plan_chunks(
        budget,
        n_features=len(cols.features),
        n_targets=len(cols.targets),
        n_columns=len(cols.all),
        n_folds=n_folds,
        n_alphas=n_alphas,
        fmt=src.format,
        n_rows=src.n_rows,
        reader_bytes=src.reader_bytes(cols),
    )
    if rows_given is not None:
        plan = ChunkPlan(
            plan.budget, rows_given, plan.csv_block_bytes, plan.fixed_bytes, plan.row_bytes
        )
    passes: dict[str, Any] = {"count": 0, "rows": src.n_rows}

    def read() -> Iterator[Any]:
        passes["count"] += 1
        number = passes["count"]
        start = time.perf_counter()

        def report(rows: int, nbytes: int) -> None:
            if callback is not None:
                elapsed = time.perf_counter() - start
                info = StreamProgress(
                    number, n_passes, rows, passes["rows"], nbytes, src.bytes_total, elapsed
                )
                callback(info)

        if callback is not None:
            report(0, 0)
        rows = 0
        for chunk in read_chunks(
            src, cols, plan.rows, csv_block_bytes=plan.csv_block_bytes, on_chunk=report
        ):
            rows += chunk[0].shape[0]
            yield chunk
            _release_arrow_memory()
        if rows == 0:
            raise ValueError(
                message("source", "files holding at least one row", "only headers or no rows")
            )
        passes["rows"] = rows

    start = time.perf_counter()
    single = isinstance(target, str)
    feature_names = list(cols.features)
    st = statistics_from_chunks(
        read, cv, single=single, dtype=np.dtype(np.float64), feature_names=feature_names
    )
    seconds = time.perf_counter() - start
    n = st.total.n_samples
    return StreamedData(st, src, cols, plan, int(n), seconds)


class _Bar:
    """A rich progress bar on standard error: rows, bytes, throughput and time left."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            DownloadColumn,
            Progress,
            TextColumn,
            TimeRemainingColumn,
            TransferSpeedColumn,
        )

        self.progress = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            DownloadColumn(),
            TransferSpeedColumn(),
            TextColumn("{task.fields[rows]:,} rows ({task.fields[rate]} rows/s)"),
            TimeRemainingColumn(),
            console=Console(stderr=True),
        )
        self.tasks: dict[int, Any] = {}

    def __enter__(self) -> _Bar:
        self.progress.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.__exit__(None, None, None)

    def __call__(self, info: StreamProgress) -> None:
        task = self.tasks.get(info.pass_number)
        rate = f"{info.rows / info.elapsed:,.0f}" if info.elapsed > 0 else "–"
        if task is None:
            what = "reading" if info.pass_number == 1 else "leave-one-out"
            label = f"pass {info.pass_number}/{info.n_passes} {what}"
            task = self.progress.add_task(label, total=info.bytes_total, rows=0, rate=rate)
            self.tasks[info.pass_number] = task
        self.progress.update(task, completed=info.bytes_read, rows=info.rows, rate=rate)


def fit_source(
    estimator: Ridge | RidgeCV,
    source: SourceLike,
    target: str | Sequence[str],
    *,
    features: Sequence[str] | None = None,
    weight: str | None = None,
    key: str | None = None,
    max_memory: int | str | None = None,
    progress: bool = True,
    callback: Callable[[StreamProgress], None] | None = None,
    chunk_rows: int | None = None,
) -> Ridge | RidgeCV:
    """Fit a Ridge or RidgeCV to CSV or Parquet files read in row chunks within a memory budget.

    Minimizes Σ_i s_i ‖y_i − b − x_iᵀW‖² + α Σ_j π_j ‖W_j‖² over the rows of every file, as
    ``estimator.fit(X, y, sample_weight=s)`` does in memory, and chooses α as RidgeCV does
    (``cv``: exact leave-one-out with a second pass over the files; 'gcv', 'evidence', 'hkb',
    'lw' and k-fold in one pass). An int ``cv=K`` means ``HashKFold(K)``: row i is in the fold
    of a hash of its position in the source (or of its ``key`` value), so folds are not
    contiguous blocks as in scikit-learn's ``KFold``; fitting ``RidgeCV(cv=HashKFold(K))`` in
    memory gives the identical result. Other splitters are refused.

    Parameters
    ----------
    estimator : Ridge or RidgeCV
        Fitted in place (its parameters as for ``fit``; solver 'auto', 'eigh' or 'cholesky').
    source : str, path, or list of them
        A CSV (``.csv``, ``.csv.gz``) or Parquet (``.parquet``, ``.pq``) file, a directory of
        them, a glob such as ``"data/part-*.parquet"``, or a list of any of these. Directories
        and globs are read in sorted order, a list in its own order; all files must have the
        same columns.
    target : str or list of str
        The response column, or several (then ``coef_`` is (t, p)).
    features : list of str, optional
        Predictor columns. By default every numeric column other than the target(s), weight
        and key.
    weight : str, optional
        A column of non-negative sample weights s_i.
    key : str, optional
        A column whose values fix the k-fold folds (rows sharing a value share a fold, as
        ``groups=`` in memory). By default a row's key is its position in the source,
        counted from 0 across the files in order.
    max_memory : int or str, optional
        Budget for the fit's peak memory above what the interpreter already uses, e.g.
        ``"2GB"``, ``"512MiB"`` or bytes. Default: half of the physical memory. A budget too
        small for the p×p statistics is refused with the minimum it needs.
    progress : bool, default True
        Show a progress bar (rows, bytes, throughput, time left) on standard error.
    callback : callable, optional
        Called with a :class:`StreamProgress` after every chunk of every pass.
    chunk_rows : int, optional
        Rows per chunk, overriding the budget's choice (for tests and tuning).

    Returns
    -------
    estimator
        Fitted, with ``feature_names_in_`` the feature columns.

    Raises
    ------
    ValueError
        Missing, non-numeric or unknown columns (the message lists the available ones);
        missing or infinite values and negative weights (naming the file and the row); files
        with different columns (naming the file); no rows; a budget that is too small.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import numpy as np, pyarrow as pa, pyarrow.parquet as pq
    >>> from ridgeway import RidgeCV, fit_source
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(1000, 3)); y = X @ [1.0, 2.0, 0.0] + rng.normal(size=1000)
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = pathlib.Path(tmp) / "data.parquet"
    ...     pq.write_table(pa.table({"a": X[:, 0], "b": X[:, 1], "c": X[:, 2], "y": y}), path)
    ...     model = fit_source(RidgeCV(cv=5), path, "y", max_memory="100MB", progress=False)
    >>> bool(np.allclose(model.coef_, [1.0, 2.0, 0.0], atol=0.2)), model.n_features_in_
    (True, 3)
    """
    if not isinstance(estimator, (Ridge, RidgeCV)):
        kind = type(estimator).__name__
        extra = (
            " (streaming logistic regression is not supported: read the data into memory)"
            if "Logistic" in kind
            else ""
        )
        raise TypeError(message("estimator", "a ridgeway Ridge or RidgeCV", kind) + extra)
    cv = estimator.cv if isinstance(estimator, RidgeCV) else None
    loo = isinstance(estimator, RidgeCV) and cv is None
    n_alphas = 0
    if loo:
        grid = estimator._grid()
        n_alphas = _DEFAULT_GRID if grid is None else int(grid.size)
    n_passes = 2 if loo else 1
    bar = _Bar() if progress else None

    def notify(info: StreamProgress) -> None:
        if bar is not None:
            bar(info)
        if callback is not None:
            callback(info)

    reporter = notify if (bar is not None or callback is not None) else None
    if bar is not None:
        bar.__enter__()
    try:
        data = stream_statistics(
            source,
            target,
            cv=cv,
            n_alphas=n_alphas,
            features=features,
            weight=weight,
            key=key,
            max_memory=max_memory,
            chunk_rows=chunk_rows,
            callback=reporter,
            n_passes=n_passes,
        )
        return fit_statistics(estimator, data.statistics)  # type: ignore[no-any-return]
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
