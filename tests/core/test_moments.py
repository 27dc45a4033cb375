"""Tests of :class:`ridgeway.core.moments.Moments`.

The reference is an independent float64 two-pass computation (centre at the exact weighted mean,
refined once, then multiply), as np.cov does. Every comparison is made relative to the scale of
the centred quantities (the spread of each column), with a floor at the float64 resolution of
the column's mean: a mean of 1e6 is only known to about 1e-10 in float64, whatever the method.
The naive "Σ x xᵀ − n x̄ x̄ᵀ" misses by ~ε·mean² per row and fails these tolerances (checked below).
"""

from __future__ import annotations

import dataclasses
import itertools
from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ridgeway.core.moments import Moments

RTOL = 1e-9


# ---------------------------------------------------------------------------- reference
def reference(X, y, w=None, centered=True):
    """Two-pass float64 statistics, computed independently of the package."""
    X = np.asarray(X, dtype=np.float64)
    Y = np.asarray(y, dtype=np.float64).reshape(X.shape[0], -1)
    s = np.ones(X.shape[0]) if w is None else np.asarray(w, dtype=np.float64)
    W = float(s.sum())
    if centered:
        xm = s @ X / W
        xm = xm + s @ (X - xm) / W  # one refinement step: the mean to the last bits
        ym = s @ Y / W
        ym = ym + s @ (Y - ym) / W
    else:
        xm = np.zeros(X.shape[1])
        ym = np.zeros(Y.shape[1])
    Xc = X - xm
    Yc = Y - ym
    return SimpleNamespace(
        n_samples=X.shape[0],
        sum_weights=W,
        x_mean=xm,
        y_mean=ym,
        xx=(Xc * s[:, None]).T @ Xc,
        xy=(Xc * s[:, None]).T @ Yc,
        yy=s @ (Yc * Yc),
        centered=centered,
    )


def assert_moments_close(m, ref, rtol=RTOL, amp=1.0, scale=None):
    """Compare with ``ref`` relative to the spread of each column in ``scale`` (default: ref
    itself). ``amp`` loosens the bound for steps, such as subtract, that amplify errors by a
    known factor."""
    assert isinstance(m, Moments)
    assert m.n_samples == ref.n_samples
    assert m.centered == ref.centered
    p, t = ref.x_mean.shape[0], ref.y_mean.shape[0]
    assert m.x_mean.shape == (p,)
    assert m.y_mean.shape == (t,)
    assert m.xx.shape == (p, p)
    assert m.xy.shape == (p, t)
    assert m.yy.shape == (t,)
    for arr in (m.x_mean, m.y_mean, m.xx, m.xy, m.yy):
        assert arr.dtype == np.float64
    W = ref.sum_weights
    assert m.sum_weights == pytest.approx(W, rel=1e-13 * amp)
    sc = ref if scale is None else scale
    ux = np.sqrt(np.diag(sc.xx) / sc.sum_weights) + 1e-5 * np.abs(sc.x_mean)
    uy = np.sqrt(sc.yy / sc.sum_weights) + 1e-5 * np.abs(sc.y_mean)
    tol = rtol * amp

    def check(name, got, want, bound):
        err = np.abs(got - want)
        bad = err > bound
        assert not bad.any(), f"{name}: worst error / bound = {np.max(err / bound):.3g}"

    check("x_mean", m.x_mean, ref.x_mean, tol * ux)
    check("y_mean", m.y_mean, ref.y_mean, tol * uy)
    check("xx", m.xx, ref.xx, tol * W * np.outer(ux, ux))
    check("xy", m.xy, ref.xy, tol * W * np.outer(ux, uy))
    check("yy", m.yy, ref.yy, tol * W * uy * uy)
    np.testing.assert_array_equal(m.xx, m.xx.T)


# ---------------------------------------------------------------------------- data
@st.composite
def datasets(draw, min_rows=1):
    """Small data sets: float32 or float64, weights none / positive / with zeros, and columns
    whose mean is large against their spread."""
    n = draw(st.integers(min_rows, 40))
    p = draw(st.integers(1, 4))
    t = draw(st.sampled_from([None, 1, 2]))
    seed = draw(st.integers(0, 2**32 - 1))
    loc = draw(st.sampled_from([0.0, 3.0, 1e6, -1e6]))
    spread = draw(st.sampled_from([1.0, 1e-2, 1e3]))
    dtype = draw(st.sampled_from([np.float64, np.float32]))
    weights = draw(st.sampled_from(["none", "positive", "zeros"]))
    rng = np.random.default_rng(seed)
    X = (loc * rng.uniform(0.5, 1.5, p) + spread * rng.standard_normal((n, p))).astype(dtype)
    k = 1 if t is None else t
    Y = loc * rng.uniform(-1.0, 1.0, k) + spread * rng.standard_normal((n, k))
    Y = Y + X[:, :1].astype(np.float64) * 0.5
    y = Y[:, 0] if t is None else Y
    if weights == "none":
        w = None
    else:
        w = rng.uniform(0.2, 3.0, n)
        if weights == "zeros":
            w[rng.random(n) < 0.4] = 0.0
            if not (w > 0).any():
                w[rng.integers(n)] = 1.5
    return X, y, w


def cut_points(n):
    """Sorted distinct cut points in [1, n − 1]: every chunk holds at least one row (empty
    chunks are tested on their own)."""
    if n < 2:
        return st.just([])
    return st.lists(st.integers(1, n - 1), max_size=6, unique=True).map(sorted)


def pieces(X, y, w, cuts):
    bounds = [0, *cuts, X.shape[0]]
    for a, b in itertools.pairwise(bounds):
        yield X[a:b], y[a:b], (None if w is None else w[a:b])


# ---------------------------------------------------------------------------- whole arrays
@given(datasets(), st.sampled_from([None, 1, 3, 7, 1000]), st.booleans())
def test_from_array_matches_two_pass_reference(data, chunk_rows, centered):
    X, y, w = data
    m = Moments.from_array(X, y, w, centered=centered, chunk_rows=chunk_rows)
    assert_moments_close(m, reference(X, y, w, centered))


@given(datasets(), st.data())
def test_merge_of_random_chunks_equals_whole(data, draw):
    X, y, w = data
    cuts = draw.draw(cut_points(X.shape[0]))
    parts = [Moments.from_array(Xk, yk, wk) for Xk, yk, wk in pieces(X, y, w, cuts)]
    ref = reference(X, y, w)
    left = parts[0]
    for part in parts[1:]:
        left = left.merge(part)
    assert_moments_close(left, ref)
    right = parts[-1]
    for part in reversed(parts[:-1]):
        right = part.merge(right)
    assert_moments_close(right, ref)
    rev = parts[-1]
    for part in reversed(parts[:-1]):
        rev = rev.merge(part)  # rows in another order: same statistics
    assert_moments_close(rev, ref)


@given(datasets(), st.data(), st.booleans())
def test_from_chunks_equals_whole(data, draw, centered):
    X, y, w = data
    cuts = draw.draw(cut_points(X.shape[0]))
    m = Moments.from_chunks(pieces(X, y, w, cuts), centered=centered)
    assert_moments_close(m, reference(X, y, w, centered))


@given(datasets(min_rows=2), st.data())
def test_subtract_inverts_merge(data, draw):
    X, y, w = data
    n = X.shape[0]
    cut = draw.draw(st.integers(1, n - 1))
    wa = float(n if w is None else w[:cut].sum())
    wb = float(n - cut if w is None else w[cut:].sum())
    if wa == 0.0:
        return  # nothing would be left: tested separately
    a = Moments.from_array(X[:cut], y[:cut], None if w is None else w[:cut])
    b = Moments.from_array(X[cut:], y[cut:], None if w is None else w[cut:])
    whole = Moments.from_array(X, y, w)
    ref_a = reference(X[:cut], y[:cut], None if w is None else w[:cut])
    # removing a part of weight wb from a total wa + wb leaves the rounding errors of the whole
    # (relative to its spread) in a result of weight wa: an amplification of (wa + wb) / wa
    amp = 10.0 * (wa + wb) / wa
    ref_whole = reference(X, y, w)
    assert_moments_close(whole.subtract(b), ref_a, amp=amp, scale=ref_whole)
    assert_moments_close(a.merge(b).subtract(b), ref_a, amp=amp, scale=ref_whole)


# ---------------------------------------------------------------------------- specific cases
def test_large_mean_small_spread_and_the_naive_formula_fails():
    """Mean 1e6, sd 1: the centred statistics are exact to ~1e-9 of the spread, while the
    naive one-pass formula misses by orders of magnitude more (so the tolerance has teeth)."""
    rng = np.random.default_rng(0)
    n = 500
    X = 1e6 + rng.standard_normal((n, 3))
    y = 1e6 + X @ np.array([1.0, -2.0, 0.5]) - 1e6 * 0.5 + rng.standard_normal(n)
    ref = reference(X, y)
    for chunk_rows in (None, 1, 7, 64):
        assert_moments_close(Moments.from_array(X, y, chunk_rows=chunk_rows), ref)
    naive = SimpleNamespace(**vars(ref))
    naive.xx = X.T @ X - n * np.outer(X.mean(axis=0), X.mean(axis=0))
    with pytest.raises(AssertionError, match="xx"):
        assert_moments_close(_as_moments(naive), ref)


def _as_moments(ns):
    return Moments(
        n_samples=ns.n_samples,
        sum_weights=ns.sum_weights,
        x_mean=ns.x_mean,
        y_mean=ns.y_mean,
        xx=ns.xx,
        xy=ns.xy,
        yy=ns.yy,
        centered=ns.centered,
    )


def test_float32_input_is_accumulated_in_float64():
    rng = np.random.default_rng(1)
    X = (1e4 + rng.standard_normal((300, 2))).astype(np.float32)
    y = rng.standard_normal(300)
    m = Moments.from_array(X, y, chunk_rows=32)
    assert m.xx.dtype == np.float64
    assert_moments_close(m, reference(X, y))
    # float32 accumulation would be off by far more than the tolerance
    Xc32 = X - X.mean(axis=0, dtype=np.float32)
    xx32 = (Xc32.T @ Xc32).astype(np.float64)
    assert np.max(np.abs(xx32 - reference(X, y).xx)) > 1e3 * RTOL * 300


def test_weighted_values_by_hand():
    X = np.array([[1.0], [2.0], [4.0]])
    y = np.array([1.0, 0.0, 2.0])
    w = np.array([1.0, 2.0, 1.0])
    m = Moments.from_array(X, y, w)
    # Σs = 4, x̄ = (1 + 4 + 4)/4 = 9/4, ȳ = (1 + 0 + 2)/4 = 3/4
    assert m.sum_weights == 4.0
    assert m.n_samples == 3
    np.testing.assert_allclose(m.x_mean, [2.25], rtol=1e-15)
    np.testing.assert_allclose(m.y_mean, [0.75], rtol=1e-15)
    dx = X[:, 0] - 2.25
    dy = y - 0.75
    np.testing.assert_allclose(m.xx, [[w @ (dx * dx)]], rtol=1e-14)  # 4.75
    np.testing.assert_allclose(m.xy, [[w @ (dx * dy)]], rtol=1e-14)
    np.testing.assert_allclose(m.yy, [w @ (dy * dy)], rtol=1e-14)
    assert m.xx[0, 0] == pytest.approx(4.75, rel=1e-14)


def test_uncentered_statistics_are_raw_cross_products():
    rng = np.random.default_rng(2)
    X = rng.standard_normal((50, 3)) + 5.0
    Y = rng.standard_normal((50, 2))
    w = rng.uniform(0.0, 2.0, 50)
    m = Moments.from_array(X, Y, w, centered=False, chunk_rows=9)
    assert not m.centered
    np.testing.assert_array_equal(m.x_mean, np.zeros(3))
    np.testing.assert_array_equal(m.y_mean, np.zeros(2))
    np.testing.assert_allclose(m.xx, (X * w[:, None]).T @ X, rtol=1e-13)
    np.testing.assert_allclose(m.xy, (X * w[:, None]).T @ Y, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(m.yy, w @ (Y * Y), rtol=1e-13)


def test_shapes_for_one_dimensional_y_and_zero_weight_rows_counted():
    rng = np.random.default_rng(3)
    X = rng.standard_normal((10, 4))
    y = rng.standard_normal(10)
    w = np.ones(10)
    w[:3] = 0.0
    m = Moments.from_array(X, y, w)
    assert (m.n_features, m.n_targets) == (4, 1)
    assert m.y_mean.shape == (1,)
    assert m.xy.shape == (4, 1)
    assert m.yy.shape == (1,)
    assert m.n_samples == 10
    assert m.sum_weights == 7.0
    ref = reference(X[3:], y[3:])  # weight zero is the row left out ...
    ref.n_samples = 10  # ... except that the row is still counted
    assert_moments_close(m, ref)


def test_empty_chunks_and_partitions():
    """Readers and Dask partitions can be empty: an empty piece carries no weight and leaves
    the statistics of the rest unchanged."""
    rng = np.random.default_rng(6)
    X = rng.standard_normal((12, 3)) + 10.0
    Y = rng.standard_normal((12, 2))
    ref = reference(X, Y)
    for y in (Y, Y[:, 0]):
        empty = Moments.from_array(X[:0], y[:0])
        assert empty.n_samples == 0
        assert empty.sum_weights == 0.0
        full = Moments.from_array(X, y)
        ref_y = reference(X, y)
        assert_moments_close(empty.merge(full), ref_y)
        assert_moments_close(full.merge(empty), ref_y)
    chunks = [(X[:0], Y[:0], None), *pieces(X, Y, None, [4]), (X[12:], Y[12:], None)]
    assert_moments_close(Moments.from_chunks(chunks), ref)


def test_zero_weight_first_chunk():
    """A first chunk that carries no weight must not anchor the means."""
    rng = np.random.default_rng(4)
    X = rng.standard_normal((20, 2)) + 100.0
    y = rng.standard_normal(20)
    w = np.ones(20)
    w[:5] = 0.0
    X[:5] = -1e5  # far away, weightless
    ref = reference(X, y, w)
    assert_moments_close(Moments.from_array(X, y, w, chunk_rows=5), ref)
    assert_moments_close(Moments.from_chunks(pieces(X, y, w, [5, 12])), ref)


def test_is_finite_flags_nan():
    X = np.array([[1.0, np.nan], [2.0, 3.0], [0.5, 1.0]])
    y = np.array([1.0, 2.0, 3.0])
    assert not Moments.from_array(X, y).is_finite()
    assert Moments.from_array(np.nan_to_num(X), y).is_finite()


def test_moments_are_frozen():
    m = Moments.from_array(np.eye(3), np.arange(3.0))
    with pytest.raises(dataclasses.FrozenInstanceError):
        m.sum_weights = 2.0  # type: ignore[misc]


def test_incompatible_merges_are_refused():
    rng = np.random.default_rng(5)
    X, y = rng.standard_normal((6, 3)), rng.standard_normal(6)
    a = Moments.from_array(X, y)
    with pytest.raises(ValueError, match="same shape"):
        a.merge(Moments.from_array(X[:, :2], y))
    with pytest.raises(ValueError, match="same shape"):
        a.merge(Moments.from_array(X, np.column_stack([y, y])))
    with pytest.raises(ValueError, match="centred"):
        a.merge(Moments.from_array(X, y, centered=False))
    with pytest.raises(ValueError, match="less weight"):
        a.subtract(a)
    with pytest.raises(ValueError, match="at least one chunk"):
        Moments.from_chunks([])
    with pytest.raises(ValueError, match="same columns"):
        Moments.from_chunks([(X, y, None), (X[:, :2], y, None)])
