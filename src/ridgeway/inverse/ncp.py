"""The NCP rule: the most regularized solution whose residual is white noise.

The normalized cumulative periodogram of a residual (:func:`cumulative_periodogram`) is compared
with that of white noise (Rust & O'Leary; Hansen, Kilmer & Kjeldsen).
"""

from __future__ import annotations

import math

import numpy as np

from ridgeway._typing import FloatArray
from ridgeway._validation import message
from ridgeway.inverse._choice_base import (
    FLAT_RTOL,
    ParameterChoice,
    _check_path,
    _finish,
    _relative_variation,
)
from ridgeway.inverse.path import TikhonovPath

__all__ = ["NCP_KS_COEFFICIENT", "cumulative_periodogram", "ncp"]

NCP_KS_COEFFICIENT = 1.36
"""The whiteness test of NCP: sup_k |c_k − k/q| ≤ 1.36/√q is white noise at the 5% level."""


def cumulative_periodogram(residuals: FloatArray) -> FloatArray:
    """Normalized cumulative periodogram of real vectors (Hansen's ``ncp``).

    With p_j = |r̂_j|² the power spectrum (r̂ the DFT of r, j = 1, …, q = ⌊m/2⌋, the zero
    frequency left out), c_k = Σ_{j≤k} p_j / Σ_{j≤q} p_j. White noise gives c_k ≈ k / q.

    Parameters
    ----------
    residuals : ndarray of shape (m,) or (a, m)

    Returns
    -------
    ndarray of shape (q,) or (a, q)
        NaN rows for vectors without power at nonzero frequencies.

    Examples
    --------
    >>> cumulative_periodogram(np.array([1.0, -1.0, 1.0, -1.0])).round(3)
    array([0., 1.])
    """
    r = np.asarray(residuals, dtype=np.float64)
    if r.ndim not in (1, 2) or r.shape[-1] < 4:
        raise ValueError(message("residuals", "of shape (m,) or (a, m) with m ≥ 4", r.shape))
    q = r.shape[-1] // 2
    power = np.abs(np.fft.rfft(r, axis=-1)[..., 1 : q + 1]) ** 2
    total = power.sum(axis=-1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.asarray(np.cumsum(power, axis=-1) / total)


def _ncp_distance(residuals: FloatArray) -> FloatArray:
    c = cumulative_periodogram(residuals)
    q = c.shape[-1]
    d = np.linalg.norm(c - np.arange(1, q + 1) / q, axis=-1)
    return np.asarray(np.where(np.isfinite(d), d, np.nan))


def _ks_distance(residuals: FloatArray) -> FloatArray:
    """sup_k |c_k − k/q| of each residual's cumulative periodogram, shape (a,)."""
    c = cumulative_periodogram(residuals)
    q = c.shape[-1]
    return np.asarray(np.nanmax(np.abs(c - np.arange(1, q + 1) / q), axis=-1))


def ncp(path: TikhonovPath) -> ParameterChoice:
    """The NCP criterion: the most regularized solution whose residual is white noise.

    For each λ the normalized cumulative periodogram c(λ) of r_λ = b − A x_λ
    (:func:`cumulative_periodogram`) is compared with the straight line v_k = k / q of white
    noise. The residual counts as white when the Kolmogorov–Smirnov distance
    sup_k |c_k(λ) − k/q| is within the 5% band 1.36/√q, and the rule takes the LARGEST such
    λ: the smoothest solution whose residual is indistinguishable from noise (Rust & O'Leary
    2008; Hansen, Kilmer & Kjeldsen 2006). Regularization Tools' ``ncp`` instead minimizes
    d(λ) = ‖c(λ) − v‖₂; with 1% noise that minimum often lies far inside the undersmoothed
    region, where the residual is nearly all noise and white as well (on shaw, baart, foxgood
    and wing at n = 128 its error is 400× to 4·10⁸× the best, against 1.0–1.5× for this rule).
    When no λ of the grid gives a white residual, the rule falls back to the minimum of d and
    says it failed.

    Parameters
    ----------
    path : TikhonovPath
        With residual vectors (``path.residuals``, shape (a, m)).

    Returns
    -------
    ParameterChoice
        ``curve`` holds d(λ) = ‖c(λ) − v‖₂ on the grid; ``value`` is the KS distance at ``lam``.

    Raises
    ------
    ValueError
        When the path has no residual vectors.

    Warns
    -----
    ChoiceWarning
        When no residual on the grid is white, or the choice is the grid's largest λ.

    Examples
    --------
    >>> import numpy as np
    >>> from ridgeway.inverse.path import spectral_path
    >>> m = 64
    >>> U = np.linalg.qr(np.cos(np.pi * np.outer(np.arange(m) + 0.5, np.arange(24)) / m))[0]
    >>> s = 10.0 ** (-np.arange(24) / 4)
    >>> e = 1e-3 * np.random.default_rng(0).standard_normal(m)
    >>> b = U @ s**1.5 + e
    >>> beta = U.T @ b
    >>> path = spectral_path(s, beta, np.logspace(-6, 0, 61), n_data=m, U=U, r_perp=b - U @ beta)
    >>> ncp(path).reliable
    True
    """
    p = _check_path(path)
    if p.residuals is None:
        raise ValueError(
            message(
                "path.residuals",
                "available for NCP (build the path with U= and r_perp=)",
                None,
            )
        )
    curve = _ncp_distance(p.residuals)
    ks = _ks_distance(p.residuals)
    q = p.residuals.shape[1] // 2
    limit = NCP_KS_COEFFICIENT / math.sqrt(q)
    white = np.flatnonzero(ks <= limit)
    a = p.lambdas.size
    if white.size == 0:
        i = int(np.nanargmin(np.where(np.isfinite(curve), curve, np.inf)))
        problems = [
            f"no λ of the grid gives a residual consistent with white noise (smallest "
            f"Kolmogorov–Smirnov distance {float(np.nanmin(ks)):.3g} > {limit:.3g}, the 5% "
            "band): NCP has failed on this problem; the minimum of ‖c − v‖ is returned"
        ]
        summary = f"minimum of the NCP distance = {curve[i]:.4g} at λ = {p.lambdas[i]:.4g}"
        return _finish(
            "ncp", p.lambdas, curve, float(p.lambdas[i]), float(ks[i]), summary, problems, 3
        )
    i = int(white.max())
    problems = []
    rel = _relative_variation(curve)
    if rel < FLAT_RTOL:
        problems.append(
            f"the NCP distance is flat on the grid (relative variation {rel:.2g} < "
            f"{FLAT_RTOL:g}): the choice is ill-determined"
        )
    if i == a - 1:
        problems.append(
            f"the residual is white up to the largest λ of the grid ({p.lambdas[i]:.3g}): the "
            "choice may lie beyond the grid; extend it"
        )
    summary = (
        f"largest λ whose residual is white at the 5% level: λ = {p.lambdas[i]:.4g} (grid point "
        f"{i} of {a}; Kolmogorov–Smirnov distance {ks[i]:.3g} ≤ {limit:.3g}; {white.size} of "
        f"{a} grid points white)"
    )
    return _finish("ncp", p.lambdas, curve, float(p.lambdas[i]), float(ks[i]), summary, problems, 3)
