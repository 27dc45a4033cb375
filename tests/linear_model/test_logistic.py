"""LogisticRidge: parity with scikit-learn, labels, weights, separable data, messages."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression

from ridgeway import LogisticRidge
from ridgeway.core.logistic_solvers import SeparableDataError


def _data(n, p, K, seed):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) + rng.normal(0, 0.5, p)
    B = rng.standard_normal((p, max(K, 2))) * 0.8
    eta = X @ B
    if K == 2:
        y = (rng.random(n) < 1 / (1 + np.exp(-(eta[:, 0] - eta[:, 1])))).astype(int)
    else:
        P = np.exp(eta - eta.max(axis=1, keepdims=True))
        P /= P.sum(axis=1, keepdims=True)
        y = np.array([rng.choice(K, p=row) for row in P])
    w = rng.uniform(0.2, 3.0, n)
    return X, y, w


def _objective(model, X, y, w, alpha):
    """Σ s ℓ + α‖W‖² computed from the fitted model's probabilities (numpy only)."""
    logp = model.predict_log_proba(X)
    idx = np.searchsorted(model.classes_, y)
    return float(-(w * logp[np.arange(len(y)), idx]).sum() + alpha * (model.coef_**2).sum())


@pytest.mark.parametrize("K", [2, 3, 4])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("weighted", [False, True])
def test_matches_sklearn_lbfgs(K, fit_intercept, weighted):
    X, y, w = _data(400, 6, K, seed=10 * K + fit_intercept)
    sw = w if weighted else None
    alpha = 0.8
    sk = LogisticRegression(
        C=1 / (2 * alpha), tol=1e-12, max_iter=100000, fit_intercept=fit_intercept
    ).fit(X, y, sample_weight=sw)
    ours = LogisticRidge(alpha, fit_intercept=fit_intercept, tol=1e-10).fit(X, y, sw)
    scale = np.abs(sk.coef_).max()
    assert np.abs(ours.coef_ - sk.coef_).max() <= 1e-6 * scale
    if fit_intercept:
        b_sk = sk.intercept_ - (sk.intercept_.mean() if K > 2 else 0.0)
        assert np.allclose(ours.intercept_, b_sk, rtol=1e-6, atol=1e-6 * scale)
    assert np.allclose(ours.predict_proba(X), sk.predict_proba(X), atol=1e-7)
    assert (ours.predict(X) == sk.predict(X)).all()


@pytest.mark.parametrize("solver", ["newton-cholesky", "newton-cg", "lbfgs"])
def test_solvers_reach_the_same_objective(solver):
    X, y, w = _data(300, 5, 3, seed=3)
    ref = LogisticRidge(0.3, tol=1e-10).fit(X, y, w)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        other = LogisticRidge(0.3, solver=solver, tol=1e-7, max_iter=1000).fit(X, y, w)
    f_ref = _objective(ref, X, y, w, 0.3)
    assert abs(_objective(other, X, y, w, 0.3) - f_ref) <= 1e-9 * f_ref
    assert np.isclose(ref.objective_, f_ref, rtol=1e-12)


def test_string_labels_and_class_order():
    X, y, _ = _data(200, 3, 3, seed=4)
    names = np.array(["setosa", "versicolor", "virginica"])
    ours = LogisticRidge(0.5).fit(X, names[y])
    codes = LogisticRidge(0.5).fit(X, y)
    assert ours.classes_.tolist() == names.tolist()
    assert np.allclose(ours.coef_, codes.coef_)
    assert (ours.predict(X) == names[codes.predict(X)]).all()
    assert np.allclose(ours.predict_proba(X).sum(axis=1), 1.0)
    assert np.allclose(np.exp(ours.predict_log_proba(X)), ours.predict_proba(X))


def test_binary_labels_positive_class_is_the_second():
    X, y, _ = _data(200, 3, 2, seed=5)
    lab = np.where(y == 1, "yes", "no")
    m = LogisticRidge(0.5).fit(X, lab)
    assert m.classes_.tolist() == ["no", "yes"]
    assert m.coef_.shape == (1, 3) and m.intercept_.shape == (1,)
    # the decision function is the log odds of classes_[1]
    p = m.predict_proba(X)[:, 1]
    assert np.allclose(m.decision_function(X), np.log(p / (1 - p)))


def test_integer_weights_equal_repeated_rows():
    X, y, _ = _data(120, 4, 3, seed=6)
    reps = np.random.default_rng(0).integers(0, 4, 120)
    a = LogisticRidge(0.4, tol=1e-10).fit(X, y, reps.astype(float))
    keep = np.repeat(np.arange(120), reps)
    b = LogisticRidge(0.4, tol=1e-10).fit(X[keep], y[keep])
    assert np.allclose(a.coef_, b.coef_, rtol=1e-8, atol=1e-10)
    assert np.allclose(a.intercept_, b.intercept_, rtol=1e-8, atol=1e-10)


def test_sparse_equals_dense():
    X, y, w = _data(200, 8, 2, seed=7)
    X[np.abs(X) < 0.8] = 0.0
    d = LogisticRidge(0.5, standardize=True, tol=1e-10).fit(X, y, w)
    s = LogisticRidge(0.5, standardize=True, tol=1e-10).fit(sp.csr_matrix(X), y, w)
    assert np.allclose(d.coef_, s.coef_, rtol=1e-8, atol=1e-10)
    assert np.allclose(d.predict_proba(X), s.predict_proba(sp.csr_matrix(X)))


def test_standardize_equals_fit_on_standardized_columns():
    X, y, w = _data(250, 4, 2, seed=8)
    X = X * np.array([0.01, 1.0, 30.0, 500.0])
    m = LogisticRidge(0.7, standardize=True, tol=1e-10).fit(X, y, w)
    mu = (w @ X) / w.sum()
    sd = np.sqrt((w @ (X - mu) ** 2) / w.sum())
    z = LogisticRidge(0.7, tol=1e-10).fit((X - mu) / sd, y, w)
    assert np.allclose(m.coef_ * sd, z.coef_, rtol=1e-7)


def test_penalty_factor_zero_leaves_a_feature_unpenalized():
    X, y, _ = _data(300, 3, 2, seed=9)
    m = LogisticRidge(1e9, penalty_factor=[0.0, 1.0, 1.0], tol=1e-10).fit(X, y)
    only = LogisticRidge(0.0, tol=1e-10).fit(X[:, :1], y)
    assert np.allclose(m.coef_[0, 1:], 0.0, atol=1e-5)
    assert np.allclose(m.coef_[0, 0], only.coef_[0, 0], rtol=1e-4)


def test_alpha_to_infinity_gives_the_log_odds():
    X, y, w = _data(300, 3, 2, seed=11)
    m = LogisticRidge(1e12).fit(X, y, w)
    f = w @ y / w.sum()
    assert np.allclose(m.coef_, 0.0, atol=1e-9)
    assert np.isclose(m.intercept_[0], np.log(f / (1 - f)), rtol=1e-6)


def test_separable_data():
    X = np.array([[0.0], [1.0], [2.0], [3.0], [4.0], [5.0]])
    y = np.array([0, 0, 0, 1, 1, 1])
    m = LogisticRidge(0.1).fit(X, y)  # α > 0: finite and converged
    assert np.isfinite(m.coef_).all() and m.n_iter_[0] < 100
    with pytest.raises(SeparableDataError, match="separable"):
        LogisticRidge(0.0).fit(X, y)
    # quasi-complete separation (one tie at the boundary) is separable too
    with pytest.raises(SeparableDataError, match="alpha > 0"):
        LogisticRidge(0.0).fit(np.r_[X, [[2.5], [2.5]]], np.r_[y, [0, 1]])
    # overlapping classes: the unpenalized fit exists and equals sklearn's
    yo = np.array([0, 1, 0, 1, 0, 1])
    ours = LogisticRidge(0.0, tol=1e-12).fit(X, yo)
    sk = LogisticRegression(C=np.inf, tol=1e-12, max_iter=10000).fit(X, yo)
    assert np.allclose(ours.coef_, sk.coef_, rtol=1e-5)


def test_non_convergence_warns_with_the_cause():
    X, y, _ = _data(200, 5, 2, seed=12)
    with pytest.warns(ConvergenceWarning, match=r"after 1 iterations.*gradient.*max_iter"):
        LogisticRidge(1e-3, max_iter=1).fit(X, y)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"alpha": -1.0}, "alpha must be non-negative"),
        ({"solver": "sag"}, "solver must be one of"),
        ({"tol": 0.0}, "tol must be a positive number"),
        ({"max_iter": 0}, "max_iter must be an integer of at least 1"),
        ({"penalty_factor": [1.0, -1.0, 1.0]}, "penalty_factor"),
    ],
)
def test_bad_parameters(kwargs, match):
    X, y, _ = _data(50, 3, 2, seed=13)
    with pytest.raises(ValueError, match=match):
        LogisticRidge(**kwargs).fit(X, y)


def test_bad_labels_and_weights():
    X, y, _ = _data(50, 3, 2, seed=14)
    with pytest.raises(ValueError, match="at least 2 classes"):
        LogisticRidge().fit(X, np.zeros(50))
    with pytest.raises(ValueError, match="Unknown label type"):
        LogisticRidge().fit(X, np.linspace(0, 1, 50))
    w = np.ones(50)
    w[y == 1] = 0.0
    with pytest.raises(ValueError, match="sample_weight must be positive on some row"):
        LogisticRidge().fit(X, y, w)
    with pytest.raises(ValueError, match="same length"):
        LogisticRidge().fit(X, y[:-1])


def test_float32_keeps_dtype():
    X, y, _ = _data(100, 3, 3, seed=15)
    m = LogisticRidge().fit(X.astype(np.float32), y)
    assert m.coef_.dtype == np.float32
    ref = LogisticRidge().fit(X.astype(np.float32).astype(np.float64), y)
    assert np.allclose(m.coef_, ref.coef_, rtol=1e-6)
