"""The choice of ridge route for sparse X, and the iterative solvers ``cg`` and ``lsqr``.

Sparse X never goes through a route that densifies it (the ``svd`` route copies X whole):

- p ≤ :data:`~ridgeway.core.sparse_solvers.ITERATIVE_MIN_FEATURES`, tall: the Gram routes
  (``cholesky`` for a few α, ``eigh`` for more) on the sparse Gram of
  :mod:`ridgeway.core.sparse`; wide (p > n): the kernel routes, with X read by dense blocks of
  columns. When that system is ill-conditioned (condition number above ``COND_MAX``), or
  singular, ``auto`` moves to ``lsqr``, which works on X itself and does not square its
  condition number (α = 0 on a singular design is an error).
- more features: ``cg`` (:mod:`ridgeway.core.sparse_solvers`).
- ``solver="svd"`` asks for the accurate route; for sparse X that is ``lsqr`` (recorded as the
  solver used), since the SVD would need a dense copy of X.

``cg`` and ``lsqr`` also accept dense X.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import LinearOperator, lsqr

from ridgeway._typing import FloatArray
from ridgeway.core.moments import column_means
from ridgeway.core.solvers import (
    COND_MAX,
    SOLVERS,
    ConditioningWarning,
    RidgeProblem,
    RidgeSolution,
    SingularDesignError,
    solve,
)
from ridgeway.core.sparse_solvers import (
    COEF_TOL,
    ITERATIVE_MIN_FEATURES,
    N_PROBES,
    PROBE_TOL,
    CentredGram,
    batched_cg,
    trace_probes,
    warn_unconverged,
)

__all__ = ["ITERATIVE_SOLVERS", "solve_any", "solve_iterative"]

ITERATIVE_SOLVERS = ("cg", "lsqr")


def _iterative(problem: RidgeProblem, alpha: FloatArray, method: str) -> RidgeSolution:
    coef, icpt, df = solve_iterative(
        problem.X,
        problem.y,
        problem.sample_weight,
        problem.penalty,
        problem.fit_intercept,
        alpha,
        method,
    )
    return RidgeSolution(coef, icpt, df, method, float("nan"))


def solve_any(problem: RidgeProblem, alpha: FloatArray, solver: str = "auto") -> RidgeSolution:
    """Solve a ridge problem with dense or sparse X (see the module docstring for the routes)."""
    if solver in ITERATIVE_SOLVERS:
        return _iterative(problem, alpha, solver)
    if not sp.issparse(problem.X):
        return solve(problem, alpha, solver)
    if solver == "svd":  # the accurate route that does not copy X: LSQR on X itself
        return _iterative(problem, alpha, "lsqr")
    if solver != "auto":
        return SOLVERS[solver](problem, alpha)
    if problem.X.shape[1] > ITERATIVE_MIN_FEATURES:
        return _iterative(problem, alpha, "cg")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConditioningWarning)
            kind = (
                "cholesky" if np.unique(alpha).size <= 4 else ("dual" if problem.wide else "eigh")
            )
            sol = SOLVERS[kind](problem, alpha)
    except (SingularDesignError, np.linalg.LinAlgError):
        if (alpha == 0).any():
            raise
        return _iterative(problem, alpha, "lsqr")
    if sol.condition > COND_MAX:
        if (alpha == 0).any() and not problem.wide:
            # α = 0: the eigenvalues of the equilibrated Gram tell singular from ill-conditioned
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConditioningWarning)
                SOLVERS["eigh"](problem, np.zeros(alpha.size))  # raises SingularDesignError
        return _iterative(problem, alpha, "lsqr")
    return sol


def solve_iterative(
    X: Any,
    Y: np.ndarray,
    sample_weight: FloatArray | None,
    penalty: FloatArray,
    fit_intercept: bool,
    alpha: FloatArray,
    method: str = "cg",
    *,
    n_probes: int = N_PROBES,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Ridge with one α per target by CG or LSQR; returns coef (p, t), intercept (t,), df (t,).

    ``cg`` solves every target and the trace probes in one batched CG (each column its own α).
    ``lsqr`` runs ``scipy.sparse.linalg.lsqr`` per target on the stacked least-squares problem
    [A; √(αΠ)] w ≈ [S^½(y − ȳ); 0] (it never squares the condition number of A); its df come
    from CG probe solves. df is exact for p ≤ ``n_probes``, else Hutchinson's estimate.
    """
    n, p = X.shape
    t = Y.shape[1]
    xm, ym = column_means(X, Y, sample_weight, fit_intercept)
    gram = CentredGram(X, sample_weight, xm)
    Yc = np.asarray(Y - ym, dtype=np.float64)
    Zp, exact = trace_probes(penalty, n_probes, 0)
    m = Zp.shape[1]
    levels = np.unique(alpha)
    # probe columns for every distinct α, after the target columns
    B = np.hstack([np.zeros((p, t)) if method == "lsqr" else gram.rhs(Yc)] + [Zp] * levels.size)
    col_alpha = np.r_[alpha if method == "cg" else np.ones(t), np.repeat(levels, m)]
    tol = np.r_[np.full(t, COEF_TOL), np.full(m * levels.size, COEF_TOL if exact else PROBE_TOL)]
    sol, it, ok = batched_cg(gram, B, penalty[:, None] * col_alpha[None, :], tol=tol)
    if not ok.all():
        warn_unconverged(
            "the coefficients" if not ok[:t].all() else "the trace probes", float(alpha.min()), it
        )
    if method == "lsqr":
        coef = np.column_stack(
            [_lsqr(X, sample_weight, xm, penalty, Yc[:, j], float(alpha[j])) for j in range(t)]
        )
    else:
        coef = sol[:, :t]
    df_level = np.empty(levels.size)
    for k, lev in enumerate(levels):
        q = np.einsum("pj,pj->j", Zp, sol[:, t + k * m : t + (k + 1) * m])
        df_level[k] = p - lev * (q.sum() if exact else q.mean())
    df = df_level[np.searchsorted(levels, alpha)]
    return coef, ym - xm @ coef, df


def _lsqr(
    X: Any,
    w: FloatArray | None,
    xm: FloatArray,
    penalty: FloatArray,
    yc: FloatArray,
    alpha: float,
) -> FloatArray:
    """argmin ‖S^½(yc − (X − 1x̄ᵀ)v)‖² + α Σ π v² by LSQR on the stacked operator."""
    n, p = X.shape
    sq = None if w is None else np.sqrt(w)
    root = np.sqrt(alpha * penalty)

    def mv(v: np.ndarray) -> FloatArray:
        v = np.asarray(v, dtype=np.float64).reshape(-1)
        top = np.asarray(X @ v).reshape(-1) - xm @ v
        if sq is not None:
            top = top * sq
        return np.r_[top, root * v]

    def rmv(u: np.ndarray) -> FloatArray:
        u = np.asarray(u, dtype=np.float64).reshape(-1)
        top = u[:n] if sq is None else u[:n] * sq
        return np.asarray(X.T @ top).reshape(-1) - xm * top.sum() + root * u[n:]

    op = LinearOperator((n + p, p), matvec=mv, rmatvec=rmv, dtype=np.float64)
    b = np.r_[yc if sq is None else yc * sq, np.zeros(p)]
    res = lsqr(op, b, atol=1e-14, btol=1e-14, conlim=1e16, iter_lim=max(1000, 10 * p))
    if res[1] == 7:
        warn_unconverged("LSQR", alpha, int(res[2]))
    return np.asarray(res[0], dtype=np.float64)
