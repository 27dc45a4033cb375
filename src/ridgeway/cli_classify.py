"""Classification in the ``ridgeway`` command: L2-penalized logistic regression of a class column.

::

    ridgeway fit data.csv --target churned                 # text, boolean or 0/1 target: classify
    ridgeway fit data.csv --target grade --task classify   # integer codes 0/1/2: multinomial
    ridgeway fit data.csv --target churned --cv alo --rule 1se --save model.npz
    ridgeway predict model.npz new.csv --proba

``fit`` classifies when the target is categorical (:func:`auto_reason`) or ``--task classify``
asks for it: it fits :class:`~ridgeway.LogisticRidgeCV` (:class:`~ridgeway.LogisticRidge` with
``--alpha``) and prints the classes, the coefficients (for two classes the log-odds of the second,
``classes_[1]``; for more, one column per class), the chosen α and the cross-validated log-loss
and accuracy with their standard errors. ``predict`` with a classifier writes the predicted
labels and, with ``--proba``, one probability column per class. :mod:`ridgeway.cli` parses the
arguments and calls the functions here; errors are ValueErrors in the package's message style.
"""

from __future__ import annotations

import argparse
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from ridgeway._validation import message
from ridgeway.analysis import check_feature_scales
from ridgeway.io.readers import table_to_matrix
from ridgeway.linear_model import LogisticRidge, LogisticRidgeCV
from ridgeway.linear_model.logistic import LogisticModel
from ridgeway.selection import GridEdgeWarning

__all__ = [
    "DEFAULT_FOLDS",
    "TASKS",
    "Target",
    "auto_reason",
    "fit_classifier",
    "is_classifier",
    "label_text",
    "parse_cv",
    "prediction_rows",
    "read_target",
]

TASKS = ("auto", "regress", "classify")
"""Values of ``fit --task``."""

DEFAULT_FOLDS = 5
"""Folds of the stratified cross-validation when classifying without --cv (LogisticRidgeCV's)."""

_REGRESSION_ONLY = ("loo", "gcv", "evidence", "hkb", "lw")
_CV_RULE = "a number of folds K ≥ 2 or alo (approximate leave-one-out) to classify"
# pyarrow's CSV reader makes these nulls in numeric columns but keeps them as text in text columns
_MISSING_MARKERS = frozenset(pacsv.ConvertOptions().null_values)


def _num(value: float) -> str:
    """A number for the tables: six significant digits (as :mod:`ridgeway.cli` prints)."""
    return f"{value:.6g}"


def label_text(value: Any) -> str:
    """A class label as printed and written: the string itself, 1, 2.5, True."""
    return str(value.item() if isinstance(value, np.generic) else value)


# --- the target -------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Target:
    """The target column, read for classification: its values and what kind of column it is."""

    name: str
    values: np.ndarray  # (n,): str, bool, integer or floating
    kind: str  # "text labels", "categories", "booleans" or "numbers"
    classes: np.ndarray  # the distinct values, sorted
    counts: np.ndarray  # rows of each class


def _available(table: pa.Table) -> str:
    """The column names of ``table`` for an error message."""
    names = table.column_names
    shown = ", ".join(repr(n) for n in names[:20])
    return shown + (f", ... ({len(names)} in all)" if len(names) > 20 else "")


def read_target(table: pa.Table, name: str) -> Target:
    """Read the target column: present, unique, of a usable type and without missing values.

    Text columns count the markers that pyarrow turns into nulls in numeric CSV columns (the
    empty cell, NA, NaN, null, ...) as missing too, so that a missing label is never a class.
    """
    indices = table.schema.get_all_field_indices(name)
    if not indices:
        raise ValueError(
            message("target", f"a column of the data (available: {_available(table)})", repr(name))
        )
    if len(indices) > 1:
        raise ValueError(message(f"column {name!r}", "unique", f"{len(indices)} columns so named"))
    if table.num_rows == 0:
        raise ValueError(message("data", "non-empty (at least one row)", "0 rows"))
    col = table.column(indices[0])
    kind = ""
    if pa.types.is_dictionary(col.type):
        col, kind = col.cast(col.type.value_type), "categories"
    typ = col.type
    n = len(col)
    missing = n if pa.types.is_null(typ) else col.null_count
    values: np.ndarray
    if pa.types.is_string(typ) or pa.types.is_large_string(typ):
        texts = col.to_pylist()
        missing += sum(t in _MISSING_MARKERS for t in texts if t is not None)
        values = np.array([t if t is not None else "" for t in texts], dtype=str)
        kind = kind or "text labels"
    elif pa.types.is_boolean(typ):
        values, kind = np.asarray(col.to_numpy(zero_copy_only=False)), kind or "booleans"
    elif pa.types.is_integer(typ) or pa.types.is_floating(typ) or pa.types.is_decimal(typ):
        if pa.types.is_floating(typ):
            missing += pc.sum(pc.is_nan(col)).as_py() or 0
        if pa.types.is_decimal(typ):
            col = col.cast(pa.float64())
        values, kind = np.asarray(col.to_numpy(zero_copy_only=False)), kind or "numbers"
    elif pa.types.is_null(typ):
        values = np.zeros(0)  # every row is missing: refused below
    else:
        raise ValueError(
            message(
                f"column {name!r}",
                "numbers, booleans, text or categories to be the target",
                f"values of type {typ}",
            )
        )
    if missing:
        raise ValueError(
            message(
                f"column {name!r}",
                "free of missing values (null, NaN, an empty cell or NA) to be the target",
                f"{missing} missing value(s) in {n} rows (rows are never dropped: remove or "
                "fill them in)",
            )
        )
    if values.dtype.kind == "f" and not np.isfinite(values).all():
        bad = int((~np.isfinite(values)).sum())
        raise ValueError(message(f"column {name!r}", "finite", f"{bad} infinite value(s)"))
    classes, counts = np.unique(values, return_counts=True)
    return Target(name, values, kind, classes, counts)


def auto_reason(target: Target) -> str | None:
    """Why ``--task auto`` classifies ``target`` (a short phrase), or None to regress.

    Text, categories and booleans are classified; numbers only when they take exactly two
    distinct whole values (0/1, 1/2, ...). More integer codes are regressed: ``--task classify``
    forces a multinomial fit.
    """
    if target.kind != "numbers":
        return f"auto: {target.kind}"
    if target.classes.size == 2 and _whole(target.classes):
        a, b = (label_text(c) for c in target.classes)
        return f"auto: two distinct values, {a} and {b}"
    return None


def _whole(values: np.ndarray) -> bool:
    """Whether every value is a whole number (integers are)."""
    return values.dtype.kind != "f" or bool(np.all(values == np.round(values)))


def _check_classes(target: Target) -> None:
    """At least two classes, and no fractional numbers (a continuous column is no class label)."""
    if target.kind == "numbers" and not _whole(target.classes):
        frac = target.classes[target.classes != np.round(target.classes)][0]
        raise ValueError(
            message(
                f"column {target.name!r}",
                "class labels (text, categories, booleans or whole numbers) to classify",
                f"non-integer numbers such as {float(frac):.6g} (a continuous target: "
                "use --task regress)",
            )
        )
    if target.classes.size < 2:
        raise ValueError(
            message(
                "--target",
                "a column of at least 2 classes to classify",
                f"{target.name!r}, whose {target.values.size} row(s) are all of class "
                f"{label_text(target.classes[0])!r}",
            )
        )


# --- choosing α -------------------------------------------------------------------------------


def parse_cv(text: str | None, context: str = "") -> int | str:
    """LogisticRidgeCV's ``cv`` for a value of --cv: a number of folds K (default 5) or "alo".

    ``context`` continues the rule of the error message (the target and why it is classified).
    """
    if text is None:
        return DEFAULT_FOLDS
    value = text.strip().lower()
    if value == "alo":
        return "alo"
    rule = _CV_RULE + context
    if value in _REGRESSION_ONLY:
        raise ValueError(message("--cv", rule, f"{text!r}, a criterion of ridge regression only"))
    try:
        folds = int(value)
    except ValueError:
        raise ValueError(message("--cv", rule, repr(text))) from None
    if folds < 2:
        raise ValueError(message("--cv", rule, repr(text)))
    return folds


def _cv_words(cv: int | str) -> str:
    """The criterion in words, for the summary and the warnings."""
    if cv == "alo":
        return "approximate leave-one-out"
    return f"{cv}-fold stratified cross-validation"


def _fit_cv(model: LogisticRidgeCV, X: pa.Table, y: np.ndarray) -> None:
    """Fit ``model``, rewording its grid-edge warning for the command line."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.fit(X, y)
    for w in caught:
        if not issubclass(w.category, GridEdgeWarning):
            warnings.warn(w.message, stacklevel=1)
            continue
        grid = np.asarray(model.cv_results_["alphas"])
        alpha = float(model.alpha_)
        low = alpha < float(np.sqrt(grid[0] * grid[-1]))
        meaning = (
            "the criterion favours little or no penalty (the classes may be nearly separable)"
            if low
            else "the criterion favours a penalty so strong that the predictors barely matter "
            "(the class shares alone predict as well)"
        )
        warnings.warn(
            f"the alpha chosen by {_cv_words(model.cv)} ({_num(alpha)}) is at the "
            f"{'lower' if low else 'upper'} end of the grid [{grid[0]:.3g}, {grid[-1]:.3g}], "
            f"which spans every fit from nearly unpenalized to nearly the intercepts alone; "
            f"{meaning}",
            GridEdgeWarning,
            stacklevel=1,
        )


@dataclass(frozen=True)
class _Scores:
    """Cross-validated log-loss and accuracy at the chosen α, with standard errors."""

    log_loss: float
    log_loss_se: float | None
    accuracy: float
    accuracy_se: float | None


def _cv_scores(model: LogisticRidgeCV) -> _Scores:
    """The CV log-loss and accuracy of ``model`` at its α, each with its standard error."""
    res = model.cv_results_
    idx = int(np.flatnonzero(np.asarray(res["alphas"]) == model.alpha_)[0])

    def at(key: str) -> float | None:
        vals = res.get(key)
        return None if vals is None else float(vals[idx])

    return _Scores(
        float(res["log_loss"][idx]),
        at("log_loss_se"),
        float(res["accuracy"][idx]),
        at("accuracy_se"),
    )


# --- fitting and printing ---------------------------------------------------------------------


def _features(table: pa.Table, target: str, features: Sequence[str] | None) -> list[str]:
    """The predictor columns: every column but the target by default, else checked as given."""
    if features is None:
        return [c for c in table.column_names if c != target]
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
    return list(features)


def fit_classifier(
    args: argparse.Namespace,
    console: Console,
    table: pa.Table,
    target: Target,
    reason: str,
    features: Sequence[str] | None,
) -> None:
    """The ``fit`` subcommand for a class target: fit, print, and save if asked.

    ``args`` holds the parsed options (alpha, cv, rule, standardize, save, force, data);
    ``reason`` says why the target is classified (printed as the task).
    """
    context = f" {target.name!r} ({reason})"
    cv = parse_cv(args.cv, context)
    rule = "min" if args.rule is None else str(args.rule)
    _check_classes(target)
    names = _features(table, target.name, features)
    try:
        X, _ = table_to_matrix(table, names)
    except ValueError as exc:
        if features is None and "must be numeric" in str(exc):
            raise ValueError(f"{exc} (choose the predictors with --features)") from None
        raise
    if args.alpha is None and isinstance(cv, int) and cv > int(target.counts.max()):
        raise ValueError(
            message(
                "--cv",
                f"a number of folds of at most {int(target.counts.max())} (the rows of the "
                "largest class: the folds are stratified)",
                cv,
            )
        )
    check_feature_scales(X, standardize=args.standardize)  # a one-line warning when uneven
    Xt = pa.table({name: X[:, j] for j, name in enumerate(names)})
    y = target.values
    model: LogisticRidge | LogisticRidgeCV
    scores = None
    if args.alpha is not None:
        model = LogisticRidge(alpha=float(args.alpha), standardize=args.standardize).fit(Xt, y)
        alpha = float(args.alpha)
        chosen: list[tuple[str, str]] = []
    else:
        model = LogisticRidgeCV(cv=cv, rule=rule, standardize=args.standardize)
        _fit_cv(model, Xt, y)
        alpha = float(model.alpha_)
        scores = _cv_scores(model)
        grid = np.asarray(model.cv_results_["alphas"])
        chosen = [
            ("chosen by", f"{_cv_words(cv)}, rule {rule}, on log-loss"),
            ("alpha grid", f"{grid.size} values from {grid[0]:.4g} to {grid[-1]:.4g}"),
        ]
    n, p = X.shape
    K = model.classes_.size
    summary = [
        ("task", f"classification ({reason})"),
        ("rows × columns", f"{n} × {p}"),
        ("classes", f"{K} ({'binary' if K == 2 else 'multinomial'})"),
        ("alpha", _num(alpha)),
        *chosen,
        ("C (scikit-learn)", "inf" if alpha == 0 else _num(1.0 / (2.0 * alpha))),
        ("standardize", "yes" if args.standardize else "no"),
        ("solver", str(model.solver_)),
    ]
    console.print(Text(f"data: {args.data}"))
    console.print()
    console.print(_class_table(target))
    _print_coefficients(console, model, names, target.name)
    facts = Table(box=box.SIMPLE, show_header=False)
    facts.add_column("quantity", style="bold")
    facts.add_column("value", justify="right")
    for key, value in summary:
        facts.add_row(key, Text(value))
    console.print(facts)
    console.print(_metrics_table(model, Xt, y, scores, cv))
    if scores is not None:
        over = f"the {n} rows" if cv == "alo" else f"the {cv} folds, fold-weighted (as cv.glmnet)"
        console.print(Text(f"standard errors across {over}", style="dim"))
    if args.save is not None:
        model.save(args.save, overwrite=args.force)
        console.print(Text(f"model saved to {args.save}"))


def _class_table(target: Target) -> Table:
    """The classes of the target with their numbers of rows and shares."""
    table = Table(
        title=f"classes of {target.name}",
        box=box.SIMPLE_HEAD,
        title_justify="left",
        title_style="bold",
    )
    table.add_column("class", overflow="fold", max_width=40)
    table.add_column("rows", justify="right")
    table.add_column("share", justify="right")
    total = int(target.counts.sum())
    for label, count in zip(target.classes, target.counts, strict=True):
        table.add_row(Text(label_text(label)), str(int(count)), f"{100 * count / total:.1f}%")
    return table


def _print_coefficients(
    console: Console, model: LogisticModel, names: Sequence[str], target: str
) -> None:
    """The coefficient table: one column (binary, log-odds of classes_[1]) or one per class."""
    classes = [label_text(c) for c in model.classes_]
    coef = np.asarray(model.coef_, dtype=float)
    intercept = np.asarray(model.intercept_, dtype=float).reshape(-1)
    if coef.shape[0] == 1:
        title = f"Logistic ridge regression of {target}"
        heads = [classes[1]]
        note = (
            f"coefficients of the log-odds of {classes[1]!r} against {classes[0]!r}, per unit "
            "of each feature"
        )
    else:
        title = f"Multinomial logistic ridge regression of {target}"
        heads = classes
        note = (
            "one linear predictor per class (softmax), per unit of each feature; only "
            "differences between the columns matter (the intercepts sum to zero)"
        )
    table = Table(
        title=title,
        box=box.SIMPLE_HEAD,
        title_justify="left",
        title_style="bold",
        min_width=len(title) + 2,
    )
    table.add_column("feature", overflow="fold", max_width=40)
    for head in heads:
        table.add_column(Text(head), justify="right", overflow="fold")
    table.add_row(Text("(intercept)", style="italic"), *(_num(float(b)) for b in intercept))
    for j, name in enumerate(names):
        table.add_row(Text(name), *(_num(float(w)) for w in coef[:, j]))
    console.print(table)
    console.print(Text(note, style="dim"))


def _metrics_table(
    model: LogisticModel, X: pa.Table, y: np.ndarray, scores: _Scores | None, cv: int | str
) -> Table:
    """Log-loss and accuracy: cross-validated with standard errors (when α was chosen), training."""
    codes = np.searchsorted(model.classes_, y)
    log_proba = model.predict_log_proba(X)
    train_loss = -float(np.mean(log_proba[np.arange(y.size), codes]))
    train_acc = float(np.mean(np.asarray(model.predict(X)) == y))
    where = "approximate leave-one-out" if cv == "alo" else f"{cv}-fold cross-validation"
    title = "log-loss and accuracy" + (f" ({where})" if scores is not None else "")
    table = Table(title=title, box=box.SIMPLE_HEAD, title_justify="left", title_style="bold")
    table.add_column("metric")
    if scores is not None:
        table.add_column("cross-validated", justify="right")
        table.add_column("std. error", justify="right")
    table.add_column("training", justify="right")

    def se(value: float | None) -> str:
        return "—" if value is None else _num(value)

    if scores is None:
        table.add_row("log-loss", _num(train_loss))
        table.add_row("accuracy", _num(train_acc))
    else:
        table.add_row("log-loss", _num(scores.log_loss), se(scores.log_loss_se), _num(train_loss))
        table.add_row("accuracy", _num(scores.accuracy), se(scores.accuracy_se), _num(train_acc))
    return table


# --- predict ----------------------------------------------------------------------------------


def is_classifier(model: Any) -> bool:
    """Whether a loaded model is a classifier (predicts class labels)."""
    return isinstance(model, LogisticModel)


def prediction_rows(model: Any, X: Any, proba: bool) -> tuple[list[str], list[list[str]]]:
    """The CSV of a classifier's predictions: header and rows of text.

    Column ``prediction`` holds the predicted labels; with ``proba`` one column
    ``proba_<class>`` per class follows, in the order of ``classes_``, each probability in its
    shortest round-trip form.
    """
    labels = [label_text(v) for v in np.asarray(model.predict(X))]
    header = ["prediction"]
    columns: list[list[str]] = [labels]
    if proba:
        P = np.asarray(model.predict_proba(X), dtype=np.float64)
        header += [f"proba_{label_text(c)}" for c in model.classes_]
        columns += [[repr(float(v)) for v in P[:, k]] for k in range(P.shape[1])]
    return header, [list(row) for row in zip(*columns, strict=True)]
