"""Demo (d): early stopping against L2 on a linear model, tied to ridgeway's dynamic view.

On least squares, k steps of gradient descent from zero filter the eigen-direction i of the
data by 1 − (1 − ημ_i)^k, and ridge filters it by μ_i/(μ_i + α): stopping early is a ridge
penalty with α ≈ 1/(ηk) (:mod:`ridgeway.analysis.early_stopping`). The demo makes the link
with torch: a linear model (no bias, on centred data) trained by full-batch
``torch.optim.SGD`` on ``MSELoss`` takes exactly the steps of
:func:`ridgeway.analysis.gradient_descent` (η = 2·lr/n on ½Σ(y − Xw)²), and
:func:`ridgeway.analysis.early_stopping_alpha` gives for each k the α whose ridge fit is
closest; the validation error along the steps is set beside the ridge path, and the best α is
trained in torch as ``SGD(weight_decay=λ)`` with λ from :mod:`ridgeway.conventions`
(``"torch-sgd"``: α = n·λ/2) until it reaches ``Ridge(alpha=α)``.

The data: scikit-learn's diabetes data (442 patients, 10 measurements), expanded with all
products of two measurements (65 features), of which few rows are used for training so that
least squares overfits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch

from ridgeway._typing import FloatArray
from ridgeway.analysis import early_stopping_alpha, gradient_descent
from ridgeway.analysis._eigen import spectral_fit
from ridgeway.conventions import from_ridgeway
from ridgeway.linear_model import Ridge
from ridgeway.torch.demos._common import check_seed, seeded

__all__ = ["EarlyStoppingDemo", "demo_early_stopping"]


@dataclass(frozen=True, eq=False)
class EarlyStoppingDemo:
    """Results of demo (d).

    Attributes
    ----------
    steps : ndarray of int, shape (m,)
        Numbers of gradient steps k at which the iterate was recorded.
    gd_val_mse, gd_train_mse : ndarray of shape (m,)
        Mean squared error of the torch iterate w_k on the validation and train rows.
    gd_closed_form_gap : float
        max_k ‖w_k(torch) − w_k(ridgeway.analysis.gradient_descent)‖∞.
    equivalent_alpha : ndarray of shape (m,)
        The ridge α closest to w_k (``early_stopping_alpha``; ∞ at k = 0).
    equivalent_alpha_approx : ndarray of shape (m,)
        1/(ηk).
    equivalent_val_mse : ndarray of shape (m,)
        Validation MSE of ``Ridge(alpha=equivalent_alpha)``.
    alphas : ndarray of shape (a,)
        The ridge grid.
    ridge_val_mse : ndarray of shape (a,)
    best_step, best_alpha : float
        The k and the α of least validation MSE.
    best_gd_val_mse, best_ridge_val_mse, least_squares_val_mse : float
        Validation MSE at the best k, at the best α, and of the unpenalized fit.
    torch_weight_decay : float
        λ = 2α/n of ``SGD(weight_decay=λ)`` for the best α (``conventions``, "torch-sgd").
    torch_ridge_gap : float
        ‖w(torch SGD with that λ, after ``decay_steps`` steps) − w(Ridge)‖∞.
    decay_steps : int
    learning_rate : float
        The torch learning rate (of ``MSELoss``, a mean over n rows).
    seed : int
    settings : dict
    """

    steps: np.ndarray
    gd_val_mse: FloatArray
    gd_train_mse: FloatArray
    gd_closed_form_gap: float
    equivalent_alpha: FloatArray
    equivalent_alpha_approx: FloatArray
    equivalent_val_mse: FloatArray
    alphas: FloatArray
    ridge_val_mse: FloatArray
    best_step: int
    best_alpha: float
    best_gd_val_mse: float
    best_ridge_val_mse: float
    least_squares_val_mse: float
    torch_weight_decay: float
    torch_ridge_gap: float
    decay_steps: int
    learning_rate: float
    seed: int
    settings: dict[str, Any] = field(default_factory=dict)


def _diabetes(n_train: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Pairwise-product features of diabetes, standardized and centred on the train rows."""
    from sklearn.datasets import load_diabetes
    from sklearn.preprocessing import PolynomialFeatures

    data = load_diabetes()
    X = PolynomialFeatures(2, include_bias=False).fit_transform(data.data)
    y = np.asarray(data.target, dtype=np.float64)
    order = np.random.default_rng(seed).permutation(X.shape[0])
    tr, va = order[:n_train], order[n_train:]
    mean, sd = X[tr].mean(axis=0), X[tr].std(axis=0)
    X = (X - mean) / sd
    y = (y - y[tr].mean()) / y[tr].std()
    return X[tr], y[tr], X[va], y[va]


def _sgd(
    X: np.ndarray, y: np.ndarray, lr: float, record: np.ndarray, weight_decay: float = 0.0
) -> np.ndarray:
    """Full-batch torch SGD on MSELoss from w = 0; the weights after each step in ``record``."""
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y[:, None])
    lin = torch.nn.Linear(X.shape[1], 1, bias=False).double()
    torch.nn.init.zeros_(lin.weight)
    opt = torch.optim.SGD(lin.parameters(), lr=lr, weight_decay=weight_decay)
    out = np.zeros((record.size, X.shape[1]))
    at = {int(k): i for i, k in enumerate(record)}
    for k in range(int(record.max()) + 1):
        if k in at:
            out[at[k]] = lin.weight.detach().numpy()[0]
        if k == record.max():
            break
        opt.zero_grad()
        torch.nn.functional.mse_loss(lin(Xt), yt).backward()
        opt.step()
    return out


def _mse(X: np.ndarray, y: np.ndarray, W: np.ndarray) -> FloatArray:
    """Mean squared error of each row of W (m, p) as coefficients, shape (m,)."""
    return np.asarray(((X @ W.T - y[:, None]) ** 2).mean(axis=0))


def demo_early_stopping(*, seed: int = 0, quick: bool = False) -> EarlyStoppingDemo:
    """Early stopping of torch SGD on a linear model against ridge, with ridgeway's dynamics.

    Runs full-batch ``SGD(lr=η_t)`` on ``MSELoss`` (1/n) Σ (y_i − x_iᵀw)² from w = 0 (η_t = 1/L,
    L = 2 μ_max/n the loss's largest curvature), and compares each iterate w_k with the closed
    form of :func:`ridgeway.analysis.gradient_descent` (η = 2η_t/n), with the ridge fit at the
    α of :func:`ridgeway.analysis.early_stopping_alpha`, and the best k with the best α.

    Parameters
    ----------
    seed : int, default 0
        Seeds the train/validation split.
    quick : bool, default False
        Fewer steps (2,000 instead of 20,000) for tests.

    Returns
    -------
    EarlyStoppingDemo
    """
    seed = check_seed(seed)
    n_train = 100
    k_max = 2000 if quick else 20000
    X, y, Xv, yv = _diabetes(n_train, seed)
    n = X.shape[0]
    mu_max = float(np.linalg.eigvalsh(X.T @ X).max())
    lr = n / (2.0 * mu_max)  # η_t = 1/L with L = 2μ_max/n; η = 2η_t/n = 1/μ_max
    eta = 2.0 * lr / n
    steps = np.unique(np.r_[0, np.geomspace(1, k_max, 60).round().astype(np.int64)])
    with seeded(seed):
        W = _sgd(X, y, lr, steps)
        closed = gradient_descent(X, y, steps, learning_rate=eta).coef[:, :, 0]
        es = early_stopping_alpha(X, y, steps, learning_rate=eta)
        spectrum = spectral_fit(X, y).spectrum  # one factorization for every α below
        alphas = np.geomspace(1e-3, 1e4, 71)
        ridge_val = _mse(Xv, yv, spectrum.coef_path(alphas)[:, :, 0])
        eq_alpha = es.alpha[:, 0]
        eq_W = spectrum.coef_path(eq_alpha)[:, :, 0]  # α = ∞ (k = 0): zero coefficients
        gd_val = _mse(Xv, yv, W)
        best = int(np.argmin(ridge_val))
        best_alpha = float(alphas[best])
        wd = float(from_ridgeway(best_alpha, "torch-sgd", n_samples=n))
        decay_steps = 1000 if quick else 3000
        W_wd = _sgd(X, y, lr, np.array([decay_steps]), weight_decay=wd)[0]
        w_ridge = Ridge(alpha=best_alpha).fit(X, y).coef_
        ls = spectrum.coef_path(np.zeros(1))[0, :, 0]  # min-norm: the limit of GD from 0
    k_best = int(np.argmin(gd_val))
    return EarlyStoppingDemo(
        steps=steps,
        gd_val_mse=gd_val,
        gd_train_mse=_mse(X, y, W),
        gd_closed_form_gap=float(np.abs(W - closed).max()),
        equivalent_alpha=eq_alpha,
        equivalent_alpha_approx=es.alpha_approx,
        equivalent_val_mse=_mse(Xv, yv, eq_W),
        alphas=alphas,
        ridge_val_mse=ridge_val,
        best_step=int(steps[k_best]),
        best_alpha=best_alpha,
        best_gd_val_mse=float(gd_val[k_best]),
        best_ridge_val_mse=float(ridge_val[best]),
        least_squares_val_mse=float(_mse(Xv, yv, np.asarray(ls)[None])[0]),
        torch_weight_decay=wd,
        torch_ridge_gap=float(np.abs(W_wd - w_ridge).max()),
        decay_steps=decay_steps,
        learning_rate=lr,
        seed=seed,
        settings={
            "data": "scikit-learn diabetes with all pairwise products: 65 columns (rank 64), standardized",
            "n_train": n,
            "n_val": int(Xv.shape[0]),
            "optimizer": f"full-batch SGD(lr={lr:.4g}) on MSELoss, w₀ = 0, no bias (centred data)",
        },
    )
