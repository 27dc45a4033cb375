"""The Bayesian view: ridge is the posterior mean under a Gaussian prior.

Model: y = b + Xw + ε with ε_i ~ N(0, σ²/s_i), prior w ~ N(0, (σ²/α) Π⁻¹) on the penalized
coefficients and a flat prior on the intercept and the unpenalized ones. The posterior of w is
Gaussian with

    mean        ŵ(α) = ridge solution,
    covariance  σ² (XᵀSX + αΠ)⁻¹          (X centred at its weighted means),

and the intercept b = ȳ − x̄ᵀw has variance σ²/N + x̄ᵀ Cov(w) x̄ (ȳ and w are independent).
With the spectrum of the penalty-scaled problem, Cov(w) = σ² Tᵀ[Σ_i v_i v_iᵀ/(d_i + α) +
(I − VVᵀ)/α] T (T profiles out the unpenalized columns, then scales by C = Π^−½): every α of a
grid costs one matrix product, and the variance of every coefficient shrinks as α grows.

σ² is given, or estimated per α (see :func:`ridgeway.analysis.noise_variance`): ``"evidence"``
(the marginal-likelihood maximizer, a plug-in: normal intervals) or ``"rss"`` (RSS over the
residual degrees of freedom: Student-t intervals).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from ridgeway._typing import ArrayLike, FloatArray
from ridgeway._validation import as_matrix, check_alphas, check_finite, message
from ridgeway.analysis._eigen import spectral_fit
from ridgeway.analysis._noise import noise_variance
from ridgeway.core.loadings import Loadings
from ridgeway.selection.evidence import maximize_pooled
from ridgeway.selection.grid import default_alphas

__all__ = ["Posterior", "PosteriorPrediction", "posterior"]


def _check_level(level: float) -> float:
    lv = float(level)
    if not 0.0 < lv < 1.0:
        raise ValueError(message("level", "strictly between 0 and 1", level))
    return lv


def _quantile(level: float, dof: np.ndarray) -> FloatArray:
    """The two-sided quantile of N(0, 1) (dof = inf) or Student's t(dof)."""
    return np.asarray(stats.t.ppf(0.5 + 0.5 * _check_level(level), dof), dtype=np.float64)


def _weights(d: np.ndarray, alphas: np.ndarray) -> tuple[FloatArray, FloatArray]:
    """Posterior weights g_i = 1/(d_i + α) in span(V), shape (a, k), and h = 1/α off it (a,).

    h is inf at α = 0 (a flat prior: the null-space directions are not identified).
    """
    g = 1.0 / (d[None, :] + alphas[:, None])
    h = np.full(alphas.shape, np.inf)
    np.divide(1.0, alphas, out=h, where=alphas > 0)
    return np.asarray(g), h


@dataclass(frozen=True, eq=False)
class PosteriorPrediction:
    """Posterior of the regression function at new rows, for every α.

    Attributes
    ----------
    mean : ndarray of shape (a, m, t)
        Posterior mean b + x₀ᵀw (the ridge prediction).
    mean_std : ndarray of shape (a, m, t)
        Standard deviation of the regression function b + x₀ᵀw.
    predictive_std : ndarray of shape (a, m, t)
        Standard deviation of a new observation (unit weight): √(mean_std² + σ²).
    dof : ndarray of shape (a, 1, t)
        Degrees of freedom of the intervals (inf: normal).
    """

    mean: FloatArray
    mean_std: FloatArray
    predictive_std: FloatArray
    dof: FloatArray

    def mean_interval(self, level: float = 0.95) -> tuple[FloatArray, FloatArray]:
        """Central credible interval of the regression function: (lower, upper), (a, m, t)."""
        q = _quantile(level, self.dof)
        return self.mean - q * self.mean_std, self.mean + q * self.mean_std

    def predictive_interval(self, level: float = 0.95) -> tuple[FloatArray, FloatArray]:
        """Central interval for a new observation: (lower, upper), each (a, m, t)."""
        q = _quantile(level, self.dof)
        return self.mean - q * self.predictive_std, self.mean + q * self.predictive_std


@dataclass(frozen=True, eq=False)
class Posterior:
    """Gaussian posterior of the ridge coefficients for every α of a grid.

    Attributes
    ----------
    alphas : ndarray of shape (a,)
    coef : ndarray of shape (a, p, t)
        Posterior means (the ridge coefficients), original units.
    intercept : ndarray of shape (a, t)
    coef_std : ndarray of shape (a, p, t)
        Posterior standard deviations √(σ² [(XᵀSX + αΠ)⁻¹]_jj).
    intercept_std : ndarray of shape (a, t)
    sigma2 : ndarray of shape (a, t)
        Noise variance used (given or estimated).
    dof : ndarray of shape (a, t)
        Degrees of freedom of the intervals (inf: normal quantiles).
    sigma2_method : str
        "given", "evidence" or "rss".
    loadings : Loadings
        The eigen-coordinates behind the covariances (for :meth:`predict`, :meth:`covariance`).
    d : ndarray of shape (k,)
        Eigenvalues of the penalty-scaled Gram.
    x_mean : ndarray of shape (p,)
    sum_weights : float
    fit_intercept : bool
    """

    alphas: FloatArray
    coef: FloatArray
    intercept: FloatArray
    coef_std: FloatArray
    intercept_std: FloatArray
    sigma2: FloatArray
    dof: FloatArray
    sigma2_method: str
    loadings: Loadings
    d: FloatArray
    x_mean: FloatArray
    sum_weights: float
    fit_intercept: bool

    def _g(self) -> tuple[FloatArray, FloatArray]:
        return _weights(self.d, self.alphas)

    def coef_interval(self, level: float = 0.95) -> tuple[FloatArray, FloatArray]:
        """Central credible intervals of the coefficients: (lower, upper), each (a, p, t)."""
        q = _quantile(level, self.dof)[:, None, :]
        return self.coef - q * self.coef_std, self.coef + q * self.coef_std

    def covariance(self, index: int = 0) -> FloatArray:
        """Full posterior covariance of the coefficients at ``alphas[index]``, shape (t, p, p).

        Forms a p×p matrix per target: use :attr:`coef_std` when only the diagonal is needed.
        """
        if not -self.alphas.size <= index < self.alphas.size:
            raise IndexError(message("index", f"in [0, {self.alphas.size})", index))
        g, h = self._g()
        M = self.loadings.covariance(g[index], float(h[index]))
        return np.asarray(self.sigma2[index][:, None, None] * M[None])

    def predict(self, X: ArrayLike) -> PosteriorPrediction:
        """Posterior of b + x₀ᵀw at the rows of X (m, p), for every α."""
        Xa = np.asarray(as_matrix(X), dtype=np.float64)
        check_finite(Xa, "X")
        p = self.x_mean.size
        if Xa.shape[1] != p:
            raise ValueError(message("X", f"a matrix with {p} columns", f"{Xa.shape[1]}"))
        R = Xa - self.x_mean[None, :]
        mean = self.intercept[:, None, :] + np.einsum("mp,apt->amt", Xa, self.coef)
        g, h = self._g()
        quad = self.loadings.project_rows(R).quadratic(g, h)  # (a, m)
        if self.fit_intercept:
            quad = quad + 1.0 / self.sum_weights
        var = quad[:, :, None] * self.sigma2[:, None, :]
        return PosteriorPrediction(
            mean=np.asarray(mean),
            mean_std=np.sqrt(var),
            predictive_std=np.sqrt(var + self.sigma2[:, None, :]),
            dof=self.dof[:, None, :],
        )


def posterior(
    X: ArrayLike,
    y: ArrayLike,
    alpha: float | ArrayLike | str = "evidence",
    *,
    sigma2: float | ArrayLike | str = "evidence",
    sample_weight: ArrayLike | None = None,
    fit_intercept: bool = True,
    standardize: bool = False,
    penalty_factor: ArrayLike | None = None,
) -> Posterior:
    """Posterior mean and covariance of w under the Gaussian prior w ~ N(0, (σ²/α) Π⁻¹).

    The posterior mean minimizes Σ_i s_i (y_i − b − x_iᵀw)² + α Σ_j π_j w_j² (ridge), and the
    posterior covariance is σ² (XᵀSX + αΠ)⁻¹ with X centred (see the module docstring).

    Parameters
    ----------
    X : array-like of shape (n, p)
    y : array-like of shape (n,) or (n, t)
    alpha : float, array-like of shape (a,), or "evidence", default "evidence"
        The prior precision ratio α = σ²/τ² (τ² the prior variance), one value or a grid; with
        "evidence", the α that maximizes the marginal likelihood summed over targets.
    sigma2 : float, array-like of shape (t,), "evidence" or "rss", default "evidence"
        The noise variance, or how to estimate it for each α.
    sample_weight : array-like of shape (n,), optional
        s_i ≥ 0; ε_i has variance σ²/s_i and weights count as frequencies (N = Σs).
    fit_intercept, standardize, penalty_factor
        As for :class:`ridgeway.Ridge` (the prior is on the penalized, possibly standardized,
        coefficients; penalty factor 0 means a flat prior).

    Returns
    -------
    Posterior

    Examples
    --------
    >>> import numpy as np
    >>> from ridgeway.analysis import posterior
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((40, 3))
    >>> y = X @ np.array([1.0, -0.5, 0.0]) + 0.3 * rng.standard_normal(40)
    >>> post = posterior(X, y, alpha=[0.1, 10.0, 1000.0], sigma2=0.09)
    >>> post.coef_std[:, 0, 0].round(4)  # shrinks as α grows
    array([0.0436, 0.0395, 0.0093])
    >>> lower, upper = post.coef_interval(0.95)
    >>> bool(lower[0, 0, 0] < 1.0 < upper[0, 0, 0])
    True
    """
    named = isinstance(alpha, str)
    if named and alpha != "evidence":
        raise ValueError(
            message("alpha", 'a number, an array of numbers or "evidence"', repr(alpha))
        )
    grid = None if named else check_alphas(alpha, "alpha")
    fit = spectral_fit(
        X,
        y,
        sample_weight=sample_weight,
        fit_intercept=fit_intercept,
        standardize=standardize,
        penalty_factor=penalty_factor,
        alpha_min=0.0 if grid is None else float(grid.min()),
    )
    sp = fit.spectrum
    if grid is None:
        grid = np.array([maximize_pooled(sp, default_alphas(sp))])
    s2 = sigma2
    if not isinstance(s2, str):
        s2 = np.asarray(s2, dtype=np.float64)
    sig2, dof = noise_variance(sp, grid, s2, fit_intercept)
    coef = sp.coef_path(grid)  # (a, p, t)
    intercept = sp.intercept(coef)
    g, h = _weights(sp.d, grid)
    var_unit = fit.project_coef().quadratic(g, h)  # (a, p)
    coef_std = np.sqrt(var_unit[:, :, None] * sig2[:, None, :])
    if fit_intercept:
        ivar = fit.project_rows(sp.x_mean[None, :]).quadratic(g, h)[:, 0] + 1.0 / sp.sum_weights
        intercept_std = np.sqrt(ivar[:, None] * sig2)
    else:
        intercept_std = np.zeros_like(sig2)
    return Posterior(
        alphas=grid,
        coef=coef,
        intercept=intercept,
        coef_std=np.asarray(coef_std),
        intercept_std=np.asarray(intercept_std),
        sigma2=sig2,
        dof=dof,
        sigma2_method=sigma2 if isinstance(sigma2, str) else "given",
        loadings=fit.loadings,
        d=sp.d,
        x_mean=sp.x_mean,
        sum_weights=sp.sum_weights,
        fit_intercept=bool(fit_intercept),
    )
