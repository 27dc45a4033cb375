"""L2-penalized logistic regression, binary and multinomial (scikit-learn compatible)."""

from __future__ import annotations

import numbers
import os
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.special import expit, log_expit, log_softmax, softmax
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model._base import LinearClassifierMixin
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, column_or_1d, validate_data

from ridgeway._typing import ArrayLike, FloatArray
from ridgeway._validation import (
    as_matrix,
    as_weights,
    check_alpha,
    check_choice,
    check_finite,
    check_penalty_factor,
    message,
)
from ridgeway.core.logistic_loss import LogisticProblem, _moments, logistic_problem

__all__ = ["LogisticInput", "LogisticModel", "LogisticRidge", "validated_logistic_input"]

LOGISTIC_SOLVERS = ("auto", "newton-cholesky", "newton-cg", "lbfgs")


@dataclass(frozen=True, eq=False)
class LogisticInput:
    """Validated input of a logistic fit."""

    X: Any
    labels: np.ndarray  # (n,) integer class codes
    classes: np.ndarray
    sample_weight: FloatArray
    penalty_factor: FloatArray
    problem: LogisticProblem


def _as_design(est: Any, X: Any) -> Any:
    """Dense X through the package's checks; scipy sparse X kept sparse (CSR), finite."""
    if bool(sp.issparse(X)):
        validate_data(est, X, reset=True, skip_check_array=True)
        Xs: Any = sp.csr_matrix(X)
        if Xs.shape[0] == 0 or Xs.shape[1] == 0:
            raise ValueError(message("X", "non-empty", f"shape {Xs.shape}"))
        if Xs.dtype not in (np.float32, np.float64):
            Xs = Xs.astype(np.float64)
        check_finite(np.asarray(Xs.data), "X")
        return Xs
    Xa = as_matrix(X)
    validate_data(est, X, reset=True, skip_check_array=True)
    check_finite(Xa, "X")
    return Xa


def validated_logistic_input(est: Any, X: Any, y: Any, sample_weight: Any) -> LogisticInput:
    """Check X, the class labels, weights and penalty parameters once, with clear messages."""
    Xa = _as_design(est, X)
    n, p = Xa.shape
    if y is None:
        raise ValueError(
            message(
                "y",
                "given for a supervised fit",
                "None (this estimator requires y to be passed, but the target y is None)",
            )
        )
    ya = np.asarray(y)
    if ya.ndim == 2 and ya.shape[1] == 1:
        ya = column_or_1d(ya, warn=True)
    if ya.ndim != 1:
        raise ValueError(message("y", "1-D class labels", f"shape {ya.shape}"))
    if ya.shape[0] != n:
        raise ValueError(message("y", f"of the same length as X ({n} samples)", ya.shape[0]))
    if n < 2:
        raise ValueError(message("X", "at least 2 samples", f"{n} sample (n_samples = {n})"))
    check_classification_targets(ya)
    if ya.dtype.kind == "f" and not np.isfinite(ya).all():
        check_finite(ya, "y")
    classes, labels = np.unique(ya, return_inverse=True)
    w = as_weights(sample_weight, n)
    sw = np.ones(n) if w is None else w
    per_class = np.bincount(labels, weights=sw, minlength=classes.size)
    if classes.size < 2:
        raise ValueError(
            message(
                "y",
                "labels of at least 2 classes",
                f"only class {classes.tolist()} (this solver needs samples of at least 2 classes "
                "in the data)",
            )
        )
    if (per_class <= 0).any():
        empty = classes[per_class <= 0].tolist()
        raise ValueError(message("sample_weight", "positive on some row of every class", empty))
    factor = check_penalty_factor(est.penalty_factor, p)
    K = 1 if classes.size == 2 else classes.size
    Y = (labels == 1).astype(np.float64)[:, None] if K == 1 else np.eye(K)[labels]
    pr = logistic_problem(Xa, Y, sw, factor, bool(est.fit_intercept))
    if est.standardize:
        # penalize coefficients of the standardized columns: π_j · sd_j² in X's units
        sd = pr.scale if est.fit_intercept else _moments(pr.X, pr.sample_weight, True)[1]
        pr = LogisticProblem(
            pr.X, pr.Y, pr.sample_weight, factor * sd**2, pr.fit_intercept, pr.center, pr.scale
        )
    return LogisticInput(Xa, labels, classes, sw, factor, pr)


class LogisticModel(LinearClassifierMixin, ClassifierMixin, BaseEstimator):
    """Shared behaviour of the logistic estimators: fitted attributes, probabilities, files."""

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags

    def _set_fit(self, data: LogisticInput, coef: FloatArray, intercept: FloatArray) -> None:
        """coef_ (1, p) or (K, p) in X's dtype, intercept_ (1,) or (K,), classes_."""
        dtype = data.X.dtype
        self.classes_ = data.classes
        self.coef_ = np.ascontiguousarray(coef.T).astype(dtype)
        self.intercept_ = np.asarray(intercept, dtype=dtype).reshape(-1)

    def predict_proba(self, X: ArrayLike) -> np.ndarray:
        """Class probabilities, shape (n, n_classes), columns in the order of ``classes_``."""
        scores = self.decision_function(X)
        if scores.ndim == 1:
            p1 = expit(scores)
            return np.column_stack([1.0 - p1, p1])
        return np.asarray(softmax(scores, axis=1))

    def predict_log_proba(self, X: ArrayLike) -> np.ndarray:
        """Log class probabilities, shape (n, n_classes), computed without underflow."""
        scores = self.decision_function(X)
        if scores.ndim == 1:
            return np.column_stack([log_expit(-scores), log_expit(scores)])
        return np.asarray(log_softmax(scores, axis=1))

    def save(self, path: str | os.PathLike[str], *, overwrite: bool = False) -> None:
        """Write the fitted model to a safe model file (JSON + arrays, never pickle)."""
        from ridgeway.io.model_files import save_model

        check_is_fitted(self, "coef_")
        save_model(self, path, overwrite=overwrite)


class LogisticRidge(LogisticModel):
    """Logistic regression with an L2 penalty, binary or multinomial.

    Solves, for data X (n×p), class labels y, sample weights s and penalty factors π,

        minimize over b, W:   Σ_i s_i ℓ(y_i, b + x_iᵀW)  +  α Σ_j π_j ‖W_j‖²

    with ℓ the binomial log-loss of one logit (two classes) or the multinomial (softmax)
    log-loss of one linear predictor per class (three or more). The intercept is never
    penalized; scikit-learn's ``LogisticRegression(C=C)`` is α = 1/(2C). Multinomial
    intercepts are reported summing to zero (the symmetric choice; the probabilities do not
    depend on it).

    Parameters
    ----------
    alpha : float, default 1.0
        Penalty strength α ≥ 0. With α = 0 (or a penalty factor 0) the fit exists only if the
        classes are not separable along the unpenalized features; separable data raise
        :class:`~ridgeway.core.logistic_solvers.SeparableDataError`.
    fit_intercept : bool, default True
    standardize : bool, default False
        Penalize the coefficients of columns divided by their weighted standard deviation;
        coefficients are still reported in the units of X.
    penalty_factor : array-like of shape (p,), optional
        Per-feature multipliers π_j ≥ 0 of α (0: unpenalized).
    solver : {"auto", "newton-cholesky", "newton-cg", "lbfgs"}, default "auto"
        See :mod:`ridgeway.core.logistic_solvers`; ``auto`` takes Newton with Cholesky while
        K(p + 1) ≤ 1,500 and truncated Newton beyond.
    tol : float, default 1e-8
        Stop when no entry of the gradient of F/Σs (standardized coordinates) exceeds ``tol``.
    max_iter : int, default 100
        Iterations of the solver (Newton steps, or L-BFGS iterations).

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
    coef_ : ndarray of shape (1, p) for two classes, (n_classes, p) otherwise
    intercept_ : ndarray of shape (1,) or (n_classes,)
    n_iter_ : ndarray of shape (1,)
    solver_ : str
    objective_ : float
        The penalized objective at the solution.
    n_features_in_, feature_names_in_

    Examples
    --------
    >>> import numpy as np
    >>> from ridgeway import LogisticRidge
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0], [4.0], [5.0]])
    >>> y = np.array(["no", "no", "yes", "no", "yes", "yes"])
    >>> model = LogisticRidge(alpha=0.5).fit(X, y)
    >>> model.classes_.tolist(), model.predict([[0.5], [4.5]]).tolist()
    (['no', 'yes'], ['no', 'yes'])
    >>> model.predict_proba([[2.5]]).round(3)
    array([[0.5, 0.5]])
    """

    def __init__(
        self,
        alpha: float = 1.0,
        *,
        fit_intercept: bool = True,
        standardize: bool = False,
        penalty_factor: ArrayLike | None = None,
        solver: str = "auto",
        tol: float = 1e-8,
        max_iter: int = 100,
    ) -> None:
        self.alpha = alpha
        self.fit_intercept = fit_intercept
        self.standardize = standardize
        self.penalty_factor = penalty_factor
        self.solver = solver
        self.tol = tol
        self.max_iter = max_iter

    def fit(self, X: ArrayLike, y: ArrayLike, sample_weight: ArrayLike | None = None) -> Any:
        """Fit the model.

        Parameters
        ----------
        X : array-like or sparse matrix of shape (n, p)
        y : array-like of shape (n,)
            Class labels of any type (numbers, strings, booleans).
        sample_weight : array-like of shape (n,) or float, optional

        Returns
        -------
        self : LogisticRidge
        """
        from ridgeway.core.logistic_solvers import solve_logistic

        solver = check_choice(self.solver, "solver", LOGISTIC_SOLVERS)
        tol, max_iter = check_tol_iter(self.tol, self.max_iter)
        alpha = float(check_alpha(self.alpha, 1)[0])
        data = validated_logistic_input(self, X, y, sample_weight)
        sol = solve_logistic(
            data.problem, alpha, solver, tol=tol, max_iter=max_iter, who="LogisticRidge"
        )
        self._set_fit(data, sol.coef, sol.intercept)
        self.n_iter_ = np.array([sol.n_iter])
        self.solver_ = sol.solver
        self.objective_ = float(sol.objective)
        return self


def check_tol_iter(tol: Any, max_iter: Any) -> tuple[float, int]:
    """Validate ``tol`` (> 0) and ``max_iter`` (integer ≥ 1)."""
    if not isinstance(tol, numbers.Real) or not np.isfinite(float(tol)) or tol <= 0:
        raise ValueError(message("tol", "a positive number", repr(tol)))
    if not isinstance(max_iter, numbers.Integral) or isinstance(max_iter, bool) or max_iter < 1:
        raise ValueError(message("max_iter", "an integer of at least 1", repr(max_iter)))
    return float(tol), int(max_iter)
