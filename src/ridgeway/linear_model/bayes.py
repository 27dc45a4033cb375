"""Bayesian ridge regression: α and σ² by evidence maximization over the spectrum (no iterations)."""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.utils.validation import check_is_fitted

from ridgeway._typing import ArrayLike, FloatArray
from ridgeway._validation import as_matrix, check_alphas, check_finite
from ridgeway.core.loadings import loadings_from
from ridgeway.linear_model.ridge import LinearModel, validated_fit_input
from ridgeway.linear_model.ridge_cv import fit_spectrum
from ridgeway.selection import default_alphas, evidence, log_evidence

__all__ = ["BayesianRidge"]


class BayesianRidge(LinearModel):
    """Bayesian ridge regression with the hyperparameters chosen by maximizing the evidence.

    Model, per target: y = b + Xw + ε, ε_i ~ N(0, σ²/s_i), prior w ~ N(0, (σ²/α) Π⁻¹) and a flat
    prior on b. The log marginal likelihood (evidence), with σ² profiled out (σ̂² = E(α)/N,
    E = RSS + α‖Π^½ŵ‖², N = Σs), is a closed-form function of α on the spectrum
    (:func:`ridgeway.selection.log_evidence`): it is maximized on a grid, refined off the grid by
    a golden-section search, with no fixed-point iteration. The coefficients are the posterior
    mean, the ridge solution at the chosen α; ``predict(X, return_std=True)`` gives the
    predictive standard deviation.

    scikit-learn's ``BayesianRidge`` reaches the same optimum by MacKay's fixed-point updates
    (its Gamma hyperpriors, 1e-6 by default, move it very slightly). Its ``alpha_`` is the noise
    precision and ``lambda_`` the weight precision; here ``alpha_`` is the ridge penalty
    (= lambda_/alpha_ in its terms), ``sigma2_`` the noise variance (= 1/alpha_) and
    ``lambda_`` the weight precision α/σ².

    Parameters
    ----------
    alphas : array-like of shape (a,), optional
        Grid of positive α to search first; default: 100 values spanning the effective degrees of
        freedom (:func:`ridgeway.selection.default_alphas`).
    fit_intercept, standardize, penalty_factor
        As for :class:`ridgeway.Ridge` (penalty factor 0: a flat prior on that coefficient).

    Attributes
    ----------
    coef_ : ndarray of shape (p,) or (t, p)
        Posterior mean of the coefficients.
    intercept_ : float or ndarray of shape (t,)
    alpha_ : float or ndarray of shape (t,)
        The evidence-maximizing ridge penalty, one per target.
    sigma2_ : float or ndarray of shape (t,)
        Noise variance at ``alpha_`` (E/N).
    lambda_ : float or ndarray of shape (t,)
        Prior precision of the weights, α/σ².
    coef_std_ : ndarray of shape (p,) or (t, p)
        Posterior standard deviations of the coefficients.
    log_evidence_ : float or ndarray of shape (t,)
        Log marginal likelihood at ``alpha_``.
    df_ : float or ndarray of shape (t,)
        Effective degrees of freedom (the "γ" of MacKay's updates, plus unpenalized features).
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (p,)

    Examples
    --------
    >>> import numpy as np
    >>> from ridgeway.linear_model import BayesianRidge
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((100, 3))
    >>> y = X @ np.array([1.0, -2.0, 0.0]) + 0.5 * rng.standard_normal(100)
    >>> model = BayesianRidge().fit(X, y)
    >>> model.coef_.round(2)
    array([ 0.99, -2.06, -0.08])
    >>> mean, std = model.predict(X[:2], return_std=True)
    >>> std.round(3)
    array([0.46, 0.46])
    """

    def __init__(
        self,
        *,
        alphas: ArrayLike | None = None,
        fit_intercept: bool = True,
        standardize: bool = False,
        penalty_factor: ArrayLike | None = None,
    ) -> None:
        self.alphas = alphas
        self.fit_intercept = fit_intercept
        self.standardize = standardize
        self.penalty_factor = penalty_factor

    def fit(
        self, X: ArrayLike, y: ArrayLike, sample_weight: ArrayLike | None = None
    ) -> BayesianRidge:
        """Maximize the evidence over α per target and fit the posterior mean.

        Parameters
        ----------
        X : array-like of shape (n, p)
        y : array-like of shape (n,) or (n, t)
        sample_weight : array-like of shape (n,), optional
            s_i ≥ 0: ε_i has variance σ²/s_i; weights count as frequencies.

        Returns
        -------
        self : BayesianRidge
        """
        grid = None
        if self.alphas is not None:
            grid = np.unique(check_alphas(self.alphas, "alphas", positive=True))
        data = validated_fit_input(self, X, y, sample_weight)
        spec = fit_spectrum(data, 0.0 if grid is None else float(grid[0]))
        al = default_alphas(spec) if grid is None else grid
        _, alpha = evidence(spec, al)  # (t,), warns when the optimum is on the grid's edge
        coef = spec.coef(alpha)
        self._set_fit(data, coef, spec.intercept(coef), spec.df(alpha))
        # per-target α: the t-th target's quantities at its own α
        d, z2 = spec.d[:, None], spec.z**2
        shrink = alpha[None, :] / (d + alpha[None, :])
        rss = spec.rss_floor + (shrink**2 * z2 / d).sum(axis=0)
        pen = (z2 / (d + alpha[None, :]) ** 2).sum(axis=0)
        sigma2 = (rss + alpha * pen) / spec.sum_weights
        loadings = loadings_from(data.X, data.sample_weight, spec)
        g = 1.0 / (spec.d[None, :] + alpha[:, None])  # (t, k)
        h = 1.0 / alpha
        var = loadings.project_coef().quadratic(g, h) * sigma2[:, None]  # (t, p)
        single = data.single
        pick = (lambda v: float(v[0])) if single else (lambda v: np.asarray(v))
        self.alpha_: float | FloatArray = pick(alpha)
        self.sigma2_: float | FloatArray = pick(sigma2)
        self.lambda_: float | FloatArray = pick(alpha / sigma2)
        self.log_evidence_: float | FloatArray = pick(log_evidence(spec, alpha))
        std = np.sqrt(var).astype(data.X.dtype)
        self.coef_std_: np.ndarray = std[0] if single else std
        self._loadings = loadings
        self._x_mean = spec.x_mean
        self._inv_n = 1.0 / spec.sum_weights if data.problem.fit_intercept else 0.0
        self._g, self._h, self._sigma2 = g, h, sigma2
        return self

    def predict(self, X: ArrayLike, return_std: bool = False) -> Any:
        """Posterior mean prediction, and with ``return_std`` the predictive standard deviation.

        The predictive variance of a new observation (unit weight) at x₀ is
        σ² (1 + 1/N + (x₀ − x̄)ᵀ M (x₀ − x̄)) with σ² M the posterior covariance of w; the 1/N
        term (the intercept's uncertainty) is left out by scikit-learn's ``BayesianRidge``.

        Parameters
        ----------
        X : array-like of shape (m, p)
        return_std : bool, default False

        Returns
        -------
        mean : ndarray of shape (m,) or (m, t)
        std : ndarray of the same shape, only with ``return_std``
        """
        mean = super().predict(X)
        if not return_std:
            return mean
        check_is_fitted(self, "coef_")
        Xa = np.asarray(as_matrix(X), dtype=np.float64)
        check_finite(Xa, "X")
        quad = self._loadings.project_rows(Xa - self._x_mean[None, :]).quadratic(self._g, self._h)
        var = (quad + self._inv_n + 1.0) * self._sigma2[:, None]  # (t, m)
        std = np.sqrt(var).T
        return mean, (std[:, 0] if mean.ndim == 1 else std).astype(mean.dtype)
