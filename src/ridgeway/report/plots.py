"""Plots for notebooks (matplotlib): what the fitted models and analysis results look like.

Each function takes a fitted model or a result object and an optional matplotlib ``ax``, draws
into it (a new figure when ``ax`` is None) and returns the axes:

- :func:`plot_path`: coefficient paths against α, labelled, with the effective degrees of
  freedom on the top axis (glmnet's ``plot(fit)``, MASS's ``plot(lm.ridge(...))``).
- :func:`plot_cv`: the cross-validation curve with standard-error bars and vertical lines at
  α_min and α_1se (``plot(cv.glmnet(...))``).
- :func:`plot_bias_variance`: squared bias, variance and MSE over α, the optimum marked.
- :func:`plot_lcurve`: the L-curve with the chosen λ and the corner marked (Regularization Tools).
- :func:`plot_picard`: the Picard plot of σ_i, |u_iᵀb| and |u_iᵀb|/σ_i.
- :func:`plot_weight_decay`: the single-weight weight-decay dynamics, or a training run's
  losses and weight norm.
- :func:`plot_constraint`: the constraint geometry of two coefficients, the L2 circle and the
  L1 diamond on the loss contours.

matplotlib is imported when a function draws, not when this module is imported; it comes with
the ``report`` extra (``pip install 'ridgeway[report]'``).
"""

from __future__ import annotations

from ridgeway.report._plot_analysis import plot_bias_variance, plot_weight_decay
from ridgeway.report._plot_constraint import plot_constraint
from ridgeway.report._plot_cv import plot_cv
from ridgeway.report._plot_inverse import plot_lcurve, plot_picard
from ridgeway.report._plot_path import plot_path

__all__ = [
    "plot_bias_variance",
    "plot_constraint",
    "plot_cv",
    "plot_lcurve",
    "plot_path",
    "plot_picard",
    "plot_weight_decay",
]
