"""Time the core (Moments → Spectrum → GCV) on NumPy arrays and on PyTorch CPU tensors.

The same functions run on both: ``Moments.from_array``, ``spectrum_from_moments`` and ``gcv``
take the array namespace of their input (NumPy by default, PyTorch through array-api-compat).
The case is n = 200,000 × p = 200 float64 standard normal X (fixed seed), 2 targets, a grid
of 50 α; the floor is the Gram product ``X.T @ X`` of the same NumPy array, timed in the same
round. The figures to read:

- ``numpy`` against the floor: the NumPy path must not get slower with array-API support (the
  chunked accumulator still runs BLAS ``syrk`` on the caller's rows). Run the script on the
  revision before the change with ``--backends numpy`` to compare the ratio;
- ``torch-cpu`` against ``numpy``: the price (or gain) of keeping tensors in PyTorch.

Each run also checks that both backends give the same GCV curve (relative difference below
1e-10) and exits with status 1 otherwise.

Run from the repository root::

    python benchmarks/bench_backend.py                   # 200,000 × 200, 5 rounds
    python benchmarks/bench_backend.py --quick           # 20,000 × 50, smoke run
    python benchmarks/bench_backend.py --backends numpy  # NumPy only (e.g. on an older revision)
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

import numpy as np
from rich.console import Console

try:
    from benchmarks._timing import (
        add_common_arguments,
        environment,
        print_environment,
        print_results,
        run_interleaved,
        write_json,
    )
except ImportError:  # run as a script from the benchmarks folder
    from _timing import (  # type: ignore[no-redef]
        add_common_arguments,
        environment,
        print_environment,
        print_results,
        run_interleaved,
        write_json,
    )

from ridgeway.core.moments import Moments
from ridgeway.core.spectrum import spectrum_from_moments
from ridgeway.selection.gcv import gcv


def pipeline(X: Any, Y: Any, alphas: np.ndarray) -> Any:
    """Moments of (X, Y), the eigh spectrum and the GCV curve over ``alphas``."""
    m = Moments.from_array(X, Y)
    spec = spectrum_from_moments(m, np.ones(X.shape[1]))
    return gcv(spec, alphas).mean


def _as_numpy(a: Any) -> np.ndarray:
    return a.detach().cpu().numpy() if hasattr(a, "detach") else np.asarray(a)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_common_arguments(parser)
    parser.add_argument("--quick", action="store_true", help="20,000 × 50 instead")
    parser.add_argument(
        "--backends",
        default="numpy,torch",
        help="comma-separated: numpy, torch (default both)",
    )
    parser.set_defaults(rounds=5)
    args = parser.parse_args(argv)
    console = Console()
    env = environment(("numpy", "scipy", "torch", "array-api-compat"))
    print_environment(console, env)

    n, p = (20_000, 50) if args.quick else (200_000, 200)
    rng = np.random.default_rng(0)
    X = rng.standard_normal((n, p))
    Y = X[:, :2] @ np.array([[1.0, 0.5], [-1.0, 2.0]]) + rng.standard_normal((n, 2))
    alphas = np.geomspace(1e-2, 1e4, 50) * n / 100

    contenders: list[tuple[str, Callable[[], Any]]] = []
    backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    if "numpy" in backends:
        contenders.append(("numpy", lambda: pipeline(X, Y, alphas)))
    if "torch" in backends:
        try:
            import torch
        except ImportError:
            console.print("torch is not installed: NumPy only")
        else:
            Xt, Yt = torch.from_numpy(X), torch.from_numpy(Y)
            contenders.append(("torch-cpu", lambda: pipeline(Xt, Yt, alphas)))
    if not contenders:
        parser.error("--backends must name numpy and/or torch")

    res = run_interleaved(
        "core",
        ("gram X.T @ X", lambda: X.T @ X),
        contenders,
        rounds=args.rounds,
        warmup=args.warmup,
        description=f"Moments + eigh spectrum + GCV (50 α), n={n:,} × p={p}, 2 targets",
        console=console,
    )
    status = 0
    if "numpy" in res.outputs and "torch-cpu" in res.outputs:
        ref = _as_numpy(res.outputs["numpy"])
        got = _as_numpy(res.outputs["torch-cpu"])
        rel = float(np.max(np.abs(got - ref) / np.abs(ref)))
        res.notes["torch vs numpy GCV, max relative difference"] = f"{rel:.2e}"
        times = {t.name: t.median_seconds for t in res.contenders}
        res.notes["torch-cpu / numpy (median times)"] = f"{times['torch-cpu'] / times['numpy']:.2f}"
        if not rel < 1e-10:
            status = 1
    print_results(console, [res], args.rounds)
    if args.json:
        write_json(args.json, env, [res], {"n": n, "p": p, "rounds": args.rounds})
    return status


if __name__ == "__main__":
    sys.exit(main())
