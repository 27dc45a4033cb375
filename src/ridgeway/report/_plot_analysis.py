"""Plots of the analysis views: the bias–variance curves and the weight-decay dynamics."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ridgeway._typing import FloatArray
from ridgeway._validation import check_choice, message
from ridgeway.report._axes import axes_for, column, fmt, set_alpha_axis

__all__ = ["plot_bias_variance", "plot_weight_decay"]

# metric -> (bias², variance, total, minimizer field, label of the total, y label)
_METRICS = {
    "penalty": ("bias2", "variance", "mse", "alpha_mse", "MSE", "E‖Π^½(β̂ − β*)‖²"),
    "coef": ("coef_bias2", "coef_variance", "coef_mse", "alpha_coef", "MSE", "E‖β̂ − β*‖²"),
    "pred": (
        "pred_bias2",
        "pred_variance",
        "pred_risk",
        "alpha_pred",
        "prediction risk",
        "in-sample prediction risk",
    ),
}


def plot_bias_variance(
    result: Any,
    *,
    metric: str = "penalty",
    simulated: Any = None,
    target: int | None = None,
    ax: Any = None,
    log: bool = True,
) -> Any:
    """Squared bias, variance and their sum over α, with the minimizing α marked.

    For the exact curves of :func:`ridgeway.analysis.bias_variance` (a ``BiasVariance``): bias²
    rises from its α → 0 floor, the variance falls, and the mean squared error (or prediction
    risk) bias² + variance is smallest at the α marked by a dashed vertical line. A Monte-Carlo
    estimate (:func:`ridgeway.analysis.simulate_bias_variance`) is drawn as points with ±1 SE
    bars, on its own or over the exact curves (``simulated=``).

    Parameters
    ----------
    result : BiasVariance or SimulatedBiasVariance
    metric : {"penalty", "coef", "pred"}, default "penalty"
        The penalty metric ‖Π^½(β̂_P − β*_P)‖², original units ‖β̂ − β*‖², or the in-sample
        prediction risk (see :class:`ridgeway.analysis.BiasVariance`).
    simulated : SimulatedBiasVariance, optional
        Monte-Carlo points drawn over the exact curves of ``result``.
    target : int, optional
        Which target, for a ``beta`` of several columns.
    ax : matplotlib Axes, optional
    log : bool, default True
        α on a log scale.

    Returns
    -------
    matplotlib Axes
        For an exact result, ``ax.lines[:3]`` are bias², variance and the total, then the
        vertical line at the minimizer.
    """
    check_choice(metric, "metric", tuple(_METRICS))
    b_key, v_key, t_key, a_key, total, ylabel = _METRICS[metric]
    for obj, name in ((result, "result"), (simulated, "simulated")):
        if obj is not None and not hasattr(obj, t_key):
            raise TypeError(
                message(name, "a BiasVariance or SimulatedBiasVariance", type(obj).__name__)
            )
    ax = axes_for(ax, "plot_bias_variance")
    exact = hasattr(result, a_key)
    al = np.asarray(result.alphas, dtype=np.float64)
    order = np.argsort(al)
    names = ("bias²", "variance", total)
    colors = ("C0", "C1", "k")
    for key, name, color in zip((b_key, v_key, t_key), names, colors, strict=True):
        values = column(getattr(result, key), target)[order]
        if exact:
            ax.plot(al[order], values, color=color, lw=1.6 if color == "k" else 1.3, label=name)
    if exact:
        best = np.asarray(getattr(result, a_key), dtype=np.float64)
        a_best = float(best if best.ndim == 0 else column(best[None, :], target)[0])
        ax.axvline(a_best, color="k", ls="--", lw=1.0, label=f"α* = {fmt(a_best)}")
    for sim in (simulated,) if exact else (result,):
        if sim is None:
            continue
        sal = np.asarray(sim.alphas, dtype=np.float64)
        for key, name, color in zip((b_key, v_key, t_key), names, colors, strict=True):
            ax.errorbar(
                sal,
                column(getattr(sim, key), target),
                yerr=column(getattr(sim, key + "_se"), target),
                fmt="o",
                ms=3,
                color=color,
                mfc="none",
                capsize=2,
                label=f"{name} (simulated)",
            )
    set_alpha_axis(ax, log)
    ax.set_ylabel(ylabel)
    ax.legend(loc="best", fontsize="small")
    return ax


def _is_demo(obj: Any) -> bool:
    return all(hasattr(obj, k) for k in ("steps", "train_loss", "val_loss", "weight_norm"))


def _plot_demo(ax: Any, demo: Any) -> Any:
    steps = np.asarray(demo.steps, dtype=np.float64).reshape(-1)
    fields: dict[str, FloatArray] = {}
    for key in ("train_loss", "val_loss", "weight_norm"):
        arr = np.asarray(getattr(demo, key), dtype=np.float64).reshape(-1)
        if arr.shape != steps.shape:
            raise ValueError(
                message(f"result.{key}", f"of the length of steps ({steps.size})", arr.size)
            )
        fields[key] = arr
    ax.plot(steps, fields["train_loss"], color="C0", lw=1.4, label="training loss")
    ax.plot(steps, fields["val_loss"], color="C3", lw=1.4, label="validation loss")
    val = np.where(np.isfinite(fields["val_loss"]), fields["val_loss"], np.inf)
    handles = [*ax.lines]
    if steps.size and np.isfinite(val).any():
        best = int(np.argmin(val))
        handles.append(
            ax.axvline(
                steps[best],
                color="k",
                ls="--",
                lw=1.0,
                label=f"lowest validation loss (step {steps[best]:g})",
            )
        )
    ax.set_xlabel("step")
    ax.set_ylabel("loss")
    norm_ax = ax.twinx()
    handles += norm_ax.plot(steps, fields["weight_norm"], color="0.45", ls=":", lw=1.4, label="‖w‖")
    norm_ax.set_ylabel("weight norm ‖w‖")
    ax.legend(handles=handles, loc="best", fontsize="small")
    return ax


def plot_weight_decay(result: Any, *, ax: Any = None) -> Any:
    """Weight decay in action: a single weight's iterates, or a training run's losses.

    For a :class:`ridgeway.analysis.weight_decay.WeightDecayTrajectory` (or a sequence of them,
    e.g. one per λ): the iterates w_t of w ← (1 − ηλ) w − η ∂L/∂w against the step t, the fixed
    point w_∞ = c w*/(c + λ) (dashed) and the unregularized minimizer w* (dotted); the legend
    gives λ, η and the contraction factor ρ = 1 − η(c + λ), and says when |ρ| ≥ 1 (divergence).

    Any other object with array attributes ``steps``, ``train_loss``, ``val_loss`` and
    ``weight_norm`` of one length (a training run, such as the PyTorch demos record) is drawn as
    the training and validation losses against the step, the step of the lowest validation loss
    (dashed), and ‖w‖ on a second y axis (dotted).

    Parameters
    ----------
    result : WeightDecayTrajectory, sequence of them, or a training-run record
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
        Trajectories: ``ax.lines[i]`` are the iterates of the i-th, then the horizontal lines.
        A run: ``ax.lines[0]``, ``ax.lines[1]`` the training and validation losses; the weight
        norm is on the twin axes ``ax.figure.axes[-1]``.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from ridgeway.analysis.weight_decay import weight_decay_trajectory
    >>> from ridgeway.report.plots import plot_weight_decay
    >>> runs = [weight_decay_trajectory(lam, eta=0.5, steps=20) for lam in (0.0, 1.0)]
    >>> ax = plot_weight_decay(runs)
    >>> [round(float(line.get_ydata()[-1]), 3) for line in ax.lines[:2]]
    [1.0, 0.5]
    >>> import matplotlib.pyplot as plt
    >>> plt.close("all")
    """
    if _is_demo(result):
        return _plot_demo(axes_for(ax, "plot_weight_decay"), result)
    runs = list(result) if isinstance(result, Sequence) else [result]
    for run in runs:
        if not all(hasattr(run, k) for k in ("w", "fixed_point", "contraction", "steps")):
            raise TypeError(
                message(
                    "result",
                    "a WeightDecayTrajectory, a sequence of them, or an object with steps, "
                    "train_loss, val_loss and weight_norm",
                    type(run).__name__,
                )
            )
    if not runs:
        raise ValueError(message("result", "at least one trajectory", "an empty sequence"))
    ax = axes_for(ax, "plot_weight_decay")
    for i, run in enumerate(runs):
        tag = " — diverges" if run.diverges else ""
        ax.plot(
            run.steps,
            run.w,
            "o-",
            ms=2.5,
            lw=1.2,
            color=f"C{i % 10}",
            label=f"λ = {fmt(run.lam)}, η = {fmt(run.eta)}: ρ = {fmt(run.contraction)}{tag}",
        )
    for i, run in enumerate(runs):
        ax.axhline(
            run.fixed_point,
            color=f"C{i % 10}",
            ls="--",
            lw=0.9,
            label=f"w_∞ = c w*/(c + λ) = {fmt(run.fixed_point)}",
        )
    targets = sorted({float(run.target) for run in runs})
    for w_star in targets:
        ax.axhline(w_star, color="k", ls=":", lw=1.0, label=f"w* = {fmt(w_star)} (no decay)")
    if any(run.diverges for run in runs):
        finite = np.concatenate([np.asarray(r.w)[np.isfinite(r.w)] for r in runs])
        if finite.size and np.abs(finite).max() > 1e3:
            ax.set_yscale("symlog")
    ax.set_xlabel("step t")
    ax.set_ylabel("weight w_t")
    ax.legend(loc="best", fontsize="small")
    return ax
