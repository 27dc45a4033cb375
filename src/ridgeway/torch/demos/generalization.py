"""Demo (a): an over-parameterized MLP on the digits data, trained with and without decay.

A ReLU MLP 64 → h → h → 10 (about 85,000 weights for h = 256) is fit to a few hundred of the
1797 digits of scikit-learn, so it can drive its training loss to zero. Trained twice from the
same initialization and the same batches, once on the cross-entropy alone and once with the
coupled penalty ½λ Σ‖W‖² on the weight matrices (:func:`ridgeway.torch.l2_penalty`; biases are
not decayed), it shows the curves of training and validation loss and the weight norm per
epoch: without decay the weights keep growing and the validation loss climbs once the
training set is memorized (over-confident predictions); with decay the norm levels off and
the validation loss stays lower.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch

from ridgeway._typing import FloatArray
from ridgeway.torch.decay import l2_penalty
from ridgeway.torch.demos._common import (
    check_positive_int,
    check_seed,
    check_strength,
    digits_split,
    evaluate,
    matrices,
    seeded,
    train_epochs,
    weight_norm,
)

__all__ = ["GeneralizationDemo", "demo_generalization"]

ARMS = ("no decay", "weight decay")


@dataclass(frozen=True, eq=False)
class GeneralizationDemo:
    """Curves of demo (a); arm 0 is without decay, arm 1 with it.

    Attributes
    ----------
    arms : tuple of str
        ``("no decay", "weight decay")``.
    epochs : ndarray of int, shape (e + 1,)
        0 (the initialization) to e.
    train_loss, val_loss : ndarray of shape (2, e + 1)
        Mean cross-entropy on the train and validation sets (without the penalty).
    val_accuracy : ndarray of shape (2, e + 1)
    weight_norm : ndarray of shape (2, e + 1)
        √(Σ ‖W‖²) over the weight matrices (the decayed tensors).
    weight_decay : float
        λ of the coupled penalty ½λ Σ‖W‖².
    seed : int
    settings : dict
        Sizes and optimizer settings of the run.
    """

    arms: tuple[str, ...]
    epochs: np.ndarray
    train_loss: FloatArray
    val_loss: FloatArray
    val_accuracy: FloatArray
    weight_norm: FloatArray
    weight_decay: float
    seed: int
    settings: dict[str, Any] = field(default_factory=dict)

    def final(self) -> dict[str, FloatArray]:
        """The last epoch's values per arm, shape (2,) each."""
        return {
            "train_loss": self.train_loss[:, -1],
            "val_loss": self.val_loss[:, -1],
            "val_accuracy": self.val_accuracy[:, -1],
            "weight_norm": self.weight_norm[:, -1],
        }


def _mlp(width: int) -> torch.nn.Module:
    return torch.nn.Sequential(
        torch.nn.Linear(64, width),
        torch.nn.ReLU(),
        torch.nn.Linear(width, width),
        torch.nn.ReLU(),
        torch.nn.Linear(width, 10),
    )


def demo_generalization(
    *,
    seed: int = 0,
    quick: bool = False,
    weight_decay: float = 5e-3,
    n_train: int | None = None,
    epochs: int | None = None,
    width: int | None = None,
) -> GeneralizationDemo:
    """Train an over-parameterized MLP on digits with and without weight decay.

    Minimizes (1/|B|) Σ_{i∈B} CE(f(x_i), y_i) + ½λ Σ_W ‖W‖² over minibatches B with SGD
    (learning rate 0.05, momentum 0.9, batches of 50), λ = 0 for the first arm and
    ``weight_decay`` for the second, from one initialization and one batch order.

    Parameters
    ----------
    seed : int, default 0
        Seeds the split, the initialization and the batches.
    quick : bool, default False
        Smaller sizes (for tests: about a second).
    weight_decay : float, default 5e-3
        λ > 0 of the decayed arm.
    n_train, epochs, width : int, optional
        Training rows (default 300; quick 200), epochs (default 150; quick 40) and hidden width
        (default 256; quick 128). The other digits are the validation set.

    Returns
    -------
    GeneralizationDemo
    """
    seed = check_seed(seed)
    lam = check_strength(weight_decay, "weight_decay")
    n_tr = check_positive_int(
        n_train if n_train is not None else (200 if quick else 300), "n_train"
    )
    n_ep = check_positive_int(epochs if epochs is not None else (40 if quick else 150), "epochs")
    h = check_positive_int(width if width is not None else (128 if quick else 256), "width")
    loss_fn = torch.nn.functional.cross_entropy
    curves = np.zeros((4, 2, n_ep + 1))
    with seeded(seed):
        split = digits_split(n_tr, seed)
        init = _mlp(h).state_dict()
        for arm in range(2):
            model = _mlp(h)
            model.load_state_dict(init)
            weights = [p for _, p in matrices(model)]
            opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
            gen = torch.Generator().manual_seed(seed + 1)

            def record(
                epoch: int,
                model: torch.nn.Module = model,
                arm: int = arm,
                weights: Sequence[torch.Tensor] = weights,
            ) -> None:
                tl, _ = evaluate(model, split.X_train, split.y_train, loss_fn)
                vl, va = evaluate(model, split.X_val, split.y_val, loss_fn)
                curves[:, arm, epoch] = tl, vl, va, weight_norm(weights)

            penalty = (lambda w=weights: l2_penalty(w, lam)) if arm == 1 else None
            train_epochs(
                model,
                split,
                loss_fn,
                opt,
                epochs=n_ep,
                batch_size=50,
                generator=gen,
                penalty=penalty,
                record=record,
            )
    settings = {
        "data": "scikit-learn digits",
        "n_train": n_tr,
        "n_val": int(split.X_val.shape[0]),
        "width": h,
        "n_parameters": int(sum(v.numel() for v in init.values())),
        "optimizer": "SGD(lr=0.05, momentum=0.9), batches of 50",
        "decay": "coupled: loss + l2_penalty(weight matrices, λ)",
    }
    return GeneralizationDemo(
        ARMS,
        np.arange(n_ep + 1),
        curves[0],
        curves[1],
        curves[2],
        curves[3],
        lam,
        seed,
        settings,
    )
