"""Choice of α: criteria as plain functions of the spectrum (and of the data pass where needed).

Every criterion returns a :class:`Curve` over a grid of α; :func:`select` applies a rule
(minimum, or the one-standard-error rule) and warns when the choice sits on the grid's edge.
"""

from ridgeway.selection.classical import hkb, lw
from ridgeway.selection.curve import Curve, GridEdgeWarning, select
from ridgeway.selection.evidence import evidence, log_evidence
from ridgeway.selection.gcv import gcv
from ridgeway.selection.grid import alpha_for_df, default_alphas
from ridgeway.selection.kfold import kfold
from ridgeway.selection.logistic_alo import alo_curve, alo_linear_predictors
from ridgeway.selection.logistic_cv import logistic_alphas
from ridgeway.selection.loo import loo

__all__ = [
    "Curve",
    "GridEdgeWarning",
    "alo_curve",
    "alo_linear_predictors",
    "alpha_for_df",
    "default_alphas",
    "evidence",
    "gcv",
    "hkb",
    "kfold",
    "log_evidence",
    "logistic_alphas",
    "loo",
    "lw",
    "select",
]
