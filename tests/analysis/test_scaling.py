"""The scale view: :mod:`ridgeway.analysis.scaling`.

Invariances checked against independent fits (scikit-learn's ``Ridge`` for unit penalty factors,
``refs.ridge_solve`` with penalty factors), and the feature-scale check against numpy's
weighted standard deviations.

Objective: Σ_i s_i (y_i − b − x_iᵀw)² + α Σ_j π_j w_j²; features X diag(c) need α π_j c_j².
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sklearn.linear_model import Ridge as SkRidge

from refs import make_data, ridge_solve
from ridgeway import Ridge
from ridgeway.analysis.scaling import (
    FeatureScaleWarning,
    check_feature_scales,
    rescale_alpha,
    rescale_penalty_factor,
)

nonzero_scale = st.builds(
    lambda e, sign: sign * 10.0**e, st.floats(-4.0, 4.0), st.sampled_from([-1.0, 1.0])
)


# ----------------------------------------------------------------- rescale_alpha
@given(st.integers(0, 10_000), st.floats(-3.0, 3.0), nonzero_scale)
def test_one_scale_for_all_features_with_rescaled_alpha_gives_the_same_fit(seed, log_alpha, c):
    X, Y, _ = make_data(25, 4, 2, seed)
    alpha = 10.0**log_alpha
    ref = SkRidge(alpha=alpha).fit(X, Y)
    got = Ridge(alpha=rescale_alpha(alpha, c)).fit(c * X, Y)
    np.testing.assert_allclose(got.predict(c * X), ref.predict(X), rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(got.coef_ * c, ref.coef_, rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(got.intercept_, ref.intercept_, rtol=1e-7, atol=1e-9)


@given(st.integers(0, 10_000), st.floats(-3.0, 3.0), nonzero_scale)
def test_standardized_fit_needs_no_rescaling(seed, log_alpha, c):
    X, Y, rng = make_data(25, 4, 1, seed)
    w = rng.uniform(0.2, 2.0, 25)
    alpha = 10.0**log_alpha
    assert rescale_alpha(alpha, c, standardize=True) == alpha
    ref = Ridge(alpha=alpha, standardize=True).fit(X, Y, sample_weight=w)
    got = Ridge(alpha=rescale_alpha(alpha, c, standardize=True), standardize=True)
    got.fit(c * X, Y, sample_weight=w)
    np.testing.assert_allclose(got.predict(c * X), ref.predict(X), rtol=1e-7, atol=1e-9)


def test_rescale_alpha_keeps_the_shape_of_alpha():
    assert rescale_alpha(2.0, 3.0) == 18.0
    assert isinstance(rescale_alpha(2.0, 3.0), float)
    grid = np.array([0.0, 1.0, 2.0])
    np.testing.assert_array_equal(rescale_alpha(grid, -0.5), grid * 0.25)
    np.testing.assert_array_equal(rescale_alpha([[1.0], [2.0]], 2.0), [[4.0], [8.0]])
    # an α grid maps onto a grid: RidgeCV-style selection over a rescaled grid is the same
    X, Y, _ = make_data(30, 3, 1, 0)
    for a in (0.1, 10.0):
        lhs = Ridge(alpha=rescale_alpha(np.array([a]), 7.0)).fit(7.0 * X, Y).predict(7.0 * X)
        np.testing.assert_allclose(lhs, Ridge(alpha=a).fit(X, Y).predict(X), rtol=1e-9)


# ----------------------------------------------------------------- rescale_penalty_factor
@given(
    st.integers(0, 10_000),
    st.floats(-3.0, 3.0),
    st.lists(nonzero_scale, min_size=5, max_size=5),
    st.booleans(),
)
def test_per_feature_scales_with_rescaled_penalty_factor_give_the_same_fit(
    seed, log_alpha, scales, weighted
):
    X, Y, rng = make_data(30, 5, 2, seed)
    c = np.asarray(scales)
    w = rng.uniform(0.2, 2.0, 30) if weighted else np.ones(30)
    pf = np.array([1.0, 0.0, 2.0, 0.5, 1.0])
    alpha = 10.0**log_alpha
    b, coef = ridge_solve(X, Y, w, alpha, pf, True)
    new_pf = rescale_penalty_factor(c, pf)
    b2, coef2 = ridge_solve(X * c, Y, w, alpha, new_pf, True)
    np.testing.assert_allclose(coef2 * c[:, None], coef, rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(b2, b, rtol=1e-7, atol=1e-9)
    got = Ridge(alpha=alpha, penalty_factor=new_pf).fit(X * c, Y, sample_weight=w)
    np.testing.assert_allclose(got.predict(X * c), X @ coef + b, rtol=1e-7, atol=1e-8)


def test_per_feature_scales_default_factor_and_standardize():
    c = np.array([2.0, -3.0, 0.1])
    np.testing.assert_allclose(rescale_penalty_factor(c), c**2)
    np.testing.assert_allclose(rescale_penalty_factor(3.0, [1.0, 2.0]), [9.0, 18.0])
    np.testing.assert_array_equal(
        rescale_penalty_factor(c, [1.0, 0.0, 2.0], standardize=True), [1.0, 0.0, 2.0]
    )
    np.testing.assert_array_equal(rescale_penalty_factor(c, standardize=True), np.ones(3))
    # standardized fits are invariant: the returned factors leave the fit unchanged
    X, Y, _ = make_data(30, 3, 1, 1)
    pf = np.array([1.0, 0.5, 2.0])
    ref = Ridge(alpha=3.0, standardize=True, penalty_factor=pf).fit(X, Y).predict(X)
    got = Ridge(
        alpha=3.0, standardize=True, penalty_factor=rescale_penalty_factor(c, pf, standardize=True)
    ).fit(X * c, Y)
    np.testing.assert_allclose(got.predict(X * c), ref, rtol=1e-9)
    # and a single α cannot replace unequal per-feature factors
    plain = Ridge(alpha=3.0).fit(X * c, Y).predict(X * c)
    assert not np.allclose(plain, Ridge(alpha=3.0).fit(X, Y).predict(X), rtol=1e-3)


# ----------------------------------------------------------------- check_feature_scales
def weighted_sd(X, w):
    return np.sqrt(np.cov(X, rowvar=False, aweights=w, bias=True).diagonal())


def test_sds_match_numpy_and_constant_columns_are_ignored():
    rng = np.random.default_rng(0)
    n = 50
    X = rng.standard_normal((n, 4)) * [1.0, 30.0, 0.2, 5.0]
    X = np.column_stack([X, np.full(n, 0.1), np.full(n, 1e9)])  # two constant columns
    w = rng.uniform(0.0, 2.0, n)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # ratio 150 < 1000: silent
        out = check_feature_scales(X, sample_weight=w, ratio=1000.0)
    np.testing.assert_allclose(out.sd[:4], weighted_sd(X[:, :4], w), rtol=1e-12)
    assert out.sd[4] < 1e-15 and out.sd[5] < 1e-6
    np.testing.assert_array_equal(out.constant, [False] * 4 + [True] * 2)
    assert (out.largest, out.smallest) == (1, 2)
    np.testing.assert_allclose(out.ratio, out.sd[1] / out.sd[2], rtol=1e-12)


def test_zero_weight_rows_do_not_count():
    X = np.array([[1.0, 5.0], [2.0, 5.0], [3.0, 5.0], [4.0, 900.0]])
    out = check_feature_scales(X, sample_weight=[1.0, 1.0, 1.0, 0.0])
    np.testing.assert_array_equal(out.constant, [False, True])
    assert out.ratio == 1.0 and out.largest == out.smallest == 0
    out = check_feature_scales(X[:, [1]])
    assert out.ratio == 1.0 and not out.constant[0]


@given(st.integers(0, 10_000), st.floats(0.0, 6.0), st.booleans())
def test_warning_fires_exactly_above_the_threshold(seed, log_spread, standardize):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((40, 3)) * np.array([1.0, 10.0**log_spread, 3.0])
    ref = weighted_sd(X, None)
    spread = ref.max() / ref.min()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = check_feature_scales(X, standardize=standardize)
    np.testing.assert_allclose(out.ratio, spread, rtol=1e-10)
    fired = [c for c in caught if issubclass(c.category, FeatureScaleWarning)]
    assert len(fired) == int(spread > 100.0 and not standardize)


def test_warning_message_names_the_cause_and_the_fix():
    rng = np.random.default_rng(1)
    X = rng.standard_normal((60, 3)) * [0.01, 1.0, 50.0]
    sd = weighted_sd(X, None)
    with pytest.warns(FeatureScaleWarning) as rec:
        check_feature_scales(X)
    text = str(rec[0].message)
    assert "very different scales" in text
    assert f"from {sd[0]:.3g} (column 0) to {sd[2]:.3g} (column 2)" in text
    assert f"a ratio of {sd[2] / sd[0]:.3g} (threshold 100)" in text
    assert "standardize=True" in text and "α/s²" in text
    assert issubclass(FeatureScaleWarning, UserWarning)
    with pytest.warns(FeatureScaleWarning, match=r"threshold 2\)"):
        check_feature_scales(X[:, :2] * [1.0, 0.025], ratio=2.0)


def test_warning_uses_dataframe_column_names():
    pd = pytest.importorskip("pandas")
    X = pd.DataFrame({"age": [20.0, 35.0, 50.0, 41.0], "income": [2e4, 9e4, 5e4, 1.2e5]})
    with pytest.warns(FeatureScaleWarning, match=r"\(column 'age'\) to .* \(column 'income'\)"):
        check_feature_scales(X)


# ----------------------------------------------------------------- validation
@pytest.mark.parametrize(
    ("call", "err", "match"),
    [
        (lambda: rescale_alpha(1.0, 0.0), ValueError, "scale must be finite and nonzero; got 0"),
        (
            lambda: rescale_alpha(1.0, np.nan),
            ValueError,
            "scale must be finite and nonzero; got nan",
        ),
        (
            lambda: rescale_alpha(1.0, [1.0, 2.0]),
            ValueError,
            r"scale must be one number for all features \(for one factor per feature, keep alpha "
            r"and pass penalty_factor=rescale_penalty_factor\(scale, penalty_factor\)\); got shape",
        ),
        (
            lambda: rescale_alpha(-1.0, 2.0),
            ValueError,
            "alpha must be finite and non-negative; got -1",
        ),
        (
            lambda: rescale_alpha("a", 2.0),
            TypeError,
            "alpha must be a number or an array of numbers",
        ),
        (
            lambda: rescale_alpha(1.0, "a"),
            TypeError,
            "scale must be a number or an array of numbers",
        ),
        (
            lambda: rescale_penalty_factor(2.0),
            ValueError,
            "scale must be a 1-D array with one factor per feature when penalty_factor is not "
            "given",
        ),
        (
            lambda: rescale_penalty_factor([1.0, 2.0], [1.0]),
            ValueError,
            r"scale must be of the length of penalty_factor \(1\); got 2",
        ),
        (
            lambda: rescale_penalty_factor([1.0, 2.0], [1.0, -1.0]),
            ValueError,
            "penalty_factor must be finite and non-negative",
        ),
        (
            lambda: rescale_penalty_factor(np.ones((2, 2))),
            ValueError,
            r"scale must be a number or a 1-D array; got shape \(2, 2\)",
        ),
        (
            lambda: check_feature_scales(np.ones((3, 2)), ratio=1.0),
            ValueError,
            "ratio must be a finite number greater than 1; got 1.0",
        ),
        (
            lambda: check_feature_scales(np.ones((3, 2)), ratio="x"),
            TypeError,
            "ratio must be a number; got 'x'",
        ),
        (lambda: check_feature_scales([[1.0, np.nan]]), ValueError, "X must be finite"),
        (
            lambda: check_feature_scales(np.ones((3, 2)), sample_weight=[1.0, -1.0, 1.0]),
            ValueError,
            "sample_weight must be non-negative",
        ),
    ],
)
def test_messages(call, err, match):
    with pytest.raises(err, match=match):
        call()
