"""Weighted, centred sufficient statistics of sparse X, never densifying X.

For a scipy sparse X (n×p), targets Y (n×t) and sample weights s, :func:`sparse_moments` returns
the same :class:`~ridgeway.core.moments.Moments` as the dense data pass: Σs, the weighted means,
the centred Gram Σ s (x − x̄)(x − x̄)ᵀ (p×p), Σ s (x − x̄)(y − ȳ)ᵀ and Σ s (y − ȳ)².

Centring X would fill it in, so the Gram is formed from the sparse product XᵀSX and centred by
the shift formula

    G = XᵀSX − Σs · x̄ x̄ᵀ,

which is exact in exact arithmetic and, in floating point, loses digits only where a column's
mean is large against its spread. The loss is bounded as in the dense accumulator
(:mod:`ridgeway.core.moments`): entry (i, j) carries an error of about 2ε/√((1 − r_i)(1 − r_j))
relative to the columns' spread, with r_j = Σs x̄_j² / (XᵀSX)_jj. Sparse columns have r_j ≈ the
fraction of weight on their nonzeros, far below the bound. Columns with r_j above the same bound
(0.9) — a dense column of large mean, such as a year or a price — have their rows and columns of
G recomputed exactly from dense row chunks of just those columns, centred before the product.
The diagonal of G is exact: Σ s (x_j − x̄_j)² is summed over the nonzeros of column j plus
x̄_j² times the weight of its zeros (that weight, Σs minus the weight of the nonzeros, is 0
exactly for a column stored in full, and far columns take their diagonal from the chunks).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp

from ridgeway._typing import FloatArray
from ridgeway.core.moments import _MAX_SHIFT_RATIO, Moments

__all__ = [
    "is_sparse",
    "sparse_column_means",
    "sparse_column_sum_squares",
    "sparse_group_moments",
    "sparse_moments",
    "sparse_products",
]

_CHUNK_BYTES = 16 * 2**20


def is_sparse(X: Any) -> bool:
    """Whether ``X`` is a scipy sparse matrix or array."""
    return bool(sp.issparse(X))


def _f64(X: Any) -> Any:
    """X as float64 CSR (a copy of the nonzeros only when the dtype or format differs)."""
    Xc = X.tocsr()
    return Xc if Xc.dtype == np.float64 else Xc.astype(np.float64)


def _row_scaled(X: Any, w: FloatArray) -> Any:
    """diag(w) X for CSR X, as a new CSR matrix with the same pattern."""
    out = X.copy()
    out.data = out.data * np.repeat(w, np.diff(X.indptr))
    return out


def sparse_column_means(
    X: Any, y: np.ndarray, sample_weight: np.ndarray | None, centered: bool = True
) -> tuple[FloatArray, FloatArray]:
    """Weighted column means of sparse X (n, p) and dense y (n, t); zeros when not ``centered``."""
    Y = y[:, None] if y.ndim == 1 else y
    if not centered:
        return np.zeros(X.shape[1]), np.zeros(Y.shape[1])
    n = X.shape[0]
    w = np.ones(n) if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
    sw = float(w.sum())
    xm = np.asarray(X.T @ w, dtype=np.float64).reshape(-1) / sw
    ym = np.asarray(w @ np.asarray(Y, dtype=np.float64)) / sw
    return xm, ym


def sparse_column_sum_squares(
    X: Any, x_mean: np.ndarray, sample_weight: np.ndarray | None
) -> FloatArray:
    """Σ_i s_i (x_ij − x̄_j)² per column, shape (p,), exactly (no cancellation).

    The nonzeros of column j contribute s_i (x_ij − x̄_j)², its zeros x̄_j² times their weight.
    Read in row chunks of about 2²⁰ nonzeros (no copy of X).
    """
    Xc = X.tocsr()
    n, p = Xc.shape
    w = np.ones(n) if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
    xm = np.asarray(x_mean, dtype=np.float64)
    on_nz = np.zeros(p)
    w_nz = np.zeros(p)
    count = np.zeros(p)
    indptr = Xc.indptr
    rows = int(max(1, n * 2**20 // max(Xc.nnz, 1)))
    for s in range(0, n, rows):
        e = min(n, s + rows)
        a, b = int(indptr[s]), int(indptr[e])
        col = Xc.indices[a:b]
        ws = np.repeat(w[s:e], np.diff(indptr[s : e + 1]))
        dev = np.asarray(Xc.data[a:b], dtype=np.float64) - xm[col]
        on_nz += np.bincount(col, weights=ws * dev * dev, minlength=p)
        w_nz += np.bincount(col, weights=ws, minlength=p)
        count += np.bincount(col, minlength=p)
    # the weight of a column's zeros; exactly 0 for a column stored in full
    w_zero = np.where(count >= n, 0.0, np.maximum(float(w.sum()) - w_nz, 0.0))
    return np.asarray(on_nz + xm**2 * w_zero)


def sparse_products(X: Any, sample_weight: np.ndarray | None) -> FloatArray:
    """XᵀSX as a dense (p, p) array, from the sparse product (X itself is never densified)."""
    Xf = _f64(X)
    Xw = Xf if sample_weight is None else _row_scaled(Xf, np.asarray(sample_weight, float))
    G = (Xf.T @ Xw).toarray()
    return np.asarray(0.5 * (G + G.T))


def sparse_moments(
    X: Any,
    y: np.ndarray,
    sample_weight: np.ndarray | None = None,
    *,
    centered: bool = True,
) -> Moments:
    """Moments of sparse data: the centred (or uncentred) Gram without densifying X.

    Parameters
    ----------
    X : scipy sparse matrix or array of shape (n, p)
    y : ndarray of shape (n,) or (n, t)
    sample_weight : ndarray of shape (n,), optional
    centered : bool, default True
        Centre about the weighted means (a model with intercept).

    Returns
    -------
    Moments
        Equal to ``Moments.from_array(X.toarray(), y, sample_weight)`` up to rounding.

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> X = sp.csr_matrix(np.array([[0.0, 1.0], [2.0, 0.0], [0.0, 0.0], [2.0, 3.0]]))
    >>> m = sparse_moments(X, np.array([1.0, 2.0, 0.0, 5.0]))
    >>> m.x_mean, m.xx[0, 1]
    (array([1., 1.]), np.float64(2.0))
    """
    Xf = _f64(X)
    n, p = Xf.shape
    Y = np.asarray(y, dtype=np.float64)
    Y = Y[:, None] if Y.ndim == 1 else Y
    w = None if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
    sw = float(n) if w is None else float(w.sum())
    xm, ym = sparse_column_means(Xf, Y, w, centered)
    Yc = Y - ym
    wY = Yc if w is None else Yc * w[:, None]
    G = sparse_products(Xf, w)
    xy = np.asarray(Xf.T @ wY)
    yy = np.einsum("nt,nt->t", wY, Yc)
    if centered:
        raw = np.diagonal(G).copy()
        G -= sw * np.outer(xm, xm)
        xy -= np.outer(xm, wY.sum(axis=0))
        ss = sparse_column_sum_squares(Xf, xm, w)
        np.fill_diagonal(G, ss)
        r = sw * xm * xm / np.maximum(raw, np.finfo(float).tiny)
        far = np.flatnonzero(r > _MAX_SHIFT_RATIO)
        if far.size:  # (their diagonal from the centred chunks too)
            _exact_rows(Xf, Yc, w, xm, far, G, xy)
    return Moments(n, sw, xm if centered else np.zeros(p), ym, G, xy, yy, centered)


def _exact_rows(
    X: Any,
    Yc: FloatArray,
    w: FloatArray | None,
    xm: FloatArray,
    far: np.ndarray,
    G: FloatArray,
    xy: FloatArray,
) -> None:
    """Recompute rows/columns ``far`` of the centred Gram (and of xy) from dense row chunks.

    D = X[:, far] − x̄_far (centred before any product) gives G[far, :] = Dᵀ S (X − 1x̄ᵀ)
    = Dᵀ S X − (Dᵀ s) x̄ᵀ, and G[far, far] = Dᵀ S D with both sides centred exactly.
    """
    n, p = X.shape
    m = far.size
    step = int(max(256, _CHUNK_BYTES // (8 * max(m, 1))))
    Xfar = X[:, far].tocsr()
    rows = np.zeros((m, p))
    block = np.zeros((m, m))
    dsum = np.zeros(m)
    cross = np.zeros((m, Yc.shape[1]))
    for s in range(0, n, step):
        D = Xfar[s : s + step].toarray() - xm[far]
        Dw = D if w is None else D * w[s : s + step, None]
        rows += np.asarray(X[s : s + step].T @ Dw).T
        block += Dw.T @ D
        dsum += Dw.sum(axis=0)
        cross += Dw.T @ Yc[s : s + step]
    rows -= np.outer(dsum, xm)
    rows[:, far] = 0.5 * (block + block.T)
    G[far, :] = rows
    G[:, far] = rows.T
    xy[far] = cross


def sparse_group_moments(
    X: Any,
    y: np.ndarray,
    sample_weight: np.ndarray | None,
    labels: np.ndarray,
    n_groups: int,
    *,
    centered: bool = True,
) -> list[Moments]:
    """Moments of the rows of each group (label −1: no group), one sparse pass per group."""
    Xf = _f64(X)
    Y = np.asarray(y, dtype=np.float64)
    Y = Y[:, None] if Y.ndim == 1 else Y
    p, t = Xf.shape[1], Y.shape[1]
    out = []
    for g in range(n_groups):
        idx = np.flatnonzero(labels == g)
        w = None if sample_weight is None else sample_weight[idx]
        if idx.size == 0 or (w is not None and not (w > 0).any()):
            zero = Moments(
                int(idx.size),
                0.0,
                np.zeros(p),
                np.zeros(t),
                np.zeros((p, p)),
                np.zeros((p, t)),
                np.zeros(t),
                centered,
            )
            out.append(zero)
            continue
        out.append(sparse_moments(Xf[idx], Y[idx], w, centered=centered))
    return out
