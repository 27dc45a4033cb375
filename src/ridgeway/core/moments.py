"""Weighted, centred sufficient statistics of a linear least-squares problem.

For data X (n×p), targets Y (n×t) and sample weights s (n,), :class:`Moments` holds, in float64,

- ``sum_weights`` = Σ s_i and ``n_samples`` = n,
- the weighted means x̄ = Σ s_i x_i / Σ s and ȳ,
- the centred cross-products ``xx`` = Σ s_i (x_i − x̄)(x_i − x̄)ᵀ (p×p), ``xy`` (p×t) and the
  per-target sums of squares ``yy`` = Σ s_i (y_i − ȳ)² (t,).

These are everything ridge regression needs from the rows: every α, the intercept, RSS and the
effective degrees of freedom follow from them. They are built from row chunks and merged pairwise
with the update of Chan, Golub & LeVeque (1979) for co-moments: each chunk is centred at its own
mean and the chunks are combined with the correction (w_a w_b / (w_a + w_b)) δ δᵀ, δ the
difference of the two means. The naive "Σ x xᵀ − n x̄ x̄ᵀ", which loses every digit when the means
are large against the spread, is never used.

The statistics are arrays of the input's library on the input's device (NumPy by default; a
torch tensor or any array-API array gives Moments of that library, see
:mod:`ridgeway.core.backend`), always in float64 where the device has it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from ridgeway._typing import FloatArray
from ridgeway.core import backend as bk
from ridgeway.core.backend import Array

__all__ = ["Moments", "column_means", "column_sum_squares", "default_chunk_rows"]

_CHUNK_BYTES = 16 * 2**20
_MAX_SHIFT_RATIO = 0.9
_TINY = float(np.finfo(np.float64).tiny)


def default_chunk_rows(n_features: int) -> int:
    """Rows per chunk so that one float64 chunk of X takes about 16 MiB."""
    return int(max(256, _CHUNK_BYTES // (8 * max(n_features, 1))))


@dataclass(frozen=True, eq=False)
class Moments:
    """Mergeable weighted sufficient statistics, all float64.

    The arrays belong to the library of the data they came from (NumPy by default), on its
    device.

    Attributes
    ----------
    n_samples : int
        Number of rows seen (rows of weight zero included).
    sum_weights : float
        Σ s_i.
    x_mean : array of shape (p,)
        Weighted mean of X (zeros when ``centered`` is False).
    y_mean : array of shape (t,)
        Weighted mean of Y (zeros when ``centered`` is False).
    xx : array of shape (p, p)
        Σ s_i (x_i − x̄)(x_i − x̄)ᵀ.
    xy : array of shape (p, t)
        Σ s_i (x_i − x̄)(y_i − ȳ)ᵀ.
    yy : array of shape (t,)
        Σ s_i (y_i − ȳ)² per target.
    centered : bool
        Whether the statistics are about the means (a model with intercept) or about zero.
    """

    n_samples: int
    sum_weights: float
    x_mean: FloatArray
    y_mean: FloatArray
    xx: FloatArray
    xy: FloatArray
    yy: FloatArray
    centered: bool = True

    @property
    def n_features(self) -> int:
        """Number of columns p of X."""
        return int(self.x_mean.shape[0])

    @property
    def n_targets(self) -> int:
        """Number of targets t."""
        return int(self.y_mean.shape[0])

    def is_finite(self) -> bool:
        """Whether every statistic is finite (False when the data held NaN or inf)."""
        xp = bk.namespace(self.xx)
        return bool(np.isfinite(self.sum_weights)) and all(
            bool(xp.all(xp.isfinite(a)))
            for a in (self.xx, self.xy, self.yy, self.x_mean, self.y_mean)
        )

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_array(
        cls,
        X: Array,
        y: Array,
        sample_weight: Array | None = None,
        *,
        centered: bool = True,
        chunk_rows: int | None = None,
    ) -> Moments:
        """Statistics of in-memory data, read in row chunks (no copy of X beyond one chunk).

        Parameters
        ----------
        X : array of shape (n, p), float32 or float64
            A NumPy array, or an array of any array-API library (the statistics are then
            arrays of that library on X's device).
        y : array of shape (n,) or (n, t)
        sample_weight : array of shape (n,), optional
        centered : bool, default True
            Centre about the weighted means (for a model with an intercept).
        chunk_rows : int, optional
            Rows per chunk; by default about 16 MiB of X.

        Examples
        --------
        >>> import numpy as np
        >>> X = np.arange(12.0).reshape(6, 2); y = X @ [1.0, 2.0]
        >>> m = Moments.from_array(X, y)
        >>> m.x_mean, m.xx[0, 0]
        (array([5., 6.]), np.float64(70.0))
        """
        if _is_sparse(X):  # scipy sparse X: the sparse Gram, never densified
            from ridgeway.core.sparse import sparse_moments

            return sparse_moments(X, y, sample_weight, centered=centered)
        acc = _Accumulator(X.shape[1], 1 if y.ndim == 1 else y.shape[1], centered, X)
        step = chunk_rows or default_chunk_rows(X.shape[1])
        y2 = y[:, None] if y.ndim == 1 else y
        # non-finite data show up as non-finite statistics (Moments.is_finite), checked by the
        # caller without a separate scan of X; the arithmetic warnings on the way are noise
        with np.errstate(all="ignore"):
            for start in range(0, X.shape[0], step):
                stop = min(start + step, X.shape[0])
                w = None if sample_weight is None else sample_weight[start:stop]
                acc.add(X[start:stop, ...], y2[start:stop, ...], w)
            return acc.result()

    @classmethod
    def from_chunks(
        cls,
        chunks: Iterable[tuple[Array, Array, Array | None]],
        *,
        centered: bool = True,
    ) -> Moments:
        """Statistics of data given as a sequence of row chunks ``(X_k, y_k, w_k)``.

        ``w_k`` may be None (unit weights). All chunks must have the same number of columns.
        Equal to :meth:`from_array` on the concatenated rows, to rounding.
        """
        acc: _Accumulator | None = None
        with np.errstate(all="ignore"):
            for Xb, yb, wb in chunks:
                yb2 = yb[:, None] if yb.ndim == 1 else yb
                if acc is None:
                    acc = _Accumulator(Xb.shape[1], yb2.shape[1], centered, Xb)
                acc.add(Xb, yb2, wb)
        if acc is None:
            raise ValueError("chunks must hold at least one chunk; got an empty sequence")
        return acc.result()

    @classmethod
    def from_groups(
        cls,
        X: Array,
        y: Array,
        sample_weight: Array | None,
        labels: np.ndarray,
        n_groups: int,
        *,
        centered: bool = True,
        chunk_rows: int | None = None,
    ) -> list[Moments]:
        """Statistics of each group of rows (e.g. cross-validation folds), in ONE pass over X.

        Parameters
        ----------
        X : ndarray of shape (n, p)
        y : ndarray of shape (n,) or (n, t)
        sample_weight : ndarray of shape (n,) or None
        labels : ndarray of int, shape (n,)
            Group of each row, in ``range(n_groups)``; a row with label −1 belongs to no group.
            Always a NumPy array (host-side bookkeeping), whatever the library of X.
        n_groups : int

        Returns
        -------
        list of Moments, one per group (a group with no rows has ``n_samples == 0``).
        """
        if _is_sparse(X):
            from ridgeway.core.sparse import sparse_group_moments

            return sparse_group_moments(X, y, sample_weight, labels, n_groups, centered=centered)
        y2 = y[:, None] if y.ndim == 1 else y
        xp = bk.namespace(X)
        labels = np.asarray(labels)
        accs = [_Accumulator(X.shape[1], y2.shape[1], centered, X) for _ in range(n_groups)]
        step = chunk_rows or default_chunk_rows(X.shape[1])
        with np.errstate(all="ignore"):
            for start in range(0, X.shape[0], step):
                stop = min(start + step, X.shape[0])
                lab = labels[start:stop]
                if lab.size and lab[0] == lab[-1] and (lab == lab[0]).all():
                    if lab[0] >= 0:  # the whole chunk is one group: no copy
                        w = None if sample_weight is None else sample_weight[start:stop]
                        accs[lab[0]].add(X[start:stop, ...], y2[start:stop, ...], w)
                    continue
                if (lab[1:] >= lab[:-1]).all():  # sorted labels (e.g. KFold): slices, no copy
                    bounds = np.searchsorted(lab, np.arange(n_groups + 1)) + start
                    for g in range(n_groups):
                        sl = slice(int(bounds[g]), int(bounds[g + 1]))
                        if sl.stop > sl.start:
                            w = None if sample_weight is None else sample_weight[sl]
                            accs[g].add(X[sl, ...], y2[sl, ...], w)
                    continue
                order = np.argsort(lab, kind="stable")
                bounds = np.searchsorted(lab[order], np.arange(n_groups + 1))
                for g in range(n_groups):
                    idx = order[bounds[g] : bounds[g + 1]] + start
                    if idx.size:
                        w = None if sample_weight is None else bk.take(xp, sample_weight, idx, 0)
                        accs[g].add(bk.take(xp, X, idx, 0), bk.take(xp, y2, idx, 0), w)
            return [acc.result() for acc in accs]

    # ------------------------------------------------------------------ algebra
    def merge(self, other: Moments) -> Moments:
        """Statistics of the union of the rows of ``self`` and ``other`` (pairwise update)."""
        self._check_compatible(other)
        wa, wb = self.sum_weights, other.sum_weights
        w = wa + wb
        if wa == 0 or wb == 0:
            base, extra = (other, self) if wa == 0 else (self, other)
            return Moments(
                self.n_samples + other.n_samples,
                w,
                base.x_mean,
                base.y_mean,
                base.xx + extra.xx,
                base.xy + extra.xy,
                base.yy + extra.yy,
                self.centered,
            )
        f = wa * wb / w
        dx = other.x_mean - self.x_mean
        dy = other.y_mean - self.y_mean
        return Moments(
            n_samples=self.n_samples + other.n_samples,
            sum_weights=w,
            x_mean=self.x_mean + dx * (wb / w),
            y_mean=self.y_mean + dy * (wb / w),
            xx=self.xx + other.xx + f * _outer(dx, dx),
            xy=self.xy + other.xy + f * _outer(dx, dy),
            yy=self.yy + other.yy + f * dy * dy,
            centered=self.centered,
        )

    def subtract(self, part: Moments) -> Moments:
        """Statistics of the rows of ``self`` that are not in ``part`` (the inverse of merge).

        Used for k-fold cross-validation: the training statistics of fold k are the total minus
        fold k. ``part`` must be a subset of the rows of ``self``.
        """
        self._check_compatible(part)
        w = self.sum_weights
        wb = part.sum_weights
        wa = w - wb
        if not wa > 0:
            raise ValueError(
                "part must hold less weight than the whole; got "
                f"{wb:g} of a total {w:g} (nothing would be left)"
            )
        x_a = (w * self.x_mean - wb * part.x_mean) / wa
        y_a = (w * self.y_mean - wb * part.y_mean) / wa
        f = wa * wb / w
        dx = part.x_mean - x_a
        dy = part.y_mean - y_a
        return Moments(
            n_samples=self.n_samples - part.n_samples,
            sum_weights=wa,
            x_mean=x_a,
            y_mean=y_a,
            xx=self.xx - part.xx - f * _outer(dx, dx),
            xy=self.xy - part.xy - f * _outer(dx, dy),
            yy=self.yy - part.yy - f * dy * dy,
            centered=self.centered,
        )

    def uncentered(self) -> Moments:
        """The same statistics about zero (for a model without intercept): Σ s x xᵀ etc."""
        if not self.centered:
            return self
        w = self.sum_weights
        return Moments(
            n_samples=self.n_samples,
            sum_weights=w,
            x_mean=self.x_mean * 0.0,
            y_mean=self.y_mean * 0.0,
            xx=self.xx + w * _outer(self.x_mean, self.x_mean),
            xy=self.xy + w * _outer(self.x_mean, self.y_mean),
            yy=self.yy + w * self.y_mean**2,
            centered=False,
        )

    def _check_compatible(self, other: Moments) -> None:
        if self.centered != other.centered:
            raise ValueError("moments must both be centred or both uncentred to be combined")
        if self.n_features != other.n_features or self.n_targets != other.n_targets:
            raise ValueError(
                "moments must have the same shape to be combined; got "
                f"(p={self.n_features}, t={self.n_targets}) and "
                f"(p={other.n_features}, t={other.n_targets})"
            )


class _Accumulator:
    """Running Moments, updated one chunk at a time.

    The first chunk is centred at its own exact mean. Every later chunk is taken about a shift K:
    zero for a float64 chunk without weights when the first chunk showed every column's mean
    within about 3 spreads of the origin (BLAS ``syrk`` then runs on the caller's rows with no
    copy at all), otherwise the running mean, applied while the chunk is copied to float64 and scaled by √s, with
    a column of √s bordering the copy so that one ``syrk`` also yields the shifted sums. The
    chunk's centred statistics are then S − σσᵀ/Σs, with S the shifted cross-products and
    σ = Σ s (x − K). That subtraction is the only place digits can be lost, and the loss is
    bounded: entry (i, j) carries an error of at most about 2ε/√((1 − r_i)(1 − r_j)) relative to
    the columns' spread, where r_j = σ_j² / (Σs · S_jj) ∈ [0, 1]. When any r_j exceeds
    ``_MAX_SHIFT_RATIO`` = 0.9 (at most a factor √10 lost) the chunk is redone about its own exact mean, so
    data far from the origin (years, prices, raw polynomials) are centred exactly. Chunks are then
    merged with the pairwise update of Chan et al. Float32 chunks are accumulated in float64.

    The bookkeeping runs in the array namespace of the data (``like``); only the per-chunk
    products are a kernel of their own: NumPy's reuses buffers and calls ``syrk`` in place
    (:meth:`_products`), other libraries take the standard's products (:meth:`_products_xp`).
    """

    def __init__(self, p: int, t: int, centered: bool, like: Any = None) -> None:
        xp = bk.namespace(like)
        self.xp = xp
        self.dev = bk.device(like) if like is not None else None
        self.dt = bk.compute_dtype(xp, self.dev)
        self.centered = centered
        self.n = 0
        self.w = 0.0
        self.xm = bk.zeros(xp, (p,), self.dev)
        self.ym = bk.zeros(xp, (t,), self.dev)
        self.xx = bk.zeros(xp, (p, p), self.dev)
        self.xy = bk.zeros(xp, (p, t), self.dev)
        self.yy = bk.zeros(xp, (t,), self.dev)
        if xp is np:
            self._buf = np.empty((0, p + 1))
            self._prod = np.empty((p + 1, p + 1))
        self._zero_shift = False
        # rank-one corrections c·v vᵀ to xx, applied once at the end (one small product)
        self._vecs: list[Any] = []
        self._coefs: list[float] = []

    def _buffer(self, rows: int, cols: int) -> FloatArray:
        """A reused scratch array of shape (rows, cols) (fresh pages would cost page faults)."""
        if self._buf.shape[0] < rows:
            self._buf = np.empty((rows, cols))
        return self._buf[:rows]

    def add(self, Xb: Any, yb: Any, wb: Any | None) -> None:
        xp = self.xp
        p, t = self.xm.shape[0], self.ym.shape[0]
        if Xb.ndim != 2 or Xb.shape[1] != p or yb.shape[1] != t:
            raise ValueError(
                "every chunk must have the same columns; got a chunk of shape "
                f"{tuple(Xb.shape)} / {tuple(yb.shape)} after {p} features and {t} targets"
            )
        if Xb.shape[0] != yb.shape[0]:
            raise ValueError(
                f"a chunk's X and y must have the same rows; got {Xb.shape[0]} and {yb.shape[0]}"
            )
        nb = Xb.shape[0]
        if nb == 0:
            return
        sq = None
        if wb is None:
            swb = float(nb)
        else:
            wb = bk.as_float(xp, wb, self.dev)
            swb = float(xp.sum(wb))
            sq = xp.sqrt(wb)
        self.n += nb
        if swb == 0.0:
            return
        products = self._products if xp is np else self._products_xp
        if not self.centered:
            zx, zy = bk.zeros(xp, (p,), self.dev), bk.zeros(xp, (t,), self.dev)
            sxx, _, _, sxy, _, syy = products(Xb, yb, sq, zx, zy)
            self.xx += sxx
            self.xy += sxy
            self.yy += syy
            self.w += swb
            return
        first = self.w == 0.0
        if first:
            kx, ky = _weighted_mean(Xb, wb, swb), _weighted_mean(yb, wb, swb)
        elif self._zero_shift and sq is None and Xb.dtype == xp.float64:
            kx, ky = None, self.ym
        else:
            kx, ky = self.xm, self.ym
        sxx, sx, w, sxy, sy, syy = products(Xb, yb, sq, kx, ky)
        if not first and not self._shift_ok(sxx, sx, w, sy, syy):
            # the shift is far from this chunk's mean: redo it about its exact mean
            kx, ky = _weighted_mean(Xb, wb, swb), _weighted_mean(yb, wb, swb)
            sxx, sx, w, sxy, sy, syy = products(Xb, yb, sq, kx, ky)
        kx = bk.zeros(xp, (p,), self.dev) if kx is None else kx
        # the chunk's centred statistics are S − σσᵀ/w: the p×p part is added as it is and
        # the rank-one term is deferred
        self.xx += sxx
        self._vecs.append(sx / math.sqrt(w))
        self._coefs.append(-1.0)
        gxy = sxy - _outer(sx, sy / w)
        gyy = syy - sy * sy / w
        mx, my = kx + sx / w, ky + sy / w
        if first:
            # the origin is a safe shift for later chunks when no column's mean is far from zero
            # against its spread (r at zero shift below the bound)
            gdiag = bk.diagonal(xp, sxx) - sx * sx / w
            r0 = swb * mx * mx / xp.maximum(swb * mx * mx + gdiag, _TINY)
            self._zero_shift = bool(float(xp.max(r0)) <= _MAX_SHIFT_RATIO)
            self.xy, self.yy = gxy, gyy
            self.xm, self.ym, self.w = mx, my, swb
            return
        w_new = self.w + swb
        f = self.w * swb / w_new
        dx = mx - self.xm
        dy = my - self.ym
        self._vecs.append(math.sqrt(f) * dx)
        self._coefs.append(1.0)
        self.xy += gxy + f * _outer(dx, dy)
        self.yy += gyy + f * dy * dy
        self.xm = self.xm + dx * (swb / w_new)
        self.ym = self.ym + dy * (swb / w_new)
        self.w = w_new

    def _shift_ok(self, sxx: Any, sx: Any, w: float, sy: Any, syy: Any) -> bool:
        """Whether S − σσᵀ/w keeps its digits: every r_j = σ_j²/(w S_jj) at most the bound."""
        xp = self.xp
        rx = sx * sx / (w * xp.maximum(bk.diagonal(xp, sxx), _TINY))
        ry = sy * sy / (w * xp.maximum(syy, _TINY))
        return bool(float(xp.max(rx)) <= _MAX_SHIFT_RATIO and float(xp.max(ry)) <= _MAX_SHIFT_RATIO)

    def _products(
        self,
        Xb: np.ndarray,
        yb: np.ndarray,
        sq: np.ndarray | None,
        kx: np.ndarray | None,
        ky: np.ndarray,
    ) -> tuple[FloatArray, FloatArray, float, FloatArray, FloatArray, FloatArray]:
        """Products of one chunk about the shift (kx, ky), weighted by s (the NumPy kernel).

        Returns S = Σ s (x − kx)(x − kx)ᵀ (a view of a reused buffer: use it before the next
        call), σ = Σ s (x − kx), w = Σ s, Σ s (x − kx)(y − ky)ᵀ, Σ s (y − ky) and Σ s (y − ky)².
        ``kx`` None is the zero shift on the caller's float64 rows, without any copy of them.
        """
        nb, p = Xb.shape
        yc = np.subtract(yb, ky, dtype=np.float64)
        if sq is not None:
            yc *= sq[:, None]
        # numpy turns Aᵀ A into one BLAS syrk. numpy's BLAS is used throughout this loop:
        # alternating with SciPy's own BLAS makes the two libraries' thread pools spin.
        if kx is None:
            sxx = np.matmul(Xb.T, Xb, out=self._prod[:p, :p])
            Z = np.empty((nb, 1 + yc.shape[1]))
            Z[:, 0] = 1.0
            Z[:, 1:] = yc
            XZ = Xb.T @ Z  # σ and the cross-products in one pass over the chunk
            sx, sxy, w = XZ[:, 0], XZ[:, 1:], float(nb)
        else:
            buf = self._buffer(nb, p + 1)
            np.subtract(Xb, kx, out=buf[:, :p])
            if sq is None:
                buf[:, p] = 1.0
            else:
                buf[:, :p] *= sq[:, None]
                buf[:, p] = sq
            S = np.matmul(buf.T, buf, out=self._prod)
            sxx, sx, w = S[:p, :p], S[:p, p].copy(), float(S[p, p])
            sxy = buf[:, :p].T @ yc
        sy = yc.sum(axis=0) if sq is None else sq @ yc
        syy = np.einsum("ij,ij->j", yc, yc)
        return sxx, sx, w, sxy, sy, syy

    def _products_xp(
        self, Xb: Any, yb: Any, sq: Any | None, kx: Any | None, ky: Any
    ) -> tuple[Any, Any, float, Any, Any, Any]:
        """The same products with the array API's operations (any library, any device)."""
        xp = self.xp
        Xc = bk.astype(xp, Xb, self.dt)
        if kx is not None:
            Xc = Xc - kx
        yc = bk.astype(xp, yb, self.dt) - ky
        if sq is None:
            sx, w = xp.sum(Xc, axis=0), float(Xb.shape[0])
            sy = xp.sum(yc, axis=0)
        else:
            Xc = Xc * sq[:, None]
            yc = yc * sq[:, None]
            sx, w = sq @ Xc, float(xp.sum(sq * sq))
            sy = sq @ yc
        return Xc.T @ Xc, sx, w, Xc.T @ yc, sy, xp.sum(yc * yc, axis=0)

    def result(self) -> Moments:
        xp = self.xp
        xx = self.xx
        if self._vecs:
            V = xp.stack(self._vecs, axis=1)
            xx = xx + (V * bk.as_float(xp, self._coefs, self.dev)) @ V.T
        xx = 0.5 * (xx + xx.T)
        return Moments(
            n_samples=self.n,
            sum_weights=self.w,
            x_mean=self.xm,
            y_mean=self.ym,
            xx=xx,
            xy=self.xy,
            yy=self.yy,
            centered=self.centered,
        )


def _outer(a: Any, b: Any) -> Any:
    """The outer product a bᵀ of two vectors, in their own namespace."""
    return a[:, None] * b[None, :]


def _weighted_mean(A: Any, w: Any | None, sw: float) -> Any:
    """Column means of A (n, k) with weights w (n,) whose sum is sw, in float64."""
    xp = bk.namespace(A)
    if xp is np:
        if w is None:
            return np.asarray(A.mean(axis=0, dtype=np.float64))
        return np.asarray(w @ np.asarray(A, dtype=np.float64)) / sw
    A64 = bk.astype(xp, A, bk.compute_dtype(xp, bk.device(A)))
    return xp.mean(A64, axis=0) if w is None else (w @ A64) / sw


def column_means(
    X: Any, y: Any, sample_weight: Any | None, centered: bool = True
) -> tuple[Any, Any]:
    """Weighted column means of X (n, p) and y (n, t) in float64; zeros when not ``centered``."""
    if _is_sparse(X):
        from ridgeway.core.sparse import sparse_column_means

        return sparse_column_means(X, y, sample_weight, centered)
    xp = bk.namespace(X)
    if not centered:
        dev = bk.device(X)
        return bk.zeros(xp, (X.shape[1],), dev), bk.zeros(xp, (y.shape[1],), dev)
    w = None if sample_weight is None else bk.as_float(xp, sample_weight, bk.device(X))
    sw = float(X.shape[0]) if w is None else float(xp.sum(w))
    return _weighted_mean(X, w, sw), _weighted_mean(y, w, sw)


def column_sum_squares(X: Any, x_mean: Any, sample_weight: Any | None) -> Any:
    """Σ_i s_i (x_ij − x̄_j)² per column, shape (p,), read in row chunks of about 16 MiB."""
    if _is_sparse(X):
        from ridgeway.core.sparse import sparse_column_sum_squares

        return sparse_column_sum_squares(X, x_mean, sample_weight)
    xp = bk.namespace(X)
    dev = bk.device(X)
    ss = bk.zeros(xp, (X.shape[1],), dev)
    step = default_chunk_rows(X.shape[1])
    w = None if sample_weight is None else bk.as_float(xp, sample_weight, dev)
    n = X.shape[0]
    for s in range(0, n, step):
        e = min(s + step, n)
        if xp is np:
            B = np.subtract(X[s:e], x_mean, dtype=np.float64)
            ss += np.einsum("ij,ij->j", B, B) if w is None else w[s:e] @ (B * B)
        else:
            B = bk.astype(xp, X[s:e, ...], ss.dtype) - x_mean
            ss += xp.sum(B * B, axis=0) if w is None else w[s:e] @ (B * B)
    return ss


def _is_sparse(X: object) -> bool:
    """Whether X is a scipy sparse matrix or array (routed to :mod:`ridgeway.core.sparse`)."""
    return type(X).__module__.startswith("scipy.sparse")
