"""Synthetic regression problems with a known truth."""

from __future__ import annotations

import numbers
import operator
from typing import Any, NamedTuple

import numpy as np

from ridgeway._typing import FloatArray
from ridgeway._validation import message

__all__ = ["CollinearData", "make_collinear"]


class CollinearData(NamedTuple):
    """Output of :func:`make_collinear`: the design, the targets and the true coefficients.

    A named tuple, so ``X, y, coef = make_collinear(...)`` works as well as ``data.X``.
    """

    X: FloatArray
    """Predictors, shape (n_samples, n_features)."""
    y: FloatArray
    """Targets ``X @ coef + noise * e``, shape (n_samples,) or (n_samples, n_targets)."""
    coef: FloatArray
    """True coefficients, shape (n_features,) or (n_features, n_targets)."""


def _count(value: Any, name: str) -> int:
    """Return ``value`` as an int >= 1, rejecting floats and booleans."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(message(name, "an integer >= 1", repr(value)))
    n = operator.index(value)
    if n < 1:
        raise ValueError(message(name, "an integer >= 1", n))
    return n


def _real(value: Any, name: str) -> float:
    """Return ``value`` as a float, rejecting non-numbers and booleans."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(message(name, "a real number", repr(value)))
    return float(value)


def make_collinear(
    n_samples: int = 100,
    n_features: int = 10,
    *,
    correlation: float = 0.9,
    noise: float = 1.0,
    n_targets: int = 1,
    coef: Any = None,
    random_state: int | np.random.Generator | None = None,
) -> CollinearData:
    """Generate a linear regression problem whose features are equicorrelated Gaussians.

    Each row of ``X`` is drawn from N(0, Σ) with Σ_jj = 1 and Σ_jk = ``correlation`` (j ≠ k),
    and ``y = X @ coef + noise * e`` with e standard normal. The rows are built as
    ``a z + b (1ᵀz) 1`` from a standard normal z, so no p×p matrix is formed.

    Parameters
    ----------
    n_samples : int, default 100
        Number of rows n, at least 1.
    n_features : int, default 10
        Number of features p, at least 1.
    correlation : float, default 0.9
        Correlation ρ between any two features; Σ is positive definite exactly when
        -1/(p-1) < ρ < 1 (-1 < ρ < 1 for p = 1).
    noise : float, default 1.0
        Standard deviation of the Gaussian noise added to ``y``, at least 0.
    n_targets : int, default 1
        Number of targets t. With 1, ``y`` and ``coef`` are 1-D.
    coef : array-like of shape (n_features,) or (n_features, n_targets), optional
        True coefficients. By default they are drawn from N(0, 1) with the same generator.
    random_state : int, numpy.random.Generator or None, default None
        Seed or generator (passed to :func:`numpy.random.default_rng`); an int makes the
        output reproducible.

    Returns
    -------
    CollinearData
        A named tuple ``(X, y, coef)``: ``X`` of shape (n_samples, n_features); ``y`` of shape
        (n_samples,) when ``n_targets`` is 1 and (n_samples, n_targets) otherwise; ``coef`` of
        shape (n_features,) or (n_features, n_targets). All float64.

    Examples
    --------
    >>> import numpy as np
    >>> from ridgeway.datasets import make_collinear
    >>> X, y, coef = make_collinear(2000, 3, correlation=0.8, noise=0.0, random_state=0)
    >>> X.shape, y.shape, coef.shape
    ((2000, 3), (2000,), (3,))
    >>> bool(np.allclose(y, X @ coef))
    True
    >>> round(float(np.corrcoef(X, rowvar=False)[0, 1]), 1)
    0.8
    """
    n = _count(n_samples, "n_samples")
    p = _count(n_features, "n_features")
    t = _count(n_targets, "n_targets")
    rho = _real(correlation, "correlation")
    lower = -1.0 / (p - 1) if p > 1 else -1.0
    if not lower < rho < 1.0:
        rule = f"in the open interval ({lower:g}, 1) for n_features={p}"
        raise ValueError(message("correlation", rule, rho))
    sigma = _real(noise, "noise")
    if not (np.isfinite(sigma) and sigma >= 0):
        raise ValueError(message("noise", "finite and >= 0", sigma))
    rng = np.random.default_rng(random_state)

    coef_shape = (p,) if t == 1 else (p, t)
    if coef is None:
        beta = rng.standard_normal(coef_shape)
    else:
        try:
            beta = np.array(coef, dtype=np.float64)
        except (TypeError, ValueError):
            raise TypeError(message("coef", "an array of numbers", repr(coef))) from None
        if beta.shape != coef_shape:
            raise ValueError(
                message("coef", f"of shape {coef_shape} (n_features, n_targets)", beta.shape)
            )
        if not np.isfinite(beta).all():
            raise ValueError(message("coef", "finite", "NaN or inf values"))

    # x = a z + b (1ᵀz) 1 has covariance a² I + (2ab + p b²) 11ᵀ = (1 - ρ) I + ρ 11ᵀ.
    a = np.sqrt(1.0 - rho)
    b = (np.sqrt(1.0 + (p - 1) * rho) - a) / p
    Z = rng.standard_normal((n, p))
    X = a * Z + b * Z.sum(axis=1, keepdims=True)
    y = X @ beta
    if sigma > 0:
        y = y + sigma * rng.standard_normal(y.shape)
    return CollinearData(X=X, y=y, coef=beta)
