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

The sums run in the array namespace of the spectrum and X (NumPy, or e.g. torch tensors on
their device): the Curve's arrays belong to that library.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ridgeway._typing import FloatArray
from ridgeway.core import backend as bk
from ridgeway.core.moments import default_chunk_rows
from ridgeway.core.spectrum import Spectrum
from ridgeway.selection.curve import Curve
from ridgeway.selection.grid import grid_of

__all__ = ["loo"]


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
    sw = spectrum.sum_weights
    if spectrum.kind == "eigh":
        q_sum, q_sq = _sums_primal(xp, spectrum, X, Y, w, al, fit_intercept, chunk_rows)
    else:
        q_sum, q_sq = _sums_dual(xp, spectrum, Y, w, al, fit_intercept)
    mean = q_sum / sw
    n_pos = n if w is None else int(xp.count_nonzero(w > 0))
    # weighted variance of the per-sample squared errors ε_i = q_i / s_i
    var = xp.maximum(q_sq / sw - mean**2, 0.0)
    se = xp.sqrt(var / max(n_pos - 1, 1))
    yc = Y - spectrum.y_mean
    total = xp.sum(yc * yc, axis=0) if w is None else w @ (yc * yc)
    return Curve("loo", al, mean, se, spectrum.df(al), n, total=total)


def _sums_primal(
    xp: Any,
    spec: Spectrum,
    X: Any,
    Y: Any,
    w: Any | None,
    al: Any,
    fit_intercept: bool,
    chunk_rows: int | None,
) -> tuple[FloatArray, FloatArray]:
    """Σ_i s_i e_loo² and Σ_i s_i e_loo⁴ over a second pass of X in row chunks."""
    a, t = al.shape[0], Y.shape[1]
    n, p = X.shape
    V, sc = spec.right, spec.scale
    assert V is not None and sc is not None
    P, U = spec.penalized, spec.unpenalized
    coefs = spec.coef_path(al)  # (a, p, t)
    Wm = bk.ascontiguous(xp, xp.reshape(bk.permute_dims(xp, coefs, (1, 0, 2)), (p, a * t)))
    inv = 1.0 / (spec.d[:, None] + al[None, :])  # (k, a)
    VS = sc[:, None] * V  # rows of the scaled penalized design times V in one product
    cho = None
    if U.size:
        assert spec.unpen_gram is not None and spec.coupling is not None
        cho = bk.spd_solver(xp, spec.unpen_gram)
    # Without unpenalized columns, and when no column's mean is far from zero against its spread
    # (the bound of the data pass, r_j = W x̄_j² / (W x̄_j² + G_jj) ≤ 0.9), the chunk is used as
    # it is and centred through the products: (X − 1x̄ᵀ)M = XM − 1(x̄ᵀM), losing at most a
    # factor √10 — and no copy of the chunk is made.
    uncentred = False
    if cho is None and P.size == p and spec.column_ss is not None:
        wx2 = spec.sum_weights * spec.x_mean**2
        r = wx2 / xp.maximum(wx2 + spec.column_ss, float(np.finfo(float).tiny))
        uncentred = bool(float(xp.max(r)) <= 0.9)
    # one product per chunk gives both the eigen-coordinates and the fitted values
    both = bk.ascontiguous(xp, bk.concat(xp, [VS, Wm], axis=1)) if uncentred else None
    x_both = spec.x_mean @ both if both is not None else None
    k = VS.shape[1]
    q_sum = bk.zeros(xp, (a, t), bk.device(spec.d))
    q_sq = bk.zeros(xp, (a, t), bk.device(spec.d))
    # rows per chunk: about 16 MiB of X and of the (rows, a, t) residuals, whichever binds
    step = chunk_rows or max(16, min(default_chunk_rows(p), (2 * 2**20) // max(a * t, 1)))
    for s in range(0, n, step):
        e = min(s + step, n)
        wc = None if w is None else w[s:e]
        yc = (Y[s:e, ...] - spec.y_mean)[:, None, :]
        if uncentred:
            assert both is not None and x_both is not None
            XM = _rows(xp, X[s:e, ...], both.dtype) @ both
            XM -= x_both
            B = XM[:, :k]
            resid = yc - xp.reshape(XM[:, k:], (-1, a, t))
            lev_u: Any = 0.0
        else:
            Xc = _centred(xp, X[s:e, ...], spec.x_mean)
            resid = yc - xp.reshape(Xc @ Wm, (-1, a, t))
            if cho is not None:
                XU = bk.take(xp, Xc, U, 1)
                lev_u = xp.sum(XU * cho(XU.T).T, axis=1)[:, None]
                XP = bk.take(xp, Xc, P, 1) - XU @ spec.coupling
            else:
                lev_u = 0.0
                XP = Xc if P.size == p else bk.take(xp, Xc, P, 1)
            B = XP @ VS  # (c, k)
        lev_p = (B * B) @ inv  # (c, a)
        h = lev_p + lev_u if wc is None else wc[:, None] * (lev_p + lev_u)
        if fit_intercept:
            h = h + ((1.0 if wc is None else wc[:, None]) / spec.sum_weights)
        with np.errstate(divide="ignore", invalid="ignore"):
            eps = (resid / (1.0 - h)[:, :, None]) ** 2
        c = eps.shape[0]
        if wc is None:
            q_sum += xp.sum(eps, axis=0)
            q_sq += xp.sum(eps * eps, axis=0)
        else:
            q_sum += xp.reshape(wc @ xp.reshape(eps, (c, a * t)), (a, t))
            q_sq += xp.reshape(wc @ xp.reshape(eps * eps, (c, a * t)), (a, t))
    return q_sum, q_sq


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
