"""Plots of fitted estimators: coefficient paths (glmnet's ``plot``, MASS's ``plot.ridgelm``)
and cross-validation curves (``plot.cv.glmnet``)."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np

from ridgeway._typing import ArrayLike, FloatArray
from ridgeway._validation import message
from ridgeway.core.spectrum import Spectrum
from ridgeway.report._axes import (
    add_df_axis,
    axes_for,
    check_index,
    column,
    fmt,
    grid,
    set_alpha_axis,
)
from ridgeway.selection.curve import Curve

__all__ = ["plot_cv", "plot_path"]

_SE_STYLES = ("bars", "band", "none")


@dataclass(frozen=True)
class _Path:
    alphas: FloatArray  # (a,)
    coef: FloatArray  # (a, p)
    df: FloatArray | None  # (a,)
    names: list[str]
    chosen: float | None
    ylabel: str


def _names(model: Any, p: int) -> list[str]:
    names = getattr(model, "feature_names_in_", None)
    return [str(s) for s in names] if names is not None else [f"x{j}" for j in range(p)]


def _chosen(model: Any, target: int | None) -> float:
    alpha = getattr(model, "alpha_", None)
    if alpha is None:
        alpha = model.alpha
    arr = np.asarray(alpha, dtype=np.float64).reshape(-1)
    return float(arr[0] if arr.size == 1 else arr[check_index(target, arr.size, "target")])


def _ridge_path(
    model: Any,
    X: ArrayLike,
    y: ArrayLike,
    sample_weight: ArrayLike | None,
    alphas: ArrayLike | None,
    target: int | None,
) -> _Path:
    from sklearn.base import clone

    from ridgeway.linear_model.ridge import validated_fit_input
    from ridgeway.linear_model.ridge_cv import fit_spectrum
    from ridgeway.selection.grid import default_alphas

    fresh = clone(model)
    data = validated_fit_input(fresh, X, y, sample_weight)
    if data.X.shape[1] != model.n_features_in_:
        raise ValueError(
            message("X", f"the {model.n_features_in_} columns the model was fitted on", data.X.shape)
        )
    if alphas is not None:
        al = grid(alphas)
    elif hasattr(model, "cv_results_"):
        al = np.asarray(model.cv_results_["alphas"], dtype=np.float64)
    else:
        al = None
    spec = fit_spectrum(data, 0.0 if al is None else float(al[0]))
    if al is None:
        al = default_alphas(spec)
    coef = column_of_path(spec.coef_path(al), target)
    return _Path(al, coef, spec.df(al), _names(model, coef.shape[1]), _chosen(model, target), "")


def column_of_path(path: FloatArray, target: int | None) -> FloatArray:
    """(a, p) slice of an (a, p, t) path."""
    t = path.shape[2]
    if target is None:
        if t != 1:
            raise ValueError(
                message("target", f"an index in [0, {t}) for a path of {t} targets", None)
            )
        return np.asarray(path[:, :, 0])
    return np.asarray(path[:, :, check_index(target, t, "target")])


def _path_data(
    model: Any,
    X: ArrayLike | None,
    y: ArrayLike | None,
    sample_weight: ArrayLike | None,
    alphas: ArrayLike | None,
    target: int | None,
) -> _Path:
    if isinstance(model, Spectrum):
        from ridgeway.selection.grid import default_alphas

        al = default_alphas(model) if alphas is None else grid(alphas)
        coef = column_of_path(model.coef_path(al), target)
        names = [f"x{j}" for j in range(coef.shape[1])]
        return _Path(al, coef, model.df(al), names, None, "")
    if hasattr(model, "coefs_path_"):  # LogisticRidgeCV: the path is stored
        if alphas is not None:
            raise ValueError(
                message("alphas", "None for LogisticRidgeCV (its path is on its own grid)", "a grid")
            )
        path = np.asarray(model.coefs_path_, dtype=np.float64)  # (a, K, p)
        K = path.shape[1]
        k = 0 if target is None and K == 1 else check_index(target, K, "target")
        coef = path[:, k, :]
        label = "" if K == 1 else f" (class {model.classes_[k]!r})"
        al = np.asarray(model.cv_results_["alphas"], dtype=np.float64)
        return _Path(al, coef, None, _names(model, coef.shape[1]), float(model.alpha_), label)
    if hasattr(model, "coef_") and hasattr(model, "standardize"):  # Ridge, RidgeCV
        if X is None or y is None:
            raise ValueError(
                message(
                    "X and y",
                    f"the training data: a fitted {type(model).__name__} stores no path, which is "
                    "recomputed from one factorization of X",
                    "None",
                )
            )
        return _ridge_path(model, X, y, sample_weight, alphas, target)
    raise TypeError(
        message(
            "model",
            "a fitted Ridge, RidgeCV or LogisticRidgeCV, or a Spectrum",
            type(model).__name__,
        )
    )


def plot_path(
    model: Any,
    X: ArrayLike | None = None,
    y: ArrayLike | None = None,
    *,
    alphas: ArrayLike | None = None,
    sample_weight: ArrayLike | None = None,
    target: int | None = None,
    ax: Any = None,
    log: bool = True,
    labels: Any = True,
    df_axis: bool = True,
) -> Any:
    """Coefficient paths: each coefficient ŵ_j(α) of the ridge fit against α.

    The ridge objective Σ_i s_i ‖y_i − b − x_iᵀW‖² + α Σ_j π_j ‖W_j‖² is solved for every α of
    the grid from one factorization; the curves run from the least-squares end (small α) to 0.
    As glmnet's ``plot(fit)``: one labelled curve per coefficient, the effective degrees of
    freedom on the top axis; the fitted model's α is marked by a dashed vertical line.

    Parameters
    ----------
    model : Ridge, RidgeCV, LogisticRidgeCV (fitted) or Spectrum
        A fitted Ridge or RidgeCV keeps no path: pass its training data ``X``, ``y`` (and
        ``sample_weight``) and the path is recomputed with the model's settings (one
        factorization). LogisticRidgeCV's stored ``coefs_path_`` is drawn as is.
    X : array-like of shape (n, p), optional
    y : array-like of shape (n,) or (n, t), optional
    alphas : array-like of shape (a,), optional
        The grid; default the model's CV grid (``cv_results_["alphas"]``) or one spanning the
        spectrum.
    sample_weight : array-like of shape (n,), optional
    target : int, optional
        Which target (or, for a multinomial LogisticRidgeCV, which class) to draw when there are
        several.
    ax : matplotlib Axes, optional
        Drawn into; default a new figure.
    log : bool, default True
        α on a log scale (MASS's ``plot.ridgelm`` uses a linear one: ``log=False``).
    labels : bool or sequence of str, default True
        Label each curve at its small-α end: True uses the feature names (``x0``, ``x1``, … for
        arrays); a sequence gives the names; False draws no labels.
    df_axis : bool, default True
        The top axis of effective degrees of freedom (not for LogisticRidgeCV).

    Returns
    -------
    matplotlib Axes
        ``ax.lines[j]`` is the curve of coefficient j (x data α, y data ŵ_j(α)); the axis of
        degrees of freedom is ``ax.child_axes[0]``.
    """
    data = _path_data(model, X, y, sample_weight, alphas, target)
    p = data.coef.shape[1]
    if labels is True:
        names = data.names
    elif labels is False or labels is None:
        names = []
    else:
        names = [str(s) for s in labels]
        if len(names) != p:
            raise ValueError(message("labels", f"{p} names (one per coefficient)", len(names)))
    ax = axes_for(ax, "plot_path")
    for j in range(p):
        ax.plot(data.alphas, data.coef[:, j], lw=1.3, label=names[j] if names else None)
    ax.axhline(0.0, color="0.6", lw=0.8, zorder=0)
    handles = []
    if data.chosen is not None and np.isfinite(data.chosen):
        handles.append(
            ax.axvline(data.chosen, color="k", ls="--", lw=1.0, label=f"α = {fmt(data.chosen)}")
        )
    for j, name in enumerate(names):
        ax.annotate(
            name,
            (data.alphas[0], data.coef[0, j]),
            xytext=(-3, 0),
            textcoords="offset points",
            ha="right",
            va="center",
            fontsize="small",
            color=ax.lines[j].get_color(),
        )
    set_alpha_axis(ax, log)
    ax.set_ylabel("coefficient" + data.ylabel)
    if handles:
        ax.legend(handles=handles, loc="best", fontsize="small")
    if df_axis and data.df is not None:
        add_df_axis(ax, data.alphas, data.df)
    return ax


@dataclass(frozen=True)
class _CV:
    alphas: FloatArray
    mean: FloatArray  # what is drawn
    se: FloatArray | None
    rank_mean: FloatArray  # lower is better, for the rules
    rank_se: FloatArray | None
    df: FloatArray | None
    ylabel: str
    chosen: float | None
    rule: str


def _pooled(mean: Any, se: Any, target: int | None) -> tuple[FloatArray, FloatArray | None]:
    """One column, or (target None, several targets) the pooled curve ``select`` ranks."""
    m = np.asarray(mean, dtype=np.float64)
    s = None if se is None else np.asarray(se, dtype=np.float64)
    if m.ndim == 2 and m.shape[1] > 1 and target is None:
        return m.mean(axis=1), None if s is None else np.sqrt((s**2).mean(axis=1))
    return column(m, target), None if s is None else column(s, target)


_RIDGE_LABELS = {"gcv": "GCV", "evidence": "−log evidence per unit weight"}
_LOGISTIC = {
    "neg_log_loss": ("log_loss", "log-loss"),
    "accuracy": ("accuracy", "misclassification error"),
    "roc_auc": ("roc_auc", "AUC"),
}


def _cv_data(model: Any, target: int | None) -> _CV:
    if isinstance(model, Curve):
        mean, se = _pooled(model.mean, model.se, target)
        label = {"loo": "leave-one-out MSE", "kfold": "k-fold MSE"}.get(
            model.criterion, _RIDGE_LABELS.get(model.criterion, model.criterion)
        )
        return _CV(model.alphas, mean, se, mean, se, model.df, label, None, "min")
    res = getattr(model, "cv_results_", None)
    if res is None:
        raise TypeError(
            message("model", "a fitted RidgeCV or LogisticRidgeCV, or a Curve", type(model).__name__)
        )
    al = np.asarray(res["alphas"], dtype=np.float64)
    if hasattr(model, "coefs_path_"):  # LogisticRidgeCV
        key, label = _LOGISTIC[model.scoring]
        shown = np.asarray(res[key], dtype=np.float64)
        if key == "accuracy":
            shown = 1.0 - shown
        se_key = res.get(key + "_se")
        cv = "ALO" if isinstance(model.cv, str) else "k-fold"
        return _CV(
            al,
            shown,
            None if se_key is None else np.asarray(se_key, dtype=np.float64),
            np.asarray(res["mean"], dtype=np.float64),
            None if res["se"] is None else np.asarray(res["se"], dtype=np.float64),
            None,
            f"{cv} {label}",
            float(model.alpha_),
            model.rule,
        )
    if res["mean"] is None:
        raise ValueError(
            message(
                "model",
                "a RidgeCV whose criterion has a curve (cv=None, an int or splitter, 'gcv' or "
                "'evidence')",
                f"cv={model.cv!r}",
            )
        )
    cv = model.cv
    if cv is None:
        label = "leave-one-out MSE"
    elif isinstance(cv, str):
        label = _RIDGE_LABELS[cv]
    else:
        label = f"{cv}-fold MSE" if isinstance(cv, int) else "k-fold MSE"
    alpha = np.asarray(model.alpha_, dtype=np.float64).reshape(-1)
    if alpha.size > 1:
        tgt = check_index(target, alpha.size, "target") if target is not None else None
        if tgt is None:
            raise ValueError(
                message("target", f"an index in [0, {alpha.size}) for a per-target α", None)
            )
        chosen = float(alpha[tgt])
    else:
        chosen = float(alpha[0])
    mean, se = _pooled(res["mean"], res["se"], target)
    return _CV(al, mean, se, mean, se, np.asarray(res["df"]), label, chosen, model.rule)


def _rule_alphas(d: _CV) -> tuple[float, float | None]:
    """α of the minimum and of the one-standard-error rule (the model's own where it chose)."""
    finite = np.where(np.isfinite(d.rank_mean), d.rank_mean, np.inf)
    best = int(np.argmin(finite))
    a_min = d.chosen if (d.chosen is not None and d.rule == "min") else float(d.alphas[best])
    if d.rank_se is None:
        return a_min, None
    if d.chosen is not None and d.rule == "1se":
        return a_min, d.chosen
    ok = finite <= finite[best] + d.rank_se[best]
    return a_min, float(d.alphas[np.flatnonzero(ok)[-1]])


def plot_cv(
    model: Any,
    *,
    target: int | None = None,
    ax: Any = None,
    log: bool = True,
    se: str = "bars",
    df_axis: bool = True,
) -> Any:
    """The cross-validation curve over α with ±1 standard error and the rules' α marked.

    As ``plot.cv.glmnet``: the criterion (leave-one-out, k-fold or GCV error, −log evidence, or
    a LogisticRidgeCV's log-loss, misclassification error or AUC) at each α of the grid, its
    standard error as error bars (or a band), a dashed vertical line at α_min (the minimum, or
    the model's α when it used rule "min") and a dotted one at α_1se (the largest α within one
    standard error of the minimum, cv.glmnet's ``lambda.1se``); the line of the α the model
    chose says "chosen" in the legend. The top axis gives the effective degrees of freedom.

    Parameters
    ----------
    model : RidgeCV, LogisticRidgeCV (fitted) or Curve
    target : int, optional
        For several targets: one target's curve. Default: the mean over targets (the curve a
        shared α is chosen on; standard errors pooled as √(mean se²)). Required with a
        per-target α.
    ax : matplotlib Axes, optional
    log : bool, default True
        α on a log scale.
    se : {"bars", "band", "none"}, default "bars"
    df_axis : bool, default True

    Returns
    -------
    matplotlib Axes
        ``ax.lines[0]`` is the curve; the vertical lines follow, α_min then α_1se; the
        error bars are ``ax.containers[0]`` (the band ``ax.collections[0]``).
    """
    if se not in _SE_STYLES:
        raise ValueError(message("se", "one of " + ", ".join(map(repr, _SE_STYLES)), repr(se)))
    d = _cv_data(model, target)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a_min, a_1se = _rule_alphas(d)
    ax = axes_for(ax, "plot_cv")
    ax.plot(d.alphas, d.mean, "o-", color="C3", ms=3, lw=1.2, label=d.ylabel)
    chosen_tag = " (chosen)"
    ax.axvline(
        a_min,
        color="k",
        ls="--",
        lw=1.0,
        label=f"α_min = {fmt(a_min)}" + (chosen_tag if d.rule == "min" and d.chosen else ""),
    )
    if a_1se is not None:
        ax.axvline(
            a_1se,
            color="k",
            ls=":",
            lw=1.2,
            label=f"α_1se = {fmt(a_1se)}" + (chosen_tag if d.rule == "1se" and d.chosen else ""),
        )
    if d.se is not None and se == "bars":
        ax.errorbar(
            d.alphas, d.mean, yerr=d.se, fmt="none", ecolor="0.55", lw=0.8, capsize=2,
            label="± 1 SE",
        )  # fmt: skip
    elif d.se is not None and se == "band":
        ax.fill_between(
            d.alphas, d.mean - d.se, d.mean + d.se, color="C3", alpha=0.2, lw=0, label="± 1 SE"
        )
    set_alpha_axis(ax, log)
    ax.set_ylabel(d.ylabel)
    ax.legend(loc="best", fontsize="small")
    if df_axis and d.df is not None:
        add_df_axis(ax, d.alphas, np.asarray(d.df, dtype=np.float64))
    return ax
