"""General-form Tikhonov regularization with the regularization parameter chosen by a rule.

The problem, stated once:

    minimize over x:   ‖A x − b‖²  +  λ² ‖L (x − x₀)‖²

λ (not λ²) is the parameter of the inverse-problems literature (Hansen's Regularization Tools,
IR Tools); the library's ridge α is λ². With L = I and x₀ = 0 this is ridge regression without
intercept, ``Ridge(alpha=λ**2, fit_intercept=False)``. x₀ (``x_prior``) is a prior guess the
penalty pulls towards; it is separate from any warm start of an iterative solver (unlike
``scipy.sparse.linalg.lsqr(damp=λ, x0=…)``, which penalizes ‖x − x0‖ with its warm start).

Routes (``solver``):

- ``svd`` (L = I): the SVD of A; every λ of the grid costs O(k) per quantity.
- ``gsvd`` (any L): the generalized SVD of (A, L) from :mod:`ridgeway.inverse.gsvd`.
- ``hybrid`` (matrix-free A, L = I): Golub–Kahan bidiagonalization with λ chosen on the
  projected problem as it iterates (:mod:`ridgeway.inverse.iterative`).
- ``auto``: ``hybrid`` for a LinearOperator, ``svd`` for L = I, ``gsvd`` otherwise.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import LinearOperator

from ridgeway._typing import FloatArray
from ridgeway._validation import check_choice, message
from ridgeway.inverse.path import TikhonovPath, spectral_path

__all__ = ["METHODS", "TikhonovResult", "difference_operator", "tikhonov"]

METHODS = ("lcurve", "gcv", "discrepancy", "quasi", "ncp")
_SOLVERS = ("auto", "svd", "gsvd", "hybrid")
_N_LAMBDAS = 200


def difference_operator(n: int, order: int = 1) -> sp.csr_matrix:
    """The discrete derivative of order 1 or 2 as a sparse matrix, shape (n − order, n).

    Rows are (−1, 1) for ``order=1`` and (1, −2, 1) for ``order=2`` (Regularization Tools'
    ``get_l``); the null space is the constants (order 1) or the linear functions (order 2).

    Examples
    --------
    >>> difference_operator(4, 2).toarray()
    array([[ 1., -2.,  1.,  0.],
           [ 0.,  1., -2.,  1.]])
    """
    if order not in (1, 2):
        raise ValueError(message("order", "1 or 2", order))
    if n <= order:
        raise ValueError(message("n", f"larger than the order {order}", n))
    stencil = [-1.0, 1.0] if order == 1 else [1.0, -2.0, 1.0]
    diags = [np.full(n - order, c) for c in stencil]
    return sp.diags(diags, list(range(order + 1)), shape=(n - order, n), format="csr")


@dataclass(frozen=True, eq=False)
class TikhonovResult:
    """The regularized solution at the chosen λ, with the curve and diagnostic of the rule.

    Attributes
    ----------
    x : ndarray of shape (n,)
    lam : float
        The chosen λ (the library's α is ``lam**2``).
    method : str
    choice : object
        The rule's result (:class:`ridgeway.inverse.choice.ParameterChoice`): its curve over
        the grid, the index, the diagnostic text and whether it is reliable.
    path : TikhonovPath
        Norms and filter factors for every λ of the grid (for the hybrid method: of the final
        projected problem; its iteration history is in ``info``).
    solver : str
    picard : tuple of (bool, str) or None
        Whether the discrete Picard condition appears to hold, and why.
    info : dict
        Solver details (iterations and stopping reason for ``hybrid``).
    """

    x: FloatArray
    lam: float
    method: str
    choice: Any
    path: TikhonovPath | None
    solver: str
    picard: tuple[bool, str] | None
    info: dict[str, Any]
    _solve: Callable[[float], FloatArray] | None = None

    def solution_at(self, lam: float) -> FloatArray:
        """x_λ for any λ > 0 from the same decomposition (direct solvers only), shape (n,)."""
        if self._solve is None:
            raise ValueError(message("solver", "'svd' or 'gsvd' for solution_at", self.solver))
        if not np.isfinite(lam) or lam <= 0:
            raise ValueError(message("lam", "positive and finite", lam))
        return self._solve(float(lam))

    @property
    def alpha(self) -> float:
        """λ², the penalty of the library's ridge convention."""
        return self.lam**2

    def plot(self, kind: str = "lcurve", **kwargs: Any) -> Any:
        """Draw the L-curve (``kind="lcurve"``) or the Picard plot (``kind="picard"``).

        Shortcuts for :func:`ridgeway.report.plots.plot_lcurve` and :func:`~ridgeway.report.
        plots.plot_picard`; keyword arguments (``ax``, …) go to them. Needs matplotlib (the
        ``report`` extra). Returns the matplotlib Axes.
        """
        from ridgeway.report import plots

        if check_choice(kind, "kind", ("lcurve", "picard")) == "lcurve":
            return plots.plot_lcurve(self, **kwargs)
        return plots.plot_picard(self, **kwargs)


def _as_operator_or_matrix(A: Any) -> Any:
    if isinstance(A, LinearOperator):
        return A
    if bool(sp.issparse(A)):
        Asp: Any = A
        return sp.csr_matrix(Asp, dtype=np.float64)
    arr = np.asarray(A, dtype=np.float64)
    if arr.ndim != 2 or 0 in arr.shape:
        raise ValueError(message("A", "a non-empty 2-D matrix or a LinearOperator", arr.shape))
    if not np.isfinite(arr).all():
        raise ValueError(message("A", "finite (no NaN or inf)", "non-finite entries"))
    return arr


def _regularizer(L: Any, n: int) -> Any:
    """None for the identity; otherwise a dense (p, n) matrix."""
    if L is None or (isinstance(L, str) and L == "identity"):
        return None
    if isinstance(L, str):
        choice = check_choice(L, "L", ("identity", "first", "second"))
        return difference_operator(n, 1 if choice == "first" else 2).toarray()
    if bool(sp.issparse(L)):
        mat = np.asarray(L.toarray(), dtype=np.float64)
    else:
        mat = np.asarray(L, dtype=np.float64)
        if mat.ndim == 1:  # a diagonal
            if mat.shape[0] != n:
                raise ValueError(message("L", f"a diagonal of length n = {n}", mat.shape[0]))
            mat = np.diag(mat)
    if mat.ndim != 2 or mat.shape[1] != n:
        raise ValueError(message("L", f"a matrix with n = {n} columns", mat.shape))
    if not np.isfinite(mat).all():
        raise ValueError(message("L", "finite (no NaN or inf)", "non-finite entries"))
    if np.allclose(mat, np.eye(n)) if mat.shape[0] == n else False:
        return None
    return mat


def default_lambdas(gamma: FloatArray, n_lambdas: int = _N_LAMBDAS) -> FloatArray:
    """Log-spaced λ from max(γ_min, 16 ε γ_max) to γ_max, ascending (Regularization Tools)."""
    g = np.asarray(gamma)
    g = g[np.isfinite(g) & (g > 0)]
    if g.size == 0:
        raise ValueError("the problem has no regularized component: L x = 0 for every x")
    hi = float(g.max())
    lo = max(float(g.min()), hi * 16 * np.finfo(float).eps)
    if lo >= hi:
        lo = hi / 1e3
    return np.geomspace(lo, hi, n_lambdas)


def _svd_route(
    A: Any, b: FloatArray, x_prior: FloatArray, lambdas: FloatArray | None
) -> tuple[TikhonovPath, Any]:
    dense = A.toarray() if bool(sp.issparse(A)) else A
    U, s, Vt = np.linalg.svd(dense, full_matrices=False)
    bt = b - dense @ x_prior
    keep = s > s[0] * np.finfo(float).eps * max(dense.shape) if s.size else s > 0
    U, s, Vt = U[:, keep], s[keep], Vt[keep]
    beta = U.T @ bt
    r_perp = bt - U @ beta
    lam = default_lambdas(s) if lambdas is None else lambdas
    path = spectral_path(
        s, beta, lam, n_data=b.size, delta0=float(np.linalg.norm(r_perp)), U=U, r_perp=r_perp
    )

    def solution(lmb: float) -> FloatArray:
        f = s**2 / (s**2 + lmb**2)
        return np.asarray(x_prior + Vt.T @ (f * beta / s))

    return path, solution


def _gsvd_route(
    A: Any, L: FloatArray, b: FloatArray, x_prior: FloatArray, lambdas: FloatArray | None
) -> tuple[TikhonovPath, Any]:
    from ridgeway.inverse.gsvd import gsvd_path

    dense = A.toarray() if bool(sp.issparse(A)) else A
    return gsvd_path(dense, L, b, x_prior, lambdas, default_lambdas)  # type: ignore[no-any-return]


def tikhonov(
    A: Any,
    b: Any,
    *,
    L: Any = None,
    x_prior: Any = None,
    method: str | None = None,
    noise_norm: float | None = None,
    lambdas: Any = None,
    solver: str = "auto",
    tau: float = 1.0,
    callback: Any = None,
) -> TikhonovResult:
    """Solve min ‖A x − b‖² + λ²‖L(x − x₀)‖² with λ chosen by a parameter-choice rule.

    Parameters
    ----------
    A : ndarray, sparse matrix or LinearOperator of shape (m, n)
    b : array-like of shape (m,)
    L : None, "identity", "first", "second", array of shape (n,) (a diagonal), or a dense or
        sparse matrix of shape (p, n)
        The regularization operator ("first"/"second": the difference operators of
        :func:`difference_operator`). Default: the identity.
    x_prior : array-like of shape (n,), optional
        x₀, the solution the penalty pulls towards (default 0).
    method : {"lcurve", "gcv", "discrepancy", "quasi", "ncp"}, optional
        The rule choosing λ (:mod:`ridgeway.inverse.choice`); "discrepancy" needs
        ``noise_norm`` and takes the safety factor ``tau``. Default: "lcurve" for the direct
        solvers; "gcv" (weighted GCV, as IR Tools' hybrid methods) for ``hybrid``, which takes
        only "gcv" and "discrepancy" because it never has the whole λ curve.
    noise_norm : float, optional
        ‖e‖, the norm of the noise in b (the discrepancy principle's δ).
    lambdas : array-like of shape (a,) or float, optional
        The λ grid (default: 200 values log-spaced over the generalized singular values); a
        single value fixes λ and skips the choice.
    solver : {"auto", "svd", "gsvd", "hybrid"}, default "auto"
    tau : float, default 1.0
        Safety factor of the discrepancy principle: ‖A x_λ − b‖ = τ δ.
    callback : callable, optional
        Progress of the hybrid iterative method (see :mod:`ridgeway.inverse.iterative`).

    Returns
    -------
    TikhonovResult

    Examples
    --------
    >>> import numpy as np
    >>> from ridgeway.inverse import problems, tikhonov
    >>> A, b, x = problems.shaw(64)
    >>> bn = problems.add_noise(b, 0.01, seed=0)
    >>> res = tikhonov(A, bn, method="discrepancy", noise_norm=0.01 * np.linalg.norm(b))
    >>> bool(np.linalg.norm(res.x - x) / np.linalg.norm(x) < 0.2)
    True
    """
    from ridgeway.inverse import choice as rules

    if method is not None:
        method = check_choice(method, "method", METHODS)
    solver = check_choice(solver, "solver", _SOLVERS)
    Aop = _as_operator_or_matrix(A)
    m, n = Aop.shape
    bv = np.asarray(b, dtype=np.float64).reshape(-1)
    if bv.shape[0] != m:
        raise ValueError(message("b", f"a vector of length m = {m}", bv.shape))
    if not np.isfinite(bv).all():
        raise ValueError(message("b", "finite (no NaN or inf)", "non-finite entries"))
    x0 = np.zeros(n) if x_prior is None else np.asarray(x_prior, dtype=np.float64).reshape(-1)
    if x0.shape[0] != n:
        raise ValueError(message("x_prior", f"a vector of length n = {n}", x0.shape))
    if method == "discrepancy":
        if noise_norm is None or not np.isfinite(noise_norm) or noise_norm <= 0:
            raise ValueError(
                message("noise_norm", "a positive number for 'discrepancy'", noise_norm)
            )
    grid: FloatArray | None = None
    if lambdas is not None:
        grid = np.sort(np.asarray(lambdas, dtype=np.float64).reshape(-1))
        if grid.size == 0 or not np.isfinite(grid).all() or (grid <= 0).any():
            raise ValueError(message("lambdas", "non-empty, finite and positive", grid))
    Lmat = None if isinstance(Aop, LinearOperator) and L is None else _regularizer(L, n)
    if solver == "auto":
        solver = (
            "hybrid" if isinstance(Aop, LinearOperator) else ("svd" if Lmat is None else "gsvd")
        )
    rule: str = method if method is not None else ("gcv" if solver == "hybrid" else "lcurve")
    if solver == "hybrid":
        from ridgeway.inverse.iterative import hybrid_for_tikhonov

        return hybrid_for_tikhonov(
            Aop,
            bv,
            L=Lmat,
            x_prior=x0,
            method=rule,
            noise_norm=noise_norm,
            tau=tau,
            callback=callback,
        )
    if isinstance(Aop, LinearOperator):
        raise ValueError(message("solver", "'hybrid' or 'auto' for a LinearOperator A", solver))
    if solver == "svd" and Lmat is not None:
        raise ValueError(message("solver", "'gsvd' or 'auto' for a general L", "'svd'"))
    if Lmat is None:
        path, solution = _svd_route(Aop, bv, x0, grid)
    else:
        path, solution = _gsvd_route(Aop, Lmat, bv, x0, grid)
    picard = rules.picard_condition(path)
    if path.lambdas.size == 1:
        lam = float(path.lambdas[0])
        chosen = None
    else:
        if rule == "discrepancy":
            assert noise_norm is not None
            chosen = rules.discrepancy(path, float(noise_norm), tau=tau)
        else:
            chosen = {
                "lcurve": rules.lcurve,
                "gcv": rules.gcv,
                "quasi": rules.quasi_optimality,
                "ncp": rules.ncp,
            }[rule](path)
        lam = float(chosen.lam)
    return TikhonovResult(solution(lam), lam, rule, chosen, path, solver, picard, {}, solution)
