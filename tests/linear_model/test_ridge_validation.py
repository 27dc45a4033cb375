"""Input validation of :class:`ridgeway.Ridge`: every error follows one template,
``"<name> must be <rule>; got <value>"``, and is raised at the entry point."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from sklearn.exceptions import NotFittedError

from ridgeway import Ridge

SOLVERS = ["eigh", "dual", "svd", "cholesky", "auto"]


def data(n=10, p=3, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    y = X @ np.arange(1.0, p + 1) + rng.standard_normal(n)
    return X, y


def rule(name, text):
    """Regex for '<name> must be <text>…; got ' (text matched literally, as a prefix)."""
    return rf"{re.escape(name)} must be {re.escape(text)}.*?; got "


# ---------------------------------------------------------------------------- non-finite values
@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("shape", [(10, 3), (4, 9)])
@pytest.mark.parametrize("standardize", [False, True])
def test_nan_and_inf_in_X_are_counted(solver, shape, standardize):
    X, y = data(*shape)
    X[0, 0] = np.nan
    X[1, 1] = np.inf
    X[1, 2] = -np.inf
    with pytest.raises(ValueError, match=rule("X", "finite (no NaN or inf)")) as info:
        Ridge(solver=solver, standardize=standardize).fit(X, y)
    assert "1 NaN and 2 inf" in str(info.value)


@pytest.mark.parametrize("solver", SOLVERS)
def test_nan_in_X_with_zero_weight_row_is_still_an_error(solver):
    X, y = data()
    X[3, 1] = np.nan
    w = np.ones(10)
    w[3] = 0.0
    with pytest.raises(ValueError, match=rule("X", "finite (no NaN or inf)")):
        Ridge(solver=solver).fit(X, y, sample_weight=w)


def test_nan_in_y():
    X, y = data()
    y[4] = np.nan
    with pytest.raises(ValueError, match=rule("y", "finite (no NaN or inf)") + "1 NaN and 0 inf"):
        Ridge().fit(X, y)
    X, y = data()
    Y = np.column_stack([y, y])
    Y[5, 1] = np.inf
    Y[6, 0] = np.nan
    with pytest.raises(ValueError, match=rule("y", "finite (no NaN or inf)") + "1 NaN and 1 inf"):
        Ridge().fit(X, Y)


def test_nonfinite_sample_weight():
    X, y = data()
    w = np.ones(10)
    w[2] = np.inf
    with pytest.raises(ValueError, match=rule("sample_weight", "finite (no NaN or inf)")):
        Ridge().fit(X, y, sample_weight=w)
    w[2] = np.nan
    with pytest.raises(ValueError, match=rule("sample_weight", "finite (no NaN or inf)")):
        Ridge().fit(X, y, sample_weight=w)


def test_nan_in_X_at_predict():
    X, y = data()
    est = Ridge().fit(X, y)
    X[0, 0] = np.nan
    with pytest.raises(ValueError, match=rule("X", "finite (no NaN or inf)")):
        est.predict(X)


def test_overflowing_X():
    X, y = data()
    X[0, 0] = 1e300
    with pytest.raises(ValueError, match=r"X must be .*; got "):
        Ridge().fit(X, y)


# ---------------------------------------------------------------------------- shapes
def test_mismatched_lengths():
    X, y = data()
    with pytest.raises(ValueError, match=rule("y", "of the same length as X (10 samples)") + "9"):
        Ridge().fit(X, y[:9])
    with pytest.raises(ValueError, match=r"sample_weight must be .*length 10; got shape \(9,\)"):
        Ridge().fit(X, y, sample_weight=np.ones(9))


def test_empty_X():
    with pytest.raises(ValueError, match=rule("X", "non-empty") + "0 sample"):
        Ridge().fit(np.empty((0, 3)), np.empty(0))
    with pytest.raises(ValueError, match=rule("X", "non-empty") + "0 feature"):
        Ridge().fit(np.empty((5, 0)), np.ones(5))


def test_one_dimensional_X():
    with pytest.raises(ValueError, match=rule("X", "a 2-D array of shape (n_samples, n_features)")):
        Ridge().fit(np.arange(5.0), np.arange(5.0))
    est = Ridge().fit(*data(p=1))
    with pytest.raises(ValueError, match=rule("X", "a 2-D array")):
        est.predict(np.arange(5.0))


def test_y_of_three_dimensions():
    X, _ = data()
    with pytest.raises(ValueError, match=r"y must be .*; got shape \(10, 1, 1\)"):
        Ridge().fit(X, np.ones((10, 1, 1)))


def test_predict_with_wrong_number_of_features():
    X, y = data(p=3)
    est = Ridge().fit(X, y)
    with pytest.raises(ValueError, match="features"):
        est.predict(X[:, :2])


def test_unfitted_predict():
    with pytest.raises(NotFittedError):
        Ridge().predict(np.ones((3, 2)))


# ---------------------------------------------------------------------------- alpha
def test_negative_alpha():
    X, y = data()
    with pytest.raises(ValueError, match=rule("alpha", "non-negative") + "-1"):
        Ridge(alpha=-1.0).fit(X, y)
    with pytest.raises(ValueError, match=rule("alpha", "non-negative")):
        Ridge(alpha=[1.0, -0.5]).fit(X, np.column_stack([y, y]))


def test_nonfinite_alpha():
    X, y = data()
    for bad in (np.nan, np.inf):
        with pytest.raises(ValueError, match=rule("alpha", "finite")):
            Ridge(alpha=bad).fit(X, y)


def test_alpha_per_target_of_wrong_length():
    X, y = data()
    with pytest.raises(ValueError, match=r"alpha must be .*per target \(2\); got shape \(3,\)"):
        Ridge(alpha=[1.0, 2.0, 3.0]).fit(X, np.column_stack([y, y]))


def test_alpha_not_a_number():
    X, y = data()
    with pytest.raises((TypeError, ValueError), match=r"alpha must be .*; got 'big'"):
        Ridge(alpha="big").fit(X, y)


# ---------------------------------------------------------------------------- sample_weight
def test_negative_weights():
    X, y = data()
    w = np.ones(10)
    w[[1, 6]] = [-1.0, -0.5]
    with pytest.raises(ValueError, match=rule("sample_weight", "non-negative") + "2 negative"):
        Ridge().fit(X, y, sample_weight=w)


def test_all_zero_weights():
    X, y = data()
    with pytest.raises(ValueError, match=rule("sample_weight", "positive somewhere")):
        Ridge().fit(X, y, sample_weight=np.zeros(10))


def test_scalar_weight_is_accepted():
    X, y = data()
    a = Ridge(alpha=2.0).fit(X, y, sample_weight=3.0)
    b = Ridge(alpha=2.0 / 3.0).fit(X, y)  # 3·loss + 2‖w‖² = 3(loss + (2/3)‖w‖²)
    np.testing.assert_allclose(a.coef_, b.coef_, rtol=1e-10)


# ---------------------------------------------------------------------------- penalty_factor
def test_penalty_factor_of_wrong_length():
    X, y = data(p=3)
    with pytest.raises(ValueError, match=rule("penalty_factor", "one value per feature (3)")):
        Ridge(penalty_factor=[1.0, 1.0]).fit(X, y)


def test_negative_or_nonfinite_penalty_factor():
    X, y = data(p=3)
    for bad in ([1.0, -1.0, 1.0], [1.0, np.nan, 1.0], [np.inf, 1.0, 1.0]):
        with pytest.raises(ValueError, match=rule("penalty_factor", "finite and non-negative")):
            Ridge(penalty_factor=bad).fit(X, y)


# ---------------------------------------------------------------------------- solver
@pytest.mark.parametrize("bad", ["lbfgs", "Auto", "", None, 3])
def test_invalid_solver(bad):
    X, y = data()
    with pytest.raises(ValueError, match=r"solver must be one of 'auto'.*; got "):
        Ridge(solver=bad).fit(X, y)


# ---------------------------------------------------------------------------- singular at α = 0
SINGULAR = {
    "duplicated-column": lambda X: np.column_stack([X, X[:, 1]]),
    "wide": lambda X: np.column_stack([X, X**2, X**3, np.sin(X)]),  # 10 × 12
    "constant-column": lambda X: np.column_stack([X, np.full(X.shape[0], 4.0)]),
}


@pytest.mark.parametrize("case", list(SINGULAR))
@pytest.mark.parametrize("solver", ["auto", "eigh", "dual", "cholesky"])
def test_alpha_zero_on_a_singular_design_names_the_remedy(case, solver):
    X, y = data()
    Xs = SINGULAR[case](X)
    with pytest.raises(ValueError, match=r"^alpha must be") as info:
        Ridge(alpha=0.0, solver=solver).fit(Xs, y)
    assert "alpha > 0" in str(info.value)
    assert "solver='svd'" in str(info.value)


@pytest.mark.parametrize("case", list(SINGULAR))
def test_alpha_zero_svd_gives_minimum_norm_least_squares(case):
    X, y = data()
    Xs = SINGULAR[case](X)
    Xc = Xs - Xs.mean(axis=0)
    w = np.linalg.lstsq(Xc, y - y.mean(), rcond=1e-10)[0]  # minimum-norm solution
    est = Ridge(alpha=0.0, solver="svd").fit(Xs, y)
    np.testing.assert_allclose(est.coef_, w, rtol=1e-8, atol=1e-10 * np.abs(w).max())
    assert est.intercept_ == pytest.approx(y.mean() - Xs.mean(axis=0) @ w, rel=1e-8)
    if case == "duplicated-column":
        assert est.coef_[1] == pytest.approx(est.coef_[-1], rel=1e-10)


# ---------------------------------------------------------------------------- DataFrames
def test_dataframe_records_feature_names():
    X, y = data(p=3)
    df = pd.DataFrame(X, columns=["age", "dose", "weight"])
    est = Ridge(alpha=0.5).fit(df, pd.Series(y, name="response"))
    np.testing.assert_array_equal(est.feature_names_in_, ["age", "dose", "weight"])
    assert est.n_features_in_ == 3
    ref = Ridge(alpha=0.5).fit(X, y)
    np.testing.assert_allclose(est.coef_, ref.coef_, rtol=1e-12)
    np.testing.assert_allclose(est.predict(df), ref.predict(X), rtol=1e-12)
    assert not hasattr(ref, "feature_names_in_")


def test_dataframe_with_other_feature_names_at_predict():
    X, y = data(p=3)
    est = Ridge().fit(pd.DataFrame(X, columns=["a", "b", "c"]), y)
    with pytest.raises(ValueError, match="feature names"):
        est.predict(pd.DataFrame(X, columns=["a", "b", "z"]))


def test_dataframe_with_a_string_column_is_named():
    X, y = data(p=2)
    df = pd.DataFrame({"height": X[:, 0], "city": ["x"] * 10, "mass": X[:, 1]})
    with pytest.raises(ValueError, match=rule("X", "numeric") + r".*'city'") as info:
        Ridge().fit(df, y)
    assert "height" not in str(info.value)


def test_dataframe_with_integer_and_boolean_columns():
    X, y = data(p=2)
    df = pd.DataFrame({"n": np.arange(10), "flag": np.arange(10) % 3 == 0, "x": X[:, 0]})
    est = Ridge().fit(df, y)
    ref = Ridge().fit(df.to_numpy(dtype=float), y)
    np.testing.assert_allclose(est.coef_, ref.coef_, rtol=1e-12)


def test_string_array_is_rejected():
    X, y = data(p=2)
    Xs = X.astype(str)
    Xs[0, 0] = "abc"
    with pytest.raises(ValueError, match=r"X must be numeric; got "):
        Ridge().fit(Xs, y)


def test_complex_X_is_rejected():
    X, y = data(p=2)
    with pytest.raises(ValueError, match=r"X must be real-valued; got "):
        Ridge().fit(X + 1j, y)


def test_parameters_are_not_modified_by_fit():
    X, y = data(p=3)
    pf = np.array([1.0, 0.0, 2.0])
    alpha = np.array([1.0, 2.0])
    est = Ridge(alpha=alpha, penalty_factor=pf, standardize=True).fit(X, np.column_stack([y, y]))
    assert est.alpha is alpha
    assert est.penalty_factor is pf
    np.testing.assert_array_equal(pf, [1.0, 0.0, 2.0])
    np.testing.assert_array_equal(alpha, [1.0, 2.0])
    assert est.standardize is True
