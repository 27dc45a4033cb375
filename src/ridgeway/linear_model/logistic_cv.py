"""L2 logistic regression with α chosen by k-fold cross-validation or approximate LOO."""

from __future__ import annotations

import numbers
import warnings
from typing import Any

import numpy as np
from sklearn.exceptions import ConvergenceWarning

from ridgeway._typing import ArrayLike, FloatArray
from ridgeway._validation import check_choice, message
from ridgeway.core.logistic_loss import LogisticProblem
from ridgeway.core.logistic_path import LogisticPath, logistic_path
from ridgeway.core.logistic_solvers import solve_logistic
from ridgeway.linear_model.logistic import (
    LOGISTIC_SOLVERS,
    LogisticModel,
    check_tol_iter,
    validated_logistic_input,
)
from ridgeway.selection.curve import Curve, GridEdgeWarning, select
from ridgeway.selection.logistic_cv import (
    SCORINGS,
    fold_scores,
    fold_weights,
    logistic_alphas,
    score_curve,
)

__all__ = ["LogisticRidgeCV"]

_METRICS = {"neg_log_loss": "log_loss", "accuracy": "accuracy", "roc_auc": "roc_auc"}


def _alo_curves(
    pr: LogisticProblem, path: LogisticPath, scoring: str
) -> dict[str, tuple[Curve, FloatArray]]:
    """ALO curves (lower is better) and the per-α values of each metric, from the whole-data path."""
    from ridgeway.selection.logistic_alo import alo_scores

    curves = alo_scores(
        pr, path.alphas, path.V[:, :, 0, :], path.c[:, 0, :], roc_auc=scoring == "roc_auc"
    )
    return {
        name: (cur, cur.mean[:, 0] if name == "log_loss" else -cur.mean[:, 0])
        for name, cur in curves.items()
    }


class LogisticRidgeCV(LogisticModel):
    """L2 logistic regression with α chosen over a grid, all folds fitted in one warm-started path.

    The objective is that of :class:`~ridgeway.LogisticRidge`,

        minimize over b, W:   Σ_i s_i ℓ(y_i, b + x_iᵀW)  +  α Σ_j π_j ‖W_j‖²,

    solved for every α of the grid (largest first) on the whole data and on every fold's
    training rows at once: each pass over X serves all of them (see
    :mod:`ridgeway.core.logistic_path`).

    Parameters
    ----------
    alphas : array-like of shape (a,), optional
        Grid of α > 0. Default: ``n_alphas`` values spanning the effective degrees of freedom
        of the fit (see :func:`ridgeway.selection.logistic_cv.logistic_alphas`).
    n_alphas : int, default 50
    cv : int, splitter, iterable of (train, test) or "alo", default 5
        An int means ``StratifiedKFold(cv)`` (scikit-learn's rule for classifiers). "alo":
        approximate leave-one-out (Rad & Maleki 2020) from the whole-data path alone.
    rule : {"min", "1se"}, default "min"
        The best α, or the largest α whose score is within one standard error of the best.
    scoring : {"neg_log_loss", "accuracy", "roc_auc"}, default "neg_log_loss"
    fit_intercept, standardize, penalty_factor, solver
        As in :class:`~ridgeway.LogisticRidge`.
    tol : float, default 1e-5
        Convergence of the fits along the path: no entry of the gradient of F/Σs in
        standardized coordinates above ``tol`` (10× tighter than scikit-learn's default 1e-4
        on the same quantity for standardized X; the cross-validated log-loss then changes by
        about 1e-5 relative from its converged value). The final fit at ``alpha_`` starts from
        the path and is solved to min(tol, 1e-8).
    max_iter : int, default 100
        Newton steps per α on the path, and solver iterations of the final fit.

    Attributes
    ----------
    alpha_ : float
    classes_, coef_, intercept_, solver_ : as in :class:`~ridgeway.LogisticRidge`
    n_iter_ : ndarray of shape (1,)
        Newton steps along the whole path plus those of the final fit.
    best_score_ : float
        The score (higher is better) at ``alpha_``.
    cv_results_ : dict
        "alphas" (a,); "mean", "se" (a,): the ranked criterion, lower is better (the log-loss,
        or the negated accuracy or AUC); "score" (a,): the chosen scoring, higher is better;
        "log_loss", "accuracy" (a,) always and "roc_auc" when scored, each with its standard
        error under "<name>_se" (None for the ALO AUC); "per_fold" (a, k): the scored metric of
        every fold (k-fold only).
    coefs_path_ : ndarray of shape (a, K, p)
        Coefficients of the whole-data fit for every α (ascending), K = 1 for two classes.
    intercepts_path_ : ndarray of shape (a, K)

    Examples
    --------
    >>> from sklearn.datasets import load_breast_cancer
    >>> from ridgeway import LogisticRidgeCV
    >>> X, y = load_breast_cancer(return_X_y=True)
    >>> model = LogisticRidgeCV(cv=5, standardize=True).fit(X, y)
    >>> bool(model.cv_results_["accuracy"].max() > 0.95), model.coef_.shape
    (True, (1, 30))
    """

    def __init__(
        self,
        alphas: ArrayLike | None = None,
        *,
        n_alphas: int = 50,
        cv: Any = 5,
        rule: str = "min",
        scoring: str = "neg_log_loss",
        fit_intercept: bool = True,
        standardize: bool = False,
        penalty_factor: ArrayLike | None = None,
        solver: str = "auto",
        tol: float = 1e-5,
        max_iter: int = 100,
    ) -> None:
        self.alphas = alphas
        self.n_alphas = n_alphas
        self.cv = cv
        self.rule = rule
        self.scoring = scoring
        self.fit_intercept = fit_intercept
        self.standardize = standardize
        self.penalty_factor = penalty_factor
        self.solver = solver
        self.tol = tol
        self.max_iter = max_iter

    def _grid(self, pr: LogisticProblem) -> FloatArray:
        if self.alphas is None:
            n_alphas = self.n_alphas
            if (
                not isinstance(n_alphas, numbers.Integral)
                or isinstance(n_alphas, bool)
                or n_alphas < 2
            ):
                raise ValueError(message("n_alphas", "an integer of at least 2", repr(n_alphas)))
            return logistic_alphas(pr, int(n_alphas))
        try:
            al = np.asarray(self.alphas, dtype=np.float64).reshape(-1)
        except (TypeError, ValueError):
            raise ValueError(message("alphas", "an array of numbers", repr(self.alphas))) from None
        if al.size == 0 or not np.isfinite(al).all() or (al <= 0).any():
            raise ValueError(message("alphas", "non-empty, finite and positive", al))
        return np.unique(al)

    def _check_cv(self) -> Any:
        cv = self.cv
        if isinstance(cv, str):
            return check_choice(cv, "cv", ("alo",))
        if isinstance(cv, numbers.Integral) and not isinstance(cv, bool):
            if cv < 2:
                raise ValueError(message("cv", "at least 2 folds", cv))
            return cv
        if cv is None or not (hasattr(cv, "split") or hasattr(cv, "__iter__")):
            raise ValueError(message("cv", "an int, a splitter, (train, test) pairs or 'alo'", cv))
        return cv

    def fit(
        self,
        X: ArrayLike,
        y: ArrayLike,
        sample_weight: ArrayLike | None = None,
        groups: ArrayLike | None = None,
    ) -> Any:
        """Choose α and fit.

        Parameters
        ----------
        X : array-like or sparse matrix of shape (n, p)
        y : array-like of shape (n,)
        sample_weight : array-like of shape (n,), optional
        groups : array-like of shape (n,), optional
            Group labels for a group-aware splitter.

        Returns
        -------
        self : LogisticRidgeCV
        """
        rule = check_choice(self.rule, "rule", ("min", "1se"))
        scoring = check_choice(self.scoring, "scoring", SCORINGS)
        solver = check_choice(self.solver, "solver", LOGISTIC_SOLVERS)
        tol, max_iter = check_tol_iter(self.tol, self.max_iter)
        cv = self._check_cv()
        data = validated_logistic_input(self, X, y, sample_weight)
        pr = data.problem
        grid = self._grid(pr)
        metric = _METRICS[scoring]
        results: dict[str, Any] = {"alphas": grid}
        if isinstance(cv, str):
            if rule == "1se" and scoring == "roc_auc":
                raise ValueError(
                    message("rule", "'min' for cv='alo' with roc_auc (no standard error)", "'1se'")
                )
            path = logistic_path(pr, grid, tol=tol, max_iter=max_iter)
            curves = _alo_curves(pr, path, scoring)
            for name, (cur, vals) in curves.items():
                results[name] = vals
                results[name + "_se"] = None if cur.se is None else cur.se[:, 0]
            ranked = curves[metric][0]
        else:
            S, tests = fold_weights(cv, data.X, data.labels, data.sample_weight, groups)
            path = logistic_path(pr, grid, S, reference=0, tol=tol, max_iter=max_iter)
            scores = fold_scores(pr, path, tests, scoring)
            w = scores["weight"][0]
            for name in ("log_loss", "accuracy", "roc_auc"):
                if name in scores:
                    cur = score_curve(grid, scores[name], w, "kfold", lower=name == "log_loss")
                    results[name] = cur.mean[:, 0] if name == "log_loss" else -cur.mean[:, 0]
                    results[name + "_se"] = None if cur.se is None else cur.se[:, 0]
            per_fold = scores[metric]
            ranked = score_curve(grid, per_fold, w, "kfold", lower=metric == "log_loss")
            results["per_fold"] = per_fold
        bad = int((~path.converged).sum())
        if bad:
            warnings.warn(
                f"LogisticRidgeCV: {bad} of {path.converged.size} fits on the path did not reach "
                f"tol={tol:g} in {max_iter} Newton steps (largest scaled gradient "
                f"{float(path.grad_norm.max()):.2e}). Increase max_iter or loosen tol; very "
                "small alphas on separable data are the usual cause",
                ConvergenceWarning,
                stacklevel=2,
            )
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", GridEdgeWarning)
            idx = int(select(ranked, rule))
        for w_ in caught:  # re-issued so that the warning points at the caller's fit
            warnings.warn(w_.message, w_.category, stacklevel=2)
        alpha = float(grid[idx])
        sol = solve_logistic(
            pr,
            alpha,
            solver,
            start=(path.V[idx, :, 0, :], path.c[idx, 0, :]),
            tol=min(tol, 1e-8),
            max_iter=max_iter,
            who="LogisticRidgeCV",
        )
        self._set_fit(data, sol.coef, sol.intercept)
        self.n_iter_ = np.array([int(path.n_steps.sum()) + sol.n_iter])
        self.solver_ = sol.solver
        self.alpha_ = alpha
        results["mean"] = ranked.mean[:, 0]
        results["se"] = None if ranked.se is None else ranked.se[:, 0]
        results["score"] = -results[metric] if metric == "log_loss" else results[metric]
        self.best_score_ = float(results["score"][idx])
        self.cv_results_ = results
        W, b = pr.to_raw(path.V[:, :, 0, :].transpose(1, 0, 2), path.c[:, 0, :])
        self.coefs_path_ = np.ascontiguousarray(W.transpose(1, 2, 0))
        self.intercepts_path_ = np.asarray(b)
        return self

    def plot(self, kind: str = "cv", **kwargs: Any) -> Any:
        """Draw the CV curve (``kind="cv"``) or the stored coefficient paths (``kind="path"``).

        Shortcuts for :func:`ridgeway.report.plots.plot_cv` and :func:`~ridgeway.report.plots.
        plot_path`; keyword arguments (``ax``, ``log``, ``target``, …) go to them. Needs
        matplotlib (the ``report`` extra). Returns the matplotlib Axes.
        """
        from ridgeway.report import plots

        if check_choice(kind, "kind", ("cv", "path")) == "cv":
            return plots.plot_cv(self, **kwargs)
        return plots.plot_path(self, **kwargs)
