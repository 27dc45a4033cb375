"""Time ridgeway's Dask fits against its in-memory fits and peers, relative to a Gram product.

Data: float64 standard normal X (fixed seed), n = 400,000 × p = 100 (``--quick``: 40,000 × 50),
two targets Y = X @ W + noise; the Dask array has 16 row chunks (``--chunks``) and is persisted
(in memory on the scheduler's workers) before timing, so that the times measure the fit, not
the creation of the data.

Cases (floor ``X.T @ X`` on the NumPy array, timed in the same round):

- ``ridge``: ``Ridge(alpha=1)`` — one pass;
- ``loo``: ``RidgeCV()`` exact leave-one-out over 50 α — two passes; scikit-learn's
  ``RidgeCV(alphas)`` in memory as the peer;
- ``kfold``: ``RidgeCV(cv=5)`` — one pass with per-fold statistics (in memory with
  ``cv=HashKFold(5)``, the same folds);
- with dask-ml installed, its ``LinearRegression(penalty="l2", solver="lbfgs")`` on the Dask
  array joins the ``ridge`` case.

Contenders per case: in memory (NumPy), Dask with the threaded scheduler, and (``--cluster``)
Dask on a ``distributed.LocalCluster`` of 2 worker processes × 1 thread. Each case checks
that every Dask fit equals the in-memory fit (coefficients to 1e-8 relative) and the script
exits with status 1 on a mismatch.

Run from the repository root::

    python benchmarks/bench_dask.py --quick
    python benchmarks/bench_dask.py --cluster --rounds 5 --json dask.json
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

import numpy as np
from rich.console import Console

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

SEED = 0
ALPHAS = np.logspace(-2, 4, 50)
SIZES = {"quick": (40_000, 50), "full": (400_000, 100)}


def make_data(n: int, p: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(SEED)
    X = rng.standard_normal((n, p))
    Y = X @ rng.standard_normal((p, 2)) + 5.0 * rng.standard_normal((n, 2))
    return X, Y


def _estimators(case: str) -> tuple[Callable[[], Any], Callable[[], Any]]:
    """(in-memory estimator, Dask estimator) factories for a case."""
    from ridgeway import Ridge, RidgeCV
    from ridgeway.selection.folds import HashKFold

    if case == "ridge":
        return (lambda: Ridge(alpha=1.0)), (lambda: Ridge(alpha=1.0))
    if case == "loo":
        return (lambda: RidgeCV(ALPHAS)), (lambda: RidgeCV(ALPHAS))
    return (lambda: RidgeCV(ALPHAS, cv=HashKFold(5))), (lambda: RidgeCV(ALPHAS, cv=5))


def run_case(
    case: str,
    X: np.ndarray,
    Y: np.ndarray,
    dX: Any,
    dY: Any,
    cluster_data: tuple[Any, Any, Any] | None,
    args: argparse.Namespace,
    console: Console,
) -> CaseResult:
    import dask

    mem, dsk = _estimators(case)

    def threads() -> Any:
        with dask.config.set(scheduler="threads"):
            return dsk().fit(dX, dY)

    contenders: list[tuple[str, Callable[[], Any]]] = [
        ("ridgeway numpy", lambda: mem().fit(X, Y)),
        ("ridgeway dask threads", threads),
    ]
    if cluster_data is not None:
        client, cX, cY = cluster_data

        def on_cluster() -> Any:
            with client.as_current():
                return dsk().fit(cX, cY)

        contenders.append(("ridgeway dask LocalCluster(2)", on_cluster))
    if case == "loo":
        from sklearn.linear_model import RidgeCV as SkRidgeCV

        contenders.append(("scikit-learn RidgeCV numpy", lambda: SkRidgeCV(ALPHAS).fit(X, Y)))
    if case == "ridge":
        try:
            from dask_ml.linear_model import LinearRegression
        except ImportError:
            pass
        else:

            def dask_ml() -> Any:
                with dask.config.set(scheduler="threads"):
                    return LinearRegression(penalty="l2", C=1.0, solver="lbfgs").fit(dX, dY[:, 0])

            contenders.append(("dask-ml LinearRegression(l2, lbfgs)", dask_ml))
    res = run_interleaved(
        case,
        ("X.T @ X", lambda: X.T @ X),
        contenders,
        rounds=args.rounds,
        warmup=max(args.warmup, 1),
        description=f"n={X.shape[0]:,} x p={X.shape[1]}, {dX.numblocks[0]} chunks",
        console=console,
    )
    ref = res.outputs["ridgeway numpy"].coef_
    ok = True
    for name, out in res.outputs.items():
        if name.startswith("ridgeway dask"):
            err = float(np.max(np.abs(out.coef_ - ref)) / np.max(np.abs(ref)))
            res.notes[f"{name}: max relative coef difference"] = f"{err:.1e}"
            ok = ok and err < 1e-8
    res.notes["checks passed"] = ok
    return res


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="n=40,000 x p=50, a smoke run")
    parser.add_argument("--case", choices=["ridge", "loo", "kfold", "all"], default="all")
    parser.add_argument("--chunks", type=int, default=16, help="row chunks (default 16)")
    parser.add_argument(
        "--cluster", action="store_true", help="also time on a LocalCluster of 2 processes"
    )
    add_common_arguments(parser)
    parser.set_defaults(rounds=5)
    args = parser.parse_args(argv)

    import dask.array as da

    console = Console()
    env = environment(("numpy", "scipy", "scikit-learn", "dask", "distributed"))
    print_environment(console, env)
    n, p = SIZES["quick" if args.quick else "full"]
    X, Y = make_data(n, p)
    rows = -(-n // args.chunks)
    dX = da.from_array(X, chunks=(rows, p)).persist(scheduler="threads")
    dY = da.from_array(Y, chunks=(rows, 2)).persist(scheduler="threads")
    client = cluster = cluster_data = None
    if args.cluster:
        import distributed

        cluster = distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        )
        client = distributed.Client(cluster, set_as_default=False)
        cluster_data = (
            client,
            client.persist(da.from_array(X, chunks=(rows, p))),
            client.persist(da.from_array(Y, chunks=(rows, 2))),
        )
    cases = ["ridge", "loo", "kfold"] if args.case == "all" else [args.case]
    try:
        results = [run_case(c, X, Y, dX, dY, cluster_data, args, console) for c in cases]
    finally:
        if client is not None and cluster is not None:
            client.close()
            cluster.close()
    console.rule("results")
    print_results(console, results, args.rounds)
    failed = [r.case for r in results if r.notes.get("checks passed") is False]
    if failed:
        console.print(f"Correctness checks FAILED in: {', '.join(failed)}", style="bold red")
    if args.json:
        settings = {"seed": SEED, "size": (n, p), "chunks": args.chunks, "cluster": args.cluster}
        write_json(args.json, env, results, settings)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
