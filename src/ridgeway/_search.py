"""Vectorised one-dimensional searches shared by the selection and analysis modules.

Every search here runs on many independent problems at once: the unknowns are an array ``x``
of any shape, the function maps an array of that shape to values of the same shape, element by
element, and every iteration evaluates it once for all elements (no Python loop over problems).
Callers search in log α, where the quantities of a ridge fit change on the scale of the
eigenvalues' ratios rather than of α itself.

- :func:`grid_bracket` turns the best point of an ascending grid into an interval around it;
- :func:`golden_section` minimizes a unimodal function on an interval;
- :func:`monotone_root` solves f(x) = target for a monotone f by bisection.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ridgeway._typing import FloatArray

__all__ = ["GOLDEN", "golden_section", "grid_bracket", "monotone_root"]

GOLDEN = (np.sqrt(5.0) - 1.0) / 2.0
"""The golden-section ratio (√5 − 1)/2 ≈ 0.618."""

Elementwise = Callable[[FloatArray], np.ndarray]
"""A function evaluated element by element: an array of shape S to values of shape S."""


def grid_bracket(
    grid: np.ndarray, best: np.ndarray, *, overshoot: float = 20.0
) -> tuple[FloatArray, FloatArray]:
    """The interval [grid[best − 1], grid[best + 1]] around each best grid point.

    At an end of the grid the interval reaches ``overshoot`` past it instead, so that a
    minimum just beyond the grid is still found.

    Parameters
    ----------
    grid : ndarray of shape (g,)
        Ascending points (e.g. log α).
    best : ndarray of int, any shape
        Index of the best grid point of each problem.
    overshoot : float, default 20.0
        How far past an end of the grid the interval extends.

    Returns
    -------
    lo, hi : ndarray of the shape of ``best``
    """
    g = np.asarray(grid, dtype=np.float64)
    b = np.asarray(best, dtype=np.intp)
    last = g.size - 1
    lo = np.where(b > 0, g[np.maximum(b - 1, 0)], g[0] - overshoot)
    hi = np.where(b < last, g[np.minimum(b + 1, last)], g[last] + overshoot)
    return np.asarray(lo, dtype=np.float64), np.asarray(hi, dtype=np.float64)


def golden_section(
    f: Elementwise,
    lo: np.ndarray,
    hi: np.ndarray,
    *,
    max_iter: int = 80,
    xtol: float = 1e-12,
) -> FloatArray:
    """Minimize a unimodal f on [lo, hi] by golden-section search, elementwise.

    Each iteration keeps the sub-interval that holds the smaller of two interior values and
    shrinks every interval by the factor (√5 − 1)/2; it stops when every interval is shorter
    than ``xtol`` or after ``max_iter`` iterations (80 shrink a width of 40 below 1e-15).

    Parameters
    ----------
    f : callable
        Elementwise objective: an array of the shape of ``lo`` to values of that shape.
    lo, hi : ndarray, same shape
        Interval ends, lo ≤ hi.
    max_iter : int, default 80
    xtol : float, default 1e-12

    Returns
    -------
    ndarray of the shape of ``lo``
        The midpoint of each final interval.
    """
    a = np.array(lo, dtype=np.float64)
    b = np.array(hi, dtype=np.float64)
    c = b - GOLDEN * (b - a)
    d = a + GOLDEN * (b - a)
    fc, fd = f(c), f(d)
    for _ in range(max_iter):
        left = fc < fd
        b = np.where(left, d, b)
        a = np.where(left, a, c)
        c = b - GOLDEN * (b - a)
        d = a + GOLDEN * (b - a)
        fc, fd = f(c), f(d)
        if a.size == 0 or float((b - a).max()) < xtol:
            break
    return np.asarray(0.5 * (a + b))


def monotone_root(
    f: Elementwise,
    target: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    *,
    decreasing: bool,
    max_iter: int = 200,
    xtol: float = 1e-13,
) -> FloatArray:
    """Solve f(x) = target for a monotone f on [lo, hi] by bisection, elementwise.

    The root must be bracketed: f(lo) ≥ target ≥ f(hi) for a decreasing f (f(lo) ≤ target ≤
    f(hi) for an increasing one). Bisection only compares values with the target, so it is
    safe for any monotone f (flat stretches, steep ends, values spanning many decades); the
    interval halves at every step and the search stops when every interval is shorter than
    ``xtol`` or after ``max_iter`` steps. When the target is outside [f(hi), f(lo)] the result
    is the nearer end.

    Parameters
    ----------
    f : callable
        Elementwise monotone function: an array of the shape of ``lo`` to values of that shape.
    target : ndarray
        Broadcastable to the shape of ``lo``.
    lo, hi : ndarray, same shape
        Bracketing interval of each problem, lo ≤ hi.
    decreasing : bool
        Whether f decreases (True) or increases (False) with x.
    max_iter : int, default 200
    xtol : float, default 1e-13

    Returns
    -------
    ndarray of the shape of ``lo``
        The midpoint of each final interval.
    """
    a = np.array(lo, dtype=np.float64)
    b = np.array(hi, dtype=np.float64)
    tgt = np.broadcast_to(np.asarray(target, dtype=np.float64), a.shape)
    for _ in range(max_iter):
        if a.size == 0 or float((b - a).max()) < xtol:
            break
        mid = 0.5 * (a + b)
        val = f(mid)
        right = val > tgt if decreasing else val < tgt  # the root lies above mid
        a = np.where(right, mid, a)
        b = np.where(right, b, mid)
    return np.asarray(0.5 * (a + b))
