"""Sparse sufficient statistics: equal to the dense data pass, exact where the shift formula is not."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from ridgeway.core.moments import Moments, column_means, column_sum_squares
from ridgeway.core.sparse import (
    sparse_column_sum_squares,
    sparse_group_moments,
    sparse_moments,
    sparse_products,
)

FIELDS = ("xx", "xy", "yy", "x_mean", "y_mean")


def rel(a, b):
    return float(np.abs(np.asarray(a) - np.asarray(b)).max() / max(np.abs(b).max(), 1e-300))


def make(n=120, p=7, t=2, density=0.3, seed=0):
    rng = np.random.default_rng(seed)
    X = sp.random(n, p, density=density, random_state=seed, format="csr")
    X.data = rng.standard_normal(X.nnz) + 0.5
    Y = rng.standard_normal((n, t))
    w = rng.uniform(0.2, 3.0, n)
    w[:5] = 0.0
    return X, Y, w


@pytest.mark.parametrize("fmt", ["csr", "csc", "coo", "csr_array"])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("centered", [True, False])
def test_equals_dense_moments(fmt, weighted, centered):
    X, Y, w = make()
    w = w if weighted else None
    Xs = sp.csr_array(X) if fmt == "csr_array" else X.asformat(fmt)
    ms = sparse_moments(Xs, Y, w, centered=centered)
    md = Moments.from_array(X.toarray(), Y, w, centered=centered)
    assert ms.n_samples == md.n_samples and ms.sum_weights == pytest.approx(md.sum_weights)
    assert ms.centered == centered
    for f in FIELDS:
        assert rel(getattr(ms, f), getattr(md, f)) < 1e-13, f
    # the dispatch of Moments.from_array sends sparse X here
    mf = Moments.from_array(Xs, Y, w, centered=centered)
    assert rel(mf.xx, md.xx) < 1e-13


def test_float32_accumulates_in_float64():
    X, Y, w = make(seed=3)
    X32 = X.astype(np.float32)
    ms = sparse_moments(X32, Y, w)
    md = Moments.from_array(X32.toarray(), Y, w)
    assert ms.xx.dtype == np.float64
    assert rel(ms.xx, md.xx) < 1e-12


@pytest.mark.parametrize("weighted", [False, True])
def test_column_of_large_mean_is_centred_exactly(weighted):
    """A dense column of mean 1e6 and spread 1 (plus one with zeros): the naive shift formula
    Σxxᵀ − Σs x̄x̄ᵀ loses about 12 digits there; the exact fallback keeps them all."""
    rng = np.random.default_rng(1)
    n = 400
    X0, Y, w = make(n=n, p=6, seed=1)
    w = w if weighted else None
    big = 1e6 + rng.standard_normal(n)
    mostly = np.where(rng.random(n) < 0.98, 5e4 + rng.standard_normal(n), 0.0)
    X = sp.hstack([X0, sp.csr_matrix(big[:, None]), sp.csr_matrix(mostly[:, None])]).tocsr()
    Xd = X.toarray()
    ms = sparse_moments(X, Y, w)
    # reference: centred exactly in float64 with the exact mean, then multiplied
    ww = np.ones(n) if w is None else w
    xm = ww @ Xd / ww.sum()
    D = Xd - xm
    G = D.T @ (D * ww[:, None])
    scale = np.sqrt(np.outer(np.diagonal(G), np.diagonal(G)))
    assert float((np.abs(ms.xx - G) / scale).max()) < 1e-12
    ym = ww @ Y / ww.sum()
    C = D.T @ ((Y - ym) * ww[:, None])
    assert rel(ms.xy, C) < 1e-12
    # the naive formula on the same data fails (so this test could fail)
    naive = sparse_products(X, w) - ww.sum() * np.outer(xm, xm)
    assert float((np.abs(naive - G) / scale).max()) > 1e-6


def test_column_sum_squares_exact():
    X, _, w = make(seed=2)
    Xd = X.toarray()
    xm = w @ Xd / w.sum()
    ref = w @ (Xd - xm) ** 2
    assert rel(sparse_column_sum_squares(X, xm, w), ref) < 1e-14
    assert rel(column_sum_squares(X, xm, w), ref) < 1e-14  # dispatch
    xs, ys = column_means(X, np.ones((X.shape[0], 1)), w)
    assert rel(xs, xm) < 1e-14 and ys[0] == pytest.approx(1.0)


def test_group_moments_equal_dense():
    X, Y, w = make(n=90, seed=4)
    labels = np.repeat(np.arange(3), 30)
    labels[::7] = -1
    labels[30:60] = np.where(np.arange(30) % 2, 1, -1)
    groups = sparse_group_moments(X, Y, w, labels, 4)
    dense = Moments.from_groups(X.toarray(), Y, w, labels, 4)
    assert len(groups) == 4
    assert groups[3].n_samples == 0 and groups[3].sum_weights == 0.0
    for gs, gd in zip(groups[:3], dense[:3], strict=True):
        assert gs.n_samples == gd.n_samples
        for f in FIELDS:
            assert rel(getattr(gs, f), getattr(gd, f)) < 1e-12, f
    via = Moments.from_groups(X, Y, w, labels, 4)  # dispatch
    assert rel(via[0].xx, dense[0].xx) < 1e-12


@settings(max_examples=25, deadline=None)
@given(
    n=st.integers(2, 40),
    p=st.integers(1, 6),
    density=st.floats(0.0, 1.0),
    shift=st.floats(-1e3, 1e3),
    seed=st.integers(0, 2**16),
)
def test_property_matches_dense(n, p, density, shift, seed):
    rng = np.random.default_rng(seed)
    X = sp.random(n, p, density=density, random_state=seed, format="csr")
    X.data = rng.standard_normal(X.nnz) + shift
    Y = rng.standard_normal((n, 1))
    ms = sparse_moments(X, Y)
    md = Moments.from_array(X.toarray(), Y)
    d = np.sqrt(np.maximum(np.diagonal(md.xx), 1e-300))
    assert np.all(np.abs(ms.xx - md.xx) <= 1e-9 * np.outer(d, d) + 1e-9)
    assert np.allclose(ms.xy, md.xy, rtol=1e-9, atol=1e-9 * (1 + np.abs(md.xy).max()))
