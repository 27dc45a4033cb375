"""Weight decay for PyTorch that gets the semantics right (needs the ``torch`` extra).

``import ridgeway`` never imports torch; this subpackage does.
"""

try:
    import torch  # noqa: F401
except ImportError as exc:  # pragma: no cover - exercised in a subprocess test
    raise ImportError(
        "ridgeway.torch needs PyTorch, which is an optional extra: pip install ridgeway[torch]"
    ) from exc

from ridgeway.torch.groups import DecayGroups, ParamDecision, decay_groups
from ridgeway.torch.probe import InvarianceCheck, ProbeResult, probe_model

__all__ = [
    "DecayGroups",
    "InvarianceCheck",
    "ParamDecision",
    "ProbeResult",
    "decay_groups",
    "probe_model",
]
