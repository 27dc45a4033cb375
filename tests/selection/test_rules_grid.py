"""Selection rules (min, one standard error), grid-edge warnings, and the α grids.

The curves for the rules are built by hand, so the right answer is known by inspection. The
grid functions are checked against effective degrees of freedom computed directly from the
eigenvalues of the centred Gram with numpy.
"""

from __future__ import annotations

import dataclasses
import warnings

import numpy as np
import pytest

from ridgeway.core import Moments, spectrum_from_moments
from ridgeway.selection import (
    Curve,
    GridEdgeWarning,
    alpha_for_df,
    default_alphas,
    select,
)

ALPHAS = np.array([0.01, 0.1, 1.0, 10.0, 100.0, 1000.0])
# the default grid runs from df = max − EDGE_DF (smallest α) to df = min + EDGE_DF (largest α)
EDGE_DF = 0.05


def curve(mean, se=None, alphas=ALPHAS):
    mean = np.asarray(mean, dtype=float)
    mean = mean[:, None] if mean.ndim == 1 else mean
    if se is not None:
        se = np.asarray(se, dtype=float)
        se = se[:, None] if se.ndim == 1 else se
    return Curve(
        criterion="kfold",
        alphas=np.asarray(alphas, dtype=float),
        mean=mean,
        se=se,
        df=np.linspace(5.0, 0.5, len(alphas)),
        n_samples=50,
    )


def no_edge_warning(fn, *args, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("error", GridEdgeWarning)
        return fn(*args, **kw)


# ---------------------------------------------------------------------------- rules
def test_min_rule_picks_argmin():
    c = curve([3.0, 2.0, 1.0, 1.5, 1.1, 4.0])
    assert int(no_edge_warning(select, c, "min")) == 2


def test_one_se_rule_picks_largest_qualifying_alpha():
    """Threshold 1.0 + 0.2 = 1.2: indices 2 (1.0) and 4 (1.1) qualify, 3 (1.5) does not.

    The rule takes the LARGEST qualifying α (index 4), not the first one to the right of the
    minimum, and not the last index before the curve first exceeds the threshold (index 2).
    """
    c = curve([3.0, 2.0, 1.0, 1.5, 1.1, 4.0], se=[0.5, 0.5, 0.2, 0.9, 0.5, 0.5])
    assert int(no_edge_warning(select, c, "1se")) == 4


def test_one_se_rule_uses_se_at_the_minimum():
    """se elsewhere must not matter: a huge se at index 1 does not widen the band."""
    c = curve([3.0, 2.0, 1.0, 1.25, 1.35, 4.0], se=[0.1, 50.0, 0.3, 0.1, 0.1, 0.1])
    assert int(no_edge_warning(select, c, "1se")) == 3


def test_one_se_rule_threshold_is_inclusive():
    c = curve([3.0, 2.0, 1.0, 1.5, 1.25, 4.0], se=[0.5, 0.5, 0.25, 0.9, 0.5, 0.5])
    assert int(no_edge_warning(select, c, "1se")) == 4


def test_one_se_equals_min_when_nothing_else_qualifies():
    c = curve([3.0, 2.0, 1.0, 1.5, 1.4, 4.0], se=[0.1, 0.1, 0.05, 0.1, 0.1, 0.1])
    assert int(no_edge_warning(select, c, "1se")) == 2


def test_per_target_rules():
    mean = np.column_stack([[3.0, 2.0, 1.0, 1.5, 1.1, 4.0], [5.0, 1.0, 2.0, 3.0, 4.0, 6.0]])
    se = np.column_stack([[0.2] * 6, [0.05] * 6])
    c = curve(mean, se)
    mins = no_edge_warning(select, c, "min", per_target=True)
    assert np.asarray(mins).shape == (2,)
    np.testing.assert_array_equal(mins, [2, 1])
    ones = no_edge_warning(select, c, "1se", per_target=True)
    np.testing.assert_array_equal(ones, [4, 1])


def test_shared_choice_minimizes_the_mean_over_targets():
    """Target 0 alone prefers index 1, target 1 alone index 4; their mean prefers index 3."""
    mean = np.column_stack(
        [[5.0, 1.0, 2.0, 2.0, 4.0, 9.0], [9.0, 6.0, 4.0, 2.5, 1.0, 9.0]]
    )  # means: 7, 3.5, 3, 2.25, 2.5, 9
    c = curve(mean)
    idx = no_edge_warning(select, c, "min")
    assert np.all(np.asarray(idx) == 3)


def test_one_se_without_se_raises():
    c = curve([3.0, 2.0, 1.0, 1.5, 1.1, 4.0], se=None)
    with pytest.raises(ValueError, match="1se"):
        select(c, "1se")


def test_unknown_rule_raises():
    c = curve([3.0, 2.0, 1.0, 1.5, 1.1, 4.0])
    with pytest.raises(ValueError, match="rule"):
        select(c, "median")


# ---------------------------------------------------------------------------- edge warnings
@pytest.mark.parametrize(
    ("mean", "edge"),
    [([1.0, 2.0, 3.0, 4.0, 5.0, 6.0], 0), ([6.0, 5.0, 4.0, 3.0, 2.0, 1.0], 5)],
)
def test_edge_of_grid_warns(mean, edge):
    c = curve(mean)
    with pytest.warns(GridEdgeWarning):
        idx = select(c, "min")
    assert int(idx) == edge
    assert issubclass(GridEdgeWarning, UserWarning)


def test_one_se_landing_on_last_point_warns():
    c = curve([3.0, 2.0, 1.0, 1.5, 1.1, 1.15], se=[0.2] * 6)
    with pytest.warns(GridEdgeWarning):
        idx = select(c, "1se")
    assert int(idx) == 5


def test_per_target_edge_warns_if_any_target_is_on_the_edge():
    mean = np.column_stack([[3.0, 2.0, 1.0, 1.5, 1.1, 4.0], [6.0, 5.0, 4.0, 3.0, 2.0, 1.0]])
    with pytest.warns(GridEdgeWarning):
        idx = select(curve(mean), "min", per_target=True)
    np.testing.assert_array_equal(idx, [2, 5])


def test_curve_is_frozen():
    c = curve([3.0, 2.0, 1.0, 1.5, 1.1, 4.0])
    with pytest.raises(dataclasses.FrozenInstanceError):
        c.criterion = "gcv"  # type: ignore[misc]


# ---------------------------------------------------------------------------- grids
def make_spectrum(n, p, pen=None, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) * rng.uniform(0.1, 10.0, p) + 3.0
    y = rng.standard_normal((n, 1))
    pen = np.ones(p) if pen is None else np.asarray(pen, dtype=float)
    spec = spectrum_from_moments(Moments.from_array(X, y), pen)
    # direct df: eigenvalues of the penalty-scaled centred Gram, unpenalized part projected out
    Xc = X - X.mean(axis=0)
    P, U = pen > 0, pen == 0
    A = Xc[:, P] / np.sqrt(pen[P])
    if U.any():
        Q, _ = np.linalg.qr(Xc[:, U])
        A = A - Q @ (Q.T @ A)
    d = np.linalg.eigvalsh(A.T @ A)
    d = d[d > d.max() * 1e-12]
    u = int(U.sum())

    def df(alphas):
        a = np.atleast_1d(alphas)
        return (d[None, :] / (d[None, :] + a[:, None])).sum(axis=1) + u

    return spec, df, d.size, u


@pytest.mark.parametrize("pen", [None, [1.0, 0.0, 2.0, 0.5, 1.0]])
def test_default_alphas_span_the_spectrum(pen):
    spec, df, k, u = make_spectrum(40, 5, pen)
    grid = default_alphas(spec)
    assert grid.shape == (100,)
    assert (np.diff(grid) > 0).all()
    ends = df(grid[[0, -1]])
    np.testing.assert_allclose(ends, [u + k - EDGE_DF, u + EDGE_DF], atol=1e-3)
    assert default_alphas(spec, n_alphas=7).shape == (7,)


def test_default_alphas_follow_the_scale_of_x():
    """X → c·X multiplies every eigenvalue, hence every α of the grid, by c²."""
    rng = np.random.default_rng(1)
    X = rng.standard_normal((30, 4))
    y = rng.standard_normal((30, 1))
    a = default_alphas(spectrum_from_moments(Moments.from_array(X, y), np.ones(4)))
    b = default_alphas(spectrum_from_moments(Moments.from_array(1e3 * X, y), np.ones(4)))
    np.testing.assert_allclose(b, 1e6 * a, rtol=1e-8)


@pytest.mark.parametrize("pen", [None, [1.0, 0.0, 2.0, 0.5, 1.0]])
def test_alpha_for_df_inverts_df(pen):
    spec, df, k, u = make_spectrum(40, 5, pen, seed=2)
    targets = np.array([u + 0.1, u + 1.0, u + 2.5, u + k - 0.01])
    alphas = alpha_for_df(spec, targets)
    assert np.shape(alphas) == (4,)
    np.testing.assert_allclose(df(alphas), targets, rtol=1e-10)
    one = alpha_for_df(spec, u + 2.0)
    assert np.ndim(one) == 0
    np.testing.assert_allclose(df(float(one)), [u + 2.0], rtol=1e-10)
    np.testing.assert_allclose(spec.df(np.atleast_1d(alphas)), targets, rtol=1e-10)


@pytest.mark.parametrize("bad", [0.0, -1.0, 5.0, 7.5])
def test_alpha_for_df_out_of_range_raises(bad):
    spec, _, k, u = make_spectrum(40, 5)
    assert (k, u) == (5, 0)
    with pytest.raises(ValueError, match="df"):
        alpha_for_df(spec, bad)
    with pytest.raises(ValueError, match="df"):
        alpha_for_df(spec, np.array([2.0, bad]))


def test_alpha_for_df_range_with_unpenalized_feature():
    spec, _, k, u = make_spectrum(40, 5, [1.0, 0.0, 2.0, 0.5, 1.0])
    assert u == 1
    with pytest.raises(ValueError, match="df"):
        alpha_for_df(spec, 0.5)  # below the unpenalized count
    assert alpha_for_df(spec, 1.5) > 0
