"""Generalized cross-validation against a direct computation.

GCV(α) = (RSS(α)/Σs) / (1 − tr H(α)/n)², RSS weighted, n the number of rows and tr H the trace
of the full weighted hat matrix S^½ Z (ZᵀSZ + D)⁻¹ Zᵀ S^½ (Z = [1, X] with an intercept,
D = diag(0, απ)); ``count_intercept=False`` leaves the intercept's 1 out of the trace (MASS). The
reference builds that n×n hat matrix explicitly and the residuals from a bordered normal-equation
solve; the MASS::lm.ridge GCV column is reproduced with MASS's own SVD formulas on the prostate
data.
"""

from __future__ import annotations

import numpy as np
import pytest

from refs import make_data
from ridgeway.core import Moments, spectrum_from_data, spectrum_from_moments
from ridgeway.datasets import load_prostate
from ridgeway.selection import Curve, gcv

ALPHAS = np.geomspace(1e-2, 1e3, 7)
RTOL = 1e-8


def build_spectrum(X, Y, w, pen, fit_intercept, route):
    m = Moments.from_array(X, Y, w, centered=fit_intercept)
    if route == "eigh":
        return spectrum_from_moments(m, pen)
    return spectrum_from_data(X, Y, w, pen, x_mean=m.x_mean, y_mean=m.y_mean, kind=route)


def direct(X, Y, w, pen, alpha, fit_intercept):
    """(weighted RSS (t,), trace of the full hat matrix) from explicit matrices."""
    n = X.shape[0]
    Z = np.column_stack([np.ones(n), X]) if fit_intercept else X
    D = np.diag(np.r_[0.0, alpha * pen] if fit_intercept else alpha * pen)
    Zs = np.sqrt(w)[:, None] * Z
    M = Zs.T @ Zs + D
    H = Zs @ np.linalg.solve(M, Zs.T)  # n×n
    B = np.linalg.solve(M, Zs.T @ (np.sqrt(w)[:, None] * Y))
    r = Y - Z @ B
    return np.einsum("n,nt->t", w, r**2), np.trace(H)


def direct_gcv(X, Y, w, pen, alphas, fit_intercept, count_intercept):
    n = X.shape[0]
    out, dfs = [], []
    for a in alphas:
        rss, tr = direct(X, Y, w, pen, a, fit_intercept)
        df = tr - 1.0 if fit_intercept else tr
        if fit_intercept and not count_intercept:
            tr = tr - 1.0
        out.append((rss / w.sum()) / (1.0 - tr / n) ** 2)
        dfs.append(df)
    return np.array(out), np.array(dfs)


@pytest.mark.parametrize("shape", [(25, 5), (12, 30)], ids=["tall", "wide"])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("count_intercept", [True, False])
@pytest.mark.parametrize("unpenalized", [False, True])
def test_gcv_equals_direct_hat_matrix(shape, weighted, fit_intercept, count_intercept, unpenalized):
    n, p = shape
    X, Y, rng = make_data(n, p, 2, seed=n + p)
    w = rng.uniform(0.2, 3.0, n) if weighted else None
    wb = np.ones(n) if w is None else w
    pen = rng.uniform(0.5, 2.0, p)
    if unpenalized:
        pen[0] = 0.0
    route = "eigh" if n >= p else "dual"
    spec = build_spectrum(X, Y, w, pen, fit_intercept, route)
    curve = gcv(spec, ALPHAS, count_intercept=count_intercept, fit_intercept=fit_intercept)
    expected, df = direct_gcv(X, Y, wb, pen, ALPHAS, fit_intercept, count_intercept)
    assert isinstance(curve, Curve)
    assert curve.se is None
    assert curve.criterion == "gcv"
    assert curve.n_samples == n
    np.testing.assert_allclose(curve.alphas, ALPHAS, rtol=1e-15)
    np.testing.assert_allclose(curve.df, df, rtol=1e-9)
    np.testing.assert_allclose(curve.mean, expected, rtol=RTOL)


def test_gcv_unit_weights_is_golub_heath_wahba():
    """n·RSS/(n − tr H)², tr H counting the intercept, from an explicit hat matrix."""
    n, p = 30, 6
    X, Y, _ = make_data(n, p, 1, seed=1)
    spec = build_spectrum(X, Y, None, np.ones(p), True, "svd")
    curve = gcv(spec, ALPHAS)
    Z = np.column_stack([np.ones(n), X])
    for k, a in enumerate(ALPHAS):
        H = Z @ np.linalg.solve(Z.T @ Z + a * np.diag(np.r_[0.0, np.ones(p)]), Z.T)
        r = Y[:, 0] - H @ Y[:, 0]
        ghw = n * (r @ r) / (n - np.trace(H)) ** 2
        np.testing.assert_allclose(curve.mean[k, 0], ghw, rtol=RTOL)


def test_gcv_matches_mass_lm_ridge_on_prostate():
    """MASS::lm.ridge's GCV column: RSS/(n − tr)² in standardized units, intercept not counted.

    MASS centres X and y, divides each column by its sd (divisor n), takes the SVD and sets
    GCV = colSums(resid²) / (n − Σ d²/(d² + λ))². ridgeway's criterion with
    ``count_intercept=False`` is n times that (same argmin).
    """
    ds = load_prostate(split="train")
    X, y = ds.data, ds.target
    n, p = X.shape
    Xc = X - X.mean(axis=0)
    Xscale = np.sqrt((Xc**2).mean(axis=0))
    Xs = Xc / Xscale
    yc = y - y.mean()
    U, d, Vt = np.linalg.svd(Xs, full_matrices=False)
    rhs = U.T @ yc
    lam = np.geomspace(0.1, 100.0, 9)
    div = d[:, None] ** 2 + lam[None, :]
    coef = Vt.T @ (d[:, None] * rhs[:, None] / div)
    resid = yc[:, None] - Xs @ coef
    mass = (resid**2).sum(axis=0) / (n - (d[:, None] ** 2 / div).sum(axis=0)) ** 2
    spec = spectrum_from_moments(Moments.from_array(X, y[:, None]), X.var(axis=0))
    curve = gcv(spec, lam, count_intercept=False)
    np.testing.assert_allclose(curve.mean[:, 0], n * mass, rtol=1e-9)
    assert int(np.argmin(curve.mean[:, 0])) == int(np.argmin(mass))


def test_gcv_invariant_to_scaling_of_weights():
    """Weights c·s with penalty c·α: the same fit, so RSS/Σs and tr H are unchanged."""
    X, Y, rng = make_data(20, 4, 1, seed=6)
    w = rng.uniform(0.5, 2.0, 20)
    a = gcv(build_spectrum(X, Y, w, np.ones(4), True, "eigh"), ALPHAS)
    b = gcv(build_spectrum(X, Y, 7.5 * w, np.ones(4), True, "eigh"), 7.5 * ALPHAS)
    np.testing.assert_allclose(a.mean, b.mean, rtol=1e-10)
    np.testing.assert_allclose(a.df, b.df, rtol=1e-10)


def test_gcv_large_alpha_limit():
    """α → ∞: RSS → Σ s (y − ȳ)², tr H → 1 (the intercept)."""
    n = 18
    X, Y, _ = make_data(n, 3, 1, seed=2)
    curve = gcv(build_spectrum(X, Y, None, np.ones(3), True, "eigh"), np.array([1e12]))
    sst = ((Y - Y.mean(axis=0)) ** 2).sum(axis=0)
    np.testing.assert_allclose(curve.mean[0], (sst / n) / (1 - 1 / n) ** 2, rtol=1e-8)


def test_gcv_default_grid_sorted():
    X, Y, _ = make_data(20, 4, 1, seed=3)
    curve = gcv(build_spectrum(X, Y, None, np.ones(4), True, "eigh"))
    assert curve.alphas.shape == (100,)
    assert (np.diff(curve.alphas) > 0).all()
    assert (np.diff(curve.df) < 0).all()
