"""Plots of Tikhonov problems: the L-curve with its corner and the Picard plot (Hansen's
Regularization Tools ``plot_lc``/``l_curve`` and ``picard``)."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from ridgeway._typing import FloatArray
from ridgeway._validation import message
from ridgeway.report._axes import axes_for, check_index, fmt

__all__ = ["plot_lcurve", "plot_picard"]


def _path_of(source: Any, who: str) -> tuple[Any, Any]:
    """(TikhonovPath, TikhonovResult or None) of a result or a path."""
    from ridgeway.inverse.path import TikhonovPath

    if isinstance(source, TikhonovPath):
        return source, None
    path = getattr(source, "path", None)
    if isinstance(path, TikhonovPath) and hasattr(source, "lam"):
        return path, source
    raise TypeError(message(who, "a TikhonovResult or a TikhonovPath", type(source).__name__))


def _point(path: Any, lam: float) -> tuple[float, float]:
    """(‖A x_λ − b‖, ‖L(x_λ − x₀)‖) at any λ > 0, from the path's expansion."""
    from ridgeway.inverse.path import spectral_path

    one = spectral_path(
        path.gamma,
        path.beta,
        np.array([lam]),
        n_data=path.n_data,
        n_unregularized=path.n_unregularized,
        delta0=path.delta0,
    )
    return float(one.residual_norm[0]), float(one.solution_norm[0])


def plot_lcurve(source: Any, *, ax: Any = None, annotate: int = 5, corner: bool = True) -> Any:
    """The L-curve (‖A x_λ − b‖, ‖L(x_λ − x₀)‖) on log–log axes with the chosen λ marked.

    For min ‖A x − b‖² + λ²‖L(x − x₀)‖², each λ of the grid gives one point of the curve: the
    residual norm (x) against the solution (semi)norm (y). The λ of the result's rule is marked
    with a filled circle; with ``corner=True`` the corner of maximum curvature (the L-curve
    rule, :func:`ridgeway.inverse.choice.lcurve`) is marked too when another rule chose λ, or
    when only a path is given. A few grid points are labelled with their λ (as Regularization
    Tools' ``plot_lc``).

    Parameters
    ----------
    source : TikhonovResult or TikhonovPath
    ax : matplotlib Axes, optional
    annotate : int, default 5
        How many grid points to label with λ (0 for none), evenly spaced along the grid.
    corner : bool, default True

    Returns
    -------
    matplotlib Axes
        ``ax.lines[0]`` is the curve; then one line (a single marker) per marked λ.
    """
    path, result = _path_of(source, "source")
    check_index(annotate, path.lambdas.size + 1, "annotate")
    ax = axes_for(ax, "plot_lcurve")
    ax.loglog(path.residual_norm, path.solution_norm, color="0.3", lw=1.3, label="L-curve")
    marks: list[tuple[float, str, str]] = []
    if result is not None:
        marks.append((float(result.lam), f"{result.method}: λ = {fmt(result.lam)}", "o"))
    if corner and (result is None or result.method != "lcurve") and path.lambdas.size >= 3:
        from ridgeway.inverse.choice import lcurve

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            lam_c = float(lcurve(path).lam)
        marks.append((lam_c, f"corner (maximum curvature): λ = {fmt(lam_c)}", "s"))
    for lam, label, marker in marks:
        rho, eta = _point(path, lam)
        ax.loglog(
            [rho], [eta], marker, ms=8, mfc="none" if marker == "s" else None, mew=1.6, label=label
        )
    if annotate:
        idx = np.unique(np.linspace(0, path.lambdas.size - 1, annotate).round().astype(int))
        for i in idx:
            ax.annotate(
                fmt(path.lambdas[i]),
                (path.residual_norm[i], path.solution_norm[i]),
                xytext=(4, 4),
                textcoords="offset points",
                fontsize="x-small",
                color="0.3",
            )
    generalized = result is None or result.solver != "svd"
    ax.set_xlabel("residual norm ‖A x_λ − b‖")
    ax.set_ylabel("solution seminorm ‖L(x_λ − x₀)‖" if generalized else "solution norm ‖x_λ − x₀‖")
    ax.set_title("L-curve")
    ax.legend(loc="best", fontsize="small")
    return ax


def _finite(values: FloatArray) -> FloatArray:
    out = np.asarray(values, dtype=np.float64).copy()
    out[~np.isfinite(out)] = np.nan
    return out


def plot_picard(source: Any, *, d: int = 0, ax: Any = None) -> Any:
    """The Picard plot: σ_i, |u_iᵀb| and |u_iᵀb| / σ_i against i on a log scale.

    The discrete Picard condition holds when |u_iᵀb| decays faster than σ_i (the ratio, the
    coefficients of the naive solution, then decays) until the noise level, where |u_iᵀb|
    levels off and the ratio grows: those components must be filtered out. For a general L
    the σ_i are the generalized singular values γ_i and b stands for b − A x₀.

    Parameters
    ----------
    source : TikhonovResult, TikhonovPath or PicardPlot
    d : int, default 0
        Smooth |u_iᵀb| in the ratio with a moving geometric mean over 2d + 1 points (Hansen's
        ``picard(U, s, b, d)``; ignored for a PicardPlot, which carries its own).
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
        ``ax.lines[0]``, ``[1]``, ``[2]``: σ_i, |u_iᵀb| and the (smoothed) ratio against
        i = 1, …, k (non-finite values are left out as NaN).
    """
    from ridgeway.inverse.picard import PicardPlot, picard

    if isinstance(source, PicardPlot):
        pp, general = source, False
    else:
        path, result = _path_of(source, "source")
        pp = picard(path, d)
        general = result is not None and result.solver == "gsvd"
    ratio = pp.smoothed_ratio if pp.d > 0 else pp.ratio
    i = np.arange(1, pp.gamma.size + 1)
    s = "γ_i" if general else "σ_i"
    ax = axes_for(ax, "plot_picard")
    ax.semilogy(i, _finite(pp.gamma), ".-", color="C0", lw=1.2, label=s)
    ax.semilogy(i, _finite(pp.abs_beta), "x", color="C1", ms=5, label="|u_iᵀb|")
    ax.semilogy(
        i,
        _finite(ratio),
        "o",
        color="C2",
        ms=4,
        mfc="none",
        label=f"|u_iᵀb| / {s}" + (f" (geometric mean over {2 * pp.d + 1})" if pp.d > 0 else ""),
    )
    ax.set_xlabel("i")
    ax.set_title("Picard plot")
    ax.legend(loc="best", fontsize="small")
    return ax
