"""The Picard plot and a check of the discrete Picard condition (Hansen).

The Picard plot compares the decay of the coefficients |β_i| = |u_iᵀ(b − A x₀)| with that of the
(generalized) singular values γ_i: a regularized solution can approximate the exact one only when
|β_i| decays faster than γ_i until the noise takes over.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ridgeway._typing import FloatArray
from ridgeway._validation import message
from ridgeway.inverse._choice_base import _check_path, _positive
from ridgeway.inverse.path import TikhonovPath

__all__ = ["PicardPlot", "picard", "picard_condition"]


@dataclass(frozen=True, eq=False)
class PicardPlot:
    """The quantities of a Picard plot (Hansen's ``picard``).

    Attributes
    ----------
    gamma : ndarray of shape (k,)
        γ_i, the (generalized) singular values, descending.
    abs_beta : ndarray of shape (k,)
        |β_i| = |u_iᵀ(b − A x₀)|.
    ratio : ndarray of shape (k,)
        |β_i| / γ_i, the magnitudes of the naive solution's coefficients.
    smoothed_ratio : ndarray of shape (k,)
        (Π_{j=i−d}^{i+d} |β_j|)^{1/(2d+1)} / γ_i, the moving geometric mean of |β| over 2d + 1
        points divided by γ_i; NaN for the d first and d last indices.
    d : int
        The half-width of the moving geometric mean.
    """

    gamma: FloatArray
    abs_beta: FloatArray
    ratio: FloatArray
    smoothed_ratio: FloatArray
    d: int


def _log_moving_mean(logs: FloatArray, d: int, *, truncate: bool) -> FloatArray:
    """Moving mean of ``logs`` over [i − d, i + d] (truncated at the ends, or NaN there)."""
    k = logs.size
    out = np.full(k, np.nan)
    for i in range(k):
        lo, hi = i - d, i + d
        if lo < 0 or hi >= k:
            if not truncate:
                continue
            lo, hi = max(lo, 0), min(hi, k - 1)
        out[i] = logs[lo : hi + 1].mean()
    return out


def picard(path: TikhonovPath, d: int = 0) -> PicardPlot:
    """The Picard-plot quantities: γ_i, |β_i|, |β_i| / γ_i and its smoothed version.

    Parameters
    ----------
    path : TikhonovPath
    d : int, default 0
        Half-width of the moving geometric mean of |β| (Hansen's ``picard(U, s, b, d)``);
        0 means no smoothing.

    Returns
    -------
    PicardPlot
        Arrays of shape (k,).

    Examples
    --------
    >>> import numpy as np
    >>> from ridgeway.inverse.path import spectral_path
    >>> path = spectral_path(np.array([1.0, 0.1, 0.01]), np.array([1.0, 0.01, 1e-4]),
    ...                      np.array([0.1]), n_data=3)
    >>> picard(path).ratio
    array([1.  , 0.1 , 0.01])
    """
    p = _check_path(path)
    if not isinstance(d, int | np.integer) or isinstance(d, bool) or d < 0:
        raise ValueError(message("d", "a non-negative integer", repr(d)))
    gamma = p.gamma.copy()
    ab = np.abs(p.beta)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = ab / gamma
        logs = np.log(ab)
        smooth = np.exp(_log_moving_mean(logs, int(d), truncate=False)) / gamma
    return PicardPlot(gamma, ab, ratio, smooth, int(d))


def picard_condition(
    path: TikhonovPath,
    *,
    noise_level: float | None = None,
    noise_factor: float = 10.0,
    min_slope: float = 1.1,
) -> tuple[bool, str]:
    """Check the discrete Picard condition: |β_i| decays faster than γ_i above the noise level.

    The heuristic, documented:

    1. The noise level ν is ``noise_level`` when given (the standard deviation s of white noise,
       for which |u_iᵀe| ~ s), else the median |β_i| over the last quarter of the coefficients
       (where the noise dominates in a discrete ill-posed problem).
    2. The upper envelope E_i = max_{j ≥ i} |β_j| (non-increasing) replaces |β_i|: a coefficient
       that is small for another reason than decay (zero by symmetry, as the odd ones of
       ``phillips``, or a noise dip) then does not count as decay, while any large late
       coefficient counts against the condition. (Hansen's Picard plot smooths |β| with a moving
       geometric mean instead, see :func:`picard`; the envelope is more robust for a test.)
    3. The signal part is where E_i > ``noise_factor`` · ν (a leading run of indices, E being
       monotone; 10 ν is above the largest of a few hundred noise coefficients).
    4. Over the signal part, log E_i = c + p log γ_i is fitted by least squares. The condition
       holds when p ≥ ``min_slope`` (> 1: |β_i| / γ_i decreases, so the coefficients of the
       exact solution decay until the noise takes over). With fewer than 3 signal coefficients
       (or γ_i that do not vary) it cannot be verified and is reported as not holding (the
       detail says so); with 3 the detail says the evidence is weak.

    Parameters
    ----------
    path : TikhonovPath
    noise_level : float, optional
        Noise standard deviation per coefficient (the default estimates it, step 1).
    noise_factor : float, default 10.0
        How far above ν a coefficient must be to count as signal.
    min_slope : float, default 1.1
        The smallest decay exponent p accepted.

    Returns
    -------
    holds : bool
    detail : str
        The fitted exponent, the number of signal coefficients and the noise level.

    Examples
    --------
    >>> import numpy as np
    >>> from ridgeway.inverse.path import spectral_path
    >>> s = 10.0 ** (-np.arange(40) / 4)
    >>> noise = 1e-6 * np.random.default_rng(0).standard_normal(40)
    >>> lam = np.array([1e-3])
    >>> picard_condition(spectral_path(s, s**2 + noise, lam, n_data=40))[0]
    True
    >>> picard_condition(spectral_path(s, s + noise, lam, n_data=40))[0]
    False
    """
    p = _check_path(path)
    nf = _positive(noise_factor, "noise_factor")
    ms = _positive(min_slope, "min_slope")
    keep = np.isfinite(p.gamma) & (p.gamma > 0)
    gamma, ab = p.gamma[keep], np.abs(p.beta[keep])
    k = gamma.size
    if k < 4:
        return False, f"only {k} finite singular value(s): the Picard condition cannot be checked"
    if noise_level is None:
        nu = float(np.median(ab[-max(k // 4, 1) :]))
        source = "the median |β_i| of the last quarter"
    else:
        nu = _positive(noise_level, "noise_level")
        source = "given"
    envelope = np.maximum.accumulate(ab[::-1])[::-1]  # E_i = max_{j ≥ i} |β_j|
    n_signal = int((envelope > nf * nu).sum()) if nu > 0 else int((envelope > 0).sum())
    where = f"noise level ν = {nu:.3g} ({source})"
    if n_signal < 3:
        return False, (
            f"only {n_signal} coefficient(s) rise above {nf:g}·ν ({where}): the Picard "
            "condition cannot be verified (too much noise for this spectrum, or |β_i| does not "
            "decay)"
        )
    x, y = np.log(gamma[:n_signal]), np.log(envelope[:n_signal])
    if np.ptp(x) < 1e-12:
        return (
            False,
            "the γ_i of the signal part do not vary: the Picard condition cannot be checked",
        )
    slope = float(np.polyfit(x, y, 1)[0])
    fit = (
        f"the envelope max_(j≥i) |β_j| ≈ C γ_i^p with p = {slope:.3g} over the first {n_signal} "
        f"coefficients (above {nf:g}·ν, {where}; γ from {gamma[0]:.3g} to "
        f"{gamma[n_signal - 1]:.3g})"
    )
    if n_signal < 4:
        fit += " (only 3 coefficients above the noise: weak evidence)"
    if slope >= ms:
        return True, f"{fit}: p ≥ {ms:g}, |β_i| decays faster than γ_i; the Picard condition holds"
    return False, (
        f"{fit}: p < {ms:g}, |β_i| does not decay faster than γ_i; the discrete Picard condition "
        "fails (no regularized solution can be expected to approximate the exact one well)"
    )
