"""Solvers of L2-penalized logistic regression: plain functions with one signature, in a registry.

Each solver minimizes, for one α,

    F(b, W) = Σ_i s_i ℓ(y_i, b + x_iᵀW)  +  α Σ_j π_j ‖W_j‖²

(see :mod:`ridgeway.core.logistic_loss`) with the signature
``solver(problem, alpha, start, tol, max_iter) -> LogisticSolution``; ``start`` is a
(V, c) pair in standardized coordinates or None. Convergence means that the gradient of F/Σs
with respect to the standardized parameters has no entry above ``tol`` (scale-free, and the
quantity scikit-learn's lbfgs tests against its ``tol``).

- ``newton-cholesky``: Newton's method (IRLS) with the q×q Hessian, q = K(p + 1), formed in
  row chunks and solved by Cholesky, with an Armijo backtracking line search. Quadratic
  convergence; each iteration costs n q² flops. The default while q ≤ 1,500.
- ``newton-cg``: truncated Newton. Conjugate gradients on Hessian-vector products (one pass
  over X each, so no q×q matrix), preconditioned by the Hessian's diagonal, with the forcing
  term min(0.5, √‖g‖) and the same line search. The default for larger q, dense or sparse X.
- ``lbfgs``: SciPy's L-BFGS-B on F/Σs (gradient only).

With α = 0, or any feature left unpenalized, the minimum need not exist: when the classes are
separable along the unpenalized directions the fit diverges. :func:`check_separation` decides
this exactly by a linear program (Albert & Anderson 1984; Konis 2007) before any solver runs.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.optimize as sopt
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning

from ridgeway._typing import FloatArray
from ridgeway.core.logistic_loss import Evaluation, LogisticProblem, evaluate, hessian, hessp

__all__ = [
    "LOGISTIC_SOLVERS",
    "LogisticSolution",
    "SeparableDataError",
    "check_separation",
    "grad_norm",
    "penalized_hessian",
    "solve_logistic",
    "start_point",
]

Start = tuple[FloatArray, FloatArray] | None
_NEWTON_MAX_PARAMS = 1500
_LP_MAX_ENTRIES = 20_000_000


class SeparableDataError(ValueError):
    """The classes are separable along unpenalized directions: the fit would diverge."""


@dataclass(frozen=True, eq=False)
class LogisticSolution:
    """The result of every logistic solver.

    Attributes
    ----------
    coef : ndarray of shape (p, K)
        Coefficients in the units of X.
    intercept : ndarray of shape (K,)
    V, c : ndarrays of shapes (p, K) and (K,)
        The same point in standardized coordinates (for warm starts).
    objective : float
        F at the solution.
    n_iter : int
    converged : bool
    grad_norm : float
        Largest entry of the scaled gradient (∇F/Σs in standardized coordinates).
    solver : str
    """

    coef: FloatArray
    intercept: FloatArray
    V: FloatArray
    c: FloatArray
    objective: float
    n_iter: int
    converged: bool
    grad_norm: float
    solver: str


def grad_norm(ev: Evaluation, sum_weights: FloatArray, fit_intercept: bool) -> FloatArray:
    """max |∇F| / Σs per problem (shape (R,)), over coefficients and intercepts."""
    g = np.abs(ev.grad_V).max(axis=(0, 2))
    if fit_intercept:
        g = np.maximum(g, np.abs(ev.grad_c).max(axis=1))
    return np.asarray(g / sum_weights)


def start_point(pr: LogisticProblem, S: FloatArray) -> tuple[FloatArray, FloatArray]:
    """The intercept-only solution of R problems (V = 0): log odds of the weighted frequencies.

    Returns V of shape (p, R, K) and c of shape (R, K).
    """
    p = pr.X.shape[1]
    R, K = S.shape[1], pr.n_classes_param
    V = np.zeros((p, R, K))
    if not pr.fit_intercept:
        return V, np.zeros((R, K))
    freq = (S.T @ pr.Y) / S.sum(axis=0)[:, None]  # (R, K)
    freq = np.clip(freq, 1e-12, 1.0 - 1e-12)
    if K == 1:
        c = np.log(freq) - np.log1p(-freq)
    else:
        lf = np.log(freq)
        c = lf - lf.mean(axis=1, keepdims=True)
    return V, np.asarray(c)


def penalized_hessian(pr: LogisticProblem, H: FloatArray, alpha: float, mu: float) -> FloatArray:
    """Add the penalty 2απ/sd² and the softmax sum term 2μ to a Hessian from :func:`hessian`."""
    K = pr.n_classes_param
    p = pr.X.shape[1]
    q1 = p + int(pr.fit_intercept)
    out = H.copy()
    diag = np.zeros(q1)
    diag[:p] = 2.0 * alpha * pr.penalty_std
    out[np.diag_indices_from(out)] += np.tile(diag, K)
    if K > 1:
        idx = np.arange(q1)
        for k in range(K):
            for j in range(K):
                out[k * q1 + idx, j * q1 + idx] += 2.0 * mu
    return out


def _inverse(H: FloatArray) -> FloatArray:
    """H⁻¹ for symmetric positive definite H; a clipped pseudo-inverse when H is singular."""
    try:
        piv = np.diag(np.linalg.cholesky(H)) ** 2
        # λ_min ≤ every pivot: one at rounding level means H is singular but for rounding
        if piv.min() > 1e-12 * float(np.diag(H).max()):
            return np.asarray(np.linalg.inv(H))
    except np.linalg.LinAlgError:
        pass
    lam, U = np.linalg.eigh(H)
    floor = max(float(lam[-1]), 1.0) * 1e-12
    return np.asarray((U / np.maximum(lam, floor)) @ U.T)


def _pack(pr: LogisticProblem, gV: FloatArray, gc: FloatArray) -> FloatArray:
    """Parameters (p, K), (K,) → one class-major vector of length q."""
    if pr.fit_intercept:
        return np.asarray(np.vstack([gV, gc[None, :]]).T.reshape(-1))
    return np.asarray(gV.T.reshape(-1))


def _unpack(pr: LogisticProblem, vec: FloatArray) -> tuple[FloatArray, FloatArray]:
    K = pr.n_classes_param
    q1 = pr.X.shape[1] + int(pr.fit_intercept)
    M = vec.reshape(K, q1).T
    if pr.fit_intercept:
        return np.asarray(M[:-1]), np.asarray(M[-1])
    return np.asarray(M), np.zeros(K)


class _Single:
    """One problem (R = 1) seen as a function of (V (p, K), c (K,))."""

    def __init__(self, pr: LogisticProblem, alpha: float) -> None:
        self.pr = pr
        self.S = pr.sample_weight[:, None]
        self.alpha = np.array([alpha])
        self.sw = np.array([float(pr.sample_weight.sum())])
        self.mu = float(pr.identifiability(self.sw)[0])
        self.n_eval = 0

    def __call__(self, V: FloatArray, c: FloatArray) -> Evaluation:
        self.n_eval += 1
        return evaluate(self.pr, V[:, None, :], c[None, :], self.S, self.alpha)

    def gnorm(self, ev: Evaluation) -> float:
        return float(grad_norm(ev, self.sw, self.pr.fit_intercept)[0])

    def grad(self, ev: Evaluation) -> FloatArray:
        return _pack(self.pr, ev.grad_V[:, 0, :], ev.grad_c[0])


def _line_search(
    f: _Single, V: FloatArray, c: FloatArray, ev: Evaluation, step: FloatArray
) -> tuple[FloatArray, FloatArray, Evaluation, bool]:
    """Armijo backtracking from a full step; returns the new point and whether it moved."""
    g = f.grad(ev)
    slope = float(g @ step)
    if slope >= 0:  # not a descent direction (numerical trouble): take the gradient step
        step = -g / max(float(np.abs(g).max()), 1e-300) * 1e-3
        slope = float(g @ step)
    dV, dc = _unpack(f.pr, step)
    f0 = float(ev.objective[0])
    g0 = f.gnorm(ev)
    noise = 64 * np.finfo(float).eps * max(abs(f0), 1.0)
    t = 1.0
    for _ in range(40):
        V1, c1 = V + t * dV, c + t * dc
        ev1 = f(V1, c1)
        f1 = float(ev1.objective[0])
        if np.isfinite(f1) and f1 <= f0 + 1e-4 * t * slope:
            return V1, c1, ev1, True
        # at the precision floor the objective cannot show a decrease; the gradient can
        if np.isfinite(f1) and f1 <= f0 + noise and f.gnorm(ev1) < g0:
            return V1, c1, ev1, True
        t *= 0.5
    return V, c, ev, False


def _solution(
    f: _Single, V: FloatArray, c: FloatArray, ev: Evaluation, n_iter: int, tol: float, name: str
) -> LogisticSolution:
    W, b = f.pr.to_raw(V, c)
    gn = f.gnorm(ev)
    return LogisticSolution(W, b, V, c, float(ev.objective[0]), n_iter, gn <= tol, gn, name)


def _start(pr: LogisticProblem, start: Start) -> tuple[FloatArray, FloatArray]:
    if start is not None:
        return np.array(start[0], dtype=np.float64), np.array(start[1], dtype=np.float64)
    V, c = start_point(pr, pr.sample_weight[:, None])
    return V[:, 0, :], c[0]


def newton_cholesky(
    pr: LogisticProblem, alpha: float, start: Start, tol: float, max_iter: int
) -> LogisticSolution:
    """Newton's method with the Cholesky-checked Hessian and a backtracking line search."""
    f = _Single(pr, alpha)
    V, c = _start(pr, start)
    ev = f(V, c)
    it = 0
    while it < max_iter and f.gnorm(ev) > tol:
        it += 1
        H = penalized_hessian(pr, hessian(pr, ev.eta[:, 0, :], pr.sample_weight), alpha, f.mu)
        step = -_inverse(H) @ f.grad(ev)
        V, c, ev, moved = _line_search(f, V, c, ev, step)
        if not moved:
            break
    return _solution(f, V, c, ev, it, tol, "newton-cholesky")


def _hess_diag(pr: LogisticProblem, eta: FloatArray, alpha: float, mu: float) -> FloatArray:
    """Diagonal of the penalized Hessian (the CG preconditioner), in packed order."""
    X = pr.X
    K = pr.n_classes_param
    if K == 1:
        Pr = 1.0 / (1.0 + np.exp(-eta))
        dk = Pr * (1.0 - Pr)
    else:
        ex = np.exp(eta - eta.max(axis=1, keepdims=True))
        Pr = ex / ex.sum(axis=1, keepdims=True)
        dk = Pr * (1.0 - Pr)
    wd = pr.sample_weight[:, None] * dk  # (n, K)
    sq = X.multiply(X) if bool(sp.issparse(X)) else X * X
    s2 = np.asarray(sq.T @ wd)
    s1 = np.asarray(X.T @ wd)
    m, sd = pr.center, pr.scale
    tot = wd.sum(axis=0)
    dv = (s2 - 2 * m[:, None] * s1 + m[:, None] ** 2 * tot[None, :]) / sd[:, None] ** 2
    dv += 2.0 * alpha * pr.penalty_std[:, None] + 2.0 * mu
    dc = tot + 2.0 * mu
    return _pack(pr, dv, dc)


def newton_cg(
    pr: LogisticProblem, alpha: float, start: Start, tol: float, max_iter: int
) -> LogisticSolution:
    """Truncated Newton: preconditioned CG on Hessian-vector products, then a line search."""
    f = _Single(pr, alpha)
    V, c = _start(pr, start)
    ev = f(V, c)
    it = 0
    K = pr.n_classes_param
    w = pr.sample_weight
    while it < max_iter and f.gnorm(ev) > tol:
        it += 1
        eta = ev.eta[:, 0, :]
        g = f.grad(ev)
        hd = _hess_diag(pr, eta, alpha, f.mu)
        Minv = 1.0 / np.maximum(hd, 1e-10 * float(hd.max()))  # 0 for a curvature-free column

        def apply(vec: FloatArray, eta: FloatArray = eta) -> FloatArray:
            dV, dc = _unpack(pr, vec)
            hv, hc = hessp(pr, eta, w, dV, dc)
            hv = hv + 2.0 * alpha * pr.penalty_std[:, None] * dV
            if K > 1:
                hv = hv + 2.0 * f.mu * dV.sum(axis=1, keepdims=True)
                if pr.fit_intercept:
                    hc = hc + 2.0 * f.mu * dc.sum()
            return _pack(pr, hv, hc)

        gnorm2 = float(np.linalg.norm(g))
        eps = min(0.5, np.sqrt(gnorm2 / f.sw[0])) * gnorm2
        x = np.zeros_like(g)
        r = -g
        z = Minv * r
        d = z.copy()
        rz = float(r @ z)
        for _ in range(max(10, 2 * g.size)):
            if float(np.linalg.norm(r)) <= eps:
                break
            Ad = apply(d)
            curv = float(d @ Ad)
            if curv <= 0:
                break
            a = rz / curv
            x += a * d
            r -= a * Ad
            z = Minv * r
            rz_new = float(r @ z)
            d = z + (rz_new / rz) * d
            rz = rz_new
        if not x.any():
            x = -Minv * g
        V, c, ev, moved = _line_search(f, V, c, ev, x)
        if not moved:
            break
    return _solution(f, V, c, ev, it, tol, "newton-cg")


def lbfgs(
    pr: LogisticProblem, alpha: float, start: Start, tol: float, max_iter: int
) -> LogisticSolution:
    """SciPy's L-BFGS-B on F/Σs in standardized coordinates."""
    f = _Single(pr, alpha)
    V, c = _start(pr, start)
    sw = float(f.sw[0])

    def fun(vec: FloatArray) -> tuple[float, FloatArray]:
        ev = f(*_unpack(pr, vec))
        return float(ev.objective[0]) / sw, f.grad(ev) / sw

    res = sopt.minimize(
        fun,
        _pack(pr, V, c),
        jac=True,
        method="L-BFGS-B",
        options={
            "maxiter": max_iter,
            "maxfun": 2 * max_iter + 20,
            "gtol": tol,
            "ftol": 0.0,
            "maxcor": 20,
        },
    )
    V, c = _unpack(pr, np.asarray(res.x))
    ev = f(V, c)
    return _solution(f, V, c, ev, int(res.nit), tol, "lbfgs")


LOGISTIC_SOLVERS: dict[str, Callable[[LogisticProblem, float, Start, float, int], LogisticSolution]]
LOGISTIC_SOLVERS = {"newton-cholesky": newton_cholesky, "newton-cg": newton_cg, "lbfgs": lbfgs}


def check_separation(pr: LogisticProblem, free: FloatArray) -> None:
    """Raise :class:`SeparableDataError` if the classes separate along the free directions.

    The maximum-likelihood fit restricted to the unpenalized parameters (the columns with
    ``free`` True, and the intercept) exists iff no nonzero θ gives every row a margin
    η_{i,y_i} − η_{i,k} ≥ 0 (complete or quasi-complete separation, Albert & Anderson 1984).
    That is decided by the feasibility of a linear program with the margins summing to 1.
    """
    cols = np.flatnonzero(free)
    keep = pr.sample_weight > 0
    if cols.size == 0 and not pr.fit_intercept:
        return
    Xall: Any = pr.X
    X = Xall.tocsr()[keep] if bool(sp.issparse(Xall)) else Xall[keep]
    Xu = X[:, cols]
    Xu = np.asarray(Xu.toarray() if bool(sp.issparse(Xu)) else Xu, dtype=np.float64)
    Z = (Xu - pr.center[cols]) / pr.scale[cols]
    if pr.fit_intercept:
        Z = np.hstack([Z, np.ones((Z.shape[0], 1))])
    n, q1 = Z.shape
    K = pr.n_classes_param
    Y = pr.Y[keep]
    if K == 1:
        M = Z * (2.0 * Y[:, :1] - 1.0)
    else:
        lab = Y.argmax(axis=1)
        if n * (K - 1) * q1 * K > _LP_MAX_ENTRIES:
            return  # too large for the exact test; divergence is then reported by the solver
        rows = []
        for k in range(K):
            other = lab != k
            blk = np.zeros((int(other.sum()), q1 * K))
            zi = Z[other]
            li = lab[other]
            for cls in range(K):
                mask = li == cls
                blk[mask, cls * q1 : (cls + 1) * q1] += zi[mask]
            blk[:, k * q1 : (k + 1) * q1] -= zi
            rows.append(blk)
        M = np.vstack(rows)
    if M.size > _LP_MAX_ENTRIES:
        return
    res = sopt.linprog(
        np.zeros(M.shape[1]),
        A_ub=-M,
        b_ub=np.zeros(M.shape[0]),
        A_eq=M.sum(axis=0, keepdims=True),
        b_eq=np.ones(1),
        bounds=(None, None),
        method="highs",
    )
    if res.status == 0:
        what = "with alpha = 0" if cols.size == pr.X.shape[1] else "along the unpenalized features"
        raise SeparableDataError(
            "the classes are separable " + what + ": a linear combination of the features "
            "splits them (completely or quasi-completely), so the unpenalized maximum-likelihood "
            "fit does not exist and its coefficients diverge. Use alpha > 0 (and a positive "
            "penalty_factor for those features), or remove the separating features"
        )


def solve_logistic(
    pr: LogisticProblem,
    alpha: float,
    solver: str = "auto",
    *,
    start: Start = None,
    tol: float = 1e-8,
    max_iter: int = 100,
    who: str = "LogisticRidge",
) -> LogisticSolution:
    """Fit one penalized logistic problem, choosing the solver and reporting trouble clearly.

    ``auto`` takes ``newton-cholesky`` while q = K(p + 1) ≤ 1,500 and ``newton-cg`` otherwise.
    A fit that does not converge warns (ConvergenceWarning) with the iteration count, the
    gradient norm, and what to change.
    """
    q = pr.n_params
    name = (
        solver
        if solver != "auto"
        else ("newton-cholesky" if q <= _NEWTON_MAX_PARAMS else "newton-cg")
    )
    free = alpha * pr.penalty == 0
    if free.any():
        check_separation(pr, free)
    sol = LOGISTIC_SOLVERS[name](pr, alpha, start, tol, max_iter)
    if not sol.converged:
        warnings.warn(
            f"{who} did not converge: after {sol.n_iter} iterations of solver {name!r} the "
            f"largest scaled gradient entry is {sol.grad_norm:.2e} (tol={tol:g}). Increase "
            "max_iter, loosen tol, use a larger alpha, or try another solver "
            "('newton-cholesky' converges fastest while the features are few)",
            ConvergenceWarning,
            stacklevel=3,
        )
    return sol
