"""The iterative route: batched CG on the implicitly centred normal equations, LSQR, Hutchinson."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.sparse.linalg import LinearOperator, cg

from ridgeway.core.moments import Moments, column_means
from ridgeway.core.solvers import RidgeProblem, SingularDesignError, solve
from ridgeway.core.sparse_route import solve_any, solve_iterative
from ridgeway.core.sparse_solvers import (
    CentredGram,
    IterativeConvergenceWarning,
    batched_cg,
    cg_path,
    iterative_alphas,
)
from ridgeway.core.spectrum import spectrum_from_moments


def rel(a, b):
    scale = max(float(np.abs(b).max()), 1e-300)
    return float(np.abs(np.asarray(a) - np.asarray(b)).max() / scale)


def make(n=150, p=9, t=2, seed=0, density=0.4):
    rng = np.random.default_rng(seed)
    X = sp.random(n, p, density=density, random_state=seed, format="csr")
    X.data = rng.standard_normal(X.nnz) + 1.0
    beta = rng.standard_normal((p, t))
    Y = np.asarray(X @ beta) + 0.3 * rng.standard_normal((n, t)) + 2.0
    w = rng.uniform(0.3, 2.0, n)
    return X, Y, w


def centred_dense(X, w, xm):
    D = X.toarray() - xm
    return D.T @ (D * (1.0 if w is None else w[:, None]))


@pytest.mark.parametrize("weighted", [False, True])
def test_centred_gram_operator(weighted):
    X, Y, w = make()
    w = w if weighted else None
    xm, ym = column_means(X, Y, w)
    op = CentredGram(X, w, xm)
    G = centred_dense(X, w, xm)
    V = np.random.default_rng(1).standard_normal((X.shape[1], 3))
    assert rel(op.apply(V), G @ V) < 1e-13
    assert rel(op.diag, np.diagonal(G)) < 1e-14
    D = X.toarray() - xm
    ww = np.ones(X.shape[0]) if w is None else w
    assert rel(op.rhs(Y - ym), D.T @ ((Y - ym) * ww[:, None])) < 1e-13
    W = np.random.default_rng(2).standard_normal((X.shape[1], 4, 2))
    R = (Y - ym)[:, None, :] - np.einsum("np,pat->nat", D, W)
    assert rel(op.rss(W, Y - ym), np.einsum("n,nat->at", ww, R * R)) < 1e-12
    # dense X goes through the same operator
    assert rel(CentredGram(X.toarray(), w, xm).apply(V), G @ V) < 1e-13


def test_batched_cg_matches_direct_and_scipy():
    X, Y, w = make(seed=3)
    xm, ym = column_means(X, Y, w)
    op = CentredGram(X, w, xm)
    p = X.shape[1]
    B = op.rhs(Y - ym)
    alphas = np.array([0.1, 10.0])
    shift = np.ones((p, 1)) * alphas[None, :]
    sol, it, ok = batched_cg(op, B, shift)
    G = centred_dense(X, w, xm)
    for j, a in enumerate(alphas):
        ref = np.linalg.solve(G + a * np.eye(p), B[:, j])
        assert rel(sol[:, j], ref) < 1e-10
        lin = LinearOperator((p, p), matvec=lambda v, a=a: G @ v + a * v, dtype=float)
        assert rel(cg(lin, B[:, j], rtol=1e-12)[0], ref) < 1e-9
    assert ok.all() and 0 < it <= 10 * p
    # a warm start at the solution needs no iteration
    _, it0, ok0 = batched_cg(op, B, shift, sol)
    assert ok0.all() and it0 < it


def test_convergence_warning():
    X, Y, w = make(seed=4)
    xm, ym = column_means(X, Y, w)
    op = CentredGram(X, w, xm)
    B = op.rhs(Y - ym)
    _, it, ok = batched_cg(op, B, np.full(B.shape, 1e-3), maxiter=1)
    assert it == 1 and not ok.all()
    with pytest.warns(IterativeConvergenceWarning, match="did not converge"):
        cg_path(X, Y, w, np.ones(X.shape[1]), True, np.array([1e-3]), maxiter=1)


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("pen_kind", ["ones", "mixed"])
def test_cg_path_equals_spectrum(fit_intercept, pen_kind):
    """p ≤ 16: unit probes give the exact trace; everything matches the eigendecomposition."""
    X, Y, w = make(seed=5)
    p = X.shape[1]
    pen = np.ones(p) if pen_kind == "ones" else np.r_[0.0, np.linspace(0.5, 3.0, p - 1)]
    m = Moments.from_array(X.toarray(), Y, w, centered=fit_intercept)
    spec = spectrum_from_moments(m, pen)
    al = np.geomspace(1e-2, 1e3, 7)
    path = cg_path(X, Y, w, pen, fit_intercept, al)
    assert path.exact_trace and (path.df_se == 0).all() and path.n_probes == p
    ref = spec.coef_path(al)
    assert rel(path.coef, ref) < 1e-10
    assert rel(path.intercept, spec.intercept(ref)) < 1e-10
    assert rel(path.rss, spec.rss(al)) < 1e-10
    assert rel(path.df, spec.df(al)) < 1e-10
    # warm starts: the later (smaller) α need fewer iterations than a cold start would
    cold = cg_path(X, Y, w, pen, fit_intercept, al[:1])
    assert path.iterations[0] <= cold.iterations[0]


def test_hutchinson_estimate_and_its_error():
    """p > probes: the estimate is unbiased with the stated standard error (z-scores over seeds
    have mean ≈ 0 and spread ≈ 1)."""
    X, Y, w = make(n=300, p=40, seed=6, density=0.2)
    p = X.shape[1]
    spec = spectrum_from_moments(Moments.from_array(X.toarray(), Y, w), np.ones(p))
    al = np.array([0.3, 3.0])
    exact = spec.df(al)
    z = []
    for seed in range(24):
        path = cg_path(X, Y, w, np.ones(p), True, al, n_probes=8, seed=seed)
        assert not path.exact_trace and (path.df_se > 0).all()
        assert rel(path.coef, spec.coef_path(al)) < 1e-10  # coefficients stay exact
        z.append((path.df - exact) / path.df_se)
    z = np.array(z)
    assert abs(z.mean()) < 0.8
    assert 0.3 < z.std() < 2.0
    assert np.abs(z).max() < 6


@pytest.mark.parametrize("method", ["cg", "lsqr"])
def test_solve_iterative_per_target_alpha(method):
    X, Y, w = make(seed=7)
    p = X.shape[1]
    pen = np.r_[0.0, np.ones(p - 1)]
    alpha = np.array([0.5, 20.0])
    coef, icpt, df = solve_iterative(X, Y, w, pen, True, alpha, method)
    spec = spectrum_from_moments(Moments.from_array(X.toarray(), Y, w), pen)
    ref = spec.coef(alpha)
    assert rel(coef, ref) < 1e-9
    assert rel(icpt, spec.intercept(ref)) < 1e-9
    assert rel(df, spec.df(alpha)) < 1e-10


def test_iterative_alphas_span():
    X, Y, w = make(seed=8)
    al = iterative_alphas(X, w, np.ones(X.shape[1]), True, n_alphas=12)
    spec = spectrum_from_moments(Moments.from_array(X.toarray(), Y, w), np.ones(X.shape[1]))
    df = spec.df(al)
    assert al.size == 12 and (np.diff(al) > 0).all()
    assert df[-1] < 0.06 and df[0] > X.shape[1] - 0.5


def test_route_for_sparse_never_svd():
    X, Y, w = make(seed=9)
    pr = RidgeProblem(X, Y, w, np.ones(X.shape[1]), True)
    alpha = np.array([1.0, 1.0])
    dense = solve(RidgeProblem(X.toarray(), Y, w, np.ones(X.shape[1]), True), alpha)
    for solver in ("auto", "svd", "eigh", "cholesky", "dual", "cg", "lsqr"):
        sol = solve_any(pr, alpha, solver)
        assert sol.solver == (
            "lsqr" if solver == "svd" else (solver if solver != "auto" else "cholesky")
        )
        assert rel(sol.coef, dense.coef) < 1e-9
    # α = 0 on a singular sparse design is an error, not a dense SVD
    Xs = sp.hstack([X, X[:, :1]]).tocsr()
    pr0 = RidgeProblem(Xs, Y, w, np.ones(Xs.shape[1]), True)
    with pytest.raises(SingularDesignError, match="alpha must be > 0"):
        solve_any(pr0, np.zeros(2), "auto")
    # ill-conditioned: auto moves to lsqr
    Xc = sp.hstack([X, X[:, :1] * (1 + 1e-9)]).tocsr()
    prc = RidgeProblem(Xc, Y, w, np.ones(Xc.shape[1]), True)
    assert solve_any(prc, np.array([1e-12, 1e-12]), "auto").solver == "lsqr"
