"""Numerical probe of a model's structure on an example input.

The probe answers, for a model ``f(x; θ)`` and one example input ``x``:

* which modules **normalize**: ``m(c·u) = m(u)`` for the input ``u`` the module receives and
  ``c > 0`` (custom RMSNorm/LayerNorm classes, L2-normalize modules), besides the ``torch.nn``
  normalization layers;
* which weights are **scale-invariant**: ``f(x; θ with W → c·W) = f(x; θ)`` (or with the weight
  and its bias scaled together), for the weights found by the trace to feed a normalization;
* how each parameter meets the data (an offset, an elementwise scale or a matrix; see
  :mod:`ridgeway.torch._trace`);
* which parameters are **dead**: ``∂⟨r, f(x; θ)⟩/∂p = 0`` for a random direction ``r``.

How it runs, and why:

* on a **float64 deep copy** of the model, so the model itself (its parameters, buffers, mode and
  BatchNorm running statistics) is never touched, and invariance holds to float64 rounding;
* with every parameter **perturbed** to ``p + ½·rms(p)·z`` (``z`` standard normal; ``0.1·z`` for a
  parameter that is all zeros), so that zero-initialized parameters (a zero LayerScale, a
  zero-initialized head or last BatchNorm scale) do not make the output trivially unchanged: the
  probe asks about the structure, at a generic point, not about the initialization;
* in **eval mode, except BatchNorm, which normalizes with batch statistics** as in training:
  dropout and other random layers must be off for two forward passes to be comparable, and the
  scale invariance of a weight that feeds BatchNorm is a property of training (with running
  statistics BatchNorm is a fixed affine map and nothing upstream is scale invariant). BatchNorm
  therefore needs an example batch of at least two samples;
* with the ``eps`` of the normalization layers set to ``1e-300``, so that ``m(c·u) = m(u)``
  holds to rounding instead of to ``eps / var(u)``.
"""

from __future__ import annotations

import copy
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

import torch
from torch import nn

from ridgeway._validation import message
from ridgeway.torch._io import call_args, flat, floats, map_tensors, rel_change
from ridgeway.torch._structure import (
    effective_ndim,
    is_known_layer,
    is_known_norm,
    owned_parameters,
)
from ridgeway.torch._trace import Graph

__all__ = ["InvarianceCheck", "ProbeResult", "probe_model"]

_TINY_EPS = 1e-300


@dataclass(frozen=True)
class InvarianceCheck:
    """One scale-invariance test: scale ``names`` by ``c`` and compare the model outputs.

    Attributes
    ----------
    weight : str
        The weight under test.
    scaled : tuple of str
        Every parameter scaled together (the weight, and its bias when ``with_bias``).
    norms : tuple of str
        The normalization modules the trace found the weight to feed.
    rel_change : float
        ``max|f(c·W) − f(W)| / max|f(W)|`` over every floating output.
    invariant : bool
        ``rel_change <= rtol``.
    """

    weight: str
    scaled: tuple[str, ...]
    norms: tuple[str, ...]
    rel_change: float
    invariant: bool

    @property
    def with_bias(self) -> bool:
        """True when the weight is invariant only together with its bias."""
        return len(self.scaled) > 1


@dataclass(frozen=True)
class ProbeResult:
    """What the probe found (parameter and module names are those of the original model).

    Attributes
    ----------
    norms : dict of str to str
        Normalization module name -> how it was recognized.
    uses : dict of str to frozenset of str
        Parameter name -> how it meets the data (``offset``, ``scale``, ``matrix``, ...).
    checks : dict of str to InvarianceCheck
        Weight name -> the decisive scale-invariance test (the last one tried).
    dead : frozenset of str
        Parameters with zero gradient.
    c : float
        The scale factor used.
    """

    norms: dict[str, str]
    uses: dict[str, frozenset[str]]
    checks: dict[str, InvarianceCheck]
    dead: frozenset[str]
    c: float
    grad_max: dict[str, float] = field(default_factory=dict)


# --------------------------------------------------------------------------- the copy


def _eps_attrs(module: nn.Module) -> dict[str, float]:
    """The small positive float attributes named like an epsilon (``eps``, ``variance_epsilon``)."""
    return {
        k: v
        for k, v in vars(module).items()
        if "eps" in k.lower() and isinstance(v, float) and 0.0 < v < 0.1
    }


def _set_attrs(module: nn.Module, values: Mapping[str, float]) -> None:
    for k, v in values.items():
        setattr(module, k, v)


class _Probe:
    """The perturbed float64 copy and the call that runs it."""

    def __init__(self, model: nn.Module, example_input: Any, seed: int) -> None:
        try:
            self.model = copy.deepcopy(model).to(torch.float64)
        except Exception as exc:
            raise ValueError(
                message("model", "deep-copyable for the probe (copy.deepcopy)", repr(exc))
            ) from None
        self.model.eval()
        for mod in self.model.modules():
            if isinstance(mod, nn.modules.batchnorm._BatchNorm):
                mod.train()  # batch statistics, as in training (see the module docstring)
        self.owned = owned_parameters(self.model)
        self.params = {name: p for name, _, _, _, p in self.owned}
        self.modules = dict(self.model.named_modules())
        gen = torch.Generator().manual_seed(seed)
        device = next(iter(self.params.values())).device if self.params else torch.device("cpu")
        with torch.no_grad():
            for p in self.params.values():
                p.requires_grad_(True)
                z = torch.randn(p.shape, generator=gen, dtype=torch.float64).to(device)
                rms = float(p.pow(2).mean().sqrt()) if p.numel() else 0.0
                p.add_(z, alpha=0.5 * rms if rms > 0 else 0.1)
        args, kwargs = call_args(example_input)

        def to64(t: torch.Tensor) -> torch.Tensor:
            return t.detach().to(device=device, dtype=torch.float64) if t.is_floating_point() else t

        self.args = map_tensors(args, to64)
        self.kwargs = map_tensors(kwargs, to64)
        self.gen = gen

    def run(self, *, grad: bool = False) -> Any:
        args, kwargs = self.args, self.kwargs
        if grad:  # data leaves that require grad, so the trace can tell data from parameters

            def leaf(t: torch.Tensor) -> torch.Tensor:
                return t.clone().requires_grad_(True) * 1.0 if t.is_floating_point() else t

            args, kwargs = map_tensors(args, leaf), map_tensors(kwargs, leaf)
        try:
            with torch.set_grad_enabled(grad):
                return self.model(*args, **kwargs)
        except Exception as exc:
            raise ValueError(
                message(
                    "example_input",
                    "accepted by the model's forward (in eval mode, BatchNorm on batch statistics)",
                    f"the forward raised {type(exc).__name__}: {exc}",
                )
            ) from None

    def output(self) -> torch.Tensor:
        return flat(self.run())


# --------------------------------------------------------------------------- the probe


def _norm_candidates(probe: _Probe, norm_types: tuple[type[nn.Module], ...]) -> dict[str, str]:
    """Modules to watch: known normalizations ("known") and custom leaves that might normalize."""
    out = {}
    for name, mod in probe.modules.items():
        if is_known_norm(mod, norm_types):
            out[name] = "known"
        elif is_known_layer(mod) or type(mod).__module__.startswith("torch."):
            continue
        elif any(any(True for _ in ch.parameters()) for ch in mod.children()):
            continue  # a container: its children are judged on their own
        elif all(effective_ndim(tuple(p.shape)) <= 1 for p in mod.parameters(recurse=False)):
            out[name] = "custom"
    return out


def _first_float(args: tuple[Any, ...]) -> int | None:
    for i, a in enumerate(args):
        if isinstance(a, torch.Tensor) and a.is_floating_point():
            return i
    return None


def _normalizes(
    mod: nn.Module,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    c: float,
    rtol: float,
    gen: torch.Generator,
) -> bool:
    """True when the module's output is unchanged by scaling its input, and depends on it."""
    i = _first_float(args)
    if i is None:
        return False
    u = args[i]

    def call(v: torch.Tensor) -> torch.Tensor:
        return flat(mod(*args[:i], v, *args[i + 1 :], **kwargs))

    noise = torch.randn(u.shape, generator=gen, dtype=torch.float64).to(u.device)
    with torch.no_grad():
        y0, y1 = call(u), call(c * u)
        y2 = call(u + noise * (float(u.std()) if u.numel() > 1 else 1.0))
    if y0.numel() == 0 or not bool(torch.isfinite(y0).all()):
        return False
    return rel_change(y0, y1) <= rtol and rel_change(y0, y2) > 1e3 * rtol


def probe_model(
    model: nn.Module,
    example_input: Any,
    *,
    candidates: Collection[str] | None = None,
    norm_types: tuple[type[nn.Module], ...] = (),
    c: float = 1.7,
    rtol: float = 1e-6,
    seed: int = 0,
) -> ProbeResult:
    """Probe a model's structure on an example input (see the module docstring).

    Parameters
    ----------
    model : torch.nn.Module
        The model; it is deep-copied, never modified.
    example_input : torch.Tensor, tuple or dict
        One batch: a tensor (one positional argument), a tuple of positional arguments or a
        dict of keyword arguments. Floating tensors are cast to float64.
    candidates : collection of str, optional
        Parameter names that may be reported scale-invariant (default: every parameter with
        more than one axis longer than one).
    norm_types : tuple of type
        Extra module types to treat as normalization layers.
    c : float
        The scale factor of the invariance tests (``c > 0``, ``c != 1``).
    rtol : float
        A relative output change at most ``rtol`` counts as unchanged.
    seed : int
        Seed of the perturbation and the random gradient direction.

    Returns
    -------
    ProbeResult
    """
    probe = _Probe(model, example_input, seed)
    watch = _norm_candidates(probe, norm_types)
    calls: dict[str, list[tuple[tuple[Any, ...], dict[str, Any]]]] = {}
    handles = []
    for name in watch:

        def hook(mod: nn.Module, args: Any, kwargs: Any, name: str = name) -> None:
            calls.setdefault(name, []).append((tuple(args), dict(kwargs)))

        handles.append(probe.modules[name].register_forward_pre_hook(hook, with_kwargs=True))
    try:
        out = floats(probe.run(grad=True))
    finally:
        for h in handles:
            h.remove()
    if not out:
        raise ValueError(
            message(
                "the model's output",
                "or contain a floating-point tensor",
                "no floating-point tensor",
            )
        )
    graph = Graph(out, probe.params)

    # which watched modules normalize (known types, or custom ones found by the input probe)
    norms: dict[str, str] = {}
    for name, how in watch.items():
        mod = probe.modules[name]
        if name not in calls:
            continue
        saved = _eps_attrs(mod)
        _set_attrs(mod, dict.fromkeys(saved, _TINY_EPS))
        if how == "known":
            if getattr(mod, "eps", 0.0) is None:  # nn.RMSNorm's default: the dtype's epsilon
                mod.eps = _TINY_EPS
            norms[name] = type(mod).__name__
            continue
        args, kwargs = calls[name][0]
        args = map_tensors(args, torch.Tensor.detach)
        kwargs = map_tensors(kwargs, torch.Tensor.detach)
        if _normalizes(mod, args, kwargs, c, rtol, probe.gen):
            norms[name] = (
                f"{type(mod).__name__} (detected: output unchanged when its input is scaled)"
            )
        else:
            _set_attrs(mod, saved)

    uses = {name: graph.use(name) for name in probe.params}

    # dead parameters: zero gradient of <r, f> for a random direction r
    names = list(probe.params)
    live = [t for t in out if t.requires_grad]
    grads: tuple[torch.Tensor | None, ...] = (None,) * len(names)
    if live:
        r_dot = torch.stack(
            [
                (t * torch.randn(t.shape, generator=probe.gen, dtype=t.dtype).to(t.device)).sum()
                for t in live
            ]
        ).sum()
        grads = torch.autograd.grad(r_dot, [probe.params[n] for n in names], allow_unused=True)
    gmax = {
        n: (0.0 if g is None else float(g.abs().max())) for n, g in zip(names, grads, strict=True)
    }
    top = max(gmax.values(), default=0.0)
    dead = frozenset(n for n, g in gmax.items() if g <= 1e-10 * top)

    # scale-invariance of the weights that feed a normalization
    if candidates is None:
        candidates = [n for n, p in probe.params.items() if effective_ndim(tuple(p.shape)) >= 2]
    cand = set(candidates)
    feeds: dict[str, list[str]] = {}  # weight -> the normalizations it feeds
    partners: dict[str, set[str]] = {}  # weight -> the vectors of the same operation (its bias)
    for name in norms:
        for args, _ in calls.get(name, []):
            i = _first_float(args)
            if i is None:
                continue
            for group in graph.feeders(args[i]):
                for weight in group & cand:
                    if name not in feeds.setdefault(weight, []):
                        feeds[weight].append(name)
                    partners.setdefault(weight, set()).update(
                        n for n in group - cand if effective_ndim(tuple(probe.params[n].shape)) <= 1
                    )
    base = probe.output()
    checks: dict[str, InvarianceCheck] = {}
    for weight in sorted(feeds):
        alone = (weight,)
        tries = [alone, (weight, *sorted(partners[weight]))] if partners[weight] else [alone]
        for scaled in tries:
            change = _scaled_change(probe, list(scaled), c, base)
            checks[weight] = InvarianceCheck(
                weight, scaled, tuple(feeds[weight]), change, change <= rtol
            )
            if change <= rtol:
                break
    return ProbeResult(norms, uses, checks, dead, c, gmax)


def _scaled_change(probe: _Probe, names: list[str], c: float, base: torch.Tensor) -> float:
    """Relative output change when the named parameters are multiplied by ``c``; restored after."""
    saved = {n: probe.params[n].detach().clone() for n in names}
    try:
        with torch.no_grad():
            for n in names:
                probe.params[n].mul_(c)
        return rel_change(base, probe.output())
    finally:
        with torch.no_grad():
            for n in names:
                probe.params[n].copy_(saved[n])
