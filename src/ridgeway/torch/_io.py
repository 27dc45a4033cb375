"""Inputs and outputs of a model call: example inputs as arguments, outputs as one flat vector."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import torch

__all__ = ["call_args", "flat", "floats", "map_tensors", "rel_change"]


def map_tensors(obj: Any, fn: Callable[[torch.Tensor], Any]) -> Any:
    """Apply ``fn`` to every tensor in a nest of tuples, lists and dicts."""
    if isinstance(obj, torch.Tensor):
        return fn(obj)
    if isinstance(obj, tuple | list):
        return type(obj)(map_tensors(o, fn) for o in obj)
    if isinstance(obj, Mapping):
        return {k: map_tensors(v, fn) for k, v in obj.items()}
    return obj


def floats(obj: Any) -> list[torch.Tensor]:
    """Every floating-point tensor in a nested output (tensors, tuples, lists, dicts)."""
    if isinstance(obj, torch.Tensor):
        return [obj] if obj.is_floating_point() else []
    if isinstance(obj, tuple | list):
        return [t for o in obj for t in floats(o)]
    if isinstance(obj, Mapping):
        return [t for v in obj.values() for t in floats(v)]
    return []


def flat(obj: Any) -> torch.Tensor:
    ts = floats(obj)
    return torch.cat([t.detach().reshape(-1) for t in ts]) if ts else torch.zeros(0)


def rel_change(a: torch.Tensor, b: torch.Tensor) -> float:
    """``max|a − b| / max|a|`` (0 when both are zero, inf when only ``a`` is)."""
    den = float(a.abs().max()) if a.numel() else 0.0
    num = float((a - b).abs().max()) if a.numel() else 0.0
    if den == 0.0:
        return 0.0 if num == 0.0 else float("inf")
    return num / den


def call_args(example_input: Any) -> tuple[tuple[Any, ...], dict[str, Any]]:
    """A tensor is one positional argument, a tuple/list the positional arguments, a dict kwargs."""
    if isinstance(example_input, Mapping):
        return (), dict(example_input)
    if isinstance(example_input, tuple | list):
        return tuple(example_input), {}
    return (example_input,), {}
