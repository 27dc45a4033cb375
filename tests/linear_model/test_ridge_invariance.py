"""Invariances and limits of :class:`ridgeway.Ridge`, as property tests.

Objective: minimize over b, W   Σ_i s_i ‖y_i − b − x_iᵀW‖² + α Σ_j π_j ‖W_j‖².

Each test transforms the problem in a way whose effect on the minimizer is known exactly
(derivation in the docstring) and compares two fits, or compares a limit with numpy's least
squares. Hypothesis draws the sizes, the seed of the data, α and the solver.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ridgeway import Ridge

SOLVERS = ["eigh", "dual", "svd", "cholesky", "auto"]
RTOL = 1e-7

seeds = st.integers(0, 2**32 - 1)
solvers = st.sampled_from(SOLVERS)
alphas = st.floats(0.05, 20.0)
sizes = st.tuples(st.integers(3, 14), st.integers(1, 9))  # (n, p): tall and wide both drawn
targets = st.sampled_from([None, 1, 3])  # None: 1-D y


def make_data(n, p, t, seed):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) * rng.uniform(0.5, 3.0, p) + rng.normal(0.0, 2.0, p)
    k = 1 if t is None else t
    Y = X @ rng.standard_normal((p, k)) + rng.standard_normal((n, k)) + 2.0
    return X, (Y[:, 0] if t is None else Y), rng


def close(a, b, rtol=RTOL, scale=None):
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    assert a.shape == b.shape, (a.shape, b.shape)
    s = float(np.max(np.abs(b), initial=0.0)) if scale is None else scale
    # entries near zero are judged against the largest one (the data are of order one)
    np.testing.assert_allclose(a, b, rtol=rtol, atol=rtol * max(s, 1e-6))


def fit(X, y, sw=None, **kw):
    return Ridge(**kw).fit(X, y, sample_weight=sw)


# ---------------------------------------------------------------------------- weights
@given(sizes, targets, seeds, alphas, solvers, st.data())
def test_integer_weights_equal_repeated_rows(nm, t, seed, alpha, solver, data):
    """Weight k on a row is the row repeated k times (k = 0: the row left out)."""
    n, p = nm
    X, y, _ = make_data(n, p, t, seed)
    k = np.array(data.draw(st.lists(st.integers(0, 3), min_size=n, max_size=n)))
    if k.sum() == 0:
        k[0] = 2
    a = fit(X, y, k.astype(float), alpha=alpha, solver=solver)
    rep = np.repeat(np.arange(n), k)
    b = fit(X[rep], y[rep], alpha=alpha, solver=solver)
    close(a.coef_, b.coef_)
    close(a.intercept_, b.intercept_)
    close(a.df_, b.df_)


@given(seeds, solvers)
def test_weight_two_equals_row_twice(seed, solver):
    X, y, _ = make_data(8, 3, None, seed)
    sw = np.ones(8)
    sw[2] = 2.0
    a = fit(X, y, sw, alpha=1.0, solver=solver)
    b = fit(np.vstack([X, X[2:3]]), np.r_[y, y[2]], alpha=1.0, solver=solver)
    close(a.coef_, b.coef_)
    close(a.intercept_, b.intercept_)


@given(sizes, targets, seeds, alphas, solvers, st.data())
def test_zero_weight_equals_row_dropped(nm, t, seed, alpha, solver, data):
    """A row of weight 0 has no influence, however far its values are from the rest."""
    n, p = nm
    X, y, rng = make_data(n, p, t, seed)
    drop = np.array(data.draw(st.lists(st.booleans(), min_size=n, max_size=n)))
    if drop.all():
        drop[0] = False
    X = X.copy()
    y = np.array(y, copy=True)
    X[drop] = 100.0 * X[drop] + 50.0
    y[drop] = -300.0
    sw = rng.uniform(0.5, 2.0, n)
    sw[drop] = 0.0
    a = fit(X, y, sw, alpha=alpha, solver=solver)
    b = fit(X[~drop], y[~drop], sw[~drop], alpha=alpha, solver=solver)
    close(a.coef_, b.coef_)
    close(a.intercept_, b.intercept_)
    close(a.df_, b.df_)


@given(sizes, seeds, alphas, st.floats(1e-3, 1e3), solvers)
def test_scaling_weights_and_alpha_together(nm, seed, alpha, c, solver):
    """Multiplying every weight and α by c multiplies the objective by c: same minimizer."""
    n, p = nm
    X, y, rng = make_data(n, p, None, seed)
    sw = rng.uniform(0.2, 3.0, n)
    a = fit(X, y, sw, alpha=alpha, solver=solver)
    b = fit(X, y, c * sw, alpha=c * alpha, solver=solver)
    close(a.coef_, b.coef_)
    close(a.intercept_, b.intercept_)


# ---------------------------------------------------------------------------- rows and columns
@given(sizes, targets, seeds, alphas, solvers, st.booleans())
def test_stacked_rows_with_double_alpha(nm, t, seed, alpha, solver, weighted):
    """[X; X] doubles the loss: Σ over both copies + 2α‖W‖² = 2 (loss + α‖W‖²)."""
    n, p = nm
    X, y, rng = make_data(n, p, t, seed)
    sw = rng.uniform(0.2, 3.0, n) if weighted else None
    a = fit(X, y, sw, alpha=alpha, solver=solver)
    sw2 = None if sw is None else np.r_[sw, sw]
    yy = np.concatenate([y, y])
    b = fit(np.vstack([X, X]), yy, sw2, alpha=2 * alpha, solver=solver)
    close(a.coef_, b.coef_)
    close(a.intercept_, b.intercept_)


@given(sizes, targets, seeds, alphas, solvers)
def test_duplicated_columns_split_coefficients(nm, t, seed, alpha, solver):
    """[X, X] at α equals X at α/2 with each coefficient split evenly.

    With W = U + V the coefficients of the two copies, the loss depends on U + V only. For a
    fixed sum the penalty α(‖U‖² + ‖V‖²) is smallest at U = V = W/2, where it equals α‖W‖²/2.
    So the duplicated problem is min_W loss(W) + (α/2)‖W‖² with U = V = W/2; the intercept and
    predictions agree, and the eigenvalues of the duplicated Gram are 2d_i (and zeros), so
    df = Σ 2d_i/(2d_i + α) = Σ d_i/(d_i + α/2).
    """
    n, p = nm
    X, y, _ = make_data(n, p, t, seed)
    half = fit(X, y, alpha=alpha / 2, solver=solver)
    dup = fit(np.hstack([X, X]), y, alpha=alpha, solver=solver)
    W = np.asarray(half.coef_)
    close(dup.coef_[..., :p], W / 2, scale=float(np.max(np.abs(W))))
    close(dup.coef_[..., p:], W / 2, scale=float(np.max(np.abs(W))))
    close(dup.intercept_, half.intercept_)
    close(dup.predict(np.hstack([X, X])), half.predict(X))
    close(dup.df_, half.df_)


@given(sizes, targets, seeds, alphas, solvers)
def test_permutations(nm, t, seed, alpha, solver):
    """Reordering rows changes nothing; reordering columns reorders the coefficients."""
    n, p = nm
    X, y, rng = make_data(n, p, t, seed)
    sw = rng.uniform(0.2, 3.0, n)
    rows = rng.permutation(n)
    cols = rng.permutation(p)
    a = fit(X, y, sw, alpha=alpha, solver=solver)
    b = fit(X[rows][:, cols], y[rows], sw[rows], alpha=alpha, solver=solver)
    close(b.coef_, a.coef_[..., cols])
    close(b.intercept_, a.intercept_)


@given(st.tuples(st.integers(3, 12), st.integers(1, 7)), seeds, solvers)
def test_multi_target_equals_separate_fits(nm, seed, solver):
    """Targets are independent problems, each with its own α."""
    n, p = nm
    X, Y, rng = make_data(n, p, 3, seed)
    sw = rng.uniform(0.2, 3.0, n)
    al = np.array([0.1, 1.0, 10.0])
    both = fit(X, Y, sw, alpha=al, solver=solver)
    assert both.coef_.shape == (3, p)
    for k in range(3):
        one = fit(X, Y[:, k], sw, alpha=al[k], solver=solver)
        close(both.coef_[k], one.coef_)
        close(both.intercept_[k], one.intercept_)
        close(both.df_[k], one.df_)


# ---------------------------------------------------------------------------- translations
@given(sizes, targets, seeds, alphas, solvers, st.floats(-1e4, 1e4))
def test_shifting_y_moves_only_the_intercept(nm, t, seed, alpha, solver, c):
    n, p = nm
    X, y, rng = make_data(n, p, t, seed)
    sw = rng.uniform(0.2, 3.0, n)
    a = fit(X, y, sw, alpha=alpha, solver=solver)
    b = fit(X, y + c, sw, alpha=alpha, solver=solver)
    # the fitted slope only sees centred y, so its error is relative to the centred scale
    close(b.coef_, a.coef_, rtol=1e-6)
    scale = max(abs(c), float(np.max(np.abs(y))))
    close(b.intercept_, np.asarray(a.intercept_) + c, scale=scale)


@given(sizes, targets, seeds, alphas, solvers, st.data())
def test_shifting_x_columns_moves_only_the_intercept(nm, t, seed, alpha, solver, data):
    """x ↦ x + m: the centred design is unchanged, so W is unchanged and b ↦ b − mᵀW."""
    n, p = nm
    X, y, _ = make_data(n, p, t, seed)
    m = np.array(data.draw(st.lists(st.floats(-100, 100), min_size=p, max_size=p)))
    a = fit(X, y, alpha=alpha, solver=solver)
    b = fit(X + m, y, alpha=alpha, solver=solver)
    close(b.coef_, a.coef_, rtol=1e-6)
    close(b.predict(X + m), a.predict(X), rtol=1e-6)


@given(sizes, targets, seeds, alphas, solvers, st.floats(1e-3, 1e3))
def test_scaling_x_with_alpha_times_c_squared(nm, t, seed, alpha, solver, c):
    """X ↦ cX and α ↦ c²α: with W ↦ W/c the loss is unchanged and the penalty is α‖W‖²."""
    n, p = nm
    X, y, _ = make_data(n, p, t, seed)
    a = fit(X, y, alpha=alpha, solver=solver)
    b = fit(c * X, y, alpha=alpha * c * c, solver=solver)
    close(b.predict(c * X), a.predict(X))
    close(np.asarray(b.coef_) * c, a.coef_)
    close(b.intercept_, a.intercept_)
    close(b.df_, a.df_)


@given(sizes, seeds, alphas, st.floats(1e-3, 1e3))
def test_standardize_is_invariant_to_column_scale(nm, seed, alpha, c):
    """With standardize=True the penalty is in sd units: rescaling a column changes nothing
    but that column's coefficient (divided by its scale)."""
    n, p = nm
    X, y, _ = make_data(n, p, None, seed)
    scale = np.ones(p)
    scale[0] = c
    a = fit(X, y, alpha=alpha, standardize=True)
    b = fit(X * scale, y, alpha=alpha, standardize=True)
    close(np.asarray(b.coef_) * scale, a.coef_)
    close(b.intercept_, a.intercept_)


# ---------------------------------------------------------------------------- limits
def centred_weighted(X, y, sw):
    s = np.ones(X.shape[0]) if sw is None else sw
    xm = s @ X / s.sum()
    ym = s @ y / s.sum()
    r = np.sqrt(s)
    return r[:, None] * (X - xm), r.reshape(-1, *([1] * (y.ndim - 1))) * (y - ym), xm, ym


@given(st.integers(0, 2**32 - 1), st.integers(2, 6), targets, st.booleans())
def test_alpha_zero_is_least_squares(seed, p, t, weighted):
    n = p + 8
    X, y, rng = make_data(n, p, t, seed)
    sw = rng.uniform(0.2, 3.0, n) if weighted else None
    Zc, zc, xm, ym = centred_weighted(X, y, sw)
    W = np.linalg.lstsq(Zc, zc, rcond=None)[0]
    b = ym - xm @ W
    for solver in ["auto", "eigh", "svd", "cholesky"]:
        est = fit(X, y, sw, alpha=0.0, solver=solver)
        close(est.coef_, W.T, rtol=1e-8)
        close(est.intercept_, b, rtol=1e-8)
        close(est.df_, np.full(np.shape(est.df_), float(p)), rtol=1e-8)
    tiny = fit(X, y, sw, alpha=1e-10)
    close(tiny.coef_, W.T, rtol=1e-7)


def test_dual_solver_at_alpha_zero_on_a_tall_design():
    """The kernel of a tall design is singular even when the design has full column rank: the
    dual solver at α = 0 must either still return least squares or refuse clearly."""
    X, y, _ = make_data(20, 4, None, 3)
    Zc, zc, xm, ym = centred_weighted(X, y, None)
    W = np.linalg.lstsq(Zc, zc, rcond=None)[0]
    try:
        est = fit(X, y, alpha=0.0, solver="dual")
    except ValueError as exc:
        assert "alpha" in str(exc)
    else:
        close(est.coef_, W, rtol=1e-8)
        close(est.intercept_, ym - xm @ W, rtol=1e-8)


@given(st.integers(0, 2**32 - 1), st.integers(3, 8), st.booleans())
def test_alpha_to_zero_is_minimum_norm_least_squares_when_wide(seed, n, weighted):
    """p > n: as α → 0 the ridge solution tends to the minimum-norm least-squares solution
    pinv(Zc) zc of the centred (weighted) problem; the gap is O(α / d_min)."""
    p = n + 6
    X, y, rng = make_data(n, p, None, seed)
    sw = rng.uniform(0.2, 3.0, n) if weighted else None
    Zc, zc, xm, ym = centred_weighted(X, y, sw)
    W = np.linalg.lstsq(Zc, zc, rcond=1e-10)[0]  # minimum norm; drops the centring null space
    for solver in ["auto", "dual", "svd"]:
        est = fit(X, y, sw, alpha=1e-9, solver=solver)
        close(est.coef_, W, rtol=1e-6)
        close(est.intercept_, ym - xm @ W, rtol=1e-6)
    exact = fit(X, y, sw, alpha=0.0, solver="svd")
    close(exact.coef_, W, rtol=1e-8)
    close(exact.intercept_, ym - xm @ W, rtol=1e-8)
    close(exact.predict(X), X @ W + ym - xm @ W, rtol=1e-8)


@given(sizes, targets, seeds, solvers, st.booleans())
def test_alpha_to_infinity_gives_zero_coefficients_and_weighted_mean(nm, t, seed, solver, w):
    n, p = nm
    X, y, rng = make_data(n, p, t, seed)
    sw = rng.uniform(0.2, 3.0, n) if w else np.ones(n)
    est = fit(X, y, sw if w else None, alpha=1e15, solver=solver)
    ybar = sw @ y / sw.sum()
    scale = float(np.max(np.abs(y)))
    assert np.max(np.abs(est.coef_)) <= 1e-10 * scale
    close(est.intercept_, ybar, rtol=1e-9, scale=scale)
    assert np.all(np.asarray(est.df_) < 1e-10)
    close(est.predict(X), np.broadcast_to(ybar, np.shape(y)), rtol=1e-9, scale=scale)


@given(sizes, seeds, solvers)
def test_shrinkage_is_monotone_in_alpha(nm, seed, solver):
    """‖W(α)‖ and df(α) decrease as α grows (filter factors d/(d+α) all decrease)."""
    n, p = nm
    X, y, _ = make_data(n, p, None, seed)
    grid = [0.01, 0.1, 1.0, 10.0, 100.0]
    norms = [np.linalg.norm(fit(X, y, alpha=a, solver=solver).coef_) for a in grid]
    dfs = [float(fit(X, y, alpha=a, solver=solver).df_) for a in grid]
    assert all(a >= b * (1 - 1e-12) for a, b in itertools.pairwise(norms))
    assert all(a > b for a, b in itertools.pairwise(dfs))
    assert dfs[0] <= min(n - 1, p) + 1e-9


@pytest.mark.parametrize("solver", SOLVERS)
def test_fit_returns_self_and_refit_overwrites(solver):
    X, y, _ = make_data(10, 3, None, 0)
    est = Ridge(alpha=1.0, solver=solver)
    assert est.fit(X, y) is est
    first = np.array(est.coef_, copy=True)
    X2, Y2, _ = make_data(10, 4, 2, 1)
    est.fit(X2, Y2)
    assert est.coef_.shape == (2, 4)
    assert est.n_features_in_ == 4
    est.fit(X, y)
    np.testing.assert_array_equal(est.coef_, first)
