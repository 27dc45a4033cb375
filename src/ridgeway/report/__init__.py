"""Reports: the interactive HTML report (:func:`build`, one self-contained page over every α
of the grid) and plots for notebooks (:mod:`ridgeway.report.plots`, matplotlib).

Importing this package imports neither matplotlib nor plotly: each name below is loaded on first
use (module ``__getattr__``), and matplotlib only when a plot is drawn.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ridgeway.report.html import Report, build
    from ridgeway.report.plots import (
        plot_bias_variance,
        plot_constraint,
        plot_cv,
        plot_lcurve,
        plot_path,
        plot_picard,
        plot_weight_decay,
    )

_LAZY = {
    "Report": "ridgeway.report.html",
    "build": "ridgeway.report.html",
    "plot_bias_variance": "ridgeway.report.plots",
    "plot_constraint": "ridgeway.report.plots",
    "plot_cv": "ridgeway.report.plots",
    "plot_lcurve": "ridgeway.report.plots",
    "plot_path": "ridgeway.report.plots",
    "plot_picard": "ridgeway.report.plots",
    "plot_weight_decay": "ridgeway.report.plots",
}

__all__ = [
    "Report",
    "build",
    "plot_bias_variance",
    "plot_constraint",
    "plot_cv",
    "plot_lcurve",
    "plot_path",
    "plot_picard",
    "plot_weight_decay",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'ridgeway.report' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY])
