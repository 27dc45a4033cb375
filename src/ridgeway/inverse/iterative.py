"""Iterative Tikhonov regularization for large, sparse or matrix-free A.

The problem, stated once (as in :mod:`ridgeway.inverse.tikhonov`):

    minimize over x:   ‖A x − b‖²  +  λ² ‖L (x − x₀)‖²

A is only touched through the products A v and Aᵀ u, so it may be a dense array, a sparse
matrix or a :class:`scipy.sparse.linalg.LinearOperator` that never exists as a matrix. This
module gathers the iterative methods, which live in:

- :mod:`ridgeway.inverse.lsqr`: :func:`tikhonov_lsqr` solves the problem for a given λ (or a
  few) by LSQR or CGLS on the stacked least-squares problem ‖[A; λL] x − [b; λ L x₀]‖² (L a
  matrix or an operator), from a warm start ``x0`` that changes the number of iterations,
  never the answer (unlike ``scipy.sparse.linalg.lsqr``'s, which doubles as the prior).
- :mod:`ridgeway.inverse.bidiag`: :func:`golub_kahan`, the Golub–Kahan (Lanczos)
  bidiagonalization A V_k = U_{k+1} B_k, and the standard-form transformation of a general L.
- :mod:`ridgeway.inverse.hybrid`: :func:`hybrid_lsqr` chooses λ while it iterates, on the
  small projected problem min ‖B_k y − β₁e₁‖² + λ²‖y‖², by weighted GCV (Chung, Nagy &
  O'Leary 2008) or the discrepancy principle at every step, with x_k = V_k y_k; semiconvergence,
  the curse of plain LSQR on ill-posed problems, is tamed. :func:`hybrid_for_tikhonov` is the
  ``solver="hybrid"`` route of :func:`ridgeway.inverse.tikhonov.tikhonov`.

Progress callbacks share one signature, ``callback(iteration, x, info)``: ``iteration`` is the
number of iterations done (1, 2, …; one product with A and one with Aᵀ each), ``x`` a copy of
the current iterate (shape (n,)) and ``info`` a dict of floats (its keys are listed by each
function). Returning ``True`` stops the iteration (stop reason ``"callback"``); ``None`` or
``False`` lets it go on.
"""

from ridgeway.inverse._operator import Callback
from ridgeway.inverse.bidiag import golub_kahan
from ridgeway.inverse.hybrid import HybridResult, hybrid_lsqr
from ridgeway.inverse.hybrid import hybrid_for_tikhonov as hybrid_for_tikhonov
from ridgeway.inverse.lsqr import LsqrResult, tikhonov_lsqr

__all__ = [
    "Callback",
    "HybridResult",
    "LsqrResult",
    "golub_kahan",
    "hybrid_lsqr",
    "tikhonov_lsqr",
]
