"""What a report can be built from: a fitted model with its data, arrays, a table, a data set.

:func:`resolve` turns the arguments of :func:`ridgeway.report.build` into one validated
:class:`~ridgeway.report.data.ReportInput`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pyarrow as pa

from ridgeway._validation import as_matrix, as_targets, as_weights, check_finite, message
from ridgeway.datasets import load_prostate
from ridgeway.datasets._real import Dataset
from ridgeway.io.readers import table_to_xy
from ridgeway.linear_model import Ridge, RidgeCV
from ridgeway.report.data import ReportInput

__all__ = ["DEMO_SOURCE", "DEMO_TARGET", "resolve"]

DEMO_TARGET = "lpsa"
DEMO_SOURCE = (
    "ESL prostate cancer data (Stamey et al. 1989; Hastie, Tibshirani & Friedman, "
    "The Elements of Statistical Learning, section 3.4): train split, test split held out"
)


def _names(X: Any, given: Sequence[str] | None, p: int) -> tuple[str, ...]:
    if given is not None:
        names = tuple(str(v) for v in given)
    elif hasattr(X, "columns"):
        names = tuple(str(v) for v in X.columns)
    elif isinstance(X, pa.Table):  # pragma: no cover - tables go through _from_table
        names = tuple(X.column_names)
    else:
        names = tuple(f"x{j}" for j in range(p))
    if len(names) != p:
        raise ValueError(message("feature_names", f"{p} names, one per column of X", len(names)))
    return names


def _float_matrix(X: Any) -> np.ndarray:
    arr = np.asarray(as_matrix(X), dtype=np.float64)
    check_finite(arr, "X")
    return arr


def _one_target(y: Any, n: int) -> np.ndarray:
    Y, single = as_targets(y, n)
    if Y.shape[1] != 1:
        raise ValueError(message("y", "one target column for a report", f"shape {Y.shape}"))
    return Y[:, 0]


def _from_table(table: Any, target: Any, features: Sequence[str] | None) -> tuple[Any, ...]:
    if not isinstance(target, str):
        raise TypeError(
            message("target", "the name of the response column of the table", repr(target))
        )
    tab = (
        table if isinstance(table, pa.Table) else pa.Table.from_pandas(table, preserve_index=False)
    )
    X, y, names = table_to_xy(tab, target, features)
    return X, y, names


def _model_settings(
    model: Any, explicit: dict[str, Any]
) -> tuple[dict[str, Any], float | None, str]:
    """The settings a fitted ridgeway model was fitted with, its α and a label."""
    if not hasattr(model, "coef_"):
        raise ValueError(
            message(
                "model_or_data",
                "a fitted model (call fit first)",
                f"an unfitted {type(model).__name__}",
            )
        )
    clash = [k for k, v in explicit.items() if v is not None]
    if clash:
        raise ValueError(
            message(
                ", ".join(clash),
                "left unset with a fitted model (the model's own settings are used)",
                "given",
            )
        )
    settings = {
        "standardize": bool(model.standardize),
        "fit_intercept": bool(model.fit_intercept),
        "penalty_factor": model.penalty_factor,
    }
    if isinstance(model, RidgeCV):
        alpha = np.asarray(model.alpha_, dtype=np.float64)
        if alpha.size != 1:
            raise ValueError(message("model_or_data", "a model of one target", "α per target"))
        settings["alphas"] = model.alphas
        label = f"RidgeCV(cv={model.cv!r}, rule={model.rule!r})"
        value: float | None = float(alpha.reshape(-1)[0])
    else:
        value = float(model.alpha)
        label = f"Ridge(alpha={value:g})"
        settings["alphas"] = None
    if value is not None and not value > 0:
        value = None  # α = 0 has no place on a log axis: no marker
    return settings, value, label


def resolve(
    model_or_data: Any,
    data: tuple[Any, ...],
    *,
    target: str | None = None,
    features: Sequence[str] | None = None,
    feature_names: Sequence[str] | None = None,
    target_name: str | None = None,
    source: str | None = None,
    sample_weight: Any = None,
    standardize: bool | None = None,
    fit_intercept: bool | None = None,
    penalty_factor: Any = None,
    alphas: Any = None,
    folds: int = 5,
    validation: tuple[Any, Any] | None = None,
) -> ReportInput:
    """Validate the arguments of :func:`ridgeway.report.build` (see there)."""
    if (
        isinstance(folds, bool)
        or not isinstance(folds, int | np.integer)
        or folds == 1
        or folds < 0
    ):
        raise ValueError(message("folds", "0 (no K-fold curve) or an integer K ≥ 2", repr(folds)))
    model_alpha, model_label = None, ""
    explicit = {"standardize": standardize, "fit_intercept": fit_intercept}
    settings: dict[str, Any] = {
        "standardize": bool(standardize),
        "fit_intercept": True if fit_intercept is None else bool(fit_intercept),
        "penalty_factor": penalty_factor,
        "alphas": alphas,
    }
    names: tuple[str, ...] | None = None
    if isinstance(model_or_data, Ridge | RidgeCV):
        explicit.update(penalty_factor=penalty_factor, alphas=alphas)
        settings, model_alpha, model_label = _model_settings(model_or_data, explicit)
        if len(data) != 2:
            raise TypeError(
                message(
                    "data",
                    "X and y after a fitted model: build(model, X, y)",
                    f"{len(data)} argument(s)",
                )
            )
        X_in, y_in = data
        if feature_names is None and hasattr(model_or_data, "feature_names_in_"):
            feature_names = [str(v) for v in model_or_data.feature_names_in_]
    elif model_or_data is None or isinstance(model_or_data, Dataset):
        if data:
            raise TypeError(message("data", "nothing after a data set", f"{len(data)} argument(s)"))
        ds = model_or_data if model_or_data is not None else load_prostate()
        X_in, y_in = ds.data, ds.target
        names = ds.feature_names
        target_name = target_name or ds.target_name
        if source is None:
            source = DEMO_SOURCE if model_or_data is None else ds.description.splitlines()[0]
        if ds.train_mask is not None and validation is None:
            validation = (ds.data[~ds.train_mask], ds.target[~ds.train_mask])
            X_in, y_in = ds.data[ds.train_mask], ds.target[ds.train_mask]
    elif isinstance(model_or_data, pa.Table) or (
        hasattr(model_or_data, "to_numpy") and hasattr(model_or_data, "columns") and not data
    ):
        col = target if target is not None else (data[0] if data else None)
        X_in, y_in, names = _from_table(model_or_data, col, features)
        target_name = target_name or str(col)
    else:
        if len(data) != 1:
            raise TypeError(
                message("data", "y after X: build(X, y)", f"{len(data)} argument(s) after X")
            )
        X_in, y_in = model_or_data, data[0]
    X = _float_matrix(X_in)
    n, p = X.shape
    y = _one_target(y_in, n)
    if names is None:
        names = _names(X_in, feature_names, p)
    elif feature_names is not None:
        names = _names(X_in, feature_names, p)
    w = as_weights(sample_weight, n)
    val = None
    if validation is not None:
        Xv = _float_matrix(validation[0])
        if Xv.shape[1] != p:
            raise ValueError(
                message("validation", f"rows of {p} columns", f"{Xv.shape[1]} columns")
            )
        val = (Xv, _one_target(validation[1], Xv.shape[0]))
    pf = settings["penalty_factor"]
    al = settings["alphas"]
    return ReportInput(
        X=X,
        y=y,
        feature_names=names,
        target_name=str(target_name) if target_name is not None else "y",
        source=str(source) if source is not None else "arrays given to ridgeway.report.build",
        sample_weight=w,
        standardize=bool(settings["standardize"]),
        fit_intercept=bool(settings["fit_intercept"]),
        penalty_factor=None if pf is None else np.asarray(pf, dtype=np.float64),
        alphas=None if al is None else np.asarray(al, dtype=np.float64),
        folds=int(folds),
        validation=val,
        model_alpha=model_alpha,
        model_label=model_label,
    )
