"""Reference values for :class:`ridgeway.Ridge`.

Every expected value comes from an independent computation: scikit-learn's ``Ridge`` (the
objective with unit penalty factors is exactly scikit-learn's), the normal equations of the
bordered system ``[1, X]`` solved with scipy, or an explicit n×n hat matrix. None of them is
ridgeway's own output.

Objective: minimize over b, W   Σ_i s_i ‖y_i − b − x_iᵀW‖² + α Σ_j π_j ‖W_j‖².
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.linalg
from sklearn.linear_model import Ridge as SkRidge

import ridgeway
from ridgeway import Ridge
from ridgeway.linear_model import Ridge as RidgeFromSubpackage

SOLVERS = ["eigh", "dual", "svd", "cholesky", "auto"]
SHAPES = {"tall": (40, 6), "wide": (12, 30)}
RTOL = 1e-8


# ---------------------------------------------------------------------------- helpers
def make_problem(shape, n_targets=None, weighted=False, seed=0):
    """A random problem with columns of different scales and offsets, and a nonzero mean of y.

    ``n_targets=None`` gives a 1-D y.
    """
    n, p = SHAPES[shape] if isinstance(shape, str) else shape
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) * rng.uniform(0.5, 3.0, p) + rng.normal(0.0, 2.0, p)
    t = 1 if n_targets is None else n_targets
    Y = X @ rng.standard_normal((p, t)) + 0.5 * rng.standard_normal((n, t)) + 1.5
    y = Y[:, 0] if n_targets is None else Y
    sw = rng.uniform(0.2, 3.0, n) if weighted else None
    return X, y, sw


def assert_close(actual, desired, rtol=RTOL):
    """Elementwise relative agreement; entries near zero are judged against the largest one."""
    actual = np.asarray(actual)
    desired = np.asarray(desired)
    assert actual.shape == desired.shape, (actual.shape, desired.shape)
    scale = float(np.max(np.abs(desired))) if desired.size else 0.0
    np.testing.assert_allclose(actual, desired, rtol=rtol, atol=rtol * 1e-3 * scale)


def weighted_sd(X, sw):
    """Weighted standard deviation of each column, divisor Σs (constant column → 1)."""
    s = np.ones(X.shape[0]) if sw is None else np.asarray(sw, dtype=float)
    mean = s @ X / s.sum()
    sd = np.sqrt(s @ (X - mean) ** 2 / s.sum())
    return np.where(sd > 0, sd, 1.0)


def bordered_solve(X, Y, sw, penalty):
    """Solve the normal equations of Σ s‖y − b − xᵀw‖² + Σ_j penalty_j w_j² for (b, w).

    The unknowns are [b, w]; the intercept row/column of the bordered matrix carries no
    penalty. ``penalty`` is the per-feature diagonal (α·π_j), so π_j = 0 leaves w_j free.
    Returns (intercept (t,), coef (p, t)).
    """
    n, p = X.shape
    s = np.ones(n) if sw is None else np.asarray(sw, dtype=float)
    Z = np.column_stack([np.ones(n), X])
    A = Z.T @ (s[:, None] * Z)
    A[1:, 1:] += np.diag(penalty)
    B = Z.T @ (s[:, None] * Y.reshape(n, -1))
    sol = scipy.linalg.solve(A, B, assume_a="sym")
    return sol[0], sol[1:]


def hat_matrix_trace(X, sw, penalty):
    """Trace of the explicit n×n hat matrix of the centred, weighted, penalized problem.

    H = S^½ Xc (Xcᵀ S Xc + diag(penalty))⁻¹ Xcᵀ S^½ with Xc centred at the weighted mean.
    """
    n = X.shape[0]
    s = np.ones(n) if sw is None else np.asarray(sw, dtype=float)
    Xc = X - s @ X / s.sum()
    Zc = np.sqrt(s)[:, None] * Xc
    H = Zc @ np.linalg.solve(Zc.T @ Zc + np.diag(penalty), Zc.T)
    assert H.shape == (n, n)
    return float(np.trace(H))


# ---------------------------------------------------------------------------- API surface
def test_public_names():
    assert ridgeway.Ridge is Ridge
    assert RidgeFromSubpackage is Ridge


def test_init_stores_parameters_only():
    pf = [1, 0]
    est = Ridge(alpha=2.5, fit_intercept=False, standardize=True, penalty_factor=pf, solver="svd")
    expected = {
        "alpha": 2.5,
        "fit_intercept": False,
        "standardize": True,
        "penalty_factor": pf,
        "solver": "svd",
    }
    params = est.get_params()
    assert {k: params[k] for k in expected} == expected
    assert params["penalty_factor"] is pf
    defaults = Ridge().get_params()
    assert {k: defaults[k] for k in expected} == {
        "alpha": 1.0,
        "fit_intercept": True,
        "standardize": False,
        "penalty_factor": None,
        "solver": "auto",
    }


# ---------------------------------------------------------------------------- vs scikit-learn
CASES = {
    # name: (n_targets, weighted, alpha)
    "single": (None, False, 1.3),
    "multi": (3, False, 0.7),
    "weighted": (None, True, 2.0),
    "weighted-multi": (2, True, 0.4),
    "per-target-alpha": (3, False, np.array([0.01, 1.0, 100.0])),
    "per-target-alpha-weighted": (3, True, np.array([5.0, 0.2, 30.0])),
}


@pytest.mark.parametrize("shape", list(SHAPES))
@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("case", list(CASES))
def test_matches_sklearn(shape, solver, case):
    n_targets, weighted, alpha = CASES[case]
    X, y, sw = make_problem(shape, n_targets, weighted, seed=list(CASES).index(case))
    ref = SkRidge(alpha=alpha, solver="svd").fit(X, y, sample_weight=sw)
    est = Ridge(alpha=alpha, solver=solver).fit(X, y, sample_weight=sw)

    assert est.coef_.shape == ref.coef_.shape
    assert_close(est.coef_, ref.coef_)
    if n_targets is None:
        assert np.ndim(est.intercept_) == 0
        assert_close(float(est.intercept_), float(ref.intercept_))
    else:
        assert np.shape(est.intercept_) == (n_targets,)
        assert_close(est.intercept_, ref.intercept_)
    assert_close(est.predict(X), ref.predict(X))
    assert est.n_features_in_ == X.shape[1]


@pytest.mark.parametrize("shape", list(SHAPES))
@pytest.mark.parametrize("solver", SOLVERS)
def test_no_intercept_matches_sklearn(shape, solver):
    X, y, sw = make_problem(shape, 2, weighted=True, seed=11)
    ref = SkRidge(alpha=0.9, fit_intercept=False, solver="svd").fit(X, y, sample_weight=sw)
    est = Ridge(alpha=0.9, fit_intercept=False, solver=solver).fit(X, y, sample_weight=sw)
    assert_close(est.coef_, ref.coef_)
    np.testing.assert_array_equal(est.intercept_, np.zeros(2))
    assert_close(est.predict(X), ref.predict(X))


@pytest.mark.parametrize("solver", SOLVERS)
def test_each_solver_gives_the_same_answer_on_both_shapes(solver):
    """A solver's answer does not depend on whether it is the natural one for the shape."""
    for shape in SHAPES:
        X, y, sw = make_problem(shape, 2, weighted=True, seed=5)
        a = Ridge(alpha=0.3, solver=solver).fit(X, y, sample_weight=sw)
        b = Ridge(alpha=0.3, solver="svd").fit(X, y, sample_weight=sw)
        ref = bordered_solve(X, y, sw, np.full(X.shape[1], 0.3))
        assert_close(a.coef_, ref[1].T)
        assert_close(a.intercept_, ref[0])
        assert_close(a.coef_, b.coef_)


@pytest.mark.parametrize("solver", SOLVERS)
def test_solver_attribute(solver):
    for shape in SHAPES:
        X, y, _ = make_problem(shape, seed=2)
        est = Ridge(alpha=1.0, solver=solver).fit(X, y)
        assert est.solver_ in {"eigh", "dual", "svd", "cholesky"}
        if solver != "auto":
            assert est.solver_ == solver
        assert est.solver == solver  # the parameter itself is never rewritten


def test_score_matches_sklearn():
    X, y, sw = make_problem("tall", weighted=True, seed=3)
    ref = SkRidge(alpha=1.0).fit(X, y, sample_weight=sw)
    est = Ridge(alpha=1.0).fit(X, y, sample_weight=sw)
    Xt, yt, _ = make_problem("tall", weighted=True, seed=4)
    assert est.score(Xt, yt) == pytest.approx(ref.score(Xt, yt), rel=1e-9)
    assert est.score(X, y) == pytest.approx(ref.score(X, y), rel=1e-9)


def test_list_input_and_integer_data():
    rng = np.random.default_rng(8)
    X = rng.integers(-5, 6, size=(15, 3))
    y = rng.integers(0, 10, size=15)
    ref = SkRidge(alpha=0.5).fit(X.astype(float), y.astype(float))
    est = Ridge(alpha=0.5).fit(X.tolist(), y.tolist())
    assert_close(est.coef_, ref.coef_)
    assert_close(est.predict(X.tolist()), ref.predict(X.astype(float)))


# ---------------------------------------------------------------------------- dtype
@pytest.mark.parametrize("shape", list(SHAPES))
def test_float32_in_float32_out(shape):
    X, y, sw = make_problem(shape, weighted=True, seed=6)
    X32 = X.astype(np.float32)
    est = Ridge(alpha=0.8).fit(X32, y, sample_weight=sw)
    assert est.coef_.dtype == np.float32
    # accumulation is in float64, so the answer is the float64 answer for the float32 data
    ref = SkRidge(alpha=0.8, solver="svd").fit(X32.astype(np.float64), y, sample_weight=sw)
    assert_close(est.coef_, ref.coef_, rtol=1e-6)
    assert_close(float(est.intercept_), float(ref.intercept_), rtol=1e-6)
    pred = est.predict(X32)
    assert_close(pred, ref.predict(X32.astype(np.float64)), rtol=1e-5)


# ---------------------------------------------------------------------------- standardize
@pytest.mark.parametrize("shape", list(SHAPES))
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("solver", SOLVERS)
def test_standardize_matches_explicit_scaling(shape, weighted, solver):
    X, y, sw = make_problem(shape, 2, weighted=weighted, seed=9)
    sd = weighted_sd(X, sw)
    ref = SkRidge(alpha=3.0, solver="svd").fit(X / sd, y, sample_weight=sw)
    est = Ridge(alpha=3.0, standardize=True, solver=solver).fit(X, y, sample_weight=sw)
    assert_close(est.coef_, ref.coef_ / sd)
    assert_close(est.intercept_, ref.intercept_)
    assert_close(est.predict(X), ref.predict(X / sd))


def test_standardize_sd_has_divisor_sum_of_weights():
    """The sd has divisor Σs: weights with Σs ≠ n tell it apart from the divisors n and n − 1."""
    X, y, _ = make_problem("tall", seed=10)
    sw = np.full(X.shape[0], 0.25)  # Σs = n / 4
    sd = weighted_sd(X, sw)
    ref = SkRidge(alpha=2.0).fit(X / sd, y, sample_weight=sw)
    est = Ridge(alpha=2.0, standardize=True).fit(X, y, sample_weight=sw)
    assert_close(est.coef_, ref.coef_ / sd)
    # the other conventions would give a visibly different answer
    n = X.shape[0]
    for divisor in (n, n - 1):
        sd_other = np.sqrt(sw @ (X - X.mean(axis=0)) ** 2 / divisor)
        other = SkRidge(alpha=2.0).fit(X / sd_other, y, sample_weight=sw).coef_ / sd_other
        assert np.max(np.abs(other - est.coef_)) > 1e-3 * np.max(np.abs(est.coef_))


def test_standardize_constant_column_is_treated_with_sd_one():
    X, y, _ = make_problem("tall", seed=12)
    X = np.column_stack([X, np.full(X.shape[0], 7.0)])
    sd = weighted_sd(X, None)
    assert sd[-1] == 1.0
    ref = SkRidge(alpha=1.5).fit(X / sd, y)
    est = Ridge(alpha=1.5, standardize=True).fit(X, y)
    assert np.all(np.isfinite(est.coef_))
    assert abs(est.coef_[-1]) <= 1e-12 * np.max(np.abs(est.coef_))
    assert_close(est.coef_[:-1], (ref.coef_ / sd)[:-1])
    assert_close(float(est.intercept_), float(ref.intercept_))


def test_standardize_equals_penalty_factor_sd_squared():
    """standardize=True is the penalty factor π_j = sd_j² (checked by the normal equations)."""
    X, y, sw = make_problem("tall", 3, weighted=True, seed=13)
    sd = weighted_sd(X, sw)
    b, W = bordered_solve(X, y, sw, 0.6 * sd**2)
    est = Ridge(alpha=0.6, standardize=True).fit(X, y, sample_weight=sw)
    assert_close(est.coef_, W.T)
    assert_close(est.intercept_, b)


# ---------------------------------------------------------------------------- penalty_factor
@pytest.mark.parametrize("shape", list(SHAPES))
@pytest.mark.parametrize("solver", SOLVERS)
def test_positive_penalty_factor_matches_rescaled_columns(shape, solver):
    X, y, sw = make_problem(shape, 2, weighted=True, seed=14)
    rng = np.random.default_rng(15)
    pf = rng.uniform(0.1, 5.0, X.shape[1])
    root = np.sqrt(pf)
    ref = SkRidge(alpha=1.7, solver="svd").fit(X / root, y, sample_weight=sw)
    est = Ridge(alpha=1.7, penalty_factor=pf, solver=solver).fit(X, y, sample_weight=sw)
    assert_close(est.coef_, ref.coef_ / root)
    assert_close(est.intercept_, ref.intercept_)


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("weighted", [False, True])
def test_zero_penalty_factor_matches_bordered_normal_equations(solver, weighted):
    X, y, sw = make_problem("tall", 2, weighted=weighted, seed=16)
    pf = np.array([0.0, 1.0, 2.5, 0.0, 0.3, 1.0])
    alpha = 4.0
    b, W = bordered_solve(X, y, sw, alpha * pf)
    est = Ridge(alpha=alpha, penalty_factor=pf, solver=solver).fit(X, y, sample_weight=sw)
    assert_close(est.coef_, W.T)
    assert_close(est.intercept_, b)
    # the unpenalized features are not shrunk: at a huge alpha the penalized coefficients
    # vanish while the free ones stay at their least-squares values given the others are zero
    big = Ridge(alpha=1e12, penalty_factor=pf, solver=solver).fit(X, y, sample_weight=sw)
    free = pf == 0
    b0, W0 = bordered_solve(X[:, free], y, sw, np.zeros(int(free.sum())))
    assert_close(big.coef_[:, free], W0.T, rtol=1e-6)
    assert np.max(np.abs(big.coef_[:, ~free])) < 1e-8 * np.max(np.abs(W0))


def test_penalty_factor_and_standardize_combine():
    """The effective per-feature penalty is α · π_j · sd_j²."""
    X, y, sw = make_problem("tall", weighted=True, seed=17)
    pf = np.array([0.0, 2.0, 1.0, 0.5, 1.0, 3.0])
    sd = weighted_sd(X, sw)
    b, W = bordered_solve(X, y, sw, 0.8 * pf * sd**2)
    est = Ridge(alpha=0.8, penalty_factor=pf, standardize=True).fit(X, y, sample_weight=sw)
    assert_close(est.coef_, W[:, 0])
    assert_close(float(est.intercept_), float(b[0]))


def test_penalty_factor_wide_with_zeros():
    """p > n with some free features (fewer free features than samples, so the fit is unique)."""
    X, y, sw = make_problem("wide", weighted=True, seed=18)
    pf = np.ones(X.shape[1])
    pf[[0, 5, 7]] = 0.0
    b, W = bordered_solve(X, y, sw, 2.0 * pf)
    for solver in SOLVERS:
        est = Ridge(alpha=2.0, penalty_factor=pf, solver=solver).fit(X, y, sample_weight=sw)
        assert_close(est.coef_, W[:, 0])
        assert_close(float(est.intercept_), float(b[0]))


# ---------------------------------------------------------------------------- df_
@pytest.mark.parametrize("shape", [(9, 4), (6, 10)])
@pytest.mark.parametrize("weighted", [False, True])
def test_df_is_trace_of_brute_force_hat_matrix(shape, weighted):
    """The fitted-value map y ↦ ŷ is linear; its matrix is built column by column by fitting
    scikit-learn on the n unit vectors (Y = I_n). Its trace is 1 (the intercept) + df."""
    X, y, sw = make_problem(shape, weighted=weighted, seed=19)
    n = X.shape[0]
    alpha = 0.7
    M = SkRidge(alpha=alpha, solver="svd").fit(X, np.eye(n), sample_weight=sw).predict(X)
    assert M.shape == (n, n)
    df_brute = np.trace(M) - 1.0
    assert df_brute == pytest.approx(hat_matrix_trace(X, sw, np.full(X.shape[1], alpha)), rel=1e-9)
    for solver in SOLVERS:
        est = Ridge(alpha=alpha, solver=solver).fit(X, y, sample_weight=sw)
        assert np.ndim(est.df_) == 0
        assert float(est.df_) == pytest.approx(df_brute, rel=1e-8)


def test_df_per_target_alpha():
    X, y, sw = make_problem((10, 5), 3, weighted=True, seed=20)
    alphas = np.array([0.05, 1.0, 20.0])
    est = Ridge(alpha=alphas).fit(X, y, sample_weight=sw)
    assert np.shape(est.df_) == (3,)
    expected = [hat_matrix_trace(X, sw, np.full(5, a)) for a in alphas]
    assert_close(est.df_, expected)
    assert est.df_[0] > est.df_[1] > est.df_[2]  # more penalty, fewer degrees of freedom


def test_df_with_unpenalized_features_and_standardize():
    X, y, sw = make_problem((12, 5), weighted=True, seed=21)
    pf = np.array([0.0, 1.0, 2.0, 0.0, 0.5])
    sd = weighted_sd(X, sw)
    est = Ridge(alpha=3.0, penalty_factor=pf, standardize=True).fit(X, y, sample_weight=sw)
    expected = hat_matrix_trace(X, sw, 3.0 * pf * sd**2)
    assert float(est.df_) == pytest.approx(expected, rel=1e-8)
    # df counts every unpenalized feature in full: at a huge alpha only they remain
    big = Ridge(alpha=1e14, penalty_factor=pf).fit(X, y, sample_weight=sw)
    assert float(big.df_) == pytest.approx(2.0, abs=1e-6)


def test_df_limits():
    X, y, _ = make_problem("tall", seed=22)
    p = X.shape[1]
    assert float(Ridge(alpha=0.0).fit(X, y).df_) == pytest.approx(p, rel=1e-10)
    assert float(Ridge(alpha=1e15).fit(X, y).df_) == pytest.approx(0.0, abs=1e-8)
    Xw, yw, _ = make_problem("wide", seed=22)
    # for p > n the centred design has rank n − 1: df → n − 1 as α → 0 (α = 1e-6 is tiny
    # against the nonzero eigenvalues, which are O(1) or more here)
    n = Xw.shape[0]
    assert float(Ridge(alpha=1e-6).fit(Xw, yw).df_) == pytest.approx(n - 1, abs=1e-3)


# ---------------------------------------------------------------------------- no false alarms
@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("shape", list(SHAPES))
def test_well_conditioned_problems_do_not_warn(solver, shape):
    X, y, sw = make_problem(shape, 2, weighted=True, seed=23)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        Ridge(alpha=1.0, solver=solver).fit(X, y, sample_weight=sw)


@pytest.mark.parametrize("solver", SOLVERS)
def test_zero_variance_design_with_positive_alpha(solver):
    """Constant columns (or a single row of positive weight) centre to zero: with α > 0 the
    system is αΠ, perfectly conditioned. Coefficients 0, intercept the weighted mean, df 0,
    and no conditioning warning."""
    X = np.ones((5, 2)) * [3.0, -1.0]
    y = np.array([1.0, 2.0, 3.0, 4.0, 6.0])
    sw = np.array([1.0, 0.0, 2.0, 0.0, 1.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        est = Ridge(alpha=1.0, solver=solver).fit(X, y, sample_weight=sw)
        one = Ridge(alpha=1.0, solver=solver).fit(
            np.random.default_rng(0).standard_normal((5, 2)), y, sample_weight=[0, 0, 1, 0, 0]
        )
    np.testing.assert_array_equal(est.coef_, [0.0, 0.0])
    assert est.intercept_ == pytest.approx((1.0 + 6.0 + 6.0) / 4.0, rel=1e-14)
    assert est.df_ == pytest.approx(0.0, abs=1e-14)
    np.testing.assert_allclose(one.coef_, [0.0, 0.0], atol=1e-14)
    assert one.intercept_ == pytest.approx(3.0, rel=1e-14)
