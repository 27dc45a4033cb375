"""The scale view: the ridge penalty depends on the units of the features.

For the objective Σ_i s_i (y_i − b − x_iᵀw)² + α Σ_j π_j w_j², multiplying feature j by c_j
divides its coefficient by c_j (w_j' = w_j/c_j gives the same predictions), so the penalty on
it becomes α π_j w_j² = α π_j c_j² w_j'²: the same fit on the rescaled features needs the
per-feature penalty α π_j c_j².

- One factor c for every feature: α → α c² (:func:`rescale_alpha`).
- One factor per feature: keep α and change the factors π_j → π_j c_j²
  (:func:`rescale_penalty_factor`); no single α can do it.
- ``standardize=True`` penalizes the coefficients of the columns divided by their weighted sd,
  which the rescaling leaves unchanged: α and π stay as they are.

Without standardization, features on very different scales are penalized very unequally;
:func:`check_feature_scales` measures the spread of the column sds and warns.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from ridgeway._typing import ArrayLike, FloatArray
from ridgeway._validation import as_matrix, as_weights, check_finite, message
from ridgeway.core.moments import column_means, column_sum_squares

__all__ = [
    "FeatureScaleWarning",
    "FeatureScales",
    "check_feature_scales",
    "rescale_alpha",
    "rescale_penalty_factor",
]


class FeatureScaleWarning(UserWarning):
    """The features' standard deviations differ so much that the penalty falls unevenly."""


@dataclass(frozen=True, eq=False)
class FeatureScales:
    """Spread of the column standard deviations of X.

    Attributes
    ----------
    sd : ndarray of shape (p,)
        Weighted standard deviation of each column (divisor Σs, as ``standardize`` uses).
    constant : ndarray of bool, shape (p,)
        Columns with one value on all rows of positive weight (ignored in the ratio).
    ratio : float
        Largest over smallest sd of the non-constant columns (1.0 with fewer than two).
    largest, smallest : int or None
        Column indices of the largest and smallest non-constant sd.
    """

    sd: FloatArray
    constant: np.ndarray
    ratio: float
    largest: int | None
    smallest: int | None


def _check_scale(scale: ArrayLike) -> FloatArray:
    try:
        c = np.asarray(scale, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(message("scale", "a number or an array of numbers", repr(scale))) from None
    if c.ndim > 1:
        raise ValueError(message("scale", "a number or a 1-D array", f"shape {c.shape}"))
    if not np.isfinite(c).all() or (c == 0).any():
        bad = c[~np.isfinite(c) | (c == 0)].reshape(-1)
        raise ValueError(message("scale", "finite and nonzero", f"{bad[0]:g}"))
    return c


def rescale_alpha(
    alpha: float | ArrayLike, scale: float, *, standardize: bool = False
) -> float | FloatArray:
    """The α that gives the same fit after every feature is multiplied by ``scale``.

    For Σ_i s_i (y_i − b − x_iᵀw)² + α Σ_j π_j w_j², features c·X with α c² give the
    coefficients w/c, the same intercept and the same predictions (c may be negative). With
    ``standardize=True`` the penalty is on standardized coefficients, which do not change: α is
    returned as is.

    For one factor per feature use :func:`rescale_penalty_factor` (the per-feature penalty
    α π_j c_j² is a change of ``penalty_factor``, not of α).

    Parameters
    ----------
    alpha : float or array-like of shape (a,) or (t,)
        Penalty strengths α ≥ 0 for the original features.
    scale : float
        The factor c ≠ 0 multiplying every feature.
    standardize : bool, default False
        Whether the fit standardizes the features.

    Returns
    -------
    float or ndarray of the shape of ``alpha``
        α c² (α with ``standardize=True``).

    Examples
    --------
    >>> import numpy as np
    >>> from ridgeway import Ridge
    >>> from ridgeway.analysis.scaling import rescale_alpha
    >>> X = np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 2.0], [3.0, 1.0]])
    >>> y = np.array([1.0, 2.0, 4.0, 5.0])
    >>> rescale_alpha(0.1, 1000.0)  # features in metres instead of kilometres
    100000.0
    >>> a = Ridge(alpha=0.1).fit(X, y).predict(X)
    >>> b = Ridge(alpha=rescale_alpha(0.1, 1000.0)).fit(1000.0 * X, y).predict(1000.0 * X)
    >>> bool(np.allclose(a, b))
    True
    """
    c = _check_scale(scale)
    if c.size != 1:
        raise ValueError(
            message(
                "scale",
                "one number for all features (for one factor per feature, keep alpha and pass "
                "penalty_factor=rescale_penalty_factor(scale, penalty_factor))",
                f"shape {c.shape}",
            )
        )
    try:
        al = np.asarray(alpha, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(message("alpha", "a number or an array of numbers", repr(alpha))) from None
    if not np.isfinite(al).all() or (al < 0).any():
        bad = al[~np.isfinite(al) | (al < 0)].reshape(-1)
        raise ValueError(message("alpha", "finite and non-negative", f"{bad[0]:g}"))
    out = al if standardize else al * float(c.reshape(-1)[0]) ** 2
    return float(out) if out.ndim == 0 else np.asarray(out)


def rescale_penalty_factor(
    scale: ArrayLike, penalty_factor: ArrayLike | None = None, *, standardize: bool = False
) -> FloatArray:
    """The penalty factors that give the same fit after feature j is multiplied by c_j.

    For Σ_i s_i (y_i − b − x_iᵀw)² + α Σ_j π_j w_j², features X diag(c) with the same α and
    factors π_j c_j² give the coefficients w_j/c_j, the same intercept and the same predictions.
    With ``standardize=True`` the standardized coefficients do not change: π is returned as is.

    Parameters
    ----------
    scale : array-like of shape (p,), or float with ``penalty_factor`` given
        The factors c_j ≠ 0.
    penalty_factor : array-like of shape (p,), optional
        The factors π_j ≥ 0 of the original fit (default 1 for every feature).
    standardize : bool, default False
        Whether the fit standardizes the features.

    Returns
    -------
    ndarray of shape (p,)
        π_j c_j² (π_j with ``standardize=True``): pass it as ``penalty_factor`` with the same α.

    Examples
    --------
    >>> import numpy as np
    >>> from ridgeway import Ridge
    >>> from ridgeway.analysis.scaling import rescale_penalty_factor
    >>> X = np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 2.0], [3.0, 1.0]])
    >>> y = np.array([1.0, 2.0, 4.0, 5.0])
    >>> c = np.array([100.0, 0.5])
    >>> rescale_penalty_factor(c).tolist()
    [10000.0, 0.25]
    >>> a = Ridge(alpha=0.1).fit(X, y).predict(X)
    >>> b = Ridge(alpha=0.1, penalty_factor=rescale_penalty_factor(c)).fit(X * c, y).predict(X * c)
    >>> bool(np.allclose(a, b))
    True
    """
    c = _check_scale(scale)
    if penalty_factor is None:
        if c.ndim != 1:
            raise ValueError(
                message(
                    "scale",
                    "a 1-D array with one factor per feature when penalty_factor is not given "
                    "(for one factor for all features use rescale_alpha)",
                    f"shape {c.shape}",
                )
            )
        pf = np.ones(c.size)
    else:
        try:
            pf = np.asarray(penalty_factor, dtype=np.float64)
        except (TypeError, ValueError):
            raise TypeError(
                message("penalty_factor", "an array of numbers", repr(penalty_factor))
            ) from None
        if pf.ndim != 1:
            raise ValueError(message("penalty_factor", "a 1-D array", f"shape {pf.shape}"))
        if not np.isfinite(pf).all() or (pf < 0).any():
            raise ValueError(message("penalty_factor", "finite and non-negative", pf))
        if c.ndim == 1 and c.size != pf.size:
            raise ValueError(
                message("scale", f"of the length of penalty_factor ({pf.size})", c.size)
            )
    out = pf if standardize else pf * c**2
    return np.asarray(np.broadcast_to(out, pf.shape), dtype=np.float64).copy()


def check_feature_scales(
    X: ArrayLike,
    *,
    standardize: bool = False,
    sample_weight: ArrayLike | None = None,
    ratio: float = 100.0,
) -> FeatureScales:
    """Measure the spread of the column sds of X; warn when it makes the penalty uneven.

    The penalty α Σ_j π_j w_j² treats every coefficient alike, but a column with sd s_j has a
    coefficient on the scale 1/s_j: in terms of its standardized coefficient the column is
    penalized by α π_j / s_j². With orthogonal columns the ridge filter of column j is
    d_j/(d_j + α), d_j = Σs · s_j², so at the α that shrinks the widest column by 1 % a column R
    times narrower keeps 1/(1 + R²/99) of its least-squares value: about 1 % at R = 100, the
    default threshold (shrinkage then depends on units more than on the data). Ratios of 10 to
    100 are common between meaningful features and are left alone.

    Emits a :class:`FeatureScaleWarning` with the cause and the fix when the ratio of the
    largest to the smallest non-constant column sd exceeds ``ratio`` and ``standardize`` is
    False. Constant columns (one value on every row of positive weight) are ignored.

    Parameters
    ----------
    X : array-like of shape (n, p)
    standardize : bool, default False
        Whether the fit standardizes the features (then nothing is uneven: no warning).
    sample_weight : array-like of shape (n,), optional
        Weights s_i of the weighted sds (divisor Σs, as ``standardize`` uses).
    ratio : float, default 100.0
        Threshold (> 1) of largest over smallest non-constant sd.

    Returns
    -------
    FeatureScales
        ``sd`` (p,), ``constant`` (p,), ``ratio``, ``largest``, ``smallest``.

    Examples
    --------
    >>> import warnings
    >>> import numpy as np
    >>> from ridgeway.analysis.scaling import FeatureScaleWarning, check_feature_scales
    >>> X = np.array([[1.0, 1000.0, 7.0], [2.0, 3000.0, 7.0],
    ...               [3.0, 2000.0, 7.0], [4.0, 5000.0, 7.0]])
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     scales = check_feature_scales(X)  # column 2 is constant: ignored
    >>> round(scales.ratio, 1), scales.largest, scales.smallest, scales.constant.tolist()
    (1322.9, 1, 0, [False, False, True])
    >>> caught[0].category is FeatureScaleWarning
    True
    >>> check_feature_scales(X, standardize=True).ratio == scales.ratio  # no warning
    True
    """
    Xa = as_matrix(X)
    check_finite(Xa, "X")
    n, p = Xa.shape
    w = as_weights(sample_weight, n)
    try:
        thr = float(ratio)
    except (TypeError, ValueError):
        raise TypeError(message("ratio", "a number", repr(ratio))) from None
    if not (np.isfinite(thr) and thr > 1.0):
        raise ValueError(message("ratio", "a finite number greater than 1", ratio))
    sw = float(n if w is None else w.sum())
    xm, _ = column_means(Xa, np.zeros((n, 1)), w)
    sd = np.sqrt(column_sum_squares(Xa, xm, w) / sw)
    rows = Xa if w is None else Xa[w > 0]
    constant = (np.ptp(rows, axis=0) == 0) | (sd == 0)
    live = np.flatnonzero(~constant)
    if live.size < 2:
        largest = int(live[0]) if live.size else None
        return FeatureScales(sd, constant, 1.0, largest, largest)
    largest = int(live[np.argmax(sd[live])])
    smallest = int(live[np.argmin(sd[live])])
    spread = float(sd[largest] / sd[smallest])
    if spread > thr and not standardize:
        names = getattr(X, "columns", None)
        big = repr(str(names[largest])) if names is not None else str(largest)
        small = repr(str(names[smallest])) if names is not None else str(smallest)
        warnings.warn(
            f"X's columns are on very different scales: their standard deviations run from "
            f"{sd[smallest]:.3g} (column {small}) to {sd[largest]:.3g} (column {big}), a ratio "
            f"of {spread:.3g} (threshold {thr:g}). The ridge penalty treats every coefficient "
            f"alike, so it shrinks small-scale columns far more than large-scale ones (a column "
            f"with sd s is penalized like α/s² on its standardized coefficient). Fix: pass "
            f"standardize=True (coefficients stay in original units), or rescale the columns; "
            f"if the scales are meaningful, raise ratio or ignore FeatureScaleWarning.",
            FeatureScaleWarning,
            stacklevel=2,
        )
    return FeatureScales(sd, constant, spread, largest, smallest)
