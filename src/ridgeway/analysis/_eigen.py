"""The ridge fit in eigen-coordinates, with what second-moment analyses need on top of the spectrum.

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

from ridgeway._typing import ArrayLike, FloatArray
from ridgeway.core.design import Design, Projector
from ridgeway.core.spectrum import Spectrum
from ridgeway.linear_model.ridge import FitInput, Ridge, validated_fit_input
from ridgeway.linear_model.ridge_cv import fit_spectrum

__all__ = ["Projection", "SpectralFit", "spectral_fit"]


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
class SpectralFit:
    """A validated ridge specification, its spectrum, and the eigenvectors in scaled coordinates.

    Attributes
    ----------
    data : FitInput
    spectrum : Spectrum
    vectors : ndarray of shape (p_P, k)
        Eigenvectors v_i of AᵀA (penalty-scaled coordinates of the penalized columns).
    coupling : ndarray of shape (u, p_P) or None
        G_UU⁻¹ G_UP; None without unpenalized features.
    unpen_inv : ndarray of shape (u, u) or None
        G_UU⁻¹ (centred, weighted Gram of the unpenalized columns).
    """

    data: FitInput
    spectrum: Spectrum
    vectors: FloatArray
    coupling: FloatArray | None
    unpen_inv: FloatArray | None

    @property
    def full_rank(self) -> bool:
        """Whether A has full column rank (no null space in the penalized coordinates)."""
        return self.vectors.shape[1] == self.vectors.shape[0]

    def project_rows(self, R: np.ndarray) -> Projection:
        """Projection of centred rows R (m, p), e.g. x₀ − x̄ for predictions."""
        sp = self.spectrum
        Rm = np.asarray(R, dtype=np.float64)
        P, U = sp.penalized, sp.unpenalized
        scale = self._scale()
        rp = Rm[:, P]
        unpen = np.zeros(Rm.shape[0])
        if U.size and self.coupling is not None and self.unpen_inv is not None:
            ru = Rm[:, U]
            rp = rp - ru @ self.coupling
            unpen = np.einsum("mu,uv,mv->m", ru, self.unpen_inv, ru)
        crp = rp * scale[None, :]  # (m, p_P)
        return self._finish(
            np.asarray(self.vectors.T @ crp.T), np.einsum("mp,mp->m", crp, crp), unpen
        )

    def project_coef(self) -> Projection:
        """Projection of every coefficient r = e_j, j = 0..p−1 (no p×p identity is formed)."""
        sp = self.spectrum
        P, U = sp.penalized, sp.unpenalized
        p = sp.n_features
        scale = self._scale()
        k = self.vectors.shape[1]
        q = np.zeros((k, p))
        norm2 = np.zeros(p)
        unpen = np.zeros(p)
        q[:, P] = (self.vectors * scale[:, None]).T
        norm2[P] = scale**2
        if U.size and self.coupling is not None and self.unpen_inv is not None:
            cu = -self.coupling * scale[None, :]  # (u, p_P): C r̃_P for r = e_U
            q[:, U] = self.vectors.T @ cu.T
            norm2[U] = np.einsum("up,up->u", cu, cu)
            unpen[U] = np.diagonal(self.unpen_inv)
        return self._finish(q, norm2, unpen)

    def _scale(self) -> FloatArray:
        sc = self.spectrum.scale
        return np.ones(self.spectrum.penalized.size) if sc is None else sc

    def _finish(self, q: np.ndarray, norm2: np.ndarray, unpen: np.ndarray) -> Projection:
        if self.full_rank:
            null2 = np.zeros_like(norm2)
        else:
            null2 = np.maximum(norm2 - np.einsum("km,km->m", q, q), 0.0)
        return Projection(np.asarray(q), np.asarray(norm2), np.asarray(null2), np.asarray(unpen))


def spectral_fit(
    X: ArrayLike,
    y: ArrayLike,
    *,
    sample_weight: ArrayLike | None = None,
    fit_intercept: bool = True,
    standardize: bool = False,
    penalty_factor: ArrayLike | None = None,
    alpha_min: float = 0.0,
) -> SpectralFit:
    """Validate a ridge specification and factorize it once for every α ≥ ``alpha_min``.

    Parameters
    ----------
    X : array-like of shape (n, p)
    y : array-like of shape (n,) or (n, t)
    sample_weight : array-like of shape (n,), optional
    fit_intercept, standardize, penalty_factor
        As for :class:`ridgeway.Ridge`.
    alpha_min : float, default 0.0
        The smallest α the caller will ask about: the SVD route is taken when the Gram route
        would lose digits there.
    """
    spec_est = Ridge(
        fit_intercept=fit_intercept, standardize=standardize, penalty_factor=penalty_factor
    )
    data = validated_fit_input(spec_est, X, y, sample_weight)
    spectrum = fit_spectrum(data, float(alpha_min))
    sp = spectrum
    if sp.right is not None:
        V = sp.right
    else:  # dual route: v_i = Aᵀ u_i / σ_i (p_P × k, the size of X)
        assert sp.left is not None and sp.scale is not None
        sqrt_w = None if data.sample_weight is None else np.sqrt(data.sample_weight)
        A = Design(data.X, sp.penalized, sp.x_mean[sp.penalized], sp.scale, sqrt_w)
        V = A.rmatvec(sp.left) / np.sqrt(sp.d)[None, :]
    coupling, unpen_inv = sp.coupling, None
    U = sp.unpenalized
    if U.size:
        if sp.unpen_gram is not None:
            unpen_inv = np.asarray(np.linalg.inv(sp.unpen_gram))
        else:
            sqrt_w = None if data.sample_weight is None else np.sqrt(data.sample_weight)
            proj = Projector.from_design(Design(data.X, U, sp.x_mean[U], np.ones(U.size), sqrt_w))
            BP = Design(
                data.X, sp.penalized, sp.x_mean[sp.penalized], np.ones(sp.penalized.size), sqrt_w
            )
            coupling = np.asarray(sla.solve_triangular(proj.R, BP.rmatvec(proj.Q).T))
            Rinv = sla.solve_triangular(proj.R, np.eye(U.size))
            unpen_inv = np.asarray(Rinv @ Rinv.T)
    return SpectralFit(data, spectrum, np.asarray(V, dtype=np.float64), coupling, unpen_inv)
