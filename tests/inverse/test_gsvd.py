"""The GSVD of (A, L): defining identities on every shape, and general-form Tikhonov through it."""

from __future__ import annotations

import mpmath
import numpy as np
import pytest
import scipy.linalg as sla
from hypothesis import given
from hypothesis import strategies as st

from ridgeway.inverse.gsvd import (
    GSVD,
    filter_factors,
    gsvd,
    gsvd_path,
    tikhonov_norms,
    tikhonov_solutions,
)

EPS = np.finfo(float).eps


def diff_op(n, order):
    """The (n − order) × n difference operator (rows (−1, 1) or (1, −2, 1))."""
    return np.diff(np.eye(n), order, axis=0)


def make_L(kind, p, n, rng):
    if kind == "first":
        return diff_op(n, 1)
    if kind == "second":
        return diff_op(n, 2)
    return rng.standard_normal((p, n))


def check_identities(G, A, L, tol=1e-12, x_tol=1e-12):
    """A = U C X⁻¹, L = V M X⁻¹, σ² + μ² = 1, orthonormal U and V, X X⁻¹ = I, sorted γ."""
    m, n = A.shape
    p = L.shape[0]
    k, q = min(m, n), G.sigma.size
    assert isinstance(G, GSVD)
    assert G.shape == (m, n, p)
    assert G.U.shape == (m, k)
    assert G.V.shape == (p, q)
    assert G.X.shape == G.Xinv.shape == (n, n)
    assert G.sigma.shape == G.mu.shape == G.gamma.shape == (q,)
    assert G.rank_L == q and G.n_unregularized == n - q
    A_rec = G.U @ (G.sigma_all[n - k :, None] * G.Xinv[n - k :])
    L_rec = G.V @ (G.mu[:, None] * G.Xinv[:q])
    assert np.linalg.norm(A_rec - A) <= tol * max(np.linalg.norm(A), 1e-300)
    assert np.linalg.norm(L_rec - L) <= tol * np.linalg.norm(L)
    # the first n − k columns of X have no left vector: A maps them to zero
    assert np.all(G.sigma_all[: n - k] == 0)
    np.testing.assert_allclose(G.sigma**2 + G.mu**2, 1.0, rtol=0, atol=tol)
    np.testing.assert_allclose(G.U.T @ G.U, np.eye(k), rtol=0, atol=tol)
    np.testing.assert_allclose(G.V.T @ G.V, np.eye(q), rtol=0, atol=tol)
    np.testing.assert_allclose(G.X @ G.Xinv, np.eye(n), rtol=0, atol=x_tol)
    np.testing.assert_allclose(G.Xinv @ G.X, np.eye(n), rtol=0, atol=x_tol)
    assert np.all(G.sigma >= 0) and np.all(G.sigma <= 1) and np.all(G.mu > 0)
    assert np.all(np.diff(G.gamma) >= 0) and np.all(np.diff(G.sigma) >= 0)
    np.testing.assert_array_equal(G.gamma, G.sigma / G.mu)
    np.testing.assert_array_equal(G.sigma_all[q:], 1.0)
    np.testing.assert_array_equal(G.mu_all[q:], 0.0)
    assert np.all(np.isinf(G.gamma_all[q:]))
    # the unregularized columns span the null space of L
    if q < n:
        assert np.linalg.norm(L @ G.X[:, q:]) <= tol * np.linalg.norm(L) * np.linalg.norm(G.X)


def normal_equations(A, L, b, lam, x0=None):
    x0 = np.zeros(A.shape[1]) if x0 is None else x0
    return np.linalg.solve(A.T @ A + lam**2 * L.T @ L, A.T @ b + lam**2 * L.T @ (L @ x0))


def stacked_lstsq(A, L, b, lam, x0=None):
    """min ‖[A; λL] x − [b; λ L x₀]‖: backward stable, no squared condition number."""
    x0 = np.zeros(A.shape[1]) if x0 is None else x0
    return np.linalg.lstsq(np.vstack([A, lam * L]), np.r_[b, lam * (L @ x0)], rcond=None)[0]


# ------------------------------------------------------------------------------- identities

SHAPES = [
    # (m, n, p, kind)
    (9, 6, 4, "random"),  # m > n > p
    (6, 6, 6, "random"),  # m = n = p
    (7, 7, 3, "random"),  # m = n > p
    (4, 7, 5, "random"),  # m < n
    (3, 8, 6, "random"),  # m < n, m + p > n
    (8, 5, 5, "random"),  # p = n
    (8, 5, 9, "random"),  # p > n
    (3, 5, 9, "random"),  # m < n < p
    (3, 5, 2, "random"),  # m + p = n: [A; L] square
    (12, 8, 7, "first"),  # p = n − 1, null space: constants
    (12, 8, 6, "second"),  # p = n − 2, null space: linear functions
    (5, 8, 7, "first"),  # underdetermined with a difference operator
    (2, 8, 6, "second"),  # the fewest data the second difference allows
    (1, 6, 5, "first"),
    (1, 1, 1, "random"),
]


@pytest.mark.parametrize(("m", "n", "p", "kind"), SHAPES)
def test_identities_on_every_shape(m, n, p, kind):
    rng = np.random.default_rng(m * 100 + n * 10 + p)
    A = rng.standard_normal((m, n))
    L = make_L(kind, p, n, rng)
    G = gsvd(A, L)
    check_identities(G, A, L)
    assert G.rank_A == min(m, n)
    assert G.rank_L == min(p, n)


@given(
    m=st.integers(1, 12),
    n=st.integers(1, 8),
    p=st.integers(1, 10),
    kind=st.sampled_from(["random", "first", "second"]),
    seed=st.integers(0, 2**31),
)
def test_identities_random_shapes(m, n, p, kind, seed):
    rng = np.random.default_rng(seed)
    if (kind == "first" and n < 2) or (kind == "second" and n < 3):
        kind = "random"
    A = rng.standard_normal((m, n))
    L = make_L(kind, p, n, rng)
    if m + L.shape[0] < n:
        with pytest.raises(ValueError, match=r"\[A; L\] must be of full column rank"):
            gsvd(A, L)
        return
    # X X⁻¹ = I holds to about ε cond([A; L]) (random square blocks can be ill-conditioned)
    cond = np.linalg.cond(np.vstack([A, L]))
    G = gsvd(A, L)
    check_identities(G, A, L, x_tol=max(1e-12, 100 * EPS * cond))
    assert G.rank_L == np.linalg.matrix_rank(L)


def test_rank_deficient_A_with_full_rank_stack():
    rng = np.random.default_rng(0)
    n = 8
    A = rng.standard_normal((12, 3)) @ rng.standard_normal((3, n))  # rank 3
    for L in (diff_op(n, 1), diff_op(n, 2), np.eye(n), rng.standard_normal((5, n))):
        G = gsvd(A, L)
        check_identities(G, A, L)
        assert G.rank_A == 3
        # the n − 3 directions A annihilates are generalized pairs with σ = 0 (γ = 0)
        assert np.count_nonzero(G.sigma < 1e-12) == n - 3
    # underdetermined and rank deficient
    A = rng.standard_normal((5, 2)) @ rng.standard_normal((2, n))
    G = gsvd(A, diff_op(n, 1))
    check_identities(G, A, diff_op(n, 1))
    assert G.rank_A == 2


@pytest.mark.parametrize("L_kind", ["identity", "second"])
def test_ill_conditioned_A(L_kind):
    # Hilbert (cond 1.6e13) and a Vandermonde matrix (cond 2.5e11): the identities stay at ε level
    H = sla.hilbert(10)
    Vm = np.vander(np.linspace(0, 1, 25), 16, increasing=True)
    for A in (H, Vm):
        n = A.shape[1]
        assert np.linalg.cond(A) > 1e11
        L = np.eye(n) if L_kind == "identity" else diff_op(n, 2)
        G = gsvd(A, L)
        check_identities(G, A, L)
        assert G.gamma[0] < 1e-9 * G.gamma[-1]


def test_balancing_of_very_different_scales():
    # γ(cA, dL) = (c/d) γ(A, L): the power-of-2 balancing keeps small γ accurate
    rng = np.random.default_rng(4)
    A, L = rng.standard_normal((9, 6)), diff_op(6, 1)
    G, Gs = gsvd(A, L), gsvd(1e-8 * A, 1e5 * L)
    np.testing.assert_allclose(Gs.gamma, 1e-13 * G.gamma, rtol=1e-12)
    A_rec = Gs.U @ (Gs.sigma_all[:, None] * Gs.Xinv)
    L_rec = Gs.V @ (Gs.mu[:, None] * Gs.Xinv[:5])
    assert np.linalg.norm(A_rec - 1e-8 * A) <= 1e-12 * np.linalg.norm(1e-8 * A)
    assert np.linalg.norm(L_rec - 1e5 * L) <= 1e-12 * np.linalg.norm(1e5 * L)


# ------------------------------------------------------------------- generalized values


@pytest.mark.parametrize(("m", "n"), [(9, 6), (6, 6), (4, 7), (1, 3)])
def test_identity_L_gives_singular_values(m, n):
    rng = np.random.default_rng(m + n)
    A = rng.standard_normal((m, n)) * np.logspace(0, -3, n)
    G = gsvd(A, np.eye(n))
    s = np.sort(np.linalg.svd(A, compute_uv=False))
    assert G.gamma.shape == (n,) and G.n_unregularized == 0
    np.testing.assert_array_equal(G.gamma[: n - len(s)], 0.0)  # n − m structural zeros
    np.testing.assert_allclose(G.gamma[n - len(s) :], s, rtol=1e-12)


def test_identity_L_on_ill_conditioned_A():
    A = sla.hilbert(10)
    G = gsvd(A, np.eye(10))
    s = np.sort(np.linalg.svd(A, compute_uv=False))
    # both are accurate to ε‖A‖ in absolute terms (and the large ones to ε relative)
    np.testing.assert_allclose(G.gamma, s, rtol=1e-12, atol=100 * EPS * s[-1])


@pytest.mark.parametrize(("m", "n", "p"), [(9, 6, 6), (8, 5, 9), (4, 6, 6), (12, 8, 10)])
def test_generalized_eigenvalues(m, n, p):
    # γ_i² are the eigenvalues of the pencil (AᵀA, LᵀL) when LᵀL is nonsingular
    rng = np.random.default_rng(m * n * p)
    A = rng.standard_normal((m, n))
    L = rng.standard_normal((p, n)) + (3 * np.eye(p, n) if p >= n else 0)
    w = sla.eigh(A.T @ A, L.T @ L, eigvals_only=True)
    G = gsvd(A, L)
    assert G.n_unregularized == 0
    np.testing.assert_allclose(G.gamma, np.sqrt(np.clip(w, 0, None)), rtol=1e-9, atol=1e-7)


# ------------------------------------------------------------------------------ Tikhonov


@pytest.mark.parametrize(
    ("m", "n", "p", "kind"),
    [
        (12, 8, 7, "first"),
        (12, 8, 6, "second"),
        (9, 6, 4, "random"),
        (8, 5, 9, "random"),
        (5, 8, 7, "first"),
        (4, 7, 7, "random"),
    ],
)
def test_tikhonov_equals_normal_equations(m, n, p, kind):
    rng = np.random.default_rng(7 * m + n)
    A, b = rng.standard_normal((m, n)), rng.standard_normal(m)
    L = make_L(kind, p, n, rng)
    x0 = rng.standard_normal(n)
    lambdas = np.array([0.05, 0.3, 1.0, 4.0])
    G = gsvd(A, L)
    for prior in (None, x0):
        X = tikhonov_solutions(G, b, lambdas, x_prior=prior)
        assert X.shape == (lambdas.size, n)
        for i, lam in enumerate(lambdas):
            ref = normal_equations(A, L, b, lam, prior)
            assert np.linalg.norm(X[i] - ref) <= 1e-10 * np.linalg.norm(ref)


def test_tikhonov_beats_normal_equations_when_ill_conditioned():
    # cond(A) = 1e12; reference: the normal equations solved in 60-digit arithmetic (mpmath)
    rng = np.random.default_rng(3)
    m, n = 30, 20
    Uq = np.linalg.qr(rng.standard_normal((m, n)))[0]
    Vq = np.linalg.qr(rng.standard_normal((n, n)))[0]
    A = (Uq * np.logspace(0, -12, n)) @ Vq.T
    L = diff_op(n, 2)
    b = A @ np.sin(np.linspace(0, 3, n)) + 1e-10 * rng.standard_normal(m)
    lam = 1e-5
    with mpmath.workdps(60):
        Am, Lm, bm = mpmath.matrix(A.tolist()), mpmath.matrix(L.tolist()), mpmath.matrix(b.tolist())
        lm = mpmath.mpf(lam)
        ref_mp = mpmath.lu_solve(Am.T * Am + lm**2 * (Lm.T * Lm), Am.T * bm)
        ref = np.array([float(v) for v in ref_mp])

    def err(x):
        return np.linalg.norm(x - ref) / np.linalg.norm(ref)

    G = gsvd(A, L)
    e_gsvd = err(tikhonov_solutions(G, b, [lam])[0])
    e_normal = err(normal_equations(A, L, b, lam))
    e_stacked = err(stacked_lstsq(A, L, b, lam))
    assert e_gsvd < 1e-10  # measured 3e-12
    assert e_normal > 1e3 * e_gsvd  # measured 4e-7: the normal equations square cond
    assert e_gsvd < 100 * max(e_stacked, EPS)  # as good as a backward-stable solve


def test_tikhonov_rank_deficient_A_and_prior():
    rng = np.random.default_rng(11)
    n = 8
    A = rng.standard_normal((10, 3)) @ rng.standard_normal((3, n))
    L, b, x0 = diff_op(n, 1), rng.standard_normal(10), rng.standard_normal(n)
    G = gsvd(A, L)
    lambdas = np.array([0.01, 0.5, 3.0])
    X = tikhonov_solutions(G, b, lambdas, x_prior=x0)
    for i, lam in enumerate(lambdas):
        ref = stacked_lstsq(A, L, b, lam, x0)
        assert np.linalg.norm(X[i] - ref) <= 1e-10 * np.linalg.norm(ref)


def test_square_stack_is_independent_of_lambda():
    # m + p = n: A x = b and L x = 0 are solvable exactly, whatever λ
    rng = np.random.default_rng(2)
    A, L, b = rng.standard_normal((3, 5)), rng.standard_normal((2, 5)), rng.standard_normal(3)
    G = gsvd(A, L)
    check_identities(G, A, L)
    X = tikhonov_solutions(G, b, [0.1, 10.0])
    exact = np.linalg.solve(np.vstack([A, L]), np.r_[b, 0, 0])
    np.testing.assert_allclose(X, np.vstack([exact, exact]), atol=1e-12)


def test_norms_without_forming_solutions():
    rng = np.random.default_rng(5)
    for m, n, kind in [(15, 10, "second"), (6, 10, "first"), (12, 6, "random")]:
        A, b = rng.standard_normal((m, n)), rng.standard_normal(m)
        L = make_L(kind, n + 2, n, rng)
        x0 = rng.standard_normal(n)
        G = gsvd(A, L)
        lambdas = np.geomspace(1e-3, 1e2, 7)
        for prior in (None, x0):
            X = tikhonov_solutions(G, b, lambdas, x_prior=prior)
            rho, eta = tikhonov_norms(G, b, lambdas, x_prior=prior)
            shift = 0.0 if prior is None else prior
            # the direct residual carries a rounding error of about ε‖b‖ (here ρ → 0 for m < n)
            direct = np.linalg.norm(X @ A.T - b, axis=1)
            np.testing.assert_allclose(rho, direct, rtol=1e-10, atol=1e-13 * np.linalg.norm(b))
            np.testing.assert_allclose(
                eta, np.linalg.norm((X - shift) @ L.T, axis=1), rtol=1e-10, atol=1e-12
            )


def test_several_right_hand_sides():
    rng = np.random.default_rng(6)
    A, L = rng.standard_normal((9, 6)), diff_op(6, 2)
    B = rng.standard_normal((9, 3))
    G = gsvd(A, L)
    lambdas = [0.1, 1.0]
    X = tikhonov_solutions(G, B, lambdas)
    rho, eta = tikhonov_norms(G, B, lambdas)
    assert X.shape == (2, 6, 3) and rho.shape == eta.shape == (2, 3)
    for j in range(3):
        np.testing.assert_allclose(X[:, :, j], tikhonov_solutions(G, B[:, j], lambdas), atol=1e-14)
        rj, ej = tikhonov_norms(G, B[:, j], lambdas)
        np.testing.assert_allclose(rho[:, j], rj, rtol=1e-14)
        np.testing.assert_allclose(eta[:, j], ej, rtol=1e-14)


def test_filter_factors():
    f = filter_factors([0.0, 1.0, 2.0, np.inf], [0.0, 1.0, 2.0])
    expected = np.array([[0.0, 1.0, 1.0, 1.0], [0.0, 0.5, 0.8, 1.0], [0.0, 0.2, 0.5, 1.0]])
    np.testing.assert_allclose(f, expected, rtol=1e-15)
    rng = np.random.default_rng(8)
    G = gsvd(rng.standard_normal((9, 6)), diff_op(6, 1))
    lam = np.array([0.3, 3.0])
    f = filter_factors(G, lam)
    assert f.shape == (2, 5)
    np.testing.assert_allclose(f, G.gamma**2 / (G.gamma**2 + lam[:, None] ** 2), rtol=1e-14)
    # no overflow for huge γ, no underflow for tiny
    f = filter_factors([1e-200, 1e200], [1e-190, 1e190])
    np.testing.assert_allclose(f, [[1e-20, 1.0], [0.0, 1.0]], rtol=1e-14, atol=1e-300)
    with pytest.raises(ValueError, match="lambdas must be non-negative"):
        filter_factors(G, [-1.0])
    with pytest.raises(ValueError, match="g must be a GSVD"):
        filter_factors([[1.0]], [1.0])


def test_gsvd_path_matches_the_norms():
    rng = np.random.default_rng(9)
    A, b, x0 = rng.standard_normal((14, 9)), rng.standard_normal(14), rng.standard_normal(9)
    L = diff_op(9, 2)
    lambdas = np.geomspace(1e-2, 1e1, 5)
    path, solution = gsvd_path(A, L, b, x0, lambdas, lambda g: np.geomspace(g.min(), g.max(), 4))
    G = gsvd(A, L)
    rho, eta = tikhonov_norms(G, b, lambdas, x_prior=x0)
    np.testing.assert_allclose(path.residual_norm, rho, rtol=1e-12)
    np.testing.assert_allclose(path.solution_norm, eta, rtol=1e-12)
    assert np.all(np.diff(path.gamma) <= 0)  # descending, like the SVD route
    np.testing.assert_allclose(path.dof, filter_factors(G, lambdas).sum(axis=1) + 2, rtol=1e-12)
    X = tikhonov_solutions(G, b, lambdas, x_prior=x0)
    np.testing.assert_allclose(solution(float(lambdas[2])), X[2], rtol=1e-12, atol=1e-14)
    assert path.residuals is not None
    np.testing.assert_allclose(path.residuals, b - X @ A.T, atol=1e-12)
    default, _ = gsvd_path(A, L, b, None, None, lambda g: np.geomspace(g.min(), g.max(), 4))
    assert default.lambdas.shape == (4,)


# ---------------------------------------------------------------------------------- errors


def test_rank_deficient_stack_raises():
    rng = np.random.default_rng(10)
    n = 7
    A = rng.standard_normal((10, n))
    A -= A.mean(axis=1, keepdims=True)  # A annihilates the constants, like the first difference
    with pytest.raises(ValueError, match=r"\[A; L\] must be of full column rank n = 7"):
        gsvd(A, diff_op(n, 1))
    with pytest.raises(ValueError, match="numerical rank 5"):
        gsvd(np.zeros((4, n)), diff_op(n, 2))
    with pytest.raises(ValueError, match=r"got only m \+ p = 6 rows"):
        gsvd(A[:1], diff_op(n, 2)[:5])
    B = rng.standard_normal((10, 3)) @ rng.standard_normal((3, n))
    with pytest.raises(ValueError, match="not unique"):
        gsvd(B, rng.standard_normal((3, n)))


def test_input_validation():
    A = np.ones((3, 2))
    with pytest.raises(ValueError, match="L must be a matrix with n = 2 columns"):
        gsvd(A, np.eye(3))
    with pytest.raises(ValueError, match="A must be finite"):
        gsvd(np.array([[1.0, np.nan]]), np.eye(2))
    with pytest.raises(ValueError, match="L must be a 2-D array"):
        gsvd(A, np.ones(2))
    G = gsvd(np.eye(2), np.eye(2))
    with pytest.raises(ValueError, match="b must be of shape"):
        tikhonov_solutions(G, np.ones(3), [1.0])
    with pytest.raises(ValueError, match="x_prior must be of shape"):
        tikhonov_solutions(G, np.ones(2), [1.0], x_prior=np.ones(3))
    with pytest.raises(ValueError, match="lambdas must be finite"):
        tikhonov_norms(G, np.ones(2), [np.inf])
