"""The centred, weighted, penalty-scaled design as an operator that never copies X whole.

For data X (n×p), weights s, column means x̄ (zero without an intercept) and column scales c
(c_j = 1/√π_j for a penalized column, or an equilibrating scale), the ridge problem on the
penalized columns is ordinary ridge on

    A = S^½ (X − 1 x̄ᵀ) diag(c)            (n × p)

with unit penalty. :class:`Design` applies A and Aᵀ and forms the kernel A Aᵀ (n × n) by column
blocks, so a wide problem never builds a p×p matrix and no n×p copy of X is made (only one block
of columns at a time). Unpenalized columns are handled by projecting them out: with
S^½ (X_U − 1 x̄_Uᵀ) = Q R (thin QR), the penalized problem is solved on (I − QQᵀ) A and the
unpenalized coefficients follow from R w_U = Qᵀ (ỹ − A_P w_P).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.linalg as sla

from ridgeway._typing import FloatArray

__all__ = ["Design"]

_BLOCK_BYTES = 16 * 2**20


@dataclass(frozen=True, eq=False)
class Design:
    """Operator view of S^½ (X − 1x̄ᵀ) diag(scale) on a subset of columns.

    Parameters
    ----------
    X : ndarray of shape (n, p_all)
        The caller's data (float32 or float64), never modified or copied whole.
    columns : ndarray of int, shape (p,)
        The columns of X this operator acts on.
    x_mean : ndarray of shape (p,)
        Means of those columns (zeros for a model without intercept).
    scale : ndarray of shape (p,)
        Column scales c_j.
    sqrt_w : ndarray of shape (n,) or None
        √s_i, or None for unit weights.
    """

    X: np.ndarray
    columns: np.ndarray
    x_mean: FloatArray
    scale: FloatArray
    sqrt_w: FloatArray | None

    @property
    def shape(self) -> tuple[int, int]:
        """(n, p) of A."""
        return (self.X.shape[0], int(self.columns.shape[0]))

    def _all_columns(self) -> bool:
        return self.columns.shape[0] == self.X.shape[1] and bool(
            (self.columns == np.arange(self.X.shape[1])).all()
        )

    def block(self, j0: int, j1: int) -> FloatArray:
        """Columns j0:j1 of A as a new float64 array of shape (n, j1 − j0)."""
        cols = self.columns[j0:j1]
        if self._all_columns():
            src = self.X[:, j0:j1]
        else:
            src = self.X[:, cols]
        if hasattr(src, "toarray"):  # sparse X: only this block of columns is made dense
            src = src.toarray()
        out = np.subtract(src, self.x_mean[j0:j1], dtype=np.float64)
        out *= self.scale[j0:j1]
        if self.sqrt_w is not None:
            out *= self.sqrt_w[:, None]
        return out

    def _block_width(self) -> int:
        return int(max(64, _BLOCK_BYTES // (8 * max(self.X.shape[0], 1))))

    def dense(self) -> FloatArray:
        """A materialized, shape (n, p) (used by the SVD route, which needs a copy anyway)."""
        return self.block(0, self.shape[1])

    def kernel(self) -> FloatArray:
        """A Aᵀ, shape (n, n), accumulated over column blocks (one BLAS syrk per block)."""
        n, p = self.shape
        K = np.zeros((n, n))
        step = self._block_width()
        for j0 in range(0, p, step):
            B = self.block(j0, min(p, j0 + step))
            K += B @ B.T
        return K

    def matvec(self, v: np.ndarray) -> FloatArray:
        """A v for v of shape (p, m); returns (n, m)."""
        v = np.asarray(v, dtype=np.float64)
        sv = self.scale[:, None] * v
        if self._all_columns():
            out = np.asarray(self.X @ sv, dtype=np.float64)
        else:
            out = np.asarray(self.X[:, self.columns] @ sv, dtype=np.float64)
        out -= self.x_mean @ sv
        if self.sqrt_w is not None:
            out *= self.sqrt_w[:, None]
        return out

    def rmatvec(self, u: np.ndarray) -> FloatArray:
        """Aᵀ u for u of shape (n, m); returns (p, m)."""
        u = np.asarray(u, dtype=np.float64)
        if self.sqrt_w is not None:
            u = self.sqrt_w[:, None] * u
        if self._all_columns():
            out = np.asarray(self.X.T @ u, dtype=np.float64)
        else:
            out = np.asarray(self.X[:, self.columns].T @ u, dtype=np.float64)
        out -= np.outer(self.x_mean, u.sum(axis=0))
        out *= self.scale[:, None]
        return out


@dataclass(frozen=True, eq=False)
class Projector:
    """Projection I − QQᵀ that removes the span of the unpenalized columns, and its inverse map.

    ``Q`` (n × u) and ``R`` (u × u) come from the thin QR of the centred, weighted unpenalized
    columns B_U = S^½ (X_U − 1 x̄_Uᵀ).
    """

    Q: FloatArray
    R: FloatArray

    @classmethod
    def from_design(cls, unpen: Design) -> Projector:
        """QR of the unpenalized block; raises when those columns are collinear."""
        B = unpen.dense()
        Q, R = sla.qr(B, mode="economic")
        diag = np.abs(np.diagonal(R))
        if diag.size and (diag.min() <= diag.max() * max(B.shape) * np.finfo(float).eps):
            raise ValueError(
                "the unpenalized features (penalty_factor 0) must be linearly independent; got "
                "a rank-deficient set: give them a positive penalty_factor or drop the redundant ones"
            )
        return cls(Q=np.asarray(Q, dtype=np.float64), R=np.asarray(R, dtype=np.float64))

    def project(self, u: np.ndarray) -> FloatArray:
        """(I − QQᵀ) u for u of shape (n, m)."""
        return np.asarray(u - self.Q @ (self.Q.T @ u), dtype=np.float64)

    def project_kernel(self, K: np.ndarray) -> FloatArray:
        """(I − QQᵀ) K (I − QQᵀ) for a symmetric K of shape (n, n)."""
        KQ = K @ self.Q
        QtKQ = self.Q.T @ KQ
        out = K - KQ @ self.Q.T - self.Q @ KQ.T + self.Q @ QtKQ @ self.Q.T
        return np.asarray(0.5 * (out + out.T), dtype=np.float64)

    def solve_unpenalized(self, resid: np.ndarray) -> FloatArray:
        """Least-squares coefficients of the unpenalized block for a residual (n, m)."""
        return np.asarray(sla.solve_triangular(self.R, self.Q.T @ resid), dtype=np.float64)
