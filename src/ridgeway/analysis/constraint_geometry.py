"""The constraint picture for two coefficients: loss ellipses, the L2 circle and the L1 diamond.

For two chosen coefficients w = (w_j, w_k) of a linear model, the residual sum of squares with
every other coefficient and the intercept free (minimized over them, unpenalized) is an exact
quadratic in w,

    RSS(w) = RSS_min + (w − ŵ)ᵀ S (w − ŵ),

with ŵ the least-squares values of the two and S = Z_Jᵀ (I − P) Z_J the 2×2 Schur complement
(Z the √s-weighted, centred columns, P the projector on the other columns). Its contours are
the ellipses of the textbook figure (Hastie, Tibshirani & Friedman, ESL Fig. 3.11). Penalizing
only these two coefficients,

- ridge, min RSS(w) + α‖w‖², is w(α) = (S + αI)⁻¹ S ŵ: the point where the ellipse through it
  touches the circle ‖w‖ = ‖w(α)‖ (the constraint view of :mod:`ridgeway.analysis.constraint`);
- the lasso at the same radius, min RSS(w) subject to |w_j| + |w_k| ≤ r, touches the diamond,
  often at a corner (one coefficient exactly 0); solved exactly on the four edges.

With ``standardize=True`` the columns are divided by their weighted standard deviation first and
w is in standardized units (the units the penalty sees).
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from typing import Any

import numpy as np

from ridgeway._typing import ArrayLike, FloatArray
from ridgeway._validation import as_matrix, as_targets, as_weights, check_alphas, message

__all__ = ["ConstraintGeometry", "constraint_geometry"]


@dataclass(frozen=True, eq=False)
class ConstraintGeometry:
    """The two-coefficient problem RSS(w) = RSS_min + (w − ŵ)ᵀ S (w − ŵ), ridge and lasso on it.

    Attributes
    ----------
    features : tuple of int
        Column indices (j, k).
    names : tuple of str
        Their names (``x{j}`` for arrays, the column names for DataFrames).
    ols : ndarray of shape (2,)
        ŵ, the least-squares values of the two coefficients (the centre of the ellipses).
    hessian : ndarray of shape (2, 2)
        S (positive definite).
    rss_min : float
        RSS(ŵ).
    alphas : ndarray of shape (a,)
        The α grid (ascending).
    ridge : ndarray of shape (a, 2)
        w(α) = (S + αI)⁻¹ S ŵ.
    radius : ndarray of shape (a,)
        ‖w(α)‖, the radius of the circle the ridge solution lies on.
    lasso : ndarray of shape (a, 2)
        argmin RSS(w) subject to |w_j| + |w_k| ≤ radius, at the same radii.
    standardized : bool
        Whether w is in standardized units.
    """

    features: tuple[int, int]
    names: tuple[str, str]
    ols: FloatArray
    hessian: FloatArray
    rss_min: float
    alphas: FloatArray
    ridge: FloatArray
    radius: FloatArray
    lasso: FloatArray
    standardized: bool

    def rss(self, w: ArrayLike) -> FloatArray:
        """RSS at points w of shape (..., 2) (the other coefficients at their best)."""
        d = np.asarray(w, dtype=np.float64) - self.ols
        return np.asarray(self.rss_min + np.einsum("...i,ij,...j->...", d, self.hessian, d))

    def ridge_at(self, alpha: float) -> FloatArray:
        """w(α) = (S + αI)⁻¹ S ŵ for one α ≥ 0, shape (2,)."""
        a = float(check_alphas(alpha, "alpha")[0])
        return np.asarray(np.linalg.solve(self.hessian + a * np.eye(2), self.hessian @ self.ols))

    def lasso_at(self, radius: ArrayLike) -> FloatArray:
        """argmin RSS(w) s.t. |w_j| + |w_k| ≤ r, shape (2,) for a number, (r, 2) for an array."""
        r = check_alphas(radius, "radius")
        out = _lasso(self.ols, self.hessian, r)
        return out[0] if np.ndim(radius) == 0 else out


def _lasso(ols: FloatArray, S: FloatArray, r: FloatArray) -> FloatArray:
    """Exact minimizer of (w − ŵ)ᵀS(w − ŵ) over the diamond |w₁| + |w₂| ≤ r, shape (m, 2).

    Inside the diamond when ‖ŵ‖₁ ≤ r; otherwise on its boundary: the best of the four edges,
    each a 1-D convex quadratic minimized in closed form and clamped to the edge.
    """
    corners = np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0], [0.0, -1.0]])
    start = corners[None, :, :] * r[:, None, None]  # (m, 4, 2)
    step = (np.roll(corners, -1, axis=0) - corners)[None] * r[:, None, None]
    num = np.einsum("mei,ij,mej->me", step, S, ols[None, None, :] - start)
    den = np.einsum("mei,ij,mej->me", step, S, step)
    with np.errstate(invalid="ignore", divide="ignore"):
        t = np.clip(np.where(den > 0, num / den, 0.0), 0.0, 1.0)
    cand = start + t[..., None] * step  # (m, 4, 2)
    d = cand - ols
    q = np.einsum("mei,ij,mej->me", d, S, d)
    best = cand[np.arange(r.size), np.argmin(q, axis=1)]
    inside = np.abs(ols).sum() <= r
    return np.asarray(np.where(inside[:, None], ols[None, :], best))


def _features(features: Any, p: int) -> tuple[int, int]:
    try:
        j, k = features
    except (TypeError, ValueError):
        raise ValueError(message("features", "a pair of column indices", repr(features))) from None
    for v in (j, k):
        if isinstance(v, bool) or not isinstance(v, numbers.Integral) or not 0 <= int(v) < p:
            raise ValueError(message("features", f"two indices in [0, {p})", repr(features)))
    if j == k:
        raise ValueError(message("features", "two different columns", repr(features)))
    return int(j), int(k)


def constraint_geometry(
    X: ArrayLike,
    y: ArrayLike,
    features: tuple[int, int] = (0, 1),
    alphas: ArrayLike | None = None,
    *,
    sample_weight: ArrayLike | None = None,
    fit_intercept: bool = True,
    standardize: bool = False,
) -> ConstraintGeometry:
    """The loss ellipses, ridge path and lasso solutions of two coefficients (others free).

    Minimizing Σ_i s_i (y_i − b − x_iᵀβ)² over the intercept and every coefficient except
    w = (β_j, β_k) leaves RSS(w) = RSS_min + (w − ŵ)ᵀ S (w − ŵ); ridge on the two,
    min RSS(w) + α‖w‖², is w(α) = (S + αI)⁻¹ S ŵ (``Ridge(alpha, penalty_factor=...)`` with
    factor 1 on j, k and 0 elsewhere), and the lasso of the same radius ‖w(α)‖ is solved
    exactly on the diamond.

    Parameters
    ----------
    X : array-like of shape (n, p)
    y : array-like of shape (n,)
    features : pair of int, default (0, 1)
    alphas : array-like of shape (a,), optional
        α ≥ 0; default 60 values from 10⁻² s_min to 10² s_max (s the eigenvalues of S).
    sample_weight : array-like of shape (n,), optional
    fit_intercept : bool, default True
    standardize : bool, default False
        Divide each column by its weighted standard deviation (divisor Σs) first.

    Returns
    -------
    ConstraintGeometry

    Examples
    --------
    >>> import numpy as np
    >>> from ridgeway.analysis.constraint_geometry import constraint_geometry
    >>> X = np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 2.0], [3.0, 1.0], [1.0, 3.0]])
    >>> y = np.array([1.0, 2.0, 4.0, 5.0, 2.0])
    >>> geo = constraint_geometry(X, y, alphas=[0.0, 1.0, 10.0])
    >>> geo.ols.round(4), geo.ridge[0].round(4)
    (array([1.4222, 0.0222]), array([1.4222, 0.0222]))
    >>> bool(np.all(np.diff(geo.radius) < 0)), geo.lasso[-1].round(4)
    (True, array([0.487, 0.   ]))
    """
    Xa: FloatArray = np.asarray(as_matrix(X), dtype=np.float64)
    n, p = Xa.shape
    Y, single = as_targets(y, n)
    if not single and Y.shape[1] != 1:
        raise ValueError(message("y", "one target (1-D)", f"shape {np.shape(y)}"))
    if not (np.isfinite(Xa).all() and np.isfinite(Y).all()):
        raise ValueError(message("X and y", "finite (no NaN or inf)", "non-finite entries"))
    j, k = _features(features, p)
    s = as_weights(sample_weight, n)
    w = np.ones(n) if s is None else s
    sw = float(w.sum())
    xm = w @ Xa / sw if fit_intercept else np.zeros(p)
    ym = float(w @ Y[:, 0] / sw) if fit_intercept else 0.0
    Z = (Xa - xm) * np.sqrt(w)[:, None]
    yz = (Y[:, 0] - ym) * np.sqrt(w)
    if standardize:
        sd = np.sqrt((Z**2).sum(axis=0) / sw)
        Z = Z / np.where(sd > 0, sd, 1.0)
    rest = [c for c in range(p) if c not in (j, k)]
    ZJ = Z[:, [j, k]]
    if rest:
        Q, sv, _ = np.linalg.svd(Z[:, rest], full_matrices=False)
        Q = (
            Q[:, sv > sv[0] * max(n, p) * np.finfo(float).eps]
            if sv.size and sv[0] > 0
            else Q[:, :0]
        )
        ZJ = ZJ - Q @ (Q.T @ ZJ)
        yz = yz - Q @ (Q.T @ yz)
    S = ZJ.T @ ZJ
    g = ZJ.T @ yz
    ev = np.linalg.eigvalsh(S)
    if ev[0] <= ev[-1] * 1e-12 or ev[-1] <= 0:
        raise ValueError(
            message(
                "features",
                "two columns not explained by the others (their least-squares values must be "
                "unique: n larger than p and no collinearity)",
                repr(features),
            )
        )
    ols: FloatArray = np.asarray(np.linalg.solve(S, g), dtype=np.float64)
    rss_min = float(yz @ yz - g @ ols)
    if alphas is None:
        al = np.concatenate([[0.0], np.geomspace(1e-2 * ev[0], 1e2 * ev[-1], 59)])
    else:
        al = np.sort(check_alphas(alphas, "alphas"))
    vals, V = np.linalg.eigh(S)
    shrink = vals[None, :] / (vals[None, :] + al[:, None])  # (a, 2)
    ridge = (shrink * (V.T @ ols)[None, :]) @ V.T
    radius = np.linalg.norm(ridge, axis=1)
    names = getattr(X, "columns", None)
    label = (str(names[j]), str(names[k])) if names is not None else (f"x{j}", f"x{k}")
    return ConstraintGeometry(
        (j, k), label, ols, S, rss_min, al, ridge, radius, _lasso(ols, S, radius), standardize
    )
