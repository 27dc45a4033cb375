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

The second pass is a :class:`LooPass`: it maps any chunk of rows (in memory, read from a file,
a Dask partition) to additive :class:`LooSums`, whose total over all rows gives the curve.

The sums run in the array namespace of the spectrum and X (NumPy, or e.g. torch tensors on
their device): the Curve's arrays belong to that library.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ridgeway._typing import FloatArray
from ridgeway._validation import message
from ridgeway.core import backend as bk
from ridgeway.core.moments import default_chunk_rows
from ridgeway.core.spectrum import Spectrum
from ridgeway.selection.curve import Curve
from ridgeway.selection.grid import grid_of

__all__ = ["LooPass", "LooSums", "loo"]


def loo(
    spectrum: Spectrum,
    X: Any,
    y: Any,
    sample_weight: Any | None = None,
    alphas: Any | None = None,
    *,
    fit_intercept: bool = True,
    chunk_rows: int | None = None,
) -> Curve:
    """Exact leave-one-out mean squared error Σ_i s_i (y_i − ŷ_i^(−i))² / Σ s_i.

    Parameters
    ----------
    spectrum : Spectrum
        Built from the same X, y, weights and penalty.
    X : array of shape (n, p)
    y : array of shape (n,) or (n, t)
    sample_weight : array of shape (n,), optional
    alphas : array of shape (a,), optional
        Default: :func:`default_alphas`.
    fit_intercept : bool, default True
        Whether the spectrum's model has an intercept (refit in every left-out fit).

    Returns
    -------
    Curve
        ``mean`` (a, t); ``se`` the standard error over samples of the weighted per-sample
        squared errors; ``total`` = Σ s (y − ȳ)² for R².
    """
    xp = bk.namespace(spectrum.d)
    dev = bk.device(spectrum.d)
    al = grid_of(spectrum, alphas)
    Y = bk.as_float(xp, y, dev)
    Y = Y[:, None] if Y.ndim == 1 else Y
    n = X.shape[0]
    w = None if sample_weight is None else bk.as_float(xp, sample_weight, dev)
    if spectrum.kind == "eigh":
        pass_ = LooPass(spectrum, al, fit_intercept=fit_intercept)
        step = chunk_rows or pass_.chunk_rows
        sums = LooSums.zeros(al.shape[0], spectrum.n_targets, like=spectrum.d)
        for s in range(0, n, step):
            e = min(s + step, n)
            sums = sums + pass_.sums(X[s:e, ...], Y[s:e, ...], None if w is None else w[s:e])
        return sums.curve(spectrum, al)
    q_sum, q_sq = _sums_dual(xp, spectrum, Y, w, al, fit_intercept)
    sums = LooSums(q_sum, q_sq, _total(xp, spectrum, Y, w), *_counts(xp, Y, w))
    return sums.curve(spectrum, al)


def _total(xp: Any, spec: Spectrum, Y: Any, w: Any | None) -> Any:
    """Σ s (y − ȳ)² per target, ȳ the spectrum's centre."""
    yc = Y - spec.y_mean
    return xp.sum(yc * yc, axis=0) if w is None else w @ (yc * yc)


def _counts(xp: Any, Y: Any, w: Any | None) -> tuple[int, int]:
    """Rows, and rows of positive weight."""
    n = int(Y.shape[0])
    return n, (n if w is None else int(xp.count_nonzero(w > 0)))


@dataclass(frozen=True, eq=False)
class LooSums:
    """Additive statistics of the leave-one-out residuals of a set of rows, for every α.

    Sums over rows merge by ``+`` (row chunks, Dask partitions); :meth:`curve` turns the sums
    of all rows into the leave-one-out :class:`Curve`.

    Attributes
    ----------
    q_sum, q_sq : array of shape (a, t)
        Σ_i s_i e_i² and Σ_i s_i e_i⁴, e_i the leave-one-out residual.
    total : array of shape (t,)
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
    def zeros(cls, n_alphas: int, n_targets: int, like: Any = None) -> LooSums:
        """The sums of no rows (NumPy, or the namespace and device of the array ``like``)."""
        xp = np if like is None else bk.namespace(like)
        dev = None if like is None else bk.device(like)
        t = n_targets
        return cls(
            bk.zeros(xp, (n_alphas, t), dev),
            bk.zeros(xp, (n_alphas, t), dev),
            bk.zeros(xp, (t,), dev),
            0,
            0,
        )

    def __add__(self, other: LooSums) -> LooSums:
        return LooSums(
            self.q_sum + other.q_sum,
            self.q_sq + other.q_sq,
            self.total + other.total,
            self.n_samples + other.n_samples,
            self.n_positive + other.n_positive,
        )

    def curve(self, spec: Spectrum, alphas: Any) -> Curve:
        """The leave-one-out curve of all rows (these sums must cover every row once)."""
        xp = bk.namespace(spec.d)
        sw = spec.sum_weights
        mean = self.q_sum / sw
        # weighted variance of the per-sample squared errors ε_i = q_i / s_i
        var = xp.maximum(self.q_sq / sw - mean**2, 0.0)
        se = xp.sqrt(var / max(self.n_positive - 1, 1))
        return Curve("loo", alphas, mean, se, spec.df(alphas), self.n_samples, total=self.total)


class LooPass:
    """The second pass of exact leave-one-out for the ``eigh`` route: sums over row chunks.

    Built once from the spectrum and the grid; :meth:`sums` maps a chunk of rows (anywhere:
    memory, a file, a Dask partition) to its :class:`LooSums`, whose total over all rows gives
    the curve. Peak memory is one chunk and its (rows, a, t) residuals; no n×n matrix is formed.
    """

    def __init__(self, spec: Spectrum, alphas: Any, *, fit_intercept: bool = True) -> None:
        if spec.kind != "eigh":
            raise ValueError(message("spectrum.kind", "'eigh' for a pass over rows", spec.kind))
        xp = bk.namespace(spec.d)
        al = grid_of(spec, alphas)
        self.xp, self.spec, self.alphas, self.fit_intercept = xp, spec, al, fit_intercept
        a, t = al.shape[0], spec.n_targets
        V, sc = spec.right, spec.scale
        assert V is not None and sc is not None
        p = spec.x_mean.shape[0]
        coefs = spec.coef_path(al)  # (a, p, t)
        self._Wm = bk.ascontiguous(
            xp, xp.reshape(bk.permute_dims(xp, coefs, (1, 0, 2)), (p, a * t))
        )
        self._inv = 1.0 / (spec.d[:, None] + al[None, :])  # (k, a)
        self._VS = sc[:, None] * V  # rows of the scaled penalized design times V in one product
        self._cho: Any = None
        if spec.unpenalized.size:
            assert spec.unpen_gram is not None and spec.coupling is not None
            self._cho = bk.spd_solver(xp, spec.unpen_gram)
        # Without unpenalized columns, and when no column's mean is far from zero against its
        # spread (the bound of the data pass, r_j = W x̄_j² / (W x̄_j² + G_jj) ≤ 0.9), the chunk
        # is used as it is and centred through the products: (X − 1x̄ᵀ)M = XM − 1(x̄ᵀM), losing
        # at most a factor √10 — and no copy of the chunk is made.
        self._uncentred = False
        if self._cho is None and spec.penalized.size == p and spec.column_ss is not None:
            wx2 = spec.sum_weights * spec.x_mean**2
            r = wx2 / xp.maximum(wx2 + spec.column_ss, float(np.finfo(float).tiny))
            self._uncentred = bool(float(xp.max(r)) <= 0.9)
        # one product per chunk gives both the eigen-coordinates and the fitted values
        self._both: Any = None
        self._x_both: Any = None
        if self._uncentred:
            self._both = bk.ascontiguous(xp, bk.concat(xp, [self._VS, self._Wm], axis=1))
            self._x_both = spec.x_mean @ self._both
        # rows per chunk: about 16 MiB of X and of the (rows, a, t) residuals, whichever binds
        self.chunk_rows = max(16, min(default_chunk_rows(p), (2 * 2**20) // max(a * t, 1)))

    def sums(self, X: Any, y: Any, sample_weight: Any | None) -> LooSums:
        """The leave-one-out sums of one chunk of rows.

        Parameters
        ----------
        X : array of shape (c, p)
        y : array of shape (c,) or (c, t)
        sample_weight : array of shape (c,) or None
        """
        xp, spec = self.xp, self.spec
        dev = bk.device(spec.d)
        a, t = self.alphas.shape[0], spec.n_targets
        Y = bk.as_float(xp, y, dev)
        Y = Y[:, None] if Y.ndim == 1 else Y
        wc = None if sample_weight is None else bk.as_float(xp, sample_weight, dev)
        yc = (Y - spec.y_mean)[:, None, :]
        k = self._VS.shape[1]
        lev_u: Any = 0.0
        if self._uncentred:
            XM = _rows(xp, X, self._both.dtype) @ self._both
            XM -= self._x_both
            B = XM[:, :k]
            resid = yc - xp.reshape(XM[:, k:], (-1, a, t))
        else:
            P, U = spec.penalized, spec.unpenalized
            if hasattr(X, "toarray"):  # scipy sparse rows: one dense chunk, on this route only
                X = X.toarray()
            Xc = _centred(xp, X, spec.x_mean)
            resid = yc - xp.reshape(Xc @ self._Wm, (-1, a, t))
            if self._cho is not None:
                XU = bk.take(xp, Xc, U, 1)
                lev_u = xp.sum(XU * self._cho(XU.T).T, axis=1)[:, None]
                XP = bk.take(xp, Xc, P, 1) - XU @ spec.coupling
            else:
                XP = Xc if P.size == X.shape[1] else bk.take(xp, Xc, P, 1)
            B = XP @ self._VS  # (c, k)
        lev_p = (B * B) @ self._inv  # (c, a)
        h = lev_p + lev_u if wc is None else wc[:, None] * (lev_p + lev_u)
        if self.fit_intercept:
            h = h + ((1.0 if wc is None else wc[:, None]) / spec.sum_weights)
        with np.errstate(divide="ignore", invalid="ignore"):
            eps = (resid / (1.0 - h)[:, :, None]) ** 2
        c = eps.shape[0]
        if wc is None:
            q_sum, q_sq = xp.sum(eps, axis=0), xp.sum(eps * eps, axis=0)
        else:
            q_sum = xp.reshape(wc @ xp.reshape(eps, (c, a * t)), (a, t))
            q_sq = xp.reshape(wc @ xp.reshape(eps * eps, (c, a * t)), (a, t))
        return LooSums(q_sum, q_sq, _total(xp, spec, Y, wc), *_counts(xp, Y, wc))


def _rows(xp: Any, Xb: Any, dtype: Any) -> Any:
    """A chunk of X as it is for NumPy (BLAS mixes float32 with float64), else in ``dtype``."""
    return Xb if xp is np else bk.astype(xp, Xb, dtype)


def _centred(xp: Any, Xb: Any, mean: Any) -> Any:
    """The chunk minus the column means, in float64 (one pass for NumPy)."""
    if xp is np:
        return np.subtract(Xb, mean, dtype=np.float64)
    return bk.astype(xp, Xb, mean.dtype) - mean


def _sums_dual(
    xp: Any,
    spec: Spectrum,
    Y: Any,
    w: Any | None,
    al: Any,
    fit_intercept: bool,
) -> tuple[FloatArray, FloatArray]:
    """The same sums in sample space, from the left singular vectors (n × k)."""
    Ul = spec.left
    assert Ul is not None
    yt = Y - spec.y_mean
    sq = None if w is None else xp.sqrt(w)
    if sq is not None:
        yt = yt * sq[:, None]
    f = spec.d[:, None] / (spec.d[:, None] + al[None, :])  # (k, a)
    uy = Ul.T @ yt  # (k, t)
    k, a, t = f.shape[0], al.shape[0], Y.shape[1]
    fu = xp.reshape(f[:, :, None] * uy[:, None, :], (k, a * t))
    fitted = xp.reshape(Ul @ fu, (-1, a, t))
    lev = (Ul * Ul) @ f  # (n, a)
    if spec.unpen_q is not None:
        Q = spec.unpen_q
        fitted = fitted + (Q @ (Q.T @ yt))[:, None, :]
        lev = lev + xp.sum(Q * Q, axis=1)[:, None]
    if fit_intercept:
        lev = lev + (1.0 if w is None else w[:, None]) / spec.sum_weights
    resid = yt[:, None, :] - fitted  # √s_i e_i
    with np.errstate(divide="ignore", invalid="ignore"):
        q = (resid / (1.0 - lev)[:, :, None]) ** 2  # s_i e_loo²
        if w is None:
            eps = q
        else:
            pos = w[:, None, None] > 0
            eps = xp.where(pos, q / xp.where(pos, w[:, None, None], 1.0), 0.0)
    return xp.sum(q, axis=0), xp.sum(q * eps, axis=0)
