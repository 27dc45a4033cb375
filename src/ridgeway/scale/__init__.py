"""Data passes beyond memory: streamed from files (:mod:`ridgeway.scale.streaming`) and Dask
collections (:mod:`ridgeway.scale.dask`, used by ``Ridge.fit`` / ``RidgeCV.fit`` on dask input).

Names are imported on first use, so importing :mod:`ridgeway.scale` loads no reader and no
optional dependency (dask included).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ridgeway.scale.dask import fit_dask
    from ridgeway.scale.memory import parse_memory
    from ridgeway.scale.streaming import StreamProgress, fit_source

__all__ = ["StreamProgress", "fit_dask", "fit_source", "parse_memory"]

_LAZY = {
    "StreamProgress": "ridgeway.scale.streaming",
    "fit_dask": "ridgeway.scale.dask",
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
