"""Shared pieces of the matplotlib plots: the lazy import, the axes, target columns, α markers.

matplotlib is imported only inside these helpers, when a plot is drawn, so that importing
:mod:`ridgeway.report` or :mod:`ridgeway.report.plots` costs nothing without it.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from ridgeway._typing import FloatArray
from ridgeway._validation import check_alphas, message

EXTRA_HINT = "install the report extra: pip install 'ridgeway[report]'"


def pyplot(who: str) -> Any:
    """``matplotlib.pyplot``, or an ImportError naming the extra that provides it."""
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise ImportError(f"{who} needs matplotlib; {EXTRA_HINT}") from exc
    return plt


def axes_for(ax: Any, who: str) -> Any:
    """The caller's axes, or the axes of a new pyplot figure when ``ax`` is None."""
    if ax is None:
        _, ax = pyplot(who).subplots()
        return ax
    if not (hasattr(ax, "plot") and hasattr(ax, "figure")):
        raise TypeError(message("ax", "a matplotlib Axes or None", type(ax).__name__))
    return ax


def column(values: Any, target: int | None, name: str = "target") -> FloatArray:
    """One target's column of an (a,) or (a, t) array (t = 1 needs no ``target``)."""
    arr = np.asarray(values, dtype=np.float64)
    if arr.ndim == 1:
        if target not in (None, 0):
            raise ValueError(message(name, "None or 0 for results of one target", target))
        return arr
    t = arr.shape[1]
    if target is None:
        if t == 1:
            return arr[:, 0]
        raise ValueError(message(name, f"an index in [0, {t}) for results of {t} targets", None))
    return arr[:, check_index(target, t, name)]


def check_index(value: Any, size: int, name: str) -> int:
    """An integer in [0, size)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(message(name, "an integer", repr(value)))
    if not 0 <= int(value) < size:
        raise ValueError(message(name, f"an index in [0, {size})", value))
    return int(value)


def grid(alphas: Any, name: str = "alphas") -> FloatArray:
    """A positive grid of α, ascending."""
    return np.sort(check_alphas(alphas, name, positive=True))


def set_alpha_axis(ax: Any, log: bool, label: str = "α (penalty strength)") -> None:
    if log:
        ax.set_xscale("log")
    ax.set_xlabel(label)


def add_df_axis(ax: Any, alphas: FloatArray, df: FloatArray, n_ticks: int = 6) -> Any:
    """A top axis labelled with the effective degrees of freedom at a few α of the grid.

    The ticks sit at grid points (evenly spaced in index, as glmnet labels its top axis with
    the number of nonzero coefficients); their labels are df(α) to one decimal.
    """
    a = alphas.size
    idx = np.unique(np.linspace(0, a - 1, min(n_ticks, a)).round().astype(int))
    sec = ax.secondary_xaxis("top")
    sec.set_xticks(alphas[idx], labels=[f"{d:.1f}" for d in df[idx]])
    sec.set_xticks([], minor=True)
    sec.set_xlabel("effective degrees of freedom")
    return sec


def fmt(x: float) -> str:
    """A short form of a number for labels."""
    return f"{x:.3g}"
