"""The discrepancy principle (Morozov): the λ whose residual norm equals τ times the noise norm."""

from __future__ import annotations

import math

import numpy as np
from scipy.optimize import brentq

from ridgeway._validation import message
from ridgeway.inverse._choice_base import (
    FLAT_RTOL,
    ParameterChoice,
    _check_path,
    _evaluator,
    _finish,
    _hidden,
    _positive,
)
from ridgeway.inverse.path import TikhonovPath

__all__ = ["discrepancy"]


def discrepancy(path: TikhonovPath, noise_norm: float, tau: float = 1.0) -> ParameterChoice:
    """The discrepancy principle: the λ with ‖A x_λ − b‖ = τ δ.

    ‖r_λ‖ increases with λ from δ₀ (λ → 0, the part of b no x fits) to
    (Σ β_i² + δ₀²)^½ (λ → ∞), so the root is unique; it is the largest λ with ‖r_λ‖ ≤ τ δ. It is
    found by Brent's method in log λ on the exact residual curve (bracketed by the grid, or
    beyond it), to a relative accuracy of about 1e-13 in ‖r‖.

    Parameters
    ----------
    path : TikhonovPath
    noise_norm : float
        δ, the norm of the noise e in b = b_exact + e (for white noise of standard deviation s,
        δ ≈ s √m).
    tau : float, default 1.0
        The safety factor τ (often 1 to 1.1).

    Returns
    -------
    ParameterChoice
        ``curve`` holds ‖r_λ‖ on the grid, ``value`` is τ δ.

    Raises
    ------
    ValueError
        When τ δ is not strictly between the smallest and the largest achievable residual norms
        (no λ attains it).

    Warns
    -----
    ChoiceWarning
        When the root lies outside the grid (it is still returned exactly), or when the residual
        curve is flat at the root (d log‖r‖ / d log λ < ``FLAT_RTOL``: a small error in δ moves λ
        a lot).

    Examples
    --------
    >>> import numpy as np
    >>> from ridgeway.inverse.path import spectral_path
    >>> s = 10.0 ** (-np.arange(24) / 4)
    >>> noise = 1e-4 * np.random.default_rng(0).standard_normal(24)
    >>> path = spectral_path(s, s**1.5 + noise, np.logspace(-6, 0, 61), n_data=24)
    >>> choice = discrepancy(path, np.linalg.norm(noise))
    >>> choice.reliable, round(choice.lam, 5)
    (True, 0.0042)
    """
    p = _check_path(path)
    delta = _positive(noise_norm, "noise_norm")
    t = _positive(tau, "tau")
    target = t * delta
    n0, d0 = _hidden(p)
    finite = np.isfinite(p.gamma)
    top = math.sqrt(float((p.beta[finite] ** 2).sum()) + d0**2)
    if target <= d0:
        raise ValueError(
            message(
                "tau * noise_norm",
                f"larger than the smallest achievable residual norm δ₀ = {d0:.6g} (the part of "
                "b no x can fit); the noise norm is underestimated",
                f"{target:.6g}",
            )
        )
    if target >= top:
        raise ValueError(
            message(
                "tau * noise_norm",
                f"smaller than the largest residual norm {top:.6g} (‖b − A x₀‖ without its "
                "unregularized part, reached as λ → ∞); the noise norm is overestimated",
                f"{target:.6g}",
            )
        )
    at = _evaluator(p)
    log_target = math.log(target)

    def h(logl: float) -> float:
        return math.log(float(at(math.exp(logl)).residual_norm[0])) - log_target

    lam_grid = p.lambdas
    a = lam_grid.size
    problems: list[str] = []
    j = int(np.searchsorted(p.residual_norm, target))
    if 0 < j < a:
        lo, hi = math.log(lam_grid[j - 1]), math.log(lam_grid[j])
    else:
        lo = hi = math.log(lam_grid[0] if j == 0 else lam_grid[-1])
        step = math.log(10.0)
        for _ in range(2000):  # ρ(λ) → δ₀ < τδ as λ → 0 and → top > τδ as λ → ∞
            if j == 0 and h(lo) > 0:
                hi, lo = lo, lo - step
            elif j == a and h(hi) < 0:
                lo, hi = hi, hi + step
            else:
                break
        side = "below the smallest" if j == 0 else "above the largest"
        problems.append(
            f"the root lies {side} λ of the grid ([{lam_grid[0]:.3g}, {lam_grid[-1]:.3g}]); it "
            "is returned exactly but the grid should be extended"
        )
    hlo, hhi = h(lo), h(hi)
    if hlo == 0.0:
        logl = lo
    elif hhi == 0.0:
        logl = hi
    else:
        logl = float(brentq(h, lo, hi, xtol=1e-14, rtol=4 * np.finfo(float).eps))
    lam = math.exp(logl)
    q = at(lam)
    rho = float(q.residual_norm[0])
    slope = -(lam**3) * float(q.eta_prime[0]) / (2 * rho**2)  # d log‖r‖ / d log λ
    if slope < FLAT_RTOL:
        problems.append(
            f"the residual norm is flat at the root (d log‖r‖/d log λ = {slope:.2g} < "
            f"{FLAT_RTOL:g}): a small error in δ moves λ a lot"
        )
    summary = (
        f"‖r_λ‖ = τδ = {target:.6g} at λ = {lam:.6g} (achievable residual norms "
        f"({d0:.3g}, {top:.3g}); d log‖r‖/d log λ = {slope:.3g} there)"
    )
    return _finish("discrepancy", lam_grid, p.residual_norm, lam, target, summary, problems, 3)
