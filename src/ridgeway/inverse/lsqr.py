"""Tikhonov regularization for one λ by LSQR or CGLS on the stacked system, matrix-free.

The problem, stated once (as in :mod:`ridgeway.inverse.tikhonov`):

    minimize over x:   ‖A x − b‖²  +  λ² ‖L (x − x₀)‖²

:func:`tikhonov_lsqr` solves it for a given λ (or a few, by continuation) as the least-squares
problem ‖[A; λL] x − [b; λ L x₀]‖² by LSQR (Paige & Saunders 1982) or CGLS, A and L being
used only through their products with vectors. The warm start ``x0`` changes the number of
iterations, never the answer: the penalty pulls towards ``x_prior`` (x₀) alone.
``scipy.sparse.linalg.lsqr(A, b, damp=λ, x0=x0)`` differs: its warm start doubles as the prior
(it returns the minimizer of ‖A x − b‖² + λ²‖x − x0‖²). λ chosen while iterating is
:mod:`ridgeway.inverse.hybrid`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, overload

import numpy as np

from ridgeway._typing import FloatArray
from ridgeway._validation import check_choice, message
from ridgeway.inverse._operator import (
    Callback,
    Product,
    _check_callback,
    _count,
    _Operator,
    _positive,
    _vector,
)

__all__ = ["LsqrResult", "tikhonov_lsqr"]


@dataclass(frozen=True, eq=False)
class LsqrResult:
    """The solution of min ‖A x − b‖² + λ²‖L(x − x₀)‖² for one λ by LSQR or CGLS.

    Attributes
    ----------
    x : ndarray of shape (n,)
    lam : float
    iterations : int
        Iterations done (each one product with A and one with Aᵀ, and with L and Lᵀ).
    converged : bool
        Whether the stopping test was met (False after ``max_iter`` iterations or a callback
        stop before the test).
    stop_reason : {"converged", "exact", "max_iter", "callback"}
        ``exact``: the warm start (or the initial residual) already solves the problem.
    residual_norm : float
        ‖A x − b‖ (computed from x at the end).
    solution_norm : float
        ‖L (x − x₀)‖.
    history : ndarray of shape (iterations,)
        The stacked residual ‖[A; λL] x_k − [b; λ L x₀]‖ after each iteration.
    normal_history : ndarray of shape (iterations,)
        The normal-equations residual ‖Aᵀ(A x_k − b) + λ² Lᵀ L (x_k − x₀)‖ after each
        iteration (LSQR's estimate; CGLS's recurrence).
    """

    x: FloatArray
    lam: float
    iterations: int
    converged: bool
    stop_reason: str
    residual_norm: float
    solution_norm: float
    history: FloatArray
    normal_history: FloatArray


def _lsqr_core(
    mv: Product,
    rmv: Product,
    rhs: FloatArray,
    x0: FloatArray,
    *,
    tol: float,
    max_iter: int,
    callback: Callback | None,
    lam: float,
) -> tuple[FloatArray, int, str, list[float], list[float]]:
    """Paige & Saunders' LSQR on min ‖M x − rhs‖ from x0 (M given by its two products)."""
    x = x0.copy()
    u = rhs - mv(x) if x.any() else rhs.copy()
    bnorm = float(np.linalg.norm(rhs))
    beta = float(np.linalg.norm(u))
    hist: list[float] = []
    ahist: list[float] = []
    if beta == 0.0:
        return x, 0, "exact", hist, ahist
    u /= beta
    v = rmv(u)
    alpha = float(np.linalg.norm(v))
    if alpha == 0.0:  # Mᵀ r = 0: x0 is a least-squares solution
        return x, 0, "exact", hist, ahist
    v /= alpha
    w = v.copy()
    phibar, rhobar, anorm2 = beta, alpha, 0.0
    for it in range(1, max_iter + 1):
        u = mv(v) - alpha * u
        beta = float(np.linalg.norm(u))
        if beta > 0:
            u /= beta
        anorm2 += alpha * alpha + beta * beta
        v = rmv(u) - beta * v
        alpha = float(np.linalg.norm(v))
        if alpha > 0:
            v /= alpha
        rho = float(np.hypot(rhobar, beta))
        c, s = rhobar / rho, beta / rho
        theta = s * alpha
        rhobar = -c * alpha
        phi = c * phibar
        phibar = s * phibar
        x += (phi / rho) * w
        w = v - (theta / rho) * w
        rnorm, arnorm = abs(phibar), alpha * abs(c * phibar)
        hist.append(rnorm)
        ahist.append(arnorm)
        anorm = np.sqrt(anorm2)
        done = arnorm <= tol * anorm * rnorm or rnorm <= tol * (
            bnorm + anorm * float(np.linalg.norm(x))
        )
        if callback is not None and callback(
            it, x.copy(), {"lam": lam, "residual_norm": rnorm, "normal_residual": arnorm}
        ):
            return x, it, "converged" if done else "callback", hist, ahist
        if done:
            return x, it, "converged", hist, ahist
    return x, max_iter, "max_iter", hist, ahist


def _cgls_core(
    mv: Product,
    rmv: Product,
    rhs: FloatArray,
    x0: FloatArray,
    *,
    tol: float,
    max_iter: int,
    callback: Callback | None,
    lam: float,
) -> tuple[FloatArray, int, str, list[float], list[float]]:
    """CGLS (conjugate gradients on the normal equations, without forming them) from x0."""
    x = x0.copy()
    r = rhs - mv(x) if x.any() else rhs.copy()
    bnorm = float(np.linalg.norm(rhs))
    s = rmv(r)
    p = s.copy()
    gamma = float(s @ s)
    hist: list[float] = []
    ahist: list[float] = []
    if gamma == 0.0:
        return x, 0, "exact", hist, ahist
    anorm = 0.0
    for it in range(1, max_iter + 1):
        q = mv(p)
        qq = float(q @ q)
        if qq == 0.0:  # p in the null space of M: nothing left to reduce
            return x, it - 1, "converged", hist, ahist
        anorm = max(anorm, np.sqrt(qq) / float(np.linalg.norm(p)))
        step = gamma / qq
        x += step * p
        r -= step * q
        s = rmv(r)
        gamma_new = float(s @ s)
        rnorm, arnorm = float(np.linalg.norm(r)), np.sqrt(gamma_new)
        hist.append(rnorm)
        ahist.append(arnorm)
        done = arnorm <= tol * anorm * rnorm or rnorm <= tol * (
            bnorm + anorm * float(np.linalg.norm(x))
        )
        if callback is not None and callback(
            it, x.copy(), {"lam": lam, "residual_norm": rnorm, "normal_residual": arnorm}
        ):
            return x, it, "converged" if done else "callback", hist, ahist
        if done or gamma_new == 0.0:
            return x, it, "converged", hist, ahist
        p = s + (gamma_new / gamma) * p
        gamma = gamma_new
    return x, max_iter, "max_iter", hist, ahist


@overload
def tikhonov_lsqr(
    A: Any,
    b: Any,
    lam: float,
    *,
    L: Any = ...,
    x_prior: Any = ...,
    x0: Any = ...,
    method: str = ...,
    tol: float = ...,
    max_iter: int | None = ...,
    callback: Callback | None = ...,
) -> LsqrResult: ...
@overload
def tikhonov_lsqr(
    A: Any,
    b: Any,
    lam: Sequence[float] | np.ndarray,
    *,
    L: Any = ...,
    x_prior: Any = ...,
    x0: Any = ...,
    method: str = ...,
    tol: float = ...,
    max_iter: int | None = ...,
    callback: Callback | None = ...,
) -> list[LsqrResult]: ...
def tikhonov_lsqr(
    A: Any,
    b: Any,
    lam: Any,
    *,
    L: Any = None,
    x_prior: Any = None,
    x0: Any = None,
    method: str = "lsqr",
    tol: float = 1e-10,
    max_iter: int | None = None,
    callback: Callback | None = None,
) -> LsqrResult | list[LsqrResult]:
    """Minimize ‖A x − b‖² + λ²‖L(x − x₀)‖² for a given λ by LSQR or CGLS, matrix-free.

    The problem is the least-squares problem of the stacked system

        minimize ‖ [A; λL] x − [b; λ L x₀] ‖²,

    solved from the warm start ``x0`` by LSQR (Paige & Saunders 1982; default) or CGLS on the
    correction x − x0 of the shifted right-hand side [b; λ L x₀] − [A; λL] x0. A and L are only
    used through their products with vectors (each iteration: one with A, one with Aᵀ, one with
    L and one with Lᵀ); A is never formed.

    ``x0`` only changes where the iteration starts, hence how many iterations it takes; the
    answer is the same for every ``x0``. The prior x₀ (``x_prior``) is the point the penalty
    pulls towards. ``scipy.sparse.linalg.lsqr(A, b, damp=λ, x0=x0)`` differs: it penalizes
    ‖x − x0‖, so its warm start silently becomes the prior.

    Parameters
    ----------
    A : ndarray, sparse matrix or LinearOperator of shape (m, n)
    b : array-like of shape (m,)
    lam : float or sequence of floats
        λ ≥ 0 (λ = 0: plain least squares). For a sequence, each λ is solved in the given order,
        warm-started from the previous solution (a continuation, e.g. from large to small λ).
    L : None, ndarray, sparse matrix or LinearOperator of shape (p, n), optional
        The regularization operator (None: the identity).
    x_prior : array-like of shape (n,), optional
        x₀ (default 0).
    x0 : array-like of shape (n,), optional
        Warm start of the iteration (default 0); it does not change the solution.
    method : {"lsqr", "cgls"}, default "lsqr"
        Mathematically the same iterates; LSQR is the more robust in floating point.
    tol : float, default 1e-10
        Stop when ‖M̄ᵀ r̄‖ ≤ tol ‖M̄‖ ‖r̄‖ (M̄ = [A; λL], r̄ the stacked residual, ‖M̄‖ LSQR's
        estimate) or ‖r̄‖ ≤ tol (‖[b; λLx₀]‖ + ‖M̄‖ ‖x‖). Both tests are invariant to scaling and
        independent of the warm start.
    max_iter : int, optional
        Default 2 n (per λ).
    callback : callable, optional
        ``callback(iteration, x, info)`` after every iteration, ``info`` with keys ``lam``,
        ``residual_norm`` (the stacked ‖r̄‖) and ``normal_residual`` (‖M̄ᵀ r̄‖); returning True
        stops.

    Returns
    -------
    LsqrResult, or a list of them (one per λ) when ``lam`` is a sequence

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> A, b = rng.normal(size=(30, 10)), rng.normal(size=30)
    >>> res = tikhonov_lsqr(A, b, 2.0, x_prior=np.ones(10))
    >>> direct = np.linalg.solve(A.T @ A + 4.0 * np.eye(10), A.T @ b + 4.0 * np.ones(10))
    >>> bool(np.allclose(res.x, direct)), res.converged
    (True, True)
    """
    Aop = _Operator(A, "A")
    m, n = Aop.shape
    bv = _vector(b, m, "b")
    Lop = None if L is None else _Operator(L, "L")
    if Lop is not None and Lop.shape[1] != n:
        raise ValueError(message("L", f"an operator with n = {n} columns", f"shape {Lop.shape}"))
    xp = np.zeros(n) if x_prior is None else _vector(x_prior, n, "x_prior")
    start = np.zeros(n) if x0 is None else _vector(x0, n, "x0")
    method = check_choice(method, "method", ("lsqr", "cgls"))
    tol = _positive(tol, "tol")
    iters = 2 * n if max_iter is None else _count(max_iter, "max_iter")
    callback = _check_callback(callback)
    scalar = np.ndim(lam) == 0
    try:
        lams = np.asarray(lam, dtype=np.float64).reshape(-1)
    except (TypeError, ValueError):
        raise TypeError(message("lam", "a number or a sequence of numbers", repr(lam))) from None
    if lams.size == 0 or not np.isfinite(lams).all() or (lams < 0).any():
        raise ValueError(message("lam", "finite and non-negative (and not empty)", lam))
    core = _lsqr_core if method == "lsqr" else _cgls_core
    Lxp = (xp if Lop is None else Lop.matvec(xp)) if xp.any() else None
    results: list[LsqrResult] = []
    p = n if Lop is None else Lop.shape[0]
    for lmb in map(float, lams):

        def mv(v: FloatArray, lmb: float = lmb) -> FloatArray:
            if lmb == 0.0:
                return np.concatenate([Aop.matvec(v), np.zeros(p)])
            lv = v if Lop is None else Lop.matvec(v)
            return np.concatenate([Aop.matvec(v), lmb * lv])

        def rmv(w: FloatArray, lmb: float = lmb) -> FloatArray:
            if lmb == 0.0:
                return Aop.rmatvec(w[:m])
            lw = w[m:] if Lop is None else Lop.rmatvec(w[m:])
            return Aop.rmatvec(w[:m]) + lmb * lw

        rhs = np.concatenate([bv, lmb * Lxp if Lxp is not None else np.zeros(p)])
        x, it, reason, hist, ahist = core(
            mv, rmv, rhs, start, tol=tol, max_iter=iters, callback=callback, lam=lmb
        )
        dx = x - xp
        results.append(
            LsqrResult(
                x,
                lmb,
                it,
                reason in ("converged", "exact"),
                reason,
                float(np.linalg.norm(Aop.matvec(x) - bv)),
                float(np.linalg.norm(dx if Lop is None else Lop.matvec(dx))),
                np.asarray(hist),
                np.asarray(ahist),
            )
        )
        start = x
    return results[0] if scalar else results
