"""Estimates of the noise variance σ² of a ridge fit, for every α of a grid.

Model: y_i = b + x_iᵀw + ε_i with Var ε_i = σ²/s_i. Weights count as frequencies: the number of
observations is N = Σ s (a weight of 2 is a repeated row), as in :mod:`ridgeway.selection.evidence`.

- ``"evidence"``: σ̂² = (RSS(α) + α‖Π^½ŵ‖²)/N, the maximizer of the marginal likelihood over σ²
  at fixed α (at the evidence-optimal α this equals RSS/(N − γ), MacKay's fixed point, γ the
  effective number of parameters).
- ``"rss"``: σ̂² = RSS(α)/ν with the residual degrees of freedom
  ν = N − [intercept] − u − tr(2H − H²) = N − [intercept] − u − Σ_i (2f_i − f_i²), f_i the
  filter factors (Hastie & Tibshirani's residual df: E RSS = σ² ν when the bias is negligible).
"""

from __future__ import annotations

import numpy as np

from ridgeway._typing import FloatArray
from ridgeway._validation import message
from ridgeway.core.spectrum import Spectrum

__all__ = ["noise_variance", "residual_dof"]

SIGMA2_METHODS = ("evidence", "rss")


def residual_dof(spectrum: Spectrum, alphas: np.ndarray, fit_intercept: bool) -> FloatArray:
    """ν(α) = N − [intercept] − u − Σ_i (2f_i − f_i²), shape (a,)."""
    f = spectrum.filter_factors(alphas)
    used = (2.0 * f - f**2).sum(axis=1) + spectrum.unpenalized.size + int(fit_intercept)
    return np.asarray(spectrum.sum_weights - used, dtype=np.float64)


def noise_variance(
    spectrum: Spectrum,
    alphas: np.ndarray,
    sigma2: float | str | np.ndarray,
    fit_intercept: bool,
) -> tuple[FloatArray, FloatArray]:
    """σ² for every α and target, and the degrees of freedom of its estimate.

    Parameters
    ----------
    spectrum : Spectrum
    alphas : ndarray of shape (a,)
    sigma2 : float, ndarray of shape (t,), "evidence" or "rss"
        A known noise variance, or how to estimate it (see the module docstring).
    fit_intercept : bool

    Returns
    -------
    sigma2 : ndarray of shape (a, t)
    dof : ndarray of shape (a, t)
        ν for ``"rss"`` (intervals use Student's t with ν degrees of freedom); inf otherwise
        (a known σ², or the plug-in evidence estimate: normal intervals).
    """
    a = np.asarray(alphas, dtype=np.float64).reshape(-1)
    t = spectrum.n_targets
    if isinstance(sigma2, str):
        if sigma2 not in SIGMA2_METHODS:
            raise ValueError(
                message("sigma2", 'a positive number, "evidence" or "rss"', repr(sigma2))
            )
        rss = spectrum.rss(a)
        if sigma2 == "evidence":
            energy = rss + a[:, None] * spectrum.penalty_norm(a) ** 2
            return energy / spectrum.sum_weights, np.full((a.size, t), np.inf)
        nu = residual_dof(spectrum, a, fit_intercept)
        if (nu <= 1e-6 * spectrum.sum_weights).any():  # (nearly) interpolates
            raise ValueError(
                message(
                    "the residual degrees of freedom N − [intercept] − tr(2H − H²)",
                    'positive for sigma2="rss"',
                    f'{float(nu.min()):.3g} (the fit interpolates): give sigma2 or use "evidence"',
                )
            )
        return rss / nu[:, None], np.broadcast_to(nu[:, None], (a.size, t)).copy()
    s2 = np.asarray(sigma2, dtype=np.float64)
    if s2.ndim > 1 or (s2.ndim == 1 and s2.size != t):
        raise ValueError(
            message("sigma2", f"a number or an array of shape ({t},)", f"shape {s2.shape}")
        )
    if not (np.isfinite(s2).all() and (s2 > 0).all()):
        raise ValueError(message("sigma2", "positive and finite", np.array2string(s2, threshold=6)))
    return np.broadcast_to(s2, (a.size, t)).astype(np.float64), np.full((a.size, t), np.inf)
