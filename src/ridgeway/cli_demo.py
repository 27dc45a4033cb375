"""The ``ridgeway demo`` command: seeded demonstrations, printed as tables.

::

    ridgeway demo weight-decay                    # all four, full size (about a minute)
    ridgeway demo weight-decay --which a,d --seed 3
    ridgeway demo weight-decay --quick            # small sizes, a few seconds each

``weight-decay`` runs the demonstrations of :mod:`ridgeway.torch.demos` (they need the
``torch`` extra, imported only here, when the command runs): (a) an over-parameterized MLP on
digits with and without weight decay; (b) Adam + L2 against AdamW at the same λ; (c) decaying
convolutions followed by BatchNorm (the futile fight) against structure-aware groups; (d) early
stopping against L2 on a linear model, with ridgeway's dynamics. :mod:`ridgeway.cli` parses
the arguments and reports errors (one ``error:`` line, exit status 2).
"""

from __future__ import annotations

import argparse
from typing import Any

import numpy as np
from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from ridgeway._validation import message

__all__ = ["DEMOS", "add_demo_parser", "run_demo"]

DEMOS = ("weight-decay",)
_PARTS = {
    "a": "over-parameterized MLP on digits, with and without weight decay",
    "b": "Adam + L2 against AdamW at the same λ",
    "c": "BatchNorm: the futile fight of decaying scale-invariant kernels",
    "d": "early stopping against L2 on a linear model",
}


def _num(value: float) -> str:
    """A number for the tables: four significant digits."""
    return "∞" if value == np.inf else f"{value:.4g}"


def add_demo_parser(sub: Any) -> None:
    """Add the ``demo`` subcommand to the subparsers ``sub`` of the ``ridgeway`` parser."""
    demo = sub.add_parser(
        "demo",
        help="seeded demonstrations (weight-decay: needs the torch extra)",
        description=(
            "Run seeded, deterministic demonstrations and print their numbers. weight-decay: "
            + "; ".join(f"({k}) {v}" for k, v in _PARTS.items())
            + ". Needs PyTorch (pip install 'ridgeway[torch]')."
        ),
    )
    demo.add_argument("name", metavar="NAME", choices=DEMOS, help="the demonstration: weight-decay")
    demo.add_argument(
        "--which",
        default="a,b,c,d",
        metavar="PARTS",
        help="comma-separated parts to run, from a, b, c, d (default all)",
    )
    demo.add_argument("--seed", type=int, default=0, metavar="N", help="the seed (default 0)")
    demo.add_argument(
        "--quick", action="store_true", help="small sizes: seconds instead of about a minute"
    )


def _parts(text: str) -> list[str]:
    parts = [p.strip().lower() for p in text.split(",") if p.strip()]
    if not parts or any(p not in _PARTS for p in parts):
        raise ValueError(
            message("--which", "letters from a, b, c, d separated by commas", repr(text))
        )
    return list(dict.fromkeys(parts))


def run_demo(args: argparse.Namespace, console: Console) -> int:
    """The ``demo`` subcommand; returns the exit status (0)."""
    parts = _parts(args.which)
    if args.seed < 0:
        raise ValueError(message("--seed", "a non-negative integer", args.seed))
    from ridgeway.torch import demos  # ImportError naming the extra without torch

    size = "quick sizes" if args.quick else "full size"
    console.print(Text(f"weight decay demonstrations, seed {args.seed}, {size}", style="bold"))
    for part in parts:
        console.print()
        console.print(Text(f"({part}) {_PARTS[part]}", style="bold"))
        if part == "a":
            _show_a(console, demos.demo_generalization(seed=args.seed, quick=args.quick))
        elif part == "b":
            _show_b(console, demos.demo_adam_l2_vs_adamw(seed=args.seed, quick=args.quick))
        elif part == "c":
            _show_c(console, demos.demo_batchnorm(seed=args.seed, quick=args.quick))
        else:
            _show_d(console, demos.demo_early_stopping(seed=args.seed, quick=args.quick))
    return 0


def _table(*columns: str, title: str | None = None) -> Table:
    t = Table(box=box.SIMPLE_HEAD, title=title, title_justify="left")
    for i, c in enumerate(columns):
        t.add_column(c, justify="left" if i == 0 else "right")
    return t


def _show_a(console: Console, r: Any) -> None:
    s = r.settings
    console.print(
        Text(
            f"{s['data']}: {s['n_train']} train / {s['n_val']} validation rows; MLP of width "
            f"{s['width']} ({s['n_parameters']} parameters); {s['optimizer']}; "
            f"{s['decay']}, λ = {_num(r.weight_decay)}"
        )
    )
    t = _table(
        "arm", "train loss", "val loss", "best val loss (epoch)", "val accuracy", "weight norm"
    )
    best = r.val_loss.argmin(axis=1)
    for i, arm in enumerate(r.arms):
        t.add_row(
            arm,
            _num(r.train_loss[i, -1]),
            _num(r.val_loss[i, -1]),
            f"{_num(r.val_loss[i, best[i]])} ({best[i]})",
            _num(r.val_accuracy[i, -1]),
            _num(r.weight_norm[i, -1]),
        )
    console.print(t)
    e = r.epochs
    picks = np.unique(np.linspace(0, e[-1], 6).round().astype(int))
    curve = _table(
        "epoch",
        *(f"val loss, {a}" for a in r.arms),
        *(f"‖W‖, {a}" for a in r.arms),
        title="curves (cross-entropy; ‖W‖ = √Σ‖W‖² of the weight matrices)",
    )
    for k in picks:
        curve.add_row(
            str(k), *(_num(v) for v in r.val_loss[:, k]), *(_num(v) for v in r.weight_norm[:, k])
        )
    console.print(curve)


def _show_b(console: Console, r: Any) -> None:
    s = r.settings
    console.print(
        Text(
            f"{s['data']}, {s['n_train']} train rows, MLP of width {s['width']}, {s['epochs']} "
            f"epochs, {s['optimizer']}; decayed: {s['decayed']}. Adam + L2: ½λ‖W‖² in the loss "
            "(through Adam's preconditioner); AdamW: W ← W(1 − lr·λ) before each Adam step."
        )
    )
    t = _table("λ", *(f"val loss, {m}" for m in r.methods), *(f"‖W‖, {m}" for m in r.methods))
    for j, lam in enumerate(r.weight_decays):
        t.add_row(
            _num(lam), *(_num(v) for v in r.val_loss[:, j]), *(_num(v) for v in r.weight_norm[:, j])
        )
    console.print(t)
    b = r.baseline
    console.print(
        Text(f"Adam without decay: val loss {_num(b['val_loss'])}, ‖W‖ {_num(b['weight_norm'])}")
    )
    q = _table(
        "layer",
        "5%",
        "25%",
        "median",
        "75%",
        "95%",
        title=(
            f"per-coordinate decay rate per step at λ = {_num(r.reference)}: Adam + L2's "
            f"lr·λ/(√v̂ + ε) (quantiles over each layer); AdamW's is lr·λ = "
            f"{_num(r.decay_rate_adamw)} for every coordinate"
        ),
    )
    for name, row in zip(r.layers, r.decay_quantiles, strict=True):
        q.add_row(name, *(_num(v) for v in row))
    console.print(q)
    med = float(np.median(r.decay_rates))
    console.print(
        Text(
            f"Adam + L2's median rate is {_num(med / r.decay_rate_adamw)}× AdamW's, and its 95% "
            f"quantile is {_num(r.spread)}× its 5% quantile: the same λ decays coordinates with "
            "small gradients far harder than those with large ones."
        )
    )


def _show_c(console: Console, r: Any) -> None:
    s = r.settings
    console.print(
        Text(
            f"{s['data']}, {s['n_train']} train rows, {s['network']}; {s['optimizer']}, "
            f"λ = {_num(r.weight_decay)}, {s['epochs']} epochs"
        )
    )
    console.print(
        Text(
            "invariance: scaling the kernels before BatchNorm by 0.5 or 2 changes the output by "
            f"{r.rescale_gap:.2g} (relative, BN's ε); one decay step by {r.decay_step_gap:.2g}"
        )
    )
    t = _table(
        "arm",
        "kernel",
        "‖W‖ start",
        "‖W‖ end",
        "η/‖W‖² start",
        "η/‖W‖² end",
        "η/‖W‖² max",
        title="kernels followed by BatchNorm (scale-invariant): norm and effective learning rate",
    )
    for i, arm in enumerate(r.arms):
        for j, kernel in enumerate(r.kernels):
            norm, eff = r.kernel_norm[i, j], r.effective_lr[i, j]
            t.add_row(
                arm if j == 0 else "",
                kernel + (" (decayed)" if kernel in r.decayed[i] else ""),
                _num(norm[0]),
                _num(norm[-1]),
                _num(eff[0]),
                _num(eff[-1]),
                _num(eff.max()),
            )
    console.print(t)
    f = _table("arm", "decayed tensors", "val loss", "max val loss (epochs ≥ 1)", "val accuracy")
    for i, arm in enumerate(r.arms):
        f.add_row(
            arm,
            ", ".join(r.decayed[i]) or "—",
            _num(r.val_loss[i, -1]),
            _num(r.val_loss[i, 1:].max()),
            _num(r.val_accuracy[i, -1]),
        )
    console.print(f)


def _show_d(console: Console, r: Any) -> None:
    s = r.settings
    console.print(
        Text(f"{s['data']}; {s['n_train']} train / {s['n_val']} validation rows; {s['optimizer']}")
    )
    facts = _table("quantity", "value")
    for key, value in (
        (
            "torch SGD iterates vs ridgeway.analysis.gradient_descent (max gap)",
            f"{r.gd_closed_form_gap:.2g}",
        ),
        ("best early stop: k, val MSE", f"{r.best_step}, {_num(r.best_gd_val_mse)}"),
        ("best ridge α (grid), val MSE", f"{_num(r.best_alpha)}, {_num(r.best_ridge_val_mse)}"),
        ("least squares (min-norm) val MSE", _num(r.least_squares_val_mse)),
        ("torch SGD(weight_decay=λ), λ = 2α/n from conventions", _num(r.torch_weight_decay)),
        (f"… after {r.decay_steps} steps vs Ridge(α): max gap", f"{r.torch_ridge_gap:.2g}"),
    ):
        facts.add_row(key, value)
    console.print(facts)
    t = _table(
        "steps k",
        "val MSE of w_k",
        "matched α",
        "1/(ηk)",
        "val MSE of Ridge(α)",
        title=(
            "early stopping as a ridge penalty: the α of early_stopping_alpha matched to w_k "
            "(standardized y: MSE 1 is the mean predictor)"
        ),
    )
    picks = np.unique(np.linspace(0, r.steps.size - 1, 9).round().astype(int))
    for i in picks:
        t.add_row(
            str(r.steps[i]),
            _num(r.gd_val_mse[i]),
            _num(r.equivalent_alpha[i]),
            _num(r.equivalent_alpha_approx[i]),
            _num(r.equivalent_val_mse[i]),
        )
    console.print(t)
