"""Bias and variance of ridge given the truth: exact curves over α and a Monte-Carlo check.

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
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from ridgeway._search import golden_section, grid_bracket
from ridgeway._typing import ArrayLike, FloatArray
from ridgeway._validation import as_matrix, as_weights, check_alphas, check_finite, message
from ridgeway.analysis._eigen import SpectralFit, spectral_fit
from ridgeway.selection.curve import GridEdgeWarning
from ridgeway.selection.grid import default_alphas

__all__ = ["BiasVariance", "SimulatedBiasVariance", "bias_variance", "simulate_bias_variance"]


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
class SimulatedBiasVariance:
    """Monte-Carlo estimates of the curves of :class:`BiasVariance`, with standard errors.

    Every field but ``alphas`` and ``n_draws`` has shape (a,) for a 1-D ``beta`` and (a, t)
    otherwise. For errors e_r of draw r (a vector in the metric of the field), ē their mean and
    R draws: variance = Σ_r ‖e_r − ē‖²/(R − 1), bias2 = ‖ē‖² − variance/R (unbiased), and
    mse = Σ_r ‖e_r‖²/R = bias2 + variance. The standard errors are those of the mean over draws
    (mse), of the sample variance (variance), and the delta-method √(4 ēᵀΣ̂ē/R + 2 tr Σ̂²/R²)
    (bias2; only its order is reliable when the bias is near the Monte-Carlo noise floor).

    Attributes
    ----------
    alphas : ndarray of shape (a,)
    n_draws : int
    bias2, variance, mse (and ``*_se``)
        Penalty metric ‖Π^½(β̂_P − β*_P)‖².
    coef_bias2, coef_variance, coef_mse (and ``*_se``)
        Original units ‖β̂ − β*‖².
    pred_bias2, pred_variance, pred_risk (and ``*_se``)
        Σ_i s_i (ŷ_i − b* − x_iᵀβ*)² / Σs.
    """

    alphas: FloatArray
    n_draws: int
    bias2: FloatArray
    variance: FloatArray
    mse: FloatArray
    bias2_se: FloatArray
    variance_se: FloatArray
    mse_se: FloatArray
    coef_bias2: FloatArray
    coef_variance: FloatArray
    coef_mse: FloatArray
    coef_bias2_se: FloatArray
    coef_variance_se: FloatArray
    coef_mse_se: FloatArray
    pred_bias2: FloatArray
    pred_variance: FloatArray
    pred_risk: FloatArray
    pred_bias2_se: FloatArray
    pred_variance_se: FloatArray
    pred_risk_se: FloatArray


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


def _monte_carlo(err: np.ndarray) -> tuple[FloatArray, ...]:
    """(bias2, variance, mse, and their standard errors), (a, t), from errors (a, m, t, R)."""
    R = err.shape[-1]
    mean = err.mean(axis=-1)
    dev = err - mean[..., None]
    dev2 = (dev**2).sum(axis=1)  # (a, t, R)
    variance = dev2.sum(axis=-1) / (R - 1)
    bias2 = (mean**2).sum(axis=1) - variance / R
    loss = (err**2).sum(axis=1)
    proj = np.einsum("amt,amtr->atr", mean, dev)
    # Var ‖ē‖² ≈ 4 bᵀΣb/R + 2 tr Σ²/R², with 2 tr Σ² ≈ Var ‖e_r − ē‖² (Gaussian errors)
    bias2_se = np.sqrt(4.0 * (proj**2).mean(axis=-1) / R + dev2.var(axis=-1, ddof=1) / R**2)
    return (
        bias2,
        variance,
        loss.mean(axis=-1),
        bias2_se,
        dev2.std(axis=-1, ddof=1) / np.sqrt(R),
        loss.std(axis=-1, ddof=1) / np.sqrt(R),
    )


def simulate_bias_variance(
    X: ArrayLike,
    beta: ArrayLike,
    sigma2: float | ArrayLike,
    alphas: ArrayLike,
    *,
    n_draws: int = 1000,
    seed: int | np.random.Generator | None = None,
    intercept: float | ArrayLike = 0.0,
    sample_weight: ArrayLike | None = None,
    fit_intercept: bool = True,
    standardize: bool = False,
    penalty_factor: ArrayLike | None = None,
) -> SimulatedBiasVariance:
    """Monte-Carlo estimate of the curves of :func:`bias_variance` from simulated noise.

    Draws R = ``n_draws`` targets y_r = b* + Xβ* + ε_r, ε_ri ~ N(0, σ²/s_i), fits all of them
    (and all targets) from one factorization, and estimates for every α the squared bias
    ‖ē‖² − variance/R and the variance Σ_r ‖e_r − ē‖²/(R − 1) of the errors e_r in three metrics
    (penalty metric, original units, weighted in-sample predictions), each with a standard
    error. Memory is about a·max(n, p)·t·R floats.

    Parameters
    ----------
    X, beta, sigma2, alphas, sample_weight, fit_intercept, standardize, penalty_factor
        As for :func:`bias_variance` (``alphas`` required).
    n_draws : int, default 1000
        Number of noise draws R ≥ 2.
    seed : int, Generator or None
        Seed of the noise (pass an int for reproducible draws).
    intercept : float or array-like of shape (t,), default 0.0
        The true intercept b*. It leaves every result unchanged with ``fit_intercept``; without
        it, a nonzero b* adds a misspecification bias that :func:`bias_variance` does not model.

    Returns
    -------
    SimulatedBiasVariance

    Examples
    --------
    >>> import numpy as np
    >>> from ridgeway.analysis.bias_variance import bias_variance, simulate_bias_variance
    >>> X = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [2.0, 0.5], [0.5, 2.0], [0.0, 0.0]])
    >>> alphas = [0.1, 1.0, 10.0]
    >>> sim = simulate_bias_variance(X, [1.0, -0.5], 0.5, alphas, n_draws=20000, seed=0)
    >>> exact = bias_variance(X, [1.0, -0.5], 0.5, alphas)
    >>> bool(np.all(np.abs(sim.coef_mse - exact.coef_mse) < 4 * sim.coef_mse_se))
    True
    """
    Xa = as_matrix(X)
    n, p = Xa.shape
    B, single = _check_beta(beta, p)
    t = B.shape[1]
    s2 = _check_per_target(sigma2, t, "sigma2", "non-negative")
    al = check_alphas(alphas, "alphas")
    if isinstance(n_draws, bool) or not isinstance(n_draws, int | np.integer) or n_draws < 2:
        raise ValueError(message("n_draws", "an integer of at least 2", repr(n_draws)))
    b0 = _check_per_target(intercept, t, "intercept", "finite")
    w = as_weights(sample_weight, n)
    check_finite(Xa, "X")
    R = int(n_draws)
    rng = np.random.default_rng(seed)
    sd = np.sqrt(s2)[None, :, None] * np.ones((n, 1, 1))
    if w is not None:
        with np.errstate(divide="ignore"):
            sd = np.where(w[:, None, None] > 0, sd / np.sqrt(w)[:, None, None], 0.0)
    mu = b0[None, :] + Xa @ B  # (n, t)
    Y = (mu[:, :, None] + sd * rng.standard_normal((n, t, R))).reshape(n, t * R)
    fit = spectral_fit(
        Xa,
        Y,
        sample_weight=w,
        fit_intercept=fit_intercept,
        standardize=standardize,
        penalty_factor=penalty_factor,
        alpha_min=float(al.min()),
    )
    sp = fit.spectrum
    coef = sp.coef_path(al)  # (a, p, t R)
    icpt = sp.intercept(coef).reshape(al.size, 1, t, R)
    delta = coef.reshape(al.size, p, t, R) - B[None, :, :, None]
    P = sp.penalized
    root_pen = np.sqrt(fit.data.penalty[P])[None, :, None, None]
    rows = np.matmul(Xa, delta.reshape(al.size, p, t * R)).reshape(al.size, n, t, R)
    rows = rows + (icpt - b0[None, None, :, None])
    ws = np.ones(n) if w is None else w
    rows = rows * np.sqrt(ws / ws.sum())[None, :, None, None]
    out: dict[str, FloatArray] = {}
    for prefix, total, err in (
        ("", "mse", delta[:, P] * root_pen),
        ("coef_", "coef_mse", delta),
        ("pred_", "pred_risk", rows),
    ):
        base = (prefix + "bias2", prefix + "variance", total)
        names = (*base, *(name + "_se" for name in base))
        for name, value in zip(names, _monte_carlo(err), strict=True):
            out[name] = value[:, 0] if single else value
    return SimulatedBiasVariance(alphas=al, n_draws=R, **out)
