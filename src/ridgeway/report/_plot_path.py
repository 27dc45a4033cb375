"""Coefficient paths of fitted estimators (glmnet's ``plot(fit)``, MASS's ``plot.ridgelm``)."""

from __future__ import annotations

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
    fmt,
    grid,
    set_alpha_axis,
)

__all__ = ["plot_path"]


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
            message(
                "X", f"the {model.n_features_in_} columns the model was fitted on", data.X.shape
            )
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
                message(
                    "alphas", "None for LogisticRidgeCV (its path is on its own grid)", "a grid"
                )
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

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from ridgeway import RidgeCV
    >>> from ridgeway.datasets import load_prostate
    >>> from ridgeway.report.plots import plot_path
    >>> train = load_prostate(split="train")
    >>> model = RidgeCV(standardize=True).fit(train.data, train.target)
    >>> ax = plot_path(model, train.data, train.target)  # or model.plot("path", X=..., y=...)
    >>> len(ax.texts), ax.get_xscale()
    (8, 'log')
    >>> import matplotlib.pyplot as plt
    >>> plt.close("all")
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
