"""Fitting data too large for memory: streamed from files (:mod:`ridgeway.scale.streaming`).

Names are imported on first use, so importing :mod:`ridgeway.scale` loads no reader and no
optional dependency.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ridgeway.scale.memory import parse_memory
    from ridgeway.scale.streaming import StreamProgress, fit_source

__all__ = ["StreamProgress", "fit_source", "parse_memory"]

_LAZY = {
    "StreamProgress": "ridgeway.scale.streaming",
    "fit_source": "ridgeway.scale.streaming",
    "parse_memory": "ridgeway.scale.memory",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'ridgeway.scale' has no attribute {name!r}")
    return getattr(import_module(module), name)


def __dir__() -> list[str]:
    return sorted(__all__)
