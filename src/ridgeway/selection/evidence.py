"""Empirical-Bayes choice of α: maximize the marginal likelihood over the spectrum.

Model: y = b + Xw + ε, ε ~ N(0, σ² S⁻¹), prior w ~ N(0, (σ²/α) Π⁻¹), flat prior on the
intercept and the unpenalized features. With d_k the eigenvalues of the penalty-scaled centred
Gram and E(α) = RSS(α) + α ‖Π^½ w(α)‖², profiling σ² out (σ̂² = E/N) leaves

    log p(y | α) = ½ [ −Σ_k log(1 + d_k/α) − N log(E(α)/N) − N − N log 2π ],

with N = Σ s (the number of samples for unit weights, as scikit-learn's BayesianRidge uses).
With that count the evidence of a model that can interpolate (p ≥ n) grows without bound as
α → 0; the grid-edge warning then says so.
Its maximum is the fixed point of MacKay's updates that BayesianRidge iterates; here it is
found directly: on the grid, then by a golden-section search in log α per target, and to
rounding by bisection on the slope d log p / d log α (:func:`evidence_slope`).

The evidence is computed in the array namespace of the spectrum (NumPy, or e.g. torch tensors
on their device); the searches steer from the host (one (t,) vector per step).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable

import numpy as np

from ridgeway._search import golden_section, grid_bracket, monotone_root
from ridgeway._typing import FloatArray
from ridgeway.core import backend as bk
from ridgeway.core.spectrum import Spectrum
from ridgeway.selection.curve import Curve, GridEdgeWarning, select
from ridgeway.selection.grid import grid_of

__all__ = ["evidence", "evidence_slope", "log_evidence"]

_OVERSHOOT = 20.0  # how far past the grid (in log α) the search looks


def log_evidence(spectrum: Spectrum, alpha: np.ndarray) -> FloatArray:
    """Profile log marginal likelihood for α given per target (shape (t,)) → (t,).

    ``alpha`` may also have shape (a, t) for a grid per target; the result then has (a, t).
    """
    xp = bk.namespace(spectrum.d)
    al = bk.as_float(xp, alpha, bk.device(spectrum.d))
    al2 = al[None, :] if al.ndim == 1 else al  # (a, t)
    d = spectrum.d[:, None, None]  # (k, 1, 1)
    z2 = (spectrum.z**2)[:, None, :]  # (k, 1, t)
    A = al2[None, ...]  # (1, a, t)
    rss = spectrum.rss_floor[None, :] + xp.sum((A / (d + A)) ** 2 * z2 / d, axis=0)
    pen = xp.sum(z2 / (d + A) ** 2, axis=0)
    E = rss + al2 * pen
    N = spectrum.sum_weights
    logdet = xp.sum(xp.log1p(d / A), axis=0)
    out = 0.5 * (-logdet - N * xp.log(E / N) - N - N * math.log(2.0 * math.pi))
    return out[0, ...] if al.ndim == 1 else out


def evidence_slope(spectrum: Spectrum, alpha: np.ndarray) -> FloatArray:
    """d log p(y | α) / d log α for α of shape (t,) or (a, t), same shape out.

    With E(α) = min_w [RSS + α ‖Π^½ w‖²], dE/dα = ‖Π^½ w(α)‖² (the envelope theorem), so

        d log p / d log α = ½ [ Σ_k d_k / (d_k + α) − N α ‖Π^½ w(α)‖² / E(α) ],

    zero at MacKay's fixed point γ = N α ‖w‖² / E, γ the effective number of parameters.
    """
    xp = bk.namespace(spectrum.d)
    al = bk.as_float(xp, alpha, bk.device(spectrum.d))
    al2 = al[None, :] if al.ndim == 1 else al
    d = spectrum.d[:, None, None]
    z2 = (spectrum.z**2)[:, None, :]
    A = al2[None, ...]
    rss = spectrum.rss_floor[None, :] + xp.sum((A / (d + A)) ** 2 * z2 / d, axis=0)
    pen = xp.sum(z2 / (d + A) ** 2, axis=0)
    E = rss + al2 * pen
    gamma = xp.sum(d / (d + A), axis=0)
    out = 0.5 * (gamma - spectrum.sum_weights * al2 * pen / E)
    return out[0, ...] if al.ndim == 1 else out


def _polish(slope: Callable[[FloatArray], np.ndarray], x: FloatArray) -> FloatArray:
    """Refine maxima x (log α) from golden section to the root of the slope.

    Golden section locates a smooth maximum only to about √ε (the values are flat there);
    the slope crosses zero steeply, so bisection on it in a small bracket gives the maximizer
    to rounding. Where the slope does not change sign across the bracket, x is kept.
    """
    h = 1e-4
    lo, hi = x - h, x + h
    ok = (slope(lo) > 0) & (slope(hi) < 0)
    root = monotone_root(slope, np.zeros_like(x), lo, hi, decreasing=True, xtol=1e-15)
    return np.asarray(np.where(ok, root, x))


def evidence(spectrum: Spectrum, alphas: np.ndarray | None = None) -> tuple[Curve, FloatArray]:
    """Negative log evidence per unit weight for every α, and the maximizing α per target.

    Parameters
    ----------
    spectrum : Spectrum
    alphas : ndarray of shape (a,), optional
        Default: :func:`default_alphas`.

    Returns
    -------
    curve : Curve
        ``mean`` = −log p(y | α) / N, shape (a, t); ``se`` None.
    alpha : ndarray of shape (t,)
        The maximizer per target, refined off the grid (golden section in log α between the
        grid neighbours of the best grid point).
    """
    xp = bk.namespace(spectrum.d)
    al = grid_of(spectrum, alphas)
    t = spectrum.n_targets
    grid = xp.broadcast_to(al[:, None], (al.shape[0], t))
    mean = -log_evidence(spectrum, grid) / spectrum.sum_weights
    curve = Curve("evidence", al, mean, None, spectrum.df(al), spectrum.n_samples)
    with warnings.catch_warnings():  # the search below looks past the grid's edges itself
        warnings.simplefilter("ignore", GridEdgeWarning)
        best = select(curve, "min", per_target=True)
    la = np.log(bk.to_numpy(al))
    lo, hi = grid_bracket(la, best, overshoot=_OVERSHOOT)
    opt = golden_section(lambda x: -bk.to_numpy(log_evidence(spectrum, np.exp(x))), lo, hi)
    opt = _polish(lambda x: bk.to_numpy(evidence_slope(spectrum, np.exp(x))), opt)
    _warn_unbounded(opt, la)
    return curve, bk.as_float(xp, np.exp(opt), bk.device(spectrum.d))


def _warn_unbounded(opt: np.ndarray, la: np.ndarray) -> None:
    """Warn when the maximizer ran to the end of the search past the grid (no interior maximum).

    A maximum just beyond the grid is found by the search and needs no warning; one that runs
    off means the evidence keeps growing as α → 0 (a model that can interpolate, p ≥ n) or as
    α → ∞ (no signal the prior can explain).
    """
    low = opt < la[0] - _OVERSHOOT + 1.0
    high = opt > la[-1] + _OVERSHOOT - 1.0
    if low.any() or high.any():
        side = "α → 0 (the model can interpolate the data)" if low.any() else "α → ∞"
        warnings.warn(
            f"the evidence has no maximum inside the grid [{np.exp(la[0]):.3g}, "
            f"{np.exp(la[-1]):.3g}] or near it: it keeps growing as {side}; "
            "the α returned is the end of the search, not an optimum",
            GridEdgeWarning,
            stacklevel=3,
        )


def maximize_pooled(spectrum: Spectrum, alphas: FloatArray) -> float:
    """The single α maximizing the evidence summed over targets (refined like :func:`evidence`)."""
    t = spectrum.n_targets
    al = bk.to_numpy(alphas)
    grid = np.broadcast_to(al[:, None], (al.size, t))
    total = -bk.to_numpy(log_evidence(spectrum, grid)).sum(axis=1)
    lo, hi = grid_bracket(np.log(al), np.array([int(np.argmin(total))]))
    opt = golden_section(
        lambda x: -bk.to_numpy(log_evidence(spectrum, np.full(t, np.exp(x[0])))).sum(keepdims=True),
        lo,
        hi,
    )
    opt = _polish(
        lambda x: bk.to_numpy(evidence_slope(spectrum, np.full(t, np.exp(x[0])))).sum(
            keepdims=True
        ),
        opt,
    )
    return float(np.exp(opt[0]))
