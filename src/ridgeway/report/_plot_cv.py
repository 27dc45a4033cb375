"""The cross-validation curve of a fitted estimator (glmnet's ``plot(cv.glmnet(...))``)."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np

from ridgeway._typing import FloatArray
from ridgeway._validation import message
from ridgeway.report._axes import add_df_axis, axes_for, check_index, column, fmt, set_alpha_axis
from ridgeway.selection.curve import Curve

__all__ = ["plot_cv"]

_SE_STYLES = ("bars", "band", "none")


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
            message(
                "model", "a fitted RidgeCV or LogisticRidgeCV, or a Curve", type(model).__name__
            )
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

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from ridgeway import RidgeCV
    >>> from ridgeway.datasets import load_prostate
    >>> from ridgeway.report.plots import plot_cv
    >>> train = load_prostate(split="train")
    >>> model = RidgeCV(standardize=True).fit(train.data, train.target)
    >>> ax = plot_cv(model)  # or model.plot()
    >>> bool((ax.lines[0].get_ydata() == model.cv_results_["mean"]).all())
    True
    >>> float(ax.lines[1].get_xdata()[0]) == model.alpha_
    True
    >>> import matplotlib.pyplot as plt
    >>> plt.close("all")
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
            d.alphas,
            d.mean,
            yerr=d.se,
            fmt="none",
            ecolor="0.55",
            lw=0.8,
            capsize=2,
            label="± 1 SE",
        )
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
