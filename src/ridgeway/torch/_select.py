"""Match the user's ``exclude`` / ``include`` items (and a model's ``no_weight_decay()``) to names."""

from __future__ import annotations

from collections.abc import Iterable
from fnmatch import fnmatchcase
from typing import Any

import torch
from torch import nn

from ridgeway._validation import message

__all__ = ["model_no_weight_decay", "resolve"]

_RULE = "parameter names, glob patterns, module names, module types or parameters of the model"


def _match_str(pattern: str, names: Iterable[str]) -> list[str]:
    """Exact name, glob (``fnmatch``, case-sensitive) or a module name (every parameter below it)."""
    return [
        n for n in names if n == pattern or fnmatchcase(n, pattern) or n.startswith(pattern + ".")
    ]


def _items(spec: Any) -> list[Any]:
    if spec is None:
        return []
    if isinstance(spec, str | type | torch.Tensor):
        return [spec]
    if isinstance(spec, Iterable):
        return list(spec)
    return [spec]


def resolve(spec: Any, argname: str, model: nn.Module, owned: dict[int, str]) -> dict[str, str]:
    """Parameter name -> the item (as text) of ``spec`` that selects it.

    Parameters
    ----------
    spec : str, type, torch.Tensor or an iterable of them, or None
        Names (exact, glob or module name), module types (every parameter of every module of
        that type) or parameter objects.
    argname : str
        ``"exclude"`` or ``"include"``, for the error messages.
    model : torch.nn.Module
    owned : dict of int to str
        ``id(parameter)`` -> parameter name, for every parameter of ``model``.

    Raises
    ------
    TypeError
        An item of an unsupported kind.
    ValueError
        An item that selects no parameter (a typo must not pass silently).
    """
    names = list(owned.values())
    out: dict[str, str] = {}
    for item in _items(spec):
        if isinstance(item, str):
            hits = _match_str(item, names)
            text = repr(item)
        elif isinstance(item, type) and issubclass(item, nn.Module):
            hits = [
                owned[id(p)]
                for mod in model.modules()
                if isinstance(mod, item)
                for p in mod.parameters()
                if id(p) in owned
            ]
            text = item.__name__
        elif isinstance(item, torch.Tensor):
            hits = [owned[id(item)]] if id(item) in owned else []
            text = f"parameter of shape {tuple(item.shape)}"
        else:
            raise TypeError(message(argname, _RULE, f"{type(item).__name__} {item!r}"))
        if not hits:
            raise ValueError(message(argname, _RULE, f"{text}, which matches no parameter"))
        for h in hits:
            out.setdefault(h, text)
    return out


def model_no_weight_decay(model: nn.Module, names: list[str]) -> dict[str, str]:
    """Names listed by ``no_weight_decay()`` methods of the model and its submodules (timm's way).

    A submodule's names are relative to it. Entries that match nothing are ignored, as in timm.
    """
    out: dict[str, str] = {}
    for mname, mod in model.named_modules():
        method = getattr(mod, "no_weight_decay", None)
        if not callable(method):
            continue
        try:
            listed = method()
        except TypeError:  # a method with required arguments is not timm's convention
            continue
        where = f"{mname}.no_weight_decay()" if mname else "model.no_weight_decay()"
        for entry in _items(listed):
            if not isinstance(entry, str):
                continue
            full = f"{mname}.{entry}" if mname else entry
            for h in _match_str(full, names):
                out.setdefault(h, where)
    return out
