"""The ``ridgeway`` command: fit a ridge model to a CSV or Parquet file, save it, predict with it.

::

    ridgeway fit                                  # demo: ESL prostate data, train split
    ridgeway fit data.csv --target y --alpha 2 --standardize --save model.npz
    ridgeway predict model.npz new.parquet -o predictions.csv

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
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn, TextIO

import numpy as np
import pyarrow as pa
from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from ridgeway._validation import message
from ridgeway.datasets import load_prostate
from ridgeway.io.model_files import load_model
from ridgeway.io.readers import read_table, table_to_matrix, table_to_xy
from ridgeway.linear_model import Ridge

__all__ = ["main"]

EXIT_OK = 0
EXIT_ERROR = 2

_DEMO_TARGET = "lpsa"
_DEMO_SOURCE = (
    "ESL prostate cancer data (Stamey et al. 1989; Hastie, Tibshirani & Friedman, "
    "The Elements of Statistical Learning, section 3.4)"
)


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
        description="Ridge regression from the command line (CSV or Parquet files).",
    )
    parser.add_argument("--version", action="version", version=f"ridgeway {_version()}")
    sub = parser.add_subparsers(
        dest="command", metavar="COMMAND", required=True, parser_class=_Parser
    )

    fit = sub.add_parser(
        "fit",
        help="fit a ridge model and print its coefficients",
        description=(
            "Fit ridge regression to DATA (CSV or Parquet) and print the coefficients in "
            "original units, the intercept, effective degrees of freedom and training R². "
            f"Without DATA, fit the {_DEMO_SOURCE}: train split, target lpsa, and report the "
            "test-split error too."
        ),
    )
    fit.add_argument(
        "data", nargs="?", metavar="DATA", help="a .csv, .csv.gz, .parquet or .pq file"
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
    fit.add_argument("--alpha", type=float, default=1.0, help="penalty strength α ≥ 0 (default 1)")
    fit.add_argument(
        "--standardize",
        action="store_true",
        help="penalize standardized columns (coefficients are still in original units)",
    )
    fit.add_argument("--save", metavar="MODEL", help="write the fitted model to this file")
    fit.add_argument("--force", action="store_true", help="let --save replace an existing file")

    predict = sub.add_parser(
        "predict",
        help="predict with a saved model",
        description=(
            "Predict with a model saved by 'ridgeway fit --save'. DATA must contain the model's "
            "feature columns (other columns, such as the target, are ignored). Predictions are "
            "written as CSV with a column 'prediction' (or prediction_0, prediction_1, ... for "
            "several targets)."
        ),
    )
    predict.add_argument("model", metavar="MODEL", help="a model file written by ridgeway")
    predict.add_argument("data", metavar="DATA", help="a .csv, .csv.gz, .parquet or .pq file")
    predict.add_argument(
        "-o", "--output", metavar="OUT", help="write the CSV here (default stdout)"
    )
    return parser


def _named_table(X: np.ndarray, names: Sequence[str]) -> pa.Table:
    """A float64 pyarrow Table of the columns of ``X``, so the model records feature names."""
    return pa.table({name: X[:, j] for j, name in enumerate(names)})


def _num(value: float) -> str:
    """A number for the tables: six significant digits."""
    return f"{value:.6g}"


def _report(
    console: Console,
    model: Ridge,
    names: Sequence[str],
    source: str,
    summary: list[tuple[str, str]],
    title: str,
) -> None:
    """Print where the data came from, the coefficient table and the summary of a fitted model."""
    console.print(Text(f"data: {source}"))
    console.print()
    coefs = Table(title=title, box=box.SIMPLE_HEAD, title_justify="left", title_style="bold")
    coefs.add_column("feature", overflow="fold", max_width=40)
    coefs.add_column("coefficient", justify="right")
    coefs.add_row(Text("(intercept)", style="italic"), _num(float(model.intercept_)))
    for name, value in zip(names, np.asarray(model.coef_), strict=True):
        coefs.add_row(Text(name), _num(float(value)))
    console.print(coefs)

    facts = Table(box=box.SIMPLE, show_header=False)
    facts.add_column("quantity", style="bold")
    facts.add_column("value", justify="right")
    for key, value in summary:
        facts.add_row(key, Text(value))
    console.print(facts)


def _check_new_file(path: str | None, force: bool) -> None:
    """Refuse, before any work, to replace an existing model file without --force."""
    if path is not None and Path(path).exists() and not force:
        raise FileExistsError(
            message("--save", "a new file (pass --force to replace it)", repr(path))
        )


def _fit(args: argparse.Namespace, console: Console) -> int:
    """The ``fit`` subcommand."""
    _check_new_file(args.save, args.force)
    features = None
    if args.features is not None:
        features = [c.strip() for c in args.features.split(",") if c.strip()]
    test: tuple[np.ndarray, np.ndarray] | None = None
    if args.data is None:
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
        if args.target is None:
            raise _UsageError("--target is required when DATA is given (see 'ridgeway fit --help')")
        target = args.target
        try:
            X, y, names = table_to_xy(read_table(args.data), target, features)
        except ValueError as exc:
            if features is None and "must be numeric" in str(exc):
                raise ValueError(f"{exc} (choose the predictors with --features)") from None
            raise
        source = str(args.data)

    model = Ridge(alpha=args.alpha, standardize=args.standardize)
    train_table = _named_table(X, names)
    model.fit(train_table, y)
    n, p = X.shape
    summary = [
        ("rows × columns", f"{n} × {p}"),
        ("alpha", _num(args.alpha)),
        ("standardize", "yes" if args.standardize else "no"),
        ("solver", str(model.solver_)),
        ("effective df", _num(float(model.df_))),
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
    _report(console, model, names, source, summary, title=f"Ridge regression of {target}")
    if args.save is not None:
        model.save(args.save, overwrite=args.force)
        console.print(Text(f"model saved to {args.save}"))
    return EXIT_OK


def _predict(args: argparse.Namespace, console: Console) -> int:
    """The ``predict`` subcommand."""
    model = load_model(args.model)
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
        pred = model.predict(_named_table(X, wanted))
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
        X, _ = table_to_matrix(table)
        pred = model.predict(X)
    pred = np.asarray(pred, dtype=np.float64)
    if pred.ndim == 1:
        header = ["prediction"]
        rows = pred[:, None]
    else:
        header = [f"prediction_{k}" for k in range(pred.shape[1])]
        rows = pred
    if args.output is None:
        _write_csv(sys.stdout, header, rows)
    else:
        buffer = io.StringIO()
        _write_csv(buffer, header, rows)
        Path(args.output).write_text(buffer.getvalue())
        console.print(Text(f"wrote {rows.shape[0]} predictions to {args.output}"))
    return EXIT_OK


def _write_csv(out: TextIO, header: list[str], rows: np.ndarray) -> None:
    """Write a float matrix as CSV, every value in its shortest round-trip form."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([repr(float(v)) for v in row] for row in rows)


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
        except (_UsageError, ValueError, TypeError, OSError, pa.ArrowException) as exc:
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
    return _predict(args, console)


if __name__ == "__main__":
    raise SystemExit(main())
