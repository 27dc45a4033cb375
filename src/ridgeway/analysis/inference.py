"""The statistician's view: standard errors, intervals, variance inflation and conditioning of ridge.

**Standard errors.** For fixed X, the ridge estimator ŵ = (XᵀSX + αΠ)⁻¹XᵀSy (X centred) is
linear in y, so with Var ε_i = σ²/s_i its sampling covariance is the sandwich

    Var(ŵ) = σ² (G + αΠ)⁻¹ G (G + αΠ)⁻¹,      G = XᵀSX,

computed from the spectrum as σ² Tᵀ V diag(d_i/(d_i + α)²) Vᵀ T (T profiles out unpenalized
columns and scales by Π^−½). σ² is estimated by RSS(α)/ν with the residual degrees of freedom
ν = N − [intercept] − u − tr(2H − H²) (Hastie & Tibshirani), and intervals use Student's t(ν).
At α = 0 this is ordinary least squares: the standard errors and t-intervals of statsmodels' OLS.
The intervals are centred at the ridge estimate, which is biased toward zero: they cover the
ridge estimand E ŵ = (G + αΠ)⁻¹Gw, and cover w itself only when the bias is small against the
standard error (small α, or coefficients near zero).

**Variance inflation.** Marquardt's (1970) ridge VIF, on the correlation scale:
VIF_j(k) = [(R + kI)⁻¹ R (R + kI)⁻¹]_jj, R the correlation matrix of X, k = α/N for ridgeway's
α with ``standardize=True`` (the same α as MASS::lm.ridge's λ; k is SAS's ridge k). At α = 0 it
is the classical VIF_j = 1/(1 − R_j²).

**Conditioning.** The condition number of the penalty-scaled centred Gram, (d_max + α)/(d_min + α)
(d_min = 0 when X is rank deficient): regularization bounds it by (d_max + α)/α.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from ridgeway._typing import ArrayLike, FloatArray
from ridgeway._validation import as_matrix, check_alphas, message
from ridgeway.analysis._eigen import spectral_fit
from ridgeway.analysis._noise import noise_variance
from ridgeway.core.moments import column_sum_squares

__all__ = ["Inference", "coef_inference", "condition_numbers", "vif"]


@dataclass(frozen=True, eq=False)
class Inference:
    """Ridge coefficients with sandwich standard errors, for every α of a grid.

    Attributes
    ----------
    alphas : ndarray of shape (a,)
    coef : ndarray of shape (a, p, t)
    intercept : ndarray of shape (a, t)
    std_err : ndarray of shape (a, p, t)
        √ diag of σ̂² (G + αΠ)⁻¹ G (G + αΠ)⁻¹.
    intercept_std_err : ndarray of shape (a, t)
    sigma2 : ndarray of shape (a, t)
    dof : ndarray of shape (a, t)
        Degrees of freedom of the t distribution (ν, or inf for a given σ²).
    df : ndarray of shape (a,)
        Effective degrees of freedom tr H(α) (intercept not counted).
    """

    alphas: FloatArray
    coef: FloatArray
    intercept: FloatArray
    std_err: FloatArray
    intercept_std_err: FloatArray
    sigma2: FloatArray
    dof: FloatArray
    df: FloatArray

    @property
    def statistic(self) -> FloatArray:
        """t statistics ŵ_j / se_j, shape (a, p, t) (NaN where se = 0)."""
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.asarray(self.coef / self.std_err)

    @property
    def p_value(self) -> FloatArray:
        """Two-sided p-values of ŵ_j / se_j against t(ν), shape (a, p, t).

        They test the ridge estimand, which is shrunk toward zero: conservative for w itself.
        """
        return np.asarray(2.0 * stats.t.sf(np.abs(self.statistic), self.dof[:, None, :]))

    def conf_int(self, level: float = 0.95) -> tuple[FloatArray, FloatArray]:
        """Confidence intervals ŵ ± t_ν(½ + level/2)·se: (lower, upper), each (a, p, t)."""
        lv = float(level)
        if not 0.0 < lv < 1.0:
            raise ValueError(message("level", "strictly between 0 and 1", level))
        q = np.asarray(stats.t.ppf(0.5 + 0.5 * lv, self.dof))[:, None, :]
        return self.coef - q * self.std_err, self.coef + q * self.std_err


def coef_inference(
    X: ArrayLike,
    y: ArrayLike,
    alpha: float | ArrayLike,
    *,
    sigma2: float | ArrayLike | str = "rss",
    sample_weight: ArrayLike | None = None,
    fit_intercept: bool = True,
    standardize: bool = False,
    penalty_factor: ArrayLike | None = None,
) -> Inference:
    """Standard errors of the ridge coefficients from the sandwich σ²(G + αΠ)⁻¹G(G + αΠ)⁻¹.

    See the module docstring for the estimator of σ² and what the intervals cover.

    Parameters
    ----------
    X : array-like of shape (n, p)
    y : array-like of shape (n,) or (n, t)
    alpha : float or array-like of shape (a,)
        α ≥ 0, one value or a grid.
    sigma2 : float, array-like of shape (t,), "rss" or "evidence", default "rss"
        Known noise variance, or how to estimate it.
    sample_weight : array-like of shape (n,), optional
        ε_i has variance σ²/s_i; weights count as frequencies (N = Σs).
    fit_intercept, standardize, penalty_factor
        As for :class:`ridgeway.Ridge`.

    Returns
    -------
    Inference

    Examples
    --------
    >>> import numpy as np
    >>> from ridgeway.analysis import coef_inference
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((50, 2))
    >>> y = X @ np.array([1.0, 0.0]) + 0.5 * rng.standard_normal(50)
    >>> res = coef_inference(X, y, alpha=[0.0, 10.0])
    >>> res.std_err[:, :, 0].round(3)  # shrinks with α
    array([[0.075, 0.07 ],
           [0.065, 0.062]])
    >>> lower, upper = res.conf_int(0.95)
    >>> bool(lower[0, 0, 0] < 1.0 < upper[0, 0, 0])
    True
    """
    grid = check_alphas(alpha, "alpha")
    fit = spectral_fit(
        X,
        y,
        sample_weight=sample_weight,
        fit_intercept=fit_intercept,
        standardize=standardize,
        penalty_factor=penalty_factor,
        alpha_min=float(grid.min()),
    )
    sp = fit.spectrum
    s2 = sigma2 if isinstance(sigma2, str) else np.asarray(sigma2, dtype=np.float64)
    sig2, dof = noise_variance(sp, grid, s2, fit_intercept)
    coef = sp.coef_path(grid)
    g = sp.d[None, :] / (sp.d[None, :] + grid[:, None]) ** 2
    var = fit.project_coef().quadratic(g)  # (a, p)
    if not fit.loadings.full_rank:  # at α = 0 the null-space directions are not identified
        null = fit.project_coef().null2 > 0
        var = np.where((grid[:, None] == 0) & null[None, :], np.inf, var)
    if fit_intercept:
        ivar = fit.project_rows(sp.x_mean[None, :]).quadratic(g)[:, 0] + 1.0 / sp.sum_weights
    else:
        ivar = np.zeros(grid.size)
    return Inference(
        alphas=grid,
        coef=coef,
        intercept=sp.intercept(coef),
        std_err=np.sqrt(var[:, :, None] * sig2[:, None, :]),
        intercept_std_err=np.sqrt(ivar[:, None] * sig2),
        sigma2=sig2,
        dof=dof,
        df=sp.df(grid),
    )


def vif(
    X: ArrayLike, alpha: float | ArrayLike = 0.0, *, sample_weight: ArrayLike | None = None
) -> FloatArray:
    """Variance inflation factors [(R + kI)⁻¹ R (R + kI)⁻¹]_jj, k = α/N (Marquardt's ridge VIF).

    R is the (weighted) correlation matrix of the columns of X; α is on ridgeway's scale with
    ``standardize=True`` (MASS::lm.ridge's λ). α = 0 gives the classical 1/(1 − R_j²), infinite
    for a column that is a linear combination of the others.

    Parameters
    ----------
    X : array-like of shape (n, p)
        No constant column (its correlation is undefined).
    alpha : float or array-like of shape (a,)
    sample_weight : array-like of shape (n,), optional

    Returns
    -------
    ndarray of shape (a, p)

    Examples
    --------
    >>> import numpy as np
    >>> from ridgeway.analysis import vif
    >>> rng = np.random.default_rng(0)
    >>> x1 = rng.standard_normal(100)
    >>> X = np.column_stack([x1, x1 + 0.1 * rng.standard_normal(100), rng.standard_normal(100)])
    >>> vif(X, [0.0, 10.0]).round(1)
    array([[103.9, 103.9,   1. ],
           [  0.4,   0.4,   0.8]])
    """
    grid = check_alphas(alpha, "alpha")
    Xa = as_matrix(X)
    fit = spectral_fit(
        Xa,
        np.zeros(Xa.shape[0]),
        sample_weight=sample_weight,
        standardize=True,
        alpha_min=float(grid.min()),
    )
    w = fit.data.sample_weight
    const = np.flatnonzero(column_sum_squares(Xa, fit.spectrum.x_mean, w) <= 0)
    if const.size:
        raise ValueError(
            message("X", "free of constant columns (their VIF is undefined)", f"column {const[0]}")
        )
    sp = fit.spectrum
    V = fit.vectors  # standardized coordinates: d = N · eigenvalues of R
    g = sp.d[None, :] / (sp.d[None, :] + grid[:, None]) ** 2
    out = sp.sum_weights * (g @ (V.T**2))
    if not fit.loadings.full_rank:
        null = np.maximum(1.0 - (V**2).sum(axis=1), 0.0) > 1e-10
        out = np.where((grid[:, None] == 0) & null[None, :], np.inf, out)
    return np.asarray(out)


def condition_numbers(
    X: ArrayLike,
    alpha: float | ArrayLike,
    *,
    sample_weight: ArrayLike | None = None,
    fit_intercept: bool = True,
    standardize: bool = False,
    penalty_factor: ArrayLike | None = None,
) -> FloatArray:
    """Condition number (d_max + α)/(d_min + α) of the regularized Gram, for every α.

    The Gram is XᵀSX of the centred (with an intercept), penalty-scaled penalized columns, with
    the unpenalized columns profiled out; d_min = 0 when it is singular, so α = 0 gives inf.

    Parameters
    ----------
    X : array-like of shape (n, p)
    alpha : float or array-like of shape (a,)
    sample_weight, fit_intercept, standardize, penalty_factor
        As for :class:`ridgeway.Ridge`.

    Returns
    -------
    ndarray of shape (a,)

    Examples
    --------
    >>> import numpy as np
    >>> from ridgeway.analysis import condition_numbers
    >>> X = np.array([[1.0, 1.0], [2.0, 2.001], [3.0, 2.999], [4.0, 4.0]])
    >>> [f"{c:.3g}" for c in condition_numbers(X, [0.0, 0.1])]
    ['1.11e+07', '101']
    """
    grid = check_alphas(alpha, "alpha")
    Xa = as_matrix(X)
    fit = spectral_fit(
        Xa,
        np.zeros(Xa.shape[0]),
        sample_weight=sample_weight,
        fit_intercept=fit_intercept,
        standardize=standardize,
        penalty_factor=penalty_factor,
        alpha_min=float(grid.min()),
    )
    d = fit.spectrum.d
    if d.size == 0:
        return np.where(grid > 0, 1.0, np.inf)
    d_min = 0.0 if fit.spectrum.rank_deficient else float(d[-1])
    with np.errstate(divide="ignore"):
        return np.asarray((d[0] + grid) / (d_min + grid))
