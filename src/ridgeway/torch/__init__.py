"""Weight decay for PyTorch that gets the semantics right (needs the ``torch`` extra).

- :func:`decay_groups`: which parameters to decay, decided from the model's structure (biases,
  normalization parameters, gains, scale-invariant weights found by a numerical probe), as
  optimizer parameter groups with a reason for every parameter.
- :func:`l2_penalty`: coupled decay, ½λ‖w‖² added to the loss (what ``SGD(weight_decay=λ)`` and
  ``Adam(weight_decay=λ)`` do inside).
- :class:`DecoupledWeightDecay`: w ← w − s_t λ w applied around any optimizer, with s_t the
  learning rate (PyTorch/optax AdamW), the schedule multiplier only (Loshchilov–Hutter) or 1.
- :func:`param_group_of`, :func:`schedule_multiplier`: read an optimizer's current learning
  rate and schedule; :func:`without_weight_decay`: the optimizer's copy of decayed groups.
- :mod:`ridgeway.torch.demos`: seeded demonstrations (``ridgeway demo weight-decay``).

Importing :mod:`ridgeway` never imports torch; importing this package without torch raises an
ImportError that names the extra to install.
"""

try:
    import torch as _torch  # noqa: F401
except ImportError as exc:  # pragma: no cover - exercised in a subprocess without torch
    raise ImportError(
        "ridgeway.torch needs PyTorch, which is an optional extra: "
        "pip install 'ridgeway[torch]' (or install torch itself)"
    ) from exc

from ridgeway.torch.decay import (
    SCALINGS,
    DecoupledWeightDecay,
    Scaling,
    l2_penalty,
    param_group_of,
    schedule_multiplier,
    without_weight_decay,
)
from ridgeway.torch.groups import DecayGroups, ParamDecision, decay_groups
from ridgeway.torch.probe import InvarianceCheck, ProbeResult, probe_model

__all__ = [
    "SCALINGS",
    "DecayGroups",
    "DecoupledWeightDecay",
    "InvarianceCheck",
    "ParamDecision",
    "ProbeResult",
    "Scaling",
    "decay_groups",
    "l2_penalty",
    "param_group_of",
    "probe_model",
    "schedule_multiplier",
    "without_weight_decay",
]
