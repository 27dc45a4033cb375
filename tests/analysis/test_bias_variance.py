"""Bias–variance curves of ridge against explicit matrices, limits, simulation and invariances.

The reference writes the ridge estimator as the linear map θ̂ = M⁻¹ZᵀS y with Z = [1, X] (or X
without an intercept), M = ZᵀSZ + diag(0, απ): then E θ̂ = M⁻¹ZᵀS μ for μ = b* + Xβ*, and
Cov θ̂ = σ² M⁻¹ZᵀSZ M⁻¹ because Cov y = σ² S⁻¹. Every closed-form field is a norm of the bias
and a trace of the covariance in one metric (original units, Π-weighted penalized coefficients,
S-weighted in-sample predictions), computed here with no eigendecomposition at all.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from refs import make_data
from ridgeway.analysis._eigen import spectral_fit
from ridgeway.analysis.bias_variance import BiasVariance, bias_variance
from ridgeway.analysis.bias_variance_simulation import (
    SimulatedBiasVariance,
    simulate_bias_variance,
)
from ridgeway.selection import GridEdgeWarning

# grids here are fixed, so minima may sit on their edges: the warning is tested on its own
pytestmark = pytest.mark.filterwarnings("ignore::ridgeway.selection.GridEdgeWarning")

ALPHAS = np.geomspace(1e-2, 1e3, 7)
B_STAR = 0.7  # a true intercept: with fit_intercept nothing may depend on it


def penalty_of(X, w, factor, standardize):
    """π as the fit uses it: the factors, times the weighted column variance with standardize."""
    if not standardize:
        return factor
    xm = w @ X / w.sum()
    var = w @ (X - xm) ** 2 / w.sum()
    return factor * np.where(var > 0, var, 1.0)


def explicit(X, w, pen, fit_intercept, alpha, B, s2):
    """Every closed-form total at one α, and the error covariances (per unit σ²) per metric."""
    n, p = X.shape
    Z = np.column_stack([np.ones(n), X]) if fit_intercept else X
    D = np.diag(np.r_[0.0, alpha * pen] if fit_intercept else alpha * pen)
    G = Z.T @ (w[:, None] * Z)
    Minv = np.linalg.inv(G + D)
    theta = np.vstack([np.full((1, B.shape[1]), B_STAR), B]) if fit_intercept else B
    mu = Z @ theta
    bias_t = Minv @ (Z.T @ (w[:, None] * mu)) - theta  # (p [+1], t)
    cov_t = Minv @ G @ Minv  # per unit σ²
    j = slice(1, None) if fit_intercept else slice(None)
    bias_b, cov_b = bias_t[j], cov_t[j, j]
    root = np.sqrt(pen)
    rows = np.sqrt(w / w.sum())[:, None] * Z
    bias_r, cov_r = rows @ bias_t, rows @ cov_t @ rows.T
    out = {
        "coef": (bias_b, cov_b),
        "pen": (root[:, None] * bias_b, root[:, None] * cov_b * root[None, :]),
        "pred": (bias_r, cov_r),
    }
    res = {}
    for key, prefix in (("coef", "coef_"), ("pen", ""), ("pred", "pred_")):
        b, c = out[key]
        res[prefix + "bias2"] = (b**2).sum(axis=0)
        res[prefix + "variance"] = s2 * np.trace(c)
    res["mse"] = res["bias2"] + res["variance"]
    res["coef_mse"] = res["coef_bias2"] + res["coef_variance"]
    res["pred_risk"] = res["pred_bias2"] + res["pred_variance"]
    res["pred_error"] = res["pred_risk"] + s2 * (w > 0).sum() / w.sum()
    return res, out


def explicit_curves(X, w, pen, fit_intercept, alphas, B, s2):
    """The totals of :func:`explicit` stacked over a grid, each (a, t)."""
    rows = [explicit(X, w, pen, fit_intercept, a, B, s2)[0] for a in alphas]
    return {k: np.array([r[k] for r in rows]) for k in rows[0]}


def problem(shape, weighted, penalty, t=2, seed=0):
    n, p = shape
    X, _, rng = make_data(n, p, 1, seed=seed + n + p)
    if shape == (30, 6):  # a duplicated column: rank deficient, the SVD route and a null space
        X[:, 5] = X[:, 4]
    w = rng.uniform(0.3, 3.0, n) if weighted else np.ones(n)
    if weighted:
        w[3] = 0.0
    factor = np.ones(p)
    if penalty in ("factors", "unpenalized", "standardize"):
        factor = rng.uniform(0.4, 2.5, p)
    if penalty == "unpenalized":
        factor[1] = 0.0
    B = rng.standard_normal((p, t))
    s2 = rng.uniform(0.2, 2.0, t)
    return X, w, factor, B, s2, rng


@pytest.mark.parametrize("shape", [(30, 5), (12, 20), (30, 6)], ids=["tall", "wide", "collinear"])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("penalty", ["unit", "factors", "unpenalized", "standardize"])
def test_closed_form_equals_explicit_matrices(shape, weighted, fit_intercept, penalty):
    X, w, factor, B, s2, _ = problem(shape, weighted, penalty)
    std = penalty == "standardize"
    bv = bias_variance(
        X,
        B,
        s2,
        ALPHAS,
        sample_weight=w if weighted else None,
        fit_intercept=fit_intercept,
        standardize=std,
        penalty_factor=factor,
    )
    ref = explicit_curves(X, w, penalty_of(X, w, factor, std), fit_intercept, ALPHAS, B, s2)
    assert isinstance(bv, BiasVariance)
    for key, value in ref.items():
        scale = np.abs(value).max() + 1e-300
        np.testing.assert_allclose(getattr(bv, key), value, rtol=1e-8, atol=1e-10 * scale)
    np.testing.assert_allclose(bv.mse, bv.bias2 + bv.variance, rtol=1e-13)
    np.testing.assert_allclose(bv.coef_mse, bv.coef_bias2 + bv.coef_variance, rtol=1e-13)
    np.testing.assert_allclose(bv.bias2, bv.bias2_dir.sum(axis=1) + bv.null_bias2, rtol=1e-12)
    np.testing.assert_allclose(bv.variance, bv.variance_dir.sum(axis=1), rtol=1e-12)


@pytest.mark.parametrize("shape", [(30, 5), (12, 20)], ids=["tall", "wide"])
@pytest.mark.parametrize("weighted", [False, True])
def test_per_direction_terms_from_an_explicit_eigendecomposition(shape, weighted):
    """bias²_i = α²a_i²/(d_i+α)², var_i = σ²d_i/(d_i+α)², from numpy's eigh of AᵀA."""
    X, w, factor, B, s2, _ = problem(shape, weighted, "factors")
    bv = bias_variance(X, B, s2, ALPHAS, sample_weight=w, penalty_factor=factor)
    xm = w @ X / w.sum()
    A = np.sqrt(w)[:, None] * (X - xm) / np.sqrt(factor)
    d, V = np.linalg.eigh(A.T @ A)
    keep = d > d.max() * 1e-10
    d, V = d[keep][::-1], V[:, keep][:, ::-1]
    a = V.T @ (np.sqrt(factor)[:, None] * B)  # (k, t)
    al = ALPHAS[:, None, None]
    np.testing.assert_allclose(bv.d, d, rtol=1e-10)
    np.testing.assert_allclose(bv.bias2_dir, (al * a / (d[:, None] + al)) ** 2, rtol=1e-8)
    expect_var = s2 * d[:, None] / (d[:, None] + al) ** 2
    np.testing.assert_allclose(bv.variance_dir, expect_var, rtol=1e-8)
    null = np.sqrt(factor)[:, None] * B - V @ a
    np.testing.assert_allclose(bv.null_bias2, (null**2).sum(axis=0), rtol=1e-8, atol=1e-12)


def test_coef_variance_matches_the_shared_projection():
    X, w, factor, B, s2, _ = problem((30, 5), True, "unpenalized")
    bv = bias_variance(X, B, s2, ALPHAS, sample_weight=w, penalty_factor=factor)
    fit = spectral_fit(X, np.zeros(30), sample_weight=w, penalty_factor=factor)
    d = fit.spectrum.d
    g = d[None, :] / (d[None, :] + ALPHAS[:, None]) ** 2
    per_unit = fit.project_coef().quadratic(g).sum(axis=1)
    np.testing.assert_allclose(bv.coef_variance, per_unit[:, None] * s2, rtol=1e-10)


def test_limits_alpha_to_zero_and_infinity():
    X, w, factor, B, s2, _ = problem((30, 5), False, "unit", t=1)
    beta, sig = B[:, 0], float(s2[0])
    Xc = X - X.mean(axis=0)
    d = np.linalg.eigvalsh(Xc.T @ Xc)
    # α = 0 is least squares: unbiased, variance σ² tr (X̃ᵀX̃)⁻¹ = σ² Σ 1/d_i
    bv = bias_variance(X, beta, sig, [0.0, 1e-9, 1e12])
    np.testing.assert_allclose(bv.bias2[0], 0.0, atol=1e-20)
    np.testing.assert_allclose(bv.variance[:2], sig * (1.0 / d).sum(), rtol=1e-7)
    np.testing.assert_allclose(bv.coef_variance[0], sig * np.trace(np.linalg.inv(Xc.T @ Xc)))
    # α → ∞: every coefficient shrinks to 0; predictions to the weighted mean
    np.testing.assert_allclose(bv.bias2[2], beta @ beta, rtol=1e-9)
    np.testing.assert_allclose(bv.coef_bias2[2], beta @ beta, rtol=1e-9)
    assert bv.variance[2] < 1e-18 * sig
    np.testing.assert_allclose(bv.pred_bias2[2], ((Xc @ beta) ** 2).mean(), rtol=1e-9)
    np.testing.assert_allclose(bv.pred_variance[2], sig / 30, rtol=1e-9)  # the intercept's


def test_limits_with_a_null_space_and_unpenalized_columns():
    X, w, factor, B, s2, _ = problem((12, 20), False, "unit", t=1)
    beta, sig = B[:, 0], float(s2[0])
    Xc = X - X.mean(axis=0)
    bv = bias_variance(X, beta, sig, [1e-10, 1e12])
    null = beta - np.linalg.pinv(Xc) @ (Xc @ beta)  # the part of β* in the null space of X̃
    np.testing.assert_allclose(bv.null_bias2, null @ null, rtol=1e-8)
    np.testing.assert_allclose(bv.bias2[0], null @ null, rtol=1e-7)
    np.testing.assert_allclose(bv.coef_bias2[0], bv.coef_null_bias2, rtol=1e-7)
    sv = np.linalg.svd(Xc, compute_uv=False)
    sv = sv[sv > sv[0] * 1e-10]
    np.testing.assert_allclose(bv.variance[0], sig * (1.0 / sv**2).sum(), rtol=1e-7)
    np.testing.assert_allclose(bv.bias2[1], beta @ beta, rtol=1e-9)
    # an unpenalized column keeps its least-squares variance and its coupling bias at α → ∞
    X2, _, _, B2, _, _ = problem((30, 5), False, "unit", t=1)
    factor = np.array([0.0, 1.0, 1.0, 1.0, 1.0])
    bv = bias_variance(X2, B2[:, 0], sig, [1e12], penalty_factor=factor)
    Xc2 = X2 - X2.mean(axis=0)
    xu = Xc2[:, 0]
    slope = xu @ (Xc2[:, 1:] @ B2[1:, 0]) / (xu @ xu)  # β̂_U → β*_U + K β*_P
    np.testing.assert_allclose(bv.coef_bias2[0], B2[1:, 0] @ B2[1:, 0] + slope**2, rtol=1e-8)
    np.testing.assert_allclose(bv.coef_variance[0], sig / (xu @ xu), rtol=1e-8)


def test_minimizers_agree_with_a_brute_force_grid():
    X, w, factor, B, s2, _ = problem((30, 5), True, "factors", t=2)
    bv = bias_variance(
        X, B, s2, np.geomspace(1e-2, 1e3, 12), sample_weight=w, penalty_factor=factor
    )
    fine = np.geomspace(1e-2, 1e3, 4001)
    ref = explicit_curves(X, w, factor, True, fine, B, s2)
    step = fine[1] / fine[0]
    for field, key in (
        ("alpha_mse", "mse"),
        ("alpha_coef", "coef_mse"),
        ("alpha_pred", "pred_risk"),
    ):
        best = fine[np.argmin(ref[key], axis=0)]
        ratio = getattr(bv, field) / best
        assert np.all((ratio < step) & (ratio > 1 / step)), (field, getattr(bv, field), best)
    # the three minimizers differ when the metrics differ
    assert not np.allclose(bv.alpha_mse, bv.alpha_pred, rtol=1e-3)


def test_minimizer_of_an_isotropic_truth_is_sigma2_over_a2():
    """With a_i² = c² for every direction both risks have their minimum at α* = σ²/c²."""
    X, _, _, _, _, _ = problem((30, 5), False, "unit", t=1)
    Xc = X - X.mean(axis=0)
    _, V = np.linalg.eigh(Xc.T @ Xc)
    c, sig = 0.8, 1.3
    beta = V @ (c * np.array([1.0, -1.0, 1.0, 1.0, -1.0]))
    bv = bias_variance(X, beta, sig, np.geomspace(0.1, 100.0, 9))
    np.testing.assert_allclose(bv.alpha_mse, sig / c**2, rtol=1e-6)
    np.testing.assert_allclose(bv.alpha_coef, sig / c**2, rtol=1e-6)
    np.testing.assert_allclose(bv.alpha_pred, sig / c**2, rtol=1e-6)


def test_grid_edges_warn_and_alpha_zero_is_a_boundary():
    X, _, _, B, _, _ = problem((30, 5), False, "unit", t=1)
    with pytest.warns(GridEdgeWarning, match="mse, coef_mse, pred_risk"):
        bv = bias_variance(X, B[:, 0], 0.0, [0.1, 1.0, 10.0])  # no noise: α → 0 is best
    assert bv.alpha_mse < 0.1
    bv = bias_variance(X, B[:, 0], 0.0, [0.0, 0.1, 1.0])  # α = 0 is the true minimum: no warning
    assert bv.alpha_mse == 0.0 and bv.mse[0] < 1e-25
    with pytest.warns(GridEdgeWarning, match="edge of the grid"):
        bv = bias_variance(X, np.zeros(5), 1.0, [0.1, 1.0, 10.0])  # nothing to find: α → ∞
    assert bv.alpha_pred > 10.0


@pytest.mark.parametrize("case", ["tall-weighted-unpenalized", "wide-standardize"], ids=lambda c: c)
def test_simulation_reproduces_the_closed_form(case):
    if case == "tall-weighted-unpenalized":
        X, w, factor, B, s2, _ = problem((30, 5), True, "unpenalized", seed=3)
        std = False
    else:
        X, w, factor, B, s2, _ = problem((12, 20), False, "factors", seed=4)
        std = True
    R = 4000
    alphas = np.geomspace(0.05, 50.0, 5)
    kw = {"sample_weight": w, "standardize": std, "penalty_factor": factor}
    sim = simulate_bias_variance(X, B, s2, alphas, n_draws=R, seed=11, intercept=2.0, **kw)
    exact = bias_variance(X, B, s2, alphas, **kw)
    assert isinstance(sim, SimulatedBiasVariance) and sim.n_draws == R
    pen = penalty_of(X, w, factor, std)
    P = pen > 0
    for ia, al in enumerate(alphas):
        _, metrics = explicit(X, w, pen, True, al, B, s2)
        for key, prefix, total in (
            ("pen", "", "mse"),
            ("coef", "coef_", "coef_mse"),
            ("pred", "pred_", "pred_risk"),
        ):
            b, c = metrics[key]
            if key == "pen":
                b, c = b[P], c[np.ix_(P, P)]
            for it in range(B.shape[1]):
                cov = s2[it] * c
                tr2, bsb = np.sum(cov * cov), b[:, it] @ cov @ b[:, it]
                theory = {
                    prefix + "bias2": np.sqrt(4 * bsb / R + 2 * tr2 / R**2),
                    prefix + "variance": np.sqrt(2 * tr2 / (R - 1)),
                    total: np.sqrt((2 * tr2 + 4 * bsb) / R),
                }
                for name, se in theory.items():
                    got, want = getattr(sim, name)[ia, it], getattr(exact, name)[ia, it]
                    assert abs(got - want) < 4.5 * se, (name, al, it, got, want, se)
                    # the reported se: close for variance and mse; for bias² it rests on ē,
                    # itself at the noise floor when the bias is small, so only its order
                    ratio = getattr(sim, name + "_se")[ia, it] / se
                    lo, hi = (0.3, 3.0) if name.endswith("bias2") else (0.75, 1.33)
                    assert lo < ratio < hi, (name, al, it, ratio)
    # power: a noise variance 25% too large is far outside the Monte-Carlo error
    wrong = bias_variance(X, B, 1.25 * s2, alphas, **kw)
    assert np.any(np.abs(sim.coef_variance - wrong.coef_variance) > 10 * sim.coef_variance_se)


def test_simulation_is_invariant_to_the_true_intercept():
    X, w, factor, B, s2, _ = problem((30, 5), True, "factors", t=1)
    kw = {"sample_weight": w, "penalty_factor": factor, "n_draws": 50, "seed": 5}
    a = simulate_bias_variance(X, B[:, 0], s2[0], ALPHAS, intercept=0.0, **kw)
    b = simulate_bias_variance(X, B[:, 0], s2[0], ALPHAS, intercept=7.5, **kw)
    for name in ("mse", "coef_bias2", "coef_variance", "pred_risk"):
        np.testing.assert_allclose(getattr(a, name), getattr(b, name), rtol=1e-9)
    assert a.coef_mse.shape == (ALPHAS.size,)


def test_integer_weights_equal_repeated_rows():
    X, _, factor, B, s2, rng = problem((20, 4), False, "factors")
    reps = rng.integers(1, 4, 20)
    kw = {"penalty_factor": factor}
    a = bias_variance(X, B, s2, ALPHAS, sample_weight=reps.astype(float), **kw)
    b = bias_variance(np.repeat(X, reps, axis=0), B, s2, ALPHAS, **kw)
    for name in ("bias2", "variance", "coef_mse", "pred_bias2", "pred_variance", "pred_risk"):
        np.testing.assert_allclose(getattr(a, name), getattr(b, name), rtol=1e-9)
    np.testing.assert_allclose(a.alpha_coef, b.alpha_coef, rtol=1e-6)


def test_targets_are_independent_columns_and_order_is_kept():
    X, w, factor, B, s2, _ = problem((30, 5), True, "unpenalized", t=3)
    kw = {"sample_weight": w, "penalty_factor": factor}
    multi = bias_variance(X, B, s2, ALPHAS, **kw)
    # one of the five columns is unpenalized: four eigen-directions
    assert multi.bias2_dir.shape == (7, 4, 3) and multi.coef_mse.shape == (7, 3)
    assert multi.alpha_mse.shape == (3,) and multi.null_bias2.shape == (3,)
    for j in range(3):
        one = bias_variance(X, B[:, j], s2[j], ALPHAS, **kw)
        assert one.bias2_dir.shape == (7, 4) and one.alpha_pred.shape == ()
        for name in ("bias2_dir", "variance_dir", "coef_mse", "pred_error"):
            np.testing.assert_allclose(getattr(multi, name)[..., j], getattr(one, name), rtol=1e-9)
        # a minimum is flat: its location is known to about √ε, and the searches stop apart
        np.testing.assert_allclose(multi.alpha_coef[j], one.alpha_coef, rtol=1e-6)
    rev = bias_variance(X, B, s2, ALPHAS[::-1], **kw)
    np.testing.assert_allclose(rev.coef_mse, multi.coef_mse[::-1], rtol=1e-12)
    np.testing.assert_allclose(rev.alpha_pred, multi.alpha_pred, rtol=1e-6)
    shared = bias_variance(X, B, 0.9, ALPHAS, **kw)  # one σ² for every target
    np.testing.assert_allclose(shared.variance, multi.variance / s2 * 0.9, rtol=1e-12)


def test_default_grid_and_float32_input():
    X, _, _, B, s2, _ = problem((30, 5), False, "unit", t=1)
    bv = bias_variance(X, B[:, 0], s2[0])
    assert bv.alphas.size == 100 and np.all(np.diff(bv.alphas) > 0)
    # the minimizers are found past the grid's end too (here below the default grid)
    wide = bias_variance(X, B[:, 0], s2[0], np.geomspace(1e-5, 1e3, 300))
    assert wide.alphas[0] < wide.alpha_mse < bv.alphas[0]
    for name in ("alpha_mse", "alpha_coef", "alpha_pred"):
        np.testing.assert_allclose(getattr(bv, name), getattr(wide, name), rtol=1e-6)
    b32 = bias_variance(X.astype(np.float32), B[:, 0], s2[0], bv.alphas)
    assert b32.coef_mse.dtype == np.float64
    np.testing.assert_allclose(b32.coef_mse, bv.coef_mse, rtol=1e-4)


@given(
    seed=st.integers(0, 2**16),
    n=st.integers(3, 25),
    p=st.integers(1, 12),
    sigma2=st.floats(0.0, 10.0),
)
def test_curves_are_monotone_and_nonnegative(seed, n, p, sigma2):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) * rng.uniform(0.1, 10.0, p)
    beta = rng.standard_normal(p)
    alphas = np.geomspace(1e-3, 1e3, 25)
    bv = bias_variance(X, beta, sigma2, alphas, penalty_factor=rng.uniform(0.2, 3.0, p))
    for name in ("bias2", "variance", "coef_bias2", "coef_variance", "pred_bias2", "pred_risk"):
        assert np.all(getattr(bv, name) >= -1e-12 * (1 + np.abs(getattr(bv, name)).max()))
    tol = 1e-10 * (1 + bv.mse.max())
    assert np.all(np.diff(bv.bias2) >= -tol) and np.all(np.diff(bv.variance) <= tol)
    assert np.all(np.diff(bv.pred_bias2) >= -tol) and np.all(np.diff(bv.pred_variance) <= tol)
    assert np.all(bv.bias2 >= bv.null_bias2 - tol)


@given(c=st.floats(0.05, 20.0), seed=st.integers(0, 2**16))
def test_rescaling_x_with_alpha_times_c_squared(c, seed):
    """X → cX, β* → β*/c, α → c²α: the same fits up to units (coefficient errors scale 1/c²)."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((15, 4))
    beta = rng.standard_normal(4)
    a = bias_variance(X, beta, 0.7, ALPHAS)
    b = bias_variance(c * X, beta / c, 0.7, ALPHAS * c**2)
    np.testing.assert_allclose(b.coef_mse * c**2, a.coef_mse, rtol=1e-7)
    np.testing.assert_allclose(b.pred_risk, a.pred_risk, rtol=1e-7)
    np.testing.assert_allclose(b.alpha_pred / c**2, a.alpha_pred, rtol=1e-5)


X_OK = np.arange(12.0).reshape(4, 3) ** 1.5


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        (
            {"beta": np.ones(4)},
            ValueError,
            r"beta must be of shape \(p,\) or \(p, t\) with p = 3 features; got shape \(4,\)",
        ),
        (
            {"beta": np.ones((3, 2, 1))},
            ValueError,
            r"beta must be of shape .*; got shape \(3, 2, 1\)",
        ),
        ({"beta": np.ones((3, 0))}, ValueError, r"beta must be of shape .*; got shape \(3, 0\)"),
        (
            {"beta": [1.0, np.nan, 0.0]},
            ValueError,
            r"beta must be finite \(no NaN or inf\); got 1 NaN",
        ),
        ({"beta": ["a", "b", "c"]}, TypeError, r"beta must be an array of numbers; got \['a'"),
        ({"sigma2": -1.0}, ValueError, r"sigma2 must be finite and non-negative; got -1"),
        ({"sigma2": np.inf}, ValueError, r"sigma2 must be finite and non-negative; got inf"),
        (
            {"sigma2": [1.0, 2.0]},
            ValueError,
            r"sigma2 must be a scalar or one value per target \(1\); got shape \(2,\)",
        ),
        (
            {"sigma2": "big"},
            TypeError,
            r"sigma2 must be a number or an array of numbers; got 'big'",
        ),
        ({"alphas": [1.0, -2.0]}, ValueError, r"alphas must be non-negative; got \[ 1. -2.\]"),
        (
            {"alphas": []},
            ValueError,
            r"alphas must be a number or a non-empty 1-D array; got shape \(0,\)",
        ),
        (
            {"alphas": [[1.0]]},
            ValueError,
            r"alphas must be a number or a non-empty 1-D array; got shape \(1, 1\)",
        ),
        ({"alphas": [1.0, np.nan]}, ValueError, r"alphas must be finite; got \[ 1. nan\]"),
        (
            {"X": np.ones(3)},
            ValueError,
            r"X must be a 2-D array of shape \(n_samples, n_features\)",
        ),
        (
            {"sample_weight": [1.0, -1.0, 1.0, 1.0]},
            ValueError,
            r"sample_weight must be non-negative",
        ),
        (
            {"penalty_factor": [1.0, 1.0]},
            ValueError,
            r"penalty_factor must be one value per feature \(3\); got shape \(2,\)",
        ),
    ],
)
@pytest.mark.parametrize("func", ["exact", "simulate"])
def test_validation_messages(kwargs, error, match, func):
    args = {"X": X_OK, "beta": np.ones(3), "sigma2": 1.0, "alphas": [0.1, 1.0]} | kwargs
    fn = bias_variance if func == "exact" else simulate_bias_variance
    with pytest.raises(error, match=match):
        fn(args.pop("X"), args.pop("beta"), args.pop("sigma2"), args.pop("alphas"), **args)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"n_draws": 1}, r"n_draws must be an integer of at least 2; got 1"),
        ({"n_draws": 10.0}, r"n_draws must be an integer of at least 2; got 10.0"),
        ({"n_draws": True}, r"n_draws must be an integer of at least 2; got True"),
        ({"intercept": [1.0, 2.0]}, r"intercept must be a scalar or one value per target \(1\)"),
        ({"intercept": np.nan}, r"intercept must be finite; got nan"),
    ],
)
def test_simulation_validation_messages(kwargs, match):
    with pytest.raises(ValueError, match=match):
        simulate_bias_variance(X_OK, np.ones(3), 1.0, [1.0], **kwargs)
