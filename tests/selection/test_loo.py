"""Exact leave-one-out cross-validation against n explicit refits.

Objective: minimize over b, W   Σ_i s_i ‖y_i − b − x_iᵀW‖² + α Σ_j π_j ‖W_j‖².

The LOO error of α is Σ_i s_i ‖y_i − ŷ_i^{(−i)}‖² / Σ s_i, ŷ^{(−i)} the prediction of the fit
without row i (intercept and unpenalized features refit too). The reference refits the model n
times for every α by least squares on the augmented rows [√s Z; √(α π) I] with numpy's lstsq
(Z = [1, X] with an intercept), which shares nothing with ridgeway's spectral shortcut, and
scikit-learn's ``RidgeCV(store_cv_results=True)`` for unit weights.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sklearn.linear_model import RidgeCV as SkRidgeCV

from refs import make_data, ridge_solve
from ridgeway.core import Moments, spectrum_from_data, spectrum_from_moments
from ridgeway.selection import Curve, loo

ALPHAS = np.geomspace(1e-2, 1e3, 6)
RTOL = 1e-8


# ---------------------------------------------------------------------------- helpers


def brute_loo_residuals(X, Y, w, pen, alphas, fit_intercept):
    """y_i − ŷ_i^{(−i)} for every α, row and target: shape (a, n, t)."""
    n = X.shape[0]
    out = np.empty((alphas.size, n, Y.shape[1]))
    for i in range(n):
        keep = np.arange(n) != i
        for k, a in enumerate(alphas):
            b, W = ridge_solve(X[keep], Y[keep], w[keep], a, pen, fit_intercept)
            out[k, i] = Y[i] - b - X[i] @ W
    return out


def brute_loo_mean(X, Y, w, pen, alphas, fit_intercept):
    r = brute_loo_residuals(X, Y, w, pen, alphas, fit_intercept)
    return np.einsum("n,ant->at", w, r**2) / w.sum()


def build_spectrum(X, Y, w, pen, fit_intercept, route):
    m = Moments.from_array(X, Y, w, centered=fit_intercept)
    if route == "eigh":
        return spectrum_from_moments(m, pen)
    return spectrum_from_data(X, Y, w, pen, x_mean=m.x_mean, y_mean=m.y_mean, kind=route)


def run_loo(X, Y, w, pen, alphas, fit_intercept=True, route="eigh"):
    spec = build_spectrum(X, Y, w, pen, fit_intercept, route)
    return loo(spec, X, Y, sample_weight=w, alphas=alphas, fit_intercept=fit_intercept)


def weights(kind, n, rng):
    if kind == "unit":
        return None
    w = rng.uniform(0.2, 3.0, n)
    if kind == "zeros":
        w[[1, 4]] = 0.0
    return w


def hat_trace(X, w, pen, alpha, fit_intercept):
    """tr H of the penalized part (intercept not counted), from an explicit n×n hat matrix."""
    w = np.ones(X.shape[0]) if w is None else w
    Xc = X - (w @ X) / w.sum() if fit_intercept else X
    Xs = np.sqrt(w)[:, None] * Xc
    H = Xs @ np.linalg.solve(Xs.T @ Xs + alpha * np.diag(pen), Xs.T)
    return np.trace(H)


# ---------------------------------------------------------------------------- fast vs brute
@pytest.mark.parametrize("shape", [(12, 4), (10, 25)], ids=["tall", "wide"])
@pytest.mark.parametrize("wkind", ["unit", "positive", "zeros"])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("unpenalized", [False, True])
@pytest.mark.parametrize("n_targets", [1, 3])
def test_loo_equals_n_refits(shape, wkind, fit_intercept, unpenalized, n_targets):
    n, p = shape
    X, Y, rng = make_data(n, p, n_targets, seed=n * 7 + p)
    w = weights(wkind, n, rng)
    pen = np.ones(p)
    if unpenalized:
        pen[1] = 0.0
    route = "eigh" if n >= p else "dual"
    curve = run_loo(X, Y, w, pen, ALPHAS, fit_intercept, route)
    wb = np.ones(n) if w is None else w
    expected = brute_loo_mean(X, Y, wb, pen, ALPHAS, fit_intercept)
    assert isinstance(curve, Curve)
    assert curve.mean.shape == (ALPHAS.size, n_targets)
    np.testing.assert_allclose(curve.alphas, ALPHAS, rtol=1e-15)
    np.testing.assert_allclose(curve.mean, expected, rtol=RTOL)


@pytest.mark.parametrize("route", ["eigh", "dual", "svd"])
def test_loo_same_on_every_spectrum_route(route):
    """The data pass of LOO must not depend on how the spectrum was factorized."""
    X, Y, rng = make_data(14, 5, 2, seed=11)
    w = rng.uniform(0.5, 2.0, 14)
    pen = np.array([1.0, 0.0, 2.0, 0.5, 1.0])
    curve = run_loo(X, Y, w, pen, ALPHAS, True, route)
    np.testing.assert_allclose(curve.mean, brute_loo_mean(X, Y, w, pen, ALPHAS, True), rtol=RTOL)


@given(
    st.integers(4, 11),
    st.integers(1, 9),
    st.sampled_from([1, 2]),
    st.booleans(),
    st.booleans(),
    st.integers(0, 2**32 - 1),
    st.data(),
)
def test_loo_equals_refits_property(n, p, t, fit_intercept, weighted, seed, data):
    X, Y, _ = make_data(n, p, t, seed)
    if weighted:
        w = np.array(
            data.draw(st.lists(st.sampled_from([0.0, 0.5, 1.0, 2.5]), min_size=n, max_size=n))
        )
        w[:3] = np.maximum(w[:3], 1.0)  # at least three rows carry weight
    else:
        w = np.ones(n)
    alphas = np.array([0.1, 1.0, 10.0])
    pen = np.ones(p)
    route = "eigh" if n >= p else "dual"
    curve = run_loo(X, Y, w if weighted else None, pen, alphas, fit_intercept, route)
    expected = brute_loo_mean(X, Y, w, pen, alphas, fit_intercept)
    np.testing.assert_allclose(curve.mean, expected, rtol=1e-7)


# ---------------------------------------------------------------------------- reference: sklearn
@pytest.mark.parametrize("shape", [(20, 5), (9, 15)], ids=["tall", "wide"])
@pytest.mark.parametrize("n_targets", [1, 3])
def test_loo_matches_sklearn_store_cv_results(shape, n_targets):
    n, p = shape
    X, Y, _ = make_data(n, p, n_targets, seed=5)
    route = "eigh" if n >= p else "dual"
    curve = run_loo(X, Y, None, np.ones(p), ALPHAS, True, route)
    y_sk = Y[:, 0] if n_targets == 1 else Y
    sk = SkRidgeCV(alphas=ALPHAS, store_cv_results=True).fit(X, y_sk)
    ref = sk.cv_results_.mean(axis=0)  # (a,) or (t, a)
    ref = ref[:, None] if n_targets == 1 else ref.T
    np.testing.assert_allclose(curve.mean, ref, rtol=RTOL)


# ---------------------------------------------------------------------------- other fields
def test_loo_se_df_and_size():
    """se: the standard error over rows of the squared LOO errors (unit weights); df: tr H."""
    n, p = 16, 4
    X, Y, _ = make_data(n, p, 2, seed=21)
    pen = np.ones(p)
    curve = run_loo(X, Y, None, pen, ALPHAS)
    sq = brute_loo_residuals(X, Y, np.ones(n), pen, ALPHAS, True) ** 2  # (a, n, t)
    se = sq.std(axis=1, ddof=1) / np.sqrt(n)
    assert curve.se is not None
    np.testing.assert_allclose(curve.se, se, rtol=1e-7)
    df = [hat_trace(X, None, pen, a, True) for a in ALPHAS]
    np.testing.assert_allclose(curve.df, df, rtol=1e-9)
    assert curve.n_samples == n
    assert curve.criterion == "loo"


def test_loo_default_grid():
    X, Y, _ = make_data(15, 4, 1, seed=2)
    spec = build_spectrum(X, Y, None, np.ones(4), True, "eigh")
    curve = loo(spec, X, Y)
    assert curve.alphas.shape == (100,)
    assert (np.diff(curve.alphas) > 0).all()
    assert curve.mean.shape == (100, 1)
    # spot-check three grid points against refits
    pick = curve.alphas[[0, 50, 99]]
    expected = brute_loo_mean(X, Y, np.ones(15), np.ones(4), pick, True)
    np.testing.assert_allclose(curve.mean[[0, 50, 99]], expected, rtol=RTOL)


# ---------------------------------------------------------------------------- limits, invariances
def test_loo_large_alpha_is_intercept_only_loo():
    """α → ∞: every slope is 0 and ŷ^{(−i)} is the weighted mean of the other rows."""
    n = 13
    X, Y, rng = make_data(n, 3, 2, seed=8)
    w = rng.uniform(0.5, 2.0, n)
    curve = run_loo(X, Y, w, np.ones(3), np.array([1e11]))
    tot = w @ Y
    others = (tot[None, :] - w[:, None] * Y) / (w.sum() - w)[:, None]
    expected = (w @ (Y - others) ** 2) / w.sum()
    np.testing.assert_allclose(curve.mean[0], expected, rtol=1e-7)
    assert curve.df[0] < 1e-8


def test_loo_small_alpha_is_least_squares_loo():
    """α → 0 (tall, full rank, unit weights): the classical PRESS e_i / (1 − h_ii) of OLS."""
    n, p = 15, 3
    X, Y, _ = make_data(n, p, 1, seed=9)
    Z = np.column_stack([np.ones(n), X])
    H = Z @ np.linalg.solve(Z.T @ Z, Z.T)
    e = Y - H @ Y
    press = ((e / (1.0 - np.diag(H))[:, None]) ** 2).mean(axis=0)
    curve = run_loo(X, Y, None, np.ones(p), np.array([1e-10]))
    np.testing.assert_allclose(curve.mean[0], press, rtol=1e-7)


def test_loo_invariant_to_translation_of_y():
    X, Y, _ = make_data(12, 4, 2, seed=3)
    a = run_loo(X, Y, None, np.ones(4), ALPHAS)
    b = run_loo(X, Y + np.array([100.0, -7.0]), None, np.ones(4), ALPHAS)
    np.testing.assert_allclose(a.mean, b.mean, rtol=1e-8)


def test_loo_rescaling_x_with_alpha_times_s_squared():
    """Column scale c with α·c²: the fits, hence the LOO errors, are unchanged."""
    X, Y, _ = make_data(12, 4, 1, seed=4)
    c = 3.0
    a = run_loo(X, Y, None, np.ones(4), ALPHAS)
    b = run_loo(c * X, Y, None, np.ones(4), ALPHAS * c**2)
    np.testing.assert_allclose(a.mean, b.mean, rtol=1e-8)
