"""Input validation with one message template.

Every error raised for bad input reads ``"<name> must be <rule>; got <value>"``: it names the
argument, the rule it broke and what was received, so the user can fix the call without reading
code. Validation happens once, at the public entry point.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ridgeway._typing import FloatArray

__all__ = [
    "as_matrix",
    "as_targets",
    "as_weights",
    "check_alpha",
    "check_finite",
    "check_penalty_factor",
    "message",
]


def message(name: str, rule: str, got: object) -> str:
    """Format the one error message of the package: ``"<name> must be <rule>; got <got>"``."""
    return f"{name} must be {rule}; got {got}"


def _nonnumeric_columns(X: Any) -> list[str]:
    """Names of the columns of a DataFrame-like object whose dtype is not numeric or boolean."""
    bad = []
    for col, dt in zip(X.columns, X.dtypes, strict=True):
        kind = getattr(dt, "kind", "O")
        if kind not in "biuf":
            bad.append(str(col))
    return bad


def _to_float_array(data: Any, name: str) -> np.ndarray:
    """Convert to a floating ndarray (float32 kept, everything else float64) with clear errors."""
    if hasattr(data, "tocsr") or type(data).__module__.startswith("scipy.sparse"):
        raise TypeError(
            message(name, "a dense array (sparse input is not supported yet)", "a sparse matrix")
        )
    if hasattr(data, "columns") and hasattr(data, "dtypes"):
        bad = _nonnumeric_columns(data)
        if bad:
            shown = ", ".join(repr(b) for b in bad[:5]) + (" ..." if len(bad) > 5 else "")
            raise ValueError(message(name, "numeric", f"non-numeric column(s) {shown}"))
    elif (
        hasattr(data, "dtype")
        and hasattr(data, "to_numpy")
        and getattr(data.dtype, "kind", "O") not in "biuf"
    ):
        raise ValueError(message(name, "numeric", f"a column of dtype {data.dtype}"))
    try:
        arr = np.asarray(data)
    except Exception as exc:  # ragged lists and similar
        raise ValueError(
            message(name, "an array of numbers", f"{type(data).__name__} ({exc})")
        ) from None
    if arr.dtype.kind == "c":
        raise ValueError(
            message(name, "real-valued", "complex values (Complex data not supported)")
        )
    if arr.dtype == np.float32 or arr.dtype == np.float64:
        return arr
    if arr.dtype.kind in "biu":
        return arr.astype(np.float64)
    try:
        return arr.astype(np.float64)
    except TypeError as exc:
        raise TypeError(message(name, "numeric", f"a value that is not a number ({exc})")) from None
    except ValueError as exc:
        raise ValueError(message(name, "numeric", f"a non-numeric value ({exc})")) from None


def as_matrix(X: Any, name: str = "X") -> np.ndarray:
    """Return ``X`` as a 2-D floating array of shape (n_samples, n_features).

    Float32 input stays float32 (results are returned in the caller's dtype); any other numeric
    input becomes float64. Finiteness is not checked here: the data pass detects non-finite values
    without an extra read of ``X`` and :func:`check_finite` then reports them.
    """
    arr = _to_float_array(X, name)
    if arr.ndim != 2:
        raise ValueError(
            message(
                name,
                "a 2-D array of shape (n_samples, n_features)",
                f"a {arr.ndim}-D array of shape {arr.shape}. Reshape your data, e.g. with "
                "X.reshape(-1, 1) for a single feature",
            )
        )
    n, p = arr.shape
    if n == 0:
        raise ValueError(
            message(
                name,
                "non-empty",
                f"0 sample(s) (shape={arr.shape}) while a minimum of 1 is required.",
            )
        )
    if p == 0:
        raise ValueError(
            message(
                name,
                "non-empty",
                f"0 feature(s) (shape={arr.shape}) while a minimum of 1 is required.",
            )
        )
    return arr


def as_targets(y: Any, n_samples: int, name: str = "y") -> tuple[FloatArray, bool]:
    """Return targets as a float64 array of shape (n_samples, n_targets), checked to be finite.

    The second value tells whether ``y`` was one-dimensional (a single target).
    """
    if y is None:
        raise ValueError(
            message(
                name,
                "given for a supervised fit",
                "None (this estimator requires y to be passed, but the target y is None)",
            )
        )
    arr = _to_float_array(y, name).astype(np.float64, copy=False)
    if arr.ndim == 0 or arr.ndim > 2:
        raise ValueError(message(name, "1-D or 2-D (n_samples, n_targets)", f"shape {arr.shape}"))
    single = arr.ndim == 1
    if single:
        arr = arr[:, None]
    if arr.shape[0] != n_samples:
        raise ValueError(
            message(name, f"of the same length as X ({n_samples} samples)", f"{arr.shape[0]}")
        )
    if arr.shape[1] == 0:
        raise ValueError(message(name, "at least one target column", f"shape {arr.shape}"))
    check_finite(arr, name)
    return arr, single


def as_weights(sample_weight: Any, n_samples: int) -> FloatArray | None:
    """Return sample weights as a float64 array of shape (n_samples,), or None for unit weights.

    Weights must be finite, non-negative and not all zero.
    """
    name = "sample_weight"
    if sample_weight is None:
        return None
    arr = _to_float_array(sample_weight, name).astype(np.float64, copy=False)
    if arr.ndim == 0:
        arr = np.full(n_samples, float(arr))
    if arr.ndim != 1 or arr.shape[0] != n_samples:
        raise ValueError(
            message(name, f"a scalar or a 1-D array of length {n_samples}", f"shape {arr.shape}")
        )
    check_finite(arr, name)
    neg = arr < 0
    if neg.any():
        raise ValueError(
            message(
                name,
                "non-negative",
                f"{int(neg.sum())} negative value(s), the smallest {arr.min():g}",
            )
        )
    if not (arr > 0).any():
        raise ValueError(
            message(name, "positive somewhere (not all zero)", "all weights equal to zero")
        )
    return arr


def check_finite(arr: np.ndarray, name: str) -> None:
    """Raise a ValueError that counts the NaN and infinite entries of ``arr`` (if any)."""
    finite = np.isfinite(arr)
    if finite.all():
        return
    n_nan = int(np.isnan(arr).sum())
    n_inf = int(finite.size - finite.sum()) - n_nan
    where = ""
    if arr.ndim == 2:
        rows = int((~finite).any(axis=1).sum())
        where = f" in {rows} row(s)"
    raise ValueError(
        message(name, "finite (no NaN or inf)", f"{n_nan} NaN and {n_inf} inf value(s){where}")
    )


def check_alpha(alpha: Any, n_targets: int, name: str = "alpha") -> FloatArray:
    """Return the penalty strength as a float64 array of shape (n_targets,).

    ``alpha`` is one non-negative finite number, or one per target.
    """
    try:
        arr = np.asarray(alpha, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(message(name, "a number or an array of numbers", repr(alpha))) from None
    if arr.ndim == 0:
        arr = np.full(n_targets, float(arr))
    elif arr.ndim != 1 or arr.shape[0] != n_targets:
        raise ValueError(
            message(name, f"a scalar or one value per target ({n_targets})", f"shape {arr.shape}")
        )
    if not np.isfinite(arr).all():
        raise ValueError(message(name, "finite", _short(arr)))
    if (arr < 0).any():
        raise ValueError(message(name, "non-negative", _short(arr)))
    return arr


def check_penalty_factor(penalty_factor: Any, n_features: int) -> FloatArray:
    """Return per-feature penalty multipliers as a float64 array of shape (n_features,).

    Each factor is finite and non-negative; 0 leaves that feature unpenalized (glmnet's
    ``penalty.factor``). ``None`` means 1 for every feature.
    """
    name = "penalty_factor"
    if penalty_factor is None:
        return np.ones(n_features)
    try:
        arr = np.asarray(penalty_factor, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(message(name, "an array of numbers", repr(penalty_factor))) from None
    if arr.ndim != 1 or arr.shape[0] != n_features:
        raise ValueError(
            message(name, f"one value per feature ({n_features})", f"shape {arr.shape}")
        )
    if not np.isfinite(arr).all() or (arr < 0).any():
        raise ValueError(message(name, "finite and non-negative", _short(arr)))
    return arr


def check_choice(value: Any, name: str, choices: Sequence[str]) -> str:
    """Check that ``value`` is one of ``choices``."""
    if not isinstance(value, str) or value not in choices:
        raise ValueError(
            message(name, "one of " + ", ".join(repr(c) for c in choices), repr(value))
        )
    return value


def _short(arr: np.ndarray) -> str:
    """A short printable form of an array for messages."""
    if arr.size == 1:
        return f"{arr.reshape(-1)[0]:g}"
    return np.array2string(arr, threshold=6, precision=4)


def check_alphas(alphas: Any, name: str = "alpha", *, positive: bool = False) -> FloatArray:
    """Return a grid of penalty strengths (a number or a 1-D array) as float64 of shape (a,).

    Each value is finite and non-negative (positive with ``positive=True``); the caller's order
    is kept.
    """
    try:
        arr = np.asarray(alphas, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(message(name, "a number or a 1-D array of numbers", repr(alphas))) from None
    if arr.ndim > 1 or arr.size == 0:
        raise ValueError(message(name, "a number or a non-empty 1-D array", f"shape {arr.shape}"))
    arr = arr.reshape(-1)
    if not np.isfinite(arr).all():
        raise ValueError(message(name, "finite", _short(arr)))
    if positive and (arr <= 0).any():
        raise ValueError(message(name, "positive", _short(arr)))
    if (arr < 0).any():
        raise ValueError(message(name, "non-negative", _short(arr)))
    return arr
