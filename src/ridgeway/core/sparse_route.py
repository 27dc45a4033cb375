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

import numpy as np
import scipy.sparse as sp

from ridgeway._typing import FloatArray
from ridgeway.core.solvers import (
    COND_MAX,
    SOLVERS,
    ConditioningWarning,
    RidgeProblem,
    RidgeSolution,
    SingularDesignError,
    solve,
)
from ridgeway.core.sparse_solvers import ITERATIVE_MIN_FEATURES, solve_iterative

__all__ = ["ITERATIVE_SOLVERS", "solve_any"]

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
