"""The generalized singular value decomposition (GSVD) of a pair (A, L), for general-form Tikhonov.

General-form Tikhonov regularization, stated once:

    minimize over x:   ‖A x − b‖²  +  λ² ‖L (x − x₀)‖²,     A of shape (m, n), L of shape (p, n).

λ (not λ²) is the parameter of the inverse-problems literature; the library's ridge α is λ².
SciPy has no GSVD, so it is built here from LAPACK routines SciPy exposes: a QR factorization of
the stacked matrix [A; L] = Q R followed by the CS decomposition of Q (``scipy.linalg.cossin``,
LAPACK ``dorcsd``); ``xGGSVD3`` is not exposed by ``scipy.linalg.lapack``.

Convention (Hansen's Regularization Tools ``cgsvd``). With q = rank(L) generalized pairs and
k = min(m, n),

    A = U [0  diag(σ_all[n−k:])] X⁻¹       (for m ≥ n: A = U [Σ 0; 0 I_{n−q}] X⁻¹)
    L = V [M  0] X⁻¹,                        Σ = diag(σ_i), M = diag(μ_i), σ_i² + μ_i² = 1,

where σ_all = (σ_1, …, σ_q, 1, …, 1) has length n. The generalized singular values
γ_i = σ_i / μ_i are non-decreasing (σ ascending, μ descending); the last n − q columns of X span
the null space of L: those components are not regularized. U (m, k) and V (p, q) have orthonormal
columns and X is nonsingular. When m < n, at least n − m of the σ_i are zero and the first n − k
columns of X have no left vector (A maps them to 0).

Accuracy: the QR of [A; L] is backward stable, so A may be ill-conditioned or rank deficient as
long as [A; L] has full column rank n (otherwise the Tikhonov solution is not unique and
:func:`gsvd` raises). L is first scaled by an exact power of 2 so that ‖L‖_F ≈ ‖A‖_F, which keeps
the factorization accurate when A and L have very different scales.

The Tikhonov solution for every λ of a grid is a cheap function of the factors:

    x_λ = x₀ + Σ_{i≤q} f_i(λ) (β_i / σ_i) x_i + Σ_{i>q} β_i x_i,    f_i(λ) = γ_i² / (γ_i² + λ²),

with β = Uᵀ(b − A x₀) and x_i the columns of X (:func:`tikhonov_solutions`); the residual norm
‖A x_λ − b‖ and the seminorm ‖L(x_λ − x₀)‖ need no x_λ (:func:`tikhonov_norms`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import scipy.linalg as sla

from ridgeway._typing import ArrayLike, FloatArray
from ridgeway._validation import as_matrix, check_alphas, check_finite, message
from ridgeway.inverse.path import TikhonovPath, spectral_path

__all__ = [
    "GSVD",
    "filter_factors",
    "gsvd",
    "gsvd_path",
    "tikhonov_norms",
    "tikhonov_solutions",
]

_EPS = float(np.finfo(np.float64).eps)


@dataclass(frozen=True, eq=False)
class GSVD:
    """The generalized singular value decomposition of a pair (A, L), Regularization Tools' style.

    With q = rank(L), k = min(m, n) and ``sigma_all`` = (σ_1, …, σ_q, 1, …, 1) of length n::

        A = U @ (sigma_all[n - k:, None] * Xinv[n - k:])
        L = V @ (mu[:, None] * Xinv[:q])
        X @ Xinv = I,   UᵀU = I,   VᵀV = I,   σ_i² + μ_i² = 1

    Attributes
    ----------
    U : ndarray of shape (m, k)
        Orthonormal left vectors of A; column j belongs to column n − k + j of X (all columns
        when m ≥ n). Columns for σ_i = 0 complete the orthonormal basis.
    V : ndarray of shape (p, q)
        Orthonormal left vectors of L, column i belonging to column i of X.
    X : ndarray of shape (n, n)
        The right basis: columns 0…q−1 are the generalized singular vectors x_i (ascending γ),
        columns q…n−1 span the null space of L (unregularized components).
    Xinv : ndarray of shape (n, n)
        X⁻¹, computed from the factorization (not by inverting X).
    sigma, mu : ndarrays of shape (q,)
        σ_i ascending in [0, 1], μ_i descending in (0, 1], σ_i² + μ_i² = 1.
    gamma : ndarray of shape (q,)
        Generalized singular values γ_i = σ_i / μ_i, non-decreasing, finite (μ_i > 0).
        With L = I they are the singular values of A, ascending (with n − m zeros when m < n).
    rank_A : int
        Numerical rank of A: n minus the number of σ_i that are zero to working precision.
    rank_L : int
        q, the numerical rank of L (the number of generalized pairs).
    """

    U: FloatArray
    V: FloatArray
    X: FloatArray
    Xinv: FloatArray
    sigma: FloatArray
    mu: FloatArray
    gamma: FloatArray
    rank_A: int
    rank_L: int

    @property
    def shape(self) -> tuple[int, int, int]:
        """(m, n, p): rows of A, columns of A and L, rows of L."""
        return int(self.U.shape[0]), int(self.X.shape[0]), int(self.V.shape[0])

    @property
    def n_unregularized(self) -> int:
        """n − q, the dimension of the null space of L (components no λ shrinks)."""
        return int(self.X.shape[0] - self.sigma.shape[0])

    @property
    def sigma_all(self) -> FloatArray:
        """The diagonal of A's middle factor, shape (n,): (σ_1, …, σ_q, 1, …, 1)."""
        return np.concatenate([self.sigma, np.ones(self.n_unregularized)])

    @property
    def mu_all(self) -> FloatArray:
        """The diagonal of L's middle factor, shape (n,): (μ_1, …, μ_q, 0, …, 0)."""
        return np.concatenate([self.mu, np.zeros(self.n_unregularized)])

    @property
    def gamma_all(self) -> FloatArray:
        """σ_all / μ_all, shape (n,): γ followed by inf for the unregularized components."""
        return np.concatenate([self.gamma, np.full(self.n_unregularized, np.inf)])


def _as_pair(A: ArrayLike, L: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """A and L as finite float64 matrices with the same number of columns."""
    Am = as_matrix(A, "A").astype(np.float64, copy=False)
    Lm = as_matrix(L, "L").astype(np.float64, copy=False)
    check_finite(Am, "A")
    check_finite(Lm, "L")
    if Lm.shape[1] != Am.shape[1]:
        raise ValueError(
            message("L", f"a matrix with n = {Am.shape[1]} columns (as many as A)", Lm.shape)
        )
    return Am, Lm


def _cs_columns(
    Q: FloatArray, m1: int, n: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """CS decomposition of the first n columns of the orthogonal Q, split after row m1.

    Returns U1 (m1, m1), U2 (p1, p1), W (n, n) and per column j of W: the cosine c_j, the sine
    s_j and the column a_j of U1 (b_j of U2) it pairs with (−1 when c_j = 0, resp. s_j = 0), such
    that Q[:m1, :n] W[:, j] = c_j U1[:, a_j] and Q[m1:, :n] W[:, j] = s_j U2[:, b_j].
    """
    size = Q.shape[0]
    p1 = size - m1
    if size == n:  # [A; L] square and nonsingular: Q itself splits the coordinates
        W = Q.T.copy()
        c = np.r_[np.ones(m1), np.zeros(p1)]
        a = np.r_[np.arange(m1), -np.ones(p1, dtype=int)]
        b = np.r_[-np.ones(m1, dtype=int), np.arange(p1)]
        return np.eye(m1), np.eye(p1), W, c, 1.0 - c, a, b
    u, cs, vh = sla.cossin(Q, p=m1, q=n)
    U1 = np.array(u[:m1, :m1])
    U2 = np.array(u[m1:, m1:])
    W = np.array(vh[:n, :n].T)
    cols = np.arange(n)
    top, bot = cs[:m1, :n], cs[m1:, :n]
    a = np.argmax(np.abs(top), axis=0)
    b = np.argmax(np.abs(bot), axis=0)
    c_signed, s_signed = top[a, cols], bot[b, cols]
    # the leading block column of the CS factor is non-negative; fold any sign into U1, U2
    for U_, idx, val in ((U1, a, c_signed), (U2, b, s_signed)):
        neg = val < 0
        U_[:, idx[neg]] *= -1.0
    c, s = np.abs(c_signed), np.abs(s_signed)
    a = np.where(c > 0, a, -1)
    b = np.where(s > 0, b, -1)
    return U1, U2, W, c, s, a, b


def gsvd(A: ArrayLike, L: ArrayLike) -> GSVD:
    """Compute the generalized singular value decomposition of the pair (A, L).

    A = U [0 diag(σ_all[n−k:])] X⁻¹ and L = V [diag(μ) 0] X⁻¹ with σ_i² + μ_i² = 1 and the
    generalized singular values γ_i = σ_i/μ_i non-decreasing (Regularization Tools' ``cgsvd``
    convention; see :class:`GSVD` for the exact identities). Any m, n, p are allowed, A may be
    rank deficient or ill-conditioned, L may have a null space (difference operators): the only
    requirement is that [A; L] has full column rank n, i.e. the Tikhonov solution is unique.

    Parameters
    ----------
    A : array-like of shape (m, n)
    L : array-like of shape (p, n)

    Returns
    -------
    GSVD
        U (m, min(m, n)), V (p, q), X and Xinv (n, n), sigma, mu and gamma (q,), q = rank(L).

    Raises
    ------
    ValueError
        If [A; L] is rank deficient (some x ≠ 0 has A x = 0 and L x = 0), or on malformed input.

    Notes
    -----
    Algorithm: tall blocks are first reduced by a thin QR (A = Q_A R_A when m > n, likewise L),
    L is scaled by a power of 2 to balance the norms, then [R_A; t R_L] = Q R (complete QR) and
    the CS decomposition of Q (``scipy.linalg.cossin``) gives Q_1 = U C Wᵀ, Q_2 = V S Wᵀ, hence
    X⁻¹ = Wᵀ R and X = R⁻¹ W. Cost O((m + p) n² + n³).

    Examples
    --------
    >>> import numpy as np
    >>> A = np.array([[2.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 3.0], [0.0, 0.0, 0.0]])
    >>> L = np.array([[1.0, -1.0, 0.0], [0.0, 1.0, -1.0]])  # first difference, null space 1
    >>> G = gsvd(A, L)
    >>> G.U.shape, G.V.shape, G.X.shape, G.gamma.shape, G.n_unregularized
    ((4, 3), (2, 2), (3, 3), (2,), 1)
    >>> bool(np.allclose(G.U @ (G.sigma_all[:, None] * G.Xinv), A))
    True
    >>> bool(np.allclose(G.V @ (G.mu[:, None] * G.Xinv[:2]), L))
    True
    >>> np.round(gsvd(A, np.eye(3)).gamma, 12)  # L = I: the singular values of A, ascending
    array([1., 2., 3.])
    """
    Am, Lm = _as_pair(A, L)
    m, n = Am.shape
    p = Lm.shape[0]
    if m + p < n:
        raise ValueError(
            message(
                "the stacked matrix [A; L]",
                f"of full column rank n = {n} (otherwise the Tikhonov solution is not unique)",
                f"only m + p = {m + p} rows",
            )
        )
    QA, RA = np.linalg.qr(Am) if m > n else (None, Am)
    QL, RL = np.linalg.qr(Lm) if p > n else (None, Lm)
    m1, p1 = RA.shape[0], RL.shape[0]
    norm_a, norm_l = float(np.linalg.norm(RA)), float(np.linalg.norm(RL))
    shift = int(np.round(np.log2(norm_a) - np.log2(norm_l))) if norm_a > 0 and norm_l > 0 else 0
    t = float(np.ldexp(1.0, shift))  # an exact power of 2: ‖t L‖ ≈ ‖A‖
    Q, R = np.linalg.qr(np.vstack([RA, t * RL]), mode="complete")
    R = R[:n]
    tol = max(m1 + p1, n) * _EPS
    sv = np.linalg.svd(R, compute_uv=False)
    if not sv[0] > 0 or sv[-1] <= tol * sv[0]:
        rank = int(np.sum(sv > tol * sv[0])) if sv[0] > 0 else 0
        raise ValueError(
            message(
                "the stacked matrix [A; L]",
                f"of full column rank n = {n}: some x ≠ 0 has A x = 0 and L x = 0, so the "
                "Tikhonov solution is not unique",
                f"numerical rank {rank} (condition number "
                f"{sv[0] / sv[-1] if sv[-1] > 0 else np.inf:.3g})",
            )
        )
    U1, U2, W, c, s, a, b = _cs_columns(Q, m1, n)

    # generalized pairs (s > tol) by ascending γ, then the null space of L
    reg = np.flatnonzero(s > tol)
    reg = reg[np.argsort(c[reg] / s[reg], kind="stable")]
    order = np.r_[reg, np.flatnonzero(s <= tol)].astype(int)
    q, k = reg.size, m1
    s = np.where(s > tol, s, 0.0)

    # left vectors of A: positions n−k … n−1; structurally zero σ take the unused columns of U1
    idx = a[order[n - k :]].copy()
    if (a[order[: n - k]] >= 0).any():  # pragma: no cover - excluded by the CS structure
        raise RuntimeError("gsvd: inconsistent CS decomposition (a nonzero σ has no left vector)")
    unused = np.setdiff1d(np.arange(m1), idx[idx >= 0])
    if unused.size != int((idx < 0).sum()):  # pragma: no cover - excluded by the CS structure
        raise RuntimeError("gsvd: inconsistent CS decomposition (left vectors do not match)")
    idx[idx < 0] = unused
    Uk = U1[:, idx]
    Vq = U2[:, b[order[:q]]]

    # undo the scaling of L and normalize σ² + μ² = 1 by rescaling the rows of X⁻¹
    c_o, s_o = c[order], s[order] / t
    r = np.hypot(c_o, s_o)
    sigma_all, mu_all = c_o / r, s_o / r
    Xinv = (W.T @ R)[order] * r[:, None]
    X = sla.solve_triangular(R, W)[:, order] / r[None, :]
    U = Uk if QA is None else QA @ Uk
    V = Vq if QL is None else QL @ Vq
    sigma, mu = sigma_all[:q].copy(), mu_all[:q].copy()
    return GSVD(
        U=np.ascontiguousarray(U),
        V=np.ascontiguousarray(V),
        X=np.ascontiguousarray(X),
        Xinv=np.ascontiguousarray(Xinv),
        sigma=sigma,
        mu=mu,
        gamma=sigma / mu,
        rank_A=int(np.sum(c > tol)),
        rank_L=int(q),
    )


def _lambdas(lambdas: ArrayLike) -> FloatArray:
    return check_alphas(lambdas, "lambdas")


def _ratio(sigma: FloatArray, mu: FloatArray, lam: FloatArray) -> FloatArray:
    """τ = λ μ / σ = λ / γ, shape (a, q); inf where σ = 0."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        tau = lam[:, None] * mu[None, :] / sigma[None, :]
    return np.where(sigma[None, :] > 0, tau, np.inf)


def _filters(sigma: FloatArray, mu: FloatArray, lam: FloatArray) -> tuple[FloatArray, FloatArray]:
    """f = 1/(1 + τ²) and 1 − f = 1/(1 + τ⁻²), both without cancellation, shape (a, q)."""
    tau = _ratio(sigma, mu, lam)
    with np.errstate(divide="ignore", over="ignore"):
        t2 = tau * tau
        return 1.0 / (1.0 + t2), 1.0 / (1.0 + 1.0 / t2)


def filter_factors(g: GSVD | ArrayLike, lambdas: ArrayLike) -> FloatArray:
    """Compute the Tikhonov filter factors f_i(λ) = γ_i² / (γ_i² + λ²), shape (a, q).

    Evaluated as 1 / (1 + (λ μ_i / σ_i)²), which neither overflows for large γ nor loses
    accuracy for small ones; f = 1 for γ = inf and f = 0 where σ_i = 0 (also at λ = 0).

    Parameters
    ----------
    g : GSVD or array-like of shape (q,)
        A decomposition from :func:`gsvd`, or the generalized singular values γ (≥ 0, inf allowed).
    lambdas : float or array-like of shape (a,)
        λ ≥ 0 (the library's α is λ²), kept in the caller's order.

    Returns
    -------
    ndarray of shape (a, q)

    Examples
    --------
    >>> filter_factors([1.0, 2.0, np.inf], [0.0, 1.0, 2.0])
    array([[1. , 1. , 1. ],
           [0.5, 0.8, 1. ],
           [0.2, 0.5, 1. ]])
    """
    lam = _lambdas(lambdas)
    if isinstance(g, GSVD):
        sigma, mu = g.sigma, g.mu
    else:
        gam = np.asarray(g, dtype=np.float64)
        if gam.ndim != 1 or np.isnan(gam).any() or (gam < 0).any():
            raise ValueError(
                message("g", "a GSVD or a 1-D array of non-negative values", f"shape {gam.shape}")
            )
        sigma, mu = gam, np.ones_like(gam)
    return _filters(sigma, mu, lam)[0]


def _projections(
    G: GSVD, b: ArrayLike, x_prior: ArrayLike | None
) -> tuple[FloatArray, FloatArray, FloatArray | None, bool]:
    """β = Uᵀ(b − A x₀) padded to length n, b⊥ = b − UUᵀb, y₀ = X⁻¹x₀ and whether b was 1-D.

    β has shape (n, t) (zeros for the first n − k positions, which have no left vector).
    """
    m, n, _ = G.shape
    bm = np.asarray(b, dtype=np.float64)
    if bm.ndim not in (1, 2) or bm.shape[0] != m:
        raise ValueError(message("b", f"of shape (m,) or (m, t) with m = {m}", f"shape {bm.shape}"))
    check_finite(bm, "b")
    single = bm.ndim == 1
    B = bm[:, None] if single else bm
    k = G.U.shape[1]
    beta = np.zeros((n, B.shape[1]))
    beta[n - k :] = G.U.T @ B
    perp = B - G.U @ beta[n - k :]
    y0 = None
    if x_prior is not None:
        x0 = np.asarray(x_prior, dtype=np.float64)
        if x0.ndim == 1 and x0.shape[0] == n:
            x0 = x0[:, None]
        if x0.ndim != 2 or x0.shape[0] != n or x0.shape[1] not in (1, B.shape[1]):
            raise ValueError(
                message("x_prior", f"of shape (n,) or (n, t) with n = {n}", f"shape {x0.shape}")
            )
        check_finite(x0, "x_prior")
        y0 = G.Xinv @ x0
        beta = beta - G.sigma_all[:, None] * y0  # Uᵀ(b − A x₀): A x₀ = U C X⁻¹x₀
    return beta, perp, y0, single


def _coefficients(G: GSVD, lam: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
    """φ = f/σ (a, n) with φ = 1 on the unregularized components, f and 1 − f (a, q)."""
    f, one_minus = _filters(G.sigma, G.mu, lam)
    with np.errstate(divide="ignore", invalid="ignore"):
        phi_reg = np.where(G.sigma[None, :] > 0, f / G.sigma[None, :], 0.0)
    phi = np.concatenate([phi_reg, np.ones((lam.size, G.n_unregularized))], axis=1)
    return phi, f, one_minus


def tikhonov_solutions(
    G: GSVD, b: ArrayLike, lambdas: ArrayLike, x_prior: ArrayLike | None = None
) -> FloatArray:
    """Compute the general-form Tikhonov solutions x_λ for every λ of a grid, shape (a, n).

    x_λ minimizes ‖A x − b‖² + λ² ‖L (x − x₀)‖² (the library's α = λ²):

        x_λ = x₀ + Σ_{i≤q} f_i(λ) (β_i / σ_i) x_i + Σ_{i>q} β_i x_i,    β = Uᵀ(b − A x₀),

    with f_i = γ_i² / (γ_i² + λ²) (:func:`filter_factors`); the components in the null space of
    L (i > q) are not regularized. One matrix product for the whole grid.

    Parameters
    ----------
    G : GSVD
        The decomposition of (A, L) from :func:`gsvd`.
    b : array-like of shape (m,) or (m, t)
    lambdas : float or array-like of shape (a,)
        λ ≥ 0, in the caller's order.
    x_prior : array-like of shape (n,) or (n, t), optional
        x₀, the solution the penalty pulls towards (default 0).

    Returns
    -------
    ndarray of shape (a, n), or (a, n, t) for a 2-D b

    Notes
    -----
    At λ = 0 this is the least-squares solution of A x = b; when A is rank deficient the
    components with σ_i = 0 (A x_i = 0), which the data cannot determine, keep their x₀ value
    (the limit λ → 0⁺).

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> A, L, b = rng.standard_normal((6, 4)), np.diff(np.eye(4), axis=0), rng.standard_normal(6)
    >>> xs = tikhonov_solutions(gsvd(A, L), b, [0.5, 2.0])
    >>> direct = np.linalg.solve(A.T @ A + 0.5**2 * L.T @ L, A.T @ b)
    >>> xs.shape, bool(np.allclose(xs[0], direct))
    ((2, 4), True)
    """
    lam = _lambdas(lambdas)
    beta, _, y0, single = _projections(G, b, x_prior)
    phi, _, _ = _coefficients(G, lam)
    Y = phi[:, :, None] * beta[None, :, :]  # (a, n, t)
    if y0 is not None:
        Y = Y + y0[None, :, :]
    out = np.einsum("ij,ajt->ait", G.X, Y, optimize=True)
    return np.asarray(out[:, :, 0] if single else out)


def tikhonov_norms(
    G: GSVD, b: ArrayLike, lambdas: ArrayLike, x_prior: ArrayLike | None = None
) -> tuple[FloatArray, FloatArray]:
    """Compute the residual norm ‖A x_λ − b‖ and the seminorm ‖L (x_λ − x₀)‖ for every λ.

    No x_λ is formed: with β = Uᵀ(b − A x₀) and f_i the filter factors,

        ‖A x_λ − b‖²      = Σ_{i≤q} ((1 − f_i) β_i)² + ‖b − U Uᵀ b‖²
        ‖L (x_λ − x₀)‖²   = Σ_{i≤q} (f_i β_i / γ_i)²

    (1 − f_i is computed without cancellation, so small residuals keep their accuracy).

    Parameters
    ----------
    G : GSVD
    b : array-like of shape (m,) or (m, t)
    lambdas : float or array-like of shape (a,)
    x_prior : array-like of shape (n,) or (n, t), optional

    Returns
    -------
    residual_norm, seminorm : ndarrays of shape (a,), or (a, t) for a 2-D b

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> A, L, b = rng.standard_normal((6, 4)), np.diff(np.eye(4), axis=0), rng.standard_normal(6)
    >>> G = gsvd(A, L)
    >>> rho, eta = tikhonov_norms(G, b, [0.5, 2.0])
    >>> x = tikhonov_solutions(G, b, [0.5, 2.0])
    >>> bool(np.allclose(rho, np.linalg.norm(x @ A.T - b, axis=1)))
    True
    >>> bool(np.allclose(eta, np.linalg.norm(x @ L.T, axis=1)))
    True
    """
    lam = _lambdas(lambdas)
    beta, perp, _, single = _projections(G, b, x_prior)
    phi, _, one_minus = _coefficients(G, lam)
    q = G.sigma.shape[0]
    breg = beta[:q]  # (q, t)
    rho2 = np.einsum("aq,qt->at", one_minus**2, breg**2) + (perp**2).sum(axis=0)[None, :]
    eta2 = np.einsum("aq,qt->at", (phi[:, :q] * G.mu[None, :]) ** 2, breg**2)
    rho, eta = np.sqrt(rho2), np.sqrt(eta2)
    return (rho[:, 0], eta[:, 0]) if single else (rho, eta)


def gsvd_path(
    A: ArrayLike,
    L: ArrayLike,
    b: ArrayLike,
    x_prior: ArrayLike | None,
    lambdas: ArrayLike | None,
    default_lambdas: Callable[[FloatArray], FloatArray],
) -> tuple[TikhonovPath, Callable[[float], FloatArray]]:
    """Compute the Tikhonov path of (A, L, b) over a λ grid and a solver for any single λ.

    The GSVD route of :func:`ridgeway.inverse.tikhonov.tikhonov`: one :func:`gsvd`, then
    :func:`ridgeway.inverse.path.spectral_path` on the components with γ_i > 0 (given in
    descending γ, like the SVD route); components with σ_i = 0 go into the constant residual and
    the null space of L into the unregularized count.

    Parameters
    ----------
    A : array-like of shape (m, n)
    L : array-like of shape (p, n)
    b : array-like of shape (m,)
    x_prior : array-like of shape (n,) or None
    lambdas : array-like of shape (a,) or None
        λ > 0; None uses ``default_lambdas(gamma)``.
    default_lambdas : callable
        Maps the positive γ (descending) to a grid.

    Returns
    -------
    path : TikhonovPath
    solution : callable
        ``solution(lam)`` returns x_λ, shape (n,).
    """
    Am, _ = _as_pair(A, L)
    G = gsvd(Am, L)
    m, n, _ = G.shape
    bv = np.asarray(b, dtype=np.float64).reshape(-1)
    x0 = np.zeros(n) if x_prior is None else np.asarray(x_prior, dtype=np.float64).reshape(-1)
    beta = _projections(G, bv, x0)[0][:, 0]  # (n,)
    k, q = G.U.shape[1], G.sigma.shape[0]
    pos = np.arange(n - k, q)
    pos = pos[G.sigma[pos] > 0][::-1]  # regularized components with a left vector, γ descending
    fitted = np.r_[pos, np.arange(q, n)] - (n - k)  # columns of U that A x can reach
    r_perp = bv - Am @ x0 - G.U[:, fitted] @ beta[fitted + (n - k)]
    gamma = G.gamma[pos]
    grid = default_lambdas(gamma) if lambdas is None else np.asarray(lambdas, dtype=np.float64)
    path = spectral_path(
        gamma,
        beta[pos],
        grid,
        n_data=m,
        n_unregularized=G.n_unregularized,
        delta0=float(np.linalg.norm(r_perp)),
        U=G.U[:, pos - (n - k)],
        r_perp=r_perp,
    )

    def solution(lam: float) -> FloatArray:
        return tikhonov_solutions(G, bv, [lam], x0)[0]

    return path, solution
