"""Sparse X: RidgeCV(cv="gcv") on a 1,000,000 × 10,000 CSR matrix at 0.1 % density.

Builds the matrix (seeded: exactly 10 nonzeros per row at random columns, standard normal values,
a planted dense β and Gaussian noise), fits ``RidgeCV(cv="gcv")`` and prints the wall time, the
peak of numpy allocations during the fit (tracemalloc) and the process's peak resident memory,
against the 80 GB a dense n×p float64 copy of X would take (and the 8 TB of a dense n×n). Then:

- ``--compare``: scikit-learn's RidgeCV (its GCV forms the dense p×p Gram of the sparse X and
  eigendecomposes it) against ridgeway on a smaller matrix of the same kind, same α grid,
  printing both times, the ratio and both chosen α;
- ``--cg-batch``: one batched CG solve of 1 target + 16 probes against
  ``scipy.sparse.linalg.cg`` run column by column on the same operator.

Usage::

    python benchmarks/bench_sparse.py                  # the 1e6 × 1e4 must-show (minutes)
    python benchmarks/bench_sparse.py --quick          # 100,000 × 5,000, seconds
    python benchmarks/bench_sparse.py --compare --cg-batch --skip-main
"""

from __future__ import annotations

import argparse
import resource
import time
import tracemalloc
from typing import Any

import numpy as np
import scipy.sparse as sp


def build(n: int, p: int, per_row: int, seed: int) -> tuple[Any, np.ndarray, np.ndarray]:
    """CSR X with ``per_row`` nonzeros per row (density per_row/p), y = Xβ + noise."""
    rng = np.random.default_rng(seed)
    indptr = np.arange(0, n * per_row + 1, per_row, dtype=np.int64)
    indices = rng.integers(0, p, size=n * per_row).astype(np.int32)
    data = rng.standard_normal(n * per_row)
    X = sp.csr_matrix((data, indices, indptr), shape=(n, p))
    X.sum_duplicates()  # a repeated column within a row (rare) becomes one entry
    beta = rng.standard_normal(p)
    y = np.asarray(X @ beta) + 3.0 * rng.standard_normal(n)
    return X, y, beta


def rss_mib() -> float:
    """Peak resident set size of this process so far, MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def main_case(n: int, p: int, per_row: int, seed: int) -> None:
    from ridgeway import RidgeCV

    t0 = time.perf_counter()
    X, y, beta = build(n, p, per_row, seed)
    t_build = time.perf_counter() - t0
    x_bytes = X.data.nbytes + X.indices.nbytes + X.indptr.nbytes
    print(
        f"X: {n:,} × {p:,} CSR, nnz {X.nnz:,} (density {X.nnz / (n * p):.4%}), "
        f"{x_bytes / 2**20:,.0f} MiB stored; built in {t_build:.1f} s"
    )
    dense_np = 8.0 * n * p
    dense_nn = 8.0 * n * n
    rss_before = rss_mib()
    tracemalloc.start()
    t0 = time.perf_counter()
    model = RidgeCV(cv="gcv").fit(X, y)
    wall = time.perf_counter() - t0
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    res = model.cv_results_
    i = int(np.searchsorted(res["alphas"], model.alpha_))
    print(
        f"RidgeCV(cv='gcv') route: {'cg' if 'df_se' in res else 'spectral'}; "
        f"{res['alphas'].size} α values, CG iterations per α {res.get('iterations')}"
    )
    print(f"fit wall time           {wall:,.1f} s")
    print(
        f"tracemalloc peak (fit)  {peak / 2**20:,.0f} MiB "
        f"= {peak / dense_np:.2e} of a dense n×p ({dense_np / 1e9:,.0f} GB), "
        f"{peak / dense_nn:.1e} of a dense n×n ({dense_nn / 1e12:,.0f} TB)"
    )
    print(
        f"peak RSS                {rss_before:,.0f} MiB before the fit (data), "
        f"{rss_mib():,.0f} MiB after"
    )
    print(f"below 1 % of a dense n×p: {peak < 0.01 * dense_np}")
    print(
        f"chosen α                {model.alpha_:.6g} (grid {res['alphas'][0]:.3g} … "
        f"{res['alphas'][-1]:.3g}), df {model.df_:.2f}"
    )
    if "df_se" in res:
        print(
            f"tr H estimate           {res['df'][i]:.3f} ± {res['df_se'][i]:.3f} (s.e., "
            f"{res['n_probes']} Rademacher probes); GCV {res['mean'][i]:.6g} "
            f"± {res['mean_se'][i]:.2g} from the trace estimate"
        )
        near = res["mean"][max(i - 1, 0) : i + 2]
        print(f"GCV at neighbouring α   {np.array2string(near, precision=8)}")
    err = np.linalg.norm(model.coef_ - beta) / np.linalg.norm(beta)
    print(f"relative error of the fitted β against the planted one: {err:.3f}")


def compare(seed: int) -> None:
    from sklearn.linear_model import RidgeCV as SkRidgeCV

    from ridgeway import RidgeCV
    from ridgeway.core.sparse_solvers import iterative_alphas

    n, p, per_row = 200_000, 5_000, 5
    X, y, _ = build(n, p, per_row, seed)
    grid = iterative_alphas(X, None, np.ones(p), True, n_alphas=30)
    print(f"\ncomparison on {n:,} × {p:,}, nnz {X.nnz:,}, the same {grid.size}-value α grid")
    t0 = time.perf_counter()
    ours = RidgeCV(alphas=grid, cv="gcv").fit(X, y)
    t_ours = time.perf_counter() - t0
    print(f"ridgeway RidgeCV(cv='gcv')   {t_ours:8.1f} s   α = {ours.alpha_:.6g}", flush=True)
    t0 = time.perf_counter()
    theirs = SkRidgeCV(alphas=grid).fit(X, y)  # its default is GCV (efficient LOO)
    t_sk = time.perf_counter() - t0
    print(f"sklearn  RidgeCV (GCV/LOO)   {t_sk:8.1f} s   α = {theirs.alpha_:.6g}")
    print(f"ratio sklearn / ridgeway     {t_sk / t_ours:8.2f}")
    rel = np.abs(ours.coef_ - theirs.coef_).max() / np.abs(theirs.coef_).max()
    print(f"max |Δcoef| / max |coef|     {rel:.2e} (sklearn's criterion is LOO, ours GCV)")


def cg_batch(seed: int) -> None:
    from scipy.sparse.linalg import LinearOperator, cg

    from ridgeway.core.moments import column_means
    from ridgeway.core.sparse_solvers import CentredGram, batched_cg

    n, p, per_row, m = 200_000, 5_000, 5, 17
    X, y, _ = build(n, p, per_row, seed)
    xm, ym = column_means(X, y[:, None], None)
    gram = CentredGram(X, None, xm)
    rng = np.random.default_rng(1)
    B = np.column_stack([gram.rhs(y[:, None] - ym), rng.choice([-1.0, 1.0], (p, m - 1))])
    alpha = 1.0
    t0 = time.perf_counter()
    sol, it, _ = batched_cg(gram, B, np.full((p, m), alpha), tol=1e-10)
    t_batch = time.perf_counter() - t0
    op = LinearOperator(
        (p, p), matvec=lambda v: gram.apply(v.reshape(p, 1))[:, 0] + alpha * v, dtype=float
    )
    diag = LinearOperator((p, p), matvec=lambda v: v / (gram.diag + alpha), dtype=float)
    t0 = time.perf_counter()
    cols = [cg(op, B[:, j], rtol=1e-10, M=diag)[0] for j in range(m)]
    t_col = time.perf_counter() - t0
    diff = np.abs(np.column_stack(cols) - sol).max() / np.abs(sol).max()
    print(
        f"\nbatched CG, {m} columns on {n:,} × {p:,}: {t_batch:.2f} s ({it} iterations); "
        f"scipy cg column by column {t_col:.2f} s; ratio {t_col / t_batch:.1f}; "
        f"max rel. difference {diff:.1e}"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--p", type=int, default=10_000)
    ap.add_argument("--per-row", type=int, default=10, help="nonzeros per row (density = /p)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--quick", action="store_true", help="100,000 × 5,000 instead")
    ap.add_argument("--skip-main", action="store_true")
    ap.add_argument("--compare", action="store_true", help="scikit-learn on 200,000 × 5,000")
    ap.add_argument("--cg-batch", action="store_true", help="batched CG vs scipy cg")
    args = ap.parse_args()
    n, p, per_row = (100_000, 5_000, 5) if args.quick else (args.n, args.p, args.per_row)
    if not args.skip_main:
        main_case(n, p, per_row, args.seed)
    if args.compare:
        compare(args.seed)
    if args.cg_batch:
        cg_batch(args.seed)


if __name__ == "__main__":
    main()
