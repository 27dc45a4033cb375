"""λ for the projected Tikhonov problem of the hybrid method.

After k Golub–Kahan steps (:mod:`ridgeway.inverse.bidiag`) the hybrid method
(:mod:`ridgeway.inverse.hybrid`) solves the small problem min ‖B_k y − β₁e₁‖² + λ²‖y‖². With
the SVD B_k = P diag(s) Qᵀ, c the first k coefficients of β₁ Pᵀe₁ and t0 the square of the
last one, its residual and degrees of freedom are cheap for any λ (:func:`_projected_terms`),
and λ is chosen by weighted GCV (Chung, Nagy & O'Leary 2008; the adaptive weight
:func:`_wgcv_omega`, the minimizer :func:`_choose_gcv` that follows the previous iteration's
local minimum) or by the discrepancy principle (:func:`_choose_discrepancy`).
"""

from __future__ import annotations

import numpy as np

from ridgeway._search import golden_section, grid_bracket, monotone_root
from ridgeway._typing import FloatArray


def _projected_terms(
    s: FloatArray, c: FloatArray, t0: float, lam: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """‖B y_λ − β₁e₁‖² and Σ f_i for each λ (any shape) of the projected problem."""
    lam = np.asarray(lam, dtype=np.float64)
    s2 = s * s
    l2 = (lam * lam)[..., None]
    one_minus = l2 / (s2 + l2)
    res2 = ((one_minus * c) ** 2).sum(axis=-1) + t0
    return res2, (1.0 - one_minus).sum(axis=-1)


def _wgcv_omega(s: FloatArray, c: FloatArray, t0: float) -> float:
    """Chung–Nagy–O'Leary's ω for one iteration: dG_ω/dλ = 0 at λ = the smallest s_i.

    With R(λ) the projected residual², tt_i = 1/(s_i² + λ²) and m = k + 1, the derivative of
    R / (m − ω Σ s_i² tt_i)² vanishes when ω = m λ² V / (λ² V Σ s_i² tt_i + R Σ s_i² tt_i²),
    V = Σ c_i² s_i² tt_i³.
    """
    lam2 = float(s[-1]) ** 2
    s2 = s * s
    tt = 1.0 / (s2 + lam2)
    R = float((((lam2 * tt) * c) ** 2).sum()) + t0
    V = float((c * c * s2 * tt**3).sum())
    den = lam2 * V * float((s2 * tt).sum()) + R * float((s2 * tt * tt).sum())
    if den <= 0 or not np.isfinite(den):
        return 1.0
    return (s.size + 1) * lam2 * V / den


def _local_minima(values: np.ndarray, rtol: float = 1e-9) -> list[int]:
    """Grid indices of the local minima of a sampled function, plateaus counted once.

    Neighbouring values within ``rtol`` (relative) form one run; a run lower than the runs on
    both sides (or at an end of the grid, lower than its one neighbour) is a local minimum,
    represented by its inner end (an end run) or its middle.
    """
    g = values.size
    starts = [0]
    for i in range(1, g):
        if abs(values[i] - values[i - 1]) > rtol * max(abs(values[i]), abs(values[i - 1])):
            starts.append(i)
    ends = [*starts[1:], g]
    level = [float(values[a:b].min()) for a, b in zip(starts, ends, strict=True)]
    out = []
    for j, (a, b) in enumerate(zip(starts, ends, strict=True)):
        left = level[j - 1] if j > 0 else np.inf
        right = level[j + 1] if j + 1 < len(level) else np.inf
        if level[j] < left and level[j] < right:
            if j == 0 and len(level) > 1:
                out.append(b - 1)
            elif j == len(level) - 1 and len(level) > 1:
                out.append(a)
            else:
                out.append((a + b - 1) // 2)
    return out or [int(np.argmin(values))]


def _choose_gcv(
    s: FloatArray, c: FloatArray, t0: float, omega: float, previous: float | None
) -> float:
    """A minimizer of ‖B y_λ − β₁e₁‖² / (k + 1 − ω Σ f_i)², continued from the previous λ.

    The function is sampled on a log grid from s_k/100 to 100 s_1; among its local minima the
    nearest (in log λ) to the previous iteration's λ is refined by golden-section search (the
    global minimizer at the first iteration). The projected GCV function often has two
    minima, and the global one can jump between them as k grows: to the plateau λ → 0 (the
    plain LSQR iterate, fitting noise once the Krylov space holds it) or to λ → ∞ (x = x₀);
    following the minimum that the earlier iterations chose avoids these jumps.
    """
    k = s.size
    hi = float(s[0]) * 100.0
    lo = max(float(s[-1]), float(s[0]) * 1e-14) * 1e-2
    grid = np.linspace(np.log(lo), np.log(hi), 100)

    def wgcv(loglam: np.ndarray) -> np.ndarray:
        res2, sumf = _projected_terms(s, c, t0, np.exp(loglam))
        return np.asarray(res2 / (k + 1.0 - omega * sumf) ** 2)

    values = wgcv(grid)
    minima = _local_minima(values)
    if previous is None or previous <= 0 or not np.isfinite(previous):
        i = min(minima, key=lambda j: values[j])
    else:
        i = min(minima, key=lambda j: abs(grid[j] - np.log(previous)))
    a, bb = grid_bracket(grid, np.asarray(i), overshoot=np.log(10.0))
    return float(np.exp(golden_section(wgcv, a, bb, xtol=1e-8)))


def _choose_discrepancy(
    s: FloatArray, c: FloatArray, t0: float, target: float
) -> tuple[float, bool]:
    """λ with ‖B y_λ − β₁e₁‖ = target, or (0, False) if even λ = 0 leaves a larger residual."""
    if t0 >= target * target:
        return 0.0, False

    def res(loglam: np.ndarray) -> np.ndarray:
        return np.sqrt(_projected_terms(s, c, t0, np.exp(loglam))[0])

    lo, hi = np.log(max(float(s[-1]), 1e-300)), np.log(float(s[0]))
    for _ in range(60):
        if float(res(np.asarray(lo))) <= target:
            break
        lo -= np.log(10.0)
    for _ in range(60):
        if float(res(np.asarray(hi))) >= target:
            break
        hi += np.log(10.0)
    root = monotone_root(
        res, np.asarray(target), np.asarray(lo), np.asarray(hi), decreasing=False, xtol=1e-10
    )
    return float(np.exp(root)), True
