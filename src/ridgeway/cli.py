"""The ``ridgeway`` command: fit a ridge model to a CSV or Parquet file, save it, predict with it.

::

    ridgeway fit                                  # demo: ESL prostate data, train split
    ridgeway fit data.csv --target y --cv 10 --rule 1se --save model.npz
    ridgeway fit data.csv --target y --alpha 2 --standardize
    ridgeway fit data.csv --target species        # a class column: logistic ridge
    ridgeway predict model.npz new.parquet -o predictions.csv
    ridgeway inverse shaw --n 256 --noise 0.01    # Tikhonov on a test problem, λ by each rule
    ridgeway report data.csv --target y -o report.html   # interactive page with a λ slider
    ridgeway demo weight-decay --which a,b        # seeded weight-decay demonstrations (torch)

Without ``--alpha``, ``fit`` chooses α over a grid spanning the spectrum (exact leave-one-out
by default) and prints, next to the chosen α, the α that each of the other criteria would pick
on the same data, all from one factorization.

A categorical target (text, categories, booleans, two distinct whole numbers; or any class
codes with ``--task classify``) is classified instead: L2-penalized logistic regression with α
chosen by stratified K-fold cross-validation or approximate leave-one-out (see
:mod:`ridgeway.cli_classify`).

Every error (missing file, unknown column, non-numeric data, bad model file, ...) is printed as
one line starting with ``error:`` on standard error, with exit status 2.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import sys
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn, TextIO

import numpy as np
import pyarrow as pa
from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text
from scipy import stats

from ridgeway._validation import message
from ridgeway.analysis import check_feature_scales, coef_inference, condition_numbers
from ridgeway.cli_classify import (
    TASKS,
    auto_reason,
    fit_classifier,
    is_classifier,
    parse_cv,
    prediction_rows,
    read_target,
)
from ridgeway.cli_demo import add_demo_parser, run_demo
from ridgeway.cli_inverse import add_inverse_parser, run_inverse
from ridgeway.cli_report import add_report_parser, run_report
from ridgeway.cli_stream import add_stream_arguments, fit_streamed, stream_reason
from ridgeway.datasets import load_prostate
from ridgeway.io.model_files import load_model
from ridgeway.io.readers import read_table, table_to_matrix, table_to_xy
from ridgeway.linear_model import Ridge, RidgeCV
from ridgeway.linear_model.ridge import LinearModel, validated_fit_input
from ridgeway.linear_model.ridge_cv import choose_alpha, fit_spectrum
from ridgeway.selection import (
    GridEdgeWarning,
    default_alphas,
)

__all__ = ["main"]

EXIT_OK = 0
EXIT_ERROR = 2

_DEMO_TARGET = "lpsa"
_DEMO_SOURCE = (
    "ESL prostate cancer data (Stamey et al. 1989; Hastie, Tibshirani & Friedman, "
    "The Elements of Statistical Learning, section 3.4)"
)

# --cv: "loo" is RidgeCV's cv=None; an integer K ≥ 2 is K-fold; the rest are passed as named
_NAMED_CV = ("gcv", "evidence", "hkb", "lw")
_CV_RULE = "loo, gcv, evidence, hkb, lw, or a number of folds K ≥ 2"
_TABLE_FOLDS = 5  # the k-fold row of the criterion table, unless --cv chooses another K
_CV_NAMES = {
    None: "leave-one-out",
    "gcv": "generalized cross-validation",
    "evidence": "maximum evidence (marginal likelihood)",
    "hkb": "Hoerl–Kennard–Baldwin",
    "lw": "Lawless–Wang",
}
_CHOSEN = "← chosen"


class _UsageError(Exception):
    """A command-line usage error, reported like every other error."""


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line and do not exit the interpreter."""

    def error(self, message: str) -> NoReturn:
        raise _UsageError(f"{message} (see '{self.prog} --help')")


def _version() -> str:
    """The installed ridgeway version."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("ridgeway")
    except PackageNotFoundError:  # pragma: no cover - only without installed metadata
        return "unknown"


def _build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``ridgeway`` command and its subcommands."""
    parser = _Parser(
        prog="ridgeway",
        description=(
            "Ridge regression and L2-penalized logistic regression from the command line "
            "(CSV or Parquet files)."
        ),
    )
    parser.add_argument("--version", action="version", version=f"ridgeway {_version()}")
    sub = parser.add_subparsers(
        dest="command", metavar="COMMAND", required=True, parser_class=_Parser
    )

    fit = sub.add_parser(
        "fit",
        help="fit a ridge model (or a logistic one, to classify) and print its coefficients",
        description=(
            "Fit ridge regression to DATA (CSV or Parquet) and print the coefficients in "
            "original units, the intercept, effective degrees of freedom and training R². "
            "Without --alpha, α is chosen from the data (by --cv, exact leave-one-out by "
            "default) and a table shows the α each criterion would pick. "
            "A categorical target (see --task) is classified instead, by L2-penalized logistic "
            "regression (LogisticRidgeCV, multinomial for 3 or more classes): the output lists "
            "the classes, the coefficients (for two classes, of the log-odds of the second), "
            "the chosen α and the cross-validated log-loss and accuracy. "
            f"Without DATA, fit the {_DEMO_SOURCE}: train split, target lpsa, and report the "
            "test-split error too."
        ),
    )
    fit.add_argument(
        "data",
        nargs="?",
        metavar="DATA",
        help=(
            "a .csv, .csv.gz, .parquet or .pq file (or, streamed, a directory or a quoted glob "
            "of them)"
        ),
    )
    fit.add_argument(
        "--target",
        metavar="COL",
        help=f"the response column (required with DATA; default {_DEMO_TARGET} without)",
    )
    fit.add_argument(
        "--features",
        metavar="COLS",
        help="comma-separated predictor columns (default: every column except the target)",
    )
    fit.add_argument(
        "--task",
        choices=TASKS,
        default="auto",
        help=(
            "auto (default): classify when the target holds text, categories or booleans, or "
            "exactly two distinct whole numbers (such as 0/1), and regress otherwise; regress: "
            "ridge regression; classify: logistic ridge regression, also of integer class codes "
            "with three or more values (0/1/2, which auto regresses)"
        ),
    )
    fit.add_argument(
        "--alpha",
        type=float,
        metavar="A",
        help="fix the penalty strength α ≥ 0 instead of choosing it from the data",
    )
    fit.add_argument(
        "--cv",
        metavar="CRITERION",
        help=(
            "how to choose α: loo (exact leave-one-out, the default), gcv (generalized "
            "cross-validation), K (an integer ≥ 2: K-fold cross-validation, folds in row "
            "order), evidence (maximum marginal likelihood), hkb or lw (the Hoerl–Kennard–"
            "Baldwin and Lawless–Wang constants). To classify: K (stratified K-fold, no "
            "shuffling; default 5) or alo (approximate leave-one-out)"
        ),
    )
    fit.add_argument(
        "--rule",
        choices=("min", "1se"),
        help=(
            "min: the α of least error (default); 1se: the largest α within one standard "
            "error of it (loo and K-fold only; to classify, K-fold and alo)"
        ),
    )
    fit.add_argument(
        "--standardize",
        action="store_true",
        help="penalize standardized columns (coefficients are still in original units)",
    )
    add_stream_arguments(fit)
    fit.add_argument("--save", metavar="MODEL", help="write the fitted model to this file")
    fit.add_argument("--force", action="store_true", help="let --save replace an existing file")

    predict = sub.add_parser(
        "predict",
        help="predict with a saved model",
        description=(
            "Predict with a model saved by 'ridgeway fit --save'. DATA must contain the model's "
            "feature columns (other columns, such as the target, are ignored). Predictions are "
            "written as CSV with a column 'prediction' (or prediction_0, prediction_1, ... for "
            "several targets). For a classifier, 'prediction' holds the predicted class labels; "
            "--proba adds the class probabilities."
        ),
    )
    predict.add_argument("model", metavar="MODEL", help="a model file written by ridgeway")
    predict.add_argument("data", metavar="DATA", help="a .csv, .csv.gz, .parquet or .pq file")
    predict.add_argument(
        "-o", "--output", metavar="OUT", help="write the CSV here (default stdout)"
    )
    predict.add_argument(
        "--proba",
        action="store_true",
        help=(
            "classifiers only: after 'prediction', one column proba_<class> per class (in sorted "
            "class order) with the predicted probability of that class"
        ),
    )
    add_inverse_parser(sub)
    add_report_parser(sub)
    add_demo_parser(sub)
    return parser


def _named_table(X: np.ndarray, names: Sequence[str]) -> pa.Table:
    """A float64 pyarrow Table of the columns of ``X``, so the model records feature names."""
    return pa.table({name: X[:, j] for j, name in enumerate(names)})


def _num(value: float) -> str:
    """A number for the tables: six significant digits."""
    return f"{value:.6g}"


@dataclass(frozen=True)
class _Uncertainty:
    """Standard errors and 95% intervals of the intercept and coefficients (or why there are none)."""

    std_err: np.ndarray | None  # (1 + p,): intercept first
    lower: np.ndarray | None
    upper: np.ndarray | None
    note: str


def _uncertainty(X: np.ndarray, y: np.ndarray, alpha: float, standardize: bool) -> _Uncertainty:
    """Sandwich standard errors and t-intervals at the fitted α (see ridgeway.analysis.inference)."""
    try:
        res = coef_inference(X, y, alpha, standardize=standardize)
    except ValueError as exc:
        return _Uncertainty(None, None, None, f"no standard errors: {_one_line(exc)}")
    lo, hi = res.conf_int(0.95)
    q = float(stats.t.ppf(0.975, res.dof[0, 0]))
    se = np.r_[res.intercept_std_err[0, 0], res.std_err[0, :, 0]]
    lower = np.r_[res.intercept[0, 0] - q * se[0], lo[0, :, 0]]
    upper = np.r_[res.intercept[0, 0] + q * se[0], hi[0, :, 0]]
    note = (
        "standard errors: σ̂²(G + αΠ)⁻¹G(G + αΠ)⁻¹ with σ̂² = RSS/ν, "
        f"ν = {res.dof[0, 0]:.4g} residual df; 95% t-intervals around the shrunken estimate"
    )
    return _Uncertainty(se, lower, upper, note)


def _report(
    console: Console,
    model: LinearModel,
    names: Sequence[str],
    source: str,
    summary: list[tuple[str, str]],
    title: str,
    criteria: Table | None = None,
    uncertainty: _Uncertainty | None = None,
    conditioning: str | None = None,
) -> None:
    """Print where the data came from, the coefficient table and the summary of a fitted model."""
    console.print(Text(f"data: {source}"))
    console.print()
    coefs = Table(title=title, box=box.SIMPLE_HEAD, title_justify="left", title_style="bold")
    coefs.add_column("feature", overflow="fold", max_width=40)
    coefs.add_column("coefficient", justify="right")
    unc = uncertainty if uncertainty is not None and uncertainty.std_err is not None else None
    if unc is not None:
        coefs.add_column("std. error", justify="right")
        coefs.add_column("95% interval", justify="right")
    values = np.r_[float(model.intercept_), np.asarray(model.coef_, dtype=float)]
    labels = [Text("(intercept)", style="italic"), *(Text(name) for name in names)]
    for j, (label, value) in enumerate(zip(labels, values, strict=True)):
        cells: list[Text | str] = [label, _num(float(value))]
        if unc is not None:
            assert unc.std_err is not None and unc.lower is not None and unc.upper is not None
            cells += [_num(float(unc.std_err[j])), f"{unc.lower[j]:.4g} … {unc.upper[j]:.4g}"]
        coefs.add_row(*cells)
    console.print(coefs)
    if uncertainty is not None:
        console.print(Text(uncertainty.note, style="dim"))
    if conditioning is not None:
        console.print(Text(conditioning))

    facts = Table(box=box.SIMPLE, show_header=False)
    facts.add_column("quantity", style="bold")
    facts.add_column("value", justify="right")
    for key, value in summary:
        facts.add_row(key, Text(value))
    console.print(facts)
    if criteria is not None:
        console.print(criteria)


def _check_new_file(path: str | None, force: bool) -> None:
    """Refuse, before any work, to replace an existing model file without --force."""
    if path is not None and Path(path).exists() and not force:
        raise FileExistsError(
            message("--save", "a new file (pass --force to replace it)", repr(path))
        )


# --- choosing α -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Selection:
    """How ``fit`` gets α: fixed (``alpha``), or chosen by RidgeCV's ``cv`` under ``rule``."""

    alpha: float | None
    cv: int | str | None
    rule: str


@dataclass(frozen=True)
class _Pick:
    """One row of the criterion table: the α a criterion picks and its effective df."""

    criterion: str
    rule: str
    alpha: float | None
    df: float | None
    note: str


class _Unavailable(Exception):
    """A criterion that cannot be computed on the data; the message is the short reason."""


def _parse_cv(text: str) -> int | str | None:
    """RidgeCV's ``cv`` for a value of --cv: None for loo, an int for K-fold, else the name."""
    value = text.strip().lower()
    if value == "loo":
        return None
    if value in _NAMED_CV:
        return value
    if value == "alo":
        raise ValueError(
            message("--cv", _CV_RULE + " for a regression", "'alo', for classification only")
        )
    try:
        folds = int(value)
    except ValueError:
        raise ValueError(message("--cv", _CV_RULE, repr(text))) from None
    if folds < 2:
        raise ValueError(message("--cv", _CV_RULE, repr(text)))
    return folds


def _check_exclusive(args: argparse.Namespace) -> None:
    """Refuse --alpha together with --cv or --rule (for either task)."""
    if args.alpha is not None:
        for flag, value in (("--cv", args.cv), ("--rule", args.rule)):
            if value is not None:
                raise _UsageError(
                    f"use either --alpha or {flag}, not both: --alpha fixes α, while {flag} "
                    "is for choosing α from the data"
                )


def _selection(args: argparse.Namespace) -> _Selection:
    """Check --alpha, --cv and --rule together for a regression, before any data are read."""
    _check_exclusive(args)
    if args.alpha is not None:
        return _Selection(float(args.alpha), None, "min")
    cv = None if args.cv is None else _parse_cv(args.cv)
    rule = "min" if args.rule is None else str(args.rule)
    if rule == "1se" and isinstance(cv, str):
        raise ValueError(
            message(
                "--rule",
                f"min with --cv {cv}",
                "'1se' (only loo and K-fold have a standard error)",
            )
        )
    return _Selection(None, cv, rule)


def _cv_label(cv: int | str | None) -> str:
    """The short name of a criterion, as written on the command line (K-fold as "K-fold")."""
    if cv is None:
        return "loo"
    if isinstance(cv, int):
        return f"{cv}-fold"
    return cv


def _cv_rule(cv: int | str | None, rule: str) -> str:
    """How a criterion turns into one α: a rule on a curve, a maximum, or a formula."""
    if cv is None or isinstance(cv, int):
        return rule
    return {"gcv": "min", "evidence": "max"}.get(cv, "formula")


def _criterion_summary(cv: int | str | None, rule: str) -> str:
    """The criterion of the chosen α in words, for the summary table."""
    name = f"{cv}-fold cross-validation" if isinstance(cv, int) else _CV_NAMES[cv]
    if cv is None or isinstance(cv, int):
        name += f", rule {rule}"
    return name


def _check_classical(n: int, p: int) -> None:
    """The conditions of the HKB and LW constants that their formulas do not check themselves.

    Their least-squares fit needs n > p + 1 (positive residual degrees of freedom, the
    intercept counted) and their factor (p − 2) makes α ≤ 0 for fewer than 3 predictors.
    """
    if p < 3:
        raise _Unavailable("needs at least 3 predictors")
    if n <= p + 1:
        raise _Unavailable(f"needs n > p + 1 = {p + 1}")


def _check_chosen(cv: int | str | None, n: int, p: int) -> None:
    """Refuse, before fitting, a criterion that cannot work on n rows and p predictors."""
    if isinstance(cv, int) and cv > n:
        raise ValueError(
            message("--cv", f"a number of folds between 2 and the number of rows ({n})", cv)
        )
    if cv in ("hkb", "lw"):
        try:
            _check_classical(n, p)
        except _Unavailable as exc:
            raise ValueError(
                message("--cv", "loo, gcv, K or evidence for these data", f"{cv!r}, which {exc}")
                + f" (n = {n}, p = {p})"
            ) from None


def _fit_chosen(
    model: RidgeCV,
    X: pa.Table | None,
    y: np.ndarray | None,
    label: str,
    fit: Callable[[], object] | None = None,
) -> None:
    """Fit ``model`` (on X, y, or by calling ``fit``), rewording its grid-edge warning.

    The warning of the estimator names its API (``alphas=None``); here it says which end of
    the grid the criterion ran into and what that means for the data.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if fit is not None:
            fit()
        else:
            assert X is not None and y is not None
            model.fit(X, y)
    for w in caught:
        if not issubclass(w.category, GridEdgeWarning):
            warnings.warn(w.message, stacklevel=1)
            continue
        grid = np.asarray(model.cv_results_["alphas"])
        alpha = float(np.asarray(model.alpha_))
        low = alpha < float(np.sqrt(grid[0] * grid[-1]))
        meaning = (
            "the criterion favours little or no penalty (least squares is --alpha 0)"
            if low
            else "the criterion favours a penalty so strong that the predictors barely matter"
        )
        warnings.warn(
            f"the alpha chosen by {label} ({_num(alpha)}) is at the "
            f"{'lower' if low else 'upper'} end of the grid [{grid[0]:.3g}, {grid[-1]:.3g}], "
            f"which spans every fit from nearly least squares to nearly the intercept alone; "
            f"{meaning}",
            GridEdgeWarning,
            stacklevel=1,
        )


def _short_reason(exc: Exception, width: int = 40) -> str:
    """The first clause of an error message, cut to ``width`` characters."""
    text = _one_line(exc).split("; ")[0]
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def _criteria(
    X: np.ndarray, y: np.ndarray, standardize: bool, chosen: _Selection, model: RidgeCV
) -> tuple[list[_Pick], str]:
    """The α each criterion picks on (X, y), all from one factorization, and its kind.

    Every criterion scores the grid RidgeCV uses by default (spanning the spectrum); the row of
    the chosen criterion is the fitted model's own α. A criterion that fails on these data gets
    a short reason instead of an α; a grid-edge warning of a criterion that was not chosen
    becomes a note in its row rather than a warning.
    """
    data = validated_fit_input(RidgeCV(standardize=standardize), X, y, None)
    spec = fit_spectrum(data, 0.0)
    grid = default_alphas(spec)
    n, p = X.shape
    folds = chosen.cv if isinstance(chosen.cv, int) else _TABLE_FOLDS

    def pick(cv: int | str | None) -> float:
        if isinstance(cv, int) and cv > n:
            raise _Unavailable(f"needs at least {cv} rows")
        if cv in ("hkb", "lw"):
            _check_classical(n, p)
        choice = choose_alpha(
            data, spec, cv, grid, rule=_cv_rule(cv, chosen.rule), standardize=standardize
        )
        return float(choice.alpha[0])

    picks = []
    for cv in (None, "gcv", folds, "evidence", "hkb", "lw"):
        label, rule = _cv_label(cv), _cv_rule(cv, chosen.rule)
        if cv == chosen.cv:
            alpha = float(np.asarray(model.alpha_))
            picks.append(_Pick(label, rule, alpha, float(np.asarray(model.df_)), _CHOSEN))
            continue
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                alpha = pick(cv)
            except (_Unavailable, ValueError, ArithmeticError) as exc:
                picks.append(_Pick(label, rule, None, None, _short_reason(exc)))
                continue
        edge = any(issubclass(w.category, GridEdgeWarning) for w in caught)
        df = float(spec.df(np.array([alpha]))[0])
        picks.append(_Pick(label, rule, alpha, df, "on the edge of the grid" if edge else ""))
    return picks, spec.kind


def _criteria_table(picks: Sequence[_Pick]) -> Table:
    """The "alpha by criterion" table."""
    table = Table(
        title="alpha by criterion",
        box=box.SIMPLE_HEAD,
        title_justify="left",
        title_style="bold",
    )
    table.add_column("criterion")
    table.add_column("rule")
    table.add_column("alpha", justify="right")
    table.add_column("effective df", justify="right")
    table.add_column("note", overflow="fold")
    for row in picks:
        table.add_row(
            Text(row.criterion, style="bold" if row.note == _CHOSEN else ""),
            row.rule,
            "—" if row.alpha is None else _num(row.alpha),
            "—" if row.df is None else _num(row.df),
            Text(row.note),
        )
    return table


def _fit(args: argparse.Namespace, console: Console) -> int:
    """The ``fit`` subcommand: regression, or classification of a categorical target.

    The options are checked before any data are read, as far as the task is known: with
    ``--task auto`` it is known only once the target column has been read.
    """
    _check_exclusive(args)
    if args.task == "classify":
        if args.data is None:
            raise _UsageError(
                "--task classify needs DATA: the built-in prostate data are a regression "
                "(see 'ridgeway fit --help')"
            )
        parse_cv(args.cv)
    elif args.task == "regress" or args.data is None:
        _selection(args)
    elif args.cv is not None and args.cv.strip().lower() != "alo":
        _parse_cv(args.cv)  # auto: --cv must suit some task (alo suits classification only)
    _check_new_file(args.save, args.force)
    features = None
    if args.features is not None:
        features = [c.strip() for c in args.features.split(",") if c.strip()]
    if args.data is None:
        return _fit_regression(args, console, None, features)
    if args.target is None:
        raise _UsageError("--target is required when DATA is given (see 'ridgeway fit --help')")
    streamed = stream_reason(args)  # data over the memory budget, several files, --stream
    if streamed is not None:
        return fit_streamed(args, console, streamed[0], streamed[1], features)
    table = read_table(args.data)
    if args.task != "regress":
        target = read_target(table, args.target)
        reason = "--task classify" if args.task == "classify" else auto_reason(target)
        if reason is not None:
            fit_classifier(args, console, table, target, reason, features)
            return EXIT_OK
    return _fit_regression(args, console, table, features)


def _fit_regression(
    args: argparse.Namespace,
    console: Console,
    table: pa.Table | None,
    features: list[str] | None,
) -> int:
    """``fit`` for ridge regression: of ``table``, or of the prostate demo without DATA."""
    choice = _selection(args)
    test: tuple[np.ndarray, np.ndarray] | None = None
    if table is None:
        target = args.target if args.target is not None else _DEMO_TARGET
        if target != _DEMO_TARGET:
            raise ValueError(
                message(
                    "--target", f"{_DEMO_TARGET!r} for the built-in prostate data", repr(target)
                )
            )
        full = load_prostate()
        assert full.train_mask is not None
        names: Sequence[str] = full.feature_names
        if features is not None:
            table = _named_table(full.data, names).append_column(target, pa.array(full.target))
            X_all, y_all, names = table_to_xy(table, target, features)
        else:
            X_all, y_all = full.data, full.target
        mask = full.train_mask
        X, y = X_all[mask], y_all[mask]
        test = (X_all[~mask], y_all[~mask])
        source = f"{_DEMO_SOURCE}; fitted on the train split, tested on the test split"
    else:
        target = args.target
        try:
            X, y, names = table_to_xy(table, target, features)
        except ValueError as exc:
            if f"column {target!r} must be numeric" in str(exc):
                raise ValueError(f"{exc} (to classify it, use --task classify)") from None
            if features is None and "must be numeric" in str(exc):
                raise ValueError(f"{exc} (choose the predictors with --features)") from None
            raise
        source = str(args.data)

    train_table = _named_table(X, names)
    n, p = X.shape
    check_feature_scales(X, standardize=args.standardize)  # a one-line warning when uneven
    model: Ridge | RidgeCV
    criteria = None
    if choice.alpha is not None:
        model = Ridge(alpha=choice.alpha, standardize=args.standardize).fit(train_table, y)
        alpha_rows = [("alpha", _num(choice.alpha))]
        solver = str(model.solver_)
    else:
        _check_chosen(choice.cv, n, p)
        model = RidgeCV(cv=choice.cv, rule=choice.rule, standardize=args.standardize)
        _fit_chosen(model, train_table, y, _cv_label(choice.cv))
        picks, solver = _criteria(X, y, args.standardize, choice, model)
        criteria = _criteria_table(picks)
        alpha_rows = [
            ("alpha", _num(float(np.asarray(model.alpha_)))),
            ("chosen by", _criterion_summary(choice.cv, choice.rule)),
        ]
    summary = [
        ("rows × columns", f"{n} × {p}"),
        *alpha_rows,
        ("standardize", "yes" if args.standardize else "no"),
        ("solver", solver),
        ("effective df", _num(float(np.asarray(model.df_)))),
        ("R² (training)", _num(float(model.score(train_table, y)))),
    ]
    if test is not None:
        X_test, y_test = test
        test_table = _named_table(X_test, names)
        pred = model.predict(test_table)
        summary += [
            ("test rows", str(X_test.shape[0])),
            ("MSE (test)", _num(float(np.mean((y_test - pred) ** 2)))),
            ("R² (test)", _num(float(model.score(test_table, y_test)))),
        ]
    alpha_fit = float(np.asarray(model.alpha if isinstance(model, Ridge) else model.alpha_))
    cond = condition_numbers(X, [0.0, alpha_fit], standardize=args.standardize)
    conditioning = (
        f"effective df {float(np.asarray(model.df_)):.4g}; condition number "
        f"{cond[0]:.3g} without the penalty, {cond[1]:.3g} with α = {alpha_fit:.4g}"
    )
    title = f"Ridge regression of {target}"
    _report(
        console,
        model,
        names,
        source,
        summary,
        title=title,
        criteria=criteria,
        uncertainty=_uncertainty(X, y, alpha_fit, args.standardize),
        conditioning=conditioning,
    )
    if args.save is not None:
        model.save(args.save, overwrite=args.force)
        console.print(Text(f"model saved to {args.save}"))
    return EXIT_OK


def _predict(args: argparse.Namespace, console: Console) -> int:
    """The ``predict`` subcommand."""
    model = load_model(args.model)
    if args.proba and not is_classifier(model):
        raise ValueError(
            message(
                "--proba",
                "used with a classifier model",
                f"a {type(model).__name__} model, which predicts numbers",
            )
        )
    table = read_table(args.data)
    names = getattr(model, "feature_names_in_", None)
    if names is not None:
        wanted = [str(c) for c in names]
        missing = [c for c in wanted if c not in table.column_names]
        if missing:
            shown = ", ".join(repr(c) for c in missing)
            available = ", ".join(repr(c) for c in table.column_names)
            raise ValueError(
                message(
                    "DATA",
                    f"a table with the model's {len(wanted)} feature columns",
                    f"one without {shown} (available: {available})",
                )
            )
        X, _ = table_to_matrix(table, wanted)
        X_in: np.ndarray | pa.Table = _named_table(X, wanted)
    else:
        if table.num_columns != model.n_features_in_:
            raise ValueError(
                message(
                    "DATA",
                    f"a table of exactly {model.n_features_in_} columns, the model's features in "
                    "order (the model was saved without column names)",
                    f"{table.num_columns} columns",
                )
            )
        X_in, _ = table_to_matrix(table)
    rows: list[list[str]]
    if is_classifier(model):
        header, rows = prediction_rows(model, X_in, args.proba)
    else:
        pred = np.asarray(model.predict(X_in), dtype=np.float64)
        if pred.ndim == 1:
            header = ["prediction"]
            pred = pred[:, None]
        else:
            header = [f"prediction_{k}" for k in range(pred.shape[1])]
        rows = [[repr(float(v)) for v in row] for row in pred]
    if args.output is None:
        _write_csv(sys.stdout, header, rows)
    else:
        buffer = io.StringIO()
        _write_csv(buffer, header, rows)
        Path(args.output).write_text(buffer.getvalue())
        console.print(Text(f"wrote {len(rows)} predictions to {args.output}"))
    return EXIT_OK


def _write_csv(out: TextIO, header: list[str], rows: Sequence[Sequence[str]]) -> None:
    """Write rows of text (numbers already in their shortest round-trip form) as CSV."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)


def _one_line(exc: object) -> str:
    """The message of an exception or warning on a single line."""
    text = " ".join(str(exc).split())
    return text or type(exc).__name__


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``ridgeway`` command line and return its exit status.

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments after the program name; ``sys.argv[1:]`` by default.

    Returns
    -------
    int
        0 on success, 2 on any error (reported as one ``error: ...`` line on standard error).

    Examples
    --------
    >>> from ridgeway.cli import main
    >>> main(["--version"])  # doctest: +ELLIPSIS
    ridgeway ...
    0
    """
    console = Console(file=sys.stdout, highlight=False)
    with warnings.catch_warnings(record=True) as caught:
        try:
            status = _run(argv, console)
        except BrokenPipeError:  # e.g. `ridgeway predict ... | head`: stop quietly
            _silence_stdout()
            status = EXIT_OK
        except (_UsageError, ValueError, TypeError, OSError, ImportError, pa.ArrowException) as exc:
            print(f"error: {_one_line(exc)}", file=sys.stderr)
            status = EXIT_ERROR
    for w in caught:  # numerical and usage warnings, one line each; not resource warnings
        if issubclass(w.category, UserWarning | RuntimeWarning):
            print(f"warning: {_one_line(w.message)}", file=sys.stderr)
    return status


def _silence_stdout() -> None:
    """Point standard output at the null device so that flushing it at exit cannot fail."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # not a real file (e.g. captured in tests)
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, fd)
    os.close(devnull)


def _run(argv: Sequence[str] | None, console: Console) -> int:
    """Parse the arguments and run the subcommand."""
    try:
        args = _build_parser().parse_args(argv)
    except SystemExit as stop:  # --help and --version print, then "exit" with status 0
        return stop.code if isinstance(stop.code, int) else EXIT_OK
    if args.command == "fit":
        return _fit(args, console)
    if args.command == "inverse":
        return run_inverse(args, console)
    if args.command == "report":
        return run_report(args, console)
    if args.command == "demo":
        return run_demo(args, console)
    return _predict(args, console)


if __name__ == "__main__":
    raise SystemExit(main())
