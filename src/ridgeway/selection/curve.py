"""The result of a selection criterion over an α grid, and the rules that pick α from it."""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from ridgeway._typing import FloatArray
from ridgeway.core import backend as bk

__all__ = ["Curve", "GridEdgeWarning", "select"]


class GridEdgeWarning(UserWarning):
    """The chosen α is the first or last point of the grid: the optimum may lie beyond it."""


@dataclass(frozen=True, eq=False)
class Curve:
    """A criterion evaluated on a grid of α (lower is better).

    Attributes
    ----------
    criterion : str
        "loo", "gcv", "kfold" or "evidence".
    alphas : ndarray of shape (a,)
        The grid, ascending.
    mean : ndarray of shape (a, t)
        Criterion value per α and target: mean squared error for "loo", "kfold" and "gcv",
        negative log evidence per unit weight for "evidence".
    se : ndarray of shape (a, t) or None
        Standard error of ``mean`` where it is defined (over samples for "loo", over folds for
        "kfold").
    df : ndarray of shape (a,)
        Effective degrees of freedom (intercept not counted).
    n_samples : int
    total : ndarray of shape (t,) or None
        Σ s (y − ȳ)² per target (for R² scores), where known.
    fold_r2 : ndarray of shape (a, t) or None
        For "kfold": the mean over folds of each fold's R².
    """

    criterion: str
    alphas: FloatArray
    mean: FloatArray
    se: FloatArray | None
    df: FloatArray
    n_samples: int
    total: FloatArray | None = None
    fold_r2: FloatArray | None = None


def select(curve: Curve, rule: str = "min", *, per_target: bool = False) -> np.ndarray:
    """Indices of the chosen α on ``curve.alphas``.

    Parameters
    ----------
    curve : Curve
    rule : {"min", "1se"}
        "min" takes the minimum of the mean; "1se" takes the LARGEST α whose mean is within one
        standard error of the minimum (the one-standard-error rule of Breiman et al. and
        cv.glmnet's ``lambda.1se``).
    per_target : bool
        Choose per target (shape (t,)) instead of on the mean over targets (shape ()).

    Returns
    -------
    ndarray of int, shape (t,) if ``per_target`` else shape ().
        Always NumPy: the choice is made on the host (for arrays on a GPU that copies the
        (a, t) curve once).

    Warns
    -----
    GridEdgeWarning
        When a chosen α is the first or the last point of the grid.
    """
    if rule not in ("min", "1se"):
        raise ValueError(f"rule must be one of 'min', '1se'; got {rule!r}")
    raw = bk.to_numpy(curve.mean)
    mean = raw if per_target else raw.mean(axis=1, keepdims=True)
    finite = np.where(np.isfinite(mean), mean, np.inf)
    best = np.argmin(finite, axis=0)  # (t,)
    if rule == "1se":
        if curve.se is None:
            raise ValueError(
                f"rule must be 'min' for the {curve.criterion!r} criterion, which has no standard "
                "error; got '1se' (use cv=None for leave-one-out or an integer for k-fold)"
            )
        se_all = bk.to_numpy(curve.se)
        se = se_all if per_target else np.sqrt((se_all**2).mean(axis=1, keepdims=True))
        cols = np.arange(mean.shape[1])
        limit = finite[best, cols] + se[best, cols]
        ok = finite <= limit[None, :]
        # the largest qualifying α: the last index (alphas ascending) that qualifies
        best = mean.shape[0] - 1 - np.argmax(ok[::-1], axis=0)
    a = curve.alphas.shape[0]
    if a > 1 and ((best == 0) | (best == a - 1)).any():
        warnings.warn(
            f"the alpha chosen by {curve.criterion!r} lies on the edge of the grid "
            f"[{float(curve.alphas[0]):.3g}, {float(curve.alphas[-1]):.3g}]; "
            "the optimum may lie beyond it: "
            "widen the grid (or use alphas=None for one spanning the spectrum)",
            GridEdgeWarning,
            stacklevel=2,
        )
    return best if per_target else best[0]
