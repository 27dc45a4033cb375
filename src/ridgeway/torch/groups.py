"""Weight-decay parameter groups decided from the model's structure, with a reason for each.

``decay_groups(model, λ)`` splits the parameters of a PyTorch model into the group that weight
decay (``θ ← θ − η·λ·θ`` in AdamW, ``+ λ·θ`` in the gradient for SGD) should act on and the group
it should not, and says why for every parameter:

* **decayed**: weights that mix features (Linear, Conv, attention and RNN matrices) and, by
  default, embedding tables;
* **not decayed**: biases and other additive offsets, every parameter of a normalization layer
  (BatchNorm, LayerNorm, GroupNorm, InstanceNorm, RMSNorm, and custom classes recognized as
  normalizing), per-feature gains (LayerScale, PReLU), scalars, and **scale-invariant weights**:
  weights whose output goes into a normalization, so that ``f(c·W) = f(W)`` for every ``c > 0``.
  Decaying such a weight does not regularize the function, it only shrinks ``‖W‖`` and so raises
  the effective learning rate ``η/‖W‖²`` (van Laarhoven 2017; Zhang et al. 2019), fighting the
  normalization. Set ``decay_scale_invariant=True`` if that effective-learning-rate schedule is
  what you want.

Without ``example_input`` the decisions come from module types and shapes (no forward pass).
With it, :func:`ridgeway.torch.probe.probe_model` traces one forward pass and probes a float64
copy: custom normalization classes are recognized by their behaviour (not their names), the
weights that feed a normalization are tested for scale invariance, 1-D parameters of custom
modules are told apart (offset, gain or weight vector) and dead parameters are flagged.

``exclude`` / ``include`` override every rule. The comparison with timm's and Hugging Face's
name rules, parameter by parameter, is in ``docs/weight_decay_groups.md``.

Examples
--------
>>> import torch
>>> from torch import nn
>>> from ridgeway.torch import decay_groups
>>> model = nn.Sequential(nn.Conv2d(3, 8, 3, bias=False), nn.BatchNorm2d(8), nn.ReLU(),
...                       nn.Flatten(), nn.Linear(8 * 6 * 6, 2))
>>> groups = decay_groups(model, 0.05, example_input=torch.randn(4, 3, 8, 8))
>>> groups.names()
['4.weight']
>>> groups.mask()["0.weight"]  # feeds BatchNorm: scale-invariant, not decayed
False
>>> optimizer = torch.optim.AdamW(groups, lr=1e-3)
>>> [g["weight_decay"] for g in optimizer.param_groups]
[0.05, 0.0]
"""

from __future__ import annotations

import math
from numbers import Real
from typing import Any

from torch import nn

from ridgeway._validation import message
from ridgeway.torch._decisions import DecayGroups, ParamDecision
from ridgeway.torch._select import model_no_weight_decay, resolve
from ridgeway.torch._structure import (
    effective_ndim,
    is_known_layer,
    owned_parameters,
    structural_rule,
)
from ridgeway.torch.probe import ProbeResult, probe_model

__all__ = ["DecayGroups", "ParamDecision", "decay_groups"]


def _check_bool(name: str, value: Any) -> None:
    if not isinstance(value, bool):
        raise TypeError(message(name, "True or False", repr(value)))


def _norm_types(norm_types: Any) -> tuple[type[nn.Module], ...]:
    items = (norm_types,) if isinstance(norm_types, type) else tuple(norm_types)
    for t in items:
        if not (isinstance(t, type) and issubclass(t, nn.Module)):
            raise TypeError(message("norm_types", "torch.nn.Module subclasses", repr(t)))
    return items


def _refine(
    category: str, reason: str, shape: tuple[int, ...], uses: frozenset[str]
) -> tuple[str, str, bool]:
    """Category and reason of a custom module's parameter from how the trace saw it used."""
    eff = effective_ndim(shape)
    if not uses or category == "scalar" or any(u.startswith("other") for u in uses):
        return category, reason, False
    if uses == {"offset"}:
        if eff <= 1:
            return "bias", "adds a fixed offset (trace: added or concatenated): a bias", True
        return (
            "embedding",
            "additive table, e.g. a position embedding or learned tokens (trace: added or "
            "concatenated)",
            True,
        )
    if uses <= {"offset", "scale"}:
        return "gain", "elementwise multiplier, e.g. LayerScale (trace: elementwise product)", True
    if eff <= 1:
        return "weight", "1-D weight vector (trace: used in a matrix product)", True
    return category, reason, False


def decay_groups(
    model: nn.Module,
    weight_decay: float,
    *,
    example_input: Any = None,
    exclude: Any = None,
    include: Any = None,
    decay_embeddings: bool = True,
    decay_scale_invariant: bool = False,
    norm_types: Any = (),
    respect_no_weight_decay: bool = True,
    include_frozen: bool = False,
    probe_rtol: float = 1e-6,
    seed: int = 0,
) -> DecayGroups:
    """Split a model's parameters into weight-decay groups, deciding from structure.

    The groups make an optimizer minimize ``L(θ) + (λ/2)·Σ_{p decayed} ‖p‖²`` (SGD-style) or apply
    ``p ← p − η·λ·p`` to the decayed parameters only (AdamW-style); the other parameters get
    ``weight_decay = 0``.

    Parameters
    ----------
    model : torch.nn.Module
        The model (never modified; the probe runs on a float64 copy).
    weight_decay : float
        ``λ >= 0`` of the decayed group.
    example_input : torch.Tensor, tuple or dict, optional
        One batch (a tensor, a tuple of positional arguments or a dict of keyword arguments;
        at least two samples if the model has BatchNorm). With it, the trace and the numerical
        probe find custom normalizations, scale-invariant weights and dead parameters.
    exclude, include : str, type, torch.Tensor or an iterable of them, optional
        Parameters never / always decayed, overriding every rule: exact names, glob patterns
        (``"*.pos_embed"``), module names (all parameters below), module types (all parameters
        of modules of that type) or parameter objects. An item that selects nothing is an error.
    decay_embeddings : bool
        Decay embedding tables (``nn.Embedding``/``EmbeddingBag``, and additive tables such as
        position embeddings found by the trace). Default True, as Hugging Face's Trainer, timm's
        ``param_groups_weight_decay`` and nanoGPT do for token embeddings; timm models list their
        position embeddings and class tokens in ``no_weight_decay()``, which is respected.
    decay_scale_invariant : bool
        Decay scale-invariant weights too (default False: decay only changes their effective
        learning rate, see the module docstring).
    norm_types : type or tuple of type
        Extra module types to treat as normalization layers.
    respect_no_weight_decay : bool
        Honour ``no_weight_decay()`` methods of the model and its submodules (timm's convention).
    include_frozen : bool
        Put parameters with ``requires_grad=False`` in the groups (default: left out).
    probe_rtol : float
        Relative output change at most this counts as unchanged in the probe.
    seed : int
        Seed of the probe's perturbation.

    Returns
    -------
    DecayGroups
        Iterable over the optimizer's parameter-group dicts, with ``decisions``, ``names()``,
        ``mask()`` and ``report()``.
    """
    if not isinstance(model, nn.Module):
        raise TypeError(message("model", "a torch.nn.Module", type(model).__name__))
    if isinstance(weight_decay, bool) or not isinstance(weight_decay, Real):
        raise TypeError(message("weight_decay", "a real number", repr(weight_decay)))
    if not (math.isfinite(weight_decay) and weight_decay >= 0):
        raise ValueError(message("weight_decay", "finite and >= 0", repr(weight_decay)))
    for flag, value in (
        ("decay_embeddings", decay_embeddings),
        ("decay_scale_invariant", decay_scale_invariant),
        ("respect_no_weight_decay", respect_no_weight_decay),
        ("include_frozen", include_frozen),
    ):
        _check_bool(flag, value)
    if not (isinstance(probe_rtol, Real) and 0 < probe_rtol < 1):
        raise ValueError(message("probe_rtol", "a number in (0, 1)", repr(probe_rtol)))
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise TypeError(message("seed", "an integer", repr(seed)))
    extra_norms = _norm_types(norm_types)

    owned = owned_parameters(model)
    if not owned:
        raise ValueError(message("model", "a module with parameters", "none"))
    for name, *_, p in owned:
        if isinstance(p, nn.parameter.UninitializedParameter):
            raise ValueError(
                message("model", "fully initialized", f"lazy parameter {name!r}")
                + " (run one forward pass first)"
            )
    by_id = {id(p): name for name, *_, p in owned}
    names = [name for name, *_ in owned]
    user_off = resolve(exclude, "exclude", model, by_id)
    user_on = resolve(include, "include", model, by_id)
    both = sorted(set(user_off) & set(user_on))
    if both:
        raise ValueError(message("include", "disjoint from exclude", f"both select {both[0]!r}"))

    rules = {}
    for name, _, local, mod, p in owned:
        rules[name] = (*structural_rule(mod, local, p, extra_norms), "rule")

    probe: ProbeResult | None = None
    if example_input is not None:
        candidates = [n for n, (cat, _, _) in rules.items() if cat in ("weight", "embedding")]
        probe = probe_model(
            model,
            example_input,
            candidates=candidates,
            norm_types=extra_norms,
            rtol=probe_rtol,
            seed=seed,
        )
        rules = _apply_probe(rules, owned, probe)

    listed = model_no_weight_decay(model, names) if respect_no_weight_decay else {}
    default_decay = {
        "weight": True,
        "embedding": decay_embeddings,
        "scale-invariant": decay_scale_invariant,
    }
    decisions = []
    for name, mname, _, mod, p in owned:
        category, reason, source = rules[name]
        decay = default_decay.get(category, False)
        if category in ("embedding", "scale-invariant"):
            flag = "decay_embeddings" if category == "embedding" else "decay_scale_invariant"
            reason += f" [{flag}={default_decay[category]}]"
        if probe is not None and name in probe.dead:
            reason += (
                "; dead: zero gradient on the example input (unused, or cancelled downstream, "
                "e.g. a bias before BatchNorm)"
            )
        if name in listed:
            decay, source = False, "model"
            reason = f"model: listed by {listed[name]} ({category}: {reason})"
        if name in user_off or name in user_on:
            decay = name in user_on
            spec = user_on[name] if decay else user_off[name]
            source = "user"
            reason = f"user: {'include' if decay else 'exclude'}={spec} ({category}: {reason})"
        decisions.append(
            ParamDecision(
                name=name,
                shape=tuple(p.shape),
                decay=decay,
                reason=reason,
                category=category,
                source=source,
                module=mname,
                module_type=type(mod).__name__,
                trainable=p.requires_grad,
                dead=None if probe is None else name in probe.dead,
            )
        )
    params = {name: p for name, *_, p in owned}
    return DecayGroups(
        tuple(decisions),
        params,
        float(weight_decay),
        probed=probe is not None,
        include_frozen=include_frozen,
    )


def _apply_probe(
    rules: dict[str, tuple[str, str, str]], owned: list[Any], probe: ProbeResult
) -> dict[str, tuple[str, str, str]]:
    """Refine the structural rules with what the trace and the probe found."""
    out = dict(rules)
    for name, mname, _, mod, p in owned:
        if mname in probe.norms and not is_known_layer(mod):
            out[name] = ("norm", f"normalization layer {probe.norms[mname]}", "probe")
            continue
        category, reason, _ = rules[name]
        if not is_known_layer(mod) and category != "norm":
            category, reason, changed = _refine(category, reason, tuple(p.shape), probe.uses[name])
            if changed:
                out[name] = (category, reason, "probe")
        check = probe.checks.get(name)
        if check is None:
            continue
        fed = ", ".join(f"{probe.norms[n].split(' ')[0]} `{n}`" for n in check.norms)
        if check.invariant:
            together = (
                f" together with {', '.join(f'`{s}`' for s in check.scaled[1:])}"
                if check.with_bias
                else ""
            )
            out[name] = (
                "scale-invariant",
                f"scale-invariant: feeds {fed}; output unchanged when scaled by "
                f"c={probe.c:g}{together} (probe: relative change {check.rel_change:.0e})",
                "probe",
            )
        else:
            category, reason, source = out[name]
            reason += (
                f"; feeds {fed} but is not scale-invariant (probe: relative "
                f"change {check.rel_change:.2g})"
            )
            out[name] = (category, reason, source)
    return out
