"""Demo (c): weight decay on convolutions followed by BatchNorm, the "futile fight".

A convolution without bias followed by BatchNorm computes BN(W ∗ x), and BN(cW ∗ x) = BN(W ∗ x)
for every c > 0 (up to BN's ε): the network is a function of W/‖W‖ only. Decaying such a W
therefore changes nothing in the function; it only shrinks ‖W‖. The gradient of a
scale-invariant W is orthogonal to W and scales as 1/‖W‖, so a step of size η moves the
direction W/‖W‖ by about η‖∇‖/‖W‖ = (η/‖W‖²)·‖∇ at unit norm‖: the *effective learning rate* is

    η_eff = η / ‖W‖².

Without decay ‖W‖ grows (each step adds η²‖∇‖² to ‖W‖²) and η_eff falls; with decay the two
forces balance at a smaller ‖W‖, where η_eff is larger, and decaying harder only raises η_eff:
the decay fights the gradient's growth of the norm without ever regularizing the function
(van Laarhoven 2017; Zhang et al. 2019; Li & Arora 2020).

The demo trains a small conv-BN network on the 8×8 digits three ways: without decay, with the
decay of every weight matrix and kernel (the timm and Hugging Face default: ndim ≥ 2), and with
the structure-aware split of ``ridgeway.torch.groups.decay_groups``, which finds the
scale-invariant kernels and does not decay them. It records per epoch the norm of each kernel
followed by BN, its effective learning rate η/‖W‖², and the losses; and it checks the
invariance directly (rescaling the kernels, and one decay step, leave the output unchanged).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch

from ridgeway._typing import FloatArray
from ridgeway._validation import message
from ridgeway.torch.demos._common import (
    check_positive_int,
    check_seed,
    check_strength,
    digits_split,
    evaluate,
    matrices,
    seeded,
    train_epochs,
)

__all__ = ["ARMS", "BatchNormDemo", "demo_batchnorm"]

ARMS = ("none", "all", "structure")
"""The arms: no decay; every tensor with ndim ≥ 2 decayed; the structure-aware groups."""
LABELS = {
    "none": "no decay",
    "all": "all weights (ndim ≥ 2)",
    "structure": "structure-aware groups",
}
INVARIANT = ("0.weight", "4.weight")  # the kernels followed by BatchNorm in _net()
LR = 0.1
MOMENTUM = 0.9


@dataclass(frozen=True, eq=False)
class BatchNormDemo:
    """Results of demo (c).

    Attributes
    ----------
    arms : tuple of str
        Labels of the arms run, in order.
    epochs : ndarray of int, shape (e + 1,)
    kernels : tuple of str
        Names of the kernels followed by BatchNorm (scale-invariant).
    kernel_norm : ndarray of shape (a, len(kernels), e + 1)
        ‖W‖ of each such kernel per arm and epoch.
    effective_lr : ndarray of shape (a, len(kernels), e + 1)
        η/‖W‖².
    train_loss, val_loss, val_accuracy : ndarray of shape (a, e + 1)
    decayed : tuple of tuple of str
        Names of the tensors each arm decays.
    rescale_gap : float
        max |f(x) − f_c(x)| over the validation images with every scale-invariant kernel
        multiplied by c = 0.5 and by 2 (BatchNorm in training mode, with batch statistics),
        relative to max |f(x)|: zero up to BN's ε and rounding.
    decay_step_gap : float
        The same after one decay step W ← (1 − ηλ)W of those kernels.
    weight_decay : float
    seed : int
    settings : dict
    """

    arms: tuple[str, ...]
    epochs: np.ndarray
    kernels: tuple[str, ...]
    kernel_norm: FloatArray
    effective_lr: FloatArray
    train_loss: FloatArray
    val_loss: FloatArray
    val_accuracy: FloatArray
    decayed: tuple[tuple[str, ...], ...]
    rescale_gap: float
    decay_step_gap: float
    weight_decay: float
    seed: int
    settings: dict[str, Any] = field(default_factory=dict)


def _net() -> torch.nn.Module:
    return torch.nn.Sequential(
        torch.nn.Conv2d(1, 16, 3, padding=1, bias=False),
        torch.nn.BatchNorm2d(16),
        torch.nn.ReLU(),
        torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(16, 32, 3, padding=1, bias=False),
        torch.nn.BatchNorm2d(32),
        torch.nn.ReLU(),
        torch.nn.Flatten(),
        torch.nn.Linear(32 * 4 * 4, 10),
    )


def _structure_aware_groups(
    model: torch.nn.Module, weight_decay: float, example_input: torch.Tensor
) -> frozenset[str]:
    """Names of the tensors that ``ridgeway.torch.groups.decay_groups`` decays.

    The structure-aware arm takes its split from here and from nothing else: without
    :mod:`ridgeway.torch.groups` it raises ImportError.
    """
    try:
        from ridgeway.torch.groups import decay_groups
    except ImportError as exc:
        raise ImportError(
            "the structure-aware arm of the BatchNorm demo needs "
            f"ridgeway.torch.groups.decay_groups, which cannot be imported ({exc}); run the "
            "other arms with arms=('none', 'all')"
        ) from exc
    groups = decay_groups(model, weight_decay, example_input=example_input)
    return frozenset(groups.names())


@torch.no_grad()
def _gap(model: torch.nn.Module, X: torch.Tensor, scales: tuple[float, ...]) -> float:
    """Largest relative change of the train-mode output when the invariant kernels are scaled."""
    params = dict(model.named_parameters())
    was = model.training
    model.train()
    saved = {n: params[n].clone() for n in INVARIANT}
    # BatchNorm's running statistics are not part of the train-mode function, but keep them
    stats = {k: v.clone() for k, v in model.state_dict().items() if "running" in k}
    ref = model(X)
    worst = 0.0
    for c in scales:
        for n in INVARIANT:
            params[n].copy_(saved[n] * c)
        worst = max(worst, float((model(X) - ref).abs().max() / ref.abs().max()))
        for n in INVARIANT:
            params[n].copy_(saved[n])
    model.load_state_dict({**model.state_dict(), **stats})
    model.train(was)
    return worst


def demo_batchnorm(
    *,
    seed: int = 0,
    quick: bool = False,
    weight_decay: float = 5e-3,
    epochs: int | None = None,
    arms: tuple[str, ...] = ARMS,
) -> BatchNormDemo:
    """Train a conv-BN network on digits without decay, decaying all weights, and by structure.

    Minimizes the mean cross-entropy with SGD (lr 0.1, momentum 0.9, batches of 50) and the
    coupled decay λ of each arm's decayed tensors (optimizer param groups with
    ``weight_decay`` λ or 0), from one initialization and one batch order.

    Parameters
    ----------
    seed : int, default 0
    quick : bool, default False
        Smaller sizes for tests.
    weight_decay : float, default 5e-3
        λ > 0.
    epochs : int, optional
        Default 40 (quick 6).
    arms : tuple of str, default ("none", "all", "structure")
        Which arms to run; ``"structure"`` needs :mod:`ridgeway.torch.groups`.

    Returns
    -------
    BatchNormDemo
    """
    seed = check_seed(seed)
    lam = check_strength(weight_decay, "weight_decay")
    n_ep = check_positive_int(epochs if epochs is not None else (6 if quick else 40), "epochs")
    arms = tuple(arms)
    if not arms or len(set(arms)) != len(arms) or any(a not in ARMS for a in arms):
        rule = "a non-empty tuple of distinct names from " + ", ".join(map(repr, ARMS))
        raise ValueError(message("arms", rule, repr(arms)))
    n_tr = 400 if quick else 1000
    loss_fn = torch.nn.functional.cross_entropy
    a, k = len(arms), len(INVARIANT)
    norms = np.zeros((a, k, n_ep + 1))
    losses = np.zeros((3, a, n_ep + 1))
    decayed: list[tuple[str, ...]] = []
    with seeded(seed):
        split = digits_split(n_tr, seed, images=True)
        init = _net().state_dict()
        for i, arm in enumerate(arms):
            model = _net()
            model.load_state_dict(init)
            if i == 0:
                rescale_gap = _gap(model, split.X_val, (0.5, 2.0))
                decay_gap = _gap(model, split.X_val, (1.0 - LR * lam,))
            if arm == "none":
                names: frozenset[str] = frozenset()
            elif arm == "all":
                names = frozenset(n for n, _ in matrices(model))
            else:
                names = _structure_aware_groups(model, lam, split.X_train[:50])
            decayed.append(tuple(n for n, _ in model.named_parameters() if n in names))
            named = list(model.named_parameters())
            groups = [
                {"params": [p for n, p in named if n in names], "weight_decay": lam},
                {"params": [p for n, p in named if n not in names], "weight_decay": 0.0},
            ]
            opt = torch.optim.SGD([g for g in groups if g["params"]], lr=LR, momentum=MOMENTUM)
            kernels = [dict(named)[n] for n in INVARIANT]

            def record(
                epoch: int,
                model: torch.nn.Module = model,
                i: int = i,
                kernels: Sequence[torch.Tensor] = kernels,
            ) -> None:
                for j, w in enumerate(kernels):
                    norms[i, j, epoch] = float(w.detach().double().norm())
                tl, _ = evaluate(model, split.X_train, split.y_train, loss_fn)
                vl, va = evaluate(model, split.X_val, split.y_val, loss_fn)
                losses[:, i, epoch] = tl, vl, va

            train_epochs(
                model,
                split,
                loss_fn,
                opt,
                epochs=n_ep,
                batch_size=50,
                generator=torch.Generator().manual_seed(seed + 1),
                record=record,
            )
    settings = {
        "data": "scikit-learn digits (8×8 images)",
        "n_train": n_tr,
        "epochs": n_ep,
        "optimizer": f"SGD(lr={LR}, momentum={MOMENTUM}), batches of 50, coupled decay",
        "network": "conv3×3(16)-BN-ReLU-maxpool-conv3×3(32)-BN-ReLU-linear(10)",
    }
    return BatchNormDemo(
        tuple(LABELS[a] for a in arms),
        np.arange(n_ep + 1),
        INVARIANT,
        norms,
        LR / norms**2,
        losses[0],
        losses[1],
        losses[2],
        tuple(decayed),
        rescale_gap,
        decay_gap,
        lam,
        seed,
        settings,
    )
