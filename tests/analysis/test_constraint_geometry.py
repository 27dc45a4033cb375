"""The two-coefficient constraint geometry against ridge refits, least squares and brute force.

References: ``refs.ridge_solve`` (numpy least squares on augmented rows) with penalty factor 1 on
the two coefficients and 0 elsewhere; the RSS with the two coefficients fixed from
``numpy.linalg.lstsq`` over the others; the lasso on the diamond by a fine brute-force search of
its boundary; scikit-learn's ``Ridge`` for the standardized case.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from refs import make_data, ridge_solve
from ridgeway.analysis.constraint_geometry import constraint_geometry


@pytest.fixture(scope="module")
def data():
    X, Y, rng = make_data(30, 5, 1, seed=2)
    w = rng.uniform(0.3, 2.0, 30)
    return X, Y[:, 0], w


def _rss_fixed(X, y, w, J, values, intercept=True):
    """min over the other coefficients (and b) of Σ s (y − b − Xβ)² with β_J = values."""
    rest = [c for c in range(X.shape[1]) if c not in J]
    r = y - X[:, J] @ values
    Z = X[:, rest]
    if intercept:
        Z = np.column_stack([np.ones(len(y)), Z])
    sw = np.sqrt(w)
    sol = np.linalg.lstsq(Z * sw[:, None], r * sw, rcond=None)[0]
    return float(((r - Z @ sol) ** 2 * w).sum())


@pytest.mark.parametrize("intercept", [True, False])
def test_ridge_points_equal_refits_with_penalty_on_two(data, intercept):
    X, y, w = data
    J = (3, 1)
    geo = constraint_geometry(
        X, y, J, [0.0, 0.5, 4.0, 50.0], sample_weight=w, fit_intercept=intercept
    )
    pen = np.zeros(5)
    pen[list(J)] = 1.0
    for a, point in zip(geo.alphas, geo.ridge, strict=True):
        _, coef = ridge_solve(X, y[:, None], w, a, pen, fit_intercept=intercept)
        np.testing.assert_allclose(point, coef[list(J), 0], rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(geo.ridge_at(a), point, rtol=1e-12)
    np.testing.assert_allclose(geo.ols, geo.ridge[0])
    np.testing.assert_allclose(geo.radius, np.linalg.norm(geo.ridge, axis=1))
    assert np.all(np.diff(geo.radius) < 0)


def test_rss_is_the_profiled_residual_sum_of_squares(data):
    X, y, w = data
    geo = constraint_geometry(X, y, (0, 4), sample_weight=w)
    rng = np.random.default_rng(0)
    pts = geo.ols + rng.normal(0, 1.0, (6, 2))
    ref = [_rss_fixed(X, y, w, [0, 4], p) for p in pts]
    np.testing.assert_allclose(geo.rss(pts), ref, rtol=1e-9)
    assert geo.rss(geo.ols) == pytest.approx(geo.rss_min)
    assert geo.rss_min == pytest.approx(_rss_fixed(X, y, w, [0, 4], geo.ols), rel=1e-9)
    assert np.all(np.linalg.eigvalsh(geo.hessian) > 0)


def test_lasso_points_minimize_on_the_diamond(data):
    X, y, w = data
    geo = constraint_geometry(X, y, (1, 2), sample_weight=w)
    t = np.linspace(0.0, 4.0, 400_001)[:-1]  # the boundary |w1| + |w2| = 1, parametrized
    corners = np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0], [0.0, -1.0]])
    k = t.astype(int)
    unit = corners[k] + (t - k)[:, None] * (np.roll(corners, -1, axis=0)[k] - corners[k])
    for r in geo.radius[::7]:
        got = geo.lasso_at(r)
        if np.abs(geo.ols).sum() <= r:
            np.testing.assert_allclose(got, geo.ols)
            continue
        assert np.abs(got).sum() == pytest.approx(r, rel=1e-12)
        brute = geo.rss(r * unit).min()
        assert geo.rss(got) <= brute + 1e-9 * max(brute, 1.0)
        assert geo.rss(got) >= geo.rss_min
    # the lasso reaches a corner (a coefficient exactly 0) for a small enough radius
    assert (geo.lasso[-5:] == 0.0).any()
    np.testing.assert_allclose(geo.lasso_at([1e9, 1e9]), [geo.ols, geo.ols])


def test_standardize_uses_standardized_units(data):
    X, y, _ = data
    geo = constraint_geometry(X, y, (0, 1), [2.0], standardize=True)
    Z = (X - X.mean(0)) / X.std(0)
    pen = np.array([1.0, 1.0, 0, 0, 0])
    _, coef = ridge_solve(Z, y[:, None], np.ones(30), 2.0, pen)
    np.testing.assert_allclose(geo.ridge[0], coef[:2, 0], rtol=1e-9)
    assert geo.standardized


def test_names_from_a_dataframe(data):
    X, y, _ = data
    geo = constraint_geometry(pd.DataFrame(X, columns=list("abcde")), y, (4, 2))
    assert geo.names == ("e", "c") and geo.features == (4, 2)
    assert geo.alphas[0] == 0.0 and geo.alphas.size == 60


@pytest.mark.parametrize(
    ("kwargs", "error", "text"),
    [
        (dict(features=(0, 0)), ValueError, "features must be two different columns"),
        (dict(features=(0, 9)), ValueError, r"features must be two indices in \[0, 5\)"),
        (dict(features=3), ValueError, "features must be a pair of column indices; got 3"),
        (dict(alphas=[-1.0]), ValueError, "alphas must be non-negative"),
    ],
)
def test_bad_input(data, kwargs, error, text):
    X, y, _ = data
    with pytest.raises(error, match=text):
        constraint_geometry(X, y, **kwargs)


def test_collinear_or_wide_features_are_refused(data):
    X, y, _ = data
    Xc = np.column_stack([X, X[:, 0] + X[:, 1]])
    with pytest.raises(
        ValueError, match="features must be two columns not explained by the others"
    ):
        constraint_geometry(Xc, y, (0, 5))
    with pytest.raises(ValueError, match="y must be one target"):
        constraint_geometry(X, np.column_stack([y, y]))
