"""One factorization that serves every α: the spectrum of the penalty-scaled ridge problem.

After the intercept and the unpenalized features are profiled out and each penalized column is
scaled by c_j = 1/√π_j, ridge becomes ordinary ridge on a matrix A with unit penalty. With
d_i the nonzero eigenvalues of AᵀA (equivalently of AAᵀ, or the squared singular values of A),
v_i its eigenvectors and z_i = v_iᵀ Aᵀ ỹ, every quantity of the fit at any α is a cheap function
of the filter factors f_i(α) = d_i / (d_i + α):

- coefficients (scaled coordinates)  Σ_i v_i z_i / (d_i + α)
- effective degrees of freedom       Σ_i f_i + (number of unpenalized features)
- residual sum of squares            RSS_LS + Σ_i (α / (d_i + α))² z_i² / d_i
- penalized norm ‖Π^½ w‖             (Σ_i z_i² / (d_i + α)²)^½

Three routes build it: ``eigh`` of the p×p Gram from :class:`Moments` (n ≥ p), ``dual`` eigh of
the n×n kernel (p > n; never a p×p matrix), ``svd`` of A itself (ill-conditioned problems: the
Gram squares the condition number). All quantities are vectorised over a grid of α (shape (a,))
and over targets (t); no Python loop runs over either.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import scipy.linalg as sla

from ridgeway._typing import FloatArray
from ridgeway.core.design import Design, Projector
from ridgeway.core.moments import Moments

__all__ = ["Spectrum", "spectrum_from_data", "spectrum_from_moments"]

_EPS = np.finfo(np.float64).eps

# maps eigen-coordinates (k, a, t) to penalized coefficients in original units (p_P, a, t)
Basis = Callable[[np.ndarray], FloatArray]
# maps penalized coefficients (p_P, a, t) to unpenalized ones (p_U, a, t)
Unpenalized = Callable[[np.ndarray], FloatArray]


@dataclass(frozen=True, eq=False)
class Spectrum:
    """The factorized ridge problem, valid for every α ≥ 0.

    Attributes
    ----------
    kind : {"eigh", "dual", "svd"}
        Which factorization built it.
    d : ndarray of shape (k,)
        Nonzero eigenvalues of AᵀA, descending (numerically zero ones are dropped).
    z : ndarray of shape (k, t)
        Projections z_i = v_iᵀ Aᵀ ỹ of each target.
    rss_floor : ndarray of shape (t,)
        Weighted residual sum of squares of the least-squares fit (α → 0⁺) on the span.
    n_features, n_samples, sum_weights : int, int, float
    penalized, unpenalized : ndarray of int
        Column indices of penalized (π_j > 0) and unpenalized (π_j = 0) features.
    x_mean : ndarray of shape (p,); y_mean : ndarray of shape (t,)
    rank_deficient : bool
        Whether A has fewer nonzero eigenvalues than penalized columns.
    left : ndarray of shape (n, k) or None
        Left singular vectors of A (``dual`` and ``svd`` routes), rows weighted by √s.
    right : ndarray of shape (p_P, k) or None
        Eigenvectors of AᵀA (``eigh`` and ``svd`` routes).
    scale : ndarray of shape (p_P,) or None
        Column scales c of the penalized columns.
    coupling : ndarray of shape (u, p_P) or None
        G_UU⁻¹ G_UP (``eigh`` route with unpenalized features): a row's penalized part after
        the unpenalized columns are profiled out is x_P − couplingᵀ x_U.
    unpen_gram : ndarray of shape (u, u) or None
        G_UU, the centred weighted Gram of the unpenalized columns (``eigh`` route).
    unpen_q : ndarray of shape (n, u) or None
        Orthonormal basis of S^½(X_U − 1x̄_Uᵀ) (``dual`` and ``svd`` routes).
    column_ss : ndarray of shape (p,) or None
        Σ s (x_j − x̄_j)² per column (``eigh`` route).
    """

    kind: str
    d: FloatArray
    z: FloatArray
    rss_floor: FloatArray
    n_features: int
    n_samples: int
    sum_weights: float
    penalized: np.ndarray
    unpenalized: np.ndarray
    x_mean: FloatArray
    y_mean: FloatArray
    rank_deficient: bool
    basis: Basis
    unpen_map: Unpenalized | None
    left: FloatArray | None = None
    right: FloatArray | None = None
    scale: FloatArray | None = None
    coupling: FloatArray | None = None
    unpen_gram: FloatArray | None = None
    unpen_q: FloatArray | None = None
    column_ss: FloatArray | None = None

    @property
    def n_targets(self) -> int:
        """Number of targets t."""
        return int(self.z.shape[1])

    def condition(self, alpha: float) -> float:
        """Condition number (d_max + α)/(d_min + α) of the regularized system.

        With no nonzero eigenvalue the system is αI: condition 1 for α > 0, infinite at α = 0.
        """
        if self.d.size == 0:
            return 1.0 if alpha > 0 else float("inf")
        return float((self.d[0] + alpha) / (self.d[-1] + alpha))

    def filter_factors(self, alphas: np.ndarray) -> FloatArray:
        """f_i(α) = d_i / (d_i + α), shape (a, k)."""
        a = np.asarray(alphas, dtype=np.float64).reshape(-1)
        return np.asarray(self.d[None, :] / (self.d[None, :] + a[:, None]))

    def df(self, alphas: np.ndarray) -> FloatArray:
        """Effective degrees of freedom tr H(α) (intercept not counted), shape (a,)."""
        return self.filter_factors(alphas).sum(axis=1) + self.unpenalized.size

    def rss(self, alphas: np.ndarray) -> FloatArray:
        """Weighted residual sum of squares, shape (a, t)."""
        a = np.asarray(alphas, dtype=np.float64).reshape(-1)
        shrink = (a[:, None] / (self.d[None, :] + a[:, None])) ** 2  # (a, k)
        return np.asarray(self.rss_floor[None, :] + shrink @ (self.z**2 / self.d[:, None]))

    def penalty_norm(self, alphas: np.ndarray) -> FloatArray:
        """√(Σ_j π_j w_j²) of the penalized coefficients, shape (a, t)."""
        a = np.asarray(alphas, dtype=np.float64).reshape(-1)
        inv = 1.0 / (self.d[None, :] + a[:, None]) ** 2
        return np.asarray(np.sqrt(inv @ self.z**2))

    def coef_path(self, alphas: np.ndarray) -> FloatArray:
        """Coefficients for every α of a grid, shape (a, p, t), in original units.

        ``alphas`` is a grid shared by the targets, shape (a,), or one grid per target, shape
        (a, t); α = inf gives zero penalized coefficients.
        """
        a = np.asarray(alphas, dtype=np.float64)
        grid = a.reshape(-1, 1) if a.ndim < 2 else a  # (a, 1) or (a, t)
        c = self.z[:, None, :] / (self.d[:, None, None] + grid[None])  # (k, a, t)
        return self._assemble(c)

    def coef(self, alpha: np.ndarray) -> FloatArray:
        """Coefficients with one α per target (shape (t,)), shape (p, t)."""
        al = np.broadcast_to(np.asarray(alpha, dtype=np.float64), (self.n_targets,))
        c = self.z / (self.d[:, None] + al[None, :])
        return self._assemble(c[:, None, :])[0]

    def intercept(self, coef: np.ndarray) -> FloatArray:
        """Intercepts ȳ − x̄ᵀW for coefficients of shape (p, t) → (t,), or (a, p, t) → (a, t)."""
        if coef.ndim == 2:
            return np.asarray(self.y_mean - self.x_mean @ coef)
        return np.asarray(self.y_mean[None, :] - np.einsum("p,apt->at", self.x_mean, coef))

    def _assemble(self, c: np.ndarray) -> FloatArray:
        k, a, t = c.shape
        out = np.zeros((a, self.n_features, t))
        w_p = self.basis(c)  # (p_P, a, t)
        out[:, self.penalized, :] = np.moveaxis(w_p, 0, 1)
        if self.unpen_map is not None and self.unpenalized.size:
            out[:, self.unpenalized, :] = np.moveaxis(self.unpen_map(w_p), 0, 1)
        return out


def _keep(d: np.ndarray, size: int) -> np.ndarray:
    """Mask of eigenvalues above the numerical-rank threshold d_max · size · ε."""
    if d.size == 0:
        return np.zeros(0, dtype=bool)
    return np.asarray(d > max(d[0], 0.0) * max(size, 1) * _EPS)


def spectrum_from_moments(m: Moments, penalty: np.ndarray) -> Spectrum:
    """Spectrum by eigendecomposition of the penalty-scaled centred Gram (route ``eigh``).

    Parameters
    ----------
    m : Moments
        Statistics of the data (p×p Gram: use for n ≥ p).
    penalty : ndarray of shape (p,)
        π_j ≥ 0; zero marks an unpenalized feature (profiled out by a Schur complement).
    """
    pen = np.asarray(penalty, dtype=np.float64)
    P = np.flatnonzero(pen > 0)
    U = np.flatnonzero(pen == 0)
    G, c, yy = m.xx, m.xy, m.yy.copy()
    unpen_map: Unpenalized | None = None
    if U.size:
        try:
            cho = sla.cho_factor(G[np.ix_(U, U)])
        except np.linalg.LinAlgError:
            raise ValueError(
                "the unpenalized features (penalty_factor 0) must be linearly independent; got a "
                "singular set: give them a positive penalty_factor or drop the redundant ones"
            ) from None
        G_UP = G[np.ix_(U, P)]
        G_UU = G[np.ix_(U, U)]
        c_U = c[U]
        sol_GP = sla.cho_solve(cho, G_UP)
        sol_c = sla.cho_solve(cho, c_U)
        G_P = G[np.ix_(P, P)] - G_UP.T @ sol_GP
        c_P = c[P] - G_UP.T @ sol_c
        yy = yy - np.einsum("ut,ut->t", c_U, sol_c)

        def unpen_map(w_p: np.ndarray) -> FloatArray:
            k_, a_, t_ = w_p.shape
            rhs = sol_c[:, None, :] - np.einsum("up,pat->uat", sol_GP, w_p)
            return np.asarray(rhs)

    else:
        G_P, c_P = G, c
        sol_GP, G_UU = None, None
    scale = 1.0 / np.sqrt(pen[P])
    Gs = G_P * scale[:, None] * scale[None, :]
    # numpy's LAPACK (the data pass ran on numpy's BLAS; switching libraries costs thread spin)
    d, V = np.linalg.eigh(Gs)
    d, V = d[::-1], V[:, ::-1]
    keep = _keep(d, P.size)
    d, V = d[keep], np.ascontiguousarray(V[:, keep])
    z = V.T @ (scale[:, None] * c_P)
    rss_floor = np.maximum(yy - (z**2 / d[:, None]).sum(axis=0), 0.0)

    def basis(cc: np.ndarray) -> FloatArray:
        k_, a_, t_ = cc.shape
        return np.asarray((scale[:, None] * (V @ cc.reshape(k_, a_ * t_))).reshape(-1, a_, t_))

    return Spectrum(
        kind="eigh",
        d=d,
        z=z,
        rss_floor=rss_floor,
        n_features=m.n_features,
        n_samples=m.n_samples,
        sum_weights=m.sum_weights,
        penalized=P,
        unpenalized=U,
        x_mean=m.x_mean,
        y_mean=m.y_mean,
        rank_deficient=bool(d.size < P.size),
        basis=basis,
        unpen_map=unpen_map,
        right=V,
        scale=scale,
        coupling=sol_GP,
        unpen_gram=G_UU,
        column_ss=np.diagonal(m.xx).copy(),
    )


def spectrum_from_data(
    X: np.ndarray,
    y: np.ndarray,
    sample_weight: np.ndarray | None,
    penalty: np.ndarray,
    *,
    x_mean: np.ndarray,
    y_mean: np.ndarray,
    kind: str,
    scale: np.ndarray | None = None,
) -> Spectrum:
    """Spectrum from the data themselves: ``kind="dual"`` (kernel eigh) or ``"svd"``.

    Parameters
    ----------
    X : ndarray of shape (n, p)
    y : ndarray of shape (n, t)
    sample_weight : ndarray of shape (n,) or None
    penalty : ndarray of shape (p,)
        π_j ≥ 0; zero marks an unpenalized feature (projected out).
    x_mean, y_mean : ndarray of shape (p,), (t,)
        Weighted means (zeros for a model without intercept).
    kind : {"dual", "svd"}
    scale : ndarray of shape (p,), optional
        Column scales to use instead of 1/√π (an equilibrating scale for α = 0 fits; every
        column is then treated as penalized).
    """
    n, p = X.shape
    pen = np.asarray(penalty, dtype=np.float64)
    if scale is None:
        P = np.flatnonzero(pen > 0)
        U = np.flatnonzero(pen == 0)
        sc = 1.0 / np.sqrt(pen[P])
    else:
        P, U, sc = np.arange(p), np.zeros(0, dtype=np.intp), np.asarray(scale, dtype=np.float64)
    sqrt_w = None if sample_weight is None else np.sqrt(sample_weight)
    A = Design(X, P, x_mean[P], sc, sqrt_w)
    yt = np.asarray(y - y_mean, dtype=np.float64)
    if sqrt_w is not None:
        yt = yt * sqrt_w[:, None]
    proj = None
    if U.size:
        proj = Projector.from_design(Design(X, U, x_mean[U], np.ones(U.size), sqrt_w))
        b = proj.project(yt)
    else:
        b = yt
    left: FloatArray | None = None
    right: FloatArray | None = None
    if kind == "dual":
        K = A.kernel()
        if proj is not None:
            K = proj.project_kernel(K)
        d, Uk = np.linalg.eigh(K)
        d, Uk = d[::-1], Uk[:, ::-1]
        keep = _keep(d, n)
        d, Uk = d[keep], np.ascontiguousarray(Uk[:, keep])
        sig = np.sqrt(d)

        def basis(cc: np.ndarray) -> FloatArray:
            k_, a_, t_ = cc.shape
            u = Uk @ (cc.reshape(k_, a_ * t_) / sig[:, None])
            return np.asarray((sc[:, None] * A.rmatvec(u)).reshape(-1, a_, t_))

        Ul = Uk
        left = Uk
    elif kind == "svd":
        M = A.dense()
        if proj is not None:
            M = proj.project(M)
        try:
            Ul, sig, Vt = sla.svd(M, full_matrices=False, check_finite=False)
        except np.linalg.LinAlgError:
            Ul, sig, Vt = sla.svd(M, full_matrices=False, lapack_driver="gesvd")
        keep = _keep(sig, max(n, P.size))
        Ul, sig, Vt = np.ascontiguousarray(Ul[:, keep]), sig[keep], Vt[keep]
        d = sig**2
        V = np.ascontiguousarray(Vt.T)

        def basis(cc: np.ndarray) -> FloatArray:
            k_, a_, t_ = cc.shape
            return np.asarray((sc[:, None] * (V @ cc.reshape(k_, a_ * t_))).reshape(-1, a_, t_))

        left, right = Ul, V
    else:
        raise ValueError(f"kind must be 'dual' or 'svd'; got {kind!r}")
    uy = Ul.T @ b
    z = sig[:, None] * uy
    resid = b - Ul @ uy
    rss_floor = np.einsum("nt,nt->t", resid, resid)

    unpen_map: Unpenalized | None = None
    if proj is not None:
        pr = proj

        def unpen_map(w_p: np.ndarray) -> FloatArray:
            k_, a_, t_ = w_p.shape
            fit = A.matvec(w_p.reshape(k_, a_ * t_) / sc[:, None]).reshape(n, a_, t_)
            res = (yt[:, None, :] - fit).reshape(n, a_ * t_)
            return pr.solve_unpenalized(res).reshape(-1, a_, t_)

    sw = float(n if sample_weight is None else sample_weight.sum())
    return Spectrum(
        kind=kind,
        d=d,
        z=z,
        rss_floor=rss_floor,
        n_features=p,
        n_samples=n,
        sum_weights=sw,
        penalized=P,
        unpenalized=U,
        x_mean=np.asarray(x_mean, dtype=np.float64),
        y_mean=np.asarray(y_mean, dtype=np.float64),
        rank_deficient=bool(d.size < P.size),
        basis=basis,
        unpen_map=unpen_map,
        left=left,
        right=right,
        scale=sc,
        unpen_q=None if proj is None else proj.Q,
    )
