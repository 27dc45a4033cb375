"""The numbers behind the interactive report, all from one factorization of the data.

For the ridge objective

    minimize over b, w:   Σ_i s_i (y_i − b − x_iᵀw)²  +  α Σ_j π_j w_j²

one :class:`~ridgeway.core.spectrum.Spectrum` (plus the per-fold statistics of the same data
pass, and the second pass of exact leave-one-out) gives, for every α of the selection grid
(shape (a,)): the coefficient path (a, p), the intercepts, the training error RSS(α)/Σs, the
effective degrees of freedom, the leave-one-out, K-fold and GCV curves with their standard
errors, the evidence, and the α each criterion chooses. :func:`compute` returns them as plain
Python lists and numbers, ready to be embedded in the page as JSON; the other views (bias and
variance, constraint geometry, conventions) are in :mod:`ridgeway.report.views`.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from ridgeway._typing import FloatArray
from ridgeway.core.moments import column_means, column_sum_squares
from ridgeway.core.spectrum import Spectrum
from ridgeway.linear_model import RidgeCV
from ridgeway.linear_model.ridge import FitInput, validated_fit_input
from ridgeway.linear_model.ridge_cv import fit_spectrum
from ridgeway.selection import GridEdgeWarning, default_alphas, gcv, hkb, loo, lw
from ridgeway.selection.curve import Curve, select
from ridgeway.selection.evidence import maximize_pooled
from ridgeway.selection.kfold import FoldStatistics, fold_statistics, kfold_curve

__all__ = ["ReportInput", "compute", "floats"]


@dataclass(frozen=True, eq=False)
class ReportInput:
    """Validated data and settings of a report.

    Attributes
    ----------
    X : ndarray of shape (n, p)
    y : ndarray of shape (n,)
    feature_names : tuple of str, length p
    target_name, source : str
        Shown as text (never as markup).
    sample_weight : ndarray of shape (n,) or None
    standardize, fit_intercept : bool
    penalty_factor : ndarray of shape (p,) or None
    alphas : ndarray of shape (a,) or None
        The selection grid (None: :func:`default_alphas` of the spectrum, as ``RidgeCV``).
    folds : int
        K of the K-fold curve (folds in row order, as ``RidgeCV(cv=K)``); 0 leaves it out.
    validation : (ndarray of shape (m, p), ndarray of shape (m,)) or None
        Held-out rows whose error is drawn for every α.
    model_alpha : float or None
        The α of a fitted model, marked on the plots.
    model_label : str
        What the model is (e.g. "RidgeCV(cv=None)").
    """

    X: np.ndarray
    y: np.ndarray
    feature_names: tuple[str, ...]
    target_name: str
    source: str
    sample_weight: np.ndarray | None = None
    standardize: bool = False
    fit_intercept: bool = True
    penalty_factor: np.ndarray | None = None
    alphas: np.ndarray | None = None
    folds: int = 5
    validation: tuple[np.ndarray, np.ndarray] | None = None
    model_alpha: float | None = None
    model_label: str = ""


@dataclass(frozen=True, eq=False)
class Fitted:
    """The factorized problem and the grid: what the views of the report are computed from."""

    inp: ReportInput
    data: FitInput
    spectrum: Spectrum
    alphas: FloatArray  # (a,)
    path: FloatArray  # (a, p)
    intercept: FloatArray  # (a,)
    x_mean: FloatArray  # (p,)
    x_sd: FloatArray  # (p,)
    reference_alpha: float
    reference_index: int


def floats(values: Any) -> list[Any]:
    """A float array as nested lists of Python floats, non-finite values as None (JSON null)."""
    arr = np.asarray(values, dtype=np.float64)
    out = np.where(np.isfinite(arr), arr, np.nan).astype(object)
    out[~np.isfinite(arr)] = None
    return list(out.tolist())


def _number(value: float | None) -> float | None:
    return None if value is None or not math.isfinite(value) else float(value)


def nearest_index(alphas: np.ndarray, alpha: float) -> int:
    """Index of the grid point nearest to ``alpha`` in log scale."""
    return int(np.argmin(np.abs(np.log(alphas) - np.log(alpha))))


@dataclass(frozen=True)
class _Criterion:
    key: str
    label: str
    rule: str
    alpha: float | None
    note: str


def _guarded(fn: Callable[[], float]) -> tuple[float | None, str]:
    """Run one criterion's choice; a failure or a grid-edge warning becomes a short note."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            alpha = float(fn())
        except (ValueError, ArithmeticError, np.linalg.LinAlgError) as exc:
            return None, " ".join(str(exc).split()).split("; ")[0][:80]
    edge = any(issubclass(w.category, GridEdgeWarning) for w in caught)
    if not math.isfinite(alpha) or alpha <= 0:
        return None, "no finite positive α on these data"
    return alpha, "at the edge of the grid: the optimum may lie beyond it" if edge else ""


def _select(curve: Curve, rule: str) -> float:
    return float(curve.alphas[int(select(curve, rule))])


def _criteria(
    fit: Fitted, curves: dict[str, Curve], folds: int, evidence_alpha: Callable[[], float]
) -> list[_Criterion]:
    """Every criterion's α, as ``RidgeCV`` with that ``cv`` and ``rule`` would choose it."""
    spec, n = fit.spectrum, fit.spectrum.n_samples
    p = spec.penalized.size
    out: list[_Criterion] = []

    def add(key: str, label: str, rule: str, fn: Callable[[], float] | None, why: str) -> None:
        if fn is None:
            out.append(_Criterion(key, label, rule, None, why))
            return
        alpha, note = _guarded(fn)
        out.append(_Criterion(key, label, rule, alpha, note))

    for key, label, name in (("loo", "LOO", "loo"), ("kfold", f"{folds}-fold", "kfold")):
        curve = curves.get(name)
        why = "not computed" if name == "kfold" and folds == 0 else "unavailable on these data"
        for rule in ("min", "1se"):
            fn = None if curve is None else (lambda c=curve, r=rule: _select(c, r))
            suffix = "" if rule == "min" else " 1se"
            add(f"{key}-{rule}", label + suffix, rule, fn, why)
    gcv_curve = curves["gcv"]
    add("gcv", "GCV", "min", lambda: _select(gcv_curve, "min"), "")
    add("evidence", "evidence", "max", evidence_alpha, "")
    classical_ok = p >= 3 and n > spec.n_features + 1
    why = "needs at least 3 penalized predictors and n > p + 1"
    icpt = fit.inp.fit_intercept
    add(
        "hkb",
        "HKB",
        "formula",
        (lambda: float(hkb(spec, fit_intercept=icpt)[0])) if classical_ok else None,
        why,
    )
    add(
        "lw",
        "L-W",
        "formula",
        (lambda: float(lw(spec, fit_intercept=icpt)[0])) if classical_ok else None,
        why,
    )
    if fit.inp.model_alpha is not None:
        out.append(_Criterion("model", "model", "fitted", fit.inp.model_alpha, fit.inp.model_label))
    return out


def _column_stats(inp: ReportInput) -> tuple[FloatArray, FloatArray]:
    """Weighted column means and standard deviations (divisor Σs) of X."""
    Y = inp.y[:, None]
    xm, _ = column_means(inp.X, Y, inp.sample_weight)
    sw = float(inp.X.shape[0]) if inp.sample_weight is None else float(inp.sample_weight.sum())
    sd = np.sqrt(column_sum_squares(inp.X, xm, inp.sample_weight) / sw)
    return xm, sd


def _curves(
    inp: ReportInput, data: FitInput, spec: Spectrum, al: FloatArray, stats: FoldStatistics | None
) -> dict[str, Curve]:
    pr = data.problem
    curves: dict[str, Curve] = {"gcv": gcv(spec, al, fit_intercept=pr.fit_intercept)}
    try:
        curves["loo"] = loo(spec, pr.X, pr.y, pr.sample_weight, al, fit_intercept=pr.fit_intercept)
    except (ValueError, ArithmeticError):  # pragma: no cover - LOO is defined for any data
        pass
    if stats is not None:
        curves["kfold"] = kfold_curve(
            stats,
            al,
            penalty_factor=data.penalty_factor,
            standardize=inp.standardize,
            fit_intercept=pr.fit_intercept,
            spectrum=spec,
        )
    return curves


def factorize(inp: ReportInput) -> tuple[Fitted, dict[str, Curve], FoldStatistics | None]:
    """The spectrum, the grid, the path and the criterion curves of the report's data."""
    est = RidgeCV(
        alphas=inp.alphas,
        standardize=inp.standardize,
        fit_intercept=inp.fit_intercept,
        penalty_factor=inp.penalty_factor,
    )
    grid = est._grid()
    data = validated_fit_input(est, inp.X, inp.y, inp.sample_weight)
    if data.Y.shape[1] != 1:
        raise ValueError("y must be one target for a report; got several")
    pr = data.problem
    n = pr.X.shape[0]
    stats = None
    if inp.folds >= 2 and n >= inp.folds:
        # one pass gathers every fold's statistics; their total serves the factorization
        stats = fold_statistics(
            pr.X,
            pr.y,
            pr.sample_weight,
            cv=inp.folds,
            penalty_factor=data.penalty_factor,
            standardize=inp.standardize,
            fit_intercept=pr.fit_intercept,
        )
    spec = fit_spectrum(
        data,
        float(grid[0]) if grid is not None else 0.0,
        None if stats is None else stats.total,
    )
    al = default_alphas(spec) if grid is None else grid
    curves = _curves(inp, data, spec, al, stats)
    path3 = spec.coef_path(al)  # (a, p, 1)
    intercept = spec.intercept(path3)[:, 0]
    if stats is not None and stats.total is not None:  # centred moments of the same pass
        total = stats.total
        xm = np.asarray(total.x_mean, dtype=np.float64)
        sd = np.sqrt(np.maximum(np.diagonal(total.xx), 0.0) / total.sum_weights)
    else:
        xm, sd = _column_stats(inp)
    if inp.model_alpha is not None:
        ref = float(inp.model_alpha)
    elif "loo" in curves:
        with warnings.catch_warnings():  # an edge choice is noted in the criteria table
            warnings.simplefilter("ignore", GridEdgeWarning)
            ref = _select(curves["loo"], "min")
    else:  # pragma: no cover - the LOO curve exists for any data
        ref = float(al[al.size // 2])
    fit = Fitted(
        inp, data, spec, al, path3[:, :, 0], intercept, xm, sd, ref, nearest_index(al, ref)
    )
    return fit, curves, stats


def _band(curve: Curve | None) -> dict[str, Any] | None:
    if curve is None:
        return None
    se = None if curve.se is None else floats(curve.se[:, 0])
    return {"mean": floats(curve.mean[:, 0]), "se": se}


def _validation_error(fit: Fitted) -> list[Any] | None:
    val = fit.inp.validation
    if val is None:
        return None
    Xv, yv = val
    pred = Xv @ fit.path.T + fit.intercept[None, :]  # (m, a)
    return floats(np.mean((yv[:, None] - pred) ** 2, axis=0))


def _shown_features(fit: Fitted, limit: int) -> np.ndarray:
    """Indices of at most ``limit`` features, the largest standardized coefficients at the
    reference α first, returned in column order."""
    p = fit.path.shape[1]
    if p <= limit:
        return np.arange(p)
    size = np.abs(fit.path[fit.reference_index] * fit.x_sd)
    return np.sort(np.argsort(-size, kind="stable")[:limit])


def compute(
    inp: ReportInput, *, max_features: int = 1000, path_features: int = 30
) -> tuple[dict[str, Any], Fitted]:
    """The page's numbers: grid, errors, df, path, criteria and the data summary.

    Parameters
    ----------
    inp : ReportInput
    max_features : int, default 1000
        At most this many coefficients go into the page (the largest standardized ones at the
        reference α, when there are more features).
    path_features : int, default 30
        At most this many paths are drawn (the table shows every embedded feature).

    Returns
    -------
    data : dict
        JSON-ready numbers; every array over the grid has shape (a,) or (a, p_shown).
    fit : Fitted
        The factorization, for the other views.
    """
    fit, curves, stats = factorize(inp)
    spec, al = fit.spectrum, fit.alphas
    sw = spec.sum_weights
    folds = inp.folds if stats is not None else 0
    crit = _criteria(fit, curves, folds, lambda: maximize_pooled(spec, al))
    keep = _shown_features(fit, max_features)
    ranked = np.abs(fit.path[fit.reference_index, keep] * fit.x_sd[keep])
    drawn = np.sort(np.argsort(-ranked, kind="stable")[:path_features])
    d = spec.d
    d_min = 0.0 if (spec.rank_deficient or d.size == 0) else float(d[-1])
    with np.errstate(divide="ignore"):
        cond = (d[0] + al) / (d_min + al) if d.size else np.ones_like(al)
        cond0 = float(d[0] / d_min) if d.size and d_min > 0 else math.inf
    out: dict[str, Any] = {
        "alphas": floats(al),
        "df": floats(spec.df(al)),
        "train_mse": floats(spec.rss(al)[:, 0] / sw),
        "loo": _band(curves.get("loo")),
        "kfold": _band(curves.get("kfold")),
        "folds": folds,
        "gcv": floats(curves["gcv"].mean[:, 0]),
        "validation_mse": _validation_error(fit),
        "condition": floats(cond),
        "condition_unpenalized": _number(cond0),
        "reference_index": fit.reference_index,
        "reference_alpha": fit.reference_alpha,
        "criteria": [
            {
                "key": c.key,
                "label": c.label,
                "rule": c.rule,
                "alpha": _number(c.alpha),
                "index": None if c.alpha is None else nearest_index(al, c.alpha),
                "df": None if c.alpha is None else float(spec.df(np.array([c.alpha]))[0]),
                "note": c.note,
            }
            for c in crit
        ],
        "features": [inp.feature_names[j] for j in keep],
        "feature_index": [int(j) for j in keep],
        "drawn": [int(np.searchsorted(keep, j)) for j in keep[drawn]],
        "x_mean": floats(fit.x_mean[keep]),
        "x_sd": floats(fit.x_sd[keep]),
        "path": floats(fit.path[:, keep]),
        "intercept": floats(fit.intercept),
        "n_features": int(inp.X.shape[1]),
    }
    return out, fit
