"""Regularization Tools' test problems against their published definitions.

Three kinds of check: identities that hold exactly for the discretization (to rounding), entries
worked out by hand from the formulas or published numbers, and the closed forms of b and x
against an independent quadrature of g and f over the cells.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
import scipy.linalg as sla
import scipy.sparse as sp
from scipy.integrate import quad

from ridgeway.inverse.problems import (
    add_noise,
    baart,
    blur,
    deriv2,
    foxgood,
    gravity,
    heat,
    phillips,
    shaw,
    wing,
)

ONE_D = [
    (shaw, 16),
    (phillips, 16),
    (baart, 16),
    (deriv2, 16),
    (foxgood, 16),
    (gravity, 16),
    (heat, 16),
    (wing, 16),
]


def _cells(n, lo, hi):
    """Edges (left, right) of n equal cells of [lo, hi]."""
    e = np.linspace(lo, hi, n + 1)
    return itertools.pairwise(e)


def _galerkin(f, n, lo, hi, **kw):
    """∫ f over each of n equal cells of [lo, hi] by adaptive quadrature (÷ √h gives ∫ f φ_i)."""
    return np.array([quad(f, a, b, epsabs=0, epsrel=1e-12, **kw)[0] for a, b in _cells(n, lo, hi)])


# --------------------------------------------------------------------------------------------
# shapes and validation


@pytest.mark.parametrize(("fn", "n"), ONE_D)
def test_shapes_and_dtypes(fn, n):
    A, b, x = fn(n)
    for arr in (A, b, x):
        assert isinstance(arr, np.ndarray) and arr.dtype == np.float64
        assert np.isfinite(arr).all()
    assert A.shape == (n, n) and b.shape == (n,) and x.shape == (n,)


@pytest.mark.parametrize(
    ("call", "exc", "msg"),
    [
        (lambda: shaw(7), ValueError, "n must be even for shaw; got 7"),
        (lambda: shaw(0), ValueError, "n must be a positive multiple of 2 for shaw; got 0"),
        (lambda: shaw(8.0), TypeError, "n must be a positive integer; got 8.0"),
        (lambda: shaw(True), TypeError, "n must be a positive integer; got True"),
        (lambda: phillips(10), ValueError, "n must be a multiple of 4 for phillips; got 10"),
        (lambda: baart(9), ValueError, "n must be even for baart; got 9"),
        (lambda: heat(9), ValueError, "n must be even for heat; got 9"),
        (lambda: deriv2(9, 3), ValueError, "n must be even for deriv2 example 3; got 9"),
        (lambda: deriv2(8, 4), ValueError, "example must be 1, 2 or 3; got 4"),
        (lambda: foxgood(-1), ValueError, "n must be a positive integer for foxgood; got -1"),
        (lambda: gravity(8, 0), ValueError, "example must be 1, 2 or 3; got 0"),
        (lambda: gravity(8, a=1.0, b=0.0), ValueError, "a must be smaller than b = 0; got 1.0"),
        (lambda: gravity(8, d=0.0), ValueError, "d must be positive; got 0.0"),
        (lambda: heat(8, kappa=-1), ValueError, "kappa must be positive; got -1.0"),
        (lambda: wing(8, 0.6, 0.3), ValueError, "t1 must be smaller than t2 = 0.3; got 0.6"),
        (lambda: wing(8, float("nan")), ValueError, "t1 must be finite; got nan"),
        (lambda: blur(0), ValueError, "N must be a positive integer for blur; got 0"),
        (lambda: blur(8, band=0), ValueError, "band must be a positive integer for blur; got 0"),
        (lambda: blur(8, sigma=0), ValueError, "sigma must be positive; got 0.0"),
        (lambda: add_noise([1.0], -0.1), ValueError, "level must be non-negative; got -0.1"),
        (lambda: add_noise([], 0.1), ValueError, "b must be non-empty; got shape (0,)"),
        (lambda: add_noise([1.0, np.nan], 0.1), ValueError, "b must be finite"),
    ],
)
def test_validation_messages(call, exc, msg):
    with pytest.raises(exc) as info:
        call()
    assert str(info.value).startswith(msg)


def test_numpy_integers_accepted():
    A, _, _ = shaw(np.int64(8))
    assert A.shape == (8, 8)


# --------------------------------------------------------------------------------------------
# shaw


def test_shaw_entries_by_hand():
    # n = 2: h = π/2, t = ±π/4. On the diagonal cos s + cos t = √2 and u = ∓√2π, so
    # A_ii = (π/2) · 2 sin²(√2π)/(2π²) = sin²(√2π)/(2π); off it u = 0 and A_12 = (π/2)(√2)² = π.
    A, b, x = shaw(2)
    d = math.sin(math.sqrt(2) * math.pi) ** 2 / (2 * math.pi)
    np.testing.assert_allclose(A, [[d, math.pi], [math.pi, d]], rtol=1e-14)
    # x is the sum of two Gaussians at the midpoints
    f = [
        2 * math.exp(-6 * (t - 0.8) ** 2) + math.exp(-2 * (t + 0.5) ** 2)
        for t in (-math.pi / 4, math.pi / 4)
    ]
    np.testing.assert_allclose(x, f, rtol=1e-15)
    np.testing.assert_allclose(b, A @ x, rtol=1e-15)


def test_shaw_against_the_kernel_formula():
    n = 24
    A, b, x = shaw(n)
    h = math.pi / n
    t = [-math.pi / 2 + (i + 0.5) * h for i in range(n)]

    def K(s, u):
        w = math.pi * (math.sin(s) + math.sin(u))
        sinc = 1.0 if abs(w) < 1e-300 else math.sin(w) / w
        return (math.cos(s) + math.cos(u)) ** 2 * sinc**2

    for i, j in [(0, 0), (0, 23), (3, 20), (5, 9), (11, 12), (23, 23)]:
        assert A[i, j] == pytest.approx(h * K(t[i], t[j]), rel=1e-12, abs=1e-15)
    np.testing.assert_allclose(b, A @ x, rtol=0, atol=0)


def test_shaw_is_symmetric_and_persymmetric():
    A, _, _ = shaw(64)
    assert np.array_equal(A, A.T)
    np.testing.assert_allclose(A, A[::-1, ::-1], rtol=1e-14, atol=0)


# --------------------------------------------------------------------------------------------
# phillips


def test_phillips_symmetric_banded_toeplitz():
    n = 32
    A, _, _ = phillips(n)
    assert np.array_equal(A, A.T)
    assert np.array_equal(A, sla.toeplitz(A[0]))
    # φ(s − t) vanishes for |s − t| ≥ 3 = (n/4) h: nonzero for offsets 0..n/4, zero beyond
    assert np.all(A[0, : n // 4 + 1] > 0) and np.all(A[0, n // 4 + 1 :] == 0)


def test_phillips_entries_by_hand():
    # n = 4, h = 3. Same cell: (1/h)(9 + |∫₀³ e^{iπs/3} ds|²) = (9 + 36/π²)/3 = 3 + 12/π².
    # Adjacent cells: only s − t = u ∈ [0, 3] counts, with weight u:
    # (1/3) ∫₀³ u (1 + cos(πu/3)) du = (4.5 − 18/π²)/3 = 1.5 − 6/π².
    A, _, _ = phillips(4)
    p2 = math.pi**2
    np.testing.assert_allclose(A[0], [3 + 12 / p2, 1.5 - 6 / p2, 0, 0], rtol=1e-14, atol=1e-16)


def test_phillips_is_galerkin():
    n = 16
    A, b, x = phillips(n)
    h = 12.0 / n

    def phi(u):
        return 1 + math.cos(math.pi * u / 3) if abs(u) < 3 else 0.0

    def g(s):
        s = abs(s)
        return (6 - s) * (1 + 0.5 * math.cos(s * math.pi / 3)) + 9 / (2 * math.pi) * math.sin(
            s * math.pi / 3
        )

    # the closed form differences an antiderivative of size ~20: absolute accuracy ~1e-15
    np.testing.assert_allclose(b, _galerkin(g, n, -6, 6) / math.sqrt(h), rtol=1e-12, atol=1e-14)
    xq = _galerkin(phi, n, -6, 6, points=[-3, 3]) / math.sqrt(h)
    np.testing.assert_allclose(x, xq, rtol=1e-12, atol=1e-15)
    # A_0k = (1/h) ∫∫ φ(s − t) over two cells k apart = (1/h) ∫ (h − |u − kh|) φ(u) du
    for k in range(6):
        v = quad(
            lambda u, k=k: (h - abs(u - k * h)) * phi(u),
            (k - 1) * h,
            (k + 1) * h,
            points=[-3, 3, k * h],
        )[0]
        assert A[0, k] == pytest.approx(v / h, rel=1e-12, abs=1e-15)


def test_phillips_ax_approaches_b():
    # b is the exact Galerkin right-hand side: A x − b is the O(h²) discretization error
    errs = []
    for n in (16, 32, 64):
        A, b, x = phillips(n)
        errs.append(np.linalg.norm(A @ x - b) / np.linalg.norm(b))
    assert errs[0] < 0.02 and errs[1] < errs[0] / 3 and errs[2] < errs[1] / 3


# --------------------------------------------------------------------------------------------
# baart


def test_baart_nonsymmetric_and_galerkin():
    n = 8
    A, b, x = baart(n)
    assert not np.allclose(A, A.T)
    hs, ht = math.pi / (2 * n), math.pi / n
    # x_j = (1/√ht) ∫ sin t over cell j, exactly
    np.testing.assert_allclose(x, _galerkin(math.sin, n, 0, math.pi) / math.sqrt(ht), rtol=1e-13)

    # b_i = (1/√hs) ∫ 2 sinh(s)/s over cell i, by Simpson's rule (published): close to exact
    def g(s):
        return 2 * math.sinh(s) / s if s else 2.0

    np.testing.assert_allclose(b, _galerkin(g, n, 0, math.pi / 2) / math.sqrt(hs), rtol=1e-6)

    # A_ij = (1/√(hs ht)) ∫∫ exp(s cos t), the t integral by Simpson's rule (published)
    def inner(t, i):
        c = math.cos(t)
        if abs(c) < 1e-14:
            return hs
        return (math.exp((i + 1) * hs * c) - math.exp(i * hs * c)) / c

    for i, j in [(0, 0), (3, 5), (7, 7), (2, 3), (5, 4)]:
        v = quad(inner, j * ht, (j + 1) * ht, args=(i,), epsabs=0, epsrel=1e-13)[0]
        assert A[i, j] == pytest.approx(v / math.sqrt(hs * ht), rel=1e-4)


def test_baart_entry_by_hand():
    # n = 2: hs = π/4, ht = π/2. A_11 = (1/(3√2)) (F(1) + 4 F(cos π/4) + F(0)) with
    # F(c) = (e^{hs c} − 1)/c and F(0) = hs (Simpson's rule on the first t cell)
    A, _, _ = baart(2)
    hs = math.pi / 4

    def F(c):
        return math.expm1(hs * c) / c if c else hs

    v = (F(1.0) + 4 * F(math.cos(math.pi / 4)) + F(0.0)) / (3 * math.sqrt(2))
    assert A[0, 0] == pytest.approx(v, rel=1e-14)


# --------------------------------------------------------------------------------------------
# deriv2


def test_deriv2_published_numbers():
    # Regularization Tools' deriv2(3), as reproduced in MatrixDepot.jl's documentation
    A, b, x = deriv2(3)
    np.testing.assert_allclose(
        A * 108, [[-3, -3, -1], [-3, -7, -3], [-1, -3, -3]], rtol=1e-14, atol=1e-14
    )
    np.testing.assert_allclose(
        b, [-0.01514653483985129, -0.03474793286789414, -0.022274315940957783], rtol=1e-14
    )
    np.testing.assert_allclose(
        x, [0.09622504486493762, 0.28867513459481287, 0.48112522432468807], rtol=1e-14
    )
    A4, _, _ = deriv2(4)
    np.testing.assert_allclose(
        A4[:2],
        [
            [-0.0169271, -0.0195313, -0.0117188, -0.00390625],
            [-0.0195313, -0.0481771, -0.0351563, -0.0117188],
        ],
        rtol=5e-6,
    )


@pytest.mark.parametrize("n", [1, 2, 5, 16, 100, 257])
def test_deriv2_example1_exact(n):
    # A x = b holds to rounding in Hansen's Galerkin discretization (not only approximately):
    # with f(t) = t, f − Pf is the same sawtooth t − t_mid on every cell, and the solution of
    # u'' = f − Pf, u(0) = u(1) = 0 is τ(h² − 3hτ + 2τ²)/12 on each cell (τ from the cell's left
    # edge): it vanishes at every edge and has zero mean on every cell, so ∫ φ_i K (f − Pf) = 0.
    A, b, x = deriv2(n)
    assert np.linalg.norm(A @ x - b) <= 1e-14 * np.linalg.norm(b)
    # x_i = h^(3/2)(i − ½): ‖x‖² = h³ Σ (i − ½)² = (4n² − 1)/(12n²)
    assert x @ x == pytest.approx((4 * n * n - 1) / (12 * n * n), rel=1e-14)


@pytest.mark.parametrize("example", [2, 3])
def test_deriv2_examples_closed_forms(example):
    n = 8
    A, b, x = deriv2(n, example)
    h = 1.0 / n
    e = math.e
    if example == 2:

        def f(t):
            return math.exp(t)

        def g(s):
            return math.exp(s) + (1 - e) * s - 1
    else:

        def f(t):
            return t if t < 0.5 else 1 - t

        def g(s):
            return (4 * s**3 - 3 * s) / 24 if s < 0.5 else (-4 * s**3 + 12 * s**2 - 9 * s + 1) / 24

    np.testing.assert_allclose(x, _galerkin(f, n, 0, 1) / math.sqrt(h), rtol=1e-12)
    np.testing.assert_allclose(b, _galerkin(g, n, 0, 1) / math.sqrt(h), rtol=1e-12)
    # here b is the exact Galerkin right-hand side and A x differs from it by O(h²)
    rel = np.linalg.norm(A @ x - b) / np.linalg.norm(b)
    assert 1e-6 < rel < 0.05


def test_deriv2_structure_and_exact_singular_values():
    # A = h² (I/6 − D⁻¹), D the second difference on the midpoints with corner entries 3,
    # whose eigenvalues are 4 sin²(kπh/2): σ_k = h² (1/(4 sin²(kπh/2)) − 1/6) exactly
    n = 40
    h = 1.0 / n
    A, _, _ = deriv2(n)
    D = 2 * np.eye(n) - np.eye(n, k=1) - np.eye(n, k=-1)
    D[0, 0] = D[-1, -1] = 3
    np.testing.assert_allclose(A, h * h * (np.eye(n) / 6 - np.linalg.inv(D)), rtol=0, atol=1e-16)
    k = np.arange(1, n + 1)
    sigma = h * h * (1 / (4 * np.sin(k * np.pi * h / 2) ** 2) - 1 / 6)
    ev = np.linalg.eigvalsh(A)
    assert np.all(ev < 0)  # negative definite
    np.testing.assert_allclose(np.sort(-ev)[::-1], sigma, rtol=1e-12)


def test_deriv2_singular_values_tend_to_the_operators():
    # the operator's singular values are 1/(kπ)²; at n = 512 the relative gap is (kπh)²/12
    n = 512
    A, _, _ = deriv2(n)
    s = np.sort(np.abs(np.linalg.eigvalsh(A)))[::-1][:5]
    k = np.arange(1, 6)
    rel = s * (k * np.pi) ** 2 - 1
    assert np.all(np.abs(rel) < 1e-4)
    np.testing.assert_allclose(rel, -((k * np.pi / n) ** 2) / 12, rtol=1e-3)


# --------------------------------------------------------------------------------------------
# foxgood


@pytest.mark.parametrize("n", [1, 2, 7, 64, 333])
def test_foxgood_norm_identity(n):
    # x_i = (i − ½)/n: ‖x‖² = Σ (i − ½)²/n² = (4n² − 1)/(12n)
    _, _, x = foxgood(n)
    assert x @ x == pytest.approx((4 * n * n - 1) / (12 * n), rel=1e-14)


def test_foxgood_entries_and_closed_form():
    # n = 2: t = (¼, ¾); A = ½ √(t_i² + t_j²)
    A, b, x = foxgood(2)
    r2, r10 = math.sqrt(2), math.sqrt(10)
    np.testing.assert_allclose(A, [[r2 / 8, r10 / 8], [r10 / 8, 3 * r2 / 8]], rtol=1e-15)
    g = [((1 + t * t) ** 1.5 - t**3) / 3 for t in (0.25, 0.75)]
    np.testing.assert_allclose(b, g, rtol=1e-15)
    # b is g at the midpoints (published), so A x − b is the midpoint-rule error O(1/n²)
    A, b, x = foxgood(64)
    assert np.array_equal(A, A.T)
    assert np.linalg.norm(A @ x - b) / np.linalg.norm(b) < 1e-4


# --------------------------------------------------------------------------------------------
# gravity


@pytest.mark.parametrize("n", [3, 4, 5, 8, 31, 100])
def test_gravity_norm_identity(n):
    # x_i = sin(πt_i) + ½ sin(2πt_i) at the midpoints: Σ sin²(πt_i) = Σ sin²(2πt_i) = n/2 and
    # Σ sin(πt_i) sin(2πt_i) = ½ Σ (cos πt_i − cos 3πt_i) = 0, so ‖x‖² = n/2 + n/8 = 5n/8.
    _, _, x = gravity(n)
    assert x @ x == pytest.approx(5 * n / 8, rel=1e-13)


def test_gravity_norm_identity_small_n():
    # the midpoint sums above need n ≥ 3 (Σ cos 4πt_i = 0 fails for n ≤ 2): ‖x‖² is 1 and 3/2
    assert gravity(1)[2] @ gravity(1)[2] == pytest.approx(1.0)
    assert gravity(2)[2] @ gravity(2)[2] == pytest.approx(1.5)


def test_gravity_entries_by_hand():
    # n = 4, d = ¼: A_0k = (1/16)/(1/16 + (k/4)²)^(3/2) = 4, √2, 4/(5√5), √2/(5√5)
    A, b, x = gravity(4)
    r5 = math.sqrt(5)
    row = [4.0, math.sqrt(2), 4 / (5 * r5), math.sqrt(2) / (5 * r5)]
    np.testing.assert_allclose(A[0], row, rtol=1e-14)
    assert np.array_equal(A, A.T)
    np.testing.assert_allclose(A, sla.toeplitz(A[0]), rtol=1e-14)
    np.testing.assert_allclose(b, A @ x, rtol=0, atol=0)


def test_gravity_examples_2_and_3():
    # n = 12: nt = round(4) = 4 and nn = round(10.5) = 11 with Matlab's halves-away rounding
    _, _, x = gravity(12, example=2)
    expected = [0.5, 1.0, 1.5, 2.0] + [(18 - k) / 7 for k in range(5, 12)] + [0.0]
    np.testing.assert_allclose(x, expected, rtol=1e-15)
    _, _, x = gravity(12, example=3)
    np.testing.assert_array_equal(x, [2.0] * 4 + [1.0] * 8)


def test_gravity_interval_and_depth():
    A, _, _ = gravity(16, a=-0.5, b=1.5, d=0.1)
    assert not np.allclose(A, A.T)
    s = -0.5 + 2.0 * (np.arange(16) + 0.5) / 16
    t = (np.arange(16) + 0.5) / 16
    np.testing.assert_allclose(A[5, 9], 0.1 / 16 / (0.01 + (s[5] - t[9]) ** 2) ** 1.5, rtol=1e-14)


# --------------------------------------------------------------------------------------------
# heat


@pytest.mark.parametrize("kappa", [1.0, 5.0])
def test_heat_lower_triangular_toeplitz(kappa):
    n = 32
    A, b, x = heat(n, kappa)
    assert np.array_equal(A, np.tril(A))
    assert np.array_equal(A, sla.toeplitz(A[:, 0], np.r_[A[0, 0], np.zeros(n - 1)]))
    h = 1 / n
    for i in (0, 5, 31):
        t = (i + 0.5) * h
        k = h / (2 * kappa * math.sqrt(math.pi)) * t**-1.5 * math.exp(-1 / (4 * kappa**2 * t))
        assert A[i, 0] == pytest.approx(k, rel=1e-13)
    assert np.all(x[n // 2 :] == 0)
    np.testing.assert_allclose(b, A @ x, rtol=0, atol=0)


def test_heat_solution_by_hand():
    # τ_i = 20 i/n on the first half: n = 20 gives τ = 1, 2, ..., 10
    _, _, x = heat(20)
    tau = np.arange(1, 11, dtype=float)
    f = np.where(
        tau < 2,
        0.75 * tau**2 / 4,
        np.where(tau < 3, 0.75 + (tau - 2) * (3 - tau), 0.75 * np.exp(-2 * (tau - 3))),
    )
    np.testing.assert_allclose(x[:10], f, rtol=1e-15)
    assert x[0] == pytest.approx(0.1875) and x[1] == pytest.approx(0.75)


def test_heat_kappa_controls_conditioning():
    assert np.linalg.cond(heat(32, 5.0)[0]) < 1e3 < np.linalg.cond(heat(32, 1.0)[0])


# --------------------------------------------------------------------------------------------
# wing


def test_wing_by_hand():
    n = 6
    A, b, x = wing(n)
    h = 1 / n
    t = [(i + 0.5) * h for i in range(n)]
    for i, j in [(0, 0), (2, 4), (5, 1)]:
        assert A[i, j] == pytest.approx(h * t[j] * math.exp(-t[i] * t[j] ** 2), rel=1e-15)
    g = [(math.exp(-s / 9) - math.exp(-s * 4 / 9)) / (2 * s) for s in t]
    np.testing.assert_allclose(b, math.sqrt(h) * np.array(g), rtol=1e-14)
    np.testing.assert_array_equal(x, math.sqrt(h) * np.array([0, 0, 1, 1, 0, 0]))
    # A x → b at the rate of the midpoint rule on the discontinuous f (O(h))
    errs = [np.linalg.norm(A @ x - b) / np.linalg.norm(b) for A, b, x in map(wing, (32, 128))]
    assert errs[1] < errs[0] / 2


# --------------------------------------------------------------------------------------------
# blur


def _T0(N, band, sigma):
    band = min(band, N)
    z = np.r_[np.exp(-(np.arange(band) ** 2) / (2 * sigma**2)), np.zeros(N - band)]
    return sla.toeplitz(z)


@pytest.mark.parametrize(("N", "band", "sigma"), [(12, 3, 0.7), (9, 4, 1.3), (5, 20, 0.7)])
def test_blur_is_a_kronecker_product(N, band, sigma):
    A, b, x = blur(N, band, sigma)
    assert isinstance(A, sp.csr_matrix) and A.shape == (N * N, N * N) and A.dtype == np.float64
    assert (A != A.T).nnz == 0  # symmetric to the last bit
    # Hansen: A = (1/(2πσ²)) kron(T₀, T₀) with T₀_ij = exp(−(i − j)²/(2σ²)) for |i − j| < band.
    # As a Kronecker product of one Toeplitz matrix with itself, A = kron(T, T) with
    # T = T₀/(σ√(2π)): the 1/(2πσ²) is shared between the two factors. Dividing *each* T by
    # 2πσ² (as the issue states it) would scale A by another 1/(2πσ²).
    T0 = _T0(N, band, sigma)
    T = T0 / (sigma * math.sqrt(2 * math.pi))
    np.testing.assert_allclose(A.toarray(), np.kron(T, T), rtol=1e-14, atol=1e-17)
    np.testing.assert_allclose(
        A.toarray(), np.kron(T0, T0) / (2 * math.pi * sigma**2), rtol=1e-15, atol=0
    )
    wrong = np.kron(T0 / (2 * math.pi * sigma**2), T0 / (2 * math.pi * sigma**2))
    assert not np.allclose(A.toarray(), wrong)
    # banded with half-bandwidth min(band, N) − 1 in each direction
    assert A.nnz == np.count_nonzero(T0) ** 2
    np.testing.assert_allclose(b, A @ x, rtol=1e-15)


def test_blur_image():
    N = 32
    _, _, x = blur(N)
    img = x.reshape(N, N, order="F")  # Matlab's column stacking
    np.testing.assert_array_equal(np.unique(img), [0, 1, 2, 3, 4])
    # the cross of 4s: N2 = 16, N6 = 5, N12 = 3, centred at (N2 + N12 + N6, N2 + N6) = (24, 21)
    np.testing.assert_array_equal(img[24, 16:27], 4.0)
    np.testing.assert_array_equal(img[19:30, 21], 4.0)
    assert np.count_nonzero(img == 4) == 21
    # the triangle of 3s: triu of an N3 × N3 block (N3 = 11) at rows 14.., columns 1..
    np.testing.assert_array_equal(img[14:25, 1:12], 3 * np.triu(np.ones((11, 11))))
    # the ellipses are symmetric about their centre column
    ell = img[2:12, 10:32]
    np.testing.assert_array_equal(ell, ell[:, ::-1])


def test_blur_small_images():
    for N in (1, 2, 3, 5):
        A, b, x = blur(N)
        assert A.shape == (N * N, N * N) and x.shape == (N * N,)


def test_blur_conditioning():
    # with the defaults (band 3, σ = 0.7) T₀'s symbol 1 + 2e^(−1/(2σ²)) cos θ + 2e^(−4/(2σ²)) cos 2θ
    # stays in [0.31, 1.76]: A is well conditioned for every N (cond ≤ (1.76/0.31)²), and the
    # problem becomes ill-posed only with a wider PSF
    q1, q2 = math.exp(-1 / (2 * 0.49)), math.exp(-4 / (2 * 0.49))
    bound = ((1 + 2 * q1 + 2 * q2) / (1 - 2 * q1 + 2 * q2)) ** 2
    c = np.linalg.cond(blur(16)[0].toarray())
    assert 10 < c <= bound
    assert np.linalg.cond(blur(16, band=16, sigma=2.0)[0].toarray()) > 1e8


# --------------------------------------------------------------------------------------------
# noise


@pytest.mark.parametrize("level", [0.0, 1e-3, 0.05, 1.0])
def test_add_noise_relative_norm(level):
    _, b, _ = shaw(64)
    bn = add_noise(b, level, seed=3)
    assert np.linalg.norm(bn - b) == pytest.approx(level * np.linalg.norm(b), rel=1e-13, abs=0)


def test_add_noise_reproducible():
    _, b, _ = gravity(50)
    b0 = b.copy()
    e1 = add_noise(b, 0.01, seed=7) - b
    e2 = add_noise(b, 0.01, seed=7) - b
    assert np.array_equal(e1, e2)
    assert not np.allclose(e1, add_noise(b, 0.01, seed=8) - b)
    assert np.array_equal(b, b0)  # b is not modified
    # the documented construction: e = level ‖b‖ u/‖u‖, u ~ N(0, I) from default_rng(seed)
    u = np.random.default_rng(7).standard_normal(b.shape)
    np.testing.assert_allclose(e1, 0.01 * np.linalg.norm(b) * u / np.linalg.norm(u), rtol=1e-12)


def test_add_noise_any_shape():
    b = np.arange(12.0).reshape(3, 4)
    bn = add_noise(b, 0.1, seed=0)
    assert bn.shape == (3, 4)
    assert np.linalg.norm(bn - b) == pytest.approx(0.1 * np.linalg.norm(b), rel=1e-13)


# --------------------------------------------------------------------------------------------
# ill-conditioning


@pytest.mark.parametrize(
    ("fn", "n1", "factor"),
    [
        # severely ill-posed: the condition number grows geometrically until it reaches 1/eps
        (shaw, 8, 1e6),
        (baart, 4, 1e5),
        (foxgood, 4, 1e3),
        (gravity, 16, 1e4),
        (heat, 8, 1e10),
        (wing, 4, 1e6),
        # mildly ill-posed: polynomial growth, ~n⁴ for phillips and ~n² for deriv2
        (phillips, 16, 10),
        (deriv2, 16, 3),
    ],
)
def test_condition_number_grows_with_n(fn, n1, factor):
    c1 = np.linalg.cond(fn(n1)[0])
    c2 = np.linalg.cond(fn(2 * n1)[0])
    assert c2 > factor * c1


def test_deriv2_condition_number_closed_form():
    # σ_1/σ_n = (1/(4 sin²(πh/2)) − 1/6)/(1/12) = 3/sin²(πh/2) − 2 ≈ 12n²/π²
    n = 64
    c = np.linalg.cond(deriv2(n)[0])
    assert c == pytest.approx(3 / math.sin(math.pi / (2 * n)) ** 2 - 2, rel=1e-10)
