"""Time the interactive report against the RidgeCV fit it is built around, and size the page.

Data: n = 100,000 × p = 500 float64 standard normal (fixed seed), y = X w + noise. Each round
times, back to back in rotating order:

- ``RidgeCV().fit(X, y)`` (default grid of 100 α, exact leave-one-out): the floor;
- ``ridgeway.report.build(X, y)``: the whole page (one factorization from the 5-fold data
  pass, exact leave-one-out, 5-fold, GCV, evidence, HKB and L-W choices, coefficient paths of
  every feature over the grid, bias–variance, constraint geometry, Plotly embedded).

Targets: report time / fit time < 2 (median over rounds) and the page under 10 MB.

Run from the repository root::

    python benchmarks/bench_report.py              # full size, 3 rounds
    python benchmarks/bench_report.py --quick      # 20,000 × 100, a smoke run
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
from rich.console import Console

if __package__:
    from ._timing import (
        add_common_arguments,
        environment,
        print_environment,
        print_results,
        run_interleaved,
        write_json,
    )
else:  # run as a script
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from _timing import (  # type: ignore[no-redef]
        add_common_arguments,
        environment,
        print_environment,
        print_results,
        run_interleaved,
        write_json,
    )

from ridgeway.linear_model import RidgeCV
from ridgeway.report import build

TIME_TARGET = 2.0
SIZE_TARGET_MB = 10.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="20,000 × 100 instead of 100,000 × 500"
    )
    add_common_arguments(parser)
    parser.set_defaults(rounds=3)
    args = parser.parse_args()
    console = Console(highlight=False)
    env = environment(("numpy", "scipy", "scikit-learn", "plotly"))
    print_environment(console, env)
    n, p = (20_000, 100) if args.quick else (100_000, 500)
    rng = np.random.default_rng(0)
    X = rng.standard_normal((n, p))
    y = X @ (rng.standard_normal(p) / np.sqrt(p)) + rng.standard_normal(n)
    res = run_interleaved(
        "report",
        ("RidgeCV().fit", lambda: RidgeCV().fit(X, y)),
        [("report.build", lambda: build(X, y))],
        rounds=args.rounds,
        warmup=args.warmup,
        description=f"{n:,} × {p}",
        console=console,
    )
    report = res.outputs["report.build"]
    size_mb = len(report.html.encode("utf-8")) / 1e6
    ratio = res.contenders[0].median_ratio
    res.notes.update(
        {
            "page size (MB)": f"{size_mb:.2f} (target < {SIZE_TARGET_MB:g}; Plotly's JavaScript "
            "is about 4.8 MB of it)",
            "time ratio report / fit": f"{ratio:.2f} (target < {TIME_TARGET:g}): "
            + ("met" if ratio < TIME_TARGET else "NOT met"),
            "size": "met" if size_mb < SIZE_TARGET_MB else "NOT met",
        }
    )
    # the report's own α choice is RidgeCV's
    fit = res.outputs["RidgeCV().fit"]
    loo = next(c for c in report.data["criteria"] if c["key"] == "loo-min")
    ok = bool(np.isclose(loo["alpha"], fit.alpha_, rtol=1e-10))
    res.notes["check: report's LOO α equals RidgeCV's"] = "yes" if ok else "NO"
    print_results(console, [res], args.rounds)
    if args.json:
        write_json(args.json, env, [res], {"n": n, "p": p, "rounds": args.rounds})
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
