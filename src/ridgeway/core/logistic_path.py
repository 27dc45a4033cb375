"""The penalized logistic fit over a grid of α, warm-started from the largest α, for R problems.

The R problems share X and differ only in their row weights S[:, r] (the whole data and the
training rows of each cross-validation fold), so every pass over X serves all of them: the
cost of a pass is reading X once, and R extra columns in the products are nearly free.

Along the path (α descending) each problem starts from the previous α's solution: its gradient
there for the new α is known without a pass (only the penalty's term 2απV changes), and the first
Newton step from it is the tangent prediction

    θ(α') ≈ θ(α) − (α' − α) M(α')⁻¹ 2ΠV,

plus the correction of any remaining gradient. The steps use a *shared, lagged* Hessian: that of
the reference problem r₀ (the whole data, when present) at a recent point, scaled by
Σs_r/Σs_r₀, plus each problem's own penalty; one eigendecomposition relative to the penalty
serves every α and every scale. The q×q Hessian costs n q² flops, a gradient pass n q, so the
Hessian is recomputed only when the gradient stops contracting by 4× per step (the chord method;
each step then still gains about a digit). A problem whose rows differ so much from
the reference that the shared Hessian does not contract it gets its own Hessian. Every step is
checked by the objective, halving where it does not decrease.

Problems with more than 1,500 parameters go through :func:`solve_logistic` one α and one
problem at a time, warm-started the same way.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from ridgeway._typing import FloatArray
from ridgeway.core.logistic_loss import Evaluation, LogisticProblem, evaluate, hessian
from ridgeway.core.logistic_solvers import (
    _NEWTON_MAX_PARAMS,
    grad_norm,
    penalized_hessian,
    solve_logistic,
    start_point,
)

__all__ = ["LogisticPath", "logistic_path"]

_REFRESH_RATIO = 0.25
_OWN_RATIO = 0.5


@dataclass(frozen=True, eq=False)
class LogisticPath:
    """Solutions of R problems on a grid of α.

    Attributes
    ----------
    alphas : ndarray of shape (a,)
        The grid, ascending.
    V : ndarray of shape (a, p, R, K)
        Standardized coefficients (see :class:`LogisticProblem`; ``pr.to_raw`` converts).
    c : ndarray of shape (a, R, K)
    converged : ndarray of shape (a, R), bool
    grad_norm : ndarray of shape (a, R)
    n_passes : int
        Gradient passes over X for the whole path.
    n_hessians : int
        Hessians formed (each costs about q passes' worth of flops).
    n_steps : ndarray of shape (a,)
        Newton steps taken at each α.
    """

    alphas: FloatArray
    V: FloatArray
    c: FloatArray
    converged: np.ndarray
    grad_norm: FloatArray
    n_passes: int
    n_hessians: int
    n_steps: np.ndarray


def _packed(pr: LogisticProblem, gV: FloatArray, gc: FloatArray) -> FloatArray:
    """(p, R, K), (R, K) → (R, q) class-major, intercept last within each class block."""
    R = gc.shape[0]
    if pr.fit_intercept:
        full = np.concatenate([gV, gc[None]], axis=0)  # (q1, R, K)
    else:
        full = gV
    return np.asarray(full.transpose(1, 2, 0).reshape(R, -1))


def _unpacked(pr: LogisticProblem, vec: FloatArray) -> tuple[FloatArray, FloatArray]:
    R = vec.shape[0]
    K = pr.n_classes_param
    q1 = pr.X.shape[1] + int(pr.fit_intercept)
    full = vec.reshape(R, K, q1).transpose(2, 0, 1)
    if pr.fit_intercept:
        return np.asarray(full[:-1]), np.asarray(full[-1])
    return np.asarray(full), np.zeros((R, K))


def _sequential(
    pr: LogisticProblem, al: FloatArray, S: FloatArray, tol: float, max_iter: int
) -> LogisticPath:
    """One problem and one α at a time through :func:`solve_logistic` (large q)."""
    p = pr.X.shape[1]
    R, K = S.shape[1], pr.n_classes_param
    a = al.size
    V = np.zeros((a, p, R, K))
    c = np.zeros((a, R, K))
    conv = np.zeros((a, R), dtype=bool)
    gn = np.zeros((a, R))
    steps = np.zeros(a, dtype=int)
    V0, c0 = start_point(pr, S)
    for r in range(R):
        sub = dataclasses.replace(pr, sample_weight=S[:, r])
        start = (V0[:, r], c0[r])
        for i in range(a - 1, -1, -1):
            sol = solve_logistic(sub, float(al[i]), start=start, tol=tol, max_iter=max_iter)
            V[i, :, r], c[i, r], conv[i, r], gn[i, r] = sol.V, sol.c, sol.converged, sol.grad_norm
            steps[i] = max(int(steps[i]), sol.n_iter)
            start = (sol.V, sol.c)
    return LogisticPath(al, V, c, conv, gn, 0, 0, steps)


class _Preconditioner:
    """M(α)⁻¹ = (s H + α D)⁻¹ for every α and scale s from one factorization of H.

    With H = L Lᵀ and L⁻¹ D L⁻ᵀ = U Λ Uᵀ, (s H + α D)⁻¹ = T diag(1/(s + αΛ)) Tᵀ, T = L⁻ᵀU:
    changing α or the problem's scale costs no factorization.
    """

    def __init__(self, H: FloatArray, D: FloatArray) -> None:
        q = H.shape[0]
        jitter = 1e-13 * max(float(np.abs(np.diagonal(H)).max()), 1.0)
        try:
            L = np.linalg.cholesky(H)
        except np.linalg.LinAlgError:
            L = np.linalg.cholesky(H + jitter * np.eye(q))
        Li = np.linalg.inv(L)
        B = (Li * D[None, :]) @ Li.T
        lam, U = np.linalg.eigh((B + B.T) / 2)
        self.lam = np.maximum(lam, 0.0)
        self.T = Li.T @ U

    def solve(self, G: FloatArray, alpha: float, scale: FloatArray) -> FloatArray:
        """M⁻¹ g for each row of G (R, q), problem r scaled by ``scale[r]``."""
        Z = G @ self.T  # (R, q) = (Tᵀ g_r)ᵀ
        Z = Z / (scale[:, None] + alpha * self.lam[None, :])
        return np.asarray(Z @ self.T.T)


def _shift(pr: LogisticProblem, ev: Evaluation, V: FloatArray, d_alpha: float) -> Evaluation:
    """The objective and gradient at the same point for α + d_alpha (no pass over X)."""
    pen = pr.penalty_std[:, None, None] * V
    return Evaluation(
        ev.objective + d_alpha * np.einsum("prk,prk->r", pen, V),
        ev.loss,
        ev.grad_V + 2.0 * d_alpha * pen,
        ev.grad_c,
        ev.eta,
    )


def logistic_path(
    pr: LogisticProblem,
    alphas: FloatArray,
    S: FloatArray | None = None,
    *,
    reference: int = 0,
    tol: float = 1e-7,
    max_iter: int = 100,
) -> LogisticPath:
    """Fit R penalized logistic problems for every α of a grid, largest α first.

    Parameters
    ----------
    pr : LogisticProblem
    alphas : ndarray of shape (a,)
        Positive penalties (any order; the result is ascending).
    S : ndarray of shape (n, R), optional
        Row weights of each problem; default ``pr.sample_weight`` as one problem.
    reference : int
        The problem whose Hessian is shared (the one with the most rows).
    tol : float
        Convergence: the largest scaled gradient entry (∇F/Σs, standardized) ≤ tol.
    max_iter : int
        Newton steps allowed per α.

    Returns
    -------
    LogisticPath
    """
    al = np.sort(np.asarray(alphas, dtype=np.float64))
    if S is None:
        S = pr.sample_weight[:, None]
    if pr.n_params > _NEWTON_MAX_PARAMS:
        return _sequential(pr, al, S, tol, max_iter)
    p = pr.X.shape[1]
    R, K = S.shape[1], pr.n_classes_param
    a = al.size
    sw = S.sum(axis=0)
    scale = sw / sw[reference]
    mu = pr.identifiability(sw)
    out_V = np.zeros((a, p, R, K))
    out_c = np.zeros((a, R, K))
    conv = np.zeros((a, R), dtype=bool)
    gns = np.zeros((a, R))
    steps = np.zeros(a, dtype=int)
    V, c = start_point(pr, S)
    pen = np.zeros(p + int(pr.fit_intercept))
    pen[:p] = pr.penalty_std
    D = 2.0 * np.tile(pen, K)  # the penalty's Hessian, packed
    shared: _Preconditioner | None = None
    own: dict[int, _Preconditioner] = {}
    passes = hessians = 0

    def precondition(ev: Evaluation, refresh_own: set[int]) -> None:
        nonlocal shared, hessians
        H = hessian(pr, ev.eta[:, reference, :], S[:, reference])
        shared = _Preconditioner(penalized_hessian(pr, H, 0.0, float(mu[reference])), D)
        hessians += 1
        for r in set(own) | refresh_own:
            Hr = hessian(pr, ev.eta[:, r, :], S[:, r])
            own[r] = _Preconditioner(penalized_hessian(pr, Hr, 0.0, float(mu[r])), D)
            hessians += 1

    def newton_steps(G: FloatArray, alpha: float) -> FloatArray:
        assert shared is not None
        out = shared.solve(G, alpha, scale)
        for r, pc in own.items():
            out[r] = pc.solve(G[r : r + 1], alpha, np.ones(1))[0]
        return out

    ev = evaluate(pr, V, c, S, np.full(R, al[-1]))
    passes += 1
    prev_alpha = float(al[-1])
    for i in range(a - 1, -1, -1):
        alpha = float(al[i])
        avec = np.full(R, alpha)
        ev = _shift(pr, ev, V, alpha - prev_alpha)
        gn = grad_norm(ev, sw, pr.fit_intercept)
        it = 0
        ratio = np.zeros(R)
        last_fresh = False
        while (gn > tol).any() and it < max_iter:
            it += 1
            fresh = shared is None or bool((ratio > _REFRESH_RATIO).any())
            if fresh:
                # problems a fresh shared Hessian did not contract get their own
                slow = np.flatnonzero(ratio > _OWN_RATIO) if last_fresh else np.zeros(0, int)
                precondition(ev, {int(r) for r in slow if int(r) != reference})
            todo = gn > tol
            g = _packed(pr, ev.grad_V, ev.grad_c)
            step = -newton_steps(g, alpha) * todo[:, None]
            theta = _packed(pr, V, c)
            t = np.ones(R)
            f0 = ev.objective
            slope = np.einsum("ri,ri->r", g, step)
            noise = 64 * np.finfo(float).eps * np.maximum(np.abs(f0), 1.0)
            for _half in range(30):
                V1, c1 = _unpacked(pr, theta + t[:, None] * step)
                ev1 = evaluate(pr, V1, c1, S, avec)
                passes += 1
                gn1 = grad_norm(ev1, sw, pr.fit_intercept)
                ok = np.isfinite(ev1.objective) & (
                    (ev1.objective <= f0 + 1e-4 * t * slope)
                    | ((ev1.objective <= f0 + noise) & (gn1 < gn))
                    | ~todo
                )
                if ok.all():
                    break
                t = np.where(ok, t, 0.5 * t)
            else:
                break
            ratio = np.where(todo, gn1 / np.maximum(gn, 1e-300), 0.0)
            last_fresh = fresh
            V, c, ev, gn = V1, c1, ev1, gn1
        out_V[i], out_c[i], conv[i], gns[i], steps[i] = V, c, gn <= tol, gn, it
        prev_alpha = alpha
    return LogisticPath(al, out_V, out_c, conv, gns, passes, hessians, steps)
