"""The constraint view: ridge is least squares inside a ball of the penalized norm.

For every radius r ≥ 0 the norm-constrained problem

    minimize over b, W:   Σ_i s_i (y_i − b − x_iᵀw)²   subject to   ‖Π^½ w‖ ≤ r

(per target; the intercept and the unpenalized features, π_j = 0, are free) is solved by the
ridge fit whose α is the Lagrange multiplier of the squared constraint ‖Π^½ w‖² ≤ r²: the
stationarity condition of RSS + α(‖Π^½ w‖² − r²) is the ridge normal equation, α ≥ 0, and
α(‖Π^½ w‖ − r) = 0 (complementary slackness). The equivalence holds for the *penalized* norm
‖Π^½ w‖ = (Σ_j π_j w_j²)^½: the plain Euclidean norm ‖w‖ for default settings, the norm of the
standardized coefficients (w_j times the column's weighted sd) with ``standardize=True``.

On the spectrum the norm is N(α) = (Σ_i z_i² / (d_i + α)²)^½, strictly decreasing from the
norm of the least-squares fit N(0) to 0, so each radius below N(0) has exactly one α, found by
bisection in log α inside the bracket d_min·g ≤ α ≤ d_max·g with g = N(0)/r − 1 (from
d_min/(d_min + α) ≤ N(α)/N(0) ≤ d_max/(d_max + α)). A radius ≥ N(0) leaves the constraint
inactive: α = 0. N(0) is the norm of the minimum-norm least-squares fit when p > n or X is
rank deficient; every least-squares fit inside the ball is then optimal, and the one returned
is the minimum-norm one (the limit α → 0⁺). Radius 0 gives α = ∞ (penalized coefficients 0).

The fractional parametrization (Rokem & Kay's fracridge) asks for a fraction φ of N(0)
instead of a radius: r = φ · N(0), for many fractions and targets at once.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ridgeway._search import monotone_root
from ridgeway._typing import AnyFloatArray, ArrayLike, FloatArray
from ridgeway._validation import message
from ridgeway.core.spectrum import Spectrum
from ridgeway.linear_model.ridge import FitInput, Ridge, validated_fit_input
from ridgeway.linear_model.ridge_cv import fit_spectrum

__all__ = [
    "ConstrainedRidge",
    "FractionalRidge",
    "alpha_for_norm",
    "fractional_ridge",
    "norm_constrained_ridge",
]


@dataclass(frozen=True, eq=False)
class FractionalRidge:
    """Ridge fits whose penalized norm is a chosen fraction of the least-squares norm.

    Attributes
    ----------
    fractions : ndarray of shape (f,)
        The requested fractions φ (in the caller's order).
    alphas : ndarray of shape (f, t)
        The α of each fraction and target (0 for φ ≥ 1, ∞ for φ = 0).
    coef : ndarray of shape (f, p, t)
        Coefficients in original units.
    intercept : ndarray of shape (f, t)
    norm : ndarray of shape (f, t)
        The penalized norm ‖Π^½ w‖ of each fit (= φ · ``ols_norm`` for φ ≤ 1).
    ols_norm : ndarray of shape (t,)
        ‖Π^½ w‖ of the (minimum-norm) least-squares fit.
    """

    fractions: FloatArray
    alphas: FloatArray
    coef: AnyFloatArray
    intercept: AnyFloatArray
    norm: FloatArray
    ols_norm: FloatArray


@dataclass(frozen=True, eq=False)
class ConstrainedRidge:
    """Solutions of min RSS subject to ‖Π^½ w‖ ≤ r, with their Lagrange multipliers.

    Attributes
    ----------
    radius : ndarray of shape (r, t)
        The radii, broadcast over targets.
    alpha : ndarray of shape (r, t)
        The multiplier of the constraint ‖Π^½ w‖² ≤ r² (the ridge α; 0 where the constraint is
        inactive). The multiplier of the unsquared form ‖Π^½ w‖ ≤ r is 2·α·r.
    coef : ndarray of shape (r, p, t)
        Coefficients in original units.
    intercept : ndarray of shape (r, t)
    norm : ndarray of shape (r, t)
        ‖Π^½ w‖ at the solution: equal to the radius where the constraint is active, at most
        the radius everywhere (feasibility).
    rss : ndarray of shape (r, t)
        Weighted residual sum of squares, the minimized objective.
    active : ndarray of bool, shape (r, t)
        Whether the constraint binds (radius below the least-squares norm).
    """

    radius: FloatArray
    alpha: FloatArray
    coef: AnyFloatArray
    intercept: AnyFloatArray
    norm: FloatArray
    rss: FloatArray
    active: np.ndarray


def _factorize(
    X: ArrayLike,
    y: ArrayLike,
    sample_weight: ArrayLike | None,
    fit_intercept: bool,
    standardize: bool,
    penalty_factor: ArrayLike | None,
) -> tuple[FitInput, Spectrum]:
    """Validate the specification and factorize it for every α ≥ 0."""
    est = Ridge(fit_intercept=fit_intercept, standardize=standardize, penalty_factor=penalty_factor)
    data = validated_fit_input(est, X, y, sample_weight)
    return data, fit_spectrum(data, 0.0)


def _check_levels(values: ArrayLike, name: str, n_targets: int) -> FloatArray:
    """Radii or fractions: scalar, (r,) shared by all targets, or (r, t); → (r, t)."""
    try:
        arr = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(message(name, "a number or an array of numbers", repr(values))) from None
    if arr.ndim == 0:
        arr = arr.reshape(1, 1)
    elif arr.ndim == 1:
        arr = arr[:, None]
    elif arr.ndim != 2 or arr.shape[1] not in (1, n_targets):
        raise ValueError(
            message(
                name,
                f"a number, a 1-D array, or a 2-D array of shape (r, {n_targets}) (one column "
                "per target)",
                f"shape {arr.shape}",
            )
        )
    if arr.size == 0:
        raise ValueError(message(name, "non-empty", f"shape {arr.shape}"))
    if not np.isfinite(arr).all() or (arr < 0).any():
        bad = arr[~np.isfinite(arr) | (arr < 0)]
        raise ValueError(message(name, "finite and non-negative", f"{bad[0]:g}"))
    return np.asarray(np.broadcast_to(arr, (arr.shape[0], n_targets)), dtype=np.float64)


def _norm2(sp: Spectrum, alpha: np.ndarray) -> FloatArray:
    """Squared penalized norm Σ_i z_i²/(d_i + α)² for α of shape (r, t) (one per element)."""
    z2 = sp.z**2  # (k, t)
    return np.asarray(np.einsum("krt,kt->rt", 1.0 / (sp.d[:, None, None] + alpha[None]) ** 2, z2))


def _alphas_for_radius(sp: Spectrum, radius: FloatArray) -> tuple[FloatArray, FloatArray]:
    """α with N(α) = radius for radius of shape (r, t); also N(0) of shape (t,)."""
    d = sp.d
    ols = np.sqrt(_norm2(sp, np.zeros((1, sp.n_targets))))[0]  # (t,)
    inactive = radius >= ols[None, :]
    zero = (radius == 0.0) & ~inactive
    solve = ~(inactive | zero)
    alpha = np.where(inactive, 0.0, np.inf)
    if solve.any():
        r = radius[solve]
        t_idx = np.nonzero(solve)[1]
        log_g = np.log(ols[t_idx] - r) - np.log(r)  # g = N(0)/r − 1 > 0, in logs (r may be tiny)
        lo = np.log(d[-1]) + log_g - 1.0
        hi = np.log(d[0]) + log_g + 1.0
        abs_z = np.abs(sp.z[:, t_idx])  # (k, m)

        def log_norm_at(x: FloatArray) -> FloatArray:
            # log N(e^x), scaled by the largest term so that nothing under- or overflows
            with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
                terms = abs_z / (d[:, None] + np.exp(x)[None, :])
                top = terms.max(axis=0)
                rel = np.where(top > 0, terms / np.where(top > 0, top, 1.0), 0.0)
                return np.asarray(np.log(top) + 0.5 * np.log((rel**2).sum(axis=0)))

        x = monotone_root(log_norm_at, np.log(r), lo, hi, decreasing=True, max_iter=200, xtol=1e-14)
        with np.errstate(over="ignore"):  # a radius near the smallest float: α beyond range
            alpha[solve] = np.exp(x)
    return np.asarray(alpha, dtype=np.float64), np.asarray(ols, dtype=np.float64)


def _fits(
    sp: Spectrum, alpha: FloatArray, dtype: np.dtype
) -> tuple[AnyFloatArray, AnyFloatArray, FloatArray]:
    """Coefficients (r, p, t), intercepts (r, t) and penalized norms (r, t) at α (r, t)."""
    c = sp.z[:, None, :] / (sp.d[:, None, None] + alpha[None])  # (k, r, t); 0 at α = ∞
    coef = sp.coef_path(alpha)
    intercept = sp.intercept(coef)
    norm = np.sqrt(np.einsum("krt,krt->rt", c, c))
    return coef.astype(dtype, copy=False), intercept.astype(dtype, copy=False), norm


def _shape_out(alpha: FloatArray, level_ndim: int, single: bool) -> FloatArray:
    """Drop the radius axis for a scalar radius and the target axis for 1-D y."""
    out = alpha
    if single:
        out = out[:, 0]
    if level_ndim == 0:
        out = out[0]
    return np.asarray(out)


def alpha_for_norm(
    X: ArrayLike,
    y: ArrayLike,
    radius: ArrayLike,
    *,
    sample_weight: ArrayLike | None = None,
    fit_intercept: bool = True,
    standardize: bool = False,
    penalty_factor: ArrayLike | None = None,
) -> FloatArray:
    """The α whose ridge fit has penalized norm ‖Π^½ ŵ(α)‖ = radius.

    Solves N(α) = (Σ_i z_i²/(d_i + α)²)^½ = r for the ridge objective
    Σ_i s_i (y_i − b − x_iᵀw)² + α Σ_j π_j w_j²; N decreases strictly, so a bisection in log α
    on the spectrum finds the unique root. A radius at or above the least-squares norm N(0)
    (the minimum-norm one when p > n or X is rank deficient) gives α = 0 (the constraint
    ‖Π^½ w‖ ≤ r is inactive); radius 0 gives α = ∞.

    Parameters
    ----------
    X : array-like of shape (n, p)
    y : array-like of shape (n,) or (n, t)
    radius : float or array-like of shape (r,) or (r, t)
        Radii r ≥ 0 of the penalized norm: shared by all targets, or one column per target.
    sample_weight : array-like of shape (n,), optional
    fit_intercept, standardize, penalty_factor
        As for :class:`ridgeway.Ridge`; the norm is ‖Π^½ w‖ with Π the penalty of that fit
        (``standardize=True``: the norm of the standardized coefficients).

    Returns
    -------
    ndarray of shape (r, t)
        The radius axis is dropped for a scalar ``radius`` and the target axis for 1-D ``y``
        (so a scalar radius and 1-D ``y`` give a 0-d array).

    Examples
    --------
    >>> import numpy as np
    >>> from ridgeway import Ridge
    >>> from ridgeway.analysis.constraint import alpha_for_norm
    >>> X = np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 2.0], [3.0, 1.0]])
    >>> y = np.array([1.0, 2.0, 4.0, 5.0])
    >>> alpha = alpha_for_norm(X, y, 1.0)
    >>> round(float(alpha), 4)
    1.98
    >>> round(float(np.linalg.norm(Ridge(alpha=float(alpha)).fit(X, y).coef_)), 6)
    1.0
    >>> alpha_for_norm(X, y, [0.5, 1.0, 100.0]).round(4)  # 100 exceeds the OLS norm: α = 0
    array([9.2588, 1.98  , 0.    ])
    """
    data, sp = _factorize(X, y, sample_weight, fit_intercept, standardize, penalty_factor)
    level_ndim = np.ndim(radius)
    r = _check_levels(radius, "radius", sp.n_targets)
    alpha, _ = _alphas_for_radius(sp, r)
    return _shape_out(alpha, level_ndim, data.single)


def fractional_ridge(
    X: ArrayLike,
    y: ArrayLike,
    fractions: ArrayLike,
    *,
    sample_weight: ArrayLike | None = None,
    fit_intercept: bool = True,
    standardize: bool = False,
    penalty_factor: ArrayLike | None = None,
) -> FractionalRidge:
    """Ridge fits whose penalized norm is a fraction φ of the least-squares norm (fracridge).

    For each fraction φ and target, the α of the ridge objective
    Σ_i s_i (y_i − b − x_iᵀw)² + α Σ_j π_j w_j² with ‖Π^½ ŵ(α)‖ = φ · ‖Π^½ ŵ(0)‖, where ŵ(0)
    is the (minimum-norm) least-squares fit: φ runs from 0 (α = ∞, penalized coefficients 0)
    to 1 (α = 0), evenly in the norm rather than in α. Fractions ≥ 1 give α = 0.

    Parameters
    ----------
    X : array-like of shape (n, p)
    y : array-like of shape (n,) or (n, t)
    fractions : float or array-like of shape (f,)
        Fractions φ ≥ 0, in any order.
    sample_weight : array-like of shape (n,), optional
    fit_intercept, standardize, penalty_factor
        As for :class:`ridgeway.Ridge`.

    Returns
    -------
    FractionalRidge
        ``alphas`` (f, t), ``coef`` (f, p, t), ``intercept`` (f, t), ``norm`` (f, t),
        ``ols_norm`` (t,); a scalar fraction gives f = 1 and 1-D ``y`` gives t = 1.

    Examples
    --------
    >>> import numpy as np
    >>> from ridgeway.analysis.constraint import fractional_ridge
    >>> X = np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 2.0], [3.0, 1.0]])
    >>> y = np.array([1.0, 2.0, 4.0, 5.0])
    >>> fit = fractional_ridge(X, y, [0.25, 0.5, 1.0])
    >>> fit.alphas[:, 0].round(4)
    array([15.8866,  5.293 ,  0.    ])
    >>> (fit.norm[:, 0] / fit.ols_norm[0]).round(6)
    array([0.25, 0.5 , 1.  ])
    >>> fit.coef.shape
    (3, 2, 1)
    """
    data, sp = _factorize(X, y, sample_weight, fit_intercept, standardize, penalty_factor)
    if np.ndim(fractions) > 1:
        raise ValueError(
            message("fractions", "a number or a 1-D array", f"shape {np.shape(fractions)}")
        )
    frac = _check_levels(fractions, "fractions", 1)[:, 0]
    ols = np.sqrt(_norm2(sp, np.zeros((1, sp.n_targets))))[0]
    radius = frac[:, None] * ols[None, :]
    # φ ≥ 1 is inactive even where φ·N(0) rounds below N(0)
    radius = np.where(frac[:, None] >= 1.0, np.inf, radius)
    alpha, ols = _alphas_for_radius(sp, radius)
    coef, intercept, norm = _fits(sp, alpha, data.X.dtype)
    return FractionalRidge(frac, alpha, coef, intercept, norm, ols)


def norm_constrained_ridge(
    X: ArrayLike,
    y: ArrayLike,
    radius: ArrayLike,
    *,
    sample_weight: ArrayLike | None = None,
    fit_intercept: bool = True,
    standardize: bool = False,
    penalty_factor: ArrayLike | None = None,
) -> ConstrainedRidge:
    """Least squares in the ball ‖Π^½ w‖ ≤ r, solved through its Lagrange multiplier.

    Solves, per radius and target,

        minimize over b, w:   Σ_i s_i (y_i − b − x_iᵀw)²   subject to   ‖Π^½ w‖ ≤ r,

    by the KKT conditions: the multiplier α ≥ 0 of ‖Π^½ w‖² ≤ r² makes the stationarity
    condition the ridge normal equation, and complementary slackness α(‖Π^½ w‖ − r) = 0 leaves
    two cases: α = 0 with the (minimum-norm) least-squares fit when it lies inside the ball,
    otherwise the α of :func:`alpha_for_norm` with the fit on the sphere ‖Π^½ w‖ = r. The
    intercept and unpenalized features are unconstrained.

    Parameters
    ----------
    X : array-like of shape (n, p)
    y : array-like of shape (n,) or (n, t)
    radius : float or array-like of shape (r,) or (r, t)
        Radii r ≥ 0: shared by all targets, or one column per target.
    sample_weight : array-like of shape (n,), optional
    fit_intercept, standardize, penalty_factor
        As for :class:`ridgeway.Ridge`.

    Returns
    -------
    ConstrainedRidge
        ``alpha``, ``intercept``, ``norm``, ``rss``, ``active`` of shape (r, t) and ``coef`` of
        shape (r, p, t); a scalar radius gives r = 1 and 1-D ``y`` gives t = 1.

    Examples
    --------
    >>> import numpy as np
    >>> from ridgeway.analysis.constraint import norm_constrained_ridge
    >>> X = np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 2.0], [3.0, 1.0]])
    >>> y = np.array([1.0, 2.0, 4.0, 5.0])
    >>> fit = norm_constrained_ridge(X, y, [1.0, 100.0])
    >>> fit.alpha[:, 0].round(4), fit.active[:, 0]
    (array([1.98, 0.  ]), array([ True, False]))
    >>> bool((fit.norm <= fit.radius + 1e-12).all())
    True
    """
    data, sp = _factorize(X, y, sample_weight, fit_intercept, standardize, penalty_factor)
    r = _check_levels(radius, "radius", sp.n_targets)
    alpha, ols = _alphas_for_radius(sp, r)
    coef, intercept, norm = _fits(sp, alpha, data.X.dtype)
    with np.errstate(divide="ignore", invalid="ignore"):
        keep = 1.0 / (1.0 + sp.d[:, None, None] / alpha[None])  # α/(d + α): 0 at α = 0, 1 at ∞
    rss = sp.rss_floor[None, :] + np.einsum("krt,kt->rt", keep**2, sp.z**2 / sp.d[:, None])
    active = r < ols[None, :]
    return ConstrainedRidge(r, alpha, coef, intercept, norm, np.asarray(rss), active)
