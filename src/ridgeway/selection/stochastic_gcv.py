"""Generalized cross-validation from an iterative path, with a stochastic trace and its error.

For problems solved by CG (:func:`ridgeway.core.sparse_solvers.cg_path`) there is no spectrum:
RSS(α) is exact (from a pass over X) and tr H(α) is Hutchinson's estimate with standard error
se_df(α) over the probes (exact, se 0, when p is at most the number of probes). GCV is then

    GCV(α) = (RSS(α)/Σs) / (1 − tr(α)/n)²,    tr = df + 1 with an intercept,

and, to first order, the probes' error moves it by se_GCV = 2 GCV se_df / (n − tr).
"""

from __future__ import annotations

import numpy as np

from ridgeway._typing import FloatArray
from ridgeway.core.sparse_solvers import IterativePath
from ridgeway.selection.curve import Curve

__all__ = ["gcv_from_path"]


def gcv_from_path(path: IterativePath, *, fit_intercept: bool = True) -> tuple[Curve, FloatArray]:
    """GCV for every α and target of an iterative path, and its standard error from the trace.

    Parameters
    ----------
    path : IterativePath
    fit_intercept : bool, default True
        Whether tr H counts the intercept.

    Returns
    -------
    curve : Curve
        ``mean`` of shape (a, t), ``se`` None, ``df`` the estimated tr H (intercept not counted).
    mean_se : ndarray of shape (a, t)
        Standard error of ``mean`` due to the trace estimate alone (0 when it is exact).
    """
    n = path.n_samples
    trace = path.df + (1.0 if fit_intercept else 0.0)
    room = n - trace
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = (path.rss / path.sum_weights) / (room / n)[:, None] ** 2
        mean_se = 2.0 * mean * (path.df_se / room)[:, None]
    mean[room <= 0] = np.inf
    mean_se[room <= 0] = np.inf
    curve = Curve("gcv", path.alphas, np.asarray(mean), None, path.df, n)
    return curve, np.asarray(mean_se)
