"""The hybrid Golub–Kahan–Tikhonov method: λ chosen while iterating, matrix-free.

For min ‖A x − b‖² + λ²‖L (x − x₀)‖² (as in :mod:`ridgeway.inverse.tikhonov`),
:func:`hybrid_lsqr` extends a Golub–Kahan (Lanczos) bidiagonalization A V_k = U_{k+1} B_k
started from b − A x₀ (:mod:`ridgeway.inverse.bidiag`) one step at a time and solves the small
projected problem min ‖B_k y − β₁e₁‖² + λ²‖y‖², with λ set at every step by weighted GCV
(Chung, Nagy & O'Leary 2008) or by the discrepancy principle (:mod:`ridgeway.inverse._projected`);
x_k = x₀ + V_k y_k (L = I; a matrix L is first brought to standard form). Semiconvergence, the
curse of plain LSQR on ill-posed problems, is tamed: once λ has settled, further iterations
change the solution little. Stopping rules (GCV minimum or flat, λ and iterate stabilized,
breakdown, callback) end it. :func:`hybrid_for_tikhonov` is the ``solver="hybrid"`` route of
:func:`ridgeway.inverse.tikhonov.tikhonov`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ridgeway._typing import FloatArray
from ridgeway._validation import check_choice, message
from ridgeway.inverse._operator import (
    Callback,
    _check_callback,
    _count,
    _Operator,
    _positive,
    _vector,
)
from ridgeway.inverse._projected import (
    _choose_discrepancy,
    _choose_gcv,
    _projected_terms,
    _wgcv_omega,
)
from ridgeway.inverse.bidiag import _EPS, _Bidiagonalization, _StandardForm
from ridgeway.inverse.path import TikhonovPath, spectral_path

if TYPE_CHECKING:
    from ridgeway.inverse.tikhonov import TikhonovResult

__all__ = ["HybridResult", "hybrid_lsqr"]

RULES = ("wgcv", "gcv", "discrepancy")


@dataclass(frozen=True, eq=False)
class HybridResult:
    """The hybrid (Golub–Kahan–Tikhonov) solution and the history of its iterations.

    Attributes
    ----------
    x : ndarray of shape (n,)
        The returned iterate x_j = x₀ + V_j y_j(λ_j), j = ``best_iteration`` (for a general L,
        mapped back from standard form).
    lam : float
        Its λ (λ_j; the library's α is ``lam**2``). 0 means the projected problem needed no
        regularization (the iterate is then LSQR's); inf means that x₀ plus the null-space
        fit of L already meets the discrepancy (x = x₀ for L = I).
    rule : str
    iterations : int
        Bidiagonalization steps done (= products with A, = products with Aᵀ; one more product
        with A when ``x_prior`` is given, q more for a general L with a q-dimensional null
        space, and one more with Aᵀ when it stops on a breakdown of α).
    best_iteration : int
        The iteration whose iterate is returned (smaller than ``iterations`` when the GCV
        estimate passed its minimum; see :func:`hybrid_lsqr`).
    stop_reason : str
        Why it stopped: ``"gcv_minimum"``, ``"gcv_flat"``, ``"stabilized"``, ``"max_iter"``,
        ``"breakdown"`` (the Krylov space is invariant: the projected problem is the full one),
        ``"callback"``, ``"discrepancy_at_prior"`` (‖b − A x₀‖ ≤ τδ already) or ``"zero_rhs"``.
    lambdas : ndarray of shape (iterations,)
        λ_k chosen at each iteration.
    residual_norms : ndarray of shape (iterations,)
        ‖A x_k − b‖ of each iterate (exact up to the loss of orthogonality of U).
    solution_norms : ndarray of shape (iterations,)
        ‖L(x_k − x₀)‖.
    gcv : ndarray of shape (iterations,)
        The stopping GCV estimate m ‖A x_k − b‖² / (m − q − Σ_i f_i)², f_i the filter factors
        of the projected problem at λ_k (q = dim null(L), 0 for L = I).
    omegas : ndarray of shape (iterations,)
        The weight ω used at each iteration (1 for ``gcv``, NaN for ``discrepancy``).
    path : TikhonovPath or None
        The projected problem at ``best_iteration`` over a 200-point λ grid (log-spaced over
        the singular values of B_j and ``lam``): its residual and solution norms are those of
        the iterate x_j(λ) in the full space (``n_data`` = m, ``n_unregularized`` = q, dof
        Σ f_i + q), so the rules of :mod:`ridgeway.inverse.choice` that need only these norms
        apply to it (``residuals`` is None: no NCP). None when no iteration was done.
    """

    x: FloatArray
    lam: float
    rule: str
    iterations: int
    best_iteration: int
    stop_reason: str
    lambdas: FloatArray
    residual_norms: FloatArray
    solution_norms: FloatArray
    gcv: FloatArray
    omegas: FloatArray
    path: TikhonovPath | None

    @property
    def alpha(self) -> float:
        """λ², the penalty of the library's ridge convention."""
        return self.lam**2


def hybrid_lsqr(
    A: Any,
    b: Any,
    *,
    rule: str = "wgcv",
    noise_norm: float | None = None,
    tau: float = 1.01,
    L: Any = None,
    x_prior: Any = None,
    omega: float | None = None,
    max_iter: int | None = None,
    tol: float = 1e-3,
    flat_tol: float = 1e-6,
    patience: int = 5,
    reorthogonalize: bool = True,
    callback: Callback | None = None,
) -> HybridResult:
    """Tikhonov regularization with λ chosen while iterating: the hybrid Golub–Kahan method.

    Solves min ‖A x − b‖² + λ²‖L(x − x₀)‖² for large or matrix-free A, choosing λ as it goes.
    With L = I, step k extends the Golub–Kahan bidiagonalization of A started from
    r₀ = b − A x₀,

        A V_k = U_{k+1} B_k,   U_{k+1} e₁ = r₀/β₁,   β₁ = ‖r₀‖,

    (U, V orthonormal, B_k lower bidiagonal (k + 1)×k; :func:`golub_kahan`), then solves the
    small projected Tikhonov problem

        y_k = argmin_y ‖B_k y − β₁e₁‖² + λ_k² ‖y‖²,     x_k = x₀ + V_k y_k,

    with λ_k chosen on that projected problem from the SVD B_k = P diag(s) Qᵀ (coefficients
    ĉ = β₁ Pᵀe₁, filter factors f_i = s_i²/(s_i² + λ²)); since U_{k+1} and V_k are orthonormal,
    ‖A x_k − b‖ = ‖B_k y_k − β₁e₁‖ and ‖x_k − x₀‖ = ‖y_k‖, all computed in O(k³) per step.
    A is touched only through one product with A and one with Aᵀ per step (A is never formed).

    A general L (a dense or sparse matrix of shape (p, n), any p, not a LinearOperator) is
    brought to standard form first (Eldén's transformation): with L# a right inverse of L and
    W a basis of its null space (q = dim null(L)), x − x₀ = L# ȳ + W w, the w fitted exactly
    (A W = Q R), and the method above runs on Ā = (I − Q Qᵀ) A L#, for which ‖ȳ‖ = ‖L(x − x₀)‖.
    A sparse L whose leading p×p block is invertible (the difference operators) is factorized
    sparse (L# = [L₁⁻¹; 0]; also a dense L with ≤ 10 % nonzeros); any other L goes through its
    dense SVD (O(p n min(p, n))). This costs q more products with A, and A and L must share no
    null vector.

    Rules for λ_k (``rule``):

    - ``"wgcv"`` (default): weighted GCV (Chung, Nagy & O'Leary 2008),
      λ_k minimizes ‖B_k y_λ − β₁e₁‖² / (k + 1 − ω Σ_i f_i)², with ω adaptive: the mean over
      the iterations so far of min(1, ω_j), ω_j the weight making the WGCV function stationary
      at λ = the smallest singular value of B_j (their Section 4; as HyBR). A fixed ``omega``
      may be given. ω < 1 discounts the degrees of freedom, so WGCV picks a smaller λ than
      plain GCV on the projected problem.
    - ``"gcv"``: ω = 1.
    - ``"discrepancy"``: ‖A x_k − b‖ = τ δ (δ = ``noise_norm``); while even λ = 0 leaves a
      larger residual (the early iterations), λ_k = 0, i.e. x_k is the LSQR iterate.

    The (W)GCV function of the projected problem often has two local minima, and the global
    one can jump as k grows to the plateau λ → 0 (the LSQR iterate, which fits the noise once
    the Krylov space holds it) or to λ → ∞. λ_k is therefore the local minimizer nearest (in
    log λ) to λ_{k−1}, found on a 100-point log grid over [s_k/100, 100 s_1] and refined by
    golden-section search; the global minimizer at k = 1.

    Stopping rules, checked after every step in this order:

    1. ``"callback"``: the callback returned True.
    2. ``"breakdown"``: the Krylov space is (numerically) invariant, α or β below 1e-13 ‖A‖:
       x_k solves the full problem for λ_k.
    3. (``wgcv``, ``gcv``) with G_k = m ‖A x_k − b‖² / (m − q − Σ_i f_i(λ_k))² the GCV
       function of the full problem estimated from the projected one (as HyBR):
       ``"gcv_flat"`` if |G_k − G_{k−1}| < ``flat_tol`` · G_1, and ``"gcv_minimum"`` if the
       smallest G_j so far was reached ``patience`` or more iterations ago: the iterate x_j of
       that minimum is returned.
    4. ``"stabilized"`` (every rule; for ``discrepancy`` once the discrepancy is attainable at
       both steps): |λ_k − λ_{k−1}| ≤ ``tol`` · λ_k and ‖ȳ_k − ȳ_{k−1}‖ ≤ ``tol`` · ‖ȳ_k‖
       (for L = I: ‖x_k − x_{k−1}‖ ≤ ``tol`` · ‖x_k − x₀‖), computed exactly in the small
       space as ‖y_k − (y_{k−1}, 0)‖.
    5. ``"max_iter"``.

    Parameters
    ----------
    A : ndarray, sparse matrix or LinearOperator of shape (m, n)
    b : array-like of shape (m,)
    rule : {"wgcv", "gcv", "discrepancy"}, default "wgcv"
    noise_norm : float, optional
        δ = ‖e‖, the norm of the noise in b; required by ``discrepancy``.
    tau : float, default 1.01
        Safety factor of the discrepancy principle (τ ≥ 1 usually).
    L : None, ndarray or sparse matrix of shape (p, n), optional
        The regularization operator (None: the identity).
    x_prior : array-like of shape (n,), optional
        x₀, the solution the penalty pulls towards (default 0).
    omega : float, optional
        A fixed WGCV weight in (0, 1] (default: adaptive). Ignored by the other rules.
    max_iter : int, optional
        Default min(m, n, 200). Memory: (m + n) · (max_iter + 1) floats for U and V.
    tol : float, default 1e-3
        Relative tolerance of the ``stabilized`` rule.
    flat_tol : float, default 1e-6
        Tolerance of the ``gcv_flat`` rule.
    patience : int, default 5
        Iterations without a new GCV minimum before ``gcv_minimum`` stops.
    reorthogonalize : bool, default True
        Full reorthogonalization of U and V (O((m + n) k) per step; without it the projected
        problem degrades as the singular values converge).
    callback : callable, optional
        ``callback(iteration, x, info)`` after every step with the iterate x_k; ``info`` has the
        keys ``lam``, ``residual_norm`` (‖A x_k − b‖), ``solution_norm`` (‖L(x_k − x₀)‖),
        ``gcv`` (G_k) and ``omega``. Returning True stops. Forming x_k costs O(n k) per step
        (no product with A), only done when a callback is given.

    Returns
    -------
    HybridResult

    References
    ----------
    J. Chung, J. G. Nagy and D. P. O'Leary, "A weighted GCV method for Lanczos hybrid
    regularization", Electron. Trans. Numer. Anal. 28 (2008) 149–167.
    L. Eldén, "A weighted pseudoinverse, generalized singular values, and constrained least
    squares problems", BIT 22 (1982) 487–502.

    Examples
    --------
    >>> import numpy as np
    >>> from ridgeway.inverse import problems
    >>> A, b, x = problems.phillips(200)
    >>> bn = problems.add_noise(b, 0.01, seed=0)
    >>> res = hybrid_lsqr(A, bn)
    >>> res.stop_reason, res.best_iteration, res.iterations
    ('gcv_minimum', 5, 10)
    >>> bool(np.linalg.norm(res.x - x) / np.linalg.norm(x) < 0.05)
    True
    >>> res = hybrid_lsqr(A, bn, rule="discrepancy", noise_norm=0.01 * np.linalg.norm(b))
    >>> bool(np.isclose(np.linalg.norm(A @ res.x - bn), 1.01 * 0.01 * np.linalg.norm(b)))
    True
    """
    Aop = _Operator(A, "A")
    m, n = Aop.shape
    bv = _vector(b, m, "b")
    rule = check_choice(rule, "rule", RULES)
    xp = np.zeros(n) if x_prior is None else _vector(x_prior, n, "x_prior")
    target = 0.0
    if rule == "discrepancy":
        if noise_norm is None:
            raise ValueError(message("noise_norm", "given for rule='discrepancy'", None))
        target = _positive(noise_norm, "noise_norm") * _positive(tau, "tau")
    if omega is not None:
        omega = _positive(omega, "omega")
        if omega > 1:
            raise ValueError(message("omega", "in (0, 1]", omega))
    kmax = min(m, n, 200) if max_iter is None else _count(max_iter, "max_iter")
    tol = _positive(tol, "tol")
    flat_tol = _positive(flat_tol, "flat_tol", allow_zero=True)
    patience = _count(patience, "patience")
    callback = _check_callback(callback)

    r0 = bv - Aop.matvec(xp) if xp.any() else bv.copy()
    std = None if L is None else _StandardForm(Aop, L, r0)
    q = 0 if std is None else std.q
    rbar = r0 if std is None else std.rbar
    beta1 = float(np.linalg.norm(rbar))
    if beta1 <= 1e-14 * float(np.linalg.norm(r0)):  # the null space of L fits b exactly
        beta1 = 0.0
    empty = np.empty(0)
    if beta1 == 0.0 or (rule == "discrepancy" and beta1 <= target):
        reason, lam0 = ("zero_rhs", 0.0) if beta1 == 0.0 else ("discrepancy_at_prior", np.inf)
        x_null = xp if std is None else xp + std.solution(np.zeros((0, std.shape[1])), empty)
        return HybridResult(
            x_null, lam0, rule, 0, 0, reason, empty, empty, empty, empty, empty, None
        )

    def iterate(k: int, y: FloatArray) -> FloatArray:
        if std is None:
            return np.asarray(xp + gk.V[:k].T @ y)
        return np.asarray(xp + std.solution(gk.V[:k], y))

    gk = _Bidiagonalization(Aop if std is None else std, rbar, kmax, reorthogonalize)
    lams: list[float] = []
    res_norms: list[float] = []
    sol_norms: list[float] = []
    gcvs: list[float] = []
    omegas: list[float] = []
    raw_omegas: list[float] = []
    ys: list[FloatArray] = []
    reachable: list[bool] = []
    reason = "max_iter"
    best = 0
    while gk.k < kmax:
        if not gk.step():
            reason = "breakdown"
            break
        k = gk.k
        P, s, Qt = np.linalg.svd(gk.bidiagonal())
        chat = beta1 * P[0]
        c, t0 = chat[:k], float(chat[k] ** 2)
        w = np.nan
        ok = True
        if rule == "discrepancy":
            lam, ok = _choose_discrepancy(s, c, t0, target)
        else:
            if rule == "gcv":
                w = 1.0
            elif omega is not None:
                w = omega
            else:
                raw_omegas.append(min(1.0, _wgcv_omega(s, c, t0)))
                w = float(np.mean(raw_omegas))
            lam = _choose_gcv(s, c, t0, w, lams[-1] if lams else None)
        with np.errstate(divide="ignore", invalid="ignore"):
            filt = s / (s * s + lam * lam) if lam > 0 else np.where(s > 0, 1.0 / s, 0.0)
        y = Qt.T @ (filt * c)
        res2, sumf = _projected_terms(s, c, t0, np.asarray(lam))
        res2f, sumff = float(res2), float(sumf)
        lams.append(lam)
        res_norms.append(np.sqrt(res2f))
        sol_norms.append(float(np.linalg.norm(y)))
        gcvs.append(m * res2f / max(m - q - sumff, 1e-300) ** 2)
        omegas.append(w)
        ys.append(y)
        reachable.append(ok)
        best = k
        if callback is not None:
            info = {
                "lam": lam,
                "residual_norm": res_norms[-1],
                "solution_norm": sol_norms[-1],
                "gcv": gcvs[-1],
                "omega": w,
            }
            if callback(k, iterate(k, y), info):
                reason = "callback"
                break
        if gk.breakdown:
            reason = "breakdown"
            break
        if k >= 2 and rule != "discrepancy":
            if abs(gcvs[-1] - gcvs[-2]) < flat_tol * gcvs[0]:
                reason = "gcv_flat"
                break
            jmin = int(np.argmin(gcvs))
            if k - (jmin + 1) >= patience:
                reason, best = "gcv_minimum", jmin + 1
                break
        if k >= 2 and reachable[-2] and ok:
            dy = ys[-1].copy()
            dy[:-1] -= ys[-2]
            if abs(lam - lams[-2]) <= tol * lam and float(np.linalg.norm(dy)) <= tol * max(
                sol_norms[-1], 1e-300
            ):
                reason = "stabilized"
                break
    if best == 0:  # breakdown at the first step: Āᵀ r̄ = 0, nothing left to fit
        x_null = xp if std is None else xp + std.solution(np.zeros((0, std.shape[1])), empty)
        return HybridResult(
            x_null, 0.0, rule, gk.k, 0, reason, empty, empty, empty, empty, empty, None
        )
    x = iterate(best, ys[best - 1])
    # the projected problem of the returned iterate, over a grid, for the choice rules
    Bj = gk.bidiagonal()[: best + 1, :best]
    Pj, sj, _ = np.linalg.svd(Bj)
    cj = beta1 * Pj[0]
    lam_best = float(lams[best - 1])
    lo = max(float(sj[-1]), 16 * _EPS * float(sj[0])) / 10.0
    hi = float(sj[0])
    if 0.0 < lam_best < np.inf:
        lo, hi = min(lo, lam_best / 10.0), max(hi, lam_best * 10.0)
    grid = np.geomspace(lo, hi, 200)
    path = spectral_path(
        sj, cj[:best], grid, n_data=m, n_unregularized=q, delta0=float(abs(cj[best]))
    )
    return HybridResult(
        x,
        lam_best,
        rule,
        gk.k,
        best,
        reason,
        np.asarray(lams),
        np.asarray(res_norms),
        np.asarray(sol_norms),
        np.asarray(gcvs),
        np.asarray(omegas),
        path,
    )


def hybrid_for_tikhonov(
    A: Any,
    b: Any,
    *,
    L: Any = None,
    x_prior: Any = None,
    method: str = "gcv",
    noise_norm: float | None = None,
    tau: float = 1.0,
    callback: Callback | None = None,
) -> TikhonovResult:
    """The ``solver="hybrid"`` route of :func:`ridgeway.inverse.tikhonov.tikhonov`.

    ``method="gcv"`` runs :func:`hybrid_lsqr` with weighted GCV (the GCV of hybrid methods),
    ``"discrepancy"`` with the discrepancy principle; the other rules need the whole λ curve
    and are refused. The result's ``path`` is the projected problem of the returned iterate
    (see :class:`HybridResult`), ``choice`` and ``picard`` are None and ``info`` holds the
    iteration history (``iterations``, ``best_iteration``, ``stop_reason``, ``rule``,
    ``lambdas``, ``residual_norms``, ``solution_norms``, ``gcv``, ``omegas``).
    """
    from ridgeway.inverse.tikhonov import TikhonovResult

    rules = {"gcv": "wgcv", "discrepancy": "discrepancy"}
    if method not in rules:
        raise ValueError(
            message("method", "'gcv' or 'discrepancy' with solver='hybrid'", repr(method))
        )
    res = hybrid_lsqr(
        A,
        b,
        rule=rules[method],
        noise_norm=noise_norm,
        tau=tau,
        L=L,
        x_prior=x_prior,
        callback=callback,
    )
    info: dict[str, Any] = {
        "iterations": res.iterations,
        "best_iteration": res.best_iteration,
        "stop_reason": res.stop_reason,
        "rule": res.rule,
        "lambdas": res.lambdas,
        "residual_norms": res.residual_norms,
        "solution_norms": res.solution_norms,
        "gcv": res.gcv,
        "omegas": res.omegas,
    }
    return TikhonovResult(res.x, res.lam, method, None, res.path, "hybrid", None, info)
