"""A Monte-Carlo check of the bias–variance curves of ridge, from simulated noise.

Draws many noise vectors under the model of :mod:`ridgeway.analysis.bias_variance`,
y = b* + Xβ* + ε with Var ε_i = σ²/s_i, fits all of them from one factorization, and estimates
the squared bias, the variance and the mean squared error of the fits, with standard errors, in
the same three metrics as :func:`ridgeway.analysis.bias_variance.bias_variance`: a check of the
exact curves that needs none of their algebra.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ridgeway._typing import ArrayLike, FloatArray
from ridgeway._validation import as_matrix, as_weights, check_alphas, check_finite, message
from ridgeway.analysis._eigen import spectral_fit
from ridgeway.analysis.bias_variance import _check_beta, _check_per_target

__all__ = ["SimulatedBiasVariance", "simulate_bias_variance"]


@dataclass(frozen=True, eq=False)
class SimulatedBiasVariance:
    """Monte-Carlo estimates of the curves of :class:`BiasVariance`, with standard errors.

    Every field but ``alphas`` and ``n_draws`` has shape (a,) for a 1-D ``beta`` and (a, t)
    otherwise. For errors e_r of draw r (a vector in the metric of the field), ē their mean and
    R draws: variance = Σ_r ‖e_r − ē‖²/(R − 1), bias2 = ‖ē‖² − variance/R (unbiased), and
    mse = Σ_r ‖e_r‖²/R = bias2 + variance. The standard errors are those of the mean over draws
    (mse), of the sample variance (variance), and the delta-method √(4 ēᵀΣ̂ē/R + 2 tr Σ̂²/R²)
    (bias2; only its order is reliable when the bias is near the Monte-Carlo noise floor).

    Attributes
    ----------
    alphas : ndarray of shape (a,)
    n_draws : int
    bias2, variance, mse (and ``*_se``)
        Penalty metric ‖Π^½(β̂_P − β*_P)‖².
    coef_bias2, coef_variance, coef_mse (and ``*_se``)
        Original units ‖β̂ − β*‖².
    pred_bias2, pred_variance, pred_risk (and ``*_se``)
        Σ_i s_i (ŷ_i − b* − x_iᵀβ*)² / Σs.
    """

    alphas: FloatArray
    n_draws: int
    bias2: FloatArray
    variance: FloatArray
    mse: FloatArray
    bias2_se: FloatArray
    variance_se: FloatArray
    mse_se: FloatArray
    coef_bias2: FloatArray
    coef_variance: FloatArray
    coef_mse: FloatArray
    coef_bias2_se: FloatArray
    coef_variance_se: FloatArray
    coef_mse_se: FloatArray
    pred_bias2: FloatArray
    pred_variance: FloatArray
    pred_risk: FloatArray
    pred_bias2_se: FloatArray
    pred_variance_se: FloatArray
    pred_risk_se: FloatArray


def _monte_carlo(err: np.ndarray) -> tuple[FloatArray, ...]:
    """(bias2, variance, mse, and their standard errors), (a, t), from errors (a, m, t, R)."""
    R = err.shape[-1]
    mean = err.mean(axis=-1)
    dev = err - mean[..., None]
    dev2 = (dev**2).sum(axis=1)  # (a, t, R)
    variance = dev2.sum(axis=-1) / (R - 1)
    bias2 = (mean**2).sum(axis=1) - variance / R
    loss = (err**2).sum(axis=1)
    proj = np.einsum("amt,amtr->atr", mean, dev)
    # Var ‖ē‖² ≈ 4 bᵀΣb/R + 2 tr Σ²/R², with 2 tr Σ² ≈ Var ‖e_r − ē‖² (Gaussian errors)
    bias2_se = np.sqrt(4.0 * (proj**2).mean(axis=-1) / R + dev2.var(axis=-1, ddof=1) / R**2)
    return (
        bias2,
        variance,
        loss.mean(axis=-1),
        bias2_se,
        dev2.std(axis=-1, ddof=1) / np.sqrt(R),
        loss.std(axis=-1, ddof=1) / np.sqrt(R),
    )


def simulate_bias_variance(
    X: ArrayLike,
    beta: ArrayLike,
    sigma2: float | ArrayLike,
    alphas: ArrayLike,
    *,
    n_draws: int = 1000,
    seed: int | np.random.Generator | None = None,
    intercept: float | ArrayLike = 0.0,
    sample_weight: ArrayLike | None = None,
    fit_intercept: bool = True,
    standardize: bool = False,
    penalty_factor: ArrayLike | None = None,
) -> SimulatedBiasVariance:
    """Monte-Carlo estimate of the curves of :func:`bias_variance` from simulated noise.

    Draws R = ``n_draws`` targets y_r = b* + Xβ* + ε_r, ε_ri ~ N(0, σ²/s_i), fits all of them
    (and all targets) from one factorization, and estimates for every α the squared bias
    ‖ē‖² − variance/R and the variance Σ_r ‖e_r − ē‖²/(R − 1) of the errors e_r in three metrics
    (penalty metric, original units, weighted in-sample predictions), each with a standard
    error. Memory is about a·max(n, p)·t·R floats.

    Parameters
    ----------
    X, beta, sigma2, alphas, sample_weight, fit_intercept, standardize, penalty_factor
        As for :func:`bias_variance` (``alphas`` required).
    n_draws : int, default 1000
        Number of noise draws R ≥ 2.
    seed : int, Generator or None
        Seed of the noise (pass an int for reproducible draws).
    intercept : float or array-like of shape (t,), default 0.0
        The true intercept b*. It leaves every result unchanged with ``fit_intercept``; without
        it, a nonzero b* adds a misspecification bias that :func:`bias_variance` does not model.

    Returns
    -------
    SimulatedBiasVariance

    Examples
    --------
    >>> import numpy as np
    >>> from ridgeway.analysis.bias_variance import bias_variance
    >>> from ridgeway.analysis.bias_variance_simulation import simulate_bias_variance
    >>> X = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [2.0, 0.5], [0.5, 2.0], [0.0, 0.0]])
    >>> alphas = [0.1, 1.0, 10.0]
    >>> sim = simulate_bias_variance(X, [1.0, -0.5], 0.5, alphas, n_draws=20000, seed=0)
    >>> exact = bias_variance(X, [1.0, -0.5], 0.5, alphas)
    >>> bool(np.all(np.abs(sim.coef_mse - exact.coef_mse) < 4 * sim.coef_mse_se))
    True
    """
    Xa = as_matrix(X)
    n, p = Xa.shape
    B, single = _check_beta(beta, p)
    t = B.shape[1]
    s2 = _check_per_target(sigma2, t, "sigma2", "non-negative")
    al = check_alphas(alphas, "alphas")
    if isinstance(n_draws, bool) or not isinstance(n_draws, int | np.integer) or n_draws < 2:
        raise ValueError(message("n_draws", "an integer of at least 2", repr(n_draws)))
    b0 = _check_per_target(intercept, t, "intercept", "finite")
    w = as_weights(sample_weight, n)
    check_finite(Xa, "X")
    R = int(n_draws)
    rng = np.random.default_rng(seed)
    sd = np.sqrt(s2)[None, :, None] * np.ones((n, 1, 1))
    if w is not None:
        with np.errstate(divide="ignore"):
            sd = np.where(w[:, None, None] > 0, sd / np.sqrt(w)[:, None, None], 0.0)
    mu = b0[None, :] + Xa @ B  # (n, t)
    Y = (mu[:, :, None] + sd * rng.standard_normal((n, t, R))).reshape(n, t * R)
    fit = spectral_fit(
        Xa,
        Y,
        sample_weight=w,
        fit_intercept=fit_intercept,
        standardize=standardize,
        penalty_factor=penalty_factor,
        alpha_min=float(al.min()),
    )
    sp = fit.spectrum
    coef = sp.coef_path(al)  # (a, p, t R)
    icpt = sp.intercept(coef).reshape(al.size, 1, t, R)
    delta = coef.reshape(al.size, p, t, R) - B[None, :, :, None]
    P = sp.penalized
    root_pen = np.sqrt(fit.data.penalty[P])[None, :, None, None]
    rows = np.matmul(Xa, delta.reshape(al.size, p, t * R)).reshape(al.size, n, t, R)
    rows = rows + (icpt - b0[None, None, :, None])
    ws = np.ones(n) if w is None else w
    rows = rows * np.sqrt(ws / ws.sum())[None, :, None, None]
    out: dict[str, FloatArray] = {}
    for prefix, total, err in (
        ("", "mse", delta[:, P] * root_pen),
        ("coef_", "coef_mse", delta),
        ("pred_", "pred_risk", rows),
    ):
        base = (prefix + "bias2", prefix + "variance", total)
        names = (*base, *(name + "_se" for name in base))
        for name, value in zip(names, _monte_carlo(err), strict=True):
            out[name] = value[:, 0] if single else value
    return SimulatedBiasVariance(alphas=al, n_draws=R, **out)
