"""The classical ridge constants of Hoerl–Kennard–Baldwin (1975) and Lawless–Wang (1976).

Both start from the least-squares fit b (in the penalty metric: on standardized predictors when
the spectrum was built with ``standardize=True``) and its residual variance
s² = RSS_LS / (n − p − u − 1) (the 1 for the intercept), and use the "modified" form with
(p − 2) that ``MASS::lm.ridge`` reports:

    kHKB = (p − 2) s² / Σ_j b_j²            kLW = (p − 2) s² n / Σ_i (x̃_iᵀ b)²

With the spectrum (d_k, z_k): b in the eigenbasis is z_k / d_k, so Σ b² = Σ z²/d² and
Σ (x̃ᵀb)² = bᵀ G b = Σ z²/d.
"""

from __future__ import annotations

from ridgeway._typing import FloatArray
from ridgeway.core import backend as bk
from ridgeway.core.spectrum import Spectrum

__all__ = ["hkb", "lw"]


def _ls_parts(spectrum: Spectrum, fit_intercept: bool) -> tuple[FloatArray, FloatArray, FloatArray]:
    k = spectrum.d.shape[0]
    if spectrum.rank_deficient or k == 0:
        raise ValueError(
            "the design must have full column rank for the least-squares fit behind HKB and LW; "
            f"got numerical rank {k} < {spectrum.penalized.size}"
        )
    p = spectrum.penalized.size
    if p < 3:
        raise ValueError(
            f"the number of penalized features must be at least 3 for the (p − 2) form; got {p}"
        )
    u = spectrum.unpenalized.size
    dof = spectrum.sum_weights - p - u - (1 if fit_intercept else 0)
    if dof <= 0:
        raise ValueError(
            f"the residual degrees of freedom must be positive for s²; got n − p − 1 = {dof:g}"
        )
    s2 = spectrum.rss_floor / dof
    d = spectrum.d[:, None]
    z2 = spectrum.z**2
    xp = bk.namespace(spectrum.d)
    return s2, xp.sum(z2 / d**2, axis=0), xp.sum(z2 / d, axis=0)


def hkb(spectrum: Spectrum, *, fit_intercept: bool = True) -> FloatArray:
    """Modified Hoerl–Kennard–Baldwin constant (p − 2) s² / ‖b‖² per target, shape (t,)."""
    s2, bb, _ = _ls_parts(spectrum, fit_intercept)
    return (spectrum.penalized.size - 2) * s2 / bb


def lw(spectrum: Spectrum, *, fit_intercept: bool = True) -> FloatArray:
    """Modified Lawless–Wang constant (p − 2) s² n / ‖X̃b‖² per target, shape (t,)."""
    s2, _, fit2 = _ls_parts(spectrum, fit_intercept)
    return (spectrum.penalized.size - 2) * s2 * spectrum.sum_weights / fit2
