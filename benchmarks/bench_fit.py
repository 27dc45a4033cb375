"""Time ``ridgeway.Ridge.fit`` against scikit-learn's ``Ridge.fit``, relative to a Gram product.

Two cases, both with float64 standard normal X (fixed seed) and y = X @ w + noise:

- tall (n >> p): floor ``X.T @ X`` (p x p);
- wide (p >> n): floor ``X @ X.T`` (n x n). ``X.T @ X`` is never formed here (p x p is huge).

numpy evaluates both floors with one BLAS syrk call on the same buffer; any exact ridge fit
must do at least that much work, so ``fit time / floor time`` measures the overhead a solver
adds on top of the unavoidable product. Each round times the floor and every fit back to back
(see ``_timing.py``); the table reports the median of the per-round ratios.

Run from the repository root::

    python benchmarks/bench_fit.py                 # full sizes, 7 rounds
    python benchmarks/bench_fit.py --quick         # small sizes, smoke run
    python benchmarks/bench_fit.py --case wide --rounds 11 --json bench.json
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

import numpy as np
from rich.console import Console
from sklearn.linear_model import Ridge as SkRidge

if __package__:
    from ._timing import (
        CaseResult,
        add_common_arguments,
        environment,
        print_environment,
        print_results,
        run_interleaved,
        write_json,
    )
else:
    from _timing import (
        CaseResult,
        add_common_arguments,
        environment,
        print_environment,
        print_results,
        run_interleaved,
        write_json,
    )

ALPHA = 1.0
SEED = 0
RTOL = 1e-6
AGREE = f"ridgeway and sklearn agree (np.allclose, rtol={RTOL:g})"

# (n, p) per case; "quick" sizes are for a smoke run only.
SIZES: dict[str, dict[str, tuple[int, int]]] = {
    "full": {"tall": (100_000, 500), "wide": (2_000, 20_000)},
    "quick": {"tall": (20_000, 200), "wide": (500, 5_000)},
}


def make_data(n: int, p: int, seed: int = SEED) -> tuple[np.ndarray, np.ndarray]:
    """Standard normal X (n, p), y = X @ w + noise with w and noise standard normal."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    w = rng.standard_normal(p)
    y = X @ w + rng.standard_normal(n)
    return X, y


def _fit(estimator_factory: Callable[[], Any], X: np.ndarray, y: np.ndarray) -> Callable[[], Any]:
    return lambda: estimator_factory().fit(X, y)


def _import_ridgeway(console: Console) -> Any | None:
    try:
        from ridgeway import Ridge
    except ImportError as exc:
        console.print(
            f"ridgeway.Ridge is not importable ({exc}); timing scikit-learn only. "
            "Install the package first: pip install -e .",
            style="bold red",
            markup=False,
        )
        return None
    return Ridge


def _sanity(res: CaseResult, ours: str | None, theirs: str) -> None:
    """Compare ridgeway's and scikit-learn's fitted coefficients and intercepts."""
    if ours is None:
        res.notes[AGREE] = "skipped (ridgeway not importable)"
        return
    a, b = res.outputs[ours], res.outputs[theirs]
    coef_ok = bool(np.allclose(a.coef_, b.coef_, rtol=RTOL))
    icpt_ok = bool(np.allclose(a.intercept_, b.intercept_, rtol=RTOL))
    max_diff = float(np.max(np.abs(np.asarray(a.coef_) - np.asarray(b.coef_))))
    res.notes["ridgeway solver_"] = getattr(a, "solver_", "?")
    res.notes[AGREE] = coef_ok and icpt_ok
    res.notes["detail"] = f"coef_ {coef_ok}, intercept_ {icpt_ok}, max |coef diff| = {max_diff:.2e}"


def run_case(
    case: str,
    n: int,
    p: int,
    ridge_cls: Any | None,
    args: argparse.Namespace,
    console: Console,
) -> CaseResult:
    console.rule(f"{case}: n={n:,} x p={p:,}")
    X, y = make_data(n, p)
    if case == "tall":
        floor_name = "X.T @ X"

        def floor() -> np.ndarray:
            return X.T @ X

    else:
        floor_name = "X @ X.T"

        def floor() -> np.ndarray:
            return X @ X.T

    contenders: list[tuple[str, Callable[[], Any]]] = []
    ours = None
    if ridge_cls is not None:
        ours = "ridgeway Ridge.fit"
        contenders.append((ours, _fit(lambda: ridge_cls(alpha=ALPHA), X, y)))
    theirs = "sklearn Ridge.fit"
    contenders.append((theirs, _fit(lambda: SkRidge(alpha=ALPHA), X, y)))

    res = run_interleaved(
        case,
        (floor_name, floor),
        contenders,
        rounds=args.rounds,
        warmup=max(args.warmup, 1),  # the warm-up fits feed the agreement check
        description=f"n={n:,} x p={p:,} float64, alpha={ALPHA}",
        console=console,
    )
    _sanity(res, ours, theirs)
    return res


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    parser.add_argument("--case", choices=["tall", "wide", "all"], default="all")
    add_common_arguments(parser)
    args = parser.parse_args(argv)

    console = Console()
    env = environment()
    print_environment(console, env)
    ridge_cls = _import_ridgeway(console)

    sizes = SIZES["quick" if args.quick else "full"]
    cases = ["tall", "wide"] if args.case == "all" else [args.case]
    results = [run_case(case, *sizes[case], ridge_cls, args, console) for case in cases]

    console.rule("results")
    print_results(console, results, args.rounds)
    if args.json:
        settings = {
            "alpha": ALPHA,
            "seed": SEED,
            "rounds": args.rounds,
            "warmup": max(args.warmup, 1),
            "quick": args.quick,
            "sizes": {case: sizes[case] for case in cases},
        }
        write_json(args.json, env, results, settings)
        console.print(f"JSON written to {args.json}")
    agree = [r.notes.get(AGREE) for r in results]
    return 1 if any(a is False for a in agree) else 0


if __name__ == "__main__":
    sys.exit(main())
