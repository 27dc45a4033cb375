"""Pieces of gradient descent on the ridge objective shared by the dynamics and early stopping.

The argument checks (learning rate, weight decay, numbers of steps), the factorization of the
profiled, penalty-scaled problem, and the filter factor φ = 1 − (1 − x)^k of k steps along
each eigen-direction (x = η(μ_i + α)). Used by :mod:`ridgeway.analysis.dynamics` and
:mod:`ridgeway.analysis.early_stopping`.
"""

from __future__ import annotations

import numpy as np

from ridgeway._typing import ArrayLike, FloatArray
from ridgeway._validation import message
from ridgeway.analysis._eigen import SpectralFit, spectral_fit


def _check_number(value: float, name: str, *, positive: bool) -> float:
    """A finite number, > 0 (learning rates) or ≥ 0 (weight decay)."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise TypeError(message(name, "a number", repr(value))) from None
    if not (np.isfinite(v) and (v > 0 if positive else v >= 0)):
        raise ValueError(
            message(name, f"{'positive' if positive else 'non-negative'} and finite", value)
        )
    return v


def _factorize(
    X: ArrayLike,
    y: ArrayLike,
    sample_weight: ArrayLike | None,
    fit_intercept: bool,
    standardize: bool,
    penalty_factor: ArrayLike | None,
    alpha_min: float,
) -> SpectralFit:
    return spectral_fit(
        X,
        y,
        sample_weight=sample_weight,
        fit_intercept=fit_intercept,
        standardize=standardize,
        penalty_factor=penalty_factor,
        alpha_min=alpha_min,
    )


def _check_steps(steps: ArrayLike) -> np.ndarray:
    arr = np.asarray(steps)
    if arr.ndim > 1 or arr.size == 0:
        raise ValueError(
            message("steps", "a number or a non-empty 1-D array", f"shape {arr.shape}")
        )
    if arr.dtype.kind not in "biuf":
        raise TypeError(message("steps", "non-negative integers", repr(steps)))
    arr = arr.reshape(-1)
    if not (np.isfinite(arr).all() and (arr >= 0).all() and (arr == np.round(arr)).all()):
        raise ValueError(message("steps", "non-negative integers", arr))
    return arr.astype(np.int64)


def _gd_factors(x: np.ndarray, steps: np.ndarray) -> FloatArray:
    """φ = 1 − (1 − x)^k for x (k_,) and steps (m,), shape (m, k_).

    For 0 < 1 − x it is −expm1(k log1p(−x)): accurate when ηd is tiny and k large.
    """
    kk = steps.astype(np.float64)[:, None]
    xx = np.asarray(x, dtype=np.float64)[None, :]
    pos = xx < 1.0
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        smooth = -np.expm1(kk * np.log1p(-np.where(pos, xx, 0.0)))
        return np.asarray(np.where(pos, smooth, 1.0 - np.power(1.0 - xx, kk)))
