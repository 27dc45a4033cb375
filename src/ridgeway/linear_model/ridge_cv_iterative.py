"""RidgeCV by conjugate gradients: GCV over a grid for large p, without any p×p matrix."""

from __future__ import annotations

from typing import Any

import numpy as np

from ridgeway._sparse_input import is_sparse
from ridgeway._typing import FloatArray
from ridgeway._validation import check_finite
from ridgeway.core.sparse_solvers import cg_path, iterative_alphas
from ridgeway.linear_model.ridge import FitInput
from ridgeway.selection.curve import select
from ridgeway.selection.stochastic_gcv import gcv_from_path

__all__ = ["fit_iterative"]


def fit_iterative(est: Any, data: FitInput, grid: FloatArray | None, per_target: bool) -> None:
    """Choose α by GCV on a CG path (:func:`cg_path`) and set the fitted attributes of ``est``.

    The default grid is :func:`iterative_alphas` (30 values). ``cv_results_`` gains "df_se"
    (a,), the standard error of the estimated tr H, "mean_se" (the resulting standard error of
    the GCV values), "n_probes" and "iterations" (CG iterations per α).
    """
    pr = data.problem
    t = data.Y.shape[1]
    if not is_sparse(pr.X):
        check_finite(pr.X, "X")  # (sparse X was checked on conversion)
    if grid is None:
        grid = iterative_alphas(pr.X, pr.sample_weight, pr.penalty, pr.fit_intercept)
    path = cg_path(pr.X, pr.y, pr.sample_weight, pr.penalty, pr.fit_intercept, grid)
    curve, mean_se = gcv_from_path(path, fit_intercept=pr.fit_intercept)
    idx = np.broadcast_to(select(curve, "min", per_target=per_target), (t,))
    cols = np.arange(t)
    coef = path.coef[idx, :, cols].T  # (p, t)
    icpt = path.intercept[idx, cols]
    df = path.df[idx]
    est._set_fit(data, coef, icpt, df)
    single = data.single
    alpha = path.alphas[idx]
    score = -curve.mean[idx, cols]
    est.alpha_ = np.asarray(alpha) if (per_target and not single) else float(alpha[0])
    est.best_score_ = np.asarray(score) if (per_target and not single) else float(np.mean(score))
    est.cv_results_ = {
        "alphas": path.alphas,
        "mean": curve.mean[:, 0] if single else curve.mean,
        "se": None,
        "df": path.df,
        "df_se": path.df_se,
        "mean_se": mean_se[:, 0] if single else mean_se,
        "n_probes": path.n_probes,
        "iterations": path.iterations,
    }
