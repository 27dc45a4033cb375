"""The dynamic view: gradient descent and gradient flow on the ridge objective, in closed form.

The dynamics run on half the ridge objective (same minimizer, Hessian without the factor 2),

    J(b, w) = ½ [ Σ_i s_i (y_i − b − x_iᵀw)² + α Σ_j π_j w_j² ],

in the penalty-scaled coordinates β = Π^½ w_P of the penalized coefficients: for the default
π = 1 that is plain gradient descent on w, with ``standardize=True`` it is gradient descent on
the standardized coefficients (features divided by their weighted sd), and in general it is
gradient descent on w preconditioned by Π⁻¹. The intercept and the unpenalized features are
profiled out at every step (set to their optimum given β; equivalently, gradient descent on the
weighted-centred data, where the intercept's update decouples). After profiling, J is
½‖ỹ − Aβ‖² + ½α‖β‖² with Hessian AᵀA + αI, whose eigenvalues are μ_i + α (μ_i = d_i of the
spectrum, and μ = 0 on the null space of A): weight decay adds α to every direction's rate.

One step of size η, β ← β − η ∇J(β) = (1 − ηα) β − η Aᵀ(Aβ − ỹ), contracts the error along
eigen-direction v_i by 1 − η(μ_i + α). From β₀ = 0 the k-th iterate and the flow dβ/dt = −∇J
at time t are, per direction,

    β_k = β̂_α,i (1 − (1 − η(μ_i + α))^k),      β(t) = β̂_α,i (1 − exp(−(μ_i + α) t)),

with β̂_α,i = z_i/(μ_i + α) the ridge solution. From a given β₀ the error β₀ − β̂_α contracts by
the same factors; its null-space part (p > n or collinear columns) decays as (1 − ηα)^k
(exp(−αt)) and stays put when α = 0. Gradient descent converges when η < 2/(μ_max + α).

Early stopping, the ridge α that k steps of plain gradient descent correspond to, is in
:mod:`ridgeway.analysis.early_stopping`.

The objective sums the losses; for a mean loss (1/Σs) Σ_i s_i(…)² with rate η_mean and decay
α_mean, use η = η_mean/Σs and α = α_mean·Σs here.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from ridgeway._typing import AnyFloatArray, ArrayLike, FloatArray
from ridgeway._validation import as_matrix, check_alphas, message
from ridgeway.analysis._descent import _check_number, _check_steps, _factorize, _gd_factors
from ridgeway.analysis._eigen import SpectralFit

__all__ = [
    "Contraction",
    "DivergenceWarning",
    "Trajectory",
    "contraction_rates",
    "gradient_descent",
    "gradient_flow",
]


class DivergenceWarning(UserWarning):
    """Gradient descent with this step size does not converge (η ≥ 2/(μ_max + α))."""


@dataclass(frozen=True, eq=False)
class Trajectory:
    """Iterates of gradient descent (or points of gradient flow) on the ridge objective.

    Attributes
    ----------
    steps : ndarray of int, shape (m,), or None
        Numbers of steps k (None for gradient flow).
    time : ndarray of shape (m,)
        Flow time t, or η·k for gradient descent (the flow time it approximates).
    coef : ndarray of shape (m, p, t)
        Coefficients in original units.
    intercept : ndarray of shape (m, t)
        The profiled intercept ȳ − x̄ᵀw of each iterate.
    alpha : float
        Weight decay α (0: plain gradient descent on the residual sum of squares).
    learning_rate : float or None
    """

    steps: np.ndarray | None
    time: FloatArray
    coef: AnyFloatArray
    intercept: AnyFloatArray
    alpha: float
    learning_rate: float | None


@dataclass(frozen=True, eq=False)
class Contraction:
    """Rates at which each eigen-direction of the ridge objective contracts.

    Attributes
    ----------
    data_eigenvalues : ndarray of shape (p_P,)
        μ_i, eigenvalues of AᵀA (penalty-scaled, profiled), descending; zeros on the null space.
    rates : ndarray of shape (a, p_P)
        μ_i + α: the Hessian's eigenvalues, the flow's rates (error ∝ exp(−(μ_i + α) t)).
    alphas : ndarray of shape (a,)
    n_null : int
        Dimension of the null space (directions moved by weight decay alone).
    """

    data_eigenvalues: FloatArray
    rates: FloatArray
    alphas: FloatArray
    n_null: int

    @property
    def max_learning_rate(self) -> FloatArray:
        """2/(μ_max + α) per α, shape (a,): gradient descent converges below it."""
        with np.errstate(divide="ignore"):
            return np.asarray(2.0 / self.rates.max(axis=1, initial=0.0))

    def step_factors(self, learning_rate: float) -> FloatArray:
        """Per-step contraction 1 − η(μ_i + α) of each direction, shape (a, p_P)."""
        return np.asarray(
            1.0 - _check_number(learning_rate, "learning_rate", positive=True) * self.rates
        )


def _warn_divergence(fit: SpectralFit, lr: float, alpha: float) -> None:
    top = (float(fit.spectrum.d[0]) if fit.spectrum.d.size else 0.0) + alpha
    if lr * top >= 2.0:
        warnings.warn(
            f"learning_rate {lr:g} is at least 2/(μ_max + α) = {2.0 / top:.6g}: the iterates "
            f"do not converge (the top eigen-direction is multiplied by "
            f"{1.0 - lr * top:.4g} per step; |·| ≥ 1 oscillates or diverges). "
            f"Use learning_rate < {2.0 / top:.6g}, e.g. {1.0 / top:.6g} (1/(μ_max + α)).",
            DivergenceWarning,
            stacklevel=3,
        )


def _flow_factors(x: np.ndarray, times: np.ndarray) -> FloatArray:
    """φ = 1 − exp(−x t) for rates x (k_,) and times (m,), shape (m, k_)."""
    return np.asarray(-np.expm1(-times[:, None] * np.asarray(x, dtype=np.float64)[None, :]))


def _init_scaled(fit: SpectralFit, init: ArrayLike | None) -> FloatArray | None:
    """β₀ = Π^½ w₀ of the penalized coefficients, shape (p_P, t); None for w₀ = 0."""
    if init is None:
        return None
    p, t = fit.spectrum.n_features, fit.spectrum.n_targets
    w0 = np.asarray(init, dtype=np.float64)
    if w0.ndim == 1 and w0.shape[0] == p:
        w0 = np.broadcast_to(w0[:, None], (p, t))
    if w0.shape != (p, t):
        raise ValueError(message("init", f"of shape ({p},) or ({p}, {t})", f"shape {w0.shape}"))
    if not np.isfinite(w0).all():
        raise ValueError(message("init", "finite (no NaN or inf)", "non-finite values"))
    return np.asarray(w0[fit.spectrum.penalized] / fit.loadings.scale[:, None])


def _iterates(
    fit: SpectralFit,
    alpha: float,
    phi: FloatArray,
    phi_null: FloatArray,
    beta0: FloatArray | None,
) -> tuple[AnyFloatArray, AnyFloatArray]:
    """Coefficients (m, p, t) and intercepts (m, t) with filter φ (m, k) toward the ridge fit.

    In eigen-coordinates c = a + φ (ĉ − a) with a = Vᵀβ₀, ĉ = z/(d + α); the null-space part of
    β₀ keeps the fraction 1 − φ_null (m,).
    """
    sp = fit.spectrum
    V = fit.vectors  # (p_P, k)
    c_hat = sp.z / (sp.d[:, None] + alpha)  # (k, t)
    if beta0 is None:
        c = phi.T[:, :, None] * c_hat[:, None, :]  # (k, m, t)
    else:
        a = V.T @ beta0
        c = a[:, None, :] + phi.T[:, :, None] * (c_hat - a)[:, None, :]
    k, m, t = c.shape
    beta = (V @ c.reshape(k, m * t)).reshape(-1, m, t)
    if beta0 is not None:
        null0 = beta0 - V @ (V.T @ beta0)
        beta = beta + (1.0 - phi_null)[None, :, None] * null0[:, None, :]
    w_p = fit.loadings.scale[:, None, None] * beta
    coef = np.zeros((m, sp.n_features, t))
    coef[:, sp.penalized, :] = np.moveaxis(w_p, 0, 1)
    if sp.unpen_map is not None and sp.unpenalized.size:
        coef[:, sp.unpenalized, :] = np.moveaxis(sp.unpen_map(w_p), 0, 1)
    dtype = fit.data.X.dtype
    return coef.astype(dtype, copy=False), sp.intercept(coef).astype(dtype, copy=False)


def gradient_descent(
    X: ArrayLike,
    y: ArrayLike,
    steps: ArrayLike,
    *,
    learning_rate: float,
    alpha: float = 0.0,
    init: ArrayLike | None = None,
    sample_weight: ArrayLike | None = None,
    fit_intercept: bool = True,
    standardize: bool = False,
    penalty_factor: ArrayLike | None = None,
) -> Trajectory:
    """The k-th iterate of gradient descent on the ridge objective, for many k at once.

    Iterates β ← (1 − ηα) β − η Aᵀ(Aβ − ỹ) on J = ½[Σ_i s_i (y_i − b − x_iᵀw)² + α Σ_j π_j w_j²]
    in scaled coordinates β = Π^½ w (intercept and unpenalized features profiled out at every
    step; see the module docstring), so that direction i of β_k is
    β̂_α,i (1 − (1 − η(μ_i + α))^k) from β₀ = 0. ``alpha`` = 0 is plain gradient descent on the
    residual sum of squares; α > 0 is weight decay (PyTorch SGD's ``weight_decay`` = α on the
    loss ½ Σ_i s_i (y_i − b − x_iᵀw)², with π = 1).

    Parameters
    ----------
    X : array-like of shape (n, p)
    y : array-like of shape (n,) or (n, t)
    steps : int or array-like of int, shape (m,)
        Numbers of steps k ≥ 0.
    learning_rate : float
        Step size η > 0; a :class:`DivergenceWarning` is issued when η ≥ 2/(μ_max + α).
    alpha : float, default 0.0
        Weight decay α ≥ 0.
    init : array-like of shape (p,) or (p, t), optional
        Starting coefficients w₀ (original units; only the penalized ones matter, the rest are
        profiled). Default 0.
    sample_weight : array-like of shape (n,), optional
    fit_intercept, standardize, penalty_factor
        As for :class:`ridgeway.Ridge`.

    Returns
    -------
    Trajectory
        ``coef`` (m, p, t) and ``intercept`` (m, t); ``time`` = η·k.

    Examples
    --------
    >>> import numpy as np
    >>> from ridgeway import Ridge
    >>> from ridgeway.analysis.dynamics import gradient_descent
    >>> X = np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 2.0], [3.0, 1.0]])
    >>> y = np.array([1.0, 2.0, 4.0, 5.0])
    >>> path = gradient_descent(X, y, [0, 1, 10, 1000], learning_rate=0.1, alpha=0.5)
    >>> path.coef[:, :, 0].round(4)
    array([[0.    , 0.    ],
           [0.7   , 0.2   ],
           [1.2142, 0.3178],
           [1.2157, 0.3137]])
    >>> Ridge(alpha=0.5).fit(X, y).coef_.round(4)  # the limit: the ridge fit
    array([1.2157, 0.3137])
    """
    lr = _check_number(learning_rate, "learning_rate", positive=True)
    al = _check_number(alpha, "alpha", positive=False)
    k = _check_steps(steps)
    fit = _factorize(X, y, sample_weight, fit_intercept, standardize, penalty_factor, al)
    beta0 = _init_scaled(fit, init)
    _warn_divergence(fit, lr, al)
    phi = _gd_factors(lr * (fit.spectrum.d + al), k)
    phi_null = _gd_factors(np.array([lr * al]), k)
    coef, intercept = _iterates(fit, al, phi, phi_null[:, 0], beta0)
    return Trajectory(k, np.asarray(lr * k, dtype=np.float64), coef, intercept, al, lr)


def gradient_flow(
    X: ArrayLike,
    y: ArrayLike,
    times: ArrayLike,
    *,
    alpha: float = 0.0,
    init: ArrayLike | None = None,
    sample_weight: ArrayLike | None = None,
    fit_intercept: bool = True,
    standardize: bool = False,
    penalty_factor: ArrayLike | None = None,
) -> Trajectory:
    """Gradient flow dβ/dt = −∇J(β) on the ridge objective at many times at once.

    The limit η → 0, k = t/η of :func:`gradient_descent` on
    J = ½[Σ_i s_i (y_i − b − x_iᵀw)² + α Σ_j π_j w_j²] (scaled coordinates β = Π^½ w,
    intercept and unpenalized features profiled): direction i of β(t) is
    β̂_α,i (1 − exp(−(μ_i + α) t)) from β₀ = 0.

    Parameters
    ----------
    X : array-like of shape (n, p)
    y : array-like of shape (n,) or (n, t)
    times : float or array-like of shape (m,)
        Times t ≥ 0.
    alpha : float, default 0.0
        Weight decay α ≥ 0.
    init : array-like of shape (p,) or (p, t), optional
        Starting coefficients w₀ (default 0).
    sample_weight : array-like of shape (n,), optional
    fit_intercept, standardize, penalty_factor
        As for :class:`ridgeway.Ridge`.

    Returns
    -------
    Trajectory
        ``coef`` (m, p, t), ``intercept`` (m, t); ``steps`` and ``learning_rate`` are None.

    Examples
    --------
    >>> import numpy as np
    >>> from ridgeway.analysis.dynamics import gradient_flow
    >>> X = np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 2.0], [3.0, 1.0]])
    >>> y = np.array([1.0, 2.0, 4.0, 5.0])
    >>> gradient_flow(X, y, [0.0, 0.1, 100.0]).coef[:, :, 0].round(4)
    array([[0.    , 0.    ],
           [0.5438, 0.1537],
           [1.3333, 0.3333]])
    """
    al = _check_number(alpha, "alpha", positive=False)
    tt = check_alphas(times, "times")
    fit = _factorize(X, y, sample_weight, fit_intercept, standardize, penalty_factor, al)
    beta0 = _init_scaled(fit, init)
    phi = _flow_factors(fit.spectrum.d + al, tt)
    phi_null = _flow_factors(np.array([al]), tt)
    coef, intercept = _iterates(fit, al, phi, phi_null[:, 0], beta0)
    return Trajectory(None, tt, coef, intercept, al, None)


def contraction_rates(
    X: ArrayLike,
    *,
    alpha: float | ArrayLike = 0.0,
    sample_weight: ArrayLike | None = None,
    fit_intercept: bool = True,
    standardize: bool = False,
    penalty_factor: ArrayLike | None = None,
) -> Contraction:
    """Each eigen-direction's contraction rate μ_i + α under the ridge objective's dynamics.

    The Hessian of J = ½[Σ_i s_i (y_i − b − x_iᵀw)² + α Σ_j π_j w_j²] in scaled coordinates
    (intercept and unpenalized features profiled) is AᵀA + αI with eigenvalues μ_i + α: weight
    decay damps every direction, including the null space of A (μ = 0), where nothing else
    moves. The flow's error along v_i decays as exp(−(μ_i + α)t); a gradient step multiplies it
    by 1 − η(μ_i + α) (:meth:`Contraction.step_factors`).

    Parameters
    ----------
    X : array-like of shape (n, p)
    alpha : float or array-like of shape (a,), default 0.0
        Weight decay α ≥ 0, one or a grid.
    sample_weight : array-like of shape (n,), optional
    fit_intercept, standardize, penalty_factor
        As for :class:`ridgeway.Ridge`.

    Returns
    -------
    Contraction
        ``rates`` (a, p_P), ``data_eigenvalues`` (p_P,), ``max_learning_rate`` (a,).

    Examples
    --------
    >>> import numpy as np
    >>> from ridgeway.analysis.dynamics import contraction_rates
    >>> X = np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 2.0], [3.0, 1.0]])
    >>> c = contraction_rates(X, alpha=[0.0, 1.0])
    >>> c.rates.round(4)
    array([[5.3028, 1.6972],
           [6.3028, 2.6972]])
    >>> c.max_learning_rate.round(4)
    array([0.3772, 0.3173])
    """
    al = check_alphas(alpha, "alpha")
    n = as_matrix(X).shape[0]
    fit = _factorize(
        X, np.zeros(n), sample_weight, fit_intercept, standardize, penalty_factor, float(al.min())
    )
    d = fit.spectrum.d
    p_p = fit.spectrum.penalized.size
    mu = np.zeros(p_p)
    mu[: d.size] = d
    return Contraction(mu, np.asarray(mu[None, :] + al[:, None]), al, int(p_p - d.size))
