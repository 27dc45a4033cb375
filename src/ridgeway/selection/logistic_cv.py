"""Choosing α for penalized logistic regression: the default grid and k-fold scores from one path.

All folds are fitted together (:func:`ridgeway.core.logistic_path.logistic_path` with one weight
column per fold, plus the whole data), so every pass over X serves every fold. The held-out
rows of fold k then give, for every α at once,

    log-loss_k(α) = Σ_{i∈k} s_i ℓ(y_i, η_i(α)) / S_k,
    accuracy_k(α) = Σ_{i∈k} s_i 1[argmax η_i(α) = y_i] / S_k,

and ROC AUC (binary: the usual one; multinomial: one-vs-rest, macro average, as scikit-learn's
``roc_auc_score(multi_class="ovr")``). As for :func:`ridgeway.selection.kfold`, the curve is the
fold-weighted mean Σ_k S_k m_k / Σ_k S_k with cv.glmnet's standard error
√(Σ_k S_k (m_k − mean)² / Σ_k S_k / (k − 1)).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import check_cv

from ridgeway._search import monotone_root
from ridgeway._typing import FloatArray
from ridgeway.core.logistic_loss import LogisticProblem, evaluate, hessian
from ridgeway.core.logistic_path import LogisticPath
from ridgeway.core.logistic_solvers import penalized_hessian, start_point
from ridgeway.selection.curve import Curve

__all__ = [
    "SCORINGS",
    "auc",
    "fold_scores",
    "fold_weights",
    "logistic_alphas",
    "row_hits",
    "row_losses",
    "score_curve",
]

SCORINGS = ("neg_log_loss", "accuracy", "roc_auc")
"""Scorings of the logistic selection (higher is better, as scikit-learn's scorers)."""


def logistic_alphas(pr: LogisticProblem, n_alphas: int = 50) -> FloatArray:
    """A log-spaced grid of α, ascending, spanning the effective df at the intercept-only fit.

    With H₀ the Hessian of the loss at the intercept-only solution, the quadratic model of the
    fit has effective df(α) = Σ_i 1/(1 + α λ_i), λ the eigenvalues of 2Π relative to H₀. The
    grid runs from 1/100 of the α with df = (its maximum − 0.05) to the α with df = (its
    minimum + 0.05).
    """
    if n_alphas < 2:
        raise ValueError(f"n_alphas must be at least 2; got {n_alphas}")
    p = pr.X.shape[1]
    K = pr.n_classes_param
    S = pr.sample_weight[:, None]
    V, c = start_point(pr, S)
    ev = evaluate(pr, V, c, S, np.zeros(1))
    H = penalized_hessian(pr, hessian(pr, ev.eta[:, 0, :], pr.sample_weight), 0.0, 0.0)
    pen = np.zeros(p + int(pr.fit_intercept))
    pen[:p] = 2.0 * pr.penalty_std
    root = np.sqrt(np.tile(pen, K))
    # eigenvalues of H₀ relative to the penalty on the penalized coordinates (intercept profiled)
    keep = root > 0
    if not keep.any():
        return np.geomspace(1e-3, 1e3, n_alphas)
    Hk = H[np.ix_(keep, keep)]
    free = ~keep
    if free.any():
        Hf = H[np.ix_(free, free)]
        Hkf = H[np.ix_(keep, free)]
        Hk = Hk - Hkf @ np.linalg.pinv(Hf, hermitian=True) @ Hkf.T
    d = np.linalg.eigvalsh(Hk / np.outer(root[keep], root[keep]))
    d = np.sort(d[d > 1e-12 * max(float(d.max()), 1e-300)])[::-1]
    if d.size == 0:
        return np.geomspace(1e-3, 1e3, n_alphas)
    if d.size == 1:
        return np.geomspace(d[0] / 1e4, d[0] * 100.0, n_alphas)
    target = np.array([d.size - 0.05, 0.05])

    def df_at(x: FloatArray) -> FloatArray:
        return np.asarray((d[None, :] / (d[None, :] + np.exp(x)[:, None])).sum(axis=1))

    x = monotone_root(
        df_at,
        target,
        np.full(2, np.log(d[-1]) - 40.0),
        np.full(2, np.log(d[0]) + 40.0),
        decreasing=True,
        max_iter=200,
        xtol=1e-10,
    )
    # the curvature at the fitted model is below that at the intercept-only one (p(1 − p)
    # shrinks as the fit sharpens), so the nearly unpenalized end is reached at smaller α:
    # the grid reaches two decades further down
    lo = float(np.exp(x[0])) / 100.0
    return np.asarray(np.geomspace(lo, float(np.exp(x[1])), n_alphas))


def fold_weights(
    cv: Any, X: Any, labels: np.ndarray, sample_weight: FloatArray, groups: Any = None
) -> tuple[FloatArray, list[np.ndarray]]:
    """Row weights of the whole data (column 0) and of each fold's training rows, and test rows.

    ``cv`` is an int (``StratifiedKFold(cv)``, scikit-learn's rule for classifiers), a splitter,
    or an iterable of (train, test) index pairs.
    """
    n = labels.shape[0]
    splitter = check_cv(cv, labels, classifier=True)
    splits = list(splitter.split(np.zeros((n, 1)), labels, groups))
    S = np.zeros((n, len(splits) + 1))
    S[:, 0] = sample_weight
    tests = []
    for k, (tr, te) in enumerate(splits):
        tr = np.asarray(tr)
        te = np.asarray(te)
        S[tr, k + 1] = sample_weight[tr]
        tests.append(te)
    return S, tests


def fold_scores(
    pr: LogisticProblem,
    path: LogisticPath,
    tests: list[np.ndarray],
    scoring: str,
    columns: list[int] | None = None,
) -> dict[str, FloatArray]:
    """Held-out scores of every α and fold from a path fitted with :func:`fold_weights`.

    Returns a dict with "log_loss", "accuracy" (and "roc_auc" when ``scoring`` asks for it),
    each of shape (a, k), and "weight" (1, k): Σ s over each fold's test rows.
    """
    a = path.alphas.size
    k = len(tests)
    cols = columns if columns is not None else list(range(1, k + 1))
    out = {"log_loss": np.zeros((a, k)), "accuracy": np.zeros((a, k))}
    if scoring == "roc_auc":
        out["roc_auc"] = np.zeros((a, k))
    weight = np.zeros(k)
    K = pr.n_classes_param
    for j, te in enumerate(tests):
        r = cols[j]
        W, b = pr.to_raw(path.V[:, :, r, :].transpose(1, 0, 2), path.c[:, r, :])  # (p, a, K)
        Xt = pr.X[te]
        s = pr.sample_weight[te]
        weight[j] = s.sum()
        Y = pr.Y[te]
        eta = (np.asarray(Xt @ W.reshape(W.shape[0], -1)).reshape(-1, a, K) + b).transpose(1, 0, 2)
        out["log_loss"][:, j] = row_losses(eta, Y) @ s / s.sum()
        out["accuracy"][:, j] = row_hits(eta, Y) @ s / s.sum()
        if scoring == "roc_auc":
            for i in range(a):
                out["roc_auc"][i, j] = auc(eta[i], Y, s, K)
    out["weight"] = weight[None, :]
    return out


def row_losses(eta: FloatArray, Y: FloatArray) -> FloatArray:
    """ℓ(y_i, η_i) for every α and row, shape (a, m); eta (a, m, K), Y (m, K)."""
    if eta.shape[2] == 1:
        e = eta[:, :, 0]
        return np.asarray(np.logaddexp(0.0, e) - Y[None, :, 0] * e)
    top = eta.max(axis=2, keepdims=True)
    lse = np.log(np.exp(eta - top).sum(axis=2)) + top[:, :, 0]
    return np.asarray(lse - np.einsum("mk,amk->am", Y, eta))


def row_hits(eta: FloatArray, Y: FloatArray) -> FloatArray:
    """1 where the predicted class is y_i, else 0, shape (a, m); eta (a, m, K), Y (m, K)."""
    if eta.shape[2] == 1:
        hit = (eta[:, :, 0] > 0) == (Y[None, :, 0] > 0.5)
    else:
        hit = eta.argmax(axis=2) == Y.argmax(axis=1)[None, :]
    return hit.astype(np.float64)


def auc(eta: FloatArray, Y: FloatArray, s: FloatArray, K: int) -> float:
    """ROC AUC of one α: binary, or one-vs-rest macro average; eta (m, K). NaN if undefined."""
    if K == 1:
        if Y[:, 0].min() == Y[:, 0].max():
            return float("nan")
        return float(roc_auc_score(Y[:, 0], eta[:, 0], sample_weight=s))
    present = Y.sum(axis=0) > 0
    if present.sum() < 2:
        return float("nan")
    top = eta.max(axis=1, keepdims=True)
    P = np.exp(eta - top)
    P /= P.sum(axis=1, keepdims=True)
    aucs = [
        roc_auc_score(Y[:, k], P[:, k], sample_weight=s)
        for k in range(K)
        if present[k] and Y[:, k].min() < 1
    ]
    return float(np.mean(aucs))


def score_curve(
    alphas: FloatArray, per_fold: FloatArray, weight: FloatArray, criterion: str, lower: bool
) -> Curve:
    """A :class:`Curve` (lower is better) from per-fold values (a, k) with fold weights (k,).

    ``lower`` tells whether the values are losses; scores (higher is better) are negated.
    """
    vals = per_fold if lower else -per_fold
    ok = np.isfinite(vals)
    w = np.where(ok, weight[None, :], 0.0)
    tot = w.sum(axis=1)
    mean = (np.where(ok, vals, 0.0) * w).sum(axis=1) / tot
    k = ok.sum(axis=1)
    dev = np.where(ok, vals - mean[:, None], 0.0)
    se = np.sqrt((w * dev**2).sum(axis=1) / tot / np.maximum(k - 1, 1))
    return Curve(
        criterion,
        alphas,
        mean[:, None],
        se[:, None],
        np.full(alphas.size, np.nan),
        int(weight.size),
    )
