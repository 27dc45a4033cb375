"""The ``ridgeway inverse`` command: Tikhonov regularization of a test problem, rule by rule.

::

    ridgeway inverse shaw                                  # n = 128, 1% noise, all five rules
    ridgeway inverse deriv2 --example 2 --n 256 --noise 0.001 --L second
    ridgeway inverse gravity --method lcurve,gcv --method discrepancy --tau 1.05
    ridgeway inverse heat --plot heat.png --force

It builds one of Hansen's test problems (:mod:`ridgeway.inverse.problems`), adds white noise of
the given relative norm (``add_noise(b, level, seed)``, so ‖e‖ = level · ‖b‖ exactly) and
solves min ‖A x − b‖² + λ²‖L x‖² with λ chosen by each requested rule
(:func:`ridgeway.inverse.tikhonov`; the discrepancy principle is given the noise norm
level · ‖b‖, which the command knows because it made the noise). It prints one row per rule:
the chosen λ, the relative error ‖x_λ − x_exact‖ / ‖x_exact‖, that error divided by the best
one on the λ grid, whether the rule judges its own choice reliable and its diagnostic
(shortened); a rule that fails shows why instead of a λ. Then the best achievable error over
the 200-point λ grid (‖x_λ − x_exact‖ evaluated at every grid λ) and a line on the discrete
Picard condition. ``--plot`` writes a PNG: the L-curve with each rule's point, and the exact
solution with the reconstructions. :mod:`ridgeway.cli` parses the arguments and reports errors
(one ``error:`` line, exit status 2); the errors here are ValueErrors in the package's style.
"""

from __future__ import annotations

import argparse
import math
import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from ridgeway._typing import FloatArray
from ridgeway._validation import message
from ridgeway.inverse.tikhonov import METHODS

__all__ = ["PROBLEMS", "add_inverse_parser", "run_inverse"]

PROBLEMS = ("shaw", "phillips", "baart", "deriv2", "foxgood", "gravity", "heat", "wing")
"""The one-dimensional test problems the command can build."""

_WITH_EXAMPLE = ("deriv2", "gravity")
_REGULARIZERS = ("identity", "first", "second")
_N_RANGE = (4, 4096)  # dense decompositions: at 4096 an SVD takes a minute
_METHOD_RULE = (
    f"one or more of {', '.join(METHODS)} (repeat --method or separate the names with commas)"
)
_DIAGNOSTIC_WIDTH = 160
_WIDE_TABLE = 120  # console columns from which the diagnostics fit in the table


def _num(value: float) -> str:
    """A number for the tables: six significant digits (as :mod:`ridgeway.cli` prints)."""
    return f"{value:.6g}"


def add_inverse_parser(sub: Any) -> None:
    """Add the ``inverse`` subcommand to the subparsers ``sub`` of the ``ridgeway`` parser."""
    inv = sub.add_parser(
        "inverse",
        help="Tikhonov regularization of a test problem, λ chosen by each rule",
        description=(
            "Build a discrete ill-posed test problem (Hansen's Regularization Tools), add white "
            "noise of relative norm --noise, and solve min ‖A x − b‖² + λ²‖L x‖² with λ chosen "
            "by each rule (lcurve: the L-curve corner; gcv: generalized cross-validation; "
            "discrepancy: ‖A x − b‖ = τ‖e‖ with the known noise norm; quasi: quasi-optimality; "
            "ncp: normalized cumulative periodogram). Prints, per rule, λ, the relative error "
            "‖x_λ − x_exact‖/‖x_exact‖, that error over the best one on the λ grid and the "
            "rule's diagnostic; then the best achievable error over the grid and whether the "
            "discrete Picard condition appears to hold."
        ),
    )
    inv.add_argument(
        "problem",
        metavar="PROBLEM",
        help=f"the test problem: {', '.join(PROBLEMS)}",
    )
    inv.add_argument(
        "--n",
        type=int,
        default=128,
        metavar="N",
        help=(
            f"the problem size, {_N_RANGE[0]} to {_N_RANGE[1]} (default 128; even for shaw, "
            "baart, heat and deriv2 example 3, a multiple of 4 for phillips)"
        ),
    )
    inv.add_argument(
        "--example",
        type=int,
        choices=(1, 2, 3),
        help="deriv2 and gravity only: which exact solution (default 1)",
    )
    inv.add_argument(
        "--noise",
        type=float,
        default=0.01,
        metavar="LEVEL",
        help="relative noise level ‖e‖/‖b‖ of the white noise added to b (default 0.01)",
    )
    inv.add_argument("--seed", type=int, default=0, help="seed of the noise (default 0)")
    inv.add_argument(
        "--method",
        action="append",
        metavar="RULE",
        help=f"the rules choosing λ: {', '.join(METHODS)} (repeatable or comma-separated; "
        "default all five)",
    )
    inv.add_argument(
        "--L",
        dest="regularizer",
        choices=_REGULARIZERS,
        default="identity",
        help="the regularization operator: identity (default), first or second differences",
    )
    inv.add_argument(
        "--tau",
        type=float,
        default=1.0,
        help="safety factor of the discrepancy principle, ‖A x − b‖ = τ‖e‖ (default 1)",
    )
    inv.add_argument(
        "--plot",
        metavar="PNG",
        help="write the L-curve and the reconstructions to this .png file",
    )
    inv.add_argument("--force", action="store_true", help="let --plot replace an existing file")


# --- the arguments ------------------------------------------------------------------------------


def _parse_methods(values: Sequence[str] | None) -> list[str]:
    """The rules of --method (repeated and/or comma-separated), in order, without repeats."""
    if not values:
        return list(METHODS)
    chosen: list[str] = []
    for value in values:
        names = [name.strip().lower() for name in value.split(",")]
        if not any(names):
            raise ValueError(message("--method", _METHOD_RULE, repr(value)))
        for name in names:
            if name not in METHODS:
                raise ValueError(message("--method", _METHOD_RULE, repr(name)))
            if name not in chosen:
                chosen.append(name)
    return chosen


def _check_plot_file(path: str | None, force: bool) -> None:
    """Refuse, before any work, a --plot file that is not a new .png in an existing folder."""
    if path is None:
        return
    target = Path(path)
    if target.suffix.lower() != ".png":
        raise ValueError(message("--plot", "a .png file", repr(path)))
    if target.exists() and not force:
        raise FileExistsError(
            message("--plot", "a new file (pass --force to replace it)", repr(path))
        )
    if not target.parent.is_dir():
        raise ValueError(message("--plot", "in an existing folder", repr(path)))


@dataclass(frozen=True)
class _Setup:
    """The validated arguments."""

    problem: str
    n: int
    example: int | None
    noise: float
    seed: int
    methods: list[str]
    regularizer: str
    tau: float


def _setup(args: argparse.Namespace) -> _Setup:
    """Check the arguments, before any work."""
    problem = str(args.problem).strip().lower()
    if problem == "blur":
        raise ValueError(
            message(
                "PROBLEM",
                f"a one-dimensional problem ({', '.join(PROBLEMS)})",
                "'blur', an image deblurring problem with N² unknowns",
            )
        )
    if problem not in PROBLEMS:
        raise ValueError(message("PROBLEM", f"one of {', '.join(PROBLEMS)}", repr(args.problem)))
    lo, hi = _N_RANGE
    if not lo <= args.n <= hi:
        raise ValueError(message("--n", f"an integer from {lo} to {hi}", args.n))
    if args.example is not None and problem not in _WITH_EXAMPLE:
        raise ValueError(
            message(
                "--example",
                f"given only with {' or '.join(_WITH_EXAMPLE)}",
                f"--example {args.example} with {problem}",
            )
        )
    if not (math.isfinite(args.noise) and args.noise >= 0):
        raise ValueError(message("--noise", "a finite number ≥ 0", args.noise))
    if args.seed < 0:
        raise ValueError(message("--seed", "a non-negative integer", args.seed))
    if not (math.isfinite(args.tau) and args.tau > 0):
        raise ValueError(message("--tau", "a positive finite number", args.tau))
    methods = _parse_methods(args.method)
    _check_plot_file(args.plot, args.force)
    if args.plot is not None:
        _figure_class()  # without matplotlib, fail before any work
    example = None if problem not in _WITH_EXAMPLE else (args.example or 1)
    return _Setup(
        problem, args.n, example, args.noise, args.seed, methods, args.regularizer, args.tau
    )


def _build_problem(setup: _Setup) -> tuple[FloatArray, FloatArray, FloatArray]:
    """(A, b_exact, x_exact); a broken size rule is reported as a rule of --n."""
    from ridgeway.inverse import problems

    make = getattr(problems, setup.problem)
    kwargs = {} if setup.example is None else {"example": setup.example}
    try:
        A, b, x = make(setup.n, **kwargs)
    except ValueError as exc:
        text = str(exc)
        if text.startswith("n must"):
            raise ValueError("--" + text) from None
        raise
    return np.asarray(A), np.asarray(b), np.asarray(x)


# --- solving --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Row:
    """One rule's outcome: its λ, error and diagnostic, or why it failed."""

    method: str
    lam: float | None
    error: float | None
    reliable: bool | None
    diagnostic: str
    x: FloatArray | None


def _shorten(text: str, *, first_clause: bool = True, width: int = _DIAGNOSTIC_WIDTH) -> str:
    """A message in brief: its first sentence (and clause) without parenthetical details."""
    text = " ".join(text.split())
    if text.startswith("UNRELIABLE: "):  # the reliable column says so
        text = text[len("UNRELIABLE: ") :]
    text = text.split(". ")[0].rstrip(".")
    previous = None
    while previous != text:  # innermost first, so nested parentheses go too
        previous = text
        text = re.sub(r"\s\([^()]*\)", "", text)
    if first_clause:
        text = text.split("; ")[0]
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def _relative_error(x: FloatArray, x_exact: FloatArray) -> float:
    return float(np.linalg.norm(x - x_exact) / np.linalg.norm(x_exact))


def _failed(method: str, exc: Exception) -> _Row:
    return _Row(method, None, None, None, _shorten(str(exc), first_clause=False, width=240), None)


def _solve_all(
    A: FloatArray, bn: FloatArray, x_exact: FloatArray, setup: _Setup, noise_norm: float
) -> tuple[list[_Row], Any]:
    """Each rule's row, and the TikhonovResult whose grid, path and Picard check they share.

    One decomposition serves every rule: :func:`~ridgeway.inverse.tikhonov` runs once (with a
    rule that needs no noise norm) and each requested rule is applied to its path, then x_λ is
    ``solution_at(λ)``, which is what ``tikhonov(..., method=rule)`` computes (same grid, same
    path, same rule), at a fifth of the cost.
    """
    from ridgeway.inverse import choice as rules
    from ridgeway.inverse import tikhonov

    def discrepancy(path: Any) -> Any:
        return rules.discrepancy(path, noise_norm, tau=setup.tau)

    rule = {
        "lcurve": rules.lcurve,
        "gcv": rules.gcv,
        "discrepancy": discrepancy,
        "quasi": rules.quasi_optimality,
        "ncp": rules.ncp,
    }
    first = [m for m in setup.methods if m != "discrepancy"]
    first += [m for m in METHODS if m not in first and m != "discrepancy"]
    rows: list[_Row] = []
    base: Any = None
    failure: Exception = ValueError("no rule could be computed")
    with warnings.catch_warnings():
        # the rules' doubts are in the table (reliable, diagnostic); not repeated as warnings
        warnings.simplefilter("ignore", rules.ChoiceWarning)
        for method in first:
            try:
                base = tikhonov(A, bn, L=setup.regularizer, method=method)
                break
            except (ValueError, ArithmeticError) as exc:
                failure = exc
        for method in setup.methods:
            if base is None:
                rows.append(_failed(method, failure))
                continue
            try:
                choice = rule[method](base.path)
            except (ValueError, ArithmeticError) as exc:
                rows.append(_failed(method, exc))
                continue
            lam = float(choice.lam)
            x = base.solution_at(lam)
            err = _relative_error(x, x_exact)
            rows.append(
                _Row(method, lam, err, bool(choice.reliable), _shorten(choice.diagnostic), x)
            )
    return rows, base


def _grid_errors(base: Any, x_exact: FloatArray) -> FloatArray:
    """‖x_λ − x_exact‖ / ‖x_exact‖ for every λ of the grid."""
    return np.array([_relative_error(base.solution_at(lam), x_exact) for lam in base.path.lambdas])


# --- output ---------------------------------------------------------------------------------------


def _table(rows: Sequence[_Row], best: float | None, diagnostics: bool) -> Table:
    """The "λ by rule" table (with the diagnostics as its last column when ``diagnostics``)."""
    table = Table(
        title="λ by rule",
        box=box.SIMPLE_HEAD,
        title_justify="left",
        title_style="bold",
    )
    table.add_column("rule", no_wrap=True)
    table.add_column("λ", justify="right", no_wrap=True)
    table.add_column("relative error", justify="right", no_wrap=True)
    table.add_column("error / best", justify="right", no_wrap=True)
    table.add_column("reliable", no_wrap=True)
    if diagnostics:
        table.add_column("diagnostic", overflow="fold")
    for row in rows:
        note = [Text(row.diagnostic)] if diagnostics else []
        if row.lam is None or row.error is None:
            table.add_row(row.method, "—", "—", "—", "failed", *note)
            continue
        ratio = "—" if best is None or best == 0 else _num(row.error / best)
        reliable = "yes" if row.reliable else "no"
        table.add_row(row.method, _num(row.lam), _num(row.error), ratio, reliable, *note)
    return table


def _header(setup: _Setup, noise_norm: float, solver: str | None) -> list[str]:
    """Two lines: the problem and its noise; the regularization."""
    example = "" if setup.example is None else f" example {setup.example}"
    how = f"L = {setup.regularizer}" + ("" if solver is None else f", solver {solver}")
    if "discrepancy" in setup.methods:
        how += f", discrepancy τ = {setup.tau:g}"
    return [
        f"problem: {setup.problem}{example}, n = {setup.n}; relative noise {setup.noise:g} "
        f"(‖e‖ = {noise_norm:.4g}, seed {setup.seed})",
        f"Tikhonov: {how}",
    ]


def run_inverse(args: argparse.Namespace, console: Console) -> int:
    """The ``inverse`` subcommand; returns the exit status (0)."""
    from ridgeway.inverse import problems

    setup = _setup(args)
    A, b, x_exact = _build_problem(setup)
    bn = problems.add_noise(b, setup.noise, seed=setup.seed)
    noise_norm = setup.noise * float(np.linalg.norm(b))
    rows, base = _solve_all(A, bn, x_exact, setup, noise_norm)

    for line in _header(setup, noise_norm, None if base is None else base.solver):
        console.print(Text(line))
    console.print()
    best: float | None = None
    errors: FloatArray | None = None
    if base is not None:
        errors = _grid_errors(base, x_exact)
        best = float(errors.min())
    # the diagnostics go in the table where it is wide enough to read them, else under it
    wide = console.width >= _WIDE_TABLE
    console.print(_table(rows, best, diagnostics=wide))
    if not wide:
        console.print(Text("diagnostics (shortened):"))
        for row in rows:
            console.print(Text(f"  {row.method}: {row.diagnostic}"))
        console.print()
    if base is None or errors is None:
        console.print(Text("best achievable error: unavailable (no rule could be computed)"))
    else:
        lambdas = base.path.lambdas
        i = int(np.argmin(errors))
        console.print(
            Text(
                f"best achievable error over the λ grid: {_num(float(errors[i]))} at "
                f"λ = {_num(float(lambdas[i]))} ({lambdas.size} values of λ from "
                f"{lambdas[0]:.3g} to {lambdas[-1]:.3g})"
            )
        )
        holds, detail = base.picard
        verdict = "holds" if holds else "not confirmed"
        console.print(Text(f"discrete Picard condition: {verdict} — {detail}"))
    if args.plot is not None:
        if base is None or errors is None:
            raise ValueError(message("--plot", "given when some rule can be computed", "none"))
        _plot(args.plot, setup, A, bn, x_exact, rows, base, errors)
        console.print(Text(f"plot written to {args.plot}"))
    return 0


# --- the figure ---------------------------------------------------------------------------------


def _figure_class() -> Any:
    """matplotlib's Figure (imported only for --plot), or a clear error without matplotlib."""
    try:
        from matplotlib.figure import Figure
    except ImportError:
        raise ValueError(
            "--plot needs matplotlib: install ridgeway[report] (pip install 'ridgeway[report]')"
        ) from None
    return Figure


def _plot(
    path: str,
    setup: _Setup,
    A: FloatArray,
    bn: FloatArray,
    x_exact: FloatArray,
    rows: Sequence[_Row],
    base: Any,
    errors: FloatArray,
) -> None:
    """A 1×2 PNG: the L-curve with each rule's point, and x_exact with the reconstructions."""
    Figure = _figure_class()
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from ridgeway.inverse import difference_operator

    n = x_exact.size
    Lmat = (
        None
        if setup.regularizer == "identity"
        else difference_operator(n, 1 if setup.regularizer == "first" else 2)
    )

    def seminorm(x: FloatArray) -> float:
        return float(np.linalg.norm(x if Lmat is None else Lmat @ x))

    fig = Figure(figsize=(12, 4.8), layout="constrained")
    FigureCanvasAgg(fig)
    ax_l, ax_x = fig.subplots(1, 2)
    pth = base.path
    ax_l.loglog(pth.residual_norm, pth.solution_norm, color="0.3", lw=1.2, label="L-curve")
    markers = "osD^v"
    for k, row in enumerate(rows):
        if row.x is None or row.lam is None:
            continue
        rho = float(np.linalg.norm(A @ row.x - bn))
        ax_l.loglog(
            [rho],
            [seminorm(row.x)],
            markers[k % len(markers)],
            ms=8,
            mfc="none",
            mew=1.8,
            label=f"{row.method}: λ = {row.lam:.3g}",
        )
    i = int(np.argmin(errors))
    x_best = base.solution_at(float(pth.lambdas[i]))
    ax_l.loglog(
        [float(np.linalg.norm(A @ x_best - bn))],
        [seminorm(x_best)],
        "*",
        color="k",
        ms=11,
        label=f"best on the grid: λ = {pth.lambdas[i]:.3g}",
    )
    ax_l.set_xlabel("residual norm ‖A x_λ − b‖")
    ax_l.set_ylabel("solution norm ‖x_λ‖" if Lmat is None else "solution seminorm ‖L x_λ‖")
    ax_l.set_title("L-curve")
    ax_l.legend(fontsize=8)

    t = np.arange(1, n + 1)
    lo, hi = float(x_exact.min()), float(x_exact.max())
    pad = 0.5 * (hi - lo) if hi > lo else 1.0
    ax_x.plot(t, x_exact, color="k", lw=2.2, label="exact")
    for row in rows:
        if row.x is None or row.error is None:
            continue
        # a wild reconstruction is drawn faintly and must not set the scale
        wild = bool(np.abs(row.x - x_exact).max() > 4 * pad)
        ax_x.plot(
            t,
            row.x,
            lw=0.8 if wild else 1.3,
            alpha=0.35 if wild else 1.0,
            label=f"{row.method}: error {row.error:.3g}" + (" (off the scale)" if wild else ""),
        )
    ax_x.set_ylim(lo - pad, hi + pad)
    ax_x.set_xlabel("index i")
    ax_x.set_ylabel("x_i")
    ax_x.set_title("exact solution and reconstructions")
    ax_x.legend(fontsize=8)
    example = "" if setup.example is None else f" example {setup.example}"
    fig.suptitle(
        f"{setup.problem}{example}, n = {n}, relative noise {setup.noise:g}, "
        f"L = {setup.regularizer}"
    )
    fig.savefig(path, format="png", dpi=110)
