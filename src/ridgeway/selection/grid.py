"""α grids that span the spectrum, and the α that gives a chosen effective df."""

from __future__ import annotations

import numpy as np

from ridgeway._search import monotone_root
from ridgeway._typing import FloatArray
from ridgeway.core import backend as bk
from ridgeway.core.spectrum import Spectrum

__all__ = ["alpha_for_df", "default_alphas", "grid_of"]


def alpha_for_df(spectrum: Spectrum, df: float | np.ndarray) -> FloatArray:
    """The α whose effective degrees of freedom Σ_k d_k/(d_k + α) + u equal ``df``.

    df(α) decreases monotonically from u + k (α = 0) to u (α → ∞), with k the number of
    nonzero eigenvalues and u the number of unpenalized features, so the root is unique; it is
    found by bisection in log α, vectorised over the requested values (ESL's ridge tables choose
    λ this way).

    Parameters
    ----------
    spectrum : Spectrum
    df : float or ndarray of shape (m,)
        Each strictly between u and u + k.

    Returns
    -------
    ndarray of shape () or (m,)
    """
    target = np.asarray(df, dtype=np.float64)
    d = bk.to_numpy(spectrum.d)  # a 1-D search on the host (k numbers)
    u = spectrum.unpenalized.size
    lo_df, hi_df = float(u), float(u + d.size)
    if not ((target > lo_df) & (target < hi_df)).all():
        raise ValueError(
            f"df must lie strictly between {lo_df:g} (α → ∞) and {hi_df:g} (α = 0); "
            f"got {np.array2string(target, threshold=6)}"
        )
    flat = target.reshape(-1)
    lo = np.full(flat.shape, np.log(d[-1]) - 40.0)
    hi = np.full(flat.shape, np.log(d[0]) + 40.0)

    def df_at(x: FloatArray) -> FloatArray:
        return np.asarray((d[None, :] / (d[None, :] + np.exp(x)[:, None])).sum(axis=1) + u)

    x = monotone_root(df_at, flat, lo, hi, decreasing=True, max_iter=200, xtol=1e-13)
    return np.asarray(np.exp(x).reshape(target.shape))


def default_alphas(spectrum: Spectrum, n_alphas: int = 100) -> FloatArray:
    """A log-spaced grid of ``n_alphas`` values spanning the spectrum, ascending.

    It runs from the α with effective df ≈ (its maximum − 0.05) to the α with df ≈ (its
    minimum + 0.05), so that every grid covers the whole range of fits from nearly least
    squares to nearly the intercept-only model, whatever the scale of X. The grid is an array
    of the spectrum's library, on its device.
    """
    if n_alphas < 2:
        raise ValueError(f"n_alphas must be at least 2; got {n_alphas}")
    k = spectrum.d.shape[0]
    u = spectrum.unpenalized.size
    if k == 0:
        grid = np.geomspace(1e-3, 1e3, n_alphas)
    elif k == 1:
        d0 = float(spectrum.d[0])
        grid = np.geomspace(d0 / 100.0, d0 * 100.0, n_alphas)
    else:
        lo, hi = (float(a) for a in alpha_for_df(spectrum, np.array([u + k - 0.05, u + 0.05])))
        grid = np.geomspace(lo, hi, n_alphas)
    return bk.as_float(bk.namespace(spectrum.d), grid, bk.device(spectrum.d))


def grid_of(spectrum: Spectrum, alphas: object | None) -> FloatArray:
    """The grid a criterion evaluates: ``alphas`` sorted, or :func:`default_alphas`; an array
    of the spectrum's library on its device."""
    if alphas is None:
        return default_alphas(spectrum)
    xp = bk.namespace(spectrum.d)
    return xp.sort(xp.reshape(bk.as_float(xp, alphas, bk.device(spectrum.d)), (-1,)))
