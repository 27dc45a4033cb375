"""The constraint geometry of two coefficients: loss ellipses, the L2 circle and the L1 diamond."""

from __future__ import annotations

from typing import Any

import numpy as np

from ridgeway._validation import check_alphas, message
from ridgeway.report._axes import axes_for, fmt

__all__ = ["plot_constraint"]


def plot_constraint(
    geometry: Any, alpha: float | None = None, *, ax: Any = None, n_contours: int = 6
) -> Any:
    """Ridge as least squares in a circle, the lasso in a diamond, on the loss ellipses.

    For the two-coefficient problem of
    :func:`ridgeway.analysis.constraint_geometry.constraint_geometry`: contours of
    RSS(w) = RSS_min + (w − ŵ)ᵀS(w − ŵ) around the least-squares point ŵ, the ridge path
    w(α) from ŵ to 0 and the lasso path at the same radii; for the α shown, the circle
    ‖w‖ = ‖w(α)‖ with the ridge solution where an ellipse touches it, and the diamond
    |w_j| + |w_k| = ‖w(α)‖ with the lasso solution (often at a corner: a coefficient exactly 0).

    Parameters
    ----------
    geometry : ConstraintGeometry
    alpha : float, optional
        The α whose circle and diamond are drawn; default the grid α whose radius is nearest
        half of ‖ŵ‖.
    ax : matplotlib Axes, optional
    n_contours : int, default 6
        Contour levels besides the two through the solutions.

    Returns
    -------
    matplotlib Axes
        ``ax.lines``: [0] the ridge path, [1] the lasso path, [2] the circle, [3] the diamond,
        [4] ŵ, [5] the ridge solution, [6] the lasso solution.
    """
    if not all(hasattr(geometry, k) for k in ("ridge_at", "lasso_at", "rss", "ols")):
        raise TypeError(message("geometry", "a ConstraintGeometry", type(geometry).__name__))
    if alpha is None:
        half = 0.5 * float(np.linalg.norm(geometry.ols))
        a = float(geometry.alphas[np.argmin(np.abs(geometry.radius - half))])
    else:
        a = float(check_alphas(alpha, "alpha")[0])
    w_r = geometry.ridge_at(a)
    r = float(np.linalg.norm(w_r))
    w_l = geometry.lasso_at(r)
    ax = axes_for(ax, "plot_constraint")
    ax.plot(
        geometry.ridge[:, 0],
        geometry.ridge[:, 1],
        color="C0",
        lw=1.0,
        alpha=0.7,
        label="ridge path (α from 0 to ∞)",
    )
    ax.plot(
        geometry.lasso[:, 0],
        geometry.lasso[:, 1],
        color="C3",
        lw=1.0,
        ls="--",
        alpha=0.7,
        label="lasso path (same radii)",
    )
    theta = np.linspace(0.0, 2.0 * np.pi, 361)
    ax.plot(
        r * np.cos(theta),
        r * np.sin(theta),
        color="C0",
        lw=1.6,
        label=f"L2 ball ‖w‖ ≤ {fmt(r)} (α = {fmt(a)})",
    )
    ax.plot(
        [r, 0.0, -r, 0.0, r],
        [0.0, r, 0.0, -r, 0.0],
        color="C3",
        lw=1.6,
        label=f"L1 ball |w_j| + |w_k| ≤ {fmt(r)}",
    )
    ax.plot(*geometry.ols, "k+", ms=10, mew=2, label="least squares ŵ")
    ax.plot(*w_r, "o", color="C0", ms=7, label=f"ridge ({fmt(w_r[0])}, {fmt(w_r[1])})")
    ax.plot(*w_l, "D", color="C3", ms=7, label=f"lasso ({fmt(w_l[0])}, {fmt(w_l[1])})")
    # a window holding ŵ, the origin and both balls, and the contours over it
    pts = np.vstack([geometry.ols, [0.0, 0.0], [r, r], [-r, -r]])
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    pad = 0.15 * float((hi - lo).max())
    lo, hi = lo - pad, hi + pad
    gx, gy = np.meshgrid(np.linspace(lo[0], hi[0], 161), np.linspace(lo[1], hi[1], 161))
    rss = geometry.rss(np.stack([gx, gy], axis=-1))
    touch = sorted({float(geometry.rss(w_r)), float(geometry.rss(w_l))})
    extra = np.linspace(geometry.rss_min, float(rss.max()), n_contours + 2)[1:-1]
    levels = np.unique(np.concatenate([touch, extra]))
    ax.contour(gx, gy, rss, levels=levels, colors="0.6", linewidths=0.8)
    ax.set_xlim(lo[0], hi[0])
    ax.set_ylim(lo[1], hi[1])
    ax.set_aspect("equal", adjustable="box")
    ax.axhline(0.0, color="0.85", lw=0.8, zorder=0)
    ax.axvline(0.0, color="0.85", lw=0.8, zorder=0)
    unit = " (standardized)" if geometry.standardized else ""
    ax.set_xlabel(f"w_{geometry.names[0]}{unit}")
    ax.set_ylabel(f"w_{geometry.names[1]}{unit}")
    ax.legend(loc="best", fontsize="x-small")
    return ax
