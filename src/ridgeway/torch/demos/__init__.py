"""Seeded demonstrations of weight decay, each a function that returns a frozen result object.

- (a) :func:`demo_generalization`: an over-parameterized MLP on the digits data with and
  without decay: loss curves and weight norms (:class:`GeneralizationDemo`).
- (b) :func:`demo_adam_l2_vs_adamw`: Adam + L2 against AdamW at the same λ: per-coordinate
  decay rates, validation loss and weight norms (:class:`AdamDecayDemo`).
- (c) :func:`demo_batchnorm`: decaying convolutions followed by BatchNorm shrinks them without
  changing the function while the effective learning rate grows, against the structure-aware
  groups (:class:`BatchNormDemo`).
- (d) :func:`demo_early_stopping`: early stopping against L2 on a linear model, with
  :mod:`ridgeway.analysis` dynamics (:class:`EarlyStoppingDemo`).

Each is deterministic for a given seed (torch's deterministic algorithms, one thread) and runs
in seconds to tens of seconds on two CPU cores; ``quick=True`` shrinks it for tests. The
command ``ridgeway demo weight-decay`` prints their numbers.
"""

from ridgeway.torch.demos.adam import AdamDecayDemo, demo_adam_l2_vs_adamw
from ridgeway.torch.demos.batchnorm import BatchNormDemo, demo_batchnorm
from ridgeway.torch.demos.early_stop import EarlyStoppingDemo, demo_early_stopping
from ridgeway.torch.demos.generalization import GeneralizationDemo, demo_generalization

__all__ = [
    "AdamDecayDemo",
    "BatchNormDemo",
    "EarlyStoppingDemo",
    "GeneralizationDemo",
    "demo_adam_l2_vs_adamw",
    "demo_batchnorm",
    "demo_early_stopping",
    "demo_generalization",
]
