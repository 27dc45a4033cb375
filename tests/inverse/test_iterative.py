"""Iterative Tikhonov: LSQR/CGLS against the direct solution, Golub–Kahan identities, and the
hybrid method on a 2-D deblurring problem against the best direct Tikhonov error."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.sparse.linalg import LinearOperator, aslinearoperator, lsqr

from ridgeway.inverse import problems
from ridgeway.inverse.iterative import golub_kahan, hybrid_lsqr, tikhonov_lsqr


class CountingOperator(LinearOperator):
    """A matrix-free operator: only products with vectors, each one counted."""

    def __init__(self, A):
        super().__init__(dtype=np.float64, shape=A.shape)
        self._A = A
        self._At = A.T.tocsr() if sp.issparse(A) else A.T
        self.n_matvec = 0
        self.n_rmatvec = 0

    def _matvec(self, v):
        assert v.size == self.shape[1]
        self.n_matvec += 1
        return self._A @ v.reshape(-1)

    def _rmatvec(self, u):
        assert u.size == self.shape[0]
        self.n_rmatvec += 1
        return self._At @ u.reshape(-1)

    def _matmat(self, X):
        raise AssertionError("matrix-matrix product requested")

    def _rmatmat(self, X):
        raise AssertionError("matrix-matrix product requested")

    def toarray(self):
        raise AssertionError("dense form requested")


def _problem(m=40, n=25, seed=0):
    rng = np.random.default_rng(seed)
    A = rng.normal(size=(m, n)) * np.geomspace(1.0, 1e-2, n)
    b = rng.normal(size=m)
    return A, b, rng


def _direct(A, b, lam, L, x_prior):
    """lstsq on the stacked system [A; λL] x = [b; λ L x₀]."""
    n = A.shape[1]
    Ld = np.eye(n) if L is None else (L.toarray() if sp.issparse(L) else np.asarray(L))
    M = np.vstack([A, lam * Ld])
    rhs = np.concatenate([b, lam * Ld @ x_prior])
    return np.linalg.lstsq(M, rhs, rcond=None)[0]


def _as_kind(A, kind):
    if kind == "dense":
        return A
    if kind == "sparse":
        return sp.csr_matrix(A)
    return CountingOperator(A)


@pytest.mark.parametrize("kind", ["dense", "sparse", "operator"])
@pytest.mark.parametrize("L_kind", ["identity", "first", "dense"])
@pytest.mark.parametrize("method", ["lsqr", "cgls"])
def test_lsqr_equals_direct(kind, L_kind, method):
    A, b, rng = _problem()
    n = A.shape[1]
    L = {
        "identity": None,
        "first": sp.diags([-np.ones(n - 1), np.ones(n - 1)], [0, 1], shape=(n - 1, n)),
        "dense": rng.normal(size=(n + 3, n)),
    }[L_kind]
    x_prior = rng.normal(size=n)
    lam = 0.3
    expected = _direct(A, b, lam, L, x_prior)
    Aop = _as_kind(A, kind)
    Lop = aslinearoperator(L) if (kind == "operator" and L is not None) else L
    close = {"rtol": 0.0, "atol": 1e-8 * np.abs(expected).max()}
    cold = tikhonov_lsqr(Aop, b, lam, L=Lop, x_prior=x_prior, tol=1e-11, method=method)
    np.testing.assert_allclose(cold.x, expected, **close)
    assert cold.converged and cold.stop_reason == "converged"
    if kind == "operator":  # one pair of products per iteration, plus one each to start/finish
        assert Aop.n_matvec == Aop.n_rmatvec == cold.iterations + 1
    # a warm start changes the iteration count only, never the answer
    warm = tikhonov_lsqr(
        Aop, b, lam, L=Lop, x_prior=x_prior, x0=expected + 1e-6, tol=1e-11, method=method
    )
    far = tikhonov_lsqr(
        Aop, b, lam, L=Lop, x_prior=x_prior, x0=100 * rng.normal(size=n), tol=1e-11, method=method
    )
    for res in (warm, far):
        assert res.converged
        np.testing.assert_allclose(res.x, expected, **close)
    if method == "lsqr":
        assert warm.iterations < cold.iterations
    # the reported norms are those of the solution
    Ld = np.eye(n) if L is None else (L.toarray() if sp.issparse(L) else L)
    assert cold.residual_norm == pytest.approx(np.linalg.norm(A @ expected - b), rel=1e-9)
    assert cold.solution_norm == pytest.approx(np.linalg.norm(Ld @ (expected - x_prior)), rel=1e-8)
    assert cold.history.shape == (cold.iterations,)


def test_warm_start_is_not_the_prior_unlike_scipy_damp():
    """scipy's lsqr(damp, x0) penalizes ‖x − x0‖; tikhonov_lsqr keeps x0 a warm start."""
    A, b, rng = _problem()
    x0 = rng.normal(size=A.shape[1])
    lam = 0.5
    scipy_x = lsqr(A, b, damp=lam, x0=x0, atol=1e-14, btol=1e-14)[0]
    np.testing.assert_allclose(scipy_x, _direct(A, b, lam, None, x0), rtol=1e-8, atol=1e-10)
    ours = tikhonov_lsqr(A, b, lam, x0=x0, tol=1e-13)
    np.testing.assert_allclose(ours.x, _direct(A, b, lam, None, 0 * x0), rtol=1e-8, atol=1e-10)
    assert np.abs(ours.x - scipy_x).max() > 1e-3


def test_several_lambdas_and_least_squares():
    A, b, _ = _problem()
    lams = [10.0, 1.0, 0.1, 0.0]
    results = tikhonov_lsqr(A, b, lams, tol=1e-13)
    assert isinstance(results, list) and len(results) == 4
    for lam, res in zip(lams, results, strict=True):
        assert res.lam == lam
        np.testing.assert_allclose(res.x, _direct(A, b, lam, None, np.zeros(25)), atol=1e-8)
    np.testing.assert_allclose(results[-1].x, np.linalg.lstsq(A, b, rcond=None)[0], atol=1e-8)


def test_lsqr_callback_and_stop():
    A, b, _ = _problem()
    seen = []

    def cb(it, x, info):
        seen.append((it, info["residual_norm"]))
        assert x.shape == (25,) and set(info) == {"lam", "residual_norm", "normal_residual"}
        return it == 3

    res = tikhonov_lsqr(A, b, 0.2, callback=cb)
    assert [s[0] for s in seen] == [1, 2, 3]
    assert res.stop_reason == "callback" and not res.converged and res.iterations == 3
    np.testing.assert_allclose(res.history, [s[1] for s in seen])
    full = tikhonov_lsqr(A, b, 0.2, max_iter=2)
    assert full.stop_reason == "max_iter" and full.iterations == 2


def test_lsqr_exact_warm_start():
    A, b, _ = _problem()
    x = _direct(A, b, 0.3, None, np.zeros(25))
    res = tikhonov_lsqr(A, b, 0.3, x0=x, tol=1e-6)
    assert res.iterations <= 1 and res.converged


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"lam": -1.0}, "lam must be finite and non-negative"),
        ({"lam": 1.0, "method": "cg"}, "method must be one of"),
        ({"lam": 1.0, "x_prior": np.ones(3)}, "x_prior must be a vector of length 25"),
        ({"lam": 1.0, "x0": np.ones(3)}, "x0 must be a vector of length 25"),
        ({"lam": 1.0, "L": np.ones((4, 3))}, "L must be an operator with n = 25 columns"),
        ({"lam": 1.0, "tol": 0.0}, "tol must be finite and positive"),
        ({"lam": 1.0, "max_iter": 0}, "max_iter must be a positive integer"),
        ({"lam": 1.0, "callback": 3}, "callback must be callable"),
    ],
)
def test_lsqr_validation(kwargs, match):
    A, b, _ = _problem()
    lam = kwargs.pop("lam")
    with pytest.raises((ValueError, TypeError), match=match):
        tikhonov_lsqr(A, b, lam, **kwargs)


def test_input_validation_of_A_and_b():
    A, b, _ = _problem()
    with pytest.raises(ValueError, match="b must be a vector of length 40"):
        tikhonov_lsqr(A, b[:-1], 1.0)
    with pytest.raises(ValueError, match="A must be finite"):
        tikhonov_lsqr(np.full((3, 2), np.nan), np.ones(3), 1.0)
    with pytest.raises(ValueError, match="A must be a non-empty 2-D matrix"):
        hybrid_lsqr(np.ones(3), np.ones(3))
    with pytest.raises(ValueError, match="b must be finite"):
        golub_kahan(A, np.full(40, np.inf), 2)
    with pytest.raises(ValueError, match="noise_norm must be given"):
        hybrid_lsqr(A, b, rule="discrepancy")
    with pytest.raises(ValueError, match="rule must be one of"):
        hybrid_lsqr(A, b, rule="lcurve")
    with pytest.raises(ValueError, match=r"omega must be in \(0, 1\]"):
        hybrid_lsqr(A, b, omega=2.0)


# --------------------------------------------------------------------------- Golub–Kahan


def _graded(m=150, n=120, seed=0):
    """A with singular values 1 … 1e-10: Lanczos vectors lose orthogonality without care."""
    rng = np.random.default_rng(seed)
    Q1 = np.linalg.qr(rng.normal(size=(m, n)))[0]
    Q2 = np.linalg.qr(rng.normal(size=(n, n)))[0]
    A = Q1 @ np.diag(np.geomspace(1.0, 1e-10, n)) @ Q2.T
    return A, A @ np.ones(n) + 1e-6 * rng.normal(size=m)


@pytest.mark.parametrize("kind", ["dense", "sparse", "operator"])
def test_golub_kahan_identities(kind):
    A, b = _graded()
    k = 60
    U, B, V = golub_kahan(_as_kind(A, kind), b, k)
    assert U.shape == (150, k + 1) and B.shape == (k + 1, k) and V.shape == (120, k)
    assert np.abs(A @ V - U @ B).max() <= 1e-12
    assert np.abs(U.T @ U - np.eye(k + 1)).max() <= 1e-12
    assert np.abs(V.T @ V - np.eye(k)).max() <= 1e-12
    np.testing.assert_allclose(U[:, 0], b / np.linalg.norm(b), atol=1e-15)
    assert np.array_equal(B, np.tril(np.triu(B, -1)))  # lower bidiagonal
    assert (np.diag(B) > 0).all() and (np.diag(B, -1) > 0).all()
    # span(V_k) is the Krylov space of the k-th LSQR iterate: LSQR's x_k is V_k B_k⁺ β₁e₁
    x5 = tikhonov_lsqr(A, b, 0.0, max_iter=5).x
    U5, B5, V5 = golub_kahan(A, b, 5)
    y5 = np.linalg.lstsq(B5, np.linalg.norm(b) * np.eye(6)[:, 0], rcond=None)[0]
    np.testing.assert_allclose(V5 @ y5, x5, rtol=1e-8, atol=1e-10)


def test_golub_kahan_without_reorthogonalization_loses_orthogonality():
    A, b = _graded()
    U, B, V = golub_kahan(A, b, 60, reorthogonalize=False)
    assert np.abs(V.T @ V - np.eye(V.shape[1])).max() > 1e-3
    A, b = problems.shaw(120)[:2]  # numerically invariant after ~18 steps: stops early
    assert golub_kahan(A, b, 60)[2].shape[1] < 30


def test_golub_kahan_stops_on_invariant_subspace():
    rng = np.random.default_rng(1)
    A = rng.normal(size=(30, 3)) @ rng.normal(size=(3, 20))  # rank 3
    U, B, V = golub_kahan(A, rng.normal(size=30), 10)
    assert V.shape[1] == 3
    assert np.abs(A @ V - U @ B).max() <= 1e-12 * np.linalg.norm(A, 2)


# --------------------------------------------------------------------------- hybrid


def test_hybrid_in_the_full_space_is_direct_tikhonov():
    """With k = n steps V_k spans Rⁿ: the iterate is the exact Tikhonov solution at its λ."""
    A, b, rng = _problem(m=30, n=12)
    b = A @ rng.normal(size=12) + 0.05 * rng.normal(size=30)
    res = hybrid_lsqr(A, b, rule="gcv", max_iter=12, patience=100, flat_tol=0.0, tol=1e-14)
    assert res.iterations == 12 and res.stop_reason in ("max_iter", "breakdown")
    np.testing.assert_allclose(res.x, _direct(A, b, res.lam, None, np.zeros(12)), atol=1e-10)
    assert res.residual_norms[-1] == pytest.approx(np.linalg.norm(A @ res.x - b), rel=1e-10)
    # λ minimizes the GCV function of the projected problem, ‖B y − β₁e₁‖² / (k + 1 − Σ f_i)²
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    beta = U.T @ b
    grid = np.geomspace(1e-4, 10, 4000)
    f = s**2 / (s**2 + grid[:, None] ** 2)
    rho2 = (((1 - f) * beta) ** 2).sum(1) + np.linalg.norm(b - U @ beta) ** 2
    gcv = rho2 / (12 + 1 - f.sum(1)) ** 2
    assert res.lam == pytest.approx(grid[np.argmin(gcv)], rel=5e-3)
    assert res.path is not None
    np.testing.assert_allclose(
        res.path.residual_norm**2, np.interp(res.path.lambdas, grid, rho2), rtol=1e-3
    )


def test_hybrid_discrepancy_hits_the_target_and_prior_shift():
    A, b, x = problems.shaw(100)
    bn = problems.add_noise(b, 0.01, seed=3)
    delta = np.linalg.norm(bn - b)
    res = hybrid_lsqr(A, bn, rule="discrepancy", noise_norm=delta, tau=1.1)
    assert res.stop_reason == "stabilized"
    assert np.linalg.norm(A @ res.x - bn) == pytest.approx(1.1 * delta, rel=1e-6)
    # x_prior: the same as solving for x − x₀ with b − A x₀
    x_prior = np.linspace(0.0, 1.0, 100)
    shifted = hybrid_lsqr(A, bn, rule="discrepancy", noise_norm=delta, tau=1.1, x_prior=x_prior)
    ref = hybrid_lsqr(A, bn - A @ x_prior, rule="discrepancy", noise_norm=delta, tau=1.1)
    np.testing.assert_allclose(shifted.x, ref.x + x_prior, atol=1e-10)
    # nothing to do when the prior already satisfies the discrepancy principle
    trivial = hybrid_lsqr(A, bn, rule="discrepancy", noise_norm=delta, x_prior=x)
    assert trivial.stop_reason == "discrepancy_at_prior" and trivial.lam == np.inf


def test_hybrid_callback_reports_exact_norms():
    A, b, x = problems.shaw(100)
    bn = problems.add_noise(b, 0.01, seed=0)
    seen = []

    def cb(k, xk, info):
        seen.append(k)
        assert info["residual_norm"] == pytest.approx(np.linalg.norm(A @ xk - bn), rel=1e-9)
        assert info["solution_norm"] == pytest.approx(np.linalg.norm(xk), rel=1e-9)
        return k == 5

    res = hybrid_lsqr(A, bn, callback=cb)
    assert seen == [1, 2, 3, 4, 5] and res.stop_reason == "callback"
    assert res.lambdas.shape == res.gcv.shape == res.omegas.shape == (5,)
    assert res.path is not None and res.path.n_data == 100


def test_local_minima_count_plateaus_once():
    from ridgeway.inverse._projected import _local_minima

    # a plateau on the left (with rounding noise), an interior minimum, a rising end
    v = np.r_[np.full(10, 1.0) * (1 + 1e-13 * (np.arange(10) % 2)), 2.0, 3.0, 0.5, 0.7, 4.0]
    assert _local_minima(v) == [9, 12]
    assert _local_minima(np.r_[3.0, 2.0, 1.0, 1.0, 1.0]) == [2]  # a plateau on the right
    assert _local_minima(np.ones(5)) == [2]  # flat: the middle


def _kron_factor(N, band, sigma):
    """T₀ of Hansen's blur: A = T₀ ⊗ T₀ / (2πσ²), T₀ banded Toeplitz exp(−k²/(2σ²))."""
    z = np.exp(-(np.arange(band) ** 2) / (2 * sigma**2))
    T0 = np.zeros((N, N))
    for k in range(band):
        T0 += np.diag(np.full(N - k, z[k]), k)
        if k:
            T0 += np.diag(np.full(N - k, z[k]), -k)
    return T0


def _best_direct_error(T0, c, b, x, lambdas):
    """min over λ of ‖x_λ − x‖/‖x‖ for A = c T₀ ⊗ T₀, through the SVD of the 64×64 factor."""
    N = T0.shape[0]
    U, s, Vt = np.linalg.svd(T0)
    # (U ⊗ U)ᵀ b and (V ⊗ V)ᵀ x with kron(T, T) @ X.ravel() = (T X Tᵀ).ravel()
    beta = (U.T @ b.reshape(N, N) @ U).ravel()
    xi = (Vt @ x.reshape(N, N) @ Vt.T).ravel()
    sv = c * np.outer(s, s).ravel()
    errors = [np.linalg.norm(sv * beta / (sv**2 + lam**2) - xi) for lam in lambdas]
    return float(np.min(errors)) / float(np.linalg.norm(x))


def test_hybrid_on_2d_deblurring_matches_best_direct_tikhonov():
    """64×64 Gaussian blur (A 4096×4096, only through products), 1 % noise.

    Regularization Tools' defaults band = 3, σ = 0.7 give cond(A) ≈ 31, not ill-posed; band = 6,
    σ = 1.5 give cond(A) ≈ 4.5e10. The hybrid error must be within 1.5× of the best error of
    direct Tikhonov over a 200-point λ grid.
    """
    N, band, sigma = 64, 6, 1.5
    A, b, x = problems.blur(N, band=band, sigma=sigma)
    bn = problems.add_noise(b, 0.01, seed=0)
    T0 = _kron_factor(N, band, sigma)
    c = 1.0 / (2 * np.pi * sigma**2)
    assert abs(sp.kron(T0, T0) * c - A).max() < 1e-14
    smax = c * np.linalg.norm(T0, 2) ** 2
    best = _best_direct_error(T0, c, bn, x, np.geomspace(1e-6 * smax, smax, 200))

    ratios = {}
    for rule in ("wgcv", "discrepancy"):
        op = CountingOperator(A)
        res = hybrid_lsqr(op, bn, rule=rule, noise_norm=0.01 * np.linalg.norm(b))
        err = np.linalg.norm(res.x - x) / np.linalg.norm(x)
        ratios[rule] = err / best
        assert op.n_matvec == op.n_rmatvec == res.iterations  # only products, one pair a step
        assert res.iterations < 100
        assert res.stop_reason in ("gcv_minimum", "gcv_flat", "stabilized")
    assert ratios["wgcv"] <= 1.5, ratios
    assert ratios["discrepancy"] <= 1.5, ratios


def _general_L(kind, n, rng):
    D1 = sp.diags([-np.ones(n - 1), np.ones(n - 1)], [0, 1], shape=(n - 1, n))
    return {
        "first": D1,
        "second": sp.diags(
            [np.ones(n - 2), -2 * np.ones(n - 2), np.ones(n - 2)], [0, 1, 2], shape=(n - 2, n)
        ),
        "first_dense": D1.toarray(),  # dense but banded: the sparse route
        "square": sp.diags([2 * np.ones(n), -np.ones(n - 1)], [0, 1]),
        "tall_dense": rng.normal(size=(n + 3, n)),  # the SVD route
        "rank_deficient": rng.normal(size=(n + 3, 4)) @ rng.normal(size=(4, n)),
        "singular_block": sp.csr_matrix(np.hstack([np.zeros((n - 1, 1)), np.eye(n - 1)])),
    }[kind]


@pytest.mark.parametrize(
    "kind",
    ["first", "second", "first_dense", "square", "tall_dense", "rank_deficient", "singular_block"],
)
@pytest.mark.parametrize("rule", ["gcv", "discrepancy"])
def test_hybrid_general_L_in_the_full_space_is_direct_tikhonov(kind, rule):
    A, b, rng = _problem(m=30, n=12)
    b = A @ rng.normal(size=12) + 0.05 * rng.normal(size=30)
    L = _general_L(kind, 12, rng)
    x_prior = rng.normal(size=12)
    op = CountingOperator(A)
    res = hybrid_lsqr(
        op, b, L=L, x_prior=x_prior, rule=rule, noise_norm=0.05 * np.sqrt(30),
        max_iter=12, patience=100, flat_tol=0.0, tol=1e-14,
    )  # fmt: skip
    assert 0 < res.lam < np.inf
    np.testing.assert_allclose(res.x, _direct(A, b, res.lam, L, x_prior), atol=1e-10)
    Ld = L.toarray() if sp.issparse(L) else L
    assert res.residual_norms[-1] == pytest.approx(np.linalg.norm(A @ res.x - b), rel=1e-10)
    assert res.solution_norms[-1] == pytest.approx(np.linalg.norm(Ld @ (res.x - x_prior)), rel=1e-9)
    if rule == "discrepancy":
        assert res.residual_norms[-1] == pytest.approx(1.01 * 0.05 * np.sqrt(30), rel=1e-8)
    q = 12 - np.linalg.matrix_rank(Ld)
    assert op.n_matvec == res.iterations + 1 + q  # + r₀ = b − A x₀ and A W


def test_hybrid_general_L_validation():
    A, b, _ = _problem(m=30, n=12)
    with pytest.raises(TypeError, match="L must be a dense or sparse matrix"):
        hybrid_lsqr(A, b, L=aslinearoperator(np.eye(12)))
    with pytest.raises(ValueError, match="L must be a matrix with n = 12 columns"):
        hybrid_lsqr(A, b, L=sp.eye(5))
    A0 = A.copy()
    A0[:, 0] = 0.0  # A e₁ = 0 and L e₁ = 0: no unique solution
    with pytest.raises(ValueError, match="L must be without a null vector"):
        hybrid_lsqr(A0, b, L=sp.diags(np.r_[0.0, np.ones(11)]))


def test_hybrid_for_tikhonov_route():
    from ridgeway.inverse.iterative import hybrid_for_tikhonov

    A, b, x = problems.shaw(100)
    bn = problems.add_noise(b, 0.01, seed=0)
    res = hybrid_for_tikhonov(aslinearoperator(A), bn, method="gcv")
    ref = hybrid_lsqr(A, bn)
    np.testing.assert_allclose(res.x, ref.x)
    assert res.solver == "hybrid" and res.lam == ref.lam and res.alpha == ref.lam**2
    assert res.info["stop_reason"] == ref.stop_reason and res.path is not None
    with pytest.raises(ValueError, match="method must be 'gcv' or 'discrepancy'"):
        hybrid_for_tikhonov(A, bn, method="lcurve")
