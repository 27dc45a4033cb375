"""``ridgeway fit`` on data larger than memory: stream the rows, report from their statistics.

``fit`` streams (reads the files in row chunks within a memory budget,
:mod:`ridgeway.scale.streaming`) when ``--stream`` is given, when DATA is a directory, a glob
or several files, or when the data's estimated in-memory size exceeds ``--max-memory``
(default: half the physical memory). The estimate is rows × columns × 8 bytes for Parquet (from
the footers) and the file size for CSV (:data:`~ridgeway.io.sources.CSV_EXPANSION`).

The report is the in-memory one computed from the streamed statistics: coefficients, α and the
criterion that chose it, effective df, training R², the conditioning, and the α of every other
criterion (k-fold from per-fold statistics gathered in the same pass). Exact leave-one-out of a
criterion that was not chosen would need a second pass and is skipped with a note, and so are
the standard errors (they need the rows in memory). K-fold folds are :class:`HashKFold`
(hashed row positions), not contiguous blocks. Classification is not streamed.
"""

from __future__ import annotations

import argparse
import time
import warnings
from typing import Any

import numpy as np
from rich.console import Console
from rich.text import Text

from ridgeway._validation import message
from ridgeway.analysis.scaling import FeatureScaleWarning
from ridgeway.core.spectrum import spectrum_from_moments
from ridgeway.io.sources import Source, expand_source, is_numeric, open_source
from ridgeway.linear_model import Ridge, RidgeCV
from ridgeway.linear_model.statistics_fit import RowStatistics, fit_statistics
from ridgeway.scale.memory import default_memory, format_bytes, parse_memory
from ridgeway.scale.streaming import StreamedData, _Bar, stream_statistics
from ridgeway.selection import GridEdgeWarning

__all__ = ["add_stream_arguments", "fit_streamed", "stream_reason"]

_LOO_SKIPPED = "needs a second pass (--cv loo)"


def add_stream_arguments(fit: argparse.ArgumentParser) -> None:
    """The --stream and --max-memory options of ``fit``."""
    fit.add_argument(
        "--max-memory",
        metavar="SIZE",
        help=(
            "memory budget, such as 2GB or 512MiB (default: half the physical memory); data "
            "larger than this are streamed: read in row chunks, peak memory within the budget"
        ),
    )
    fit.add_argument(
        "--stream",
        action="store_true",
        help=(
            "stream the data even if they fit in memory (regression only; k-fold folds are "
            "then hashed row positions, as HashKFold)"
        ),
    )


def stream_reason(args: argparse.Namespace) -> tuple[str, Source] | None:
    """Why ``fit`` must stream DATA (and the opened source), or None to read it into memory."""
    budget = default_memory() if args.max_memory is None else parse_memory(args.max_memory)
    files = expand_source(args.data)
    single = len(files) == 1 and str(files[0]) == str(args.data)
    if not (args.stream or not single):
        est = open_source(args.data)
        size = est.estimated_memory()
        if size <= budget:
            return None
        why = f"its estimated in-memory size {format_bytes(size)} exceeds the budget "
        return why + format_bytes(budget), est
    src = open_source(args.data)
    return ("--stream" if args.stream else f"{len(files)} files"), src


def _refuse_classification(args: argparse.Namespace, src: Source) -> None:
    if args.task == "classify":
        raise ValueError(
            message("--task", "regress when the data are streamed", "'classify'")
            + " (streaming logistic regression is not supported; read the data into memory)"
        )
    if args.target in src.schema.names and args.task == "auto":
        typ = src.schema.field(args.target).type
        if not is_numeric(typ) or str(typ) == "bool":
            raise ValueError(
                message(f"target {args.target!r}", "numeric to be streamed", f"{typ} values")
                + " (classification is not streamed; read the data into memory)"
            )


def _r2(model: Any, st: RowStatistics) -> float:
    """Training R² = 1 − RSS/TSS from the centred statistics (weighted, with intercept)."""
    m = st.total
    w = np.atleast_2d(np.asarray(model.coef_, dtype=np.float64))[0]
    rss = m.yy[0] - 2.0 * w @ m.xy[:, 0] + w @ m.xx @ w
    return float(1.0 - rss / m.yy[0])


def _conditioning(st: RowStatistics, standardize: bool, alpha: float) -> tuple[float, float]:
    m = st.total
    var = np.diagonal(m.xx) / m.sum_weights
    penalty = np.where(var > 0, var, 1.0) if standardize else np.ones(m.n_features)
    spec = spectrum_from_moments(m, penalty)
    d = spec.d
    if d.size == 0:
        return float("inf"), 1.0
    d_min = 0.0 if spec.rank_deficient else float(d[-1])
    with np.errstate(divide="ignore"):
        return float(d[0] / d_min) if d_min > 0 else float("inf"), float(
            (d[0] + alpha) / (d_min + alpha)
        )


def _scales(st: RowStatistics, names: list[str], standardize: bool) -> None:
    """The feature-scale warning of the in-memory route, from the column variances."""
    if standardize:
        return
    sd = np.sqrt(np.diagonal(st.total.xx) / st.total.sum_weights)
    live = np.flatnonzero(sd > 0)
    if live.size < 2:
        return
    hi, lo = live[np.argmax(sd[live])], live[np.argmin(sd[live])]
    ratio = sd[hi] / sd[lo]
    if ratio > 100:
        warnings.warn(
            f"X's columns are on very different scales: their standard deviations run from "
            f"{sd[lo]:.3g} (column {names[lo]!r}) to {sd[hi]:.3g} (column {names[hi]!r}), a "
            f"ratio of {ratio:.3g}; the penalty shrinks small-scale columns far more. Fix: "
            "--standardize",
            FeatureScaleWarning,
            stacklevel=2,
        )


def _picks(st: RowStatistics, chosen: Any, model: RidgeCV, standardize: bool) -> list[Any]:
    """The criterion table from the statistics (LOO only when it was the chosen criterion)."""
    from ridgeway.cli import (
        _CHOSEN,
        _TABLE_FOLDS,
        _check_classical,
        _cv_label,
        _cv_rule,
        _Pick,
        _short_reason,
        _Unavailable,
    )

    n, p = st.total.n_samples, st.total.n_features
    folds = chosen.cv if isinstance(chosen.cv, int) else _TABLE_FOLDS
    picks = []
    for cv in (None, "gcv", folds, "evidence", "hkb", "lw"):
        label, rule = _cv_label(cv), _cv_rule(cv, chosen.rule)
        fit_rule = chosen.rule if isinstance(cv, int) else "min"
        if cv == chosen.cv:
            alpha = float(np.asarray(model.alpha_))
            picks.append(_Pick(label, rule, alpha, float(np.asarray(model.df_)), _CHOSEN))
            continue
        if cv is None:
            picks.append(_Pick(label, rule, None, None, _LOO_SKIPPED))
            continue
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                if isinstance(cv, int) and cv > n:
                    raise _Unavailable(f"needs at least {cv} rows")
                if cv in ("hkb", "lw"):
                    _check_classical(n, p)
                other = fit_statistics(RidgeCV(cv=cv, rule=fit_rule, standardize=standardize), st)
            except (_Unavailable, ValueError, ArithmeticError) as exc:
                picks.append(_Pick(label, rule, None, None, _short_reason(exc)))
                continue
        edge = any(issubclass(w.category, GridEdgeWarning) for w in caught)
        alpha = float(np.asarray(other.alpha_))
        df = float(np.asarray(other.df_))
        picks.append(_Pick(label, rule, alpha, df, "on the edge of the grid" if edge else ""))
    return picks


def fit_streamed(
    args: argparse.Namespace,
    console: Console,
    reason: str,
    src: Source,
    features: list[str] | None,
) -> int:
    """``fit`` of a regression by streaming DATA, with the in-memory report where it can."""
    from ridgeway.cli import (
        EXIT_OK,
        _check_chosen,
        _criteria_table,
        _criterion_summary,
        _cv_label,
        _fit_chosen,
        _num,
        _report,
        _selection,
    )

    _refuse_classification(args, src)
    choice = _selection(args)
    model: Ridge | RidgeCV
    if choice.alpha is not None:
        model = Ridge(alpha=choice.alpha, standardize=args.standardize)
        cv: Any = None
    else:
        model = RidgeCV(cv=choice.cv, rule=choice.rule, standardize=args.standardize)
        from ridgeway.cli import _TABLE_FOLDS

        cv = choice.cv if isinstance(choice.cv, int) else _TABLE_FOLDS
    loo = isinstance(model, RidgeCV) and choice.cv is None
    start = time.perf_counter()
    with _Bar() as bar:
        data: StreamedData = stream_statistics(
            src.files,
            args.target,
            cv=cv,
            n_alphas=100 if loo else 0,
            features=features,
            max_memory=args.max_memory,
            callback=bar,
            n_passes=2 if loo else 1,
        )
        st = data.statistics
        names = list(data.columns.features)
        n, p = data.n_rows, len(names)
        _scales(st, names, args.standardize)
        criteria = None
        if isinstance(model, RidgeCV):
            _check_chosen(choice.cv, n, p)
            fitted = model
            _fit_chosen(model, None, None, _cv_label(choice.cv), lambda: fit_statistics(fitted, st))
            criteria = _criteria_table(_picks(st, choice, model, args.standardize))
            alpha_fit = float(np.asarray(model.alpha_))
            alpha_rows = [
                ("alpha", _num(alpha_fit)),
                ("chosen by", _criterion_summary(choice.cv, choice.rule)),
            ]
        else:
            fit_statistics(model, st)
            alpha_fit = float(np.asarray(model.alpha))
            alpha_rows = [("alpha", _num(alpha_fit))]
    seconds = time.perf_counter() - start
    cond0, cond1 = _conditioning(st, args.standardize, alpha_fit)
    folds = "" if not isinstance(choice.cv, int) else f"; folds: HashKFold({choice.cv})"
    rate = n / seconds if seconds > 0 else float("nan")
    gbs = src.bytes_total * (2 if loo else 1) / seconds / 1e9 if seconds > 0 else float("nan")
    summary = [
        ("rows × columns", f"{n} × {p}"),
        *alpha_rows,
        ("standardize", "yes" if args.standardize else "no"),
        ("solver", "eigh (Gram matrix of the streamed rows)"),
        ("effective df", _num(float(np.asarray(model.df_)))),
        ("R² (training)", _num(_r2(model, st))),
        ("standard errors", "not computed: they need the rows in memory"),
    ]
    conditioning = (
        f"effective df {float(np.asarray(model.df_)):.4g}; condition number "
        f"{cond0:.3g} without the penalty, {cond1:.3g} with α = {alpha_fit:.4g}"
    )
    where = ", ".join(str(f) for f in src.files[:3]) + (
        f", ... ({len(src.files)} files)" if len(src.files) > 3 else ""
    )
    _report(
        console,
        model,
        names,
        where,
        summary,
        title=f"Ridge regression of {args.target}",
        criteria=criteria,
        conditioning=conditioning,
    )
    console.print(
        Text(
            f"streamed ({reason}): {n} rows, {format_bytes(src.bytes_total)} in {seconds:.3g} s "
            f"({rate:,.0f} rows/s, {gbs:.3g} GB/s), {'2 passes' if loo else '1 pass'}, chunks "
            f"of {data.plan.rows} rows within a budget of {format_bytes(data.plan.budget)}" + folds
        )
    )
    if args.save is not None:
        model.save(args.save, overwrite=args.force)
        console.print(Text(f"model saved to {args.save}"))
    return int(EXIT_OK)
