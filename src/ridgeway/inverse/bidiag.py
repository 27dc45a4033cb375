"""Golub–Kahan bidiagonalization, and the standard form of a general-L Tikhonov problem.

k steps of Golub–Kahan (Lanczos) bidiagonalization A V_k = U_{k+1} B_k started from b
(:func:`golub_kahan`, one step at a time in :class:`_Bidiagonalization`) reduce
min ‖A x − b‖² + λ²‖x‖² to a small projected problem in B_k; :mod:`ridgeway.inverse.hybrid`
chooses λ on it. A general regularization operator L is first brought to standard form by
Eldén's transformation (:class:`_StandardForm`, from a right inverse of L and a basis of its
null space, :func:`_right_inverse`), so that the same bidiagonalization applies.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.linalg import solve_triangular
from scipy.sparse.linalg import LinearOperator, splu

from ridgeway._typing import FloatArray
from ridgeway._validation import message
from ridgeway.inverse._operator import Product, _count, _Operator, _vector

__all__ = ["golub_kahan"]

_EPS = float(np.finfo(np.float64).eps)


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
