"""Exact leave-one-out cross-validation for every α and target, from one factorization.

For any penalized least-squares fit with a fixed quadratic penalty, the prediction error on
sample i of the fit without sample i is e_i / (1 − h_ii(α)), with e_i the residual of the full
fit and h_ii the leverage (diagonal of the hat matrix, counting the intercept and the
unpenalized features, which are refit). With weights, leaving sample i out is setting s_i = 0,
and h_ii = s_i x_iᵀ (XᵀSX + αΠ)⁻¹ x_i on the design with its intercept column. The leverage
splits over S-orthogonal parts: s_i/Σs for the intercept, the unpenalized columns' own leverage,
and Σ_k b_ik² / (d_k + α) for the penalized part, b_i the row's coordinates in the eigenbasis.

For the ``eigh`` route (tall data) the coordinates come from a second pass over X in row
chunks: peak memory stays near one chunk, and no n×n matrix is formed. For the ``dual`` and
``svd`` routes (wide or ill-conditioned data) the left singular vectors already hold them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.linalg as sla

from ridgeway._typing import FloatArray
from ridgeway._validation import message
from ridgeway.core.moments import default_chunk_rows
from ridgeway.core.spectrum import Spectrum
from ridgeway.selection.curve import Curve
from ridgeway.selection.grid import default_alphas

__all__ = ["LooPass", "LooSums", "loo"]


def loo(
    spectrum: Spectrum,
    X: np.ndarray,
    y: np.ndarray,
    sample_weight: np.ndarray | None = None,
    alphas: np.ndarray | None = None,
    *,
    fit_intercept: bool = True,
    chunk_rows: int | None = None,
) -> Curve:
    """Exact leave-one-out mean squared error Σ_i s_i (y_i − ŷ_i^(−i))² / Σ s_i.

    Parameters
    ----------
    spectrum : Spectrum
        Built from the same X, y, weights and penalty.
    X : ndarray of shape (n, p)
    y : ndarray of shape (n,) or (n, t)
    sample_weight : ndarray of shape (n,), optional
    alphas : ndarray of shape (a,), optional
        Default: :func:`default_alphas`.
    fit_intercept : bool, default True
        Whether the spectrum's model has an intercept (refit in every left-out fit).

    Returns
    -------
    Curve
        ``mean`` (a, t); ``se`` the standard error over samples of the weighted per-sample
        squared errors; ``total`` = Σ s (y − ȳ)² for R².
    """
    al = default_alphas(spectrum) if alphas is None else np.sort(np.asarray(alphas, float))
    Y = np.asarray(y, dtype=np.float64)
    Y = Y[:, None] if Y.ndim == 1 else Y
    w = None if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
    if spectrum.kind == "eigh":
        pass_ = LooPass(spectrum, al, fit_intercept=fit_intercept)
        step = chunk_rows or pass_.chunk_rows
        sums = LooSums.zeros(al.size, Y.shape[1])
        for s in range(0, X.shape[0], step):
            wc = None if w is None else w[s : s + step]
            sums = sums + pass_.sums(X[s : s + step], Y[s : s + step], wc)
        return sums.curve(spectrum, al)
    q_sum, q_sq = _sums_dual(spectrum, Y, w, al, fit_intercept)
    return LooSums(q_sum, q_sq, _total(spectrum, Y, w), *_counts(Y, w)).curve(spectrum, al)


def _total(spec: Spectrum, Y: FloatArray, w: FloatArray | None) -> FloatArray:
    """Σ s (y − ȳ)² per target, ȳ the spectrum's centre."""
    yc = Y - spec.y_mean
    if w is None:
        return np.asarray(np.einsum("nt,nt->t", yc, yc))
    return np.asarray(np.einsum("n,nt,nt->t", w, yc, yc))


def _counts(Y: FloatArray, w: FloatArray | None) -> tuple[int, int]:
    """Rows, and rows of positive weight."""
    n = Y.shape[0]
    return n, (n if w is None else int((w > 0).sum()))


@dataclass(frozen=True, eq=False)
class LooSums:
    """Additive statistics of the leave-one-out residuals of a set of rows, for every α.

    Sums over rows merge by ``+`` (row chunks, Dask partitions); :meth:`curve` turns the sums
    of all rows into the leave-one-out :class:`Curve`.

    Attributes
    ----------
    q_sum, q_sq : ndarray of shape (a, t)
        Σ_i s_i e_i² and Σ_i s_i e_i⁴, e_i the leave-one-out residual.
    total : ndarray of shape (t,)
        Σ_i s_i (y_i − ȳ)², ȳ the full fit's centre.
    n_samples, n_positive : int
        Rows, and rows of positive weight.
    """

    q_sum: FloatArray
    q_sq: FloatArray
    total: FloatArray
    n_samples: int
    n_positive: int

    @classmethod
    def zeros(cls, n_alphas: int, n_targets: int) -> LooSums:
        """The sums of no rows."""
        z = np.zeros((n_alphas, n_targets))
        return cls(z, z.copy(), np.zeros(n_targets), 0, 0)

    def __add__(self, other: LooSums) -> LooSums:
        return LooSums(
            self.q_sum + other.q_sum,
            self.q_sq + other.q_sq,
            self.total + other.total,
            self.n_samples + other.n_samples,
            self.n_positive + other.n_positive,
        )

    def curve(self, spec: Spectrum, alphas: FloatArray) -> Curve:
        """The leave-one-out curve of all rows (these sums must cover every row once)."""
        sw = spec.sum_weights
        mean = self.q_sum / sw
        # weighted variance of the per-sample squared errors ε_i = q_i / s_i
        var = np.maximum(self.q_sq / sw - mean**2, 0.0)
        se = np.sqrt(var / max(self.n_positive - 1, 1))
        return Curve("loo", alphas, mean, se, spec.df(alphas), self.n_samples, total=self.total)


class LooPass:
    """The second pass of exact leave-one-out for the ``eigh`` route: sums over row chunks.

    Built once from the spectrum and the grid; :meth:`sums` maps a chunk of rows (anywhere:
    memory, a file, a Dask partition) to its :class:`LooSums`, whose total over all rows gives
    the curve. Peak memory is one chunk and its (rows, a, t) residuals; no n×n matrix is formed.
    """

    def __init__(self, spec: Spectrum, alphas: FloatArray, *, fit_intercept: bool = True) -> None:
        if spec.kind != "eigh":
            raise ValueError(message("spectrum.kind", "'eigh' for a pass over rows", spec.kind))
        al = np.asarray(alphas, dtype=np.float64)
        self.spec, self.alphas, self.fit_intercept = spec, al, fit_intercept
        a, t = al.size, spec.n_targets
        V, sc = spec.right, spec.scale
        assert V is not None and sc is not None
        p = spec.x_mean.shape[0]
        coefs = spec.coef_path(al)  # (a, p, t)
        self._Wm = np.ascontiguousarray(coefs.transpose(1, 0, 2).reshape(p, a * t))
        self._inv = 1.0 / (spec.d[:, None] + al[None, :])  # (k, a)
        self._VS = sc[:, None] * V  # rows of the scaled penalized design times V in one product
        self._cho = None
        if spec.unpenalized.size:
            assert spec.unpen_gram is not None and spec.coupling is not None
            self._cho = sla.cho_factor(spec.unpen_gram)
        # Without unpenalized columns, and when no column's mean is far from zero against its
        # spread (the bound of the data pass, r_j = W x̄_j² / (W x̄_j² + G_jj) ≤ 0.9), the chunk
        # is used as it is and centred through the products: (X − 1x̄ᵀ)M = XM − 1(x̄ᵀM), losing
        # at most a factor √10 — and no copy of the chunk is made.
        self._uncentred = False
        if self._cho is None and spec.penalized.size == p and spec.column_ss is not None:
            wx2 = spec.sum_weights * spec.x_mean**2
            r = wx2 / np.maximum(wx2 + spec.column_ss, np.finfo(float).tiny)
            self._uncentred = bool(r.max(initial=0.0) <= 0.9)
        # one product per chunk gives both the eigen-coordinates and the fitted values
        self._both = self._x_both = np.zeros(0)
        if self._uncentred:
            self._both = np.ascontiguousarray(np.hstack([self._VS, self._Wm]))
            self._x_both = spec.x_mean @ self._both
        # rows per chunk: about 16 MiB of X and of the (rows, a, t) residuals, whichever binds
        self.chunk_rows = max(16, min(default_chunk_rows(p), (2 * 2**20) // max(a * t, 1)))

    def sums(self, X: np.ndarray, y: np.ndarray, sample_weight: np.ndarray | None) -> LooSums:
        """The leave-one-out sums of one chunk of rows.

        Parameters
        ----------
        X : ndarray of shape (c, p)
        y : ndarray of shape (c,) or (c, t)
        sample_weight : ndarray of shape (c,) or None
        """
        spec, al = self.spec, self.alphas
        a, t = al.size, spec.n_targets
        Y = np.asarray(y, dtype=np.float64)
        Y = Y[:, None] if Y.ndim == 1 else Y
        wc = None if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
        yc = (Y - spec.y_mean)[:, None, :]
        k = self._VS.shape[1]
        lev_u: FloatArray | float = 0.0
        if self._uncentred:
            XM = X @ self._both
            XM -= self._x_both
            B = XM[:, :k]
            resid = yc - XM[:, k:].reshape(-1, a, t)
        else:
            Xc = np.subtract(X, spec.x_mean, dtype=np.float64)
            resid = yc - (Xc @ self._Wm).reshape(-1, a, t)
            P, U = spec.penalized, spec.unpenalized
            if self._cho is not None:
                XU = Xc[:, U]
                lev_u = np.einsum("ij,ji->i", XU, sla.cho_solve(self._cho, XU.T))[:, None]
                XP = Xc[:, P] - XU @ spec.coupling
            else:
                XP = Xc if P.size == X.shape[1] else Xc[:, P]
            B = XP @ self._VS  # (c, k)
        lev = np.zeros((B.shape[0], a))
        if self.fit_intercept:
            lev += (1.0 if wc is None else wc[:, None]) / spec.sum_weights
        lev_p = (B * B) @ self._inv  # (c, a)
        h = lev_p + lev_u if wc is None else wc[:, None] * (lev_p + lev_u)
        h = h + lev
        with np.errstate(divide="ignore", invalid="ignore"):
            eps = (resid / (1.0 - h)[:, :, None]) ** 2
        if wc is None:
            q_sum, q_sq = eps.sum(axis=0), (eps * eps).sum(axis=0)
        else:
            q_sum = np.einsum("i,iat->at", wc, eps)
            q_sq = np.einsum("i,iat->at", wc, eps * eps)
        return LooSums(q_sum, q_sq, _total(spec, Y, wc), *_counts(Y, wc))


def _sums_dual(
    spec: Spectrum,
    Y: FloatArray,
    w: FloatArray | None,
    al: FloatArray,
    fit_intercept: bool,
) -> tuple[FloatArray, FloatArray]:
    """The same sums in sample space, from the left singular vectors (n × k)."""
    Ul = spec.left
    assert Ul is not None
    yt = Y - spec.y_mean
    sq = None if w is None else np.sqrt(w)
    if sq is not None:
        yt = yt * sq[:, None]
    f = spec.d[:, None] / (spec.d[:, None] + al[None, :])  # (k, a)
    uy = Ul.T @ yt  # (k, t)
    k, a, t = f.shape[0], al.size, Y.shape[1]
    fitted = (Ul @ (f[:, :, None] * uy[:, None, :]).reshape(k, a * t)).reshape(-1, a, t)
    lev = (Ul * Ul) @ f  # (n, a)
    if spec.unpen_q is not None:
        Q = spec.unpen_q
        fitted += (Q @ (Q.T @ yt))[:, None, :]
        lev += np.einsum("ij,ij->i", Q, Q)[:, None]
    if fit_intercept:
        lev += (1.0 if w is None else w[:, None]) / spec.sum_weights
    resid = yt[:, None, :] - fitted  # √s_i e_i
    with np.errstate(divide="ignore", invalid="ignore"):
        q = (resid / (1.0 - lev)[:, :, None]) ** 2  # s_i e_loo²
        eps = q if w is None else np.where(w[:, None, None] > 0, q / w[:, None, None], 0.0)
    return q.sum(axis=0), np.einsum("iat,iat->at", q, eps)
