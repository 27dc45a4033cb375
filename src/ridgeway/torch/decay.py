"""Weight decay as two small composable pieces: an L2 term for the loss, a decoupled step.

**Coupled** decay (L2 in the loss) adds ½λ‖w‖² to the loss, so that the optimizer sees the
gradient g + λw. :func:`l2_penalty` returns that term; ``loss + l2_penalty(params, λ)`` with
any optimizer is what ``torch.optim.SGD(weight_decay=λ)`` and ``Adam(weight_decay=λ)`` do
internally. For SGD, λw is one more gradient; for Adam it passes through the preconditioner:

    SGD:   w ← w − η (g + λw)
    Adam:  m ← β₁m + (1 − β₁)(g + λw),  v ← β₂v + (1 − β₂)(g + λw)²,
           w ← w − η m̂ / (√v̂ + ε)

so the decay of coordinate j is divided by √v̂_j + ε: coordinates with large gradients are
hardly decayed, coordinates with small ones are decayed hard.

**Decoupled** decay (:class:`DecoupledWeightDecay`) shrinks the weights outside the optimizer,
in a separate step s_t λ w taken before ``optimizer.step()``:

    w ← w − s_t λ w,     then the optimizer's own step on g (without λw),

with s_t chosen by ``scaling``:

- ``"lr"``: s_t = η_t, the current learning rate of the parameter's group (PyTorch's
  ``AdamW``, optax's ``adamw`` / ``add_decayed_weights`` before ``scale_by_learning_rate``,
  Hugging Face and timm). With plain SGD this equals coupled decay; with momentum or Adam it
  does not.
- ``"schedule"``: s_t = η_t / η₀, the schedule multiplier only (Loshchilov & Hutter, "Decoupled
  Weight Decay Regularization", 2019: x_t ← x_{t−1} − η_t(α m̂/(√v̂ + ε) + λ x_{t−1}) with α the
  base rate and η_t the schedule). λ here is PyTorch's ``weight_decay`` times the base rate.
- ``"none"``: s_t = 1, a fixed shrink factor 1 − λ per step, independent of the learning rate
  and its schedule.

For SGD the coupled and the "lr" decoupled step have the same fixed point as a ridge penalty;
see :mod:`ridgeway.conventions` (``"torch-sgd"``) for the α of ``ridgeway.Ridge`` it equals.

Examples
--------
AdamW from Adam and a decoupled step:

>>> import torch
>>> from ridgeway.torch import DecoupledWeightDecay
>>> w = torch.nn.Parameter(torch.ones(3))
>>> opt = torch.optim.Adam([w], lr=0.1)
>>> decay = DecoupledWeightDecay([w], 0.5, optimizer=opt, scaling="lr")
>>> (w * torch.tensor([1.0, 2.0, 3.0])).sum().backward()
>>> decay.step()          # w ← w(1 − 0.1·0.5)
>>> opt.step()            # the Adam step, as in AdamW
>>> w.detach().round(decimals=4)
tensor([0.8500, 0.8500, 0.8500])
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Literal, TypeAlias

import torch

from ridgeway._validation import message

__all__ = [
    "SCALINGS",
    "DecoupledWeightDecay",
    "Scaling",
    "l2_penalty",
    "param_group_of",
    "schedule_multiplier",
    "without_weight_decay",
]

Scaling: TypeAlias = Literal["lr", "schedule", "none"]
SCALINGS: tuple[str, ...] = ("lr", "schedule", "none")
"""The choices of ``scaling`` of :class:`DecoupledWeightDecay`."""

Params: TypeAlias = (
    Iterable[torch.Tensor] | Iterable[tuple[str, torch.Tensor]] | Iterable[Mapping[str, Any]]
)
Mask: TypeAlias = Mapping[str, bool] | Callable[[str, torch.Tensor], bool]


# ------------------------------------------------------------------------------- validation
def _strength(value: Any, name: str) -> float:
    if isinstance(value, bool):
        raise TypeError(message(name, "a number ≥ 0", repr(value)))
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise TypeError(message(name, "a number ≥ 0", repr(value))) from None
    if not (math.isfinite(v) and v >= 0):
        raise ValueError(message(name, "finite and ≥ 0", repr(value)))
    return v


def _entries(items: list[Any], where: str) -> list[tuple[str | None, torch.Tensor]]:
    """(name or None, tensor) for a list of tensors or of (name, tensor) pairs."""
    out: list[tuple[str | None, torch.Tensor]] = []
    for item in items:
        if isinstance(item, torch.Tensor):
            out.append((None, item))
        elif (
            isinstance(item, tuple)
            and len(item) == 2
            and isinstance(item[0], str)
            and isinstance(item[1], torch.Tensor)
        ):
            out.append((item[0], item[1]))
        else:
            rule = "tensors, (name, tensor) pairs or param-group dicts with a 'params' entry"
            raise TypeError(message(where, rule, f"an item of type {type(item).__name__}"))
    return out


def _groups(
    params: Params, strength: float | None, mask: Mask | None, where: str
) -> list[tuple[float, list[torch.Tensor]]]:
    """(λ, tensors) per group: a dict's ``weight_decay`` wins over ``strength``; mask filters."""
    if isinstance(params, torch.Tensor):
        params = [params]
    items: list[Any] = list(params)
    if not items:
        raise ValueError(message(where, "a non-empty iterable of parameters", "an empty one"))
    dicts = [isinstance(it, Mapping) for it in items]
    if any(dicts) and not all(dicts):
        raise TypeError(message(where, "all param-group dicts or no dicts", "a mixture"))
    raw: list[tuple[Any, list[Any]]]
    if all(dicts):
        raw = []
        for i, g in enumerate(items):
            if "params" not in g:
                raise ValueError(message(f"{where}[{i}]", "a dict with a 'params' entry", g))
            ps = g["params"]
            raw.append((g.get("weight_decay"), [ps] if isinstance(ps, torch.Tensor) else list(ps)))
    else:
        raw = [(None, items)]
    out: list[tuple[float, list[torch.Tensor]]] = []
    for wd, group in raw:
        if wd is None:
            if strength is None:
                rule = "given (or each param group must have a 'weight_decay')"
                raise ValueError(message("weight_decay", rule, "None"))
            lam = strength
        else:
            lam = _strength(wd, "the weight_decay of a param group")
        tensors = []
        for name, p in _entries(group, where):
            if mask is not None:
                if name is None:
                    rule = (
                        "given as (name, tensor) pairs, e.g. model.named_parameters(), with a mask"
                    )
                    raise TypeError(message(where, rule, "unnamed tensors"))
                keep = mask(name, p) if callable(mask) else mask.get(name)
                if keep is None:
                    raise ValueError(
                        message("mask", f"a mapping with an entry for {name!r}", "none")
                    )
                if not keep:
                    continue
            tensors.append(p)
        out.append((lam, tensors))
    return out


# ---------------------------------------------------------------------------------- coupled
def l2_penalty(params: Params, strength: float | None = None) -> torch.Tensor:
    """The coupled weight-decay term ½ Σ_g λ_g Σ_{w ∈ g} ‖w‖² to add to the loss.

    Its gradient with respect to w is λ_g w, exactly the term that
    ``torch.optim.SGD(weight_decay=λ)`` and ``Adam(weight_decay=λ)`` add to the gradient:
    ``loss + l2_penalty(params, λ)`` with ``weight_decay=0`` takes the same steps (for any
    optimizer, the penalty's gradient goes through its momentum and preconditioner).

    Parameters
    ----------
    params : iterable of tensors, of (name, tensor) pairs, or of param-group dicts
        The tensors to penalize. A param-group dict (as given to a torch optimizer, or as made
        by ``ridgeway.torch.groups.decay_groups``) uses its own ``"weight_decay"`` when it has
        one, so a group with ``weight_decay=0.0`` is not penalized.
    strength : float, optional
        λ ≥ 0 for tensors and groups without a ``"weight_decay"`` entry.

    Returns
    -------
    torch.Tensor
        A scalar (0-d) tensor, in the dtype and on the device of the first parameter.

    Examples
    --------
    >>> import torch
    >>> from ridgeway.torch import l2_penalty
    >>> w = torch.tensor([3.0, 4.0], requires_grad=True)
    >>> l2_penalty([w], 0.1)  # ½ · 0.1 · 25
    tensor(1.2500, grad_fn=<AddBackward0>)
    >>> l2_penalty([{"params": [w], "weight_decay": 0.0}]).item()
    0.0
    """
    lam = None if strength is None else _strength(strength, "strength")
    groups = _groups(params, lam, None, "params")
    first = next((p for _, ps in groups for p in ps), None)
    if first is None:
        return torch.zeros(())
    total = torch.zeros((), dtype=first.dtype, device=first.device)
    for lam_g, ps in groups:
        if lam_g == 0.0:
            continue
        for p in ps:
            total = total + (0.5 * lam_g) * p.pow(2).sum()
    return total


# -------------------------------------------------------------------------------- decoupled
def without_weight_decay(groups: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Copies of param-group dicts with ``weight_decay`` 0.0, for the optimizer of a decoupled
    decay.

    Give the optimizer these and :class:`DecoupledWeightDecay` the originals: the optimizer then
    does no coupled decay, and the originals keep their ``weight_decay`` (torch optimizers write
    their defaults into the dicts they are given, so one list cannot serve both).

    Examples
    --------
    >>> import torch
    >>> w, b = torch.nn.Parameter(torch.ones(2, 2)), torch.nn.Parameter(torch.ones(2))
    >>> groups = [{"params": [w], "weight_decay": 0.1}, {"params": [b], "weight_decay": 0.0}]
    >>> opt = torch.optim.Adam(without_weight_decay(groups), lr=1e-3)
    >>> decay = DecoupledWeightDecay(groups, optimizer=opt)  # AdamW, biases not decayed
    >>> [g["weight_decay"] for g in opt.param_groups], [lam for lam, _ in decay.groups]
    ([0.0, 0.0], [0.1, 0.0])
    """
    out = []
    for i, g in enumerate(groups):
        if not isinstance(g, Mapping) or "params" not in g:
            raise TypeError(message(f"groups[{i}]", "a param-group dict with 'params'", repr(g)))
        out.append({**g, "weight_decay": 0.0})
    return out


def param_group_of(optimizer: torch.optim.Optimizer, param: torch.Tensor) -> dict[str, Any]:
    """The param group of ``optimizer`` that holds ``param`` (its ``lr`` and ``weight_decay``).

    Raises
    ------
    ValueError
        If no group of the optimizer holds ``param``.
    """
    for group in optimizer.param_groups:
        if any(p is param for p in group["params"]):
            return group
    shape = tuple(param.shape)
    raise ValueError(message("param", "a parameter of the optimizer", f"a tensor of shape {shape}"))


def schedule_multiplier(group: Mapping[str, Any], base_lr: float | None = None) -> float:
    """The learning-rate schedule's multiplier η_t = lr_t / lr₀ of one param group.

    Parameters
    ----------
    group : Mapping
        An optimizer's param group.
    base_lr : float, optional
        lr₀. Default: the group's ``"initial_lr"``, which every ``torch.optim.lr_scheduler``
        stores when it is created.

    Examples
    --------
    >>> import torch
    >>> opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.2)
    >>> sched = torch.optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.5)
    >>> opt.step(); sched.step()
    >>> schedule_multiplier(opt.param_groups[0])
    0.5
    """
    base = group.get("initial_lr") if base_lr is None else base_lr
    if base is None:
        rule = "given when the param group has no 'initial_lr' (no lr_scheduler attached)"
        raise ValueError(message("base_lr", rule, "None"))
    b = _strength(base, "base_lr")
    if b == 0.0:
        raise ValueError(message("base_lr", "positive", repr(base)))
    return float(group["lr"]) / b


class DecoupledWeightDecay:
    """Decoupled weight decay w ← w − s_t λ w, applied around any optimizer.

    Call :meth:`step` right before ``optimizer.step()`` (after ``backward()``): that is the
    order of PyTorch's ``AdamW``, which shrinks w by the current rate before its Adam update,

        w ← w (1 − s_t λ_g),      s_t = η_t (``"lr"``), η_t/η₀ (``"schedule"``), 1 (``"none"``),

    with η_t the current ``lr`` of the optimizer's param group holding w (read at each step, so
    learning-rate schedulers and per-group rates are followed) and λ_g the weight decay of w's
    group here. After ``optimizer.step()`` instead, the step differs by the second-order term
    s_t λ η_t u (u the optimizer's update).

    Parameters
    ----------
    params : iterable of tensors, of (name, tensor) pairs, or of param-group dicts
        The tensors to decay. A dict's ``"weight_decay"`` (from
        ``ridgeway.torch.groups.decay_groups``, say) overrides ``weight_decay``: a group with
        0.0 is left alone.
    weight_decay : float, optional
        λ ≥ 0 for tensors and groups without their own. For ``"schedule"`` this is the
        Loshchilov–Hutter λ (PyTorch's ``weight_decay`` times the base learning rate).
    optimizer : torch.optim.Optimizer, optional
        The optimizer whose learning rates set s_t; required unless ``scaling="none"``. Give it
        ``weight_decay=0`` for these tensors (a warning says when it decays them too).
    scaling : {"lr", "schedule", "none"}, default "lr"
        What multiplies λ (see :mod:`ridgeway.torch.decay`).
    mask : Mapping[str, bool] or callable (name, tensor) -> bool, optional
        Which named tensors to decay (as optax's ``add_decayed_weights(mask=...)``); needs
        ``params`` as (name, tensor) pairs, e.g. ``model.named_parameters()``.

    Notes
    -----
    With param groups (from ``decay_groups``, say), give the optimizer
    :func:`without_weight_decay` copies and this object the originals: torch optimizers write
    their default ``weight_decay`` into the dicts they receive.

    Attributes
    ----------
    groups : list of (float, list of torch.Tensor)
        λ_g and the tensors it decays.
    base_lrs : list of float
        η₀ of each decayed tensor's optimizer group (its ``"initial_lr"`` if a scheduler is
        attached, else its ``lr`` when this object was made); empty without an optimizer.
    """

    def __init__(
        self,
        params: Params,
        weight_decay: float | None = None,
        *,
        optimizer: torch.optim.Optimizer | None = None,
        scaling: Scaling = "lr",
        mask: Mask | None = None,
    ) -> None:
        if scaling not in SCALINGS:
            rule = "one of " + ", ".join(map(repr, SCALINGS))
            raise ValueError(message("scaling", rule, repr(scaling)))
        if optimizer is None and scaling != "none":
            rule = f"given for scaling={scaling!r}, which reads the optimizer's learning rate"
            raise ValueError(message("optimizer", rule, "None"))
        if optimizer is not None and not isinstance(optimizer, torch.optim.Optimizer):
            rule = "a torch.optim.Optimizer"
            raise TypeError(message("optimizer", rule, type(optimizer).__name__))
        lam = None if weight_decay is None else _strength(weight_decay, "weight_decay")
        self.scaling: Scaling = scaling
        self.optimizer = optimizer
        self.groups = _groups(params, lam, mask, "params")
        self._opt_groups: list[list[dict[str, Any]]] = []
        self.base_lrs: list[list[float]] = []
        if optimizer is not None:
            for lam_g, ps in self.groups:
                found = [param_group_of(optimizer, p) for p in ps]
                self._opt_groups.append(found)
                self.base_lrs.append([float(g.get("initial_lr", g["lr"])) for g in found])
                if lam_g > 0 and any(float(g.get("weight_decay", 0.0)) > 0 for g in found):
                    warnings.warn(
                        "the optimizer has weight_decay > 0 for tensors that DecoupledWeightDecay "
                        "also decays: they are decayed twice; give the optimizer weight_decay=0",
                        UserWarning,
                        stacklevel=2,
                    )

    def factors(self) -> list[list[float]]:
        """The shrink factor 1 − s_t λ_g that the next :meth:`step` applies to each tensor."""
        out = []
        for i, (lam, ps) in enumerate(self.groups):
            if self.scaling == "none":
                out.append([1.0 - lam] * len(ps))
                continue
            row = []
            for g, base in zip(self._opt_groups[i], self.base_lrs[i], strict=True):
                s = float(g["lr"]) if self.scaling == "lr" else schedule_multiplier(g, base)
                row.append(1.0 - s * lam)
            out.append(row)
        return out

    @torch.no_grad()
    def step(self) -> None:
        """Shrink every tensor in place: w ← w (1 − s_t λ_g)."""
        for (lam, ps), row in zip(self.groups, self.factors(), strict=True):
            if lam == 0.0:
                continue
            for p, f in zip(ps, row, strict=True):
                p.mul_(f)

    def __repr__(self) -> str:
        n = sum(len(ps) for _, ps in self.groups)
        lams = sorted({lam for lam, _ in self.groups})
        return f"DecoupledWeightDecay({n} tensors, weight_decay={lams}, scaling={self.scaling!r})"
