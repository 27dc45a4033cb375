"""Tests of :mod:`ridgeway.core.logistic_loss`: objective, gradient and Hessian of the penalized
logistic loss.

The references are independent: the objective is the formula written out in raw units with
numpy/scipy (``logaddexp``, ``logsumexp``), the gradient is checked by central finite differences
of the objective, and the Hessian by central finite differences of the gradient. The coordinates
the module works in (V = sd ∘ W, intercept c of the centred model) are reached from raw (W, b)
through :meth:`LogisticProblem.to_std`, whose round trip is checked as well.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given
from hypothesis import strategies as st
from scipy.special import logsumexp

from ridgeway.core.logistic_loss import evaluate, hessian, hessp, logistic_problem
from ridgeway.core.logistic_solvers import penalized_hessian


# ---------------------------------------------------------------------------- helpers
def make_data(n, p, K, seed, *, sparse_frac=0.0, zero_weights=True):
    """Columns of different scales and offsets, labels from a logistic model, positive weights
    (a few exactly zero) and penalty factors. K = 1 is binary (Y of shape (n, 1)), else one-hot."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) * rng.uniform(0.5, 3.0, p) + rng.normal(0.0, 2.0, p)
    if sparse_frac:
        X[rng.random((n, p)) < sparse_frac] = 0.0
    Xs = (X - X.mean(0)) / X.std(0)
    ncls = 2 if K == 1 else K
    logits = Xs @ rng.standard_normal((p, ncls)) + rng.normal(0.0, 0.5, ncls)
    P = np.exp(logits - logsumexp(logits, axis=1, keepdims=True))
    lab = (rng.random(n)[:, None] > np.cumsum(P, axis=1)).sum(axis=1)
    Y = (lab == 1).astype(float)[:, None] if K == 1 else np.eye(K)[lab]
    w = rng.uniform(0.2, 2.0, n)
    if zero_weights:
        w[:2] = 0.0
    pen = rng.uniform(0.5, 2.0, p)
    return X, Y, w, pen, rng


def ref_rows(X, Y, W, b):
    """Per-row loss ℓ(y_i, b + x_iᵀW) written out in raw units."""
    eta = np.asarray(X @ W) + b
    if Y.shape[1] == 1:
        return np.logaddexp(0.0, eta[:, 0]) - Y[:, 0] * eta[:, 0]
    return logsumexp(eta, axis=1) - (Y * eta).sum(axis=1)


def ref_objective(X, Y, w, pen, alpha, W, b):
    """Σ_i s_i ℓ_i + α Σ_j π_j ‖W_j‖² in raw units."""
    return float(w @ ref_rows(X, Y, W, b) + alpha * np.sum(pen[:, None] * W * W))


def at(pr, W, b, alpha, S=None):
    """Evaluate one problem (R = 1) at raw coefficients W (p, K) and intercepts b (K,)."""
    V, c = pr.to_std(W, b)
    S = pr.sample_weight[:, None] if S is None else S
    return evaluate(pr, V[:, None, :], c[None, :], S, np.array([alpha]))


def pack(pr, gV, gc):
    """(p, K), (K,) → the class-major vector the Hessian uses: per class (features, intercept)."""
    K = gV.shape[1]
    parts = [np.r_[gV[:, k], gc[k]] if pr.fit_intercept else gV[:, k] for k in range(K)]
    return np.concatenate(parts)


def unpack(pr, vec):
    p = pr.X.shape[1]
    K = pr.n_classes_param
    M = vec.reshape(K, p + int(pr.fit_intercept)).T
    return (M[:p].copy(), M[p].copy()) if pr.fit_intercept else (M.copy(), np.zeros(K))


def std_objective(pr, alpha, vec):
    V, c = unpack(pr, vec)
    ev = evaluate(pr, V[:, None, :], c[None, :], pr.sample_weight[:, None], np.array([alpha]))
    return float(ev.objective[0])


def std_gradient(pr, alpha, vec):
    V, c = unpack(pr, vec)
    ev = evaluate(pr, V[:, None, :], c[None, :], pr.sample_weight[:, None], np.array([alpha]))
    return pack(pr, ev.grad_V[:, 0, :], ev.grad_c[0])


def random_point(pr, rng, scale=0.5):
    """Random standardized parameters (V (p, K), c (K,)) as a packed vector."""
    p, K = pr.X.shape[1], pr.n_classes_param
    return pack(pr, scale * rng.standard_normal((p, K)), rng.standard_normal(K))


def sum_term_hessian(pr, mu):
    """Hessian of μ Σ_j (Σ_k V_jk)² (+ μ (Σ_k c_k)² with intercept), written out directly."""
    q1 = pr.X.shape[1] + int(pr.fit_intercept)
    K = pr.n_classes_param
    return 2.0 * mu * np.kron(np.ones((K, K)), np.eye(q1))


CASES = [(1, True), (1, False), (3, True), (3, False), (4, True)]


# ---------------------------------------------------------------------------- problem setup
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("fmt", ["dense", "csr", "csc"])
def test_problem_moments(fit_intercept, fmt):
    X, Y, w, pen, _ = make_data(60, 4, 1, 0, sparse_frac=0.3)
    Xa = X if fmt == "dense" else sp.csr_matrix(X) if fmt == "csr" else sp.csc_matrix(X)
    pr = logistic_problem(Xa, Y, w, pen, fit_intercept)
    if fit_intercept:
        m = w @ X / w.sum()
        sd = np.sqrt(w @ (X - m) ** 2 / w.sum())
        np.testing.assert_allclose(pr.center, m, rtol=1e-12)
    else:
        sd = np.sqrt(w @ X**2 / w.sum())  # root mean square about 0
        np.testing.assert_array_equal(pr.center, 0.0)
    np.testing.assert_allclose(pr.scale, sd, rtol=1e-10)
    np.testing.assert_allclose(pr.penalty_std, pen / sd**2, rtol=1e-10)
    assert pr.n_classes_param == 1
    assert pr.n_params == 4 + int(fit_intercept)
    # the caller's arrays are kept, not copied or modified
    assert pr.X is Xa
    assert pr.Y is Y
    # unit weights when none are given
    np.testing.assert_array_equal(logistic_problem(X, Y, None, pen, True).sample_weight, 1.0)


@pytest.mark.parametrize("fmt", ["dense", "csr"])
def test_constant_columns_get_unit_scale(fmt):
    """A constant column (or one constant over the rows of positive weight) has no spread: its
    scale is 1, not the rounding noise of its mean (the one-pass sparse variance E[x²] − m²
    leaves ~√ε·|m| for many constants unless the column is recognised as constant)."""
    rng = np.random.default_rng(7)
    n = 200
    consts = np.r_[3.0, 0.1, 1 / 3, 7.3, 1e3, -2.5, 0.7, 12345.678, rng.uniform(-50, 50, 12)]
    X = np.column_stack([rng.standard_normal(n), np.zeros(n), np.tile(consts, (n, 1))])
    w = rng.uniform(0.5, 2.0, n)
    X[:5, -1] = -2.0  # the last column varies only on rows of zero weight
    w[:5] = 0.0
    Xa = X if fmt == "dense" else sp.csr_matrix(X)
    p = X.shape[1]
    pr = logistic_problem(Xa, np.zeros((n, 1)), w, np.ones(p), True)
    np.testing.assert_array_equal(pr.scale[1:], 1.0)
    np.testing.assert_allclose(pr.center[1:], np.r_[0.0, consts], rtol=1e-14)
    assert 0.5 < pr.scale[0] < 2.0
    # without intercept a constant nonzero column keeps its root mean square; a zero one gets 1
    pr0 = logistic_problem(Xa, np.zeros((n, 1)), w, np.ones(p), False)
    np.testing.assert_allclose(pr0.scale[1:], np.r_[1.0, np.abs(consts)], rtol=1e-14)


@pytest.mark.parametrize(("K", "fit_intercept"), CASES)
def test_std_raw_round_trip(K, fit_intercept):
    X, Y, w, pen, rng = make_data(30, 3, K, 1)
    pr = logistic_problem(X, Y, w, pen, fit_intercept)
    Kp = pr.n_classes_param
    W = rng.standard_normal((3, Kp))
    b = rng.standard_normal(Kp) if fit_intercept else np.zeros(Kp)
    V, c = pr.to_std(W, b)
    W2, b2 = pr.to_raw(V, c)
    np.testing.assert_allclose(W2, W, rtol=1e-14)
    np.testing.assert_allclose(b2, b, rtol=1e-13, atol=1e-13)
    # the linear predictor is the raw one
    ev = at(pr, W, b, 0.0)
    np.testing.assert_allclose(ev.eta[:, 0, :], X @ W + b, rtol=1e-12, atol=1e-12)


# ---------------------------------------------------------------------------- objective
@pytest.mark.parametrize(("K", "fit_intercept"), CASES)
@pytest.mark.parametrize("zero_pen", [False, True])
def test_objective_matches_formula(K, fit_intercept, zero_pen):
    X, Y, w, pen, rng = make_data(50, 5, K, 2)
    if zero_pen:
        pen[[0, 3]] = 0.0
    alpha = 0.7
    pr = logistic_problem(X, Y, w, pen, fit_intercept)
    Kp = pr.n_classes_param
    W = rng.standard_normal((5, Kp)) * 0.5
    b = rng.standard_normal(Kp) if fit_intercept else np.zeros(Kp)
    if Kp > 1:  # the softmax sum term vanishes on parameters summing to zero over the classes
        W -= W.mean(axis=1, keepdims=True)
        b -= b.mean()
    ev = at(pr, W, b, alpha)
    want = ref_objective(X, Y, w, pen, alpha, W, b)
    assert ev.objective[0] == pytest.approx(want, rel=1e-12)
    assert ev.loss[0] == pytest.approx(float(w @ ref_rows(X, Y, W, b)), rel=1e-12)
    assert ev.objective.shape == ev.loss.shape == (1,)
    assert ev.grad_V.shape == (5, 1, Kp)
    assert ev.grad_c.shape == (1, Kp)
    assert ev.eta.shape == (50, 1, Kp)
    if not fit_intercept:
        np.testing.assert_array_equal(ev.grad_c, 0.0)


@pytest.mark.parametrize("K", [3, 4])
def test_softmax_sum_term(K):
    """Off the sum-zero subspace the loss is still the formula (softmax is shift invariant) and
    the objective adds exactly μ (Σ_j (Σ_k V_jk)² + (Σ_k c_k)²) with μ = Σs / (4K)."""
    X, Y, w, pen, rng = make_data(40, 3, K, 3)
    pr = logistic_problem(X, Y, w, pen, True)
    alpha = 0.3
    W = rng.standard_normal((3, K))
    b = rng.standard_normal(K)
    ev = at(pr, W, b, alpha)
    shift = rng.standard_normal(3)
    ev2 = at(pr, W + shift[:, None], b + 1.7, alpha)
    assert ev.loss[0] == pytest.approx(float(w @ ref_rows(X, Y, W, b)), rel=1e-12)
    assert ev2.loss[0] == pytest.approx(ev.loss[0], rel=1e-12)
    V, c = pr.to_std(W, b)
    mu = w.sum() / (4 * K)
    extra = mu * (np.sum(V.sum(axis=1) ** 2) + c.sum() ** 2)
    pen_term = alpha * np.sum(pen[:, None] * W**2)
    assert ev.objective[0] == pytest.approx(ev.loss[0] + pen_term + extra, rel=1e-12)
    np.testing.assert_allclose(pr.identifiability(np.array([w.sum()])), [mu], rtol=1e-15)


def test_extreme_logits_are_finite():
    """Logits of ±800 overflow a naive exp; the loss must stay exact and finite."""
    X = np.array([[1.0], [-1.0], [2.0]])
    for K in (1, 3):
        Y = np.array([[1.0], [0.0], [0.0]]) if K == 1 else np.eye(3)
        pr = logistic_problem(X, Y, None, np.ones(1), False)
        W = np.full((1, K), 400.0) if K == 1 else np.array([[400.0, -400.0, 0.0]])
        ev = at(pr, W, np.zeros(K), 0.0)
        want = float(ref_rows(X, Y, W, np.zeros(K)).sum())
        assert np.isfinite(ev.objective).all()
        assert np.isfinite(ev.grad_V).all()
        assert ev.loss[0] == pytest.approx(want, rel=1e-14)


# ---------------------------------------------------------------------------- derivatives
@pytest.mark.parametrize(("K", "fit_intercept"), CASES)
@pytest.mark.parametrize("zero_pen", [False, True])
def test_gradient_matches_finite_differences(K, fit_intercept, zero_pen):
    X, Y, w, pen, rng = make_data(30, 4, K, 4)
    if zero_pen:
        pen[1] = 0.0
    pr = logistic_problem(X, Y, w, pen, fit_intercept)
    alpha = 0.8
    x = random_point(pr, rng)
    g = std_gradient(pr, alpha, x)
    h = 1e-5
    fd = np.empty_like(x)
    for i in range(x.size):
        e = np.zeros_like(x)
        e[i] = h
        fd[i] = (std_objective(pr, alpha, x + e) - std_objective(pr, alpha, x - e)) / (2 * h)
    # rounding of an objective of ~30 over a step of 1e-5: ~1e-9; truncation h² f''' ~ 1e-9
    np.testing.assert_allclose(g, fd, rtol=0, atol=1e-6 * max(1.0, np.abs(g).max()))


@pytest.mark.parametrize(("K", "fit_intercept"), CASES)
@pytest.mark.parametrize("fmt", ["dense", "csr"])
def test_hessian_matches_finite_differences(K, fit_intercept, fmt):
    X, Y, w, pen, rng = make_data(30, 3, K, 5, sparse_frac=0.3)
    Xa = X if fmt == "dense" else sp.csr_matrix(X)
    pr = logistic_problem(Xa, Y, w, pen, fit_intercept)
    x = random_point(pr, rng)
    h = 1e-5
    q = x.size
    for alpha in (0.0, 0.6):
        fd = np.empty((q, q))
        for i in range(q):
            e = np.zeros(q)
            e[i] = h
            fd[:, i] = (std_gradient(pr, alpha, x + e) - std_gradient(pr, alpha, x - e)) / (2 * h)
        V, c = unpack(pr, x)
        ev = evaluate(pr, V[:, None, :], c[None, :], w[:, None], np.array([alpha]))
        H = hessian(pr, ev.eta[:, 0, :], w)
        assert H.shape == (q, q)
        np.testing.assert_allclose(H, H.T, rtol=0, atol=1e-12 * np.abs(H).max())
        mu = w.sum() / (4 * pr.n_classes_param) if pr.n_classes_param > 1 else 0.0
        # the loss Hessian alone: subtract the quadratic terms' exact Hessians from the FD one
        pen_diag = np.tile(np.r_[2 * alpha * pr.penalty_std, [0.0] * fit_intercept], K)
        fd_loss = fd - np.diag(pen_diag) - sum_term_hessian(pr, mu)
        tol = 1e-6 * np.abs(fd).max()
        np.testing.assert_allclose(H, fd_loss, rtol=0, atol=tol)
        Hp = penalized_hessian(pr, H, alpha, mu)
        np.testing.assert_allclose(Hp, fd, rtol=0, atol=tol)
        # convex: positive semi-definite loss Hessian, positive definite with the penalty
        assert np.linalg.eigvalsh(H).min() > -1e-10 * np.abs(H).max()
        if alpha > 0:
            assert np.linalg.eigvalsh(Hp).min() > 0


@pytest.mark.parametrize(("K", "fit_intercept"), CASES)
@pytest.mark.parametrize("fmt", ["dense", "csr"])
def test_hessp_equals_hessian_times_vector(K, fit_intercept, fmt):
    X, Y, w, pen, rng = make_data(40, 5, K, 6, sparse_frac=0.4)
    Xa = X if fmt == "dense" else sp.csr_matrix(X)
    pr = logistic_problem(Xa, Y, w, pen, fit_intercept)
    x = random_point(pr, rng)
    V, c = unpack(pr, x)
    eta = evaluate(pr, V[:, None, :], c[None, :], w[:, None], np.array([1.0])).eta[:, 0, :]
    H = hessian(pr, eta, w)
    for _ in range(3):
        v = rng.standard_normal(x.size)
        dV, dc = unpack(pr, v)
        hv, hc = hessp(pr, eta, w, dV, dc)
        assert hv.shape == dV.shape
        assert hc.shape == (pr.n_classes_param,)
        np.testing.assert_allclose(
            pack(pr, hv, hc), H @ v, rtol=1e-10, atol=1e-10 * np.abs(H).max()
        )
        if not fit_intercept:
            np.testing.assert_array_equal(hc, 0.0)


# ---------------------------------------------------------------------------- batching, sparse
@pytest.mark.parametrize(("K", "fit_intercept"), CASES)
def test_batch_equals_separate_problems(K, fit_intercept):
    """R problems with different row weights (fold masks, reweighting) and α in one pass equal
    R single-problem calls."""
    n, p = 45, 4
    X, Y, w, pen, rng = make_data(n, p, K, 8)
    pr = logistic_problem(X, Y, w, pen, fit_intercept)
    Kp = pr.n_classes_param
    R = 4
    S = np.column_stack(
        [w, w * (np.arange(n) % 3 != 0), w * (np.arange(n) % 3 != 1), rng.uniform(0, 3, n)]
    )
    alpha = np.array([0.0, 0.5, 2.0, 10.0])
    V = rng.standard_normal((p, R, Kp))
    c = rng.standard_normal((R, Kp))
    big = evaluate(pr, V, c, S, alpha)
    for r in range(R):
        one = evaluate(pr, V[:, r : r + 1], c[r : r + 1], S[:, r : r + 1], alpha[r : r + 1])
        np.testing.assert_allclose(big.objective[r], one.objective[0], rtol=1e-13)
        np.testing.assert_allclose(big.loss[r], one.loss[0], rtol=1e-13)
        np.testing.assert_allclose(big.grad_V[:, r], one.grad_V[:, 0], rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(big.grad_c[r], one.grad_c[0], rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(big.eta[:, r], one.eta[:, 0], rtol=1e-13, atol=1e-13)
    W, b = pr.to_raw(V, c)
    if Kp == 1:  # and each equals the formula with its own weights and α
        for r in range(R):
            want = ref_objective(
                X, Y, S[:, r], pen, alpha[r], W[:, r], b[r] if fit_intercept else 0
            )
            assert big.objective[r] == pytest.approx(want, rel=1e-12)


@pytest.mark.parametrize(("K", "fit_intercept"), CASES)
@pytest.mark.parametrize("fmt", ["csr", "csc"])
def test_sparse_equals_dense(K, fit_intercept, fmt):
    X, Y, w, pen, rng = make_data(5000, 4, K, 9, sparse_frac=0.6)  # > one dense row chunk
    pen[2] = 0.0
    Xs = sp.csr_matrix(X) if fmt == "csr" else sp.csc_matrix(X)
    prd = logistic_problem(X, Y, w, pen, fit_intercept)
    prs = logistic_problem(Xs, Y, w, pen, fit_intercept)
    np.testing.assert_allclose(prs.center, prd.center, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(prs.scale, prd.scale, rtol=1e-10)
    Kp = prd.n_classes_param
    W = 0.3 * rng.standard_normal((4, Kp))
    b = rng.standard_normal(Kp)
    evd, evs = at(prd, W, b, 0.4), at(prs, W, b, 0.4)
    np.testing.assert_allclose(evs.objective, evd.objective, rtol=1e-12)
    np.testing.assert_allclose(evs.eta, evd.eta, rtol=1e-11, atol=1e-11)
    # the gradients are in each problem's own standardized coordinates: compare in raw units
    np.testing.assert_allclose(
        evs.grad_V / prs.scale[:, None, None] * prd.scale[:, None, None],
        evd.grad_V,
        rtol=1e-9,
        atol=1e-9 * np.abs(evd.grad_V).max(),
    )
    np.testing.assert_allclose(evs.grad_c, evd.grad_c, rtol=1e-10, atol=1e-10)
    # Hessians (the same coordinates once the scales agree to 1e-10)
    Hd = hessian(prd, evd.eta[:, 0, :], w)
    Hs = hessian(prs, evs.eta[:, 0, :], w)
    np.testing.assert_allclose(Hs, Hd, rtol=0, atol=1e-8 * np.abs(Hd).max())


# ---------------------------------------------------------------------------- property
@given(
    n=st.integers(3, 25),
    p=st.integers(1, 4),
    K=st.sampled_from([1, 3]),
    fit_intercept=st.booleans(),
    seed=st.integers(0, 2**32 - 1),
)
def test_loss_properties(n, p, K, fit_intercept, seed):
    """On random problems: the objective is the formula, the loss is nonnegative, and the
    gradient of a convex function bounds it from below along random directions."""
    X, Y, w, pen, rng = make_data(n, p, K, seed, zero_weights=False)
    pr = logistic_problem(X, Y, w, pen, fit_intercept)
    Kp = pr.n_classes_param
    W = rng.standard_normal((p, Kp))
    b = rng.standard_normal(Kp) if fit_intercept else np.zeros(Kp)
    if Kp > 1:
        W -= W.mean(axis=1, keepdims=True)
        b -= b.mean()
    alpha = float(rng.uniform(0, 3))
    ev = at(pr, W, b, alpha)
    assert ev.loss[0] >= 0
    want = ref_objective(X, Y, w, pen, alpha, W, b)
    assert ev.objective[0] == pytest.approx(want, rel=1e-11, abs=1e-12)
    V, c = pr.to_std(W, b)
    x = pack(pr, V, c)
    g = std_gradient(pr, alpha, x)
    f0 = std_objective(pr, alpha, x)
    for _ in range(3):
        d = rng.standard_normal(x.size)
        assert std_objective(pr, alpha, x + d) >= f0 + g @ d - 1e-9 * (abs(f0) + 1)
