"""Shared machinery of the parameter-choice rules of :mod:`ridgeway.inverse.choice`.

The result type :class:`ParameterChoice` and its :class:`ChoiceWarning`, the thresholds that make a
choice unreliable (:data:`FLAT_RTOL`, :data:`BASIN_RTOL`, :data:`BASIN_DECADES`), the evaluator of
the criteria at any λ off the grid, and the grid search with Brent refinement and the verdict on
its result (``_select``, ``_finish``) that every rule goes through.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize_scalar

from ridgeway._typing import FloatArray
from ridgeway._validation import message
from ridgeway.inverse.path import TikhonovPath, spectral_path

__all__ = [
    "BASIN_DECADES",
    "BASIN_RTOL",
    "FLAT_RTOL",
    "ChoiceWarning",
    "ParameterChoice",
    "_basin",
    "_check_path",
    "_evaluator",
    "_finish",
    "_hidden",
    "_positive",
    "_relative_variation",
    "_select",
]

FLAT_RTOL = 1e-3
"""A criterion curve whose relative variation (max − min) / max |value| over the grid (or the
discrepancy residual whose slope d log‖r‖ / d log λ at the root) is below this is called flat."""

BASIN_RTOL = 0.05
BASIN_DECADES = 2.0
"""When the grid points whose criterion is within ``BASIN_RTOL`` (relative) of the optimum span
more than ``BASIN_DECADES`` decades of λ, the optimum is ill-determined (a very flat minimum, or
two near-equal minima far apart: GCV's typical failure) and the choice is flagged."""

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


def _positive(value: object, name: str) -> float:
    try:
        v = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise TypeError(message(name, "a positive finite number", repr(value))) from None
    if not (math.isfinite(v) and v > 0):
        raise ValueError(message(name, "a positive finite number", v))
    return v
