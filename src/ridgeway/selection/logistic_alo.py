"""Approximate leave-one-out (ALO) for L2-penalized logistic regression, for every α of a path.

For the objective of :mod:`ridgeway.core.logistic_loss`,

    F(θ) = Σ_i s_i ℓ(y_i, η_i)  +  α Σ_j π_j ‖W_j‖²,   η_i = J_i θ  (K values per row),

the fit without row i minimizes F − s_i ℓ_i (a row of weight s is s copies of one sample, and
leaving it out removes all of them). One Newton step from the full solution θ̂, where the
gradient of F − s_i ℓ_i is −s_i J_iᵀ g_i and its Hessian is M − s_i J_iᵀ D_i J_i, gives with
Woodbury's identity the ALO linear predictor of Rad & Maleki (2020, "A scalable estimate of
the out-of-sample prediction error via approximate leave-one-out", JRSS-B 82(4))

    η̃_i = η_i + A_i (I_K − s_i D_i A_i)⁻¹ s_i g_i,        A_i = J_i M⁻¹ J_iᵀ  (K×K),

with g_i = ∇_η ℓ(y_i, η_i) = p_i − y_i, D_i = ∇²_η ℓ(y_i, η_i) (diag(p_i) − p_i p_iᵀ, or
p_i(1 − p_i) for K = 1) and M the penalized Hessian of F at θ̂ in standardized coordinates
(intercept and softmax sum term included; the sum term changes nothing here, since g_i and
D_i are orthogonal to the all-ones vector of the classes). The error of the step is of second
order in the change of θ̂, so for n ≫ q the ALO loss matches exact leave-one-out closely.

Cost per α: the Hessian (n q² flops, in row chunks), one Cholesky factor M = L Lᵀ and the
triangular inverse L⁻¹ (q³), then B_i = L⁻¹ J_iᵀ in row chunks (n q² flops) so that
A_i = B_iᵀ B_i. No n×n matrix is ever formed. numpy.linalg only (no SciPy LAPACK calls in the
hot path).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.special import expit

from ridgeway._typing import FloatArray
from ridgeway.core.logistic_loss import LogisticProblem, hessian
from ridgeway.core.logistic_solvers import penalized_hessian
from ridgeway.selection.curve import Curve
from ridgeway.selection.logistic_cv import auc, row_hits, row_losses

__all__ = ["alo_curve", "alo_linear_predictors", "alo_scores"]

_CHUNK_BYTES = 16 * 2**20


def _linear_predictor(pr: LogisticProblem, V: FloatArray, c: FloatArray) -> FloatArray:
    """η = XW + (b − mᵀW) of one problem, shape (n, K), from V (p, K) and c (K,)."""
    W = V / pr.scale[:, None]
    off = (c if pr.fit_intercept else 0.0) - pr.center @ W
    return np.asarray(np.asarray(pr.X @ W) + off)


def _probabilities(eta: FloatArray) -> FloatArray:
    """p_i of shape (n, K): the logistic function for K = 1, the softmax otherwise."""
    if eta.shape[1] == 1:
        return np.asarray(expit(eta))
    ex = np.exp(eta - eta.max(axis=1, keepdims=True))
    return np.asarray(ex / ex.sum(axis=1, keepdims=True))


def _inverse_root(M: FloatArray) -> tuple[FloatArray, bool]:
    """R with M⁻¹ = RᵀR and whether R is lower triangular.

    R = L⁻¹ for the Cholesky factor M = LLᵀ; when M is not positive definite (numerically
    singular), a clipped eigen-root Λ^{-1/2}Uᵀ (a pseudo-inverse with a 1e-12 relative floor).
    """
    try:
        L = np.linalg.cholesky(M)
    except np.linalg.LinAlgError:
        lam, U = np.linalg.eigh(M)
        floor = max(float(lam[-1]), 1.0) * 1e-12
        return np.asarray(U.T / np.sqrt(np.maximum(lam, floor))[:, None]), False
    return np.tril(np.linalg.inv(L)), True


def _chunk_rows(pr: LogisticProblem, q: int, chunk_rows: int | None) -> int:
    if chunk_rows is not None:
        return max(1, int(chunk_rows))
    K = pr.n_classes_param
    per_row = 8 * (K * q + pr.X.shape[1] + 2)
    return int(max(64, _CHUNK_BYTES // per_row))


def _alo_one(
    pr: LogisticProblem, alpha: float, V: FloatArray, c: FloatArray, chunk_rows: int | None
) -> tuple[FloatArray, FloatArray, float]:
    """(η̃ (n, K), η (n, K), Σ_i s_i tr(D_i A_i)) at one α."""
    X = pr.X
    n, p = X.shape
    K = pr.n_classes_param
    if V.shape != (p, K) or c.shape != (K,):
        raise ValueError(
            f"V must have shape (p, K) = {(p, K)} and c shape (K,) = {(K,)}; "
            f"got {V.shape} and {c.shape}"
        )
    s = pr.sample_weight
    Y = np.asarray(pr.Y, dtype=np.float64)
    eta = _linear_predictor(pr, V, c)
    sw = float(s.sum())
    mu = float(pr.identifiability(np.array([sw]))[0])
    M = penalized_hessian(pr, hessian(pr, eta, s), float(alpha), mu)
    q1 = p + int(pr.fit_intercept)
    q = K * q1
    R, lower = _inverse_root(M)
    # B_i = R J_iᵀ: column k is R[:, block k] z_i. With R = L⁻¹ lower triangular, the rows
    # above block k are zero, so only rows from k q1 on are formed (K(K+1)/2 blocks of q1²).
    first = [k * q1 if lower else 0 for k in range(K)]
    Rk = [np.ascontiguousarray(R[first[k] :, k * q1 : (k + 1) * q1].T) for k in range(K)]
    sparse = bool(sp.issparse(X))  # a plain bool: X stays Any for the type checker
    Xr = X.tocsr() if sparse else X
    step = _chunk_rows(pr, q, chunk_rows)
    eta_t = eta.copy()
    trace = 0.0
    for lo in range(0, n, step):
        hi = min(lo + step, n)
        Xc = Xr[lo:hi]
        Xd = np.asarray(Xc.toarray() if sparse else Xc, dtype=np.float64)
        Z = (Xd - pr.center) / pr.scale
        if pr.fit_intercept:
            Z = np.hstack([Z, np.ones((hi - lo, 1))])
        sc = s[lo:hi]
        ec = eta[lo:hi]
        P = _probabilities(ec)
        g = P - Y[lo:hi]  # (b, K)
        Bs = [Z @ Rk[k] for k in range(K)]  # (b, q − first[k])
        if K == 1:
            a = np.einsum("bq,bq->b", Bs[0], Bs[0])
            d = (P * (1.0 - P))[:, 0]
            h = sc * d * a  # leverage h_ii = s_i ℓ''_i z_iᵀM⁻¹z_i
            eta_t[lo:hi, 0] += a * sc * g[:, 0] / (1.0 - h)
            trace += float(h.sum())
            continue
        A = np.empty((hi - lo, K, K))
        for k in range(K):
            for j in range(k, K):
                # common support of columns k and j: rows from first[j] ≥ first[k] on
                Bk = Bs[k][:, first[j] - first[k] :]
                A[:, k, j] = A[:, j, k] = np.einsum("bq,bq->b", Bk, Bs[j])
        D = P[:, :, None] * np.eye(K)[None] - P[:, :, None] * P[:, None, :]
        sDA = sc[:, None, None] * np.matmul(D, A)
        T = np.eye(K)[None] - sDA
        u = np.linalg.solve(T, (sc[:, None] * g)[:, :, None])  # (b, K, 1)
        eta_t[lo:hi] += np.matmul(A, u)[:, :, 0]
        trace += float(np.trace(sDA, axis1=1, axis2=2).sum())
    zero = s == 0
    eta_t[zero] = eta[zero]
    return eta_t, eta, trace


def alo_linear_predictors(
    pr: LogisticProblem,
    alpha: float,
    V: FloatArray,
    c: FloatArray,
    *,
    chunk_rows: int | None = None,
) -> FloatArray:
    """Approximate leave-one-out linear predictors η̃_i, shape (n, K), from one fit at α.

    With the full fit's linear predictors η_i (K values), g_i = p_i − y_i, the curvature
    D_i = diag(p_i) − p_i p_iᵀ (p_i(1 − p_i) for K = 1), the row's design block J_i (the
    standardized row z_i = ((x_i − m)/sd, 1), one copy per class) and M the penalized
    Hessian of the objective at the solution (intercept, penalty 2απ/sd² and softmax sum
    term 2μ included), the ALO predictor is one Newton step of the fit without row i:

        η̃_i = η_i + A_i (I_K − s_i D_i A_i)⁻¹ s_i g_i,        A_i = J_i M⁻¹ J_iᵀ  (K×K).

    For K = 1 this is η̃_i = η_i + (g_i / ℓ''_i) h_ii / (1 − h_ii) with the leverage
    h_ii = s_i ℓ''_i z_iᵀ M⁻¹ z_i. Leaving a row of weight s_i out removes all of its weight;
    rows with s_i = 0 are not in the fit and get η̃_i = η_i.

    Parameters
    ----------
    pr : LogisticProblem
    alpha : float
        The penalty α of the fit.
    V : ndarray of shape (p, K)
        Standardized coefficients of the fit (``LogisticSolution.V``).
    c : ndarray of shape (K,)
        Intercepts of the centred model (``LogisticSolution.c``; ignored without intercept).
    chunk_rows : int, optional
        Rows per chunk of the pass over X (default: about 16 MiB per chunk).

    Returns
    -------
    ndarray of shape (n, K)
        η̃_i, in the same parametrization as η_i = b + x_iᵀW (one logit for K = 1; for the
        softmax, defined up to a constant added to all K classes).

    Notes
    -----
    Cost O(n q² + q³), q = K(p + 1) (K p without intercept): the Hessian, its Cholesky factor
    M = LLᵀ, and A_i = B_iᵀB_i with B_i = L⁻¹J_iᵀ computed in row chunks.
    """
    V = np.asarray(V, dtype=np.float64)
    c = np.asarray(c, dtype=np.float64)
    return _alo_one(pr, float(alpha), V, c, chunk_rows)[0]


def alo_curve(
    pr: LogisticProblem,
    alphas: FloatArray,
    V_path: FloatArray,
    c_path: FloatArray,
    *,
    chunk_rows: int | None = None,
) -> Curve:
    """ALO log-loss per unit weight Σ_i s_i ℓ(y_i, η̃_i) / Σ_i s_i over a path of fits.

    The "log_loss" curve of :func:`alo_scores`; its parameters and result are described
    there.
    """
    return alo_scores(pr, alphas, V_path, c_path, chunk_rows=chunk_rows)["log_loss"]


def alo_scores(
    pr: LogisticProblem,
    alphas: FloatArray,
    V_path: FloatArray,
    c_path: FloatArray,
    *,
    roc_auc: bool = False,
    chunk_rows: int | None = None,
) -> dict[str, Curve]:
    """ALO log-loss, accuracy (and ROC AUC) over a path of fits, one ALO pass per α.

    η̃_i is the ALO linear predictor of :func:`alo_linear_predictors` at each α.

    Parameters
    ----------
    pr : LogisticProblem
    alphas : ndarray of shape (a,)
        Ascending.
    V_path : ndarray of shape (a, p, K)
        Standardized coefficients of the fit at each α.
    c_path : ndarray of shape (a, K)
        Intercepts of the centred model at each α.
    roc_auc : bool, default False
        Also score the ALO predictors by ROC AUC (binary, or one-vs-rest macro average).
    chunk_rows : int, optional
        Rows per chunk of the passes over X.

    Returns
    -------
    dict of Curve
        "log_loss", "accuracy" (and "roc_auc"), each lower is better: the log-loss, the
        negated accuracy, the negated AUC (whose ``se`` is None). For "log_loss":
        ``criterion`` "alo"; ``mean`` (a, 1) the ALO log-loss per unit weight; ``se`` (a, 1)
        its standard error over samples, √(Σ s (ℓ̃ − mean)² / Σs / (n₊ − 1)) with n₊ the
        number of rows of positive weight (as for the least-squares "loo"); ``df`` (a,) the
        effective number of parameters Σ_i s_i tr(D_i A_i) = tr(M⁻¹H) less the intercept's
        share, which is its value as α → ∞: 1 for K = 1 and K − 1 for the softmax (whose K
        intercepts have K − 1 free values). So df runs from p (binary) or (K − 1) p
        (softmax) at α = 0 with all features penalized, down to 0 as α → ∞.
    """
    al = np.asarray(alphas, dtype=np.float64).ravel()
    Vp = np.asarray(V_path, dtype=np.float64)
    cp = np.asarray(c_path, dtype=np.float64)
    p = pr.X.shape[1]
    K = pr.n_classes_param
    a = al.size
    if Vp.shape != (a, p, K) or cp.shape != (a, K):
        raise ValueError(
            f"V_path must have shape (a, p, K) = {(a, p, K)} and c_path shape (a, K) = "
            f"{(a, K)}; got {Vp.shape} and {cp.shape}"
        )
    if a > 1 and not np.all(np.diff(al) > 0):
        raise ValueError("alphas must be strictly ascending")
    s = pr.sample_weight
    keep = s > 0
    sk = s[keep] / s.sum()
    Y = np.asarray(pr.Y, dtype=np.float64)[keep]
    free_intercept = (1 if K == 1 else K - 1) if pr.fit_intercept else 0
    etas = np.empty((a, int(keep.sum()), K))
    df = np.empty(a)
    for r in range(a):
        eta_t, _, trace = _alo_one(pr, float(al[r]), Vp[r], cp[r], chunk_rows)
        etas[r] = eta_t[keep]
        df[r] = trace - free_intercept

    def curve(values: FloatArray, sign: float) -> Curve:
        mean = values @ sk
        var = np.maximum(((values - mean[:, None]) ** 2) @ sk, 0.0)
        se = np.sqrt(var / max(int(keep.sum()) - 1, 1))
        return Curve("alo", al, sign * mean[:, None], se[:, None], df, pr.X.shape[0])

    out = {"log_loss": curve(row_losses(etas, Y), 1.0), "accuracy": curve(row_hits(etas, Y), -1.0)}
    if roc_auc:
        aucs = np.array([auc(etas[r], Y, sk, K) for r in range(a)])
        out["roc_auc"] = Curve("alo", al, -aucs[:, None], None, df, pr.X.shape[0])
    return out
