"""Bias and variance of ridge given the truth: exact curves over α.

Model: y_i = b* + x_iᵀβ* + ε_i with independent noise, E ε_i = 0 and Var ε_i = σ²/s_i (s the
sample weights; b* = 0 when no intercept is fitted). After the intercept and the unpenalized
columns are profiled out and each penalized column is scaled by c_j = 1/√π_j, the fit is ordinary
ridge on A with AᵀA = V diag(d) Vᵀ; in those scaled coordinates the truth is γ* = C⁻¹β*_P, with
a_i = v_iᵀγ* and n₀ = (I − VVᵀ)γ* (the part of β* no fit recovers: p > n, collinear columns).
The error of the scaled coefficients is

    ŵ − γ* = −Σ_i α/(d_i + α) a_i v_i − n₀  +  (zero-mean noise of covariance
             σ² Σ_i d_i/(d_i + α)² v_i v_iᵀ),

so in the penalty metric ‖Π^½(β̂_P − β*_P)‖² (the ordinary ‖β̂ − β*‖² with unit penalty factors,
no standardization and no unpenalized columns) the mean squared error splits exactly into one
squared bias and one variance per eigen-direction:

    bias²_i(α) = α² a_i² / (d_i + α)²,     var_i(α) = σ² d_i / (d_i + α)²,

plus the α-independent ‖n₀‖². In original units (all p coefficients, unpenalized ones included)
the totals are quadratic forms that are not diagonal in the eigenbasis; they are computed exactly
from k×k matrices. The weighted in-sample prediction error is diagonal for any scaling.

A Monte-Carlo check of these curves is in :mod:`ridgeway.analysis.bias_variance_simulation`.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from ridgeway._search import golden_section, grid_bracket
from ridgeway._typing import ArrayLike, FloatArray
from ridgeway._validation import as_matrix, check_alphas, check_finite, message
from ridgeway.analysis._eigen import SpectralFit, spectral_fit
from ridgeway.selection.curve import GridEdgeWarning
from ridgeway.selection.grid import default_alphas

__all__ = ["BiasVariance", "bias_variance"]


@dataclass(frozen=True, eq=False)
class BiasVariance:
    """Exact squared bias, variance and prediction error of ridge over a grid of α.

    Shapes are for a 1-D ``beta``; with ``beta`` of shape (p, t) every field gains a trailing
    target axis (``alpha_*`` and ``*null_bias2`` become (t,)).

    Attributes
    ----------
    alphas : ndarray of shape (a,)
        The grid, in the order given.
    d : ndarray of shape (k,)
        Nonzero eigenvalues of AᵀA, descending.
    bias2_dir, variance_dir : ndarray of shape (a, k)
        α² a_i²/(d_i + α)² and σ² d_i/(d_i + α)², per eigen-direction (penalty metric).
    null_bias2 : ndarray of shape ()
        ‖n₀‖², the squared bias no α removes (penalty metric).
    bias2, variance, mse : ndarray of shape (a,)
        Totals in the penalty metric: E‖Π^½(β̂_P − β*_P)‖² = bias2 + variance, with
        bias2 = Σ_i bias2_dir + null_bias2.
    coef_bias2, coef_variance, coef_mse : ndarray of shape (a,)
        The same in original units over all p coefficients: E‖β̂ − β*‖².
    coef_null_bias2 : ndarray of shape ()
        coef_bias2 at α → 0⁺: the unrecoverable part in original units.
    pred_bias2, pred_variance, pred_risk : ndarray of shape (a,)
        In-sample prediction risk per unit weight, E Σ_i s_i (ŷ_i − b* − x_iᵀβ*)² / Σs
        = [Σ_i d_i bias2_dir_i + σ² (Σ_i d_i²/(d_i + α)² + u + 1)] / Σs, where u counts the
        unpenalized columns and the 1 (only with an intercept) is the variance σ²/Σs of the
        weighted mean.
    pred_error : ndarray of shape (a,)
        Expected error against fresh noise at the same rows, E Σ_i s_i (y'_i − ŷ_i)² / Σs
        = pred_risk + σ² n₊/Σs (n₊ rows of positive weight; σ² for unit weights).
    alpha_mse, alpha_coef, alpha_pred : ndarray of shape ()
        Minimizers of ``mse``, ``coef_mse`` and ``pred_risk`` (``pred_error`` has the same
        minimizer): the grid argmin refined by golden-section search in log α between its grid
        neighbours (up to a factor e²⁰ past the grid when the argmin is an end of it).
    """

    alphas: FloatArray
    d: FloatArray
    bias2_dir: FloatArray
    variance_dir: FloatArray
    null_bias2: FloatArray
    bias2: FloatArray
    variance: FloatArray
    mse: FloatArray
    coef_bias2: FloatArray
    coef_variance: FloatArray
    coef_mse: FloatArray
    coef_null_bias2: FloatArray
    pred_bias2: FloatArray
    pred_variance: FloatArray
    pred_risk: FloatArray
    pred_error: FloatArray
    alpha_mse: FloatArray
    alpha_coef: FloatArray
    alpha_pred: FloatArray


@dataclass(frozen=True, eq=False)
class _Truth:
    """The truth in eigen-coordinates; ``curves`` evaluates every field at α of shape (m, t)."""

    d: FloatArray  # (k,)
    a: FloatArray  # (k, t)
    gram: FloatArray  # (k, k): v_iᵀ M v_j, M = C (I + KᵀK) C the original-units metric
    cross: FloatArray  # (k, t): v_iᵀ M n₀
    null_pen: FloatArray  # (t,)
    null_coef: FloatArray  # (t,)
    unpen_trace: float  # tr G_UU⁻¹
    sigma2: FloatArray  # (t,)
    sum_w: float
    n_pos: int
    n_fixed: int  # unpenalized columns + intercept

    def curves(self, al: np.ndarray) -> dict[str, FloatArray]:
        d = self.d[None, :, None]
        al3 = al[:, None, :]
        den = d + al3
        ha = (al3 / den) * self.a[None]  # (m, k, t)
        g = d / den**2
        out = {"bias2_dir": ha**2, "variance_dir": self.sigma2 * g}
        out["bias2"] = out["bias2_dir"].sum(axis=1) + self.null_pen
        out["variance"] = out["variance_dir"].sum(axis=1)
        quad = (ha * np.matmul(self.gram, ha)).sum(axis=1)
        out["coef_bias2"] = quad + 2.0 * np.einsum("mkt,kt->mt", ha, self.cross) + self.null_coef
        out["coef_variance"] = self.sigma2 * (
            np.einsum("mkt,k->mt", g, np.diagonal(self.gram)) + self.unpen_trace
        )
        out["pred_bias2"] = np.einsum("k,mkt->mt", self.d, out["bias2_dir"]) / self.sum_w
        df_var = np.einsum("k,mkt->mt", self.d, g) + self.n_fixed
        out["pred_variance"] = self.sigma2 * df_var / self.sum_w
        for name in ("", "coef_", "pred_"):
            total = out[name + "bias2"] + out[name + "variance"]
            out["pred_risk" if name == "pred_" else name + "mse"] = total
        out["pred_error"] = out["pred_risk"] + self.sigma2 * self.n_pos / self.sum_w
        return out


def _check_beta(beta: Any, p: int) -> tuple[FloatArray, bool]:
    try:
        B = np.asarray(beta, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(message("beta", "an array of numbers", repr(beta))) from None
    if B.ndim not in (1, 2) or B.shape[0] != p or (B.ndim == 2 and B.shape[1] == 0):
        raise ValueError(
            message("beta", f"of shape (p,) or (p, t) with p = {p} features", f"shape {B.shape}")
        )
    check_finite(B, "beta")
    return (B[:, None] if B.ndim == 1 else B), B.ndim == 1


def _check_per_target(value: Any, t: int, name: str, rule: str) -> FloatArray:
    try:
        v = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(message(name, "a number or an array of numbers", repr(value))) from None
    if v.ndim > 1 or (v.ndim == 1 and v.shape[0] != t):
        raise ValueError(
            message(name, f"a scalar or one value per target ({t})", f"shape {v.shape}")
        )
    if not np.isfinite(v).all() or (rule == "non-negative" and (v < 0).any()):
        raise ValueError(message(name, "finite" if rule == "finite" else f"finite and {rule}", v))
    return np.broadcast_to(v, (t,)).copy()


def _truth(fit: SpectralFit, B: FloatArray, sigma2: FloatArray) -> _Truth:
    sp, lo = fit.spectrum, fit.loadings
    scale, V = lo.scale, lo.vectors
    gamma = B[lo.penalized] / scale[:, None]  # (p_P, t)
    a = V.T @ gamma
    n0 = np.zeros_like(gamma) if lo.full_rank else gamma - V @ a
    CV, Cn0 = scale[:, None] * V, scale[:, None] * n0
    gram, cross, null_coef = CV.T @ CV, CV.T @ Cn0, (Cn0**2).sum(axis=0)
    unpen_trace = 0.0
    if lo.coupling is not None and lo.unpen_inv is not None:
        # β̂_U − β*_U = −K (β̂_P − β*_P) + G_UU⁻¹ B_Uᵀ e, the last term uncorrelated with the rest
        KCV, KCn0 = lo.coupling @ CV, lo.coupling @ Cn0
        gram = gram + KCV.T @ KCV
        cross = cross + KCV.T @ KCn0
        null_coef = null_coef + (KCn0**2).sum(axis=0)
        unpen_trace = float(np.trace(lo.unpen_inv))
    w = fit.data.sample_weight
    return _Truth(
        d=sp.d,
        a=np.asarray(a),
        gram=np.asarray(gram),
        cross=np.asarray(cross),
        null_pen=(n0**2).sum(axis=0),
        null_coef=np.asarray(null_coef),
        unpen_trace=unpen_trace,
        sigma2=sigma2,
        sum_w=sp.sum_weights,
        n_pos=sp.n_samples if w is None else int((w > 0).sum()),
        n_fixed=sp.unpenalized.size + int(fit.data.problem.fit_intercept),
    )


def _objective(truth: _Truth, key: str) -> Callable[[FloatArray], np.ndarray]:
    """The curve ``key`` as a function of one α per target, (t,) → (t,)."""

    def f(alpha: FloatArray) -> np.ndarray:
        return truth.curves(alpha[None, :])[key][0]

    return f


def _minimizer(
    values: np.ndarray, alphas: np.ndarray, f: Callable[[FloatArray], np.ndarray]
) -> tuple[FloatArray, np.ndarray]:
    """(α minimizing ``f`` per target (t,), whether the grid argmin sits on the grid's edge).

    The grid argmin is refined by golden-section search in log α between its neighbours (past
    the end of the grid when it is an end); the refined point is kept only if it is better.
    """
    vals = np.where(np.isfinite(values), values, np.inf)
    i = np.argmin(vals, axis=0)
    best_al, best_v = alphas[i], vals[i, np.arange(vals.shape[1])]
    pos = np.unique(alphas[alphas > 0])  # ascending
    if pos.size == 0:
        return np.asarray(best_al, dtype=np.float64), np.zeros(best_al.shape, dtype=bool)
    lo, hi = grid_bracket(np.log(pos), np.searchsorted(pos, best_al))
    x = np.exp(golden_section(lambda la: f(np.exp(la)), lo, hi))
    edge = (best_al == pos[-1]) | ((best_al == pos[0]) & ~(alphas == 0).any())
    return np.where(f(x) < best_v, x, best_al), edge


def bias_variance(
    X: ArrayLike,
    beta: ArrayLike,
    sigma2: float | ArrayLike,
    alphas: ArrayLike | None = None,
    *,
    sample_weight: ArrayLike | None = None,
    fit_intercept: bool = True,
    standardize: bool = False,
    penalty_factor: ArrayLike | None = None,
) -> BiasVariance:
    """Exact bias–variance decomposition of ridge for a known β* and σ², for a grid of α.

    For the ridge fit of Σ_i s_i‖y_i − b − x_iᵀW‖² + α Σ_j π_j‖W_j‖² under the model
    y_i = b* + x_iᵀβ* + ε_i, Var ε_i = σ²/s_i, this computes per eigen-direction

        E‖Π^½(β̂_P − β*_P)‖² = Σ_i α² a_i²/(d_i + α)² + ‖n₀‖² + σ² Σ_i d_i/(d_i + α)²

    (see the module docstring for a_i and n₀), the same totals in original units, and the
    in-sample prediction risk Σ_i [d_i α² a_i²/(d_i + α)² + σ² d_i²/(d_i + α)²]/Σs plus
    σ²(u + 1)/Σs for the u unpenalized columns and the intercept. Everything is vectorised over
    α and targets; see :class:`BiasVariance` for each field and its metric.

    Parameters
    ----------
    X : array-like of shape (n, p)
    beta : array-like of shape (p,) or (p, t)
        The true coefficients β*, one column per target. The true intercept b* does not matter
        with ``fit_intercept`` (and is taken to be 0 without it).
    sigma2 : float or array-like of shape (t,)
        Noise variance σ² ≥ 0 at unit weight, one for all targets or one per target.
    alphas : array-like of shape (a,), optional
        Penalty strengths α ≥ 0; default a grid spanning the spectrum.
    sample_weight, fit_intercept, standardize, penalty_factor
        As for :class:`ridgeway.Ridge`.

    Returns
    -------
    BiasVariance

    Warns
    -----
    GridEdgeWarning
        When the grid argmin of ``mse``, ``coef_mse`` or ``pred_risk`` is the largest α of the
        grid, or its smallest one if positive (the minimizer is then searched past that end).

    Examples
    --------
    >>> import numpy as np
    >>> from ridgeway.analysis.bias_variance import bias_variance
    >>> X = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [2.0, 0.5], [0.5, 2.0], [0.0, 0.0]])
    >>> bv = bias_variance(X, [1.0, -0.5], 0.5, np.geomspace(0.01, 10.0, 7))
    >>> bv.mse.shape, bv.bias2_dir.shape
    ((7,), (7, 2))
    >>> bool(np.allclose(bv.mse, bv.bias2_dir.sum(1) + bv.variance_dir.sum(1)))
    True
    >>> round(float(bv.alpha_mse), 3), round(float(bv.alpha_pred), 3)
    (0.921, 0.828)
    """
    Xa = as_matrix(X)
    B, single = _check_beta(beta, Xa.shape[1])
    s2 = _check_per_target(sigma2, B.shape[1], "sigma2", "non-negative")
    al = None if alphas is None else check_alphas(alphas, "alphas")
    fit = spectral_fit(
        Xa,
        np.zeros(Xa.shape[0]),
        sample_weight=sample_weight,
        fit_intercept=fit_intercept,
        standardize=standardize,
        penalty_factor=penalty_factor,
        alpha_min=0.0 if al is None else float(al.min()),
    )
    if al is None:
        al = default_alphas(fit.spectrum)
    truth = _truth(fit, B, s2)
    t = B.shape[1]
    curves = truth.curves(np.broadcast_to(al[:, None], (al.size, t)))
    best: dict[str, FloatArray] = {}
    edges = []
    for field, key in (
        ("alpha_mse", "mse"),
        ("alpha_coef", "coef_mse"),
        ("alpha_pred", "pred_risk"),
    ):
        best[field], edge = _minimizer(curves[key], al, _objective(truth, key))
        if edge.any():
            edges.append(key)
    if edges:
        warnings.warn(
            f"the grid minimum of {', '.join(edges)} lies on the edge of the grid "
            f"[{al.min():.3g}, {al.max():.3g}]; the minimizer was searched past that end but "
            "may lie further out: widen the grid",
            GridEdgeWarning,
            stacklevel=2,
        )
    out = {
        **curves,
        **best,
        "null_bias2": truth.null_pen,
        "coef_null_bias2": truth.null_coef,
    }
    if single:
        out = {k: v[..., 0] for k, v in out.items()}
    return BiasVariance(alphas=al, d=truth.d.copy(), **out)
