"""Iterative ridge for large p: conjugate gradients on the implicitly centred normal equations.

For data X (n×p, sparse or dense), weights s, penalty factors π and the centred design
A = S^½ (X − 1x̄ᵀ) (x̄ = 0 without an intercept), ridge at α is the p×p system

    (AᵀA + αΠ) w = Aᵀ S^½ (y − ȳ),        b = ȳ − x̄ᵀw.

A is never formed: AᵀA v = Xᵀ S (Xv − 1(x̄ᵀv)) − x̄ (sᵀ(Xv − 1(x̄ᵀv))), applied by row blocks of
X, so the only arrays beyond X are (rows of one block) × (columns solved at once) and a few p×m
ones. Every target and every trace probe is solved in ONE batched, Jacobi-preconditioned CG
(one sparse product per iteration for all columns: 1.5× faster than ``scipy.sparse.linalg.cg``
run column by column on 17 columns of a 200,000 × 5,000 CSR matrix, see
``benchmarks/bench_sparse.py --cg-batch``; scipy's ``cg`` takes one right-hand side). Along a
grid the α are solved from the largest down, each warm-started from the previous solution.

The effective degrees of freedom tr H(α) = p − α tr((AᵀA + αΠ)⁻¹Π) come from the same solves:
with probes z_j, q_j = z_jᵀ Π^½ (AᵀA + αΠ)⁻¹ Π^½ z_j. With unit vectors (p ≤ ``n_probes``) the sum
is exact; otherwise the z_j are Rademacher vectors and their mean is Hutchinson's unbiased
estimate of the trace, reported with its standard error α · sd(q)/√m over the m probes.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp

from ridgeway._typing import FloatArray
from ridgeway.core.moments import column_means, column_sum_squares

__all__ = [
    "ITERATIVE_MIN_FEATURES",
    "CentredGram",
    "IterativeConvergenceWarning",
    "IterativePath",
    "batched_cg",
    "cg_path",
    "iterative_alphas",
    "trace_probes",
    "warn_unconverged",
]

ITERATIVE_MIN_FEATURES = 4096
"""Above this many features ``auto`` takes the iterative route for sparse X.

Measured on the 2-core development machine: ``numpy.linalg.eigh`` of a p×p Gram takes about 5 s
at p = 2,000, 28 s at p = 4,000 and 95 s at p = 6,000 (and the Gram itself needs 8p² bytes),
while a GCV path by CG over a 0.1 %-dense sparse X costs a few sparse products per α.
"""

N_PROBES = 16
"""Hutchinson probes for tr H(α) (exact unit probes when p ≤ this)."""

COEF_TOL = 1e-12  # relative residual of the coefficient solves
PROBE_TOL = 1e-6  # of the probe solves: far below the probes' own sampling error
_BLOCK_BYTES = 4 * 2**20  # per (rows × columns) block of A V


class IterativeConvergenceWarning(UserWarning):
    """CG stopped at its iteration limit before reaching its tolerance."""


class CentredGram:
    """The operator v ↦ AᵀA v of the centred, weighted design, applied by row blocks.

    Parameters
    ----------
    X : scipy sparse matrix or ndarray of shape (n, p)
        Not copied: CSR row blocks are views of its arrays.
    sample_weight : ndarray of shape (n,) or None
    x_mean : ndarray of shape (p,)
        Weighted column means (zeros for a model without intercept).
    """

    def __init__(self, X: Any, sample_weight: FloatArray | None, x_mean: FloatArray) -> None:
        self.X: Any = X.tocsr() if bool(sp.issparse(X)) else X
        self.n, self.p = X.shape
        self.w = sample_weight
        self.x_mean = np.asarray(x_mean, dtype=np.float64)
        self.diag = column_sum_squares(self.X, self.x_mean, sample_weight)

    def _blocks(self, width: int) -> list[tuple[Any, slice]]:
        rows = int(max(1024, _BLOCK_BYTES // (8 * max(width, 1))))
        X: Any = self.X
        sparse = bool(sp.issparse(X))
        out = []
        for s in range(0, self.n, rows):
            e = min(self.n, s + rows)
            if sparse:
                a, b = X.indptr[s], X.indptr[e]
                blk = sp.csr_matrix(
                    (X.data[a:b], X.indices[a:b], X.indptr[s : e + 1] - a), shape=(e - s, self.p)
                )
            else:
                blk = X[s:e]
            out.append((blk, slice(s, e)))
        return out

    def apply(self, V: np.ndarray) -> FloatArray:
        """AᵀA V for V of shape (p, m), shape (p, m)."""
        V = np.asarray(V, dtype=np.float64)
        out = np.zeros_like(V)
        xv = self.x_mean @ V
        wsum = np.zeros(V.shape[1])
        for blk, rows in self._blocks(V.shape[1]):
            U = np.asarray(blk @ V)
            U -= xv
            if self.w is not None:
                U *= self.w[rows, None]
            wsum += U.sum(axis=0)
            out += np.asarray(blk.T @ U)
        out -= np.outer(self.x_mean, wsum)
        return out

    def rhs(self, Yc: np.ndarray) -> FloatArray:
        """Aᵀ S^½ Yc = (X − 1x̄ᵀ)ᵀ S Yc for centred targets Yc (n, t), shape (p, t)."""
        wY = Yc if self.w is None else Yc * self.w[:, None]
        return np.asarray(self.X.T @ wY) - np.outer(self.x_mean, wY.sum(axis=0))

    def rss(self, W: np.ndarray, Yc: np.ndarray) -> FloatArray:
        """Σ s (yc − (X − 1x̄ᵀ) w)² for coefficients W (p, a, t) and Yc (n, t) → (a, t)."""
        p, a, t = W.shape
        Wf = W.reshape(p, a * t)
        xw = self.x_mean @ Wf
        out = np.zeros(a * t)
        for blk, rows in self._blocks(a * t):
            R = np.tile(Yc[rows], a) - (np.asarray(blk @ Wf) - xw)  # column i·t + j
            sq = R * R
            out += sq.sum(axis=0) if self.w is None else self.w[rows] @ sq
        return out.reshape(a, t)


def batched_cg(
    gram: CentredGram,
    B: np.ndarray,
    shift: np.ndarray,
    X0: np.ndarray | None = None,
    *,
    tol: np.ndarray | float = COEF_TOL,
    maxiter: int | None = None,
) -> tuple[FloatArray, int, np.ndarray]:
    """Solve (AᵀA + diag(shift[:, j])) x_j = b_j for every column j in one batched PCG.

    Parameters
    ----------
    gram : CentredGram
    B : ndarray of shape (p, m)
    shift : ndarray of shape (p, m)
        α_j π per column (non-negative).
    X0 : ndarray of shape (p, m), optional
        Starting point (warm start).
    tol : float or ndarray of shape (m,)
        Stop a column when ‖r_j‖ ≤ tol_j ‖b_j‖.
    maxiter : int, optional
        Default 10 p (at least 1,000).

    Returns
    -------
    X : ndarray of shape (p, m)
    iterations : int
    converged : ndarray of bool, shape (m,)
    """
    p, m = B.shape
    limit = maxiter if maxiter is not None else max(1000, 10 * p)
    X = np.zeros((p, m)) if X0 is None else np.array(X0, dtype=np.float64)
    R = B - (gram.apply(X) + shift * X) if X0 is not None else B.copy()
    dinv = 1.0 / np.maximum(gram.diag[:, None] + shift, np.finfo(float).tiny)
    goal = np.broadcast_to(np.asarray(tol, dtype=np.float64), (m,)) * np.linalg.norm(B, axis=0)
    active = np.linalg.norm(R, axis=0) > goal
    Z = dinv * R
    P = Z.copy()
    rz = np.einsum("ij,ij->j", R, Z)
    it = 0
    while active.any() and it < limit:
        idx = np.flatnonzero(active)
        Pa = P[:, idx]
        Q = gram.apply(Pa) + shift[:, idx] * Pa
        pq = np.einsum("ij,ij->j", Pa, Q)
        step = np.where(pq > 0, rz[idx] / np.where(pq > 0, pq, 1.0), 0.0)
        X[:, idx] += step * Pa
        R[:, idx] -= step * Q
        Za = dinv[:, idx] * R[:, idx]
        rz_new = np.einsum("ij,ij->j", R[:, idx], Za)
        beta = np.where(rz[idx] > 0, rz_new / np.where(rz[idx] > 0, rz[idx], 1.0), 0.0)
        P[:, idx] = Za + beta * Pa
        rz[idx] = rz_new
        it += 1
        done = (np.linalg.norm(R[:, idx], axis=0) <= goal[idx]) | (pq <= 0)
        active[idx[done]] = False
    return X, it, ~active


@dataclass(frozen=True, eq=False)
class IterativePath:
    """Ridge fits along a grid of α by CG, with tr H(α) from probe solves.

    Attributes
    ----------
    alphas : ndarray of shape (a,), ascending
    coef : ndarray of shape (a, p, t)
    intercept : ndarray of shape (a, t)
    rss : ndarray of shape (a, t)
        Weighted residual sum of squares, from a final pass over X.
    df : ndarray of shape (a,)
        tr H(α), intercept not counted (exact or Hutchinson's estimate).
    df_se : ndarray of shape (a,)
        Standard error of ``df`` over the probes (0 when exact).
    n_probes : int
    exact_trace : bool
    iterations : ndarray of int, shape (a,)
        CG iterations per α.
    n_samples, sum_weights : int, float
    """

    alphas: FloatArray
    coef: FloatArray
    intercept: FloatArray
    rss: FloatArray
    df: FloatArray
    df_se: FloatArray
    n_probes: int
    exact_trace: bool
    iterations: np.ndarray
    n_samples: int
    sum_weights: float


def trace_probes(penalty: FloatArray, n_probes: int, seed: int) -> tuple[FloatArray, bool]:
    """Π^½ z_j as columns (p, m): unit vectors when p ≤ n_probes (exact), else Rademacher."""
    p = penalty.size
    root = np.sqrt(penalty)
    if p <= n_probes:
        return np.diag(root), True
    Z = np.random.default_rng(seed).integers(0, 2, size=(p, n_probes)) * 2.0 - 1.0
    return root[:, None] * Z, False


def iterative_alphas(
    X: Any,
    sample_weight: FloatArray | None,
    penalty: FloatArray,
    fit_intercept: bool,
    n_alphas: int = 30,
) -> FloatArray:
    """Log-spaced grid from 10⁻³ of the mean eigenvalue of Π⁻¹G to 20 × its trace, ascending.

    tr(Π⁻¹G) = Σ_j G_jj/π_j (G the centred weighted Gram, π_j > 0) needs no eigenvalue and one
    exact pass over X; df ≈ tr/α ≈ 0.05 at the top, and the bottom reaches df ≈ p on a
    well-conditioned design (pass a grid of your own for others).
    """
    Y0 = np.zeros((X.shape[0], 1))
    xm, _ = column_means(X, Y0, sample_weight, fit_intercept)
    diag = column_sum_squares(X, xm, sample_weight)
    pos = penalty > 0
    tr = float((diag[pos] / penalty[pos]).sum())
    if not tr > 0:
        return np.geomspace(1e-3, 1e3, n_alphas)
    mean = tr / max(int(pos.sum()), 1)
    return np.geomspace(1e-3 * mean, 20.0 * tr, n_alphas)


def warn_unconverged(which: str, alpha: float, it: int) -> None:
    warnings.warn(
        f"CG did not converge for {which} at alpha={alpha:.3g} in {it} iterations: the system "
        "is ill-conditioned (collinear or unpenalized, badly scaled columns). Use a larger "
        "alpha, standardize=True, or a spectral solver",
        IterativeConvergenceWarning,
        stacklevel=3,
    )


def cg_path(
    X: Any,
    Y: np.ndarray,
    sample_weight: FloatArray | None,
    penalty: FloatArray,
    fit_intercept: bool,
    alphas: np.ndarray,
    *,
    n_probes: int = N_PROBES,
    seed: int = 0,
    maxiter: int | None = None,
) -> IterativePath:
    """Ridge coefficients, RSS and tr H for every α of a grid, by warm-started batched CG.

    Solves, for each α, (AᵀA + αΠ) W = Aᵀ S^½ (Y − ȳ) and the probe systems together, largest α
    first. See the module docstring for the objective and the trace estimate.

    Parameters
    ----------
    X : scipy sparse matrix or ndarray of shape (n, p)
    Y : ndarray of shape (n, t)
    sample_weight : ndarray of shape (n,) or None
    penalty : ndarray of shape (p,)
        π_j ≥ 0 (the unpenalized features must be linearly independent).
    fit_intercept : bool
    alphas : ndarray of shape (a,), positive
    n_probes : int, default 16
        Rademacher probes for the trace (unit probes, exact, when p ≤ n_probes).
    seed : int, default 0
    """
    n, p = X.shape
    t = Y.shape[1]
    xm, ym = column_means(X, Y, sample_weight, fit_intercept)
    gram = CentredGram(X, sample_weight, xm)
    Yc = np.asarray(Y - ym, dtype=np.float64)
    C = gram.rhs(Yc)
    Zp, exact = trace_probes(penalty, n_probes, seed)
    m = Zp.shape[1]
    B = np.hstack([C, Zp])
    tol = np.r_[np.full(t, COEF_TOL), np.full(m, COEF_TOL if exact else PROBE_TOL)]
    al = np.sort(np.asarray(alphas, dtype=np.float64))
    a = al.size
    coef = np.empty((a, p, t))
    df = np.empty(a)
    df_se = np.zeros(a)
    iters = np.zeros(a, dtype=int)
    Xk: FloatArray | None = None
    for i in range(a - 1, -1, -1):
        alpha = float(al[i])
        Xk, it, ok = batched_cg(
            gram, B, alpha * penalty[:, None] * np.ones((1, t + m)), Xk, tol=tol, maxiter=maxiter
        )
        if not ok.all():
            warn_unconverged(
                "the coefficients" if not ok[:t].all() else "the trace probes", alpha, it
            )
        iters[i] = it
        coef[i] = Xk[:, :t]
        q = np.einsum("pj,pj->j", Zp, Xk[:, t:])
        if exact:
            df[i] = p - alpha * q.sum()
        else:
            df[i] = p - alpha * q.mean()
            df_se[i] = alpha * q.std(ddof=1) / np.sqrt(m)
    rss = gram.rss(np.ascontiguousarray(coef.transpose(1, 0, 2)), Yc)
    icpt = ym[None, :] - np.einsum("p,apt->at", xm, coef)
    sw = float(n if sample_weight is None else sample_weight.sum())
    return IterativePath(al, coef, icpt, rss, df, df_se, m, exact, iters, n, sw)
