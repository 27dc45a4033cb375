"""Classical rules choosing the Tikhonov parameter λ from a :class:`~ridgeway.inverse.path.TikhonovPath`.

For minimize ‖A x − b‖² + λ² ‖L (x − x₀)‖², with η = ‖L(x_λ − x₀)‖², ρ = ‖A x_λ − b‖² and the
Tikhonov filter factors f_i = γ_i² / (γ_i² + λ²) (see :mod:`ridgeway.inverse.path`):

- :func:`lcurve` — the corner of the L-curve (log ‖r‖, log ‖L x‖): its point of MAXIMUM
  curvature κ(λ) (Hansen's ``l_curve``/``l_corner``).
- :func:`gcv` — the minimizer of G(λ) = ‖r‖² / (m − trace(A A_λ^#))² (Golub, Heath & Wahba).
- :func:`discrepancy` — the λ with ‖r_λ‖ = τ δ for a known noise norm δ (Morozov).
- :func:`quasi_optimality` — the minimizer of Q(λ) = ‖λ² dx_λ/d(λ²)‖ on [γ_min, γ_max].
- :func:`ncp` — the residual whose normalized cumulative periodogram is closest to that of white
  noise (Rust & O'Leary; Hansen, Kilmer & Kjeldsen).
- :func:`picard` and :func:`picard_condition` — the Picard plot and a check of the discrete
  Picard condition.

Every rule returns a frozen :class:`ParameterChoice`. The rules never silently return the edge of
the grid: when the optimum is the first or last grid point, when the criterion curve is flat
(relative variation below :data:`FLAT_RTOL`) or when its optimum is a flat basin (within
:data:`BASIN_RTOL` of the optimum over more than :data:`BASIN_DECADES` decades of λ, GCV's typical
failure), they warn with a :class:`ChoiceWarning`, set ``reliable=False`` and explain in
``diagnostic``.

Grid minimizers are refined off the grid (bounded Brent search in log λ between the neighbours of
the grid optimum), evaluating the criterion at any λ from ``path.gamma`` and ``path.beta``. That
needs the number n₀ of unregularized components and the unfittable residual δ₀, which the path
does not store: they are read from ``path.n_unregularized`` / ``path.delta0`` when present and
otherwise recovered exactly from the grid (n₀ = dof − Σ f_i, δ₀² = ‖r‖² − Σ ((1 − f_i) β_i)² at
the smallest λ). NCP needs residual vectors off the grid, hence ``path.U`` and ``path.r_perp``;
without them it stays on the grid.

The rules share :mod:`ridgeway.inverse._choice_base` (the result type, the thresholds, the grid
search and its verdict); the discrepancy principle, NCP and the Picard plot live in
:mod:`ridgeway.inverse.discrepancy`, :mod:`ridgeway.inverse.ncp` and :mod:`ridgeway.inverse.picard`
and are re-exported here.
"""

from __future__ import annotations

import numpy as np

from ridgeway._typing import FloatArray
from ridgeway.inverse._choice_base import (
    BASIN_DECADES,
    BASIN_RTOL,
    FLAT_RTOL,
    ChoiceWarning,
    ParameterChoice,
    _basin,
    _check_path,
    _evaluator,
    _select,
)
from ridgeway.inverse.discrepancy import discrepancy
from ridgeway.inverse.ncp import NCP_KS_COEFFICIENT, cumulative_periodogram, ncp
from ridgeway.inverse.path import TikhonovPath
from ridgeway.inverse.picard import PicardPlot, picard, picard_condition

__all__ = [
    "BASIN_DECADES",
    "BASIN_RTOL",
    "FLAT_RTOL",
    "GCV_BASIN_DECADES",
    "GCV_MIN_FREE",
    "NCP_KS_COEFFICIENT",
    "ChoiceWarning",
    "ParameterChoice",
    "PicardPlot",
    "cumulative_periodogram",
    "discrepancy",
    "gcv",
    "lcurve",
    "lcurve_curvature",
    "ncp",
    "picard",
    "picard_condition",
    "quasi_optimality",
]

GCV_BASIN_DECADES = 1.0
"""GCV's minimum is reported unreliable when it is this shallow (decades within BASIN_RTOL)."""

GCV_MIN_FREE = 0.1
"""A GCV minimum where m − trace H_λ < ``GCV_MIN_FREE`` · m (nearly interpolating: G's finite
small-λ limit when m ≈ n) is flagged as GCV's known undersmoothing failure."""

_SMIN_RATIO = 16 * np.finfo(float).eps  # Regularization Tools' smallest useful λ / γ_max


# --------------------------------------------------------------------------------------------
# the L-curve
# --------------------------------------------------------------------------------------------


def _kappa(lam: FloatArray, sol: FloatArray, res: FloatArray, eta_prime: FloatArray) -> FloatArray:
    eta = sol**2
    rho = res**2
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        a = lam**2 * eta / rho  # λ² η / ρ
        s = lam * eta_prime / eta  # d log η / d log λ (≤ 0)
        k = -2.0 * a * (2.0 + s * (1.0 + a)) / (s * (1.0 + a * a) ** 1.5)
    return np.where(np.isfinite(k), k, np.nan)


def lcurve_curvature(path: TikhonovPath) -> FloatArray:
    """Curvature of the L-curve (log ‖A x_λ − b‖, log ‖L(x_λ − x₀)‖) at each λ of the grid.

    With η = ‖L(x_λ − x₀)‖², ρ = ‖A x_λ − b‖² and η' = dη/dλ (all on the path),

        κ(λ) = 2 (η ρ / |η'|) (λ² η' ρ + 2 λ η ρ + λ⁴ η η') / (λ⁴ η² + ρ²)^{3/2},

    the signed curvature of the curve traversed with λ increasing, positive at the corner. It is
    computed in the scale-free form κ = −2 a (2 + s (1 + a)) / (s (1 + a²)^{3/2}) with
    a = λ² η / ρ and s = λ η' / η. (The formula printed in Hansen's "Discrete Inverse Problems"
    §5.3, 2 (η ρ / η') (…) / (λ² η² + ρ²)^{3/2}, has the opposite sign and λ² for λ⁴ in the
    denominator; the form here agrees with finite differences of the parametric curve.)

    Parameters
    ----------
    path : TikhonovPath

    Returns
    -------
    ndarray of shape (a,)
        κ(λ); NaN where it is undefined (η' = 0).

    Examples
    --------
    >>> import numpy as np
    >>> from ridgeway.inverse.path import spectral_path
    >>> s = 10.0 ** (-np.arange(12) / 2)
    >>> path = spectral_path(s, s**1.5 + 1e-4, np.logspace(-5, 0, 6), n_data=12)
    >>> kappa = lcurve_curvature(path)
    >>> kappa.shape, int(np.argmax(kappa)), round(float(kappa.max()), 2)
    ((6,), 1, 2.07)
    """
    p = _check_path(path)
    return _kappa(p.lambdas, p.solution_norm, p.residual_norm, p.eta_prime)


def lcurve(path: TikhonovPath) -> ParameterChoice:
    """The L-curve criterion: λ at the corner, the point of maximum curvature.

    The L-curve is (log ‖A x_λ − b‖, log ‖L(x_λ − x₀)‖); its curvature κ(λ) is
    :func:`lcurve_curvature`. The corner is the grid λ of largest κ, refined by a bounded Brent
    search on −κ between its two neighbours (as Regularization Tools' ``l_corner``).

    Parameters
    ----------
    path : TikhonovPath

    Returns
    -------
    ParameterChoice
        ``curve`` holds κ on the grid, ``value`` is κ at ``lam``.

    Warns
    -----
    ChoiceWarning
        When the maximum is at an end of the grid, when κ is flat, or when κ ≤ 0 everywhere on
        the grid (no convex corner; Regularization Tools then returns the smallest λ, this
        returns the maximum of κ and marks it unreliable).

    Examples
    --------
    >>> import numpy as np
    >>> from ridgeway.inverse.path import spectral_path
    >>> s = 10.0 ** (-np.arange(24) / 4)
    >>> noise = 1e-4 * np.random.default_rng(0).standard_normal(24)
    >>> path = spectral_path(s, s**1.5 + noise, np.logspace(-6, 0, 61), n_data=24)
    >>> choice = lcurve(path)
    >>> choice.reliable, round(choice.lam, 5)
    (True, 0.00013)
    """
    p = _check_path(path)
    curve = lcurve_curvature(p)
    at = _evaluator(p)

    def kappa(lam: float) -> float:
        q = at(lam)
        return float(_kappa(q.lambdas, q.solution_norm, q.residual_norm, q.eta_prime)[0])

    problems = []
    if not (np.nan_to_num(curve, nan=-np.inf) > 0).any():
        problems.append("the L-curve has no convex corner on the grid (curvature ≤ 0 everywhere)")
    return _select(
        "lcurve", "the L-curve curvature", p.lambdas, curve, kappa, maximize=True, problems=problems
    )


# --------------------------------------------------------------------------------------------
# GCV
# --------------------------------------------------------------------------------------------


def _gcv_values(q: TikhonovPath) -> FloatArray:
    free = q.n_data - q.dof
    with np.errstate(divide="ignore", invalid="ignore"):
        g = q.residual_norm**2 / free**2
    return np.where(free > 0, g, np.inf)


def gcv(path: TikhonovPath) -> ParameterChoice:
    """Generalized cross-validation: the minimizer of G(λ) = ‖A x_λ − b‖² / (m − trace H_λ)².

    H_λ = A A_λ^# is the influence matrix, trace H_λ = Σ f_i + n₀ (``path.dof``). The grid
    minimizer is refined by a bounded Brent search between its neighbours (as Regularization
    Tools' ``gcv``). G is +inf where m − trace H_λ ≤ 0.

    Parameters
    ----------
    path : TikhonovPath

    Returns
    -------
    ParameterChoice
        ``curve`` holds G on the grid, ``value`` is G at ``lam``.

    Warns
    -----
    ChoiceWarning
        When the minimum is at an end of the grid, when G is flat or flat around its minimum
        (:data:`BASIN_RTOL`, :data:`BASIN_DECADES`), or when the minimum is nearly interpolating
        (m − trace H_λ < :data:`GCV_MIN_FREE` · m). GCV is known to fail on some problems and the
        diagnostic then says so; moderate failures (a factor 2–6 in the error) are not detectable
        from G alone.

    Examples
    --------
    >>> import numpy as np
    >>> from ridgeway.inverse.path import spectral_path
    >>> s = 10.0 ** (-np.arange(24) / 4)
    >>> noise = 1e-4 * np.random.default_rng(0).standard_normal(24)
    >>> path = spectral_path(s, s**1.5 + noise, np.logspace(-6, 0, 61), n_data=24)
    >>> choice = gcv(path)
    >>> choice.reliable, round(choice.lam, 5)
    (True, 0.00062)
    """
    p = _check_path(path)
    at = _evaluator(p)

    def nearly_interpolating(lam: float) -> str | None:
        free = p.n_data - float(at(lam).dof[0])
        if free >= GCV_MIN_FREE * p.n_data:
            return None
        return (
            f"the minimum is at a nearly interpolating λ (m − trace H = {free:.3g} of m = "
            f"{p.n_data}, below {GCV_MIN_FREE:g}·m): GCV's known small-λ failure, the solution "
            "is probably undersmoothed"
        )

    values = _gcv_values(p)
    decades, _ = _basin(p.lambdas, np.where(np.isfinite(values), values, np.inf))

    def check(lam: float) -> str | None:
        found = nearly_interpolating(lam)
        if found is None and GCV_BASIN_DECADES < decades <= BASIN_DECADES:
            found = (
                f"G(λ) is shallow: within {BASIN_RTOL:.0%} of its minimum over {decades:.2g} "
                f"decades of λ (more than {GCV_BASIN_DECADES:g}), where GCV is known to miss the "
                "best λ by large factors; compare with another rule"
            )
        return found

    return _select(
        "gcv", "G(λ)", p.lambdas, values, lambda lam: float(_gcv_values(at(lam))[0]), check=check
    )


# --------------------------------------------------------------------------------------------
# quasi-optimality
# --------------------------------------------------------------------------------------------


def quasi_optimality(path: TikhonovPath) -> ParameterChoice:
    """The quasi-optimality criterion: the minimizer of Q(λ) = ‖λ² dx_λ / d(λ²)‖.

    In the spectral basis Q(λ) = (Σ_i (f_i (1 − f_i) β_i / γ_i)²)^½ (``path.quasi``). Q tends to
    0 at BOTH ends (λ ≪ γ_min: every f_i → 1; λ ≫ γ_max: every f_i → 0), so its global minimum
    over a wide grid is spurious. As Regularization Tools' ``quasiopt`` (whose grid is
    [γ_k, γ_1]), the minimum is searched only over the grid points inside the admissible window
    [max(γ_min, 16 ε γ_max), γ_max]; a minimum on the window's edge is flagged. With fewer than 3
    grid points inside the window the whole grid is used and the result is flagged. The grid
    minimizer is refined by a bounded Brent search between its neighbours.

    Parameters
    ----------
    path : TikhonovPath

    Returns
    -------
    ParameterChoice
        ``curve`` holds Q on the grid, ``value`` is Q at ``lam``.

    Warns
    -----
    ChoiceWarning
        When the minimum is on the edge of the grid or of the window, or Q is flat.

    Examples
    --------
    >>> import numpy as np
    >>> from ridgeway.inverse.path import spectral_path
    >>> s = 10.0 ** (-np.arange(24) / 4)
    >>> noise = 1e-4 * np.random.default_rng(0).standard_normal(24)
    >>> path = spectral_path(s, s**1.5 + noise, np.logspace(-6, 0, 61), n_data=24)
    >>> choice = quasi_optimality(path)
    >>> choice.reliable, round(choice.lam, 5)
    (True, 0.00387)
    """
    p = _check_path(path)
    g = p.gamma[np.isfinite(p.gamma) & (p.gamma > 0)]
    lam = p.lambdas
    problems: list[str] = []
    window: tuple[int, int] | None = None
    if g.size:
        g_hi = float(g.max())
        g_lo = max(float(g.min()), _SMIN_RATIO * g_hi)
        inside = np.flatnonzero((lam >= g_lo) & (lam <= g_hi))
        if inside.size >= 3:
            window = (int(inside[0]), int(inside[-1]))
        else:
            problems.append(
                f"only {inside.size} grid point(s) lie in [γ_min, γ_max] = [{g_lo:.3g}, "
                f"{g_hi:.3g}], where Q is meaningful; the whole grid was searched"
            )
    at = _evaluator(p)
    return _select(
        "quasi",
        "Q(λ)",
        lam,
        p.quasi,
        lambda x: float(at(x).quasi[0]),
        window=window,
        window_note=(
            "the edge of the admissible window [γ_min, γ_max] (Q → 0 spuriously outside it)"
        ),
        problems=problems,
    )
