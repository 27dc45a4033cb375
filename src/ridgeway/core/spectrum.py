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

Backends: ``spectrum_from_moments`` and every path function run in the array namespace of the
Moments (NumPy, or e.g. torch tensors on their device; see :mod:`ridgeway.core.backend`): the
arrays of the Spectrum and of its results belong to that library. The index sets ``penalized``
and ``unpenalized`` are always NumPy (host-side bookkeeping from the penalty vector). The
``dual`` and ``svd`` routes of :func:`spectrum_from_data` are NumPy/SciPy code (blocked kernels,
LAPACK's SVD): other libraries' data are copied to the host there and the Spectrum's arrays
moved back to the data's device.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from typing import Any

import numpy as np
import scipy.linalg as sla

from ridgeway._typing import FloatArray
from ridgeway.core import backend as bk
from ridgeway.core.design import Design, Projector
from ridgeway.core.moments import Moments

__all__ = ["Spectrum", "spectrum_from_data", "spectrum_from_moments"]

_EPS = float(np.finfo(np.float64).eps)

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
        if self.d.shape[0] == 0:
            return 1.0 if alpha > 0 else float("inf")
        return float((self.d[0] + alpha) / (self.d[-1] + alpha))

    def _alphas(self, alphas: Any) -> Any:
        """α as a float array of the spectrum's library on its device (any input)."""
        xp = bk.namespace(self.d)
        return bk.as_float(xp, alphas, bk.device(self.d))

    def filter_factors(self, alphas: Any) -> FloatArray:
        """f_i(α) = d_i / (d_i + α), shape (a, k)."""
        a = bk.namespace(self.d).reshape(self._alphas(alphas), (-1,))
        return self.d[None, :] / (self.d[None, :] + a[:, None])

    def df(self, alphas: Any) -> FloatArray:
        """Effective degrees of freedom tr H(α) (intercept not counted), shape (a,)."""
        xp = bk.namespace(self.d)
        return xp.sum(self.filter_factors(alphas), axis=1) + float(self.unpenalized.size)

    def rss(self, alphas: Any) -> FloatArray:
        """Weighted residual sum of squares, shape (a, t)."""
        a = bk.namespace(self.d).reshape(self._alphas(alphas), (-1,))
        shrink = (a[:, None] / (self.d[None, :] + a[:, None])) ** 2  # (a, k)
        return self.rss_floor[None, :] + shrink @ (self.z**2 / self.d[:, None])

    def penalty_norm(self, alphas: Any) -> FloatArray:
        """√(Σ_j π_j w_j²) of the penalized coefficients, shape (a, t)."""
        xp = bk.namespace(self.d)
        a = xp.reshape(self._alphas(alphas), (-1,))
        inv = 1.0 / (self.d[None, :] + a[:, None]) ** 2
        return xp.sqrt(inv @ self.z**2)

    def coef_path(self, alphas: Any) -> FloatArray:
        """Coefficients for every α of a grid, shape (a, p, t), in original units.

        ``alphas`` is a grid shared by the targets, shape (a,), or one grid per target, shape
        (a, t); α = inf gives zero penalized coefficients.
        """
        xp = bk.namespace(self.d)
        a = self._alphas(alphas)
        grid = xp.reshape(a, (-1, 1)) if a.ndim < 2 else a  # (a, 1) or (a, t)
        c = self.z[:, None, :] / (self.d[:, None, None] + grid[None, ...])  # (k, a, t)
        return self._assemble(c)

    def coef(self, alpha: Any) -> FloatArray:
        """Coefficients with one α per target (shape (t,)), shape (p, t)."""
        xp = bk.namespace(self.d)
        al = xp.broadcast_to(self._alphas(alpha), (self.n_targets,))
        c = self.z / (self.d[:, None] + al[None, :])
        return self._assemble(c[:, None, :])[0, ...]

    def intercept(self, coef: Any) -> FloatArray:
        """Intercepts ȳ − x̄ᵀW for coefficients of shape (p, t) → (t,), or (a, p, t) → (a, t)."""
        return self.y_mean - self.x_mean @ coef

    def _assemble(self, c: Any) -> FloatArray:
        xp = bk.namespace(self.d)
        w_p = self.basis(c)  # (p_P, a, t)
        P, U = self.penalized, self.unpenalized
        if self.unpen_map is not None and U.size:
            # rows of every feature in the order (P, U), then put back in column order
            both = bk.concat(xp, [w_p, self.unpen_map(w_p)], axis=0)
            order = np.argsort(np.concatenate([P, U]), kind="stable")
            return bk.ascontiguous(xp, bk.permute_dims(xp, bk.take(xp, both, order, 0), (1, 0, 2)))
        if P.size == self.n_features:
            return bk.ascontiguous(xp, bk.permute_dims(xp, w_p, (1, 0, 2)))
        # columns outside P and U (none in practice) keep zero coefficients
        k, a, t = c.shape
        full = bk.zeros(xp, (self.n_features, a, t), bk.device(self.d))
        full = bk.concat(xp, [w_p, full[: self.n_features - P.size, ...]], axis=0)
        rest = np.setdiff1d(np.arange(self.n_features), P)
        order = np.argsort(np.concatenate([P, rest]), kind="stable")
        return bk.ascontiguous(xp, bk.permute_dims(xp, bk.take(xp, full, order, 0), (1, 0, 2)))


def _keep(d: np.ndarray, size: int) -> np.ndarray:
    """Mask of eigenvalues above the numerical-rank threshold d_max · size · ε."""
    if d.size == 0:
        return np.zeros(0, dtype=bool)
    return np.asarray(d > max(d[0], 0.0) * max(size, 1) * _EPS)


def _n_kept(xp: Any, d: Any, size: int) -> int:
    """How many of the descending eigenvalues d lie above d_max · size · ε (a prefix)."""
    if d.shape[0] == 0:
        return 0
    return int(xp.sum(xp.astype(d > max(float(d[0]), 0.0) * max(size, 1) * _EPS, xp.int64)))


def spectrum_from_moments(m: Moments, penalty: Any) -> Spectrum:
    """Spectrum by eigendecomposition of the penalty-scaled centred Gram (route ``eigh``).

    Runs in the array namespace of ``m`` (NumPy's LAPACK for NumPy Moments, e.g. torch's
    ``linalg.eigh`` on the tensors' device otherwise).

    Parameters
    ----------
    m : Moments
        Statistics of the data (p×p Gram: use for n ≥ p).
    penalty : array of shape (p,)
        π_j ≥ 0; zero marks an unpenalized feature (profiled out by a Schur complement).
    """
    xp = bk.namespace(m.xx)
    dev = bk.device(m.xx)
    pen_host = bk.to_numpy(penalty).astype(np.float64, copy=False)
    P = np.flatnonzero(pen_host > 0)
    U = np.flatnonzero(pen_host == 0)
    pen = bk.as_float(xp, penalty, dev)
    G, c, yy = m.xx, m.xy, m.yy
    unpen_map: Unpenalized | None = None
    sol_GP = G_UU = None
    if U.size:
        G_UU = bk.take(xp, bk.take(xp, G, U, 0), U, 1)
        try:
            cho = bk.spd_solver(xp, G_UU)
        except np.linalg.LinAlgError:
            raise ValueError(
                "the unpenalized features (penalty_factor 0) must be linearly independent; got a "
                "singular set: give them a positive penalty_factor or drop the redundant ones"
            ) from None
        G_UP = bk.take(xp, bk.take(xp, G, U, 0), P, 1)
        c_U = bk.take(xp, c, U, 0)
        sol_GP = cho(G_UP)
        sol_c = cho(c_U)
        G_P = bk.take(xp, bk.take(xp, G, P, 0), P, 1) - G_UP.T @ sol_GP
        c_P = bk.take(xp, c, P, 0) - G_UP.T @ sol_c
        yy = yy - xp.sum(c_U * sol_c, axis=0)
        coupling = sol_GP

        def unpen_map(w_p: Any) -> FloatArray:
            k_, a_, t_ = w_p.shape
            mapped = coupling @ xp.reshape(w_p, (k_, a_ * t_))
            return sol_c[:, None, :] - xp.reshape(mapped, (-1, a_, t_))

    else:
        G_P, c_P = G, c
    scale = 1.0 / xp.sqrt(bk.take(xp, pen, P, 0))
    Gs = G_P * scale[:, None] * scale[None, :]
    # NumPy: numpy's LAPACK (the data pass ran on numpy's BLAS; switching libraries costs thread
    # spin); other libraries: their own eigh on the data's device
    d, V = xp.linalg.eigh(Gs)
    d, V = xp.flip(d, axis=0), xp.flip(V, axis=1)
    k = _n_kept(xp, d, P.size)
    d, V = bk.ascontiguous(xp, d[:k]), bk.ascontiguous(xp, V[:, :k])
    z = V.T @ (scale[:, None] * c_P)
    rss_floor = xp.maximum(yy - xp.sum(z**2 / d[:, None], axis=0), 0.0)

    def basis(cc: Any) -> FloatArray:
        k_, a_, t_ = cc.shape
        return xp.reshape(scale[:, None] * (V @ xp.reshape(cc, (k_, a_ * t_))), (-1, a_, t_))

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
        rank_deficient=bool(k < P.size),
        basis=basis,
        unpen_map=unpen_map,
        right=V,
        scale=scale,
        coupling=sol_GP,
        unpen_gram=G_UU,
        column_ss=bk.diagonal(xp, m.xx),
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

    Both routes are NumPy/SciPy code: arrays of another library are copied to the host here and
    the Spectrum comes back with its arrays on their device (its ``basis`` and ``unpen_map``
    then copy through the host too).
    """
    xp = bk.namespace(X)
    if xp is not np:
        # boundary: the blocked kernel of Design and LAPACK's SVD run on NumPy
        host = spectrum_from_data(
            bk.to_numpy(X),
            bk.to_numpy(y),
            None if sample_weight is None else bk.to_numpy(sample_weight),
            bk.to_numpy(penalty),
            x_mean=bk.to_numpy(x_mean),
            y_mean=bk.to_numpy(y_mean),
            kind=kind,
            scale=None if scale is None else bk.to_numpy(scale),
        )
        return _on_device(host, xp, bk.device(X))
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


_ARRAY_FIELDS = (
    "d", "z", "rss_floor", "x_mean", "y_mean", "left", "right", "scale", "coupling", "unpen_gram",
    "unpen_q", "column_ss",
)  # fmt: skip


def _on_device(spec: Spectrum, xp: Any, dev: Any) -> Spectrum:
    """A NumPy Spectrum with its arrays moved to ``xp`` on ``dev`` (its maps copy via the host)."""
    assert set(_ARRAY_FIELDS) <= {f.name for f in fields(Spectrum)}

    def move(a: Any) -> Any:
        return None if a is None else bk.as_float(xp, np.asarray(a, dtype=np.float64), dev)

    def through_host(fn: Callable[[np.ndarray], FloatArray]) -> Callable[[Any], Any]:
        return lambda c: move(fn(bk.to_numpy(c)))

    moved = {name: move(getattr(spec, name)) for name in _ARRAY_FIELDS}
    return replace(
        spec,
        basis=through_host(spec.basis),
        unpen_map=None if spec.unpen_map is None else through_host(spec.unpen_map),
        **moved,
    )
