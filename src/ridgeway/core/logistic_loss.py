"""The L2-penalized logistic loss, its gradient and Hessian, batched over problems sharing X.

For data X (n×p), class indicators Y (n×K), sample weights s_i ≥ 0 and penalty factors π_j ≥ 0:

    minimize over b, W:   Σ_i s_i ℓ(y_i, b + x_iᵀW)  +  α Σ_j π_j ‖W_j‖²

with ℓ(y, η) = log(1 + e^η) − yη for two classes (K = 1, one logit) and
ℓ(y, η) = log Σ_k e^{η_k} − Σ_k y_k η_k (softmax, K ≥ 3 columns) otherwise. The intercept b is
never penalized. scikit-learn's ``LogisticRegression(C)`` is α = 1/(2C).

Internally the coefficients live in **standardized coordinates** V = sd ∘ W of the centred
columns z_ij = (x_ij − m_j)/sd_j, which are never formed: η = XW + (b − mᵀW) with W = V/sd.
This makes the gradient scale-free (the convergence test uses it) and keeps Newton's system
well conditioned whatever the units of X; dense and sparse X take the same route.

The softmax loss is unchanged when the same vector is added to every class's parameters. The
penalty removes that freedom for penalized features, and for the intercept and any
unpenalized feature the term μ Σ_j (Σ_k V_jk)² does: it changes nothing at the optimum (which
then has Σ_k V_jk = 0, the symmetric choice) and makes the Hessian nonsingular.

A batch holds R problems that differ only in their row weights S[:, r] (cross-validation
folds, or one problem); one pass over X serves all of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.special import expit

from ridgeway._typing import FloatArray

__all__ = ["Evaluation", "LogisticProblem", "evaluate", "hessian", "hessp", "logistic_problem"]

_CHUNK_ELEMENTS = 131072
"""Rows per chunk × p: a chunk of X stays in cache between its two products."""


def _chunk_rows(p: int) -> int:
    return max(256, _CHUNK_ELEMENTS // max(p, 1))


@dataclass(frozen=True, eq=False)
class LogisticProblem:
    """A validated logistic problem (arrays are the caller's, never modified).

    Attributes
    ----------
    X : ndarray or scipy sparse matrix of shape (n, p)
    Y : ndarray of shape (n, K)
        0/1 indicators: the positive class for K = 1, one column per class for K ≥ 3.
    sample_weight : ndarray of shape (n,)
    penalty : ndarray of shape (p,)
        π_j in the units of X (standardization already folded in as π_j · sd_j²).
    fit_intercept : bool
    center, scale : ndarray of shape (p,)
        m (weighted column means, or 0 without intercept) and sd (weighted root mean square
        about m; 1 for a constant column).
    """

    X: Any
    Y: FloatArray
    sample_weight: FloatArray
    penalty: FloatArray
    fit_intercept: bool
    center: FloatArray
    scale: FloatArray

    @property
    def n_classes_param(self) -> int:
        """K: 1 for a binary problem, the number of classes for a multinomial one."""
        return int(self.Y.shape[1])

    @property
    def n_params(self) -> int:
        """Parameters per problem: K (p + 1) with an intercept, K p without."""
        return self.n_classes_param * (self.X.shape[1] + int(self.fit_intercept))

    @property
    def penalty_std(self) -> FloatArray:
        """π_j / sd_j²: the penalty factors in standardized coordinates."""
        return np.asarray(self.penalty / self.scale**2)

    def identifiability(self, sum_weights: FloatArray) -> FloatArray:
        """μ per problem (shape (R,)): weight of the softmax sum term (0 for binary problems)."""
        K = self.n_classes_param
        if K == 1:
            return np.zeros_like(sum_weights)
        return np.asarray(sum_weights / (4.0 * K))

    def to_raw(self, V: FloatArray, c: FloatArray) -> tuple[FloatArray, FloatArray]:
        """Coefficients W = V/sd (p, …, K) and intercepts b = c − mᵀW in the units of X."""
        W = V / self.scale.reshape((-1,) + (1,) * (V.ndim - 1))
        b = c - np.tensordot(self.center, W, axes=(0, 0))
        return np.asarray(W), np.asarray(b)

    def to_std(self, W: FloatArray, b: FloatArray) -> tuple[FloatArray, FloatArray]:
        """The inverse of :meth:`to_raw`."""
        V = W * self.scale.reshape((-1,) + (1,) * (W.ndim - 1))
        c = b + np.tensordot(self.center, W, axes=(0, 0))
        return np.asarray(V), np.asarray(c)


def _moments(X: Any, w: FloatArray, fit_intercept: bool) -> tuple[FloatArray, FloatArray]:
    sw = float(w.sum())
    if bool(sp.issparse(X)):
        m = np.asarray(X.T @ w).ravel() / sw
        sq = np.asarray(X.multiply(X).T @ w).ravel() / sw
        var = sq - m**2 if fit_intercept else sq
        var = np.maximum(var, 0.0)
        if fit_intercept:  # sq - m² leaves ~√ε·|m| of a constant column: detect those exactly
            Xp: Any = X
            if not (w > 0).all():
                Xp = Xp.tocsr()[w > 0]
            xmin = np.asarray(Xp.min(axis=0).toarray()).ravel()
            xmax = np.asarray(Xp.max(axis=0).toarray()).ravel()
            var = np.where(xmin == xmax, 0.0, var)
    else:
        m = np.zeros(X.shape[1])
        step = 8 * _chunk_rows(X.shape[1])
        for lo in range(0, X.shape[0], step):
            m += w[lo : lo + step] @ X[lo : lo + step]
        m /= sw
        ref = m if fit_intercept else np.zeros_like(m)
        var = np.zeros(X.shape[1])
        for lo in range(0, X.shape[0], step):
            d = X[lo : lo + step] - ref
            var += w[lo : lo + step] @ (d * d)
        var /= sw
    if not fit_intercept:
        m = np.zeros_like(m)
    sd = np.sqrt(var)
    tiny = sd <= 1e-12 * np.maximum(np.abs(m), 1.0)
    return m, np.where(tiny, 1.0, sd)


def logistic_problem(
    X: Any,
    Y: FloatArray,
    sample_weight: FloatArray | None,
    penalty: FloatArray,
    fit_intercept: bool,
) -> LogisticProblem:
    """Build a :class:`LogisticProblem`, computing the column centres and scales in one pass."""
    n = X.shape[0]
    w = np.ones(n) if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
    m, sd = _moments(X, w, fit_intercept)
    return LogisticProblem(X, Y, w, np.asarray(penalty, dtype=np.float64), fit_intercept, m, sd)


@dataclass(frozen=True, eq=False)
class Evaluation:
    """Objective, gradient and linear predictor of R problems at one point.

    Attributes
    ----------
    objective : ndarray of shape (R,)
        Σ_i s_ir ℓ_i + α_r Σ_j π_j ‖W_j‖² (+ the softmax sum term, zero at the optimum).
    loss : ndarray of shape (R,)
        Σ_i s_ir ℓ_i alone.
    grad_V : ndarray of shape (p, R, K)
    grad_c : ndarray of shape (R, K) (zeros without intercept)
    eta : ndarray of shape (n, R, K)
    """

    objective: FloatArray
    loss: FloatArray
    grad_V: FloatArray
    grad_c: FloatArray
    eta: FloatArray


def _loss_prob(E: FloatArray, Yc: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Per-row loss (rows, R) and probabilities (rows, R, K) for linear predictors E."""
    if E.shape[2] == 1:
        e = E[:, :, 0]
        t = np.exp(-np.abs(e))  # one exponential gives both the loss and σ(η), without overflow
        loss = np.log1p(t) + np.maximum(e, 0.0) - Yc[:, :1] * e
        prob = np.where(e >= 0.0, 1.0, t) / (1.0 + t)
        return loss, prob[:, :, None]
    top = E.max(axis=2, keepdims=True)
    ex = np.exp(E - top)
    tot = ex.sum(axis=2, keepdims=True)
    lse = (np.log(tot) + top)[:, :, 0]
    loss = lse - np.einsum("nk,nrk->nr", Yc, E)
    return loss, ex / tot


def evaluate(
    pr: LogisticProblem, V: FloatArray, c: FloatArray, S: FloatArray, alpha: FloatArray
) -> Evaluation:
    """Objective and gradient of R problems in one pass over X (in row chunks).

    Parameters
    ----------
    pr : LogisticProblem
    V : ndarray of shape (p, R, K)
        Standardized coefficients.
    c : ndarray of shape (R, K)
        Intercepts of the centred model (ignored without intercept).
    S : ndarray of shape (n, R)
        Row weights of each problem.
    alpha : ndarray of shape (R,)
    """
    X = pr.X
    n, p = X.shape
    R, K = c.shape
    W = V / pr.scale[:, None, None]
    off = (c if pr.fit_intercept else 0.0) - np.tensordot(pr.center, W, axes=(0, 0))
    W2 = np.ascontiguousarray(W.reshape(p, R * K))
    loss = np.zeros(R)
    GX = np.zeros((p, R * K))
    Gsum = np.zeros((R, K))
    eta = np.empty((n, R, K))
    step = n if sp.issparse(X) else _chunk_rows(p)
    for lo in range(0, n, step):
        Xc = X[lo : lo + step]
        Ec = np.asarray(Xc @ W2).reshape(-1, R, K) + off
        eta[lo : lo + step] = Ec
        Sc = S[lo : lo + step]
        Yc = pr.Y[lo : lo + step]
        lc, Pc = _loss_prob(Ec, Yc)
        loss += np.einsum("nr,nr->r", Sc, lc)
        Rc = Sc[:, :, None] * (Pc - Yc[:, None, :])
        GX += np.asarray(Xc.T @ Rc.reshape(-1, R * K))
        Gsum += Rc.sum(axis=0)
    grad_V = (GX.reshape(p, R, K) - pr.center[:, None, None] * Gsum[None]) / pr.scale[:, None, None]
    grad_c = Gsum if pr.fit_intercept else np.zeros_like(Gsum)
    pen = pr.penalty_std[:, None, None] * alpha[None, :, None]
    obj = loss + np.einsum("prk,prk->r", pen, V * V)
    grad_V = grad_V + 2.0 * pen * V
    mu = pr.identifiability(S.sum(axis=0))
    if K > 1:
        sv = V.sum(axis=2)  # (p, R)
        obj = obj + mu * (sv * sv).sum(axis=0)
        grad_V = grad_V + 2.0 * (mu[None, :] * sv)[:, :, None]
        if pr.fit_intercept:
            sc = c.sum(axis=1)
            obj = obj + mu * sc * sc
            grad_c = grad_c + 2.0 * (mu * sc)[:, None]
    return Evaluation(obj, loss, grad_V, grad_c, eta)


def _curvature(eta: FloatArray) -> FloatArray:
    """Per-row Hessian of ℓ in η: (n, 1, 1) for binary, (n, K, K) for softmax; eta (n, K)."""
    if eta.shape[1] == 1:
        pr = expit(eta)
        return (pr * (1.0 - pr))[:, :, None]
    top = eta.max(axis=1, keepdims=True)
    ex = np.exp(eta - top)
    P = ex / ex.sum(axis=1, keepdims=True)
    return np.asarray(P[:, :, None] * np.eye(eta.shape[1])[None] - P[:, :, None] * P[:, None, :])


def _sparse_weighted_gram(pr: LogisticProblem, w: FloatArray) -> FloatArray:
    """Z̃ᵀ diag(w) Z̃ for sparse X (a ones column last if intercept), without densifying X."""
    X = pr.X
    m, sd = pr.center, pr.scale
    G = np.asarray((X.T @ X.multiply(w[:, None]).tocsc()).toarray())
    cvec = np.asarray(X.T @ w).ravel()
    tot = float(w.sum())
    G = G - np.outer(cvec, m) - np.outer(m, cvec) + tot * np.outer(m, m)
    G = G / np.outer(sd, sd)
    if not pr.fit_intercept:
        return G
    zc = (cvec - tot * m) / sd
    out = np.empty((G.shape[0] + 1, G.shape[0] + 1))
    out[:-1, :-1] = G
    out[:-1, -1] = zc
    out[-1, :-1] = zc
    out[-1, -1] = tot
    return out


def hessian(pr: LogisticProblem, eta: FloatArray, weights: FloatArray) -> FloatArray:
    """Hessian of Σ_i w_i ℓ_i in the standardized parameters of ONE problem (no penalty).

    Parameters
    ----------
    pr : LogisticProblem
    eta : ndarray of shape (n, K)
        Linear predictors at the current point.
    weights : ndarray of shape (n,)
        Row weights.

    Returns
    -------
    ndarray of shape (q, q), q = K (p + 1) with intercept (K p without): class-major blocks,
    each block ordered (features, intercept).
    """
    X = pr.X
    n, p = X.shape
    K = eta.shape[1]
    q1 = p + int(pr.fit_intercept)
    Dn = _curvature(eta) * weights[:, None, None]  # (n, K, K)
    H = np.zeros((K * q1, K * q1))
    if sp.issparse(X):
        for k in range(K):
            for j in range(k, K):
                blk = _sparse_weighted_gram(pr, Dn[:, k, j])
                H[k * q1 : (k + 1) * q1, j * q1 : (j + 1) * q1] = blk
                H[j * q1 : (j + 1) * q1, k * q1 : (k + 1) * q1] = blk.T
        return H
    step = 8 * _chunk_rows(p)
    fi = pr.fit_intercept
    # Z̃ᵀDZ̃ = (XᵀDX − c mᵀ − m cᵀ + Σd m mᵀ) / (sd sdᵀ), c = XᵀD1, saves centring each chunk;
    # the cancellation costs (|m|/sd)² ε relative, so columns far off centre are centred first
    raw = bool(np.all(np.abs(pr.center) <= 1e3 * pr.scale))
    m, sd = (pr.center, pr.scale) if raw else (np.zeros(p), np.ones(p))
    A = np.zeros((K, K, p, p))
    cvec = np.zeros((K, K, p))
    tot = np.zeros((K, K))
    for lo in range(0, n, step):
        Xc = X[lo : lo + step]
        Z = Xc if raw else (Xc - pr.center) / pr.scale
        Dc = Dn[lo : lo + step]
        for k in range(K):
            for j in range(k, K):
                d = Dc[:, k, j]
                if j == k:  # d ≥ 0: the symmetric product (syrk) of √d Z, half the flops
                    R = Z * np.sqrt(d)[:, None]
                    A[k, j] += R.T @ R
                else:
                    A[k, j] += Z.T @ (Z * d[:, None])
                cvec[k, j] += d @ Z
                tot[k, j] += d.sum()
    for k in range(K):
        for j in range(k, K):
            c, t = cvec[k, j], tot[k, j]
            blk = (A[k, j] - np.outer(c, m) - np.outer(m, c) + t * np.outer(m, m)) / np.outer(
                sd, sd
            )
            H[k * q1 : k * q1 + p, j * q1 : j * q1 + p] = blk
            if fi:
                zc = (c - t * m) / sd
                H[k * q1 + p, j * q1 : j * q1 + p] = zc
                H[k * q1 : k * q1 + p, j * q1 + p] = zc
                H[k * q1 + p, j * q1 + p] = t
            if j != k:
                H[j * q1 : (j + 1) * q1, k * q1 : (k + 1) * q1] = H[
                    k * q1 : (k + 1) * q1, j * q1 : (j + 1) * q1
                ].T
    return H


def hessp(
    pr: LogisticProblem, eta: FloatArray, weights: FloatArray, dV: FloatArray, dc: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Hessian-vector product of Σ_i w_i ℓ_i for ONE problem (no penalty), in one pass.

    Parameters
    ----------
    eta : ndarray of shape (n, K)
    weights : ndarray of shape (n,)
    dV : ndarray of shape (p, K)
    dc : ndarray of shape (K,)

    Returns
    -------
    (H dV, H dc) : ndarrays of shapes (p, K) and (K,)
    """
    X = pr.X
    dW = dV / pr.scale[:, None]
    off = (dc if pr.fit_intercept else 0.0) - pr.center @ dW
    d_eta = np.asarray(X @ dW) + off  # (n, K)
    if eta.shape[1] == 1:
        P = expit(eta)
        t = weights[:, None] * P * (1.0 - P) * d_eta
    else:
        top = eta.max(axis=1, keepdims=True)
        ex = np.exp(eta - top)
        P = ex / ex.sum(axis=1, keepdims=True)
        t = weights[:, None] * P * (d_eta - (P * d_eta).sum(axis=1, keepdims=True))
    tsum = t.sum(axis=0)
    hv = (np.asarray(X.T @ t) - np.outer(pr.center, tsum)) / pr.scale[:, None]
    hc = tsum if pr.fit_intercept else np.zeros_like(tsum)
    return hv, hc
