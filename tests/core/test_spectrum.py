"""Spectrum quantities over a grid of α against brute-force solves (every route)."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.linalg as sla

from ridgeway.core.moments import Moments
from ridgeway.core.spectrum import Spectrum, spectrum_from_data, spectrum_from_moments

ALPHAS = np.array([1e-3, 0.1, 1.0, 10.0, 1e3])


def _brute(X, Y, w, pen, alpha):
    """Weighted ridge with intercept by an explicit bordered normal-equation solve."""
    n, p = X.shape
    Xa = np.column_stack([np.ones(n), X])
    W = np.diag(w)
    M = Xa.T @ W @ Xa + alpha * np.diag(np.r_[0.0, pen])
    B = sla.solve(M, Xa.T @ W @ Y)
    resid = Y - Xa @ B
    rss = np.einsum("nt,n,nt->t", resid, w, resid)
    # hat matrix of the centred weighted problem (intercept excluded from the trace)
    Xc = X - (w @ X) / w.sum()
    Xs = np.sqrt(w)[:, None] * Xc
    H = Xs @ np.linalg.solve(Xs.T @ Xs + alpha * np.diag(pen), Xs.T)
    return B[1:], B[0], rss, np.trace(H)


def _spectra(X, Y, w, pen) -> list[Spectrum]:
    m = Moments.from_array(X, Y, w)
    kw = dict(x_mean=m.x_mean, y_mean=m.y_mean)
    return [
        spectrum_from_moments(m, pen),
        spectrum_from_data(X, Y, w, pen, kind="dual", **kw),
        spectrum_from_data(X, Y, w, pen, kind="svd", **kw),
    ]


@pytest.mark.parametrize("shape", [(40, 6), (12, 30)])
@pytest.mark.parametrize("unpenalized", [False, True])
def test_path_matches_brute_force(shape, unpenalized):
    rng = np.random.default_rng(3)
    n, p = shape
    X = rng.standard_normal((n, p)) + 2.0
    Y = rng.standard_normal((n, 3))
    w = rng.uniform(0.2, 2.0, n)
    pen = rng.uniform(0.5, 2.0, p)
    if unpenalized:
        pen[[0, 2]] = 0.0
    for spec in _spectra(X, Y, w, pen):
        coefs = spec.coef_path(ALPHAS)
        icpts = spec.intercept(coefs)
        rss = spec.rss(ALPHAS)
        df = spec.df(ALPHAS)
        for i, a in enumerate(ALPHAS):
            B, b0, r, h = _brute(X, Y, w, pen, a)
            np.testing.assert_allclose(coefs[i], B, rtol=1e-7, atol=1e-9, err_msg=spec.kind)
            np.testing.assert_allclose(icpts[i], b0, rtol=1e-7, atol=1e-9, err_msg=spec.kind)
            # RSS from the spectrum is a difference against the total sum of squares: its
            # absolute error scales with that total, not with the (possibly tiny) RSS
            total = np.einsum("nt,n,nt->t", Y - (w @ Y) / w.sum(), w, Y - (w @ Y) / w.sum())
            np.testing.assert_allclose(rss[i], r, rtol=1e-7, atol=1e-10 * total.max())
            np.testing.assert_allclose(df[i], h, rtol=1e-8, err_msg=spec.kind)


def test_penalty_norm_and_limits():
    rng = np.random.default_rng(4)
    X = rng.standard_normal((30, 5))
    Y = rng.standard_normal((30, 2))
    pen = np.array([1.0, 2.0, 0.5, 1.0, 3.0])
    spec = spectrum_from_moments(Moments.from_array(X, Y), pen)
    coefs = spec.coef_path(ALPHAS)
    norm = np.sqrt(np.einsum("apt,p->at", coefs**2, pen))
    np.testing.assert_allclose(spec.penalty_norm(ALPHAS), norm, rtol=1e-10)
    # the norm shrinks as α grows, df runs from p down towards 0
    assert (np.diff(spec.penalty_norm(ALPHAS), axis=0) < 0).all()
    assert (np.diff(spec.df(ALPHAS)) < 0).all()
    np.testing.assert_allclose(spec.df(np.array([0.0])), 5.0)
    assert spec.df(np.array([1e12]))[0] < 1e-8


def test_coef_per_target_alpha_equals_separate_fits():
    rng = np.random.default_rng(5)
    X = rng.standard_normal((25, 4))
    Y = rng.standard_normal((25, 3))
    spec = spectrum_from_moments(Moments.from_array(X, Y), np.ones(4))
    alpha = np.array([0.5, 5.0, 50.0])
    both = spec.coef(alpha)
    for j, a in enumerate(alpha):
        np.testing.assert_allclose(both[:, j], spec.coef_path(np.array([a]))[0, :, j], rtol=1e-12)


def test_wide_kernel_route_never_needs_the_gram():
    rng = np.random.default_rng(6)
    X = rng.standard_normal((15, 400))
    Y = rng.standard_normal((15, 1))
    xm, ym = X.mean(axis=0), Y.mean(axis=0)
    spec = spectrum_from_data(X, Y, None, np.ones(400), x_mean=xm, y_mean=ym, kind="dual")
    # a centred kernel of 15 rows has rank 14
    assert spec.d.size == 14
    assert spec.rank_deficient
    Xc, yc = X - xm, Y - ym
    w = Xc.T @ np.linalg.solve(Xc @ Xc.T + 2.0 * np.eye(15), yc)
    np.testing.assert_allclose(spec.coef(np.array([2.0])), w, rtol=1e-9, atol=1e-12)


def test_unknown_kind_is_an_error():
    X = np.ones((3, 2))
    with pytest.raises(ValueError, match="kind must be"):
        spectrum_from_data(
            X,
            np.ones((3, 1)),
            None,
            np.ones(2),
            x_mean=np.zeros(2),
            y_mean=np.zeros(1),
            kind="qr",
        )
