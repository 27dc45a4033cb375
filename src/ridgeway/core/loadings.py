"""Loadings: linear functionals of ridge coefficients in the eigen-coordinates of a Spectrum.

Every analysis of :mod:`ridgeway.analysis` is a function of the same factorization. After the
intercept and the unpenalized columns U are profiled out and each penalized column is scaled by
c_j = 1/√π_j, the problem is ordinary ridge on A = S^½ (X̃_P − couplingᵀ-part) C with
eigen-pairs (d_i, v_i) of AᵀA. A linear functional rᵀw of the coefficients (a coefficient:
r = e_j; a centred prediction: r = x₀ − x̄) is then carried by three numbers per row:

- q_i = v_iᵀ C r̃_P, with r̃_P = r_P − couplingᵀ r_U the row's penalized part after profiling,
- ‖C r̃_P‖², whose part outside span(V) is the null space of A (p > n, or collinear columns),
- r_Uᵀ G_UU⁻¹ r_U, the unpenalized block's own share.

and any quadratic form rᵀ M(α) r with M(α) = V diag(g(d, α)) Vᵀ + h(α)(I − VVᵀ) in scaled
coordinates is Σ_i g_i q_i² + h (‖C r̃‖² − Σ_i q_i²) + r_Uᵀ G_UU⁻¹ r_U. Posterior covariance
(g = 1/(d+α), h = 1/α) and the sampling covariance of the ridge estimator
(g = d/(d+α)², h = 0) are both of this form.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.linalg as sla

from ridgeway._typing import FloatArray
from ridgeway.core.design import Design, Projector
from ridgeway.core.spectrum import Spectrum

__all__ = ["Loadings", "Projection", "loadings_from"]


@dataclass(frozen=True, eq=False)
class Projection:
    """Rows r (m of them) in eigen-coordinates: see the module docstring.

    Attributes
    ----------
    q : ndarray of shape (k, m)
    norm2 : ndarray of shape (m,)
        ‖C r̃_P‖².
    null2 : ndarray of shape (m,)
        ‖(I − VVᵀ) C r̃_P‖² (zero when A has full column rank).
    unpen : ndarray of shape (m,)
        r_Uᵀ G_UU⁻¹ r_U (zero without unpenalized features).
    """

    q: FloatArray
    norm2: FloatArray
    null2: FloatArray
    unpen: FloatArray

    def quadratic(self, g: np.ndarray, h: np.ndarray | None = None) -> FloatArray:
        """rᵀ M r for g of shape (a, k) and h of shape (a,) (None: no null-space term) → (a, m).

        An infinite h (the prior covariance σ²/α at α = 0) gives +inf only for rows that reach
        the null space.
        """
        out = np.asarray(g @ self.q**2 + self.unpen[None, :], dtype=np.float64)
        if h is not None:
            hh = np.asarray(h, dtype=np.float64)[:, None]
            with np.errstate(invalid="ignore"):
                extra = np.where(self.null2[None, :] > 0, hh * self.null2[None, :], 0.0)
            out = out + extra
        return out


@dataclass(frozen=True, eq=False)
class Loadings:
    """What carries a linear functional of the coefficients into eigen-coordinates.

    Holds no training rows (its size is p × k), so a fitted estimator can keep it to answer
    variance questions about new rows.

    Attributes
    ----------
    penalized, unpenalized : ndarray of int
        Column indices P and U.
    scale : ndarray of shape (p_P,)
        Column scales c_j = 1/√π_j of the penalized columns.
    vectors : ndarray of shape (p_P, k)
        Eigenvectors v_i of AᵀA (penalty-scaled coordinates of the penalized columns).
    coupling : ndarray of shape (u, p_P) or None
        G_UU⁻¹ G_UP; None without unpenalized features.
    unpen_inv : ndarray of shape (u, u) or None
        G_UU⁻¹ (centred, weighted Gram of the unpenalized columns).
    """

    penalized: np.ndarray
    unpenalized: np.ndarray
    scale: FloatArray
    vectors: FloatArray
    coupling: FloatArray | None
    unpen_inv: FloatArray | None

    @property
    def n_features(self) -> int:
        """p."""
        return int(self.penalized.size + self.unpenalized.size)

    @property
    def full_rank(self) -> bool:
        """Whether A has full column rank (no null space in the penalized coordinates)."""
        return self.vectors.shape[1] == self.vectors.shape[0]

    def profiled(self, R: np.ndarray) -> FloatArray:
        """C r̃_P = C (r_P − couplingᵀ r_U) for rows R (m, p) → (m, p_P)."""
        Rm = np.asarray(R, dtype=np.float64)
        rp = Rm[:, self.penalized]
        if self.unpenalized.size and self.coupling is not None:
            rp = rp - Rm[:, self.unpenalized] @ self.coupling
        return np.asarray(rp * self.scale[None, :])

    def profiled_coef(self) -> FloatArray:
        """C r̃_P for every coefficient r = e_j, as a (p_P, p) matrix (no p×p identity formed)."""
        out = np.zeros((self.penalized.size, self.n_features))
        out[:, self.penalized] = np.diag(self.scale)
        if self.unpenalized.size and self.coupling is not None:
            out[:, self.unpenalized] = -(self.coupling * self.scale[None, :]).T
        return out

    def project_rows(self, R: np.ndarray) -> Projection:
        """Projection of centred rows R (m, p), e.g. x₀ − x̄ for predictions."""
        Rm = np.asarray(R, dtype=np.float64)
        crp = self.profiled(Rm)
        unpen = np.zeros(Rm.shape[0])
        if self.unpenalized.size and self.unpen_inv is not None:
            ru = Rm[:, self.unpenalized]
            unpen = np.einsum("mu,uv,mv->m", ru, self.unpen_inv, ru)
        return self._finish(self.vectors.T @ crp.T, np.einsum("mp,mp->m", crp, crp), unpen)

    def project_coef(self) -> Projection:
        """Projection of every coefficient r = e_j, j = 0..p−1."""
        p = self.n_features
        k = self.vectors.shape[1]
        q = np.zeros((k, p))
        norm2 = np.zeros(p)
        unpen = np.zeros(p)
        P, U = self.penalized, self.unpenalized
        q[:, P] = (self.vectors * self.scale[:, None]).T
        norm2[P] = self.scale**2
        if U.size and self.coupling is not None and self.unpen_inv is not None:
            cu = -self.coupling * self.scale[None, :]  # (u, p_P): C r̃_P for r = e_U
            q[:, U] = self.vectors.T @ cu.T
            norm2[U] = np.einsum("up,up->u", cu, cu)
            unpen[U] = np.diagonal(self.unpen_inv)
        return self._finish(q, norm2, unpen)

    def covariance(self, g: np.ndarray, h: float | None = None) -> FloatArray:
        """The full p×p matrix Tᵀ[V diag(g) Vᵀ + h (I − VVᵀ)]T + G_UU⁻¹ block, for one α.

        ``g`` has shape (k,); T maps coefficients to profiled scaled coordinates. With h = inf
        (posterior at α = 0) and a null space, the affected entries are infinite.
        """
        N = self.profiled_coef()  # (p_P, p)
        Q = self.vectors.T @ N  # (k, p)
        out = Q.T @ (np.asarray(g)[:, None] * Q)
        if h is not None and not self.full_rank:
            null = N.T @ N - Q.T @ Q
            with np.errstate(invalid="ignore"):
                out = out + np.where(np.abs(null) > 0, h * null, 0.0)
        if self.unpenalized.size and self.unpen_inv is not None:
            U = self.unpenalized
            out[np.ix_(U, U)] += self.unpen_inv
        return np.asarray(0.5 * (out + out.T))

    def _finish(self, q: np.ndarray, norm2: np.ndarray, unpen: np.ndarray) -> Projection:
        if self.full_rank:
            null2 = np.zeros_like(norm2)
        else:
            null2 = norm2 - np.einsum("km,km->m", q, q)
            # rounding leaves ~ε‖r‖² where a row has no null-space part: treat as none
            null2 = np.where(null2 > 1e-10 * norm2, null2, 0.0)
        return Projection(np.asarray(q), np.asarray(norm2), np.asarray(null2), np.asarray(unpen))


def loadings_from(X: np.ndarray, sample_weight: np.ndarray | None, spectrum: Spectrum) -> Loadings:
    """The :class:`Loadings` of a spectrum built from X (n, p) and weights (n,) by any route.

    The ``dual`` route has no eigenvectors of AᵀA: they are formed as v_i = Aᵀu_i/√d_i
    (p_P × k, the size of X). Without a Gram, the coupling of the unpenalized columns comes from
    the QR of their centred weighted block.
    """
    sp = spectrum
    if sp.right is not None:
        V = sp.right
    else:  # dual route: v_i = Aᵀ u_i / σ_i (p_P × k, the size of X)
        assert sp.left is not None and sp.scale is not None
        sqrt_w = None if sample_weight is None else np.sqrt(sample_weight)
        A = Design(X, sp.penalized, sp.x_mean[sp.penalized], sp.scale, sqrt_w)
        V = A.rmatvec(sp.left) / np.sqrt(sp.d)[None, :]
    coupling, unpen_inv = sp.coupling, None
    U = sp.unpenalized
    if U.size:
        if sp.unpen_gram is not None:
            unpen_inv = np.asarray(np.linalg.inv(sp.unpen_gram))
        else:
            sqrt_w = None if sample_weight is None else np.sqrt(sample_weight)
            proj = Projector.from_design(Design(X, U, sp.x_mean[U], np.ones(U.size), sqrt_w))
            BP = Design(
                X, sp.penalized, sp.x_mean[sp.penalized], np.ones(sp.penalized.size), sqrt_w
            )
            coupling = np.asarray(sla.solve_triangular(proj.R, BP.rmatvec(proj.Q).T))
            Rinv = sla.solve_triangular(proj.R, np.eye(U.size))
            unpen_inv = np.asarray(Rinv @ Rinv.T)
    scale = np.ones(sp.penalized.size) if sp.scale is None else sp.scale
    loadings = Loadings(
        sp.penalized, sp.unpenalized, scale, np.asarray(V, dtype=np.float64), coupling, unpen_inv
    )
    return loadings
