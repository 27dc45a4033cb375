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
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq, minimize_scalar

from ridgeway._typing import FloatArray
from ridgeway._validation import message
from ridgeway.inverse.path import TikhonovPath, spectral_path

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

FLAT_RTOL = 1e-3
"""A criterion curve whose relative variation (max − min) / max |value| over the grid (or the
discrepancy residual whose slope d log‖r‖ / d log λ at the root) is below this is called flat."""

BASIN_RTOL = 0.05
BASIN_DECADES = 2.0
GCV_BASIN_DECADES = 1.0
"""GCV's minimum is reported unreliable when it is this shallow (decades within BASIN_RTOL)."""
NCP_KS_COEFFICIENT = 1.36
"""The whiteness test of NCP: sup_k |c_k − k/q| ≤ 1.36/√q is white noise at the 5% level."""
"""When the grid points whose criterion is within ``BASIN_RTOL`` (relative) of the optimum span
more than ``BASIN_DECADES`` decades of λ, the optimum is ill-determined (a very flat minimum, or
two near-equal minima far apart: GCV's typical failure) and the choice is flagged."""

GCV_MIN_FREE = 0.1
"""A GCV minimum where m − trace H_λ < ``GCV_MIN_FREE`` · m (nearly interpolating: G's finite
small-λ limit when m ≈ n) is flagged as GCV's known undersmoothing failure."""

_SMIN_RATIO = 16 * np.finfo(float).eps  # Regularization Tools' smallest useful λ / γ_max

_FAILS = {
    "lcurve": (
        "the L-curve may have no distinct corner (very smooth exact solutions, very little noise), "
        "its corner can sit well off the optimal λ and is known not to converge as the noise "
        "vanishes; inspect the L-curve"
    ),
    "gcv": (
        "GCV is known to fail on some problems (a very flat minimum, or a minimum at the "
        "small-λ end that undersmooths, notably with correlated noise or few data); inspect "
        "G(λ) or use another rule"
    ),
    "quasi": (
        "the quasi-optimality function may have several local minima or none inside "
        "[γ_min, γ_max]; inspect Q(λ)"
    ),
    "ncp": (
        "NCP is known to fail when the noise is not white, when the left singular vectors are "
        "not Fourier-like (then the signal part of the residual looks white too) or when m is "
        "small; inspect the periodograms"
    ),
    "discrepancy": "the discrepancy principle is only as good as the noise norm δ given",
}


class ChoiceWarning(UserWarning):
    """A parameter-choice rule's result is doubtful (grid edge, flat curve, no corner)."""


@dataclass(frozen=True, eq=False)
class ParameterChoice:
    """The λ chosen by a rule, with the curve it was read from and a verdict on it.

    Attributes
    ----------
    method : str
        "lcurve", "gcv", "discrepancy", "quasi" or "ncp".
    lam : float
        The chosen λ (refined off the grid where the rule allows).
    index : int
        The grid point nearest to ``lam`` (in log λ).
    curve : ndarray of shape (a,)
        The criterion on the grid: the L-curve curvature κ ("lcurve"), G ("gcv"), ‖r_λ‖
        ("discrepancy"), Q ("quasi"), the NCP distance ("ncp").
    diagnostic : str
        What was done and, when ``reliable`` is False, why the result is doubtful.
    reliable : bool
        False when the optimum is on the edge of the grid (or of the admissible window), the
        curve is flat, or the L-curve has no convex corner.
    lambdas : ndarray of shape (a,)
        The grid (ascending), for plotting ``curve``.
    value : float
        The criterion at ``lam`` (κ, G, the target τδ, Q, the NCP distance).
    warnings : tuple of str
        The messages of the :class:`ChoiceWarning` s that were issued.
    """

    method: str
    lam: float
    index: int
    curve: FloatArray
    diagnostic: str
    reliable: bool
    lambdas: FloatArray
    value: float
    warnings: tuple[str, ...] = ()


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


# --------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------


def _check_path(path: object) -> TikhonovPath:
    if not isinstance(path, TikhonovPath):
        raise TypeError(
            message("path", "a TikhonovPath (see ridgeway.inverse.path.spectral_path)", type(path))
        )
    return path


def _hidden(path: TikhonovPath) -> tuple[int, float]:
    """n₀ and δ₀ of ``path``: stored attributes when present, else recovered from the grid."""
    n0 = getattr(path, "n_unregularized", None)
    d0 = getattr(path, "delta0", None)
    if n0 is None or d0 is None:
        lam0 = float(path.lambdas[0])
        g2 = path.gamma**2
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            one_minus = np.where(np.isinf(g2), 0.0, lam0**2 / (g2 + lam0**2))
        fit = float(((one_minus * path.beta) ** 2).sum())
        if d0 is None:
            d0 = math.sqrt(max(float(path.residual_norm[0]) ** 2 - fit, 0.0))
        if n0 is None:
            n0 = round(float(path.dof[0]) - float(path.filter[0].sum()))
    return int(n0), float(d0)


def _evaluator(path: TikhonovPath, *, residuals: bool = False) -> Callable[[float], TikhonovPath]:
    """λ ↦ the one-point path at λ, built from the path's γ, β (and basis when needed)."""
    n0, d0 = _hidden(path)
    U = getattr(path, "U", None) if residuals else None
    r_perp = getattr(path, "r_perp", None) if residuals else None

    def at(lam: float) -> TikhonovPath:
        return spectral_path(
            path.gamma,
            path.beta,
            np.array([lam]),
            n_data=path.n_data,
            n_unregularized=n0,
            delta0=d0,
            U=U,
            r_perp=r_perp,
        )

    return at


def _relative_variation(values: FloatArray) -> float:
    v = values[np.isfinite(values)]
    if v.size < 2:
        return 0.0
    top = float(max(abs(v.max()), abs(v.min())))
    return float(v.max() - v.min()) / top if top > 0 else 0.0


def _nearest(lambdas: FloatArray, lam: float) -> int:
    return int(np.argmin(np.abs(np.log(lambdas) - math.log(lam))))


def _basin(lambdas: FloatArray, score: FloatArray) -> tuple[float, str]:
    """Span in decades of the grid λ whose (minimized) score is within BASIN_RTOL of the best."""
    best = float(score[np.isfinite(score)].min())
    ok = np.flatnonzero(score <= best + BASIN_RTOL * abs(best))
    lo, hi = float(lambdas[ok[0]]), float(lambdas[ok[-1]])
    decades = math.log10(hi / lo)
    return decades, (
        f"within {BASIN_RTOL:.0%} of the optimum for λ in [{lo:.3g}, {hi:.3g}] "
        f"({decades:.2g} decades)"
    )


def _finish(
    method: str,
    lambdas: FloatArray,
    curve: FloatArray,
    lam: float,
    value: float,
    summary: str,
    problems: list[str],
    stacklevel: int,
) -> ParameterChoice:
    """Assemble the result, issuing one ChoiceWarning per problem (attributed to the caller)."""
    for p in problems:
        warnings.warn(f"{method}: {p}", ChoiceWarning, stacklevel=stacklevel)
    if problems:
        diagnostic = f"UNRELIABLE: {'; '.join(problems)}. {summary}; {_FAILS[method]}."
    else:
        diagnostic = summary + "."
    return ParameterChoice(
        method=method,
        lam=float(lam),
        index=_nearest(lambdas, lam),
        curve=curve,
        diagnostic=diagnostic,
        reliable=not problems,
        lambdas=lambdas,
        value=float(value),
        warnings=tuple(f"{method}: {p}" for p in problems),
    )


def _select(
    method: str,
    what: str,
    lambdas: FloatArray,
    curve: FloatArray,
    fun: Callable[[float], float] | None,
    *,
    maximize: bool = False,
    window: tuple[int, int] | None = None,
    window_note: str = "",
    problems: list[str] | None = None,
    check: Callable[[float], str | None] | None = None,
) -> ParameterChoice:
    """Optimize ``curve`` over the grid (inside ``window``), refine with ``fun``, judge it.

    ``check(lam)`` may return one more, rule-specific problem with the chosen λ.
    """
    problems = [] if problems is None else list(problems)
    a = lambdas.size
    lo, hi = (0, a - 1) if window is None else window
    sign = -1.0 if maximize else 1.0
    score = np.where(np.isfinite(curve), sign * curve, np.inf)
    seg = score[lo : hi + 1]
    if not np.isfinite(seg).any():
        raise ValueError(
            message("path", f"a path on which {what} is finite somewhere", "no finite value")
        )
    i = lo + int(np.argmin(seg))
    word = "maximum" if maximize else "minimum"
    lam, value = float(lambdas[i]), float(curve[i])
    if i in (lo, hi):
        if i in (0, a - 1):
            end = "smallest" if i == 0 else "largest"
            problems.append(
                f"the {word} of {what} is at the {end} λ of the grid ({lambdas[i]:.3g}): the "
                "optimum may lie beyond the grid; extend it"
            )
        else:
            problems.append(f"the {word} of {what} is at λ = {lambdas[i]:.3g}, {window_note}")
        how = "on the grid edge, not refined"
    elif fun is None:
        how = "on the grid"
    else:
        res = minimize_scalar(
            lambda t: sign * fun(math.exp(t)),
            bounds=(math.log(lambdas[i - 1]), math.log(lambdas[i + 1])),
            method="bounded",
            options={"xatol": 1e-10},
        )
        if np.isfinite(res.fun) and res.fun <= score[i]:
            lam, value = math.exp(float(res.x)), sign * float(res.fun)
        how = f"refined between the grid points {lambdas[i - 1]:.3g} and {lambdas[i + 1]:.3g}"
    rel = _relative_variation(curve[lo : hi + 1])
    decades, basin = _basin(lambdas[lo : hi + 1], score[lo : hi + 1])
    if rel < FLAT_RTOL:
        problems.append(
            f"{what} is flat on the grid (relative variation {rel:.2g} < {FLAT_RTOL:g}): "
            "the choice is ill-determined"
        )
    elif decades > BASIN_DECADES:
        problems.append(
            f"{what} is flat around its {word}: {basin}, more than {BASIN_DECADES:g} decades: "
            "the choice is ill-determined"
        )
    extra = None if check is None else check(lam)
    if extra:
        problems.append(extra)
    summary = (
        f"{word} of {what} = {value:.4g} at λ = {lam:.4g} (grid point {i} of {a}, {how}); {basin}"
    )
    return _finish(method, lambdas, curve, lam, value, summary, problems, 4)


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
# the discrepancy principle
# --------------------------------------------------------------------------------------------


def _positive(value: object, name: str) -> float:
    try:
        v = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise TypeError(message(name, "a positive finite number", repr(value))) from None
    if not (math.isfinite(v) and v > 0):
        raise ValueError(message(name, "a positive finite number", v))
    return v


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


# --------------------------------------------------------------------------------------------
# NCP
# --------------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------------
# the Picard condition
# --------------------------------------------------------------------------------------------


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
