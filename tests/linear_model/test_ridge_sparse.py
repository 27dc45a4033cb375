"""Ridge and RidgeCV on scipy sparse X: the dense fit's numbers, never a dense n×p or n×n array."""

from __future__ import annotations

import tracemalloc
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.model_selection import KFold
from sklearn.utils.estimator_checks import parametrize_with_checks

import ridgeway.linear_model.ridge_cv as ridge_cv_module
from ridgeway import Ridge, RidgeCV
from ridgeway.selection import GridEdgeWarning

TOL = 1e-10


def rel(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return float(np.abs(a - b).max() / max(np.abs(b).max(), 1e-300))


def make(n=160, p=8, t=2, seed=0, density=0.35):
    """Sparse X with a planted β (well conditioned), weights, two targets."""
    rng = np.random.default_rng(seed)
    X = sp.random(n, p, density=density, random_state=seed, format="csr")
    X.data = rng.standard_normal(X.nnz) + 0.5
    beta = rng.standard_normal((p, t))
    Y = np.asarray(X @ beta) + 0.7 * rng.standard_normal((n, t)) + 1.5
    w = rng.uniform(0.3, 2.0, n)
    return X, Y, w


OPTIONS = [
    {},
    {"standardize": True},
    {"fit_intercept": False},
    {"penalty_factor": np.r_[0.0, np.linspace(0.5, 2.0, 7)]},
]


def same_fit(a, b):
    assert rel(a.coef_, b.coef_) < TOL
    assert rel(a.intercept_, b.intercept_) < TOL or np.allclose(
        a.intercept_, b.intercept_, atol=1e-13
    )


@pytest.mark.parametrize("solver", ["auto", "cholesky", "eigh", "dual", "cg", "lsqr", "svd"])
@pytest.mark.parametrize("opts", OPTIONS)
def test_ridge_matches_dense(solver, opts):
    X, Y, w = make()
    a = Ridge(alpha=0.8, solver=solver, **opts).fit(X, Y, w)
    b = Ridge(alpha=0.8, **opts).fit(X.toarray(), Y, w)
    same_fit(a, b)
    assert rel(a.df_, b.df_) < TOL  # p = 8 ≤ 16 probes: exact trace on the iterative routes
    assert a.solver_ == {"auto": "cholesky", "svd": "lsqr"}.get(solver, solver)
    assert rel(a.predict(X), b.predict(X.toarray())) < TOL


@pytest.mark.parametrize("fmt", ["csc", "coo", "lil", "csr_array", "csc_array"])
def test_formats_and_single_target(fmt):
    X, Y, w = make(seed=1)
    Xs = sp.csr_array(X).asformat(fmt[:3]) if fmt.endswith("_array") else X.asformat(fmt)
    a = Ridge(alpha=[0.5, 3.0]).fit(Xs, Y, w)
    b = Ridge(alpha=[0.5, 3.0]).fit(X.toarray(), Y, w)
    same_fit(a, b)
    a1 = RidgeCV(cv="gcv").fit(Xs, Y[:, 0])
    b1 = RidgeCV(cv="gcv").fit(X.toarray(), Y[:, 0])
    assert a1.alpha_ == b1.alpha_ and isinstance(a1.intercept_, float)
    same_fit(a1, b1)


def test_float32_kept():
    X, Y, w = make(seed=2)
    m = Ridge(alpha=1.0).fit(X.astype(np.float32), Y[:, 0], w)
    d = Ridge(alpha=1.0).fit(X.toarray().astype(np.float32), Y[:, 0], w)
    assert m.coef_.dtype == np.float32
    assert np.allclose(m.coef_, d.coef_, rtol=1e-5)


CVS = [None, "gcv", 3, KFold(4, shuffle=True, random_state=0), "evidence", "hkb", "lw"]


@pytest.mark.filterwarnings("ignore::ridgeway.selection.GridEdgeWarning")
@pytest.mark.parametrize(
    "cv", CVS, ids=lambda c: type(c).__name__ if not isinstance(c, str | int | None) else str(c)
)
@pytest.mark.parametrize("opts", [*OPTIONS, {"alpha_per_target": True}])
def test_ridgecv_matches_dense(cv, opts):
    X, Y, w = make(seed=3)
    a = RidgeCV(cv=cv, **opts).fit(X, Y, w)
    b = RidgeCV(cv=cv, **opts).fit(X.toarray(), Y, w)
    if cv == "evidence":
        # α maximizes a smooth function off the grid by golden section, which stops at its own
        # tolerance: the maxima agree to 1e-10, their location to the search's precision
        assert rel(a.best_score_, b.best_score_) < TOL
        assert rel(a.alpha_, b.alpha_) < 1e-6
        assert rel(a.coef_, b.coef_) < 1e-6
    else:
        assert rel(a.alpha_, b.alpha_) < TOL
        same_fit(a, b)
    ra, rb = a.cv_results_, b.cv_results_
    assert rel(ra["alphas"], rb["alphas"]) < TOL
    assert rel(ra["df"], rb["df"]) < TOL
    if rb["mean"] is not None:
        assert rel(ra["mean"], rb["mean"]) < TOL
    if rb["se"] is not None:
        assert rel(ra["se"], rb["se"]) < 1e-8
    assert rel(a.best_score_, b.best_score_) < TOL or np.isnan(b.best_score_).all()


@pytest.mark.parametrize("cv", [None, 4])
def test_ridgecv_rule_and_r2(cv):
    X, Y, w = make(seed=4)
    for kw in ({"rule": "1se"}, {"scoring": "r2"}):
        a = RidgeCV(cv=cv, **kw).fit(X, Y, w)
        b = RidgeCV(cv=cv, **kw).fit(X.toarray(), Y, w)
        assert rel(a.alpha_, b.alpha_) < TOL
        same_fit(a, b)


@pytest.mark.filterwarnings("ignore::ridgeway.selection.GridEdgeWarning")
@pytest.mark.parametrize("cv", [None, "gcv", 3])
def test_wide_sparse_matches_dense(cv):
    X, Y, w = make(n=30, p=70, seed=5, density=0.15)
    a = RidgeCV(cv=cv).fit(X, Y, w)
    b = RidgeCV(cv=cv).fit(X.toarray(), Y, w)
    assert rel(a.alpha_, b.alpha_) < TOL
    same_fit(a, b)
    r = Ridge(alpha=2.0, penalty_factor=np.r_[0.0, np.ones(69)]).fit(X, Y, w)
    d = Ridge(alpha=2.0, penalty_factor=np.r_[0.0, np.ones(69)]).fit(X.toarray(), Y, w)
    same_fit(r, d)


def test_loo_with_a_column_of_large_mean():
    """A dense column of mean 1e5: LOO leaves the centring-through-products shortcut for
    dense row chunks and still matches the dense fit."""
    X, Y, w = make(n=200, seed=6)
    rng = np.random.default_rng(6)
    Xb = sp.hstack([X, sp.csr_matrix(1e5 + rng.standard_normal((200, 1)))]).tocsr()
    Y = Y + 0.5 * Xb[:, [-1]].toarray()
    al = np.geomspace(1e-3, 1e3, 25)
    a = RidgeCV(alphas=al).fit(Xb, Y, w)
    b = RidgeCV(alphas=al).fit(Xb.toarray(), Y, w)
    assert a.alpha_ == b.alpha_
    assert rel(a.cv_results_["mean"], b.cv_results_["mean"]) < 1e-9
    assert rel(a.coef_, b.coef_) < 1e-9


# --------------------------------------------------------------------------- CG route
@pytest.mark.parametrize("opts", [*OPTIONS, {"alpha_per_target": True}])
def test_ridgecv_cg_matches_spectral_gcv(opts):
    X, Y, w = make(seed=7)
    al = np.geomspace(1e-3, 1e3, 15)
    a = RidgeCV(alphas=al, cv="gcv", solver="cg", **opts).fit(X, Y, w)
    b = RidgeCV(alphas=al, cv="gcv", **opts).fit(X.toarray(), Y, w)
    assert rel(a.alpha_, b.alpha_) < TOL
    same_fit(a, b)
    assert rel(a.cv_results_["mean"], b.cv_results_["mean"]) < TOL
    assert rel(a.cv_results_["df"], b.cv_results_["df"]) < TOL
    assert (a.cv_results_["df_se"] == 0).all() and a.cv_results_["n_probes"] == 8
    assert rel(a.df_, b.df_) < TOL


def test_auto_takes_cg_above_the_threshold(monkeypatch):
    """Above ITERATIVE_MIN_FEATURES, GCV on sparse X runs by CG with a stochastic trace whose
    stated error covers its distance to the exact trace."""
    X, Y, w = make(n=400, p=40, seed=8, density=0.2)
    monkeypatch.setattr(ridge_cv_module, "ITERATIVE_MIN_FEATURES", 30)
    al = np.geomspace(0.5, 50, 9)
    a = RidgeCV(alphas=al, cv="gcv").fit(X, Y[:, 0], w)
    b = RidgeCV(alphas=al, cv="gcv").fit(X.toarray(), Y[:, 0], w)
    res = a.cv_results_
    assert res["n_probes"] == 16 and (res["df_se"] > 0).all()
    assert (np.abs(res["df"] - b.cv_results_["df"]) < 5 * res["df_se"]).all()
    assert (np.abs(res["mean"] - b.cv_results_["mean"]) < 5 * res["mean_se"] + 1e-12).all()
    i = int(np.searchsorted(al, a.alpha_))
    assert abs(i - int(np.searchsorted(al, b.alpha_))) <= 1
    # coefficients at the chosen α are exact
    c = Ridge(alpha=a.alpha_).fit(X.toarray(), Y[:, 0], w)
    assert rel(a.coef_, c.coef_) < 1e-9
    # LOO and the other criteria keep the Gram route
    assert "df_se" not in RidgeCV(alphas=al).fit(X, Y[:, 0], w).cv_results_


def test_cg_default_grid_and_messages():
    X, Y, w = make(seed=9)
    m = RidgeCV(cv="gcv", solver="cg").fit(X, Y, w)
    assert m.cv_results_["alphas"].size == 30
    with pytest.raises(ValueError, match="cv must be 'gcv' for solver='cg'; got None"):
        RidgeCV(solver="cg").fit(X, Y)
    with pytest.raises(ValueError, match="scoring must be None for solver='cg'; got 'r2'"):
        RidgeCV(cv="gcv", solver="cg", scoring="r2").fit(X, Y)
    with pytest.raises(ValueError, match="solver must be one of 'auto', 'spectral', 'cg'"):
        RidgeCV(solver="lsqr").fit(X, Y)


def test_bad_sparse_input_messages():
    X, Y, _ = make(seed=10)
    Xn = X.copy()
    Xn.data[3] = np.nan
    with pytest.raises(ValueError, match=r"X must be finite \(no NaN or inf\); got 1 NaN"):
        Ridge().fit(Xn, Y)
    with pytest.raises(ValueError, match="X must be real-valued"):
        RidgeCV().fit(X.astype(complex), Y)
    with pytest.raises(ValueError, match="X must be non-empty"):
        Ridge().fit(sp.csr_matrix((0, 3)), np.zeros(0))
    m = Ridge().fit(X, Y)
    with pytest.raises(ValueError, match="X must be finite"):
        m.predict(Xn)


# --------------------------------------------------------------------------- memory
def test_no_dense_n_by_p_allocation():
    """n = 200,000, p = 300 at 0.5 % density: a dense X would take 480 MB, a dense n×n 320 GB.
    The sparse Gram with exact LOO (a second pass in row chunks) and the CG route peak far below."""
    n, p = 200_000, 300
    rng = np.random.default_rng(11)
    X = sp.random(n, p, density=0.005, random_state=11, format="csr")
    y = np.asarray(X @ rng.standard_normal(p)) + rng.standard_normal(n)
    dense = 8 * n * p
    al = np.geomspace(1e-2, 1e3, 12)
    fits = [
        lambda: RidgeCV(alphas=al).fit(X, y),  # the sparse Gram and a second pass for LOO
        lambda: RidgeCV(alphas=al, cv="gcv", solver="cg").fit(X, y),
    ]
    for fit in fits:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", GridEdgeWarning)
            tracemalloc.start()
            fit()
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
        assert peak < dense / 10, peak


# --------------------------------------------------------------------------- sklearn checks
def _expected_failures(est):
    if isinstance(est, RidgeCV):  # these checks replace cv="gcv" by explicit folds
        reason = "solver='cg' is for cv='gcv' only (a clear error otherwise)"
        host = "the CG route is NumPy/SciPy code: array-API input gets a clear error"
        return {
            "check_sample_weight_equivalence_on_dense_data": reason,
            "check_sample_weight_equivalence_on_sparse_data": reason,
            "check_array_api_input": host,
            "check_array_api_same_namespace": host,
            "check_array_api_mixed_inputs": host,
        }
    return {}


@pytest.mark.filterwarnings("ignore::ridgeway.selection.GridEdgeWarning")
@parametrize_with_checks(
    [RidgeCV(cv="gcv", solver="cg"), Ridge(solver="cg"), Ridge(solver="lsqr")],
    expected_failed_checks=_expected_failures,
)
def test_sklearn_compatible_iterative(estimator, check):
    check(estimator)
