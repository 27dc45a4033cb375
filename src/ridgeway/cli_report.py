"""The ``ridgeway report`` command: write the interactive HTML report of a ridge fit.

::

    ridgeway report -o report.html                       # the built-in prostate data
    ridgeway report data.csv --target y -o report.html --standardize
    ridgeway report data.parquet --target y --cv 10 --rule 1se -o report.html --force

The page (see :func:`ridgeway.report.build`) is one self-contained file: open it in a browser,
no server and no network needed. It reads DATA with the readers of ``ridgeway fit`` and takes
the same data options (``--target``, ``--features``, ``--standardize``). ``--cv``/``--rule`` or
``--alpha`` fit the model whose α is marked and where the λ slider starts (default: exact
leave-one-out, minimum). An existing output file is never replaced without ``--force``.
:mod:`ridgeway.cli` parses the arguments and reports errors (one ``error:`` line, exit status 2).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.text import Text

from ridgeway._validation import message

__all__ = ["add_report_parser", "run_report"]

_DEFAULT_OUTPUT = "report.html"


def add_report_parser(sub: Any) -> None:
    """Add the ``report`` subcommand to the subparsers ``sub`` of the ``ridgeway`` parser."""
    rep = sub.add_parser(
        "report",
        help="write an interactive HTML report: drag λ and watch every view of the fit move",
        description=(
            "Write one self-contained HTML page (scripts, styles and data embedded; it works "
            "offline) with a log-scale λ slider over the selection grid that moves, in step, "
            "the training, leave-one-out, K-fold and GCV errors, the effective df, the "
            "coefficient paths and the coefficient table; the λ chosen by every criterion; an "
            "estimated bias–variance decomposition; the constraint geometry of two "
            "coefficients; a weight-decay demo; and a summary of the data, the objective and "
            "the equivalent penalty in other libraries' conventions. Without DATA, the "
            "built-in prostate data (train split; the test split as held-out rows)."
        ),
    )
    rep.add_argument(
        "data", nargs="?", metavar="DATA", help="a .csv, .csv.gz, .parquet or .pq file"
    )
    rep.add_argument("--target", metavar="COL", help="the response column (required with DATA)")
    rep.add_argument(
        "--features",
        metavar="COLS",
        help="comma-separated predictor columns (default: every column except the target)",
    )
    rep.add_argument(
        "--standardize",
        action="store_true",
        help="penalize standardized columns (coefficients are still in original units)",
    )
    rep.add_argument(
        "--alpha", type=float, metavar="A", help="mark this fixed α > 0 and start the slider there"
    )
    rep.add_argument(
        "--cv",
        metavar="CRITERION",
        help=(
            "the criterion whose α is marked as the model's and where the slider starts: loo "
            "(default), gcv, K (K-fold), evidence, hkb or lw"
        ),
    )
    rep.add_argument("--rule", choices=("min", "1se"), help="min (default) or 1se (loo, K-fold)")
    rep.add_argument(
        "--folds",
        type=int,
        default=5,
        metavar="K",
        help="folds of the K-fold curve, rows in order (default 5; 0 leaves it out)",
    )
    rep.add_argument("--title", help="the page title (default 'ridgeway report: <target>')")
    rep.add_argument(
        "-o",
        "--output",
        default=_DEFAULT_OUTPUT,
        metavar="OUT",
        help=f"the HTML file to write (default {_DEFAULT_OUTPUT})",
    )
    rep.add_argument("--force", action="store_true", help="replace OUT if it exists")
    rep.add_argument(
        "--no-torch-demo",
        action="store_true",
        help="leave out the deep-learning curves (by default, with PyTorch installed, a seeded "
        "MLP on digits trained with and without weight decay, about a second)",
    )


def _model(args: argparse.Namespace, selection: Any) -> Any:
    """The model whose α the page marks: None for the default (leave-one-out, min)."""
    from ridgeway.linear_model import Ridge, RidgeCV

    if selection.alpha is not None:
        if not selection.alpha > 0:
            raise ValueError(
                message("--alpha", "positive for a report (λ is on a log scale)", selection.alpha)
            )
        return Ridge(alpha=selection.alpha, standardize=args.standardize)
    if args.cv is None and args.rule is None:
        return None
    return RidgeCV(cv=selection.cv, rule=selection.rule, standardize=args.standardize)


def run_report(args: argparse.Namespace, console: Console) -> int:
    """The ``report`` subcommand: read the data, build the page, write it."""
    from ridgeway.cli import _selection, _UsageError
    from ridgeway.io.readers import read_table, table_to_xy
    from ridgeway.report.html import build
    from ridgeway.report.inputs import DEMO_SOURCE, DEMO_TARGET

    selection = _selection(args)  # --alpha, --cv and --rule checked before any data are read
    out = Path(args.output)
    if out.exists() and not args.force:
        raise FileExistsError(
            message("--output", "a new file (pass --force to replace it)", repr(str(out)))
        )
    if out.parent != Path("") and not out.parent.is_dir():
        raise ValueError(message("--output", "in an existing directory", repr(str(out))))
    features = None
    if args.features is not None:
        features = [c.strip() for c in args.features.split(",") if c.strip()]
    model = _model(args, selection)
    options: dict[str, Any] = {
        "folds": args.folds,
        "title": args.title,
        "demos": None if args.no_torch_demo else "auto",
    }
    if args.data is None:
        if args.target is not None and args.target != DEMO_TARGET:
            raise ValueError(
                message(
                    "--target", f"{DEMO_TARGET!r} for the built-in prostate data", repr(args.target)
                )
            )
        if features is not None:
            raise _UsageError("--features needs DATA (see 'ridgeway report --help')")
        from ridgeway.datasets import load_prostate

        ds = load_prostate()
        assert ds.train_mask is not None
        X, y, names = ds.data[ds.train_mask], ds.target[ds.train_mask], ds.feature_names
        options.update(
            validation=(ds.data[~ds.train_mask], ds.target[~ds.train_mask]),
            target_name=DEMO_TARGET,
            source=DEMO_SOURCE,
        )
    else:
        if args.target is None:
            raise _UsageError(
                "--target is required when DATA is given (see 'ridgeway report --help')"
            )
        X, y, names = table_to_xy(read_table(args.data), args.target, features)
        options.update(target_name=args.target, source=str(args.data))
    if model is not None:
        import pyarrow as pa

        model.fit(pa.table({name: X[:, j] for j, name in enumerate(names)}), y)
        report = build(model, X, y, feature_names=names, **options)
    else:
        report = build(X, y, feature_names=names, standardize=args.standardize, **options)
    report.save(out, overwrite=args.force)
    size = out.stat().st_size / 1e6
    console.print(Text(f"wrote the report to {out} ({size:.1f} MB); open it in a browser"))
    return 0
