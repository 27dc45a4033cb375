"""Ridge solvers: plain functions with one signature, kept in a registry.

Every solver solves, for one α per target,

    minimize over b, W:   Σ_i s_i ‖y_i − b − x_iᵀW‖² + Σ_t α_t Σ_j π_j W_jt²

and returns one frozen :class:`RidgeSolution`. The signature is
``solver(problem: RidgeProblem, alpha: ndarray of shape (t,)) -> RidgeSolution``.

- ``cholesky``: Cholesky factorization of the Jacobi-scaled normal equations, primal
  (G + αΠ, p×p) when n ≥ p or dual (K + αI, n×n) when p > n, once per distinct α, with a
  power-iteration estimate of its condition number.
- ``eigh``: eigendecomposition of the p×p penalty-scaled Gram (one for every α).
- ``dual``: eigendecomposition of the n×n kernel (one for every α; never a p×p matrix).
- ``svd``: SVD of the centred, weighted, scaled X, followed by iterative refinement of the
  augmented system [I A; Aᵀ −αI] with residuals in extended precision (Björck 1967). It is the
  accurate route for ill-conditioned designs; with α = 0 it returns the minimum-norm solution
  when the design is rank deficient.
- ``auto`` (:func:`solve`) computes the Gram (n ≥ p) or the kernel (p > n) once, uses Cholesky
  for a few distinct α or the eigendecomposition for many, and moves to ``svd`` when the
  condition number of the (Jacobi-scaled) regularized system exceeds 1e5 or when α = 0 and the
  Gram is numerically singular. Forming the Gram squares the condition number of X, and on the
  degree-5 Wampler design (condition estimate 3e6) the Cholesky route already keeps fewer than
  8 digits, so the bound is set well below that.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import scipy.linalg as sla

from ridgeway._typing import FloatArray
from ridgeway.core.design import Design, Projector
from ridgeway.core.moments import Moments, column_means, column_sum_squares
from ridgeway.core.spectrum import Spectrum, spectrum_from_data, spectrum_from_moments

__all__ = [
    "SOLVERS",
    "ConditioningWarning",
    "NonFiniteError",
    "RidgeProblem",
    "RidgeSolution",
    "SingularDesignError",
    "solve",
]

COND_MAX = 1e5
"""Largest condition number of the regularized system accepted on the Gram/kernel routes."""
_MAX_CHOLESKY_ALPHAS = 4
_EPS = np.finfo(np.float64).eps


class NonFiniteError(ValueError):
    """The data produced non-finite statistics (NaN or inf in X); the caller reports where."""


class SingularDesignError(ValueError):
    """α = 0 was asked for a design whose least-squares solution is not unique."""


class ConditioningWarning(UserWarning):
    """A solver the user chose may have lost digits on an ill-conditioned problem."""


@dataclass(frozen=True, eq=False)
class RidgeProblem:
    """A validated ridge problem (arrays are the caller's, never modified).

    Attributes
    ----------
    X : ndarray of shape (n, p), float32 or float64
    y : ndarray of shape (n, t), float64
    sample_weight : ndarray of shape (n,) or None
    penalty : ndarray of shape (p,)
        π_j ≥ 0 (standardization already folded in as π_j · sd_j²).
    fit_intercept : bool
    """

    X: np.ndarray
    y: FloatArray
    sample_weight: FloatArray | None
    penalty: FloatArray
    fit_intercept: bool

    @property
    def wide(self) -> bool:
        """Whether p > n (the kernel is the smaller system)."""
        return bool(self.X.shape[1] > self.X.shape[0])


@dataclass(frozen=True, eq=False)
class RidgeSolution:
    """Result of a ridge solver.

    Attributes
    ----------
    coef : ndarray of shape (p, t)
    intercept : ndarray of shape (t,)
    df : ndarray of shape (t,)
        Effective degrees of freedom (intercept not counted).
    solver : str
        The route that produced it.
    condition : float
        Condition number (estimate) of the regularized system that was solved.
    """

    coef: FloatArray
    intercept: FloatArray
    df: FloatArray
    solver: str
    condition: float


Solver = Callable[[RidgeProblem, FloatArray], RidgeSolution]


# ----------------------------------------------------------------------------- shared steps
def _moments(problem: RidgeProblem) -> Moments:
    m = Moments.from_array(
        problem.X, problem.y, problem.sample_weight, centered=problem.fit_intercept
    )
    if not m.is_finite():
        raise NonFiniteError("non-finite statistics")
    return m


def _means(problem: RidgeProblem) -> tuple[FloatArray, FloatArray]:
    xm, ym = column_means(problem.X, problem.y, problem.sample_weight, problem.fit_intercept)
    if not np.isfinite(xm).all():
        raise NonFiniteError("non-finite statistics")
    return xm, ym


def _singular(rank: int, p: int) -> SingularDesignError:
    return SingularDesignError(
        "alpha must be > 0 when the design is singular; got alpha = 0 with a design of numerical "
        f"rank {rank} < {p} features (collinear columns, or more features than samples). "
        "Use alpha > 0, or solver='svd' for the minimum-norm least-squares solution"
    )


def _equilibrating_penalty(diag: np.ndarray) -> FloatArray:
    """π for α = 0 fits: the column scale only conditions the computation, so use ‖column‖²."""
    out = np.asarray(diag, dtype=np.float64).copy()
    out[~(out > 0)] = 1.0
    return out


def _split_by_zero_alpha(problem: RidgeProblem, alpha: FloatArray, solver: Solver) -> RidgeSolution:
    """Solve targets with α = 0 and with α > 0 separately and put the results back together."""
    zero = alpha == 0
    parts = []
    for mask in (zero, ~zero):
        sub = RidgeProblem(
            problem.X,
            problem.y[:, mask],
            problem.sample_weight,
            problem.penalty,
            problem.fit_intercept,
        )
        parts.append((mask, solver(sub, alpha[mask])))
    t = alpha.shape[0]
    p = problem.X.shape[1]
    coef, icpt, df = np.empty((p, t)), np.empty(t), np.empty(t)
    for mask, sol in parts:
        coef[:, mask], icpt[mask], df[mask] = sol.coef, sol.intercept, sol.df
    return RidgeSolution(
        coef,
        icpt,
        df,
        "+".join(sorted({s.solver for _, s in parts})),
        max(s.condition for _, s in parts),
    )


def _from_spectrum(spec: Spectrum, alpha: FloatArray) -> RidgeSolution:
    coef = spec.coef(alpha)
    return RidgeSolution(
        coef, spec.intercept(coef), spec.df(alpha), spec.kind, spec.condition(float(alpha.min()))
    )


# ----------------------------------------------------------------------------- spectral solvers
def _spectral(problem: RidgeProblem, alpha: FloatArray, kind: str) -> RidgeSolution:
    if (alpha == 0).any() and not (alpha == 0).all():
        return _split_by_zero_alpha(problem, alpha, lambda pr, a: _spectral(pr, a, kind))
    zero = bool((alpha == 0).all())
    if kind == "eigh":
        m = _moments(problem)
        pen = _equilibrating_penalty(np.diagonal(m.xx)) if zero else problem.penalty
        spec = spectrum_from_moments(m, pen)
    else:
        xm, ym = _means(problem)
        spec = spectrum_from_data(
            problem.X,
            problem.y,
            problem.sample_weight,
            problem.penalty,
            x_mean=xm,
            y_mean=ym,
            kind="dual",
            scale=_column_scale(problem, xm) if zero else None,
        )
        if not np.isfinite(spec.d).all():
            raise NonFiniteError("non-finite statistics")
    if zero and spec.rank_deficient:
        raise _singular(spec.d.size, problem.X.shape[1])
    sol = _from_spectrum(spec, alpha)
    if sol.condition > COND_MAX:
        warnings.warn(
            f"solver={kind!r} solved a system with condition number {sol.condition:.2g}; the "
            "coefficients may have lost digits. Use solver='auto' or solver='svd'",
            ConditioningWarning,
            stacklevel=4,
        )
    return sol


def solve_eigh(problem: RidgeProblem, alpha: FloatArray) -> RidgeSolution:
    """Ridge by eigendecomposition of the p×p penalty-scaled centred Gram."""
    return _spectral(problem, alpha, "eigh")


def solve_dual(problem: RidgeProblem, alpha: FloatArray) -> RidgeSolution:
    """Ridge by eigendecomposition of the n×n centred kernel (no p×p matrix is formed)."""
    return _spectral(problem, alpha, "dual")


def _column_scale(problem: RidgeProblem, xm: np.ndarray) -> FloatArray:
    """1/‖S^½(x_j − x̄_j)‖ per column (1 for a constant column), read in row chunks."""
    norms = np.sqrt(column_sum_squares(problem.X, xm, problem.sample_weight))
    norms[~(norms > 0)] = 1.0
    return 1.0 / norms


def solve_svd(problem: RidgeProblem, alpha: FloatArray) -> RidgeSolution:
    """Ridge by SVD of the stacked, column-equilibrated least-squares problem, refined.

    For each distinct α the problem is the least-squares problem

        [ S^½ (X − 1x̄ᵀ) ]        [ S^½ (y − ȳ) ]
        [ √(α Π)         ] w  ≈   [ 0           ]

    whose columns are scaled to unit norm (the solution does not depend on that scale, and it
    makes the SVD accurate on badly scaled designs such as raw polynomials). The SVD solution is
    then refined with residuals in extended precision (Björck 1967). A rank-deficient problem
    (only possible at α = 0, or with collinear unpenalized features) gives the minimum-norm
    solution in the penalty metric ‖Π^½ w‖.
    """
    return _svd(problem, alpha, min_norm=True)


def _svd(problem: RidgeProblem, alpha: FloatArray, *, min_norm: bool) -> RidgeSolution:
    n, p = problem.X.shape
    t = problem.y.shape[1]
    xm, ym = _means(problem)
    sqrt_w = None if problem.sample_weight is None else np.sqrt(problem.sample_weight)
    B = Design(problem.X, np.arange(p), xm, np.ones(p), sqrt_w).dense()
    yt = problem.y - ym
    if sqrt_w is not None:
        yt = yt * sqrt_w[:, None]
    if not (np.isfinite(B).all() and np.isfinite(yt).all()):
        raise NonFiniteError("non-finite statistics")
    ext = _Extended(problem) if np.finfo(np.longdouble).eps < _EPS else None
    coef, df = np.empty((p, t)), np.empty(t)
    worst = 0.0
    for a in np.unique(alpha):
        cols = alpha == a
        pen_rows = np.flatnonzero(problem.penalty > 0) if a > 0 else np.zeros(0, dtype=np.intp)
        root = np.sqrt(a * problem.penalty[pen_rows])
        C = np.zeros((n + pen_rows.size, p))
        C[:n] = B
        C[n + np.arange(pen_rows.size), pen_rows] = root
        norms = np.linalg.norm(C, axis=0)
        E = 1.0 / np.where(norms > 0, norms, 1.0)
        C *= E
        Us, sig, Vt = _thin_svd(C)
        rank = int((sig > sig[0] * max(C.shape) * _EPS).sum()) if sig.size else 0
        rhs = np.zeros((C.shape[0], int(cols.sum())))
        rhs[:n] = yt[:, cols]
        if rank < p:
            if a == 0 and not min_norm:
                raise _singular(rank, p)
            # minimum norm in the penalty metric: scale columns by 1/√π instead of equilibrating
            scale = 1.0 / np.sqrt(np.where(problem.penalty > 0, problem.penalty, 1.0))
            Us, sig, Vt = _thin_svd(C / E * scale)
            rank = int((sig > sig[0] * max(C.shape) * _EPS).sum()) if sig.size else 0
            E = scale
        Us, sig, V = Us[:, :rank], sig[:rank], Vt[:rank].T
        u = V @ ((Us.T @ rhs) / sig[:, None])
        if ext is not None and rank == p:
            u = ext.refine(a, pen_rows, root, E, Us, sig, V, u, cols)
        coef[:, cols] = E[:, None] * u
        df[cols] = float(np.einsum("ij,ij->", Us[:n], Us[:n]))
        worst = max(worst, float(sig[0] / sig[-1]) ** 2 if rank else float("inf"))
    icpt = ym - xm @ coef if ext is None else ext.intercept(coef)
    return RidgeSolution(coef, icpt, df, "svd", worst)


def _thin_svd(C: np.ndarray) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Thin SVD by LAPACK gesdd, falling back to the slower, more robust gesvd."""
    try:
        return sla.svd(C, full_matrices=False, check_finite=False)  # type: ignore[no-any-return]
    except np.linalg.LinAlgError:
        return sla.svd(C, full_matrices=False, lapack_driver="gesvd")  # type: ignore[no-any-return]


class _Extended:
    """The centred, weighted problem in extended precision, for iterative refinement."""

    def __init__(self, problem: RidgeProblem) -> None:
        L = np.longdouble
        X = problem.X.astype(L)
        y = problem.y.astype(L)
        w = problem.sample_weight
        if not problem.fit_intercept:
            self.xm, self.ym = np.zeros(X.shape[1], dtype=L), np.zeros(y.shape[1], dtype=L)
        elif w is None:
            self.xm, self.ym = X.mean(axis=0), y.mean(axis=0)
        else:
            wl = w.astype(L)
            self.xm, self.ym = (wl @ X) / wl.sum(), (wl @ y) / wl.sum()
        self.B = X - self.xm
        self.b = y - self.ym
        if w is not None:
            sq = np.sqrt(w.astype(L))[:, None]
            self.B *= sq
            self.b *= sq

    def refine(
        self,
        a: float,
        pen_rows: np.ndarray,
        root: np.ndarray,
        E: np.ndarray,
        Us: np.ndarray,
        sig: np.ndarray,
        V: np.ndarray,
        u: np.ndarray,
        cols: np.ndarray,
    ) -> FloatArray:
        """Two refinement steps of the stacked least-squares problem C u ≈ [b; 0], C = [B; √(αΠ)] E.

        With the augmented system [I C; Cᵀ 0][r; u] = [rhs; 0], the residuals f = rhs − r − Cu
        and g = −Cᵀr are formed in long double, and the corrections come from the SVD
        C = UΣVᵀ: δu = V Σ⁻¹ (Uᵀf − Σ⁻¹ Vᵀg), δr = f − C δu.
        """
        L = np.longdouble
        n, p = self.B.shape
        El = E.astype(L)
        rootl = root.astype(L)
        Bs = self.B * El

        def apply(v: np.ndarray) -> np.ndarray:  # C v in long double, shape (n + q, m)
            top = Bs @ v
            bottom = (rootl * El[pen_rows])[:, None] * v[pen_rows]
            return np.vstack([top, bottom])

        def apply_t(r: np.ndarray) -> np.ndarray:  # Cᵀ r in long double
            out = Bs.T @ r[:n]
            out[pen_rows] += (rootl * El[pen_rows])[:, None] * r[n:]
            return out

        rhs = np.vstack([self.b[:, cols], np.zeros((pen_rows.size, int(cols.sum())), dtype=L)])
        r = np.asarray(rhs - apply(u.astype(L)), dtype=np.float64)
        for _ in range(2):
            ul = u.astype(L)
            rl = r.astype(L)
            f = np.asarray(rhs - rl - apply(ul), dtype=np.float64)
            g = np.asarray(-apply_t(rl), dtype=np.float64)
            du = V @ ((Us.T @ f - (V.T @ g) / sig[:, None]) / sig[:, None])
            dr = np.asarray(f.astype(L) - apply(du.astype(L)), dtype=np.float64)
            u = u + du
            r = r + dr
        return np.asarray(u, dtype=np.float64)

    def intercept(self, coef: np.ndarray) -> FloatArray:
        """ȳ − x̄ᵀW in extended precision, shape (t,)."""
        return np.asarray(self.ym - self.xm @ coef.astype(np.longdouble), dtype=np.float64)


# ----------------------------------------------------------------------------- Cholesky
@dataclass(frozen=True, eq=False)
class _Factor:
    """Cholesky factorization of a Jacobi-scaled SPD matrix M: D M D = RᵀR.

    Everything runs on numpy's own LAPACK: switching to SciPy's BLAS right after the data pass
    (numpy's BLAS) makes the two thread pools spin against each other on a 2-core machine.
    """

    D: FloatArray  # (m,) Jacobi scale diag(M)^-½
    Rinv: FloatArray  # (m, m) inverse of the upper Cholesky factor of D M D
    condition: float  # 2-norm condition estimate of D M D

    def solve(self, b: np.ndarray) -> FloatArray:
        """M⁻¹ b for b of shape (m, r)."""
        Db = self.D[:, None] * b
        return np.asarray(self.D[:, None] * (self.Rinv @ (self.Rinv.T @ Db)))

    def inverse_diagonal(self) -> FloatArray:
        """diag(M⁻¹), shape (m,)."""
        return np.asarray(np.einsum("ij,ij->i", self.Rinv, self.Rinv) * self.D**2)


def _upper_inverse(R: np.ndarray) -> FloatArray:
    """Inverse of an upper-triangular matrix by recursive 2×2 blocking (BLAS-3, ~m³/3 flops).

    [[A, B], [0, C]]⁻¹ = [[A⁻¹, −A⁻¹ B C⁻¹], [0, C⁻¹]]; numpy has no triangular inverse of its
    own, and its general inverse would cost six times the flops.
    """
    m = R.shape[0]
    if m <= 64:
        return np.asarray(np.triu(np.linalg.inv(R)))
    h = m // 2
    Ai = _upper_inverse(R[:h, :h])
    Ci = _upper_inverse(R[h:, h:])
    out = np.zeros_like(R)
    out[:h, :h] = Ai
    out[h:, h:] = Ci
    out[:h, h:] = -(Ai @ (R[:h, h:] @ Ci))
    return out


def _jacobi_cholesky(M: np.ndarray) -> _Factor:
    """Factor D M D (D = diag(M)^-½) and estimate its condition number by power iteration."""
    diag = np.diagonal(M).copy()
    diag[~(diag > 0)] = 1.0
    D = 1.0 / np.sqrt(diag)
    Ms = M * D[:, None] * D[None, :]
    R = np.linalg.cholesky(Ms).T  # raises LinAlgError when not positive definite
    Rinv = _upper_inverse(R)
    if not np.isfinite(Rinv).all():
        raise np.linalg.LinAlgError("not positive definite")
    # extreme eigenvalues of D M D by a few steps of block power iteration (4 vectors): a
    # lower estimate of the condition number, good to a small factor, at O(m²) per step
    m = Ms.shape[0]
    block = np.random.default_rng(0).standard_normal((m, min(4, m)))
    x, y = block, block.copy()
    big = small = 1.0
    for _ in range(10):
        x = Ms @ x
        big = float(np.linalg.norm(x, axis=0).max())
        x /= np.linalg.norm(x, axis=0)
        y = Rinv @ (Rinv.T @ y)
        small = float(np.linalg.norm(y, axis=0).max())
        y /= np.linalg.norm(y, axis=0)
    return _Factor(D=D, Rinv=Rinv, condition=big * small)


def _cholesky_primal(problem: RidgeProblem, alpha: FloatArray, m: Moments) -> RidgeSolution:
    p, t = m.n_features, m.n_targets
    coef, df = np.empty((p, t)), np.empty(t)
    worst = 0.0
    for a in np.unique(alpha):
        cols = alpha == a
        pen = _equilibrating_penalty(np.diagonal(m.xx)) if a == 0 else problem.penalty
        M = m.xx + np.diag(a * pen)
        try:
            fac = _jacobi_cholesky(M)
        except np.linalg.LinAlgError:
            if a == 0:
                raise _singular(int(np.linalg.matrix_rank(m.xx)), p) from None
            raise
        worst = max(worst, fac.condition)
        coef[:, cols] = fac.solve(m.xy[:, cols])
        if a == 0:
            df[cols] = p
        else:
            # df = tr((G + αΠ)⁻¹ G) = p − α tr((G + αΠ)⁻¹ Π)
            df[cols] = p - a * float(pen @ fac.inverse_diagonal())
    return RidgeSolution(coef, m.y_mean - m.x_mean @ coef, df, "cholesky", worst)


def _cholesky_dual(problem: RidgeProblem, alpha: FloatArray) -> RidgeSolution:
    n, p = problem.X.shape
    t = problem.y.shape[1]
    if (alpha == 0).any():
        raise _singular(n - int(problem.fit_intercept), p)
    xm, ym = _means(problem)
    pen = problem.penalty
    P, U = np.flatnonzero(pen > 0), np.flatnonzero(pen == 0)
    sc = 1.0 / np.sqrt(pen[P])
    sqrt_w = None if problem.sample_weight is None else np.sqrt(problem.sample_weight)
    A = Design(problem.X, P, xm[P], sc, sqrt_w)
    yt = problem.y - ym
    if sqrt_w is not None:
        yt = yt * sqrt_w[:, None]
    K = A.kernel()
    if not np.isfinite(K).all():
        raise NonFiniteError("non-finite statistics")
    proj = None
    b = yt
    if U.size:
        proj = Projector.from_design(Design(problem.X, U, xm[U], np.ones(U.size), sqrt_w))
        K = proj.project_kernel(K)
        b = proj.project(yt)
    # Directions the kernel cannot reach (the intercept's S^½1 and the unpenalized columns) have
    # eigenvalue α in K + αI; they carry no signal (b is orthogonal to them), so they are lifted
    # to the kernel's scale τ: the solution is unchanged and the condition estimate is honest.
    null = [] if not problem.fit_intercept else [np.ones(n) if sqrt_w is None else sqrt_w]
    Qn = np.column_stack(null) if null else np.zeros((n, 0))
    Qn = Qn / np.maximum(np.linalg.norm(Qn, axis=0), np.finfo(float).tiny)
    if proj is not None:
        Qn = np.column_stack([Qn, proj.Q])
    q = Qn.shape[1]
    tau = max(float(np.trace(K)) / n, np.finfo(float).tiny)
    coef, df = np.empty((p, t)), np.empty(t)
    worst = 0.0
    for a in np.unique(alpha):
        cols = alpha == a
        M = K + a * np.eye(n)
        if q:
            M += tau * (Qn @ Qn.T)
        fac = _jacobi_cholesky(M)
        worst = max(worst, fac.condition)
        beta = fac.solve(b[:, cols])
        w_p = sc[:, None] * A.rmatvec(beta)
        coef[P[:, None], np.flatnonzero(cols)[None, :]] = w_p
        if proj is not None:
            resid = yt[:, cols] - A.matvec(w_p / sc[:, None])
            coef[U[:, None], np.flatnonzero(cols)[None, :]] = proj.solve_unpenalized(resid)
        tr_inv = float(fac.inverse_diagonal().sum()) - q / (a + tau)
        # tr H_P = Σ_{range P} λ/(λ+α) = (n − q) − α tr((PKP + αI)⁻¹ on range P)
        df[cols] = (n - q) - a * tr_inv + U.size
    return RidgeSolution(coef, ym - xm @ coef, df, "cholesky", worst)


def solve_cholesky(problem: RidgeProblem, alpha: FloatArray) -> RidgeSolution:
    """Ridge by Cholesky factorization of the normal equations (primal or dual, the smaller)."""
    if problem.wide:
        return _cholesky_dual(problem, alpha)
    sol = _cholesky_primal(problem, alpha, _moments(problem))
    if sol.condition > COND_MAX:
        warnings.warn(
            f"solver='cholesky' solved a system with condition number {sol.condition:.2g}; the "
            "coefficients may have lost digits. Use solver='auto' or solver='svd'",
            ConditioningWarning,
            stacklevel=3,
        )
    return sol


SOLVERS: dict[str, Solver] = {
    "cholesky": solve_cholesky,
    "eigh": solve_eigh,
    "dual": solve_dual,
    "svd": solve_svd,
}
"""The registry of ridge solvers by name."""


def solve(problem: RidgeProblem, alpha: FloatArray, solver: str = "auto") -> RidgeSolution:
    """Solve a ridge problem with the named solver, or choose one (``"auto"``).

    ``auto`` takes the Gram or kernel route (Cholesky for up to four distinct α, the
    eigendecomposition beyond) and moves to ``svd`` when that route is numerically unsafe: a
    condition number above :data:`COND_MAX`, or α = 0 on a numerically singular Gram (the SVD
    then decides whether the design is truly singular).
    """
    if solver != "auto":
        return SOLVERS[solver](problem, alpha)
    few = np.unique(alpha).size <= _MAX_CHOLESKY_ALPHAS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConditioningWarning)
            if problem.wide:
                if (alpha == 0).any():
                    raise SingularDesignError("wide")
                sol = _cholesky_dual(problem, alpha) if few else solve_dual(problem, alpha)
            elif few:
                sol = _cholesky_primal(problem, alpha, _moments(problem))
            else:
                sol = solve_eigh(problem, alpha)
    except (SingularDesignError, np.linalg.LinAlgError):
        return _svd(problem, alpha, min_norm=False)
    if sol.condition > COND_MAX:
        return _svd(problem, alpha, min_norm=False)
    return sol
