"""The standard test problems of Hansen's Regularization Tools, from their published definitions.

Each problem discretizes a first-kind integral equation

    ∫ K(s, t) f(t) dt = g(s)

and returns ``(A, b, x)``: the matrix A, the right-hand side b and the exact solution x. The
discretizations are the ones of Regularization Tools (P. C. Hansen, "Regularization Tools version
4.0 for Matlab 7.3", Numer. Algorithms 46 (2007) 189–194):

- *midpoint quadrature*: A_ij = h K(s_i, t_j) and x_j = f(t_j) at the midpoints of n equal
  cells (:func:`shaw`, :func:`foxgood`, :func:`gravity`, :func:`heat`);
- *Galerkin with orthonormal box functions* φ_i = h^(−1/2) on cell i: A_ij = ∫∫ K φ_i φ_j,
  b_i = ∫ g φ_i and x_j = ∫ f φ_j, so x carries a factor √h against f at the midpoints
  (:func:`phillips`, :func:`baart`, :func:`deriv2`, :func:`wing`; baart and wing evaluate some
  of these integrals by Simpson's or the midpoint rule, as each function documents).

b is ``A @ x`` where Regularization Tools computes it so (shaw, gravity, heat, blur) and the
published closed form otherwise (phillips, baart, deriv2, foxgood, wing): there b is the
discretization of the exact g, and ``A @ x`` differs from it by the discretization error (it is
exact to rounding only for deriv2's example 1, see :func:`deriv2`). :func:`add_noise` adds white
noise of a given relative norm.

All matrices are float64 ndarrays except :func:`blur`'s, which is a sparse CSR matrix.
"""

from __future__ import annotations

import math
import numbers
from typing import Any, TypeAlias

import numpy as np
import scipy.linalg as sla
import scipy.sparse as sp

from ridgeway._typing import FloatArray
from ridgeway._validation import message

__all__ = [
    "add_noise",
    "baart",
    "blur",
    "deriv2",
    "foxgood",
    "gravity",
    "heat",
    "phillips",
    "shaw",
    "wing",
]

Problem: TypeAlias = tuple[FloatArray, FloatArray, FloatArray]
"""(A, b, x): matrix, right-hand side, exact solution."""


# --------------------------------------------------------------------------------------------
# validation


def _check_order(n: Any, problem: str, *, multiple: int = 1, name: str = "n") -> int:
    """Return the problem size as an int: a positive integer, a multiple of ``multiple``."""
    if isinstance(n, bool) or not isinstance(n, numbers.Integral):
        raise TypeError(message(name, "a positive integer", repr(n)))
    n = int(n)
    if n < multiple:
        rule = "a positive integer" if multiple == 1 else f"a positive multiple of {multiple}"
        raise ValueError(message(name, f"{rule} for {problem}", n))
    if n % multiple:
        rule = "even" if multiple == 2 else f"a multiple of {multiple}"
        raise ValueError(message(name, f"{rule} for {problem}", n))
    return n


def _check_real(value: Any, name: str, *, positive: bool = False) -> float:
    """Return a finite real number (positive with ``positive=True``) as a float."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(message(name, "a real number", repr(value)))
    out = float(value)
    if not math.isfinite(out):
        raise ValueError(message(name, "finite", out))
    if positive and out <= 0:
        raise ValueError(message(name, "positive", out))
    return out


def _check_example(example: Any) -> int:
    if isinstance(example, bool) or example not in (1, 2, 3):
        raise ValueError(message("example", "1, 2 or 3", repr(example)))
    return int(example)


def _matlab_round(num: int, den: int) -> int:
    """``round(num/den)`` as Matlab rounds it (halves away from zero), for num ≥ 0, den > 0."""
    return (2 * num + den) // (2 * den)


def _midpoints(n: int, h: float, start: float = 0.0) -> FloatArray:
    """The n cell midpoints start + (i − ½)h, i = 1..n."""
    return start + (np.arange(n, dtype=np.float64) + 0.5) * h


# --------------------------------------------------------------------------------------------
# one-dimensional problems


def shaw(n: int) -> Problem:
    """Shaw's one-dimensional image restoration problem (severely ill-posed).

    The integral equation on s, t ∈ [−π/2, π/2] with the kernel

        K(s, t) = (cos s + cos t)² (sin u / u)²,   u = π (sin s + sin t),

    and the exact solution, a sum of two Gaussians,

        f(t) = 2 exp(−6 (t − 0.8)²) + exp(−2 (t + 0.5)²).

    Midpoint quadrature with n points t_i = −π/2 + (i − ½)π/n: A_ij = (π/n) K(t_i, t_j),
    x_i = f(t_i) and b = A x, as Regularization Tools' ``shaw``. A is symmetric (and
    persymmetric).

    Parameters
    ----------
    n : int
        Size of the problem, even (Regularization Tools' rule: the points pair up as ±t).

    Returns
    -------
    A : ndarray of shape (n, n)
    b : ndarray of shape (n,)
    x : ndarray of shape (n,)

    References
    ----------
    C. B. Shaw, Jr., "Improvement of the resolution of an instrument by numerical solution of an
    integral equation", J. Math. Anal. Appl. 37 (1972) 83–112.

    Examples
    --------
    >>> import numpy as np
    >>> A, b, x = shaw(32)
    >>> A.shape, bool(np.array_equal(A, A.T)), bool(np.allclose(A @ x, b))
    ((32, 32), True, True)
    """
    n = _check_order(n, "shaw", multiple=2)
    h = np.pi / n
    # t = (i − (n−1)/2) h with a half-integer factor: exactly antisymmetric, so K(t, −t) has
    # u = 0 exactly and A is persymmetric to the last bit
    t = (np.arange(n) - (n - 1) / 2) * h
    c, s = np.cos(t), np.sin(t)
    # sin(u)/u with u = π(sin s + sin t) is numpy's normalized sinc of sin s + sin t
    A = h * ((c[:, None] + c[None, :]) * np.sinc(s[:, None] + s[None, :])) ** 2
    x = 2.0 * np.exp(-6.0 * (t - 0.8) ** 2) + np.exp(-2.0 * (t + 0.5) ** 2)
    return A, A @ x, x


def phillips(n: int) -> Problem:
    """Phillips' "famous" problem (mildly ill-posed, smooth solution).

    With φ(x) = 1 + cos(πx/3) for |x| < 3 and 0 otherwise, on s, t ∈ [−6, 6]:

        K(s, t) = φ(s − t),   f(t) = φ(t),
        g(s) = (6 − |s|)(1 + ½ cos(πs/3)) + 9/(2π) sin(π|s|/3).

    Galerkin discretization with n orthonormal box functions of width h = 12/n, all integrals in
    closed form, as Regularization Tools' ``phillips``: A is a symmetric banded Toeplitz matrix
    (nonzero for |i − j| ≤ n/4), b_i = ∫ g φ_i (the published closed form, so
    A x ≈ b up to the discretization error O(h²)) and x_i = ∫ f φ_i.

    Parameters
    ----------
    n : int
        Size of the problem, a multiple of 4 (φ's support [−3, 3] is then a union of cells).

    Returns
    -------
    A : ndarray of shape (n, n)
    b : ndarray of shape (n,)
    x : ndarray of shape (n,)

    References
    ----------
    D. L. Phillips, "A technique for the numerical solution of certain integral equations of the
    first kind", J. ACM 9 (1962) 84–97.

    Examples
    --------
    >>> import numpy as np
    >>> A, b, x = phillips(64)
    >>> float(A[0, 17]) == 0.0 < float(A[0, 16])      # nonzero for |i − j| ≤ n/4
    True
    >>> bool(np.linalg.norm(A @ x - b) < 1e-3 * np.linalg.norm(b))
    True
    """
    n = _check_order(n, "phillips", multiple=4)
    h = 12.0 / n
    n4 = n // 4
    theta = np.pi * h / 3.0  # = 4π/n
    c = np.pi / 3.0
    # (1/h) ∫∫ φ(s − t) over cells k apart; 2cos kθ − cos(k−1)θ − cos(k+1)θ = 4 cos kθ sin²(θ/2)
    s2 = np.sin(theta / 2.0) ** 2
    r = np.zeros(n)
    k = np.arange(n4)
    r[:n4] = h + 9.0 / (h * np.pi**2) * 4.0 * np.cos(k * theta) * s2
    r[n4] = h / 2.0 - 9.0 / (h * np.pi**2) * 2.0 * s2  # only the part of the cell pair in |x| < 3
    A = sla.toeplitz(r)

    # b_i = h^(-1/2) ∫ g over cell i by the antiderivative of g on s ≥ 0, mirrored (g is even)
    def G(s: FloatArray) -> FloatArray:
        return (
            s * (6.0 - s / 2.0)
            + ((3.0 - s / 2.0) * np.sin(c * s) + (4.0 / c) * np.sin(c * s / 2.0) ** 2) / c
        )

    edges = np.arange(n // 2 + 1, dtype=np.float64) * h  # the right half [0, 6]
    half = np.diff(G(edges)) / np.sqrt(h)
    b = np.concatenate([half[::-1], half])

    # x_i = h^(-1/2) ∫ (1 + cos(ct)) over the cells of [0, 3], mirrored
    e3 = np.arange(n4 + 1) * h
    xr = (h + np.diff(np.sin(c * e3)) / c) / np.sqrt(h)
    x = np.zeros(n)
    x[n // 2 : n // 2 + n4] = xr
    x[n4 : n // 2] = xr[::-1]
    return A, b, x


def baart(n: int) -> Problem:
    """Baart's problem (severely ill-posed, nonsymmetric).

    The integral equation with s ∈ [0, π/2], t ∈ [0, π],

        K(s, t) = exp(s cos t),   g(s) = 2 sinh(s)/s,   f(t) = sin t.

    Galerkin discretization with n orthonormal box functions on each interval, as Regularization
    Tools' ``baart``: in A the s-integral is exact and the t-integral is Simpson's rule on each
    cell; b_i = ∫ g φ_i by Simpson's rule (the published choice, so A x ≈ b up to the
    discretization error); x_j = ∫ f φ_j exactly. A is not symmetric.

    Parameters
    ----------
    n : int
        Size of the problem, even (Regularization Tools' rule).

    Returns
    -------
    A : ndarray of shape (n, n)
    b : ndarray of shape (n,)
    x : ndarray of shape (n,)

    References
    ----------
    M. L. Baart, "The use of auto-correlation for pseudo-rank determination in noisy
    ill-conditioned linear least-squares problems", IMA J. Numer. Anal. 2 (1982) 241–247.

    Examples
    --------
    >>> import numpy as np
    >>> A, b, x = baart(32)
    >>> bool(np.allclose(A, A.T)), bool(np.linalg.norm(A @ x - b) < 1e-3 * np.linalg.norm(b))
    (False, True)
    """
    n = _check_order(n, "baart", multiple=2)
    hs = np.pi / (2 * n)
    ht = np.pi / n
    # t at the cell edges and midpoints, t_m = m ht/2, m = 0..2n; cos t = 0 exactly at t = π/2
    cos_t = np.cos(np.arange(2 * n + 1) * (ht / 2.0))
    cos_t[n] = 0.0
    s0 = np.arange(n) * hs  # left edges of the s cells
    # F[i, m] = ∫ over s cell i of exp(s cos t_m) ds = exp(s0 c) expm1(hs c)/c (hs when c = 0)
    cc = cos_t[None, :]
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where(cc == 0.0, hs, np.expm1(hs * cc) / cc)
    F = np.exp(s0[:, None] * cc) * ratio
    A = (F[:, 0:-1:2] + 4.0 * F[:, 1::2] + F[:, 2::2]) / (3.0 * np.sqrt(2.0))

    # Simpson on each s cell of g(s) = 2 sinh(s)/s, with sinh(s)/s = 1 at s = 0
    v = np.arange(2 * n + 1) * (hs / 2.0)
    si = np.ones(2 * n + 1)
    si[1:] = np.sinh(v[1:]) / v[1:]
    b = (si[0:-1:2] + 4.0 * si[1::2] + si[2::2]) * np.sqrt(hs) / 3.0

    # x_j = ht^(-1/2) (cos t_{j−1} − cos t_j) = 2 sin(mid_j) sin(ht/2)/√ht
    x = 2.0 * np.sin(_midpoints(n, ht)) * np.sin(ht / 2.0) / np.sqrt(ht)
    return A, b, x


def deriv2(n: int, example: int = 1) -> Problem:
    """Computation of the second derivative (mildly ill-posed).

    The kernel is the Green's function of d²/ds² on [0, 1] with zero boundary values,

        K(s, t) = s (t − 1) for s < t,   t (s − 1) for s ≥ t,

    so that g = ∫ K f solves g'' = f, g(0) = g(1) = 0. The examples (Delves & Mohamed for 1 and
    2, Louis & Maass for 3):

    1. f(t) = t,        g(s) = (s³ − s)/6;
    2. f(t) = exp(t),   g(s) = exp(s) + (1 − e) s − 1;
    3. f(t) = t for t < ½ and 1 − t after, g(s) = (4s³ − 3s)/24 for s < ½ and
       (−4s³ + 12s² − 9s + 1)/24 after.

    Galerkin discretization with n orthonormal box functions of width h = 1/n, every integral in
    closed form, as Regularization Tools' ``deriv2``. A is symmetric negative definite: in
    fact A = h² (I/6 − D⁻¹) with D = tridiag(−1, 2, −1) whose two corner entries are 3 (the
    second difference on the midpoints with the zero boundary values at the cell edges), so its
    singular values are exactly σ_k = h² (1/(4 sin²(kπh/2)) − 1/6), k = 1..n, which tend to
    the operator's 1/(kπ)² with relative error −(kπh)²/12. b_i = ∫ g φ_i and x_i = ∫ f φ_i
    (both published closed forms). For example 1, A x = b holds exactly (to rounding): for a
    linear f the projection error f − Pf is the same sawtooth on every cell and its image
    under the operator vanishes at every cell edge and has zero mean on every cell. For
    examples 2 and 3 A x ≈ b up to O(h²). Example 1 has x_i = h^(3/2)(i − ½), so
    ‖x‖² = (4n² − 1)/(12n²).

    Parameters
    ----------
    n : int
        Size of the problem (even for example 3, whose f has a kink at ½).
    example : {1, 2, 3}, default 1
        The right-hand side and solution.

    Returns
    -------
    A : ndarray of shape (n, n)
    b : ndarray of shape (n,)
    x : ndarray of shape (n,)

    References
    ----------
    L. M. Delves and J. L. Mohamed, "Computational Methods for Integral Equations", Cambridge
    University Press, 1985, p. 310. A. K. Louis and P. Maass, "A mollifier method for linear
    operator equations of the first kind", Inverse Problems 6 (1990) 427–440.

    Examples
    --------
    >>> import numpy as np
    >>> A, b, x = deriv2(3)
    >>> np.round(A * 108, 10)                              # Regularization Tools' deriv2(3)
    array([[-3., -3., -1.],
           [-3., -7., -3.],
           [-1., -3., -3.]])
    >>> bool(np.allclose(A @ x, b, rtol=1e-14, atol=0))
    True
    """
    example = _check_example(example)
    n = _check_order(n, f"deriv2 example {example}", multiple=2 if example == 3 else 1)
    h = 1.0 / n
    sqh = np.sqrt(h)
    i = np.arange(1, n + 1, dtype=np.float64)
    m = i - 0.5  # midpoints in units of h
    # A_ij = (1/h) ∫∫ K over cells i, j: h² (min − ½)((max − ½)h − 1) off the diagonal,
    # h² ((i − ½)² h − (i − ½) + 1/6) on it
    lo = np.minimum.outer(m, m)
    hi = np.maximum.outer(m, m)
    A = h**2 * lo * (hi * h - 1.0)
    A[np.diag_indices(n)] = h**2 * (m**2 * h - m + 1.0 / 6.0)

    s1, s0 = i * h, (i - 1.0) * h  # cell edges
    if example == 1:
        b = h * sqh * m * ((i**2 + (i - 1.0) ** 2) * h**2 / 2.0 - 1.0) / 6.0
        x = h * sqh * m
    elif example == 2:
        cell_exp = np.exp(s0) * np.expm1(h)  # ∫ exp over the cell
        b = (cell_exp + (1.0 - np.e) * m * h**2 - h) / sqh
        x = cell_exp / sqh
    else:
        left = i <= n // 2
        d2, q2 = s1**2 - s0**2, s1**2 + s0**2
        b = (
            np.where(
                left,
                (q2 - 1.5) * d2 / 24.0,
                (-q2 * d2 + 4.0 * (s1**3 - s0**3) - 4.5 * d2 + h) / 24.0,
            )
            / sqh
        )
        x = np.where(left, d2 / 2.0, h - d2 / 2.0) / sqh
    return A, b, x


def foxgood(n: int) -> Problem:
    """Fox & Goodwin's problem (severely ill-posed; violates the discrete Picard condition).

    The integral equation on s, t ∈ [0, 1] with

        K(s, t) = (s² + t²)^(1/2),   f(t) = t,   g(s) = ((1 + s²)^(3/2) − s³)/3.

    Midpoint quadrature with t_i = (i − ½)/n, as Regularization Tools' ``foxgood``:
    A_ij = K(t_i, t_j)/n (symmetric), x_i = t_i and b_i = g(t_i) (the published closed form,
    so A x ≈ b up to the quadrature error O(1/n²)). ‖x‖² = (4n² − 1)/(12n).

    Parameters
    ----------
    n : int
        Size of the problem.

    Returns
    -------
    A : ndarray of shape (n, n)
    b : ndarray of shape (n,)
    x : ndarray of shape (n,)

    References
    ----------
    C. T. H. Baker, "The Numerical Treatment of Integral Equations", Clarendon Press, Oxford,
    1977, p. 665.

    Examples
    --------
    >>> import numpy as np
    >>> A, b, x = foxgood(10)
    >>> bool(np.isclose(x @ x, (4 * 10**2 - 1) / (12 * 10)))
    True
    """
    n = _check_order(n, "foxgood")
    h = 1.0 / n
    t = _midpoints(n, h)
    A = h * np.sqrt(t[:, None] ** 2 + t[None, :] ** 2)
    b = ((1.0 + t**2) ** 1.5 - t**3) / 3.0
    return A, b, t.copy()


def gravity(n: int, example: int = 1, a: float = 0.0, b: float = 1.0, d: float = 0.25) -> Problem:
    """One-dimensional gravity surveying (severely ill-posed).

    A mass distribution f(t), t ∈ [0, 1], at depth d gives the vertical component of the gravity
    field g(s) measured at the surface, s ∈ [a, b]:

        K(s, t) = d (d² + (s − t)²)^(−3/2).

    Examples of f (Hansen, "Discrete Inverse Problems", SIAM 2010, §2.1 and §3.2):

    1. f(t) = sin(πt) + ½ sin(2πt);
    2. piecewise linear: rising to 2 over the first third, falling to 1 by 7/8, then to 0;
    3. piecewise constant: 2 on the first third, 1 after.

    Midpoint quadrature with n points in each interval, as Regularization Tools' ``gravity``:
    A_ij = K(s_i, t_j)/n, x_j = f(t_j) and b = A x. With [a, b] = [0, 1] A is a symmetric
    Toeplitz matrix. For example 1 and n ≥ 3, ‖x‖² = 5n/8 exactly (the midpoint sums of the
    squared sines are n/2 and the cross term vanishes).

    Parameters
    ----------
    n : int
        Size of the problem.
    example : {1, 2, 3}, default 1
        The solution f.
    a, b : float, default 0 and 1
        The interval of the measurements s, a < b.
    d : float, default 0.25
        The depth of the mass (> 0); the larger d, the faster the singular values decay.

    Returns
    -------
    A : ndarray of shape (n, n)
    b : ndarray of shape (n,)
    x : ndarray of shape (n,)

    References
    ----------
    G. M. Wing and J. D. Zahrt, "A Primer on Integral Equations of the First Kind", SIAM, 1991,
    p. 17.

    Examples
    --------
    >>> import numpy as np
    >>> A, b, x = gravity(40)
    >>> bool(np.isclose(x @ x, 5 * 40 / 8)), bool(np.array_equal(A, A.T))
    (True, True)
    """
    n = _check_order(n, "gravity")
    example = _check_example(example)
    a = _check_real(a, "a")
    b = _check_real(b, "b")
    if not a < b:
        raise ValueError(message("a", f"smaller than b = {b:g}", a))
    d = _check_real(d, "d", positive=True)
    t = _midpoints(n, 1.0 / n)
    s = _midpoints(n, (b - a) / n, a)
    A = (d / n) / (d**2 + (s[:, None] - t[None, :]) ** 2) ** 1.5
    if example == 1:
        x = np.sin(np.pi * t) + 0.5 * np.sin(2.0 * np.pi * t)
    else:
        nt = _matlab_round(n, 3)
        x = np.ones(n)
        if example == 2:
            nn = _matlab_round(7 * n, 8)
            k = np.arange(1, n + 1, dtype=np.float64)
            if nt > 0:
                x[:nt] = (2.0 / nt) * k[:nt]
            if nn > nt:
                x[nt:nn] = ((2 * nn - nt) - k[nt:nn]) / (nn - nt)
            if n > nn:
                x[nn:] = (n - k[nn:]) / (n - nn)
        else:
            x[:nt] = 2.0
    return A, A @ x, x


def heat(n: int, kappa: float = 1.0) -> Problem:
    """The inverse heat equation (Eldén; Carasso): a first-kind Volterra equation.

    On [0, 1], the kernel is K(s, t) = k(s − t) for t ≤ s (0 otherwise) with

        k(t) = t^(−3/2) / (2κ√π) · exp(−1/(4κ²t)).

    κ controls the ill-conditioning (κ = 1 ill-conditioned, κ = 5 well-conditioned). Midpoint
    quadrature as Regularization Tools' ``heat``: A is lower triangular Toeplitz with first
    column k(t_i)/n at the midpoints t_i = (i − ½)/n; x is Regularization Tools' exact
    solution on the grid τ_i = 20i/n of the first half (0.75 τ²/4 for τ < 2,
    0.75 + (τ − 2)(3 − τ) for τ < 3, 0.75 exp(−2(τ − 3)) after) and 0 on the second half;
    b = A x.

    Parameters
    ----------
    n : int
        Size of the problem, even (the solution is defined on the first half).
    kappa : float, default 1.0
        κ > 0.

    Returns
    -------
    A : ndarray of shape (n, n)
    b : ndarray of shape (n,)
    x : ndarray of shape (n,)

    References
    ----------
    A. S. Carasso, "Determining surface temperatures from interior observations", SIAM J. Appl.
    Math. 42 (1982) 558–574. L. Eldén, "The numerical solution of a non-characteristic Cauchy
    problem for a parabolic equation", in P. Deuflhard and E. Hairer (eds.), "Numerical
    Treatment of Inverse Problems in Differential and Integral Equations", Birkhäuser, 1983.

    Examples
    --------
    >>> import numpy as np
    >>> A, b, x = heat(20)
    >>> bool(np.array_equal(A, np.tril(A))), bool(np.all(x[10:] == 0))
    (True, True)
    """
    n = _check_order(n, "heat", multiple=2)
    kappa = _check_real(kappa, "kappa", positive=True)
    h = 1.0 / n
    t = _midpoints(n, h)
    k = h / (2.0 * kappa * np.sqrt(np.pi)) * t**-1.5 * np.exp(-1.0 / (4.0 * kappa**2 * t))
    A = sla.toeplitz(k, np.r_[k[0], np.zeros(n - 1)])
    tau = np.arange(1, n // 2 + 1) * (20.0 / n)
    x = np.zeros(n)
    x[: n // 2] = np.where(
        tau < 2.0,
        0.75 * tau**2 / 4.0,
        np.where(tau < 3.0, 0.75 + (tau - 2.0) * (3.0 - tau), 0.75 * np.exp(-2.0 * (tau - 3.0))),
    )
    return A, A @ x, x


def wing(n: int, t1: float = 1.0 / 3.0, t2: float = 2.0 / 3.0) -> Problem:
    """Wing's problem with a discontinuous solution (severely ill-posed).

    On s, t ∈ [0, 1]:

        K(s, t) = t exp(−s t²),   f(t) = 1 for t1 < t < t2 and 0 elsewhere,
        g(s) = (exp(−s t1²) − exp(−s t2²)) / (2s).

    Galerkin discretization with orthonormal box functions, both integrations by the midpoint
    rule, as Regularization Tools' ``wing``: A_ij = h t_j exp(−s_i t_j²), b_i = √h g(s_i) (the
    published closed form, so A x ≈ b up to the discretization error) and x_j = √h f(t_j) at
    the midpoints.

    Parameters
    ----------
    n : int
        Size of the problem.
    t1, t2 : float, default 1/3 and 2/3
        The support (t1, t2) of f, t1 < t2.

    Returns
    -------
    A : ndarray of shape (n, n)
    b : ndarray of shape (n,)
    x : ndarray of shape (n,)

    References
    ----------
    G. M. Wing, "A Primer on Integral Equations of the First Kind", SIAM, 1991, p. 109.

    Examples
    --------
    >>> import numpy as np
    >>> A, b, x = wing(6)
    >>> x * np.sqrt(6)                          # f at the midpoints 1/12, 3/12, ..., 11/12
    array([0., 0., 1., 1., 0., 0.])
    """
    n = _check_order(n, "wing")
    t1 = _check_real(t1, "t1")
    t2 = _check_real(t2, "t2")
    if not t1 < t2:
        raise ValueError(message("t1", f"smaller than t2 = {t2:g}", t1))
    h = 1.0 / n
    t = _midpoints(n, h)
    A = h * t[None, :] * np.exp(-t[:, None] * t[None, :] ** 2)
    # (exp(−s t1²) − exp(−s t2²)) without cancellation
    b = np.sqrt(h) * 0.5 * np.exp(-t * t1**2) * -np.expm1(-t * (t2**2 - t1**2)) / t
    x = np.where((t1 < t) & (t < t2), np.sqrt(h), 0.0)
    return A, b, x


# --------------------------------------------------------------------------------------------
# two-dimensional image deblurring


def _ellipse_quadrant(rows: int, cols: int, radius2: float) -> FloatArray:
    """Quadrant of Regularization Tools' ellipses, mirrored into a (2·rows, 2·cols) block."""
    i = np.arange(1, rows + 1)[:, None] / rows
    j = np.arange(1, cols + 1)[None, :] / cols
    q = (i**2 + j**2 < radius2).astype(np.float64)
    q = np.hstack([q[:, ::-1], q])
    return np.vstack([q[::-1, :], q])


def _blur_image(N: int) -> FloatArray:
    """Regularization Tools' N×N test image (``blur``): two ellipses, a triangle, a cross.

    Entries 0–4 in Matlab (row, column) orientation; the shapes are placed as Hansen's code
    places them, on a canvas that may overhang the image, then cropped to N×N.
    """
    N2, N3, N6, N12 = (_matlab_round(N, q) for q in (2, 3, 6, 12))
    X = np.zeros((N + 8, N + 8))  # every shape fits inside (its far edge is below N + 4)
    if N6 > 0:
        # a large ellipse, then a smaller one inside it at twice the height
        X[2 : 2 + 2 * N6, N3 - 1 : 3 * N3 - 1] = _ellipse_quadrant(N6, N3, 1.0)
        X[N6 : 3 * N6, N3 - 1 : 3 * N3 - 1] += 2.0 * _ellipse_quadrant(N6, N3, 0.6)
        X[X == 3.0] = 2.0  # where the two overlap
    if N3 > 0:
        X[N3 + N12 : 2 * N3 + N12, 1 : N3 + 1] = 3.0 * np.triu(np.ones((N3, N3)))
    cross = np.zeros((2 * N6 + 1, 2 * N6 + 1))
    cross[N6, :] = 1.0
    cross[:, N6] = 1.0
    X[N2 + N12 : N2 + N12 + 2 * N6 + 1, N2 : N2 + 2 * N6 + 1] = 4.0 * cross
    return X[:N, :N].copy()


def blur(N: int, band: int = 3, sigma: float = 0.7) -> tuple[sp.csr_matrix, FloatArray, FloatArray]:
    """Image deblurring with a Gaussian point spread function (two-dimensional).

    An N×N image is blurred by the Gaussian PSF exp(−(k² + l²)/(2σ²))/(2πσ²), truncated to
    |k|, |l| < ``band`` pixels. As Regularization Tools' ``blur``,

        A = (1/(2πσ²)) · T₀ ⊗ T₀,   T₀ = the symmetric banded Toeplitz matrix with entries
        exp(−k²/(2σ²)) for |i − j| = k < band, 0 beyond,

    equivalently A = T ⊗ T with T = T₀/(σ√(2π)): the 1/(2πσ²) of the 2-D Gaussian is split as
    1/(σ√(2π)) per direction (each factor is *not* divided by 2πσ²). A is symmetric, doubly
    block Toeplitz, N²×N², sparse.

    x is Regularization Tools' test image (two overlapping ellipses with values 1 and 2, a
    triangle of 3s and a cross of 4s on a zero background) stacked column by column as Matlab
    stores it: ``x.reshape(N, N, order="F")`` is the image. b = A x, the blurred image, stacked
    the same way.

    Parameters
    ----------
    N : int
        Side of the image.
    band : int, default 3
        Half-bandwidth of each Toeplitz factor (capped at N).
    sigma : float, default 0.7
        Width σ > 0 of the Gaussian: the larger, the more ill-posed.

    Returns
    -------
    A : scipy.sparse.csr_matrix of shape (N², N²)
    b : ndarray of shape (N²,)
    x : ndarray of shape (N²,)

    References
    ----------
    P. C. Hansen, "Regularization Tools version 4.0 for Matlab 7.3", Numer. Algorithms 46 (2007)
    189–194.

    Examples
    --------
    >>> import numpy as np
    >>> A, b, x = blur(16)
    >>> A.shape, (A != A.T).nnz
    ((256, 256), 0)
    >>> np.unique(x)
    array([0., 1., 2., 3., 4.])
    """
    N = _check_order(N, "blur", name="N")
    band = _check_order(band, "blur", name="band")
    sigma = _check_real(sigma, "sigma", positive=True)
    band = min(band, N)
    z = np.exp(-(np.arange(band, dtype=np.float64) ** 2) / (2.0 * sigma**2))
    # T₀ in triplets (i, j, z[|i − j|]); T₀ ⊗ T₀ has the entry T₀[i, j] T₀[k, l] at
    # (iN + k, jN + l), times 1/(2πσ²) as Hansen's (1/(2*pi*sigma^2))*kron(A, A)
    offsets = np.arange(1 - band, band)
    i = np.repeat(np.arange(N), offsets.size)
    j = i + np.tile(offsets, N)
    inside = (j >= 0) & (j < N)
    i, j = i[inside], j[inside]
    v = z[np.abs(i - j)]
    rows = (i[:, None] * N + i[None, :]).ravel()
    cols = (j[:, None] * N + j[None, :]).ravel()
    vals = (v[:, None] * v[None, :]).ravel() * (1.0 / (2.0 * np.pi * sigma**2))
    A = sp.csr_matrix((vals, (rows, cols)), shape=(N * N, N * N))
    A.eliminate_zeros()
    x = _blur_image(N).ravel(order="F")
    return A, np.asarray(A @ x, dtype=np.float64), x


# --------------------------------------------------------------------------------------------
# noise


def add_noise(b: Any, level: float, seed: int | np.random.Generator | None = None) -> FloatArray:
    """Add white Gaussian noise of a given relative norm: b + e with ‖e‖ = level · ‖b‖.

    e = level · ‖b‖ · u / ‖u‖ with u a standard normal vector drawn from
    ``numpy.random.default_rng(seed)``: the relative noise level ‖e‖/‖b‖ is exactly ``level``
    (up to rounding), and the same seed gives the same noise.

    Parameters
    ----------
    b : array_like
        The exact right-hand side (any shape; the norm is over all entries).
    level : float
        Relative noise level ‖e‖/‖b‖, ≥ 0 (e.g. 0.01 for 1 %).
    seed : int, numpy.random.Generator or None, default None
        Seed of :func:`numpy.random.default_rng` (None: fresh, unreproducible noise).

    Returns
    -------
    ndarray of b's shape, float64

    Examples
    --------
    >>> import numpy as np
    >>> A, b, x = shaw(32)
    >>> bn = add_noise(b, 0.01, seed=0)
    >>> float(np.round(np.linalg.norm(bn - b) / np.linalg.norm(b), 12))
    0.01
    >>> bool(np.array_equal(bn, add_noise(b, 0.01, seed=0)))
    True
    """
    try:
        arr = np.asarray(b, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(message("b", "an array of numbers", type(b).__name__)) from None
    if arr.size == 0:
        raise ValueError(message("b", "non-empty", f"shape {arr.shape}"))
    if not np.isfinite(arr).all():
        raise ValueError(message("b", "finite (no NaN or inf)", "non-finite values"))
    level = _check_real(level, "level")
    if level < 0:
        raise ValueError(message("level", "non-negative", level))
    u = np.random.default_rng(seed).standard_normal(arr.shape)
    e = (level * np.linalg.norm(arr) / np.linalg.norm(u)) * u
    return arr + e
