"""The ridge regression estimator (scikit-learn compatible)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from ridgeway._sparse_input import as_sparse_matrix, is_sparse
from ridgeway._typing import ArrayLike, FloatArray, SolverName
from ridgeway._validation import (
    as_matrix,
    as_targets,
    as_weights,
    check_alpha,
    check_choice,
    check_finite,
    check_penalty_factor,
    message,
)
from ridgeway.core import backend as bk
from ridgeway.core.moments import column_means, column_sum_squares
from ridgeway.core.solvers import NonFiniteError, RidgeProblem
from ridgeway.core.sparse_route import solve_any
from ridgeway.linear_model import _array_api

__all__ = ["FitInput", "LinearModel", "Ridge", "is_dask_collection", "validated_fit_input"]

_SOLVERS = ("auto", "eigh", "dual", "svd", "cholesky", "cg", "lsqr")


def _weighted_variance(X: Any, w: FloatArray | None) -> FloatArray:
    """Σ s_i (x_ij − x̄_j)² / Σ s per column (divisor Σs), read in row chunks."""
    sw = float(X.shape[0]) if w is None else float(w.sum())
    xm, _ = column_means(X, np.zeros((X.shape[0], 1)), w)
    return np.asarray(column_sum_squares(X, xm, w) / sw)


@dataclass(frozen=True, eq=False)
class FitInput:
    """Validated input of a ridge fit: arrays, and the penalty with standardization folded in."""

    X: Any  # ndarray, or scipy sparse CSR
    Y: FloatArray
    single: bool
    sample_weight: FloatArray | None
    penalty_factor: FloatArray
    penalty: FloatArray
    problem: RidgeProblem


def validated_fit_input(
    est: Any, X: ArrayLike, y: ArrayLike, sample_weight: ArrayLike | None
) -> FitInput:
    """Check X, y, weights and the penalty parameters of ``est`` once, with clear messages.

    Records ``n_features_in_`` and ``feature_names_in_`` on ``est`` (scikit-learn's rules).
    With scikit-learn's array API dispatch on, arrays of another library than NumPy stay in
    it (see :mod:`ridgeway.linear_model._array_api`).
    """
    xp = _array_api.dispatch_namespace(X)
    if xp is not None:
        validate_data(est, X, reset=True, skip_check_array=True)
        Xx, Yx, single_x, wx, var = _array_api.fit_arrays(X, y, sample_weight, xp, est.standardize)
        factor = check_penalty_factor(est.penalty_factor, Xx.shape[1])
        pen = factor
        if var is not None:
            pen = bk.as_float(xp, factor, bk.device(var)) * xp.where(var > 0, var, 1.0)
        problem_x = RidgeProblem(Xx, Yx, wx, pen, bool(est.fit_intercept))
        return FitInput(Xx, Yx, single_x, wx, factor, pen, problem_x)
    Xa = as_sparse_matrix(X) if is_sparse(X) else as_matrix(X)
    validate_data(est, X, reset=True, skip_check_array=True)
    n, p = Xa.shape
    Y, single = as_targets(y, n)
    w = as_weights(sample_weight, n)
    factor = check_penalty_factor(est.penalty_factor, p)
    penalty = factor
    if est.standardize:
        with np.errstate(all="ignore"):  # non-finite X is reported just below
            var = _weighted_variance(Xa, w)
        if not np.isfinite(var).all():
            check_finite(Xa, "X")
        penalty = factor * np.where(var > 0, var, 1.0)
    problem = RidgeProblem(Xa, Y, w, penalty, bool(est.fit_intercept))
    return FitInput(Xa, Y, single, w, factor, penalty, problem)


def is_dask_collection(obj: Any) -> bool:
    """Whether ``obj`` is a Dask collection, judged by its type's module (dask is not imported)."""
    mod = type(obj).__module__
    return mod == "dask" or mod.startswith(("dask.", "dask_expr"))


def report_nonfinite(X: Any) -> None:
    """Raise the message for data whose statistics came out non-finite (NaN/inf, or overflow)."""
    check_finite(np.asarray(X.data) if is_sparse(X) else bk.to_numpy(X), "X")
    raise ValueError(message("X", "small enough for its squares to sum in float64", "an overflow"))


class LinearModel(RegressorMixin, BaseEstimator):
    """Shared behaviour of the ridge estimators: fitted attributes, prediction, model files."""

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        tags.input_tags.sparse = True
        return tags

    def _set_fit(
        self, data: FitInput, coef: np.ndarray, intercept: np.ndarray, df: np.ndarray
    ) -> None:
        """Store coef_ (p,)/(t, p), intercept_ and df_ in the caller's dtype and shape."""
        self._store_fit(data.single, data.X.dtype, coef, intercept, df)

    def _store_fit(
        self,
        single: bool,
        dtype: np.dtype[Any],
        coef: np.ndarray,
        intercept: np.ndarray,
        df: np.ndarray,
    ) -> None:
        """Store coef (p, t), intercept (t,) and df (t,) as fitted attributes of ``dtype``."""
        self.coef_: np.ndarray
        self.intercept_: float | np.ndarray
        self.df_: float | np.ndarray
        xp = bk.namespace(coef)
        if not bk.is_numpy(xp):  # arrays of another library stay in it (array API dispatch)
            self.coef_ = bk.astype(xp, coef[:, 0] if single else coef.T, dtype)
            self.intercept_ = bk.astype(xp, intercept[0] if single else intercept, dtype)
            self.df_ = float(df[0]) if single else df
            return
        if single:
            self.coef_ = coef[:, 0].astype(dtype)
            self.intercept_ = float(intercept[0])
            self.df_ = float(df[0])
        else:
            self.coef_ = coef.T.astype(dtype)
            self.intercept_ = intercept.astype(dtype)
            self.df_ = np.asarray(df, dtype=np.float64)

    def predict(self, X: ArrayLike) -> np.ndarray:
        """Predictions X W + b, shape (n,) or (n, t); a lazy dask array for dask input."""
        check_is_fitted(self, "coef_")
        if is_dask_collection(X):
            from ridgeway.scale.dask import predict_dask

            return predict_dask(self, X)  # type: ignore[no-any-return]
        _array_api.check_same_namespace(self, X, "predict")
        xp = _array_api.dispatch_namespace(X)
        if xp is not None:
            validate_data(self, X, reset=False, skip_check_array=True)
            return _array_api.predict_arrays(X, xp, self.coef_, self.intercept_)  # type: ignore[no-any-return]
        Xa = as_sparse_matrix(X) if is_sparse(X) else as_matrix(X)
        validate_data(self, X, reset=False, skip_check_array=True)
        if not is_sparse(Xa):  # (sparse X is checked on conversion)
            check_finite(Xa, "X")
        coef = bk.to_numpy(self.coef_)
        return np.asarray(Xa @ coef.T + self.intercept_)

    def save(self, path: str | os.PathLike[str], *, overwrite: bool = False) -> None:
        """Write the fitted model to a safe model file (JSON + arrays, never pickle).

        Parameters
        ----------
        path : str or path-like
        overwrite : bool, default False
            Replace an existing file; without it an existing file is an error.
        """
        from ridgeway.io.model_files import save_model

        save_model(self, path, overwrite=overwrite)


class Ridge(LinearModel):
    """Ridge regression: least squares with an L2 penalty on the coefficients.

    Solves, for data X (n×p), targets Y (n×t), sample weights s and penalty factors π,

        minimize over b, W:   Σ_i s_i ‖y_i − b − x_iᵀW‖²  +  α Σ_j π_j ‖W_j‖²

    The intercept b is never penalized. With unit weights and factors this is exactly
    scikit-learn's ``Ridge(alpha=α)``.

    Parameters
    ----------
    alpha : float or array-like of shape (t,), default 1.0
        Penalty strength α ≥ 0, one value for all targets or one per target.
    fit_intercept : bool, default True
        Fit an unpenalized intercept (the data are centred at their weighted means).
    standardize : bool, default False
        Penalize coefficients of columns divided by their weighted standard deviation (divisor
        Σs), as R's ``MASS::lm.ridge`` does; coefficients are still reported in original units.
        A constant column keeps scale 1.
    penalty_factor : array-like of shape (p,), optional
        Per-feature multipliers π_j ≥ 0 of α; 0 leaves a feature unpenalized (glmnet's
        ``penalty.factor``). Default: 1 for every feature.
    solver : {"auto", "eigh", "dual", "svd", "cholesky", "cg", "lsqr"}, default "auto"
        ``auto`` chooses by shape and conditioning and records its choice in ``solver_``; see
        :mod:`ridgeway.core.solvers` for each route. ``cg`` (batched conjugate gradients on the
        implicitly centred normal equations) and ``lsqr`` are iterative and never form a p×p
        matrix; their ``df_`` is exact for p ≤ 16 and a Hutchinson estimate beyond. Sparse X
        (scipy CSR, CSC, COO, …) is never densified: ``auto`` takes the sparse Gram for up to
        4,096 features and ``cg`` beyond, ``svd`` is refused (see
        :mod:`ridgeway.core.sparse_route`).

    Attributes
    ----------
    coef_ : ndarray of shape (p,) or (t, p)
        Coefficients in original units (float32 for float32 X).
    intercept_ : float or ndarray of shape (t,)
    df_ : float or ndarray of shape (t,)
        Effective degrees of freedom tr H(α) of the penalized fit (intercept not counted).
    solver_ : str
        The route used.
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (p,)
        Column names, for DataFrame input.

    Examples
    --------
    >>> import numpy as np
    >>> from ridgeway import Ridge
    >>> X = np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 2.0], [3.0, 1.0]])
    >>> y = np.array([1.0, 2.0, 4.0, 5.0])
    >>> model = Ridge(alpha=0.1).fit(X, y)
    >>> model.coef_.round(4)
    array([1.3079, 0.3296])
    >>> round(model.df_, 4), model.solver_
    (1.9258, 'cholesky')
    """

    def __init__(
        self,
        alpha: float | ArrayLike = 1.0,
        *,
        fit_intercept: bool = True,
        standardize: bool = False,
        penalty_factor: ArrayLike | None = None,
        solver: SolverName = "auto",
    ) -> None:
        self.alpha = alpha
        self.fit_intercept = fit_intercept
        self.standardize = standardize
        self.penalty_factor = penalty_factor
        self.solver = solver

    def fit(self, X: ArrayLike, y: ArrayLike, sample_weight: ArrayLike | None = None) -> Ridge:
        """Fit the ridge model.

        Parameters
        ----------
        X : array-like or scipy sparse matrix of shape (n, p)
            Or a dask array / DataFrame: fitted partition by partition on the active Dask
            scheduler (:func:`ridgeway.scale.dask.fit_dask`).
        y : array-like of shape (n,) or (n, t)
        sample_weight : array-like of shape (n,) or float, optional
            Non-negative weights s_i (not all zero).

        Returns
        -------
        self : Ridge
        """
        if is_dask_collection(X):
            from ridgeway.scale.dask import fit_dask

            return fit_dask(self, X, y, sample_weight)  # type: ignore[no-any-return]
        solver = check_choice(self.solver, "solver", _SOLVERS)
        data = validated_fit_input(self, X, y, sample_weight)
        alpha = check_alpha(self.alpha, data.Y.shape[1])
        Xa = data.X
        if solver in ("cg", "lsqr") and not is_sparse(Xa):
            check_finite(bk.to_numpy(Xa), "X")  # (the iterative routes have no data pass)
        numpy_data = is_sparse(Xa) or bk.is_numpy(bk.namespace(Xa))
        solve_on = solve_any if numpy_data else _array_api.solve_arrays
        try:
            sol = solve_on(data.problem, alpha, solver)
        except NonFiniteError:
            report_nonfinite(Xa)
            raise
        self._set_fit(data, sol.coef, sol.intercept, sol.df)
        self.solver_ = sol.solver
        return self

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.array_api_support = True
        return tags
