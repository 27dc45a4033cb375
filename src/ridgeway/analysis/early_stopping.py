"""Early stopping as a ridge penalty: the α that k steps of gradient descent correspond to.

Early stopping acts like a ridge penalty: k steps of plain gradient descent (α = 0) from zero
filter eigen-direction i by 1 − (1 − ημ_i)^k, ridge by μ_i/(μ_i + α); the two agree best near
α ≈ 1/(ηk) (the flow's time t = ηk sets the scale; the constant in front depends on the
spectrum). :func:`early_stopping_alpha` finds the best-matching α, in the coefficients and in
the filter factors. The objective and the coordinates are those of
:mod:`ridgeway.analysis.dynamics`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ridgeway._search import golden_section, grid_bracket
from ridgeway._typing import ArrayLike, FloatArray
from ridgeway.analysis._descent import _check_number, _check_steps, _factorize, _gd_factors
from ridgeway.analysis.dynamics import _warn_divergence

__all__ = ["EarlyStopping", "early_stopping_alpha"]


@dataclass(frozen=True, eq=False)
class EarlyStopping:
    """The ridge α equivalent to k steps of plain gradient descent from zero.

    Attributes
    ----------
    steps : ndarray of int, shape (m,)
    alpha : ndarray of shape (m, t)
        argmin over α of ‖Π^½ (w_k − ŵ_α)‖ (penalized coefficients; ∞ at k = 0).
    alpha_filter : ndarray of shape (m,)
        argmin over α of Σ_i (φ_i^GD − μ_i/(μ_i + α))²: the filter factors matched, whatever
        the targets.
    alpha_approx : ndarray of shape (m,)
        1/(ηk).
    relative_distance : ndarray of shape (m, t)
        ‖Π^½ (w_k − ŵ_α)‖ / ‖Π^½ w_k‖ at ``alpha``: how closely ridge mimics the iterate.
    """

    steps: np.ndarray
    alpha: FloatArray
    alpha_filter: FloatArray
    alpha_approx: FloatArray
    relative_distance: FloatArray


def _ridge_distance2(
    d: np.ndarray, z2: np.ndarray, gd: np.ndarray, alpha: np.ndarray
) -> FloatArray:
    """Σ_i z_i² (φ_i/μ_i − 1/(μ_i + α))² for gd = φ/μ (k, m, 1) or (k, m, t), α (m, t)."""
    diff = gd - 1.0 / (d[:, None, None] + alpha[None])
    return np.asarray((z2[:, None, :] * diff**2).sum(axis=0))


def early_stopping_alpha(
    X: ArrayLike,
    y: ArrayLike,
    steps: ArrayLike,
    *,
    learning_rate: float,
    sample_weight: ArrayLike | None = None,
    fit_intercept: bool = True,
    standardize: bool = False,
    penalty_factor: ArrayLike | None = None,
) -> EarlyStopping:
    """The ridge α closest to k steps of plain gradient descent from zero (early stopping).

    With φ_i = 1 − (1 − ημ_i)^k the filter of k steps of gradient descent on
    ½ Σ_i s_i (y_i − b − x_iᵀw)² (scaled coordinates, intercept and unpenalized features
    profiled; no weight decay) and μ_i/(μ_i + α) the ridge filter, it returns the α minimizing

        ‖Π^½ (w_k − ŵ_α)‖² = Σ_i z_i² (φ_i/μ_i − 1/(μ_i + α))²      (per target),
        Σ_i (φ_i − μ_i/(μ_i + α))²                                   (filters, targets aside),

    each found on a log-spaced grid of α and refined by golden-section search in log α, next
    to the approximation 1/(ηk). For ημ_i small the iterate is the flow at time t = ηk and
    α·t tends to a constant of order one fixed by the spectrum (about 0.61 for the filters of
    a spectrum spread evenly over many decades).

    Parameters
    ----------
    X : array-like of shape (n, p)
    y : array-like of shape (n,) or (n, t)
    steps : int or array-like of int, shape (m,)
        Numbers of steps k ≥ 0 (k = 0 gives α = ∞).
    learning_rate : float
        Step size η > 0.
    sample_weight : array-like of shape (n,), optional
    fit_intercept, standardize, penalty_factor
        As for :class:`ridgeway.Ridge`.

    Returns
    -------
    EarlyStopping
        ``alpha`` (m, t), ``alpha_filter`` (m,), ``alpha_approx`` (m,),
        ``relative_distance`` (m, t).

    Examples
    --------
    >>> import numpy as np
    >>> from ridgeway.analysis.early_stopping import early_stopping_alpha
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((50, 5))
    >>> y = X @ np.ones(5) + rng.standard_normal(50)
    >>> es = early_stopping_alpha(X, y, [1, 10], learning_rate=0.001)
    >>> bool((es.alpha[:, 0] / es.alpha_approx > 0.3).all())
    True
    >>> es.alpha_approx
    array([1000.,  100.])
    """
    lr = _check_number(learning_rate, "learning_rate", positive=True)
    k = _check_steps(steps)
    fit = _factorize(X, y, sample_weight, fit_intercept, standardize, penalty_factor, 0.0)
    _warn_divergence(fit, lr, 0.0)
    sp = fit.spectrum
    d, z2 = sp.d, sp.z**2
    m, t = k.size, sp.n_targets
    with np.errstate(divide="ignore"):
        approx = np.asarray(1.0 / (lr * k), dtype=np.float64)
    alpha = np.full((m, t), np.inf)
    alpha_f = np.full(m, np.inf)
    dist = np.zeros((m, t))
    live = k > 0
    if d.size and live.any():
        with np.errstate(over="ignore", invalid="ignore"):  # diverging iterates (warned above)
            alpha[live], alpha_f[live], dist[live] = _match(d, z2, lr, k[live], approx[live])
    return EarlyStopping(k, alpha, alpha_f, approx, dist)


def _match(
    d: FloatArray, z2: FloatArray, lr: float, k: np.ndarray, approx: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """α (m', t), filter α (m',) and relative distance (m', t) for steps k > 0 (m',)."""
    phi = _gd_factors(lr * d, k)  # (m', k_)
    ml, t = k.size, z2.shape[1]
    # a grid reaching three decades past the spectrum and the approximations
    ends = np.r_[d[-1], d[0], approx]
    grid = np.geomspace(ends.min() * 1e-3, ends.max() * 1e3, 241)
    inv = 1.0 / (d[None, :] + grid[:, None])  # (g, k_)
    gd = (phi / d[None, :]).T  # (k_, m')
    # grid values by expansion into matrix products (no (g, k, m, t) array)
    zg = z2[:, None, :] * gd[:, :, None]  # (k_, m', t)
    on_grid = (
        (zg * gd[:, :, None]).sum(axis=0)[None]
        - 2.0 * (inv @ zg.reshape(d.size, -1)).reshape(-1, ml, t)
        + ((inv**2) @ z2)[:, None, :]
    )
    lo, hi = grid_bracket(np.log(grid), np.argmin(on_grid, axis=0))
    x = golden_section(lambda v: _ridge_distance2(d, z2, gd[:, :, None], np.exp(v)), lo, hi)
    alpha = np.exp(x)
    norm_k = np.sqrt((z2[:, None, :] * gd[:, :, None] ** 2).sum(axis=0))
    gap = np.sqrt(_ridge_distance2(d, z2, gd[:, :, None], alpha))
    dist = np.where(norm_k > 0, gap / np.where(norm_k > 0, norm_k, 1.0), 0.0)
    filt = d[None, :] * inv  # (g, k_)
    f_grid = (phi**2).sum(axis=1)[None] - 2.0 * filt @ phi.T + (filt**2).sum(axis=1)[:, None]
    lo_f, hi_f = grid_bracket(np.log(grid), np.argmin(f_grid, axis=0))

    def filter_gap(v: FloatArray) -> FloatArray:
        ridge = d[:, None] / (d[:, None] + np.exp(v)[None, :])
        return np.asarray(((phi.T - ridge) ** 2).sum(axis=0))

    alpha_f = np.exp(golden_section(filter_gap, lo_f, hi_f))
    return np.asarray(alpha), np.asarray(alpha_f), np.asarray(dist)
