"""The result of :func:`ridgeway.torch.decay_groups`: a decision per parameter, and the groups."""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from torch import nn

from ridgeway._validation import message
from ridgeway.torch._report import render_table

__all__ = ["DecayGroups", "ParamDecision"]


@dataclass(frozen=True)
class ParamDecision:
    """The decision for one parameter.

    Attributes
    ----------
    name : str
        The name in ``model.named_parameters()``.
    shape : tuple of int
    decay : bool
        Whether weight decay applies.
    reason : str
        Why, in words.
    category : str
        ``weight``, ``embedding``, ``scale-invariant``, ``bias``, ``norm``, ``gain`` or ``scalar``:
        what the rules or the probe found the parameter to be (kept when a user override
        changes ``decay``).
    source : str
        Where the decision comes from: ``rule`` (module type and shape), ``probe`` (trace and
        numerical probe), ``model`` (a ``no_weight_decay()`` method) or ``user``.
    module : str
        Name of the module that registers the parameter (``""`` for the model itself).
    module_type : str
        Class name of that module.
    trainable : bool
        ``requires_grad``; frozen parameters are left out of the groups unless
        ``include_frozen=True``.
    dead : bool or None
        Zero gradient on the example input (``None`` without ``example_input``).
    """

    name: str
    shape: tuple[int, ...]
    decay: bool
    reason: str
    category: str
    source: str
    module: str
    module_type: str
    trainable: bool = True
    dead: bool | None = None

    @property
    def numel(self) -> int:
        """Number of values."""
        return math.prod(self.shape)


class DecayGroups:
    """Optimizer parameter groups (decayed, not decayed) and the decision for every parameter.

    Iterating yields the parameter-group dicts, so ``torch.optim.AdamW(groups, lr=...)`` works;
    each dict has ``params``, ``param_names`` and ``weight_decay`` (``0.0`` for the no-decay
    group); empty groups are dropped.
    """

    def __init__(
        self,
        decisions: tuple[ParamDecision, ...],
        params: dict[str, nn.Parameter],
        weight_decay: float,
        *,
        probed: bool,
        include_frozen: bool,
    ) -> None:
        self.decisions = decisions
        self.weight_decay = weight_decay
        self.probed = probed
        self._params = params
        self._include_frozen = include_frozen
        if not self.param_groups:
            raise ValueError(
                message("model", "a module with a trainable parameter", "only frozen parameters")
                + " (pass include_frozen=True to group them anyway)"
            )

    @property
    def param_groups(self) -> list[dict[str, Any]]:
        """Fresh list of group dicts: decayed first, then not decayed; empty groups dropped."""
        groups = []
        for decay, wd in ((True, self.weight_decay), (False, 0.0)):
            chosen = [
                d.name
                for d in self.decisions
                if d.decay is decay and (d.trainable or self._include_frozen)
            ]
            if chosen:
                groups.append(
                    {
                        "params": [self._params[n] for n in chosen],
                        "param_names": chosen,
                        "weight_decay": wd,
                    }
                )
        return groups

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self.param_groups)

    def __len__(self) -> int:
        return len(self.param_groups)

    def names(self) -> list[str]:
        """Names of the decayed parameters (the list form of ``exclude_from_weight_decay``)."""
        return [d.name for d in self.decisions if d.decay]

    def no_decay_names(self) -> list[str]:
        """Names of the parameters that are not decayed."""
        return [d.name for d in self.decisions if not d.decay]

    def mask(self) -> dict[str, bool]:
        """``{name: decay}`` for every parameter: the mask optax's ``add_decayed_weights`` and
        ``adamw(mask=...)`` take (with the names as the pytree keys)."""
        return {d.name: d.decay for d in self.decisions}

    def report(self) -> str:
        """A text table: parameter, shape, decay, category, reason; and a summary line."""
        return render_table(self.decisions, self.weight_decay, self.probed)

    def __rich__(self) -> Any:
        from rich.table import Table

        table = Table(title=f"weight decay {self.weight_decay:g}")
        for col in ("parameter", "shape", "decay", "category", "reason"):
            table.add_column(col)
        for d in self.decisions:
            reason = d.reason + (" [dead: zero gradient]" if d.dead else "")
            table.add_row(d.name, str(d.shape), "yes" if d.decay else "no", d.category, reason)
        return table

    def __str__(self) -> str:
        return self.report()

    def __repr__(self) -> str:
        n_dec = sum(d.numel for d in self.decisions if d.decay)
        n_no = sum(d.numel for d in self.decisions if not d.decay)
        k_dec = sum(1 for d in self.decisions if d.decay)
        return (
            f"DecayGroups(weight_decay={self.weight_decay:g}, decay={k_dec} tensors/{n_dec} values,"
            f" no_decay={len(self.decisions) - k_dec} tensors/{n_no} values,"
            f" probed={self.probed})"
        )
