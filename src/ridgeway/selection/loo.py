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

import numpy as np
import scipy.linalg as sla

from ridgeway._typing import FloatArray
from ridgeway.core.moments import default_chunk_rows
from ridgeway.core.spectrum import Spectrum
from ridgeway.selection.curve import Curve
from ridgeway.selection.grid import default_alphas

__all__ = ["loo"]


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
    n = X.shape[0]
    w = None if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
    sw = spectrum.sum_weights
    if spectrum.kind == "eigh":
        q_sum, q_sq = _sums_primal(spectrum, X, Y, w, al, fit_intercept, chunk_rows)
    else:
        q_sum, q_sq = _sums_dual(spectrum, Y, w, al, fit_intercept)
    mean = q_sum / sw
    n_pos = n if w is None else int((w > 0).sum())
    # weighted variance of the per-sample squared errors ε_i = q_i / s_i
    var = np.maximum(q_sq / sw - mean**2, 0.0)
    se = np.sqrt(var / max(n_pos - 1, 1))
    yc = Y - spectrum.y_mean
    total = np.einsum("nt,nt->t", yc, yc) if w is None else np.einsum("n,nt,nt->t", w, yc, yc)
    return Curve("loo", al, mean, se, spectrum.df(al), n, total=total)


def _sums_primal(
    spec: Spectrum,
    X: np.ndarray,
    Y: FloatArray,
    w: FloatArray | None,
    al: FloatArray,
    fit_intercept: bool,
    chunk_rows: int | None,
) -> tuple[FloatArray, FloatArray]:
    """Σ_i s_i e_loo² and Σ_i s_i e_loo⁴ over a second pass of X in row chunks."""
    a, t = al.size, Y.shape[1]
    p = X.shape[1]
    V, sc = spec.right, spec.scale
    assert V is not None and sc is not None
    P, U = spec.penalized, spec.unpenalized
    coefs = spec.coef_path(al)  # (a, p, t)
    Wm = np.ascontiguousarray(coefs.transpose(1, 0, 2).reshape(p, a * t))
    inv = 1.0 / (spec.d[:, None] + al[None, :])  # (k, a)
    VS = sc[:, None] * V  # rows of the scaled penalized design times V in one product
    cho = None
    if U.size:
        assert spec.unpen_gram is not None and spec.coupling is not None
        cho = sla.cho_factor(spec.unpen_gram)
    # Without unpenalized columns, and when no column's mean is far from zero against its spread
    # (the bound of the data pass, r_j = W x̄_j² / (W x̄_j² + G_jj) ≤ 0.9), the chunk is used as
    # it is and centred through the products: (X − 1x̄ᵀ)M = XM − 1(x̄ᵀM), losing at most a
    # factor √10 — and no copy of the chunk is made.
    uncentred = False
    if cho is None and P.size == p and spec.column_ss is not None:
        wx2 = spec.sum_weights * spec.x_mean**2
        r = wx2 / np.maximum(wx2 + spec.column_ss, np.finfo(float).tiny)
        uncentred = bool(r.max(initial=0.0) <= 0.9)
    # one product per chunk gives both the eigen-coordinates and the fitted values
    both = np.ascontiguousarray(np.hstack([VS, Wm])) if uncentred else None
    x_both = spec.x_mean @ both if both is not None else None
    k = VS.shape[1]
    q_sum = np.zeros((a, t))
    q_sq = np.zeros((a, t))
    # rows per chunk: about 16 MiB of X and of the (rows, a, t) residuals, whichever binds
    step = chunk_rows or max(16, min(default_chunk_rows(p), (2 * 2**20) // max(a * t, 1)))
    for s in range(0, X.shape[0], step):
        wc = None if w is None else w[s : s + step]
        yc = (Y[s : s + step] - spec.y_mean)[:, None, :]
        if uncentred:
            Xb = X[s : s + step]
            assert both is not None and x_both is not None
            XM = Xb @ both
            XM -= x_both
            B = XM[:, :k]
            resid = yc - XM[:, k:].reshape(-1, a, t)
            lev_u: FloatArray | float = 0.0
        else:
            Xs = X[s : s + step]
            Xs = Xs.toarray() if hasattr(Xs, "toarray") else Xs  # sparse: one dense row chunk
            Xc = np.subtract(Xs, spec.x_mean, dtype=np.float64)
            resid = yc - (Xc @ Wm).reshape(-1, a, t)
            if cho is not None:
                XU = Xc[:, U]
                lev_u = np.einsum("ij,ji->i", XU, sla.cho_solve(cho, XU.T))[:, None]
                XP = Xc[:, P] - XU @ spec.coupling
            else:
                lev_u = 0.0
                XP = Xc if P.size == p else Xc[:, P]
            B = XP @ VS  # (c, k)
        lev = np.zeros((B.shape[0], a))
        if fit_intercept:
            lev += (1.0 if wc is None else wc[:, None]) / spec.sum_weights
        lev_p = (B * B) @ inv  # (c, a)
        h = lev_p + lev_u if wc is None else wc[:, None] * (lev_p + lev_u)
        h = h + lev
        with np.errstate(divide="ignore", invalid="ignore"):
            eps = (resid / (1.0 - h)[:, :, None]) ** 2
        if wc is None:
            q_sum += eps.sum(axis=0)
            q_sq += (eps * eps).sum(axis=0)
        else:
            q_sum += np.einsum("i,iat->at", wc, eps)
            q_sq += np.einsum("i,iat->at", wc, eps * eps)
    return q_sum, q_sq


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
