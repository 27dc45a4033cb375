"""The Tikhonov solution for every λ of a grid from one (generalized) singular value expansion.

For minimize ‖A x − b‖² + λ² ‖L (x − x₀)‖² (the library's α = λ²), with the SVD of A (L = I)
or the GSVD of (A, L), the solution and every quantity a parameter-choice rule needs are
functions of the generalized singular values γ_i and the coefficients β_i = u_iᵀ(b − A x₀)
through the Tikhonov filter factors

    f_i(λ) = γ_i² / (γ_i² + λ²):

    ‖L(x_λ − x₀)‖² = Σ_i (f_i β_i / γ_i)²                      (the solution seminorm η)
    ‖A x_λ − b‖²   = Σ_i ((1 − f_i) β_i)² + δ₀²                 (the residual norm ρ)
    dη/dλ          = −(4/λ) Σ_i (1 − f_i) f_i² β_i² / γ_i²      (for the L-curve's curvature)
    trace of the influence matrix = Σ_i f_i + n₀                (for GCV)
    Q(λ)           = (Σ_i (f_i (1 − f_i) β_i / γ_i)²)^½         (quasi-optimality)

with δ₀² the part of ‖b − A x₀‖² that no x can fit and n₀ the number of unregularized
components (the null space of L). Everything is vectorised over λ: shapes (a, k).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ridgeway._typing import FloatArray

__all__ = ["TikhonovPath", "spectral_path"]


@dataclass(frozen=True, eq=False)
class TikhonovPath:
    """What every parameter-choice rule needs, for each λ of a grid.

    Attributes
    ----------
    lambdas : ndarray of shape (a,)
        The grid, ascending (λ, not λ²).
    residual_norm : ndarray of shape (a,)
        ‖A x_λ − b‖.
    solution_norm : ndarray of shape (a,)
        ‖L (x_λ − x₀)‖.
    eta_prime : ndarray of shape (a,)
        d‖L(x_λ − x₀)‖²/dλ (negative).
    dof : ndarray of shape (a,)
        Trace of the influence matrix A A_λ^#: Σ f_i + n₀.
    quasi : ndarray of shape (a,)
        The quasi-optimality function Q(λ).
    n_data : int
        m, the number of data.
    filter : ndarray of shape (a, k)
        f_i(λ).
    gamma, beta : ndarrays of shape (k,)
        Generalized singular values (descending) and coefficients u_iᵀ(b − A x₀).
    residuals : ndarray of shape (a, m) or None
        The residual vectors b − A x_λ (for the NCP rule), when the basis was given.
    n_unregularized : int
        n₀, the components fitted exactly whatever λ.
    delta0 : float
        The part of ‖b − A x₀‖ that no x fits.
    U : ndarray of shape (m, k) or None
        The left vectors u_i (to form residual vectors at any λ).
    r_perp : ndarray of shape (m,) or None
        The residual common to every λ.
    """

    lambdas: FloatArray
    residual_norm: FloatArray
    solution_norm: FloatArray
    eta_prime: FloatArray
    dof: FloatArray
    quasi: FloatArray
    n_data: int
    filter: FloatArray
    gamma: FloatArray
    beta: FloatArray
    residuals: FloatArray | None = None
    n_unregularized: int = 0
    delta0: float = 0.0
    U: FloatArray | None = None
    r_perp: FloatArray | None = None


def spectral_path(
    gamma: FloatArray,
    beta: FloatArray,
    lambdas: FloatArray,
    *,
    n_data: int,
    n_unregularized: int = 0,
    delta0: float = 0.0,
    U: FloatArray | None = None,
    r_perp: FloatArray | None = None,
) -> TikhonovPath:
    """Build a :class:`TikhonovPath` from generalized singular values and coefficients.

    Parameters
    ----------
    gamma : ndarray of shape (k,)
        Positive generalized singular values γ_i (the singular values of A when L = I).
    beta : ndarray of shape (k,)
        u_iᵀ(b − A x₀) for the regularized components.
    lambdas : ndarray of shape (a,)
        λ > 0 (sorted ascending in the result).
    n_data : int
        m.
    n_unregularized : int
        n₀, components fitted exactly whatever λ (the null space of L).
    delta0 : float
        ‖(I − P)(b − A x₀)‖, the part of the data no x fits (P the projector on range(A)).
    U : ndarray of shape (m, k), optional
        The left vectors u_i, to return the residual vectors.
    r_perp : ndarray of shape (m,), optional
        The residual common to every λ: b − A x₀ minus its components on the u_i and on the
        unregularized directions (needed with ``U``).

    Examples
    --------
    >>> import numpy as np
    >>> path = spectral_path(np.array([2.0, 1.0]), np.array([1.0, 1.0]), np.array([1.0]),
    ...                      n_data=2)
    >>> path.filter.round(3), path.residual_norm.round(4)
    (array([[0.8, 0.5]]), array([0.5385]))
    """
    g = np.asarray(gamma, dtype=np.float64)
    bt = np.asarray(beta, dtype=np.float64)
    lam = np.sort(np.asarray(lambdas, dtype=np.float64).reshape(-1))
    if g.shape != bt.shape or g.ndim != 1:
        raise ValueError(f"gamma and beta must be 1-D of one length; got {g.shape}, {bt.shape}")
    if lam.size == 0 or not (lam > 0).all() or not np.isfinite(lam).all():
        raise ValueError(f"lambdas must be positive and finite; got {lam}")
    g2 = g * g
    l2 = lam[:, None] ** 2
    with np.errstate(divide="ignore", invalid="ignore"):
        f = np.where(np.isinf(g2)[None, :], 1.0, g2[None, :] / (g2[None, :] + l2))
        coef = np.where(g[None, :] > 0, f * bt[None, :] / g[None, :], 0.0)  # f β / γ
    one_minus = l2 / (g2[None, :] + l2)
    eta = (coef**2).sum(axis=1)
    rho = ((one_minus * bt[None, :]) ** 2).sum(axis=1) + delta0**2
    eta_prime = -(4.0 / lam) * (one_minus * coef**2).sum(axis=1)
    quasi = np.sqrt(((one_minus * coef) ** 2).sum(axis=1))
    residuals = None
    if U is not None:
        base = np.zeros(n_data) if r_perp is None else np.asarray(r_perp, dtype=np.float64)
        residuals = (one_minus * bt[None, :]) @ np.asarray(U).T + base[None, :]
    return TikhonovPath(
        lam,
        np.sqrt(rho),
        np.sqrt(eta),
        eta_prime,
        f.sum(axis=1) + n_unregularized,
        quasi,
        int(n_data),
        f,
        g,
        bt,
        residuals,
        int(n_unregularized),
        float(delta0),
        None if U is None else np.asarray(U),
        None if r_perp is None else np.asarray(r_perp, dtype=np.float64),
    )
