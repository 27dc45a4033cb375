"""Iterative Tikhonov regularization for large, sparse or matrix-free A.

The problem, stated once (as in :mod:`ridgeway.inverse.tikhonov`):

    minimize over x:   ‖A x − b‖²  +  λ² ‖L (x − x₀)‖²

A is only touched through the products A v and Aᵀ u, so it may be a dense array, a sparse
matrix or a :class:`scipy.sparse.linalg.LinearOperator` that never exists as a matrix.

- :func:`tikhonov_lsqr` solves the problem for a given λ (or a few) by LSQR or CGLS on the
  stacked least-squares problem ‖[A; λL] x − [b; λ L x₀]‖² (L a matrix or an operator), from a
  warm start ``x0``. The warm start changes the number of iterations, never the answer: the
  penalty pulls towards ``x_prior`` (x₀) alone. ``scipy.sparse.linalg.lsqr(A, b, damp=λ,
  x0=x0)`` differs: its warm start doubles as the prior (it returns the minimizer of
  ‖A x − b‖² + λ²‖x − x0‖²).
- :func:`hybrid_lsqr` chooses λ while it iterates: k steps of Golub–Kahan (Lanczos)
  bidiagonalization A V_k = U_{k+1} B_k started from b reduce the problem to the small
  min ‖B_k y − β₁e₁‖² + λ²‖y‖², whose λ is set by weighted GCV (Chung, Nagy & O'Leary 2008) or
  by the discrepancy principle at every step, and x_k = V_k y_k (L = I; a matrix L is first
  brought to standard form). Semiconvergence, the curse of plain LSQR on ill-posed problems,
  is tamed: once λ has settled, further iterations change the solution little.
- :func:`golub_kahan` is the bidiagonalization itself.

Progress callbacks share one signature, ``callback(iteration, x, info)``: ``iteration`` is the
number of iterations done (1, 2, …; one product with A and one with Aᵀ each), ``x`` a copy of
the current iterate (shape (n,)) and ``info`` a dict of floats (its keys are listed by each
function). Returning ``True`` stops the iteration (stop reason ``"callback"``); ``None`` or
``False`` lets it go on.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, overload

import numpy as np
import scipy.sparse as sp
from scipy.linalg import solve_triangular
from scipy.sparse.linalg import LinearOperator, splu

from ridgeway._search import golden_section, grid_bracket, monotone_root
from ridgeway._typing import FloatArray
from ridgeway._validation import check_choice, message
from ridgeway.inverse.path import TikhonovPath, spectral_path

if TYPE_CHECKING:
    from ridgeway.inverse.tikhonov import TikhonovResult

__all__ = [
    "Callback",
    "HybridResult",
    "LsqrResult",
    "golub_kahan",
    "hybrid_lsqr",
    "tikhonov_lsqr",
]

Callback = Callable[[int, FloatArray, dict[str, float]], "bool | None"]
"""``callback(iteration, x, info)``; return True to stop."""

RULES = ("wgcv", "gcv", "discrepancy")
_EPS = float(np.finfo(np.float64).eps)


class _Operator:
    """Products v ↦ M v and u ↦ Mᵀ u as 1-D float64 vectors, whatever M is."""

    def __init__(self, M: Any, name: str) -> None:
        self.name = name
        self._lin: LinearOperator | None = None
        self._mat: Any = None
        self._mat_t: Any = None
        if isinstance(M, LinearOperator):
            if len(M.shape) != 2 or 0 in M.shape:
                raise ValueError(message(name, "a non-empty 2-D operator", f"shape {M.shape}"))
            if M.dtype is not None and np.dtype(M.dtype).kind == "c":
                raise ValueError(message(name, "real-valued", f"dtype {M.dtype}"))
            self._lin = M
        elif sp.issparse(M):
            mat: Any = sp.csr_matrix(M)  # type: ignore[call-overload]
            if mat.dtype.kind == "c":
                raise ValueError(message(name, "real-valued", f"dtype {mat.dtype}"))
            mat = mat.astype(np.float64)
            if 0 in mat.shape:
                raise ValueError(message(name, "non-empty", f"shape {mat.shape}"))
            if not np.isfinite(mat.data).all():
                raise ValueError(message(name, "finite (no NaN or inf)", "non-finite entries"))
            self._mat, self._mat_t = mat, mat.T.tocsr()
        else:
            try:
                arr = np.asarray(M)
            except Exception as exc:
                raise TypeError(
                    message(name, "an array, a sparse matrix or a LinearOperator", repr(exc))
                ) from None
            if arr.dtype.kind not in "biuf":
                raise TypeError(
                    message(name, "a real array, a sparse matrix or a LinearOperator", arr.dtype)
                )
            arr = arr.astype(np.float64)
            if arr.ndim != 2 or 0 in arr.shape:
                raise ValueError(message(name, "a non-empty 2-D matrix", f"shape {arr.shape}"))
            if not np.isfinite(arr).all():
                raise ValueError(message(name, "finite (no NaN or inf)", "non-finite entries"))
            self._mat, self._mat_t = arr, arr.T
        source = self._lin if self._lin is not None else self._mat
        self.shape: tuple[int, int] = (int(source.shape[0]), int(source.shape[1]))

    def matvec(self, v: FloatArray) -> FloatArray:
        out = self._lin.matvec(v) if self._lin is not None else self._mat @ v
        return self._check(out, self.shape[0], "its product with a vector")

    def rmatvec(self, u: FloatArray) -> FloatArray:
        out = self._lin.rmatvec(u) if self._lin is not None else self._mat_t @ u
        return self._check(out, self.shape[1], "its transpose's product with a vector")

    def _check(self, out: Any, size: int, what: str) -> FloatArray:
        vec = np.asarray(out)
        if vec.dtype.kind == "c":
            raise ValueError(message(f"{self.name} ({what})", "real", f"dtype {vec.dtype}"))
        vec = vec.astype(np.float64, copy=False).reshape(-1)
        if vec.shape[0] != size:
            raise ValueError(message(f"{self.name} ({what})", f"of length {size}", vec.shape[0]))
        return vec


def _vector(v: Any, size: int, name: str) -> FloatArray:
    """A finite float64 vector of the given length."""
    try:
        arr = np.asarray(v, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(message(name, "an array of numbers", repr(v))) from None
    if arr.ndim == 2 and 1 in arr.shape:
        arr = arr.reshape(-1)
    if arr.ndim != 1 or arr.shape[0] != size:
        raise ValueError(message(name, f"a vector of length {size}", f"shape {arr.shape}"))
    if not np.isfinite(arr).all():
        raise ValueError(message(name, "finite (no NaN or inf)", "non-finite entries"))
    return arr


def _positive(value: Any, name: str, *, allow_zero: bool = False) -> float:
    try:
        val = float(value)
    except (TypeError, ValueError):
        raise TypeError(message(name, "a number", repr(value))) from None
    if not np.isfinite(val) or val < 0 or (val == 0 and not allow_zero):
        rule = "finite and non-negative" if allow_zero else "finite and positive"
        raise ValueError(message(name, rule, value))
    return val


def _count(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
        raise ValueError(message(name, "a positive integer", repr(value)))
    return int(value)


def _check_callback(callback: Any) -> Callback | None:
    if callback is not None and not callable(callback):
        raise TypeError(message("callback", "callable or None", repr(callback)))
    return callback  # type: ignore[no-any-return]


# --------------------------------------------------------------------------- LSQR and CGLS


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


Product = Callable[[FloatArray], FloatArray]


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


# --------------------------------------------------------------------------- Golub–Kahan


class _Bidiagonalization:
    """Golub–Kahan bidiagonalization A V_k = U_{k+1} B_k from u₁ = b/‖b‖, one step at a time.

    Rows of ``U`` and ``V`` hold the vectors u_1, …, u_{k+1} and v_1, …, v_k; ``alphas`` the
    diagonal of the lower-bidiagonal B_k and ``betas`` (β₁, β₂, …, β_{k+1}) β₁ = ‖b‖ and its
    subdiagonal. Each step costs one product with Aᵀ and one with A, plus (with
    ``reorthogonalize``) two Gram–Schmidt passes against the stored vectors (O((m + n) k)).
    """

    def __init__(self, op: Any, b: FloatArray, capacity: int, reorthogonalize: bool):
        m, n = op.shape
        self.op = op
        self.reorth = reorthogonalize
        self.U = np.empty((capacity + 1, m))
        self.V = np.empty((capacity, n))
        beta1 = float(np.linalg.norm(b))
        self.U[0] = b / beta1
        self.alphas: list[float] = []
        self.betas: list[float] = [beta1]
        self.k = 0
        self.scale = 0.0
        self.breakdown = False

    def _orthogonalize(self, vec: FloatArray, basis: FloatArray) -> FloatArray:
        if self.reorth and basis.shape[0]:
            for _ in range(2):  # "twice is enough"
                vec = vec - basis.T @ (basis @ vec)
        return vec

    def step(self) -> bool:
        """Add v_{k+1}, α_{k+1}, u_{k+2}, β_{k+2}; False (nothing added) when α_{k+1} = 0.

        α or β counts as zero when it is below 1e-13 times the largest norm of a product seen
        (a lower bound of ‖A‖): the new vector would be rounding noise.
        """
        k = self.k
        v = self.op.rmatvec(self.U[k])
        self.scale = max(self.scale, float(np.linalg.norm(v)))
        if k:
            v -= self.betas[k] * self.V[k - 1]
        v = self._orthogonalize(v, self.V[:k])
        alpha = float(np.linalg.norm(v))
        if alpha <= 1e-13 * self.scale or alpha == 0.0:
            self.breakdown = True
            return False
        self.V[k] = v / alpha
        u = self.op.matvec(self.V[k])
        self.scale = max(self.scale, float(np.linalg.norm(u)))
        u = self._orthogonalize(u - alpha * self.U[k], self.U[: k + 1])
        beta = float(np.linalg.norm(u))
        self.alphas.append(alpha)
        self.betas.append(beta)
        self.k = k + 1
        if beta <= 1e-13 * self.scale:
            self.U[k + 1] = 0.0
            self.breakdown = True
        else:
            self.U[k + 1] = u / beta
        return True

    def bidiagonal(self) -> FloatArray:
        """B_k, shape (k + 1, k)."""
        k = self.k
        B = np.zeros((k + 1, k))
        idx = np.arange(k)
        B[idx, idx] = self.alphas
        B[idx + 1, idx] = self.betas[1 : k + 1]
        return B


def golub_kahan(
    A: Any, b: Any, k: int, *, reorthogonalize: bool = True
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """k steps of Golub–Kahan (Lanczos) bidiagonalization of A started from b.

    Builds U_{k+1} = [u_1, …, u_{k+1}] (orthonormal, u_1 = b/‖b‖), V_k = [v_1, …, v_k]
    (orthonormal) and the lower-bidiagonal B_k with diagonal α_1, …, α_k and subdiagonal
    β_2, …, β_{k+1} such that

        A V_k = U_{k+1} B_k,     Aᵀ U_{k+1} = V_k B_kᵀ + α_{k+1} v_{k+1} e_{k+1}ᵀ,

    so that span(V_k) is the Krylov space K_k(AᵀA, Aᵀb) (the space of the k-th LSQR iterate).
    With ``reorthogonalize`` (the default) every new vector is orthogonalized twice against the
    previous ones, keeping U and V orthonormal to working precision (without it they lose
    orthogonality as the singular values converge). It stops early, with j < k steps, if the
    Krylov space is (numerically) invariant: α_{j+1} or β_{j+1} below 1e-13 times the largest
    norm of a product seen (a lower bound of ‖A‖). A vanished β_{j+1} is kept in B with
    u_{j+1} = 0 (the identity A V = U B still holds).

    Parameters
    ----------
    A : ndarray, sparse matrix or LinearOperator of shape (m, n)
    b : array-like of shape (m,), nonzero
    k : int
        Number of steps, ≥ 1.
    reorthogonalize : bool, default True

    Returns
    -------
    U : ndarray of shape (m, j + 1)
    B : ndarray of shape (j + 1, j)
    V : ndarray of shape (n, j)
        j = k unless the bidiagonalization broke down earlier.

    Examples
    --------
    >>> import numpy as np
    >>> A = np.random.default_rng(0).normal(size=(8, 5))
    >>> U, B, V = golub_kahan(A, np.ones(8), 3)
    >>> U.shape, B.shape, V.shape
    ((8, 4), (4, 3), (5, 3))
    >>> bool(np.allclose(A @ V, U @ B)), bool(np.allclose(U.T @ U, np.eye(4)))
    (True, True)
    """
    op = _Operator(A, "A")
    m, n = op.shape
    bv = _vector(b, m, "b")
    k = _count(k, "k")
    if not bv.any():
        raise ValueError(message("b", "nonzero", "the zero vector"))
    gk = _Bidiagonalization(op, bv, k, reorthogonalize)
    while gk.k < k and not gk.breakdown:
        gk.step()
    j = gk.k
    return gk.U[: j + 1].T.copy(), gk.bidiagonal(), gk.V[:j].T.copy()


# --------------------------------------------------------------------------- general L


def _right_inverse(L: Any, n: int) -> tuple[Product, Product, FloatArray, int]:
    """A right inverse L# (L L# = I) of an equivalent full-row-rank L, and a null-space basis.

    Returns the products y ↦ L# y and z ↦ L#ᵀ z, an orthonormal basis W (n, q) of null(L) and
    the number of rows p of the equivalent L. A sparse L of shape (p, n), p ≤ n, whose leading
    p×p block is invertible (difference operators, diagonals) keeps its sparsity: L# =
    [L₁⁻¹; 0] from a sparse LU of L₁ and W from [−L₁⁻¹L₂; I]. Any other L goes through the
    dense SVD L = Σ σ_i u_i v_iᵀ, replaced by the equivalent Σ_r V_rᵀ (same ‖L z‖ for every z;
    O(p n min(p, n)) work). A dense L with at most 10 % nonzero entries is treated as sparse.
    """
    if isinstance(L, LinearOperator):
        raise TypeError(
            message("L", "a dense or sparse matrix for the hybrid method", "a LinearOperator")
        )
    if not sp.issparse(L):
        Ld = _Operator(L, "L")._mat
        if np.count_nonzero(Ld) <= 0.1 * Ld.size:  # a banded L given dense: keep it sparse
            L = sp.csc_matrix(Ld)
    if sp.issparse(L):
        Ls: Any = sp.csc_matrix(L)  # type: ignore[call-overload]
        if Ls.dtype.kind == "c" or not np.isfinite(Ls.data).all():
            raise ValueError(message("L", "real and finite", "complex or non-finite entries"))
        Ls = Ls.astype(np.float64)
        p = int(Ls.shape[0])
        if Ls.shape[1] != n:
            raise ValueError(message("L", f"a matrix with n = {n} columns", f"shape {Ls.shape}"))
        if p <= n:
            q = n - p
            try:
                lu = splu(sp.csc_matrix(Ls[:, :p]))
                probe = lu.solve(np.ones(p))  # a numerically singular L₁ gives inf or nan
                W0 = np.vstack([-lu.solve(Ls[:, p:].toarray()), np.eye(q)]) if q else None
                usable = np.isfinite(probe).all() and (W0 is None or np.isfinite(W0).all())
            except RuntimeError:  # exactly singular leading block
                usable = False
            if usable:
                W = np.linalg.qr(W0)[0] if W0 is not None else np.zeros((n, 0))
                solve: Any = lu.solve

                def right(y: FloatArray) -> FloatArray:
                    return np.concatenate([solve(y), np.zeros(q)])

                def right_t(z: FloatArray) -> FloatArray:
                    return np.asarray(solve(np.ascontiguousarray(z[:p]), trans="T"))

                return right, right_t, W, p
        L = Ls.toarray()
    Ld = _Operator(L, "L")._mat
    if Ld.shape[1] != n:
        raise ValueError(message("L", f"a matrix with n = {n} columns", f"shape {Ld.shape}"))
    _, sig, Vt = np.linalg.svd(Ld, full_matrices=True)
    r = int((sig > sig[0] * max(Ld.shape) * _EPS).sum()) if sig.size and sig[0] > 0 else 0
    if r == 0:
        raise ValueError(message("L", "nonzero", "the zero matrix"))
    Vr, sr = Vt[:r].T, sig[:r]

    def right_svd(y: FloatArray) -> FloatArray:
        return np.asarray(Vr @ (y / sr))

    def right_t_svd(z: FloatArray) -> FloatArray:
        return np.asarray((Vr.T @ z) / sr)

    return right_svd, right_t_svd, np.ascontiguousarray(Vt[r:].T), r


class _StandardForm:
    """min ‖A z − r‖² + λ²‖L z‖² as a standard-form problem (Eldén's transformation).

    Every z is z = L# ȳ + W w with ȳ = L z (L# a right inverse of L, W a basis of null(L)).
    The w minimizing the residual leaves, with A W = Q R (thin QR) and P = I − Q Qᵀ,

        min ‖Ā ȳ − P r‖² + λ²‖ȳ‖²,   Ā = P A L#,   z = L# ȳ + W R⁻¹ Qᵀ (r − A L# ȳ),

    and ‖A z − r‖ = ‖Ā ȳ − P r‖. Each product with Ā records Qᵀ A L# v, so that z is formed
    from ȳ = V_k y without another product with A.
    """

    def __init__(self, A: _Operator, L: Any, r: FloatArray) -> None:
        m, n = A.shape
        self.A = A
        self.right, self.right_t, self.W, p = _right_inverse(L, n)
        q = self.W.shape[1]
        if q:
            AW = np.column_stack([A.matvec(self.W[:, j]) for j in range(q)])
            self.Q, self.R = np.linalg.qr(AW)
            d = np.abs(np.diag(self.R))
            if d.min() <= 1e-12 * max(float(d.max()), float(np.linalg.norm(AW))):
                raise ValueError(
                    message(
                        "L",
                        "without a null vector that A also maps to zero (the problem would "
                        "have no unique solution)",
                        f"A W of rank < {q}, W the null space of L",
                    )
                )
        else:
            self.Q, self.R = np.zeros((m, 0)), np.zeros((0, 0))
        self.q = q
        self.shape = (m, p)
        self.coefs: list[FloatArray] = []
        self.Qr = self.Q.T @ r
        self.rbar = r - self.Q @ self.Qr

    def matvec(self, y: FloatArray) -> FloatArray:
        t = self.A.matvec(self.right(y))
        coef = self.Q.T @ t
        self.coefs.append(coef)
        return np.asarray(t - self.Q @ coef)

    def rmatvec(self, u: FloatArray) -> FloatArray:
        return self.right_t(self.A.rmatvec(u - self.Q @ (self.Q.T @ u)))

    def solution(self, V: FloatArray, y: FloatArray) -> FloatArray:
        """z for ȳ = Vᵀ y (V the first k rows of the bidiagonalization's V)."""
        z = self.right(V.T @ y)
        if self.q:
            coef = self.Qr - np.asarray(self.coefs[: y.size]).T @ y
            z = z + self.W @ solve_triangular(self.R, coef)
        return np.asarray(z)


# --------------------------------------------------------------------------- the hybrid method


@dataclass(frozen=True, eq=False)
class HybridResult:
    """The hybrid (Golub–Kahan–Tikhonov) solution and the history of its iterations.

    Attributes
    ----------
    x : ndarray of shape (n,)
        The returned iterate x_j = x₀ + V_j y_j(λ_j), j = ``best_iteration`` (for a general L,
        mapped back from standard form).
    lam : float
        Its λ (λ_j; the library's α is ``lam**2``). 0 means the projected problem needed no
        regularization (the iterate is then LSQR's); inf means that x₀ plus the null-space
        fit of L already meets the discrepancy (x = x₀ for L = I).
    rule : str
    iterations : int
        Bidiagonalization steps done (= products with A, = products with Aᵀ; one more product
        with A when ``x_prior`` is given, q more for a general L with a q-dimensional null
        space, and one more with Aᵀ when it stops on a breakdown of α).
    best_iteration : int
        The iteration whose iterate is returned (smaller than ``iterations`` when the GCV
        estimate passed its minimum; see :func:`hybrid_lsqr`).
    stop_reason : str
        Why it stopped: ``"gcv_minimum"``, ``"gcv_flat"``, ``"stabilized"``, ``"max_iter"``,
        ``"breakdown"`` (the Krylov space is invariant: the projected problem is the full one),
        ``"callback"``, ``"discrepancy_at_prior"`` (‖b − A x₀‖ ≤ τδ already) or ``"zero_rhs"``.
    lambdas : ndarray of shape (iterations,)
        λ_k chosen at each iteration.
    residual_norms : ndarray of shape (iterations,)
        ‖A x_k − b‖ of each iterate (exact up to the loss of orthogonality of U).
    solution_norms : ndarray of shape (iterations,)
        ‖L(x_k − x₀)‖.
    gcv : ndarray of shape (iterations,)
        The stopping GCV estimate m ‖A x_k − b‖² / (m − q − Σ_i f_i)², f_i the filter factors
        of the projected problem at λ_k (q = dim null(L), 0 for L = I).
    omegas : ndarray of shape (iterations,)
        The weight ω used at each iteration (1 for ``gcv``, NaN for ``discrepancy``).
    path : TikhonovPath or None
        The projected problem at ``best_iteration`` over a 200-point λ grid (log-spaced over
        the singular values of B_j and ``lam``): its residual and solution norms are those of
        the iterate x_j(λ) in the full space (``n_data`` = m, ``n_unregularized`` = q, dof
        Σ f_i + q), so the rules of :mod:`ridgeway.inverse.choice` that need only these norms
        apply to it (``residuals`` is None: no NCP). None when no iteration was done.
    """

    x: FloatArray
    lam: float
    rule: str
    iterations: int
    best_iteration: int
    stop_reason: str
    lambdas: FloatArray
    residual_norms: FloatArray
    solution_norms: FloatArray
    gcv: FloatArray
    omegas: FloatArray
    path: TikhonovPath | None

    @property
    def alpha(self) -> float:
        """λ², the penalty of the library's ridge convention."""
        return self.lam**2


def _projected_terms(
    s: FloatArray, c: FloatArray, t0: float, lam: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """‖B y_λ − β₁e₁‖² and Σ f_i for each λ (any shape) of the projected problem."""
    lam = np.asarray(lam, dtype=np.float64)
    s2 = s * s
    l2 = (lam * lam)[..., None]
    one_minus = l2 / (s2 + l2)
    res2 = ((one_minus * c) ** 2).sum(axis=-1) + t0
    return res2, (1.0 - one_minus).sum(axis=-1)


def _wgcv_omega(s: FloatArray, c: FloatArray, t0: float) -> float:
    """Chung–Nagy–O'Leary's ω for one iteration: dG_ω/dλ = 0 at λ = the smallest s_i.

    With R(λ) the projected residual², tt_i = 1/(s_i² + λ²) and m = k + 1, the derivative of
    R / (m − ω Σ s_i² tt_i)² vanishes when ω = m λ² V / (λ² V Σ s_i² tt_i + R Σ s_i² tt_i²),
    V = Σ c_i² s_i² tt_i³.
    """
    lam2 = float(s[-1]) ** 2
    s2 = s * s
    tt = 1.0 / (s2 + lam2)
    R = float((((lam2 * tt) * c) ** 2).sum()) + t0
    V = float((c * c * s2 * tt**3).sum())
    den = lam2 * V * float((s2 * tt).sum()) + R * float((s2 * tt * tt).sum())
    if den <= 0 or not np.isfinite(den):
        return 1.0
    return (s.size + 1) * lam2 * V / den


def _local_minima(values: np.ndarray, rtol: float = 1e-9) -> list[int]:
    """Grid indices of the local minima of a sampled function, plateaus counted once.

    Neighbouring values within ``rtol`` (relative) form one run; a run lower than the runs on
    both sides (or at an end of the grid, lower than its one neighbour) is a local minimum,
    represented by its inner end (an end run) or its middle.
    """
    g = values.size
    starts = [0]
    for i in range(1, g):
        if abs(values[i] - values[i - 1]) > rtol * max(abs(values[i]), abs(values[i - 1])):
            starts.append(i)
    ends = [*starts[1:], g]
    level = [float(values[a:b].min()) for a, b in zip(starts, ends, strict=True)]
    out = []
    for j, (a, b) in enumerate(zip(starts, ends, strict=True)):
        left = level[j - 1] if j > 0 else np.inf
        right = level[j + 1] if j + 1 < len(level) else np.inf
        if level[j] < left and level[j] < right:
            if j == 0 and len(level) > 1:
                out.append(b - 1)
            elif j == len(level) - 1 and len(level) > 1:
                out.append(a)
            else:
                out.append((a + b - 1) // 2)
    return out or [int(np.argmin(values))]


def _choose_gcv(
    s: FloatArray, c: FloatArray, t0: float, omega: float, previous: float | None
) -> float:
    """A minimizer of ‖B y_λ − β₁e₁‖² / (k + 1 − ω Σ f_i)², continued from the previous λ.

    The function is sampled on a log grid from s_k/100 to 100 s_1; among its local minima the
    nearest (in log λ) to the previous iteration's λ is refined by golden-section search (the
    global minimizer at the first iteration). The projected GCV function often has two
    minima, and the global one can jump between them as k grows: to the plateau λ → 0 (the
    plain LSQR iterate, fitting noise once the Krylov space holds it) or to λ → ∞ (x = x₀);
    following the minimum that the earlier iterations chose avoids these jumps.
    """
    k = s.size
    hi = float(s[0]) * 100.0
    lo = max(float(s[-1]), float(s[0]) * 1e-14) * 1e-2
    grid = np.linspace(np.log(lo), np.log(hi), 100)

    def wgcv(loglam: np.ndarray) -> np.ndarray:
        res2, sumf = _projected_terms(s, c, t0, np.exp(loglam))
        return np.asarray(res2 / (k + 1.0 - omega * sumf) ** 2)

    values = wgcv(grid)
    minima = _local_minima(values)
    if previous is None or previous <= 0 or not np.isfinite(previous):
        i = min(minima, key=lambda j: values[j])
    else:
        i = min(minima, key=lambda j: abs(grid[j] - np.log(previous)))
    a, bb = grid_bracket(grid, np.asarray(i), overshoot=np.log(10.0))
    return float(np.exp(golden_section(wgcv, a, bb, xtol=1e-8)))


def _choose_discrepancy(
    s: FloatArray, c: FloatArray, t0: float, target: float
) -> tuple[float, bool]:
    """λ with ‖B y_λ − β₁e₁‖ = target, or (0, False) if even λ = 0 leaves a larger residual."""
    if t0 >= target * target:
        return 0.0, False

    def res(loglam: np.ndarray) -> np.ndarray:
        return np.sqrt(_projected_terms(s, c, t0, np.exp(loglam))[0])

    lo, hi = np.log(max(float(s[-1]), 1e-300)), np.log(float(s[0]))
    for _ in range(60):
        if float(res(np.asarray(lo))) <= target:
            break
        lo -= np.log(10.0)
    for _ in range(60):
        if float(res(np.asarray(hi))) >= target:
            break
        hi += np.log(10.0)
    root = monotone_root(
        res, np.asarray(target), np.asarray(lo), np.asarray(hi), decreasing=False, xtol=1e-10
    )
    return float(np.exp(root)), True


def hybrid_lsqr(
    A: Any,
    b: Any,
    *,
    rule: str = "wgcv",
    noise_norm: float | None = None,
    tau: float = 1.01,
    L: Any = None,
    x_prior: Any = None,
    omega: float | None = None,
    max_iter: int | None = None,
    tol: float = 1e-3,
    flat_tol: float = 1e-6,
    patience: int = 5,
    reorthogonalize: bool = True,
    callback: Callback | None = None,
) -> HybridResult:
    """Tikhonov regularization with λ chosen while iterating: the hybrid Golub–Kahan method.

    Solves min ‖A x − b‖² + λ²‖L(x − x₀)‖² for large or matrix-free A, choosing λ as it goes.
    With L = I, step k extends the Golub–Kahan bidiagonalization of A started from
    r₀ = b − A x₀,

        A V_k = U_{k+1} B_k,   U_{k+1} e₁ = r₀/β₁,   β₁ = ‖r₀‖,

    (U, V orthonormal, B_k lower bidiagonal (k + 1)×k; :func:`golub_kahan`), then solves the
    small projected Tikhonov problem

        y_k = argmin_y ‖B_k y − β₁e₁‖² + λ_k² ‖y‖²,     x_k = x₀ + V_k y_k,

    with λ_k chosen on that projected problem from the SVD B_k = P diag(s) Qᵀ (coefficients
    ĉ = β₁ Pᵀe₁, filter factors f_i = s_i²/(s_i² + λ²)); since U_{k+1} and V_k are orthonormal,
    ‖A x_k − b‖ = ‖B_k y_k − β₁e₁‖ and ‖x_k − x₀‖ = ‖y_k‖, all computed in O(k³) per step.
    A is touched only through one product with A and one with Aᵀ per step (A is never formed).

    A general L (a dense or sparse matrix of shape (p, n), any p, not a LinearOperator) is
    brought to standard form first (Eldén's transformation): with L# a right inverse of L and
    W a basis of its null space (q = dim null(L)), x − x₀ = L# ȳ + W w, the w fitted exactly
    (A W = Q R), and the method above runs on Ā = (I − Q Qᵀ) A L#, for which ‖ȳ‖ = ‖L(x − x₀)‖.
    A sparse L whose leading p×p block is invertible (the difference operators) is factorized
    sparse (L# = [L₁⁻¹; 0]; also a dense L with ≤ 10 % nonzeros); any other L goes through its
    dense SVD (O(p n min(p, n))). This costs q more products with A, and A and L must share no
    null vector.

    Rules for λ_k (``rule``):

    - ``"wgcv"`` (default): weighted GCV (Chung, Nagy & O'Leary 2008),
      λ_k minimizes ‖B_k y_λ − β₁e₁‖² / (k + 1 − ω Σ_i f_i)², with ω adaptive: the mean over
      the iterations so far of min(1, ω_j), ω_j the weight making the WGCV function stationary
      at λ = the smallest singular value of B_j (their Section 4; as HyBR). A fixed ``omega``
      may be given. ω < 1 discounts the degrees of freedom, so WGCV picks a smaller λ than
      plain GCV on the projected problem.
    - ``"gcv"``: ω = 1.
    - ``"discrepancy"``: ‖A x_k − b‖ = τ δ (δ = ``noise_norm``); while even λ = 0 leaves a
      larger residual (the early iterations), λ_k = 0, i.e. x_k is the LSQR iterate.

    The (W)GCV function of the projected problem often has two local minima, and the global
    one can jump as k grows to the plateau λ → 0 (the LSQR iterate, which fits the noise once
    the Krylov space holds it) or to λ → ∞. λ_k is therefore the local minimizer nearest (in
    log λ) to λ_{k−1}, found on a 100-point log grid over [s_k/100, 100 s_1] and refined by
    golden-section search; the global minimizer at k = 1.

    Stopping rules, checked after every step in this order:

    1. ``"callback"``: the callback returned True.
    2. ``"breakdown"``: the Krylov space is (numerically) invariant, α or β below 1e-13 ‖A‖:
       x_k solves the full problem for λ_k.
    3. (``wgcv``, ``gcv``) with G_k = m ‖A x_k − b‖² / (m − q − Σ_i f_i(λ_k))² the GCV
       function of the full problem estimated from the projected one (as HyBR):
       ``"gcv_flat"`` if |G_k − G_{k−1}| < ``flat_tol`` · G_1, and ``"gcv_minimum"`` if the
       smallest G_j so far was reached ``patience`` or more iterations ago: the iterate x_j of
       that minimum is returned.
    4. ``"stabilized"`` (every rule; for ``discrepancy`` once the discrepancy is attainable at
       both steps): |λ_k − λ_{k−1}| ≤ ``tol`` · λ_k and ‖ȳ_k − ȳ_{k−1}‖ ≤ ``tol`` · ‖ȳ_k‖
       (for L = I: ‖x_k − x_{k−1}‖ ≤ ``tol`` · ‖x_k − x₀‖), computed exactly in the small
       space as ‖y_k − (y_{k−1}, 0)‖.
    5. ``"max_iter"``.

    Parameters
    ----------
    A : ndarray, sparse matrix or LinearOperator of shape (m, n)
    b : array-like of shape (m,)
    rule : {"wgcv", "gcv", "discrepancy"}, default "wgcv"
    noise_norm : float, optional
        δ = ‖e‖, the norm of the noise in b; required by ``discrepancy``.
    tau : float, default 1.01
        Safety factor of the discrepancy principle (τ ≥ 1 usually).
    L : None, ndarray or sparse matrix of shape (p, n), optional
        The regularization operator (None: the identity).
    x_prior : array-like of shape (n,), optional
        x₀, the solution the penalty pulls towards (default 0).
    omega : float, optional
        A fixed WGCV weight in (0, 1] (default: adaptive). Ignored by the other rules.
    max_iter : int, optional
        Default min(m, n, 200). Memory: (m + n) · (max_iter + 1) floats for U and V.
    tol : float, default 1e-3
        Relative tolerance of the ``stabilized`` rule.
    flat_tol : float, default 1e-6
        Tolerance of the ``gcv_flat`` rule.
    patience : int, default 5
        Iterations without a new GCV minimum before ``gcv_minimum`` stops.
    reorthogonalize : bool, default True
        Full reorthogonalization of U and V (O((m + n) k) per step; without it the projected
        problem degrades as the singular values converge).
    callback : callable, optional
        ``callback(iteration, x, info)`` after every step with the iterate x_k; ``info`` has the
        keys ``lam``, ``residual_norm`` (‖A x_k − b‖), ``solution_norm`` (‖L(x_k − x₀)‖),
        ``gcv`` (G_k) and ``omega``. Returning True stops. Forming x_k costs O(n k) per step
        (no product with A), only done when a callback is given.

    Returns
    -------
    HybridResult

    References
    ----------
    J. Chung, J. G. Nagy and D. P. O'Leary, "A weighted GCV method for Lanczos hybrid
    regularization", Electron. Trans. Numer. Anal. 28 (2008) 149–167.
    L. Eldén, "A weighted pseudoinverse, generalized singular values, and constrained least
    squares problems", BIT 22 (1982) 487–502.

    Examples
    --------
    >>> import numpy as np
    >>> from ridgeway.inverse import problems
    >>> A, b, x = problems.phillips(200)
    >>> bn = problems.add_noise(b, 0.01, seed=0)
    >>> res = hybrid_lsqr(A, bn)
    >>> res.stop_reason, res.best_iteration, res.iterations
    ('gcv_minimum', 5, 10)
    >>> bool(np.linalg.norm(res.x - x) / np.linalg.norm(x) < 0.05)
    True
    >>> res = hybrid_lsqr(A, bn, rule="discrepancy", noise_norm=0.01 * np.linalg.norm(b))
    >>> bool(np.isclose(np.linalg.norm(A @ res.x - bn), 1.01 * 0.01 * np.linalg.norm(b)))
    True
    """
    Aop = _Operator(A, "A")
    m, n = Aop.shape
    bv = _vector(b, m, "b")
    rule = check_choice(rule, "rule", RULES)
    xp = np.zeros(n) if x_prior is None else _vector(x_prior, n, "x_prior")
    target = 0.0
    if rule == "discrepancy":
        if noise_norm is None:
            raise ValueError(message("noise_norm", "given for rule='discrepancy'", None))
        target = _positive(noise_norm, "noise_norm") * _positive(tau, "tau")
    if omega is not None:
        omega = _positive(omega, "omega")
        if omega > 1:
            raise ValueError(message("omega", "in (0, 1]", omega))
    kmax = min(m, n, 200) if max_iter is None else _count(max_iter, "max_iter")
    tol = _positive(tol, "tol")
    flat_tol = _positive(flat_tol, "flat_tol", allow_zero=True)
    patience = _count(patience, "patience")
    callback = _check_callback(callback)

    r0 = bv - Aop.matvec(xp) if xp.any() else bv.copy()
    std = None if L is None else _StandardForm(Aop, L, r0)
    q = 0 if std is None else std.q
    rbar = r0 if std is None else std.rbar
    beta1 = float(np.linalg.norm(rbar))
    if beta1 <= 1e-14 * float(np.linalg.norm(r0)):  # the null space of L fits b exactly
        beta1 = 0.0
    empty = np.empty(0)
    if beta1 == 0.0 or (rule == "discrepancy" and beta1 <= target):
        reason, lam0 = ("zero_rhs", 0.0) if beta1 == 0.0 else ("discrepancy_at_prior", np.inf)
        x_null = xp if std is None else xp + std.solution(np.zeros((0, std.shape[1])), empty)
        return HybridResult(
            x_null, lam0, rule, 0, 0, reason, empty, empty, empty, empty, empty, None
        )

    def iterate(k: int, y: FloatArray) -> FloatArray:
        if std is None:
            return np.asarray(xp + gk.V[:k].T @ y)
        return np.asarray(xp + std.solution(gk.V[:k], y))

    gk = _Bidiagonalization(Aop if std is None else std, rbar, kmax, reorthogonalize)
    lams: list[float] = []
    res_norms: list[float] = []
    sol_norms: list[float] = []
    gcvs: list[float] = []
    omegas: list[float] = []
    raw_omegas: list[float] = []
    ys: list[FloatArray] = []
    reachable: list[bool] = []
    reason = "max_iter"
    best = 0
    while gk.k < kmax:
        if not gk.step():
            reason = "breakdown"
            break
        k = gk.k
        P, s, Qt = np.linalg.svd(gk.bidiagonal())
        chat = beta1 * P[0]
        c, t0 = chat[:k], float(chat[k] ** 2)
        w = np.nan
        ok = True
        if rule == "discrepancy":
            lam, ok = _choose_discrepancy(s, c, t0, target)
        else:
            if rule == "gcv":
                w = 1.0
            elif omega is not None:
                w = omega
            else:
                raw_omegas.append(min(1.0, _wgcv_omega(s, c, t0)))
                w = float(np.mean(raw_omegas))
            lam = _choose_gcv(s, c, t0, w, lams[-1] if lams else None)
        with np.errstate(divide="ignore", invalid="ignore"):
            filt = s / (s * s + lam * lam) if lam > 0 else np.where(s > 0, 1.0 / s, 0.0)
        y = Qt.T @ (filt * c)
        res2, sumf = _projected_terms(s, c, t0, np.asarray(lam))
        res2f, sumff = float(res2), float(sumf)
        lams.append(lam)
        res_norms.append(np.sqrt(res2f))
        sol_norms.append(float(np.linalg.norm(y)))
        gcvs.append(m * res2f / max(m - q - sumff, 1e-300) ** 2)
        omegas.append(w)
        ys.append(y)
        reachable.append(ok)
        best = k
        if callback is not None:
            info = {
                "lam": lam,
                "residual_norm": res_norms[-1],
                "solution_norm": sol_norms[-1],
                "gcv": gcvs[-1],
                "omega": w,
            }
            if callback(k, iterate(k, y), info):
                reason = "callback"
                break
        if gk.breakdown:
            reason = "breakdown"
            break
        if k >= 2 and rule != "discrepancy":
            if abs(gcvs[-1] - gcvs[-2]) < flat_tol * gcvs[0]:
                reason = "gcv_flat"
                break
            jmin = int(np.argmin(gcvs))
            if k - (jmin + 1) >= patience:
                reason, best = "gcv_minimum", jmin + 1
                break
        if k >= 2 and reachable[-2] and ok:
            dy = ys[-1].copy()
            dy[:-1] -= ys[-2]
            if abs(lam - lams[-2]) <= tol * lam and float(np.linalg.norm(dy)) <= tol * max(
                sol_norms[-1], 1e-300
            ):
                reason = "stabilized"
                break
    if best == 0:  # breakdown at the first step: Āᵀ r̄ = 0, nothing left to fit
        x_null = xp if std is None else xp + std.solution(np.zeros((0, std.shape[1])), empty)
        return HybridResult(
            x_null, 0.0, rule, gk.k, 0, reason, empty, empty, empty, empty, empty, None
        )
    x = iterate(best, ys[best - 1])
    # the projected problem of the returned iterate, over a grid, for the choice rules
    Bj = gk.bidiagonal()[: best + 1, :best]
    Pj, sj, _ = np.linalg.svd(Bj)
    cj = beta1 * Pj[0]
    lam_best = float(lams[best - 1])
    lo = max(float(sj[-1]), 16 * _EPS * float(sj[0])) / 10.0
    hi = float(sj[0])
    if 0.0 < lam_best < np.inf:
        lo, hi = min(lo, lam_best / 10.0), max(hi, lam_best * 10.0)
    grid = np.geomspace(lo, hi, 200)
    path = spectral_path(
        sj, cj[:best], grid, n_data=m, n_unregularized=q, delta0=float(abs(cj[best]))
    )
    return HybridResult(
        x,
        lam_best,
        rule,
        gk.k,
        best,
        reason,
        np.asarray(lams),
        np.asarray(res_norms),
        np.asarray(sol_norms),
        np.asarray(gcvs),
        np.asarray(omegas),
        path,
    )


def hybrid_for_tikhonov(
    A: Any,
    b: Any,
    *,
    L: Any = None,
    x_prior: Any = None,
    method: str = "gcv",
    noise_norm: float | None = None,
    tau: float = 1.0,
    callback: Callback | None = None,
) -> TikhonovResult:
    """The ``solver="hybrid"`` route of :func:`ridgeway.inverse.tikhonov.tikhonov`.

    ``method="gcv"`` runs :func:`hybrid_lsqr` with weighted GCV (the GCV of hybrid methods),
    ``"discrepancy"`` with the discrepancy principle; the other rules need the whole λ curve
    and are refused. The result's ``path`` is the projected problem of the returned iterate
    (see :class:`HybridResult`), ``choice`` and ``picard`` are None and ``info`` holds the
    iteration history (``iterations``, ``best_iteration``, ``stop_reason``, ``rule``,
    ``lambdas``, ``residual_norms``, ``solution_norms``, ``gcv``, ``omegas``).
    """
    from ridgeway.inverse.tikhonov import TikhonovResult

    rules = {"gcv": "wgcv", "discrepancy": "discrepancy"}
    if method not in rules:
        raise ValueError(
            message("method", "'gcv' or 'discrepancy' with solver='hybrid'", repr(method))
        )
    res = hybrid_lsqr(
        A,
        b,
        rule=rules[method],
        noise_norm=noise_norm,
        tau=tau,
        L=L,
        x_prior=x_prior,
        callback=callback,
    )
    info: dict[str, Any] = {
        "iterations": res.iterations,
        "best_iteration": res.best_iteration,
        "stop_reason": res.stop_reason,
        "rule": res.rule,
        "lambdas": res.lambdas,
        "residual_norms": res.residual_norms,
        "solution_norms": res.solution_norms,
        "gcv": res.gcv,
        "omegas": res.omegas,
    }
    return TikhonovResult(res.x, res.lam, method, None, res.path, "hybrid", None, info)
