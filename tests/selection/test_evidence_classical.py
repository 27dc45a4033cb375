"""Empirical-Bayes evidence, and the classical HKB and Lawless–Wang constants.

Evidence. Model y = b + Xw + ε, ε ~ N(0, σ²I), w ~ N(0, σ²/α Π⁻¹), flat prior on b; σ² profiled
out. On centred data the marginal of y is N(0, σ² C) with C = I + X Π⁻¹ Xᵀ / α, so

    log p(y | α) = −½ [n log 2π + n log σ̂² + log|C| + yᵀC⁻¹y / σ̂²],  σ̂² = yᵀC⁻¹y / n.

The reference evaluates exactly that with an explicit n×n C (slogdet and solve), and compares
the maximizer with scikit-learn's ``BayesianRidge`` (λ/α there is our α).

HKB / LW. MASS::lm.ridge's "modified" estimators, computed with MASS's own recipe in numpy
(centre, divide each column by its sd with divisor n, SVD, least squares, s² = RSS/(n − p − 1)):
kHKB = (p − 2)s²/Σb², kLW = (p − 2)s²n/Σ(x̃ᵀb)². For R's documented example (longley with
GNP.deflator as the response) the values printed by ``select(lm.ridge(y ~ ., longley))`` are
hard-coded as well.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.optimize
from sklearn.linear_model import BayesianRidge

from ridgeway import RidgeCV
from ridgeway.core import Moments, spectrum_from_data, spectrum_from_moments
from ridgeway.datasets import load_longley, load_prostate
from ridgeway.selection import Curve, evidence, hkb, lw


def make_data(n, p, t, seed, noise=1.0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) * rng.uniform(0.5, 2.0, p) + rng.normal(0.0, 1.0, p)
    B = rng.standard_normal((p, t)) * 0.5
    Y = X @ B + noise * rng.standard_normal((n, t)) + 1.5
    return X, Y, rng


def spectrum(X, Y, w=None, pen=None, route="eigh"):
    pen = np.ones(X.shape[1]) if pen is None else pen
    m = Moments.from_array(X, Y, w)
    if route == "eigh":
        return spectrum_from_moments(m, pen)
    return spectrum_from_data(X, Y, w, pen, x_mean=m.x_mean, y_mean=m.y_mean, kind=route)


def direct_log_evidence(X, y, alpha):
    """Profile log evidence from the explicit n×n marginal covariance (unit weights, Π = I)."""
    n = X.shape[0]
    Xc = X - X.mean(axis=0)
    yc = y - y.mean()
    C = np.eye(n) + Xc @ Xc.T / alpha
    _, logdet = np.linalg.slogdet(C)
    q = yc @ np.linalg.solve(C, yc)
    s2 = q / n
    return -0.5 * (n * np.log(2 * np.pi) + n * np.log(s2) + logdet + q / s2)


def direct_argmax(X, y):
    res = scipy.optimize.minimize_scalar(
        lambda la: -direct_log_evidence(X, y, np.exp(la)),
        bounds=(-15.0, 15.0),
        method="bounded",
        options={"xatol": 1e-10},
    )
    return float(np.exp(res.x))


# ---------------------------------------------------------------------------- evidence
@pytest.mark.filterwarnings("ignore::ridgeway.selection.GridEdgeWarning")
def test_evidence_curve_equals_explicit_marginal_likelihood():
    n, p = 30, 5
    X, Y, _ = make_data(n, p, 2, seed=1)
    alphas = np.geomspace(1e-2, 1e3, 8)
    curve, _ = evidence(spectrum(X, Y), alphas)
    assert isinstance(curve, Curve)
    assert curve.criterion == "evidence"
    assert curve.mean.shape == (alphas.size, 2)
    np.testing.assert_allclose(curve.alphas, alphas, rtol=1e-15)
    for j in range(2):
        ref = [-direct_log_evidence(X, Y[:, j], a) / n for a in alphas]
        np.testing.assert_allclose(curve.mean[:, j], ref, rtol=1e-9)


@pytest.mark.parametrize("route", ["eigh", "dual", "svd"])
def test_evidence_argmax_is_refined_off_the_grid(route):
    n, p = 40, 6
    X, Y, _ = make_data(n, p, 1, seed=2)
    alphas = np.geomspace(1e-3, 1e4, 8)  # coarse on purpose
    curve, best = evidence(spectrum(X, Y, route=route), alphas)
    assert best.shape == (1,)
    ref = direct_argmax(X, Y[:, 0])
    np.testing.assert_allclose(best[0], ref, rtol=1e-5)
    assert np.min(np.abs(np.log(alphas / best[0]))) > 1e-3  # not a grid point
    assert -direct_log_evidence(X, Y[:, 0], best[0]) / n <= curve.mean[:, 0].min()


@pytest.mark.parametrize("weights", ["unit", "sum-to-n"])
def test_evidence_matches_sklearn_bayesian_ridge(weights):
    """α = lambda_/alpha_ of a converged BayesianRidge, to 1e-3 relative."""
    n, p = 60, 5
    X, Y, rng = make_data(n, p, 1, seed=3)
    y = Y[:, 0]
    # BayesianRidge uses n_samples (not Σs) in its update: weights summing to n agree with N = Σs
    w = None if weights == "unit" else rng.uniform(0.3, 1.7, n)
    if w is not None:
        w *= n / w.sum()
    br = BayesianRidge(max_iter=100_000, tol=1e-12, fit_intercept=True).fit(X, y, sample_weight=w)
    assert br.n_iter_ < 100_000  # converged: an interior optimum
    ref = br.lambda_ / br.alpha_
    _, best = evidence(spectrum(X, Y, w), np.geomspace(1e-4, 1e4, 30))
    np.testing.assert_allclose(best[0], ref, rtol=1e-3)
    est = RidgeCV(cv="evidence").fit(X, y, sample_weight=w)
    np.testing.assert_allclose(est.alpha_, ref, rtol=1e-3)
    np.testing.assert_allclose(est.coef_, br.coef_, rtol=1e-3, atol=1e-6)


def test_evidence_per_target_equals_each_target_alone():
    X, Y, _ = make_data(35, 4, 3, seed=4)
    Y[:, 2] *= 5.0  # different signal-to-noise ratios, so different maxima
    alphas = np.geomspace(1e-3, 1e4, 25)
    _, best = evidence(spectrum(X, Y), alphas)
    assert best.shape == (3,)
    for j in range(3):
        _, alone = evidence(spectrum(X, Y[:, j : j + 1]), alphas)
        # the optimum is flat: its location is known to about √ε, not to ε
        np.testing.assert_allclose(best[j], alone[0], rtol=1e-6)
        np.testing.assert_allclose(best[j], direct_argmax(X, Y[:, j]), rtol=1e-5)


def test_evidence_integer_weights_equal_repeated_rows():
    """N = Σ s: weight k on a row is the row repeated k times, for the curve and the argmax."""
    n = 20
    X, Y, rng = make_data(n, 3, 1, seed=5)
    k = rng.integers(1, 4, n)
    rep = np.repeat(np.arange(n), k)
    alphas = np.geomspace(1e-3, 1e3, 12)
    ca, ba = evidence(spectrum(X, Y, k.astype(float)), alphas)
    cb, bb = evidence(spectrum(X[rep], Y[rep]), alphas)
    np.testing.assert_allclose(ca.mean, cb.mean, rtol=1e-9)
    np.testing.assert_allclose(ba, bb, rtol=1e-7)


def test_evidence_invariances():
    """y → c·y + m leaves the maximizer unchanged; X → c·X multiplies it by c²."""
    X, Y, _ = make_data(30, 4, 1, seed=6, noise=0.5)
    alphas = np.geomspace(1e-4, 1e5, 20)
    _, base = evidence(spectrum(X, Y), alphas)
    assert 1e-3 < base[0] < 1e4  # an interior maximum
    _, ys = evidence(spectrum(X, 3.0 * Y - 10.0), alphas)
    _, xs = evidence(spectrum(4.0 * X, Y), alphas * 16.0)
    np.testing.assert_allclose(ys, base, rtol=1e-6)
    np.testing.assert_allclose(xs, 16.0 * base, rtol=1e-6)


# ---------------------------------------------------------------------------- HKB / LW
def mass_constants(X, Y):
    """MASS::lm.ridge's kHKB and kLW, following its code line by line (Y of shape (n, t))."""
    n, p = X.shape
    Xc = X - X.mean(axis=0)
    Yc = Y - Y.mean(axis=0)
    Xscale = np.sqrt((Xc**2).mean(axis=0))
    Xs = Xc / Xscale
    U, d, Vt = np.linalg.svd(Xs, full_matrices=False)
    rhs = U.T @ Yc
    lscoef = Vt.T @ (rhs / d[:, None])
    lsfit = Xs @ lscoef
    s2 = ((Yc - lsfit) ** 2).sum(axis=0) / (n - p - 1)
    khkb = (p - 2) * s2 / (lscoef**2).sum(axis=0)
    klw = (p - 2) * s2 * n / (lsfit**2).sum(axis=0)
    return khkb, klw


def standardized_spectrum(X, Y, route="eigh"):
    """The spectrum of standardize=True: π_j = sd_j² (divisor n)."""
    return spectrum(X, Y, pen=X.var(axis=0), route=route)


def longley_mass_example():
    """R: longley with its first column (GNP.deflator) renamed y and used as the response."""
    ds = load_longley()
    X = np.column_stack([ds.data[:, 1:], ds.target])
    return X, ds.data[:, :1]


@pytest.mark.parametrize("route", ["eigh", "svd"])
def test_hkb_lw_match_mass_on_prostate(route):
    ds = load_prostate(split="train")
    X = ds.data
    Y = np.column_stack([ds.target, ds.target**2 - 2.0 * X[:, 0]])  # two targets
    khkb, klw = mass_constants(X, Y)
    spec = standardized_spectrum(X, Y, route)
    h, l_ = hkb(spec), lw(spec)
    assert h.shape == (2,) and l_.shape == (2,)
    np.testing.assert_allclose(h, khkb, rtol=1e-9)
    np.testing.assert_allclose(l_, klw, rtol=1e-9)


@pytest.mark.parametrize("route", ["eigh", "svd"])
def test_hkb_lw_match_mass_on_longley(route):
    ds = load_longley()
    X, Y = ds.data, ds.target[:, None]
    khkb, klw = mass_constants(X, Y)
    spec = standardized_spectrum(X, Y, route)
    np.testing.assert_allclose(hkb(spec), khkb, rtol=1e-7)
    np.testing.assert_allclose(lw(spec), klw, rtol=1e-7)


def test_hkb_lw_match_r_documented_values():
    """MASS's help example prints: modified HKB 0.006836982, modified L-W 0.05267247."""
    X, Y = longley_mass_example()
    khkb, klw = mass_constants(X, Y)  # the numpy recipe reproduces R's printout ...
    np.testing.assert_allclose(khkb, [0.006836982], rtol=1e-6)
    np.testing.assert_allclose(klw, [0.05267247], rtol=1e-6)
    spec = standardized_spectrum(X, Y, "svd")  # ... and so must ridgeway
    np.testing.assert_allclose(hkb(spec), [0.006836982], rtol=1e-6)
    np.testing.assert_allclose(lw(spec), [0.05267247], rtol=1e-6)


@pytest.mark.parametrize("cv", ["hkb", "lw"])
def test_ridgecv_classical_coefficients_match_mass(cv):
    """RidgeCV(cv="hkb"|"lw", standardize=True): α is MASS's constant, coef in original units."""
    ds = load_prostate(split="train")
    X, y = ds.data, ds.target
    khkb, klw = mass_constants(X, y[:, None])
    k = float((khkb if cv == "hkb" else klw)[0])
    est = RidgeCV(cv=cv, standardize=True).fit(X, y)
    np.testing.assert_allclose(est.alpha_, k, rtol=1e-9)
    # MASS's coefficients at λ = k, in original units: scaled coef / Xscale
    Xc = X - X.mean(axis=0)
    Xscale = np.sqrt((Xc**2).mean(axis=0))
    Xs = Xc / Xscale
    coef_s = np.linalg.solve(Xs.T @ Xs + k * np.eye(X.shape[1]), Xs.T @ (y - y.mean()))
    coef = coef_s / Xscale
    np.testing.assert_allclose(est.coef_, coef, rtol=1e-8)
    np.testing.assert_allclose(est.intercept_, y.mean() - X.mean(axis=0) @ coef, rtol=1e-8)


def test_hkb_lw_need_full_rank_and_residual_df():
    X, Y, _ = make_data(20, 4, 1, seed=7)
    dup = np.column_stack([X, X[:, 0]])  # rank deficient: no least-squares fit
    with pytest.raises(ValueError, match="rank"):
        hkb(spectrum(dup, Y))
    with pytest.raises(ValueError, match="rank"):
        lw(spectrum(dup, Y))
    Xw, Yw, _ = make_data(5, 4, 1, seed=8)  # n − p − 1 = 0: no residual variance
    with pytest.raises(ValueError, match="degrees of freedom"):
        hkb(spectrum(Xw, Yw))


def test_evidence_maximum_just_past_the_grid_is_found_without_warning():
    """Strong signal: the optimum lies below the default grid; the search finds it silently."""
    import warnings

    from ridgeway.selection import GridEdgeWarning, default_alphas

    rng = np.random.default_rng(0)
    X = rng.standard_normal((100, 3))
    y = X @ np.array([1.0, -2.0, 0.0]) + 0.5 * rng.standard_normal(100)
    spec = spectrum_from_moments(Moments.from_array(X, y[:, None], None), np.ones(3))
    grid = default_alphas(spec)
    with warnings.catch_warnings():
        warnings.simplefilter("error", GridEdgeWarning)
        _, opt = evidence(spec)
    assert opt[0] < grid[0]  # beyond the grid's low end
    wide = np.geomspace(grid[0] * 1e-4, grid[-1], 400)
    _, opt_wide = evidence(spec, wide)
    np.testing.assert_allclose(opt, opt_wide, rtol=1e-6)


def test_evidence_unbounded_when_the_model_interpolates_warns():
    from ridgeway.selection import GridEdgeWarning

    rng = np.random.default_rng(1)
    X = rng.standard_normal((10, 30))
    y = rng.standard_normal((10, 1))
    spec = spectrum_from_data(
        X, y, None, np.ones(30), x_mean=X.mean(0), y_mean=y.mean(0), kind="dual"
    )
    with pytest.warns(GridEdgeWarning, match="keeps growing as α → 0"):
        evidence(spec)


def test_evidence_slope_is_the_derivative_and_zero_at_the_maximum():
    from ridgeway.core.moments import Moments
    from ridgeway.core.spectrum import spectrum_from_moments
    from ridgeway.selection.evidence import evidence, evidence_slope, log_evidence

    rng = np.random.default_rng(5)
    X = rng.normal(size=(120, 6))
    Y = X @ rng.normal(size=(6, 2)) + rng.normal(size=(120, 2))
    spec = spectrum_from_moments(Moments.from_array(X, Y), np.ones(6))
    la = np.array([-1.0, 0.5])
    h = 1e-5
    fd = (log_evidence(spec, np.exp(la + h)) - log_evidence(spec, np.exp(la - h))) / (2 * h)
    np.testing.assert_allclose(evidence_slope(spec, np.exp(la)), fd, rtol=1e-6)
    _, opt = evidence(spec, np.logspace(-3, 3, 30))
    slope = evidence_slope(spec, opt)
    scale = spec.d.size  # the slope's terms are of the order of the number of parameters
    assert np.all(np.abs(slope) < 1e-9 * scale)
