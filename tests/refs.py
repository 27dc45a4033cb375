"""Reference computations shared by the tests (numpy only, independent of ridgeway's code)."""

from __future__ import annotations

import numpy as np


def make_data(n, p, t, seed, noise=1.0):
    """Columns of different scales and offsets, targets (n, t) with a nonzero mean."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) * rng.uniform(0.5, 2.0, p) + rng.normal(0.0, 1.0, p)
    Y = X @ rng.standard_normal((p, t)) / np.sqrt(p) + noise * rng.standard_normal((n, t)) + 1.5
    return X, Y, rng


def ridge_solve(X, Y, w, alpha, pen, fit_intercept=True):
    """(intercept (t,), coef (p, t)) by least squares on the augmented rows (numpy only)."""
    n, p = X.shape
    Z = np.column_stack([np.ones(n), X]) if fit_intercept else X
    root = np.sqrt(alpha * pen)
    D = np.diag(np.r_[0.0, root] if fit_intercept else root)
    sw = np.sqrt(w)[:, None]
    A = np.vstack([sw * Z, D])
    B = np.vstack([sw * Y, np.zeros((D.shape[0], Y.shape[1]))])
    sol = np.linalg.lstsq(A, B, rcond=None)[0]
    if fit_intercept:
        return sol[0], sol[1:]
    return np.zeros(Y.shape[1]), sol
