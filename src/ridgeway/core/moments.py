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
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from ridgeway._typing import FloatArray

__all__ = ["Moments", "column_means", "column_sum_squares", "default_chunk_rows"]

_CHUNK_BYTES = 16 * 2**20
_MAX_SHIFT_RATIO = 0.9


def default_chunk_rows(n_features: int) -> int:
    """Rows per chunk so that one float64 chunk of X takes about 16 MiB."""
    return int(max(256, _CHUNK_BYTES // (8 * max(n_features, 1))))


@dataclass(frozen=True, eq=False)
class Moments:
    """Mergeable weighted sufficient statistics, all float64.

    Attributes
    ----------
    n_samples : int
        Number of rows seen (rows of weight zero included).
    sum_weights : float
        Σ s_i.
    x_mean : ndarray of shape (p,)
        Weighted mean of X (zeros when ``centered`` is False).
    y_mean : ndarray of shape (t,)
        Weighted mean of Y (zeros when ``centered`` is False).
    xx : ndarray of shape (p, p)
        Σ s_i (x_i − x̄)(x_i − x̄)ᵀ.
    xy : ndarray of shape (p, t)
        Σ s_i (x_i − x̄)(y_i − ȳ)ᵀ.
    yy : ndarray of shape (t,)
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
        return bool(
            np.isfinite(self.sum_weights)
            and np.isfinite(self.xx).all()
            and np.isfinite(self.xy).all()
            and np.isfinite(self.yy).all()
            and np.isfinite(self.x_mean).all()
            and np.isfinite(self.y_mean).all()
        )

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_array(
        cls,
        X: np.ndarray,
        y: np.ndarray,
        sample_weight: np.ndarray | None = None,
        *,
        centered: bool = True,
        chunk_rows: int | None = None,
    ) -> Moments:
        """Statistics of in-memory data, read in row chunks (no copy of X beyond one chunk).

        Parameters
        ----------
        X : ndarray of shape (n, p), float32 or float64
        y : ndarray of shape (n,) or (n, t)
        sample_weight : ndarray of shape (n,), optional
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
        acc = _Accumulator(X.shape[1], 1 if y.ndim == 1 else y.shape[1], centered)
        step = chunk_rows or default_chunk_rows(X.shape[1])
        y2 = y[:, None] if y.ndim == 1 else y
        # non-finite data show up as non-finite statistics (Moments.is_finite), checked by the
        # caller without a separate scan of X; the arithmetic warnings on the way are noise
        with np.errstate(all="ignore"):
            for start in range(0, X.shape[0], step):
                stop = start + step
                w = None if sample_weight is None else sample_weight[start:stop]
                acc.add(X[start:stop], y2[start:stop], w)
            return acc.result()

    @classmethod
    def from_chunks(
        cls,
        chunks: Iterable[tuple[np.ndarray, np.ndarray, np.ndarray | None]],
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
                    acc = _Accumulator(Xb.shape[1], yb2.shape[1], centered)
                acc.add(Xb, yb2, wb)
        if acc is None:
            raise ValueError("chunks must hold at least one chunk; got an empty sequence")
        return acc.result()

    @classmethod
    def from_groups(
        cls,
        X: np.ndarray,
        y: np.ndarray,
        sample_weight: np.ndarray | None,
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
        n_groups : int

        Returns
        -------
        list of Moments, one per group (a group with no rows has ``n_samples == 0``).
        """
        if _is_sparse(X):
            from ridgeway.core.sparse import sparse_group_moments

            return sparse_group_moments(X, y, sample_weight, labels, n_groups, centered=centered)
        y2 = y[:, None] if y.ndim == 1 else y
        accs = [_Accumulator(X.shape[1], y2.shape[1], centered) for _ in range(n_groups)]
        step = chunk_rows or default_chunk_rows(X.shape[1])
        with np.errstate(all="ignore"):
            for start in range(0, X.shape[0], step):
                stop = min(start + step, X.shape[0])
                lab = labels[start:stop]
                if lab.size and lab[0] == lab[-1] and (lab == lab[0]).all():
                    if lab[0] >= 0:  # the whole chunk is one group: no copy
                        w = None if sample_weight is None else sample_weight[start:stop]
                        accs[lab[0]].add(X[start:stop], y2[start:stop], w)
                    continue
                if (lab[1:] >= lab[:-1]).all():  # sorted labels (e.g. KFold): slices, no copy
                    bounds = np.searchsorted(lab, np.arange(n_groups + 1)) + start
                    for g in range(n_groups):
                        sl = slice(int(bounds[g]), int(bounds[g + 1]))
                        if sl.stop > sl.start:
                            w = None if sample_weight is None else sample_weight[sl]
                            accs[g].add(X[sl], y2[sl], w)
                    continue
                order = np.argsort(lab, kind="stable")
                bounds = np.searchsorted(lab[order], np.arange(n_groups + 1))
                for g in range(n_groups):
                    idx = order[bounds[g] : bounds[g + 1]] + start
                    if idx.size:
                        w = None if sample_weight is None else sample_weight[idx]
                        accs[g].add(X[idx], y2[idx], w)
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
            xx=self.xx + other.xx + f * np.outer(dx, dx),
            xy=self.xy + other.xy + f * np.outer(dx, dy),
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
            xx=self.xx - part.xx - f * np.outer(dx, dx),
            xy=self.xy - part.xy - f * np.outer(dx, dy),
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
            x_mean=np.zeros_like(self.x_mean),
            y_mean=np.zeros_like(self.y_mean),
            xx=self.xx + w * np.outer(self.x_mean, self.x_mean),
            xy=self.xy + w * np.outer(self.x_mean, self.y_mean),
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
    """

    def __init__(self, p: int, t: int, centered: bool) -> None:
        self.centered = centered
        self.n = 0
        self.w = 0.0
        self.xm = np.zeros(p)
        self.ym = np.zeros(t)
        self.xx = np.zeros((p, p))
        self.xy = np.zeros((p, t))
        self.yy = np.zeros(t)
        self._buf = np.empty((0, p + 1))
        self._prod = np.empty((p + 1, p + 1))
        self._zero_shift = False
        # rank-one corrections c·v vᵀ to xx, applied once at the end (one small product)
        self._vecs: list[FloatArray] = []
        self._coefs: list[float] = []

    def _buffer(self, rows: int, cols: int) -> FloatArray:
        """A reused scratch array of shape (rows, cols) (fresh pages would cost page faults)."""
        if self._buf.shape[0] < rows:
            self._buf = np.empty((rows, cols))
        return self._buf[:rows]

    def add(self, Xb: np.ndarray, yb: np.ndarray, wb: np.ndarray | None) -> None:
        p, t = self.xm.shape[0], self.ym.shape[0]
        if Xb.ndim != 2 or Xb.shape[1] != p or yb.shape[1] != t:
            raise ValueError(
                "every chunk must have the same columns; got a chunk of shape "
                f"{Xb.shape} / {yb.shape} after {p} features and {t} targets"
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
            wb = np.asarray(wb, dtype=np.float64)
            swb = float(wb.sum())
            sq = np.sqrt(wb)
        self.n += nb
        if swb == 0.0:
            return
        if not self.centered:
            sxx, _, _, sxy, _, syy = self._products(Xb, yb, sq, np.zeros(p), np.zeros(t))
            self.xx += sxx
            self.xy += sxy
            self.yy += syy
            self.w += swb
            return
        first = self.w == 0.0
        if first:
            kx, ky = _weighted_mean(Xb, wb, swb), _weighted_mean(yb, wb, swb)
        elif self._zero_shift and sq is None and Xb.dtype == np.float64:
            kx, ky = None, self.ym
        else:
            kx, ky = self.xm, self.ym
        sxx, sx, w, sxy, sy, syy = self._products(Xb, yb, sq, kx, ky)
        if not first and not self._shift_ok(sxx, sx, w, sy, syy):
            # the shift is far from this chunk's mean: redo it about its exact mean
            kx, ky = _weighted_mean(Xb, wb, swb), _weighted_mean(yb, wb, swb)
            sxx, sx, w, sxy, sy, syy = self._products(Xb, yb, sq, kx, ky)
        kx = np.zeros(p) if kx is None else kx
        # the chunk's centred statistics are S − σσᵀ/w: the p×p part is added as it is and
        # the rank-one term is deferred
        self.xx += sxx
        self._vecs.append(sx / np.sqrt(w))
        self._coefs.append(-1.0)
        gxy = sxy - np.outer(sx, sy / w)
        gyy = syy - sy * sy / w
        mx, my = kx + sx / w, ky + sy / w
        if first:
            # the origin is a safe shift for later chunks when no column's mean is far from zero
            # against its spread (r at zero shift below the bound)
            gdiag = np.diagonal(sxx) - sx * sx / w
            r0 = swb * mx * mx / np.maximum(swb * mx * mx + gdiag, np.finfo(float).tiny)
            self._zero_shift = bool(r0.max(initial=0.0) <= _MAX_SHIFT_RATIO)
            self.xy, self.yy = gxy, gyy
            self.xm, self.ym, self.w = mx, my, swb
            return
        w_new = self.w + swb
        f = self.w * swb / w_new
        dx = mx - self.xm
        dy = my - self.ym
        self._vecs.append(np.sqrt(f) * dx)
        self._coefs.append(1.0)
        self.xy += gxy + f * np.outer(dx, dy)
        self.yy += gyy + f * dy * dy
        self.xm = self.xm + dx * (swb / w_new)
        self.ym = self.ym + dy * (swb / w_new)
        self.w = w_new

    @staticmethod
    def _shift_ok(
        sxx: np.ndarray, sx: np.ndarray, w: float, sy: np.ndarray, syy: np.ndarray
    ) -> bool:
        """Whether S − σσᵀ/w keeps its digits: every r_j = σ_j²/(w S_jj) at most the bound."""
        tiny = np.finfo(float).tiny
        rx = sx * sx / (w * np.maximum(np.diagonal(sxx), tiny))
        ry = sy * sy / (w * np.maximum(syy, tiny))
        return bool(
            rx.max(initial=0.0) <= _MAX_SHIFT_RATIO and ry.max(initial=0.0) <= _MAX_SHIFT_RATIO
        )

    def _products(
        self,
        Xb: np.ndarray,
        yb: np.ndarray,
        sq: np.ndarray | None,
        kx: np.ndarray | None,
        ky: np.ndarray,
    ) -> tuple[FloatArray, FloatArray, float, FloatArray, FloatArray, FloatArray]:
        """Products of one chunk about the shift (kx, ky), weighted by s.

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

    def result(self) -> Moments:
        xx = self.xx
        if self._vecs:
            V = np.column_stack(self._vecs)
            xx = xx + (V * np.asarray(self._coefs)) @ V.T
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


def _weighted_mean(A: np.ndarray, w: np.ndarray | None, sw: float) -> FloatArray:
    """Column means of A (n, k) with weights w (n,) whose sum is sw, in float64."""
    if w is None:
        return np.asarray(A.mean(axis=0, dtype=np.float64))
    return np.asarray(w @ np.asarray(A, dtype=np.float64)) / sw


def column_means(
    X: np.ndarray, y: np.ndarray, sample_weight: np.ndarray | None, centered: bool = True
) -> tuple[FloatArray, FloatArray]:
    """Weighted column means of X (n, p) and y (n, t) in float64; zeros when not ``centered``."""
    if _is_sparse(X):
        from ridgeway.core.sparse import sparse_column_means

        return sparse_column_means(X, y, sample_weight, centered)
    if not centered:
        return np.zeros(X.shape[1]), np.zeros(y.shape[1])
    sw = float(X.shape[0]) if sample_weight is None else float(sample_weight.sum())
    return _weighted_mean(X, sample_weight, sw), _weighted_mean(y, sample_weight, sw)


def column_sum_squares(
    X: np.ndarray, x_mean: np.ndarray, sample_weight: np.ndarray | None
) -> FloatArray:
    """Σ_i s_i (x_ij − x̄_j)² per column, shape (p,), read in row chunks of about 16 MiB."""
    if _is_sparse(X):
        from ridgeway.core.sparse import sparse_column_sum_squares

        return sparse_column_sum_squares(X, x_mean, sample_weight)
    ss = np.zeros(X.shape[1])
    step = default_chunk_rows(X.shape[1])
    w = sample_weight
    for s in range(0, X.shape[0], step):
        B = np.subtract(X[s : s + step], x_mean, dtype=np.float64)
        ss += np.einsum("ij,ij->j", B, B) if w is None else w[s : s + step] @ (B * B)
    return ss


def _is_sparse(X: object) -> bool:
    """Whether X is a scipy sparse matrix or array (routed to :mod:`ridgeway.core.sparse`)."""
    return type(X).__module__.startswith("scipy.sparse")
