"""Demo (b): Adam + L2 against AdamW at the same λ: one number, two different regularizers.

Coupled decay with Adam puts λw into the gradient, so it is divided by Adam's √v̂ + ε with
everything else: per step, coordinate j shrinks by the factor

    Adam + L2:  lr·λ / (√v̂_j + ε)      (in the direction of w_j, before momentum averaging)
    AdamW:      lr·λ                   (the same for every coordinate)

so Adam + L2 decays hardest the weights whose gradients have been small (rarely active units,
input pixels that are always blank) and barely touches those with large gradients. Where λw
dominates the gradient, √v̂_j ≈ λ|w_j| and the rate is about lr/|w_j|: such a weight is pushed
to zero by steps of size lr, whatever λ (a rate above 1 means it is held within about lr of
zero). The demo
trains the digits MLP of demo (a) with Adam, Adam + ``l2_penalty`` and Adam +
:class:`ridgeway.torch.DecoupledWeightDecay` (``scaling="lr"``: AdamW) at each λ of a grid,
from one initialization and one batch order, and reports the final validation loss and weight
norm of each, and at the reference λ the distribution of the per-coordinate decay rates above
read from Adam's state.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch

from ridgeway._typing import FloatArray
from ridgeway._validation import message
from ridgeway.torch.decay import DecoupledWeightDecay, l2_penalty
from ridgeway.torch.demos._common import (
    check_positive_int,
    check_seed,
    digits_split,
    evaluate,
    matrices,
    seeded,
    train_epochs,
    weight_norm,
)
from ridgeway.torch.demos.generalization import _mlp

__all__ = ["AdamDecayDemo", "demo_adam_l2_vs_adamw"]

METHODS = ("Adam + L2", "AdamW")
QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
LR = 2e-3
EPS = 1e-8


@dataclass(frozen=True, eq=False)
class AdamDecayDemo:
    """Results of demo (b).

    Attributes
    ----------
    methods : tuple of str
        ``("Adam + L2", "AdamW")``.
    weight_decays : ndarray of shape (k,)
        The λ grid (the same number given to both methods).
    val_loss, train_loss, weight_norm : ndarray of shape (2, k)
        Final mean cross-entropy and √(Σ‖W‖²) of the weight matrices, per method and λ.
    baseline : dict of float
        ``val_loss``, ``train_loss``, ``weight_norm`` of Adam without decay.
    reference : float
        The λ at which the per-coordinate decay rates are reported.
    layers : tuple of str
        Names of the weight matrices.
    decay_quantiles : ndarray of shape (len(layers), len(QUANTILES))
        Quantiles (5, 25, 50, 75, 95 %) over each layer's coordinates of Adam + L2's decay
        rate lr·λ/(√v̂_j + ε) at the end of training at λ = ``reference``.
    decay_rate_adamw : float
        lr·λ, AdamW's rate for every coordinate.
    decay_rates : ndarray of shape (m,)
        Adam + L2's rate for every weight-matrix coordinate (all layers, concatenated).
    sqrt_v : ndarray of shape (m,)
        √v̂_j of the same coordinates.
    seed : int
    settings : dict
    """

    methods: tuple[str, ...]
    weight_decays: FloatArray
    val_loss: FloatArray
    train_loss: FloatArray
    weight_norm: FloatArray
    baseline: dict[str, float]
    reference: float
    layers: tuple[str, ...]
    decay_quantiles: FloatArray
    decay_rate_adamw: float
    decay_rates: FloatArray
    sqrt_v: FloatArray
    seed: int
    settings: dict[str, Any] = field(default_factory=dict)

    @property
    def spread(self) -> float:
        """95 % over 5 % quantile of Adam + L2's decay rates, over all coordinates."""
        q = np.quantile(self.decay_rates, [0.05, 0.95])
        return float(q[1] / q[0])


def _check_grid(values: Any) -> FloatArray:
    arr = np.atleast_1d(np.asarray(values, dtype=np.float64))
    if arr.ndim != 1 or arr.size == 0 or not (np.isfinite(arr).all() and (arr > 0).all()):
        raise ValueError(message("weight_decays", "a non-empty list of numbers > 0", values))
    return arr


def demo_adam_l2_vs_adamw(
    *,
    seed: int = 0,
    quick: bool = False,
    weight_decays: Any = None,
    reference: float | None = None,
    epochs: int | None = None,
) -> AdamDecayDemo:
    """Adam + L2 (coupled) against AdamW (decoupled, lr-scaled) at the same λ on digits.

    Minimizes the mean cross-entropy of the MLP of demo (a) with Adam (lr 2e-3, batches of 50)
    and either the penalty ½λ Σ_W ‖W‖² in the loss or the step W ← W(1 − lr·λ) before each
    Adam step, on the weight matrices only.

    Parameters
    ----------
    seed : int, default 0
    quick : bool, default False
        Smaller sizes for tests.
    weight_decays : sequence of float, optional
        The λ grid; default (1e-3, 1e-2, 1e-1, 1.0) (quick: (1e-2, 1.0)).
    reference : float, optional
        The λ of the grid at which to report per-coordinate decay rates; default the
        second value of the grid.
    epochs : int, optional
        Default 100 (quick 20).

    Returns
    -------
    AdamDecayDemo
    """
    seed = check_seed(seed)
    grid = _check_grid(
        weight_decays
        if weight_decays is not None
        else ((1e-2, 1.0) if quick else (1e-3, 1e-2, 1e-1, 1.0))
    )
    ref = float(grid[min(1, grid.size - 1)] if reference is None else reference)
    if not np.isclose(grid, ref, rtol=1e-12, atol=0).any():
        raise ValueError(message("reference", "one of weight_decays", ref))
    n_ep = check_positive_int(epochs if epochs is not None else (20 if quick else 100), "epochs")
    n_tr, h = (200, 64) if quick else (300, 256)
    loss_fn = torch.nn.functional.cross_entropy
    out = np.zeros((3, 2, grid.size))
    with seeded(seed):
        split = digits_split(n_tr, seed)
        init = _mlp(h).state_dict()

        def run(method: str | None, lam: float) -> tuple[torch.nn.Module, torch.optim.Optimizer]:
            model = _mlp(h)
            model.load_state_dict(init)
            named = matrices(model)
            weights = [p for _, p in named]
            opt = torch.optim.Adam(model.parameters(), lr=LR, eps=EPS)
            penalty = (lambda: l2_penalty(weights, lam)) if method == "Adam + L2" else None
            step = None
            if method == "AdamW":
                step = DecoupledWeightDecay(weights, lam, optimizer=opt, scaling="lr").step
            train_epochs(
                model,
                split,
                loss_fn,
                opt,
                epochs=n_ep,
                batch_size=50,
                generator=torch.Generator().manual_seed(seed + 1),
                penalty=penalty,
                before_step=step,
            )
            return model, opt

        def scores(model: torch.nn.Module) -> tuple[float, float, float]:
            vl, _ = evaluate(model, split.X_val, split.y_val, loss_fn)
            tl, _ = evaluate(model, split.X_train, split.y_train, loss_fn)
            return vl, tl, weight_norm([p for _, p in matrices(model)])

        base = scores(run(None, 0.0)[0])
        rates: list[np.ndarray] = []
        sqrt_v: list[np.ndarray] = []
        names: tuple[str, ...] = ()
        for j, lam in enumerate(grid):
            for i, method in enumerate(METHODS):
                model, opt = run(method, float(lam))
                out[:, i, j] = scores(model)
                if method == "Adam + L2" and np.isclose(lam, ref, rtol=1e-12, atol=0):
                    named = matrices(model)
                    names = tuple(n for n, _ in named)
                    for _, p in named:
                        st = opt.state[p]
                        t = float(st["step"])
                        v_hat = st["exp_avg_sq"].double() / (1.0 - 0.999**t)
                        s = v_hat.sqrt().reshape(-1).numpy()
                        sqrt_v.append(s)
                        rates.append(LR * ref / (s + EPS))
    quant = np.array([np.quantile(r, QUANTILES) for r in rates])
    settings = {
        "data": "scikit-learn digits",
        "n_train": n_tr,
        "width": h,
        "epochs": n_ep,
        "optimizer": f"Adam(lr={LR}, eps={EPS}), batches of 50",
        "decayed": "weight matrices (not biases)",
    }
    return AdamDecayDemo(
        METHODS,
        grid,
        out[0],
        out[1],
        out[2],
        {"val_loss": base[0], "train_loss": base[1], "weight_norm": base[2]},
        ref,
        names,
        quant,
        LR * ref,
        np.concatenate(rates),
        np.concatenate(sqrt_v),
        seed,
        settings,
    )
