"""Structural rules: what a parameter is, read from the module that owns it (no forward pass).

Each parameter gets a *category* and a reason. The categories, and whether weight decay applies:

===================  =======  ======================================================================
category             decay    meaning
===================  =======  ======================================================================
``weight``           yes      a matrix or kernel that mixes features (Linear, Conv, RNN, attention)
``embedding``        option   a lookup table or an additive table (``decay_embeddings``)
``scale-invariant``  option   a weight whose scale the next normalization removes
                              (``decay_scale_invariant``; found by the probe only)
``bias``             no       an additive offset (``bias`` of Linear/Conv/RNN/attention, 1-D shifts)
``norm``             no       a parameter of a normalization layer (BatchNorm, LayerNorm, RMSNorm)
``gain``             no       a per-feature multiplier (LayerScale, PReLU slopes, 1-D scales)
``scalar``           no       a 0-d parameter (a temperature, gate or global scale)
===================  =======  ======================================================================
"""

from __future__ import annotations

from typing import Final

import torch
from torch import nn

__all__ = [
    "CATEGORIES",
    "KNOWN_NORM_TYPES",
    "effective_ndim",
    "is_known_layer",
    "is_known_norm",
    "owned_parameters",
    "structural_rule",
]

CATEGORIES: Final = ("weight", "embedding", "scale-invariant", "bias", "norm", "gain", "scalar")

KNOWN_NORM_TYPES: Final[tuple[type[nn.Module], ...]] = (
    nn.modules.batchnorm._NormBase,  # BatchNorm*, SyncBatchNorm, InstanceNorm*, lazy variants
    nn.LayerNorm,
    nn.GroupNorm,
    nn.RMSNorm,
    nn.LocalResponseNorm,
    nn.CrossMapLRN2d,
)

# layers whose parameters are a weight (matrix / kernel) and an additive bias
_WEIGHT_BIAS_TYPES: Final[tuple[type[nn.Module], ...]] = (
    nn.Linear,
    nn.Bilinear,
    nn.modules.conv._ConvNd,  # Conv1d/2d/3d, ConvTranspose*, lazy variants
    nn.MultiheadAttention,
    nn.RNNBase,  # RNN, LSTM, GRU
    nn.RNNCellBase,
)
_EMBEDDING_TYPES: Final[tuple[type[nn.Module], ...]] = (nn.Embedding, nn.EmbeddingBag)


def is_known_norm(module: nn.Module, extra: tuple[type[nn.Module], ...] = ()) -> bool:
    """True for the normalization layers of ``torch.nn`` (and the user's ``norm_types``)."""
    return isinstance(module, KNOWN_NORM_TYPES + extra)


def is_known_layer(module: nn.Module) -> bool:
    """True for the ``torch.nn`` layers whose parameters have a fixed, documented role."""
    return isinstance(module, _WEIGHT_BIAS_TYPES + _EMBEDDING_TYPES + (nn.PReLU,)) or (
        is_known_norm(module)
    )


def effective_ndim(shape: tuple[int, ...]) -> int:
    """Number of axes longer than one: ``(1, 1, 64)`` is a vector, ``(1, 197, 64)`` a table."""
    return sum(1 for s in shape if s > 1)


def owned_parameters(model: nn.Module) -> list[tuple[str, str, str, nn.Module, nn.Parameter]]:
    """Every distinct parameter with ``(name, module_name, local_name, module, parameter)``.

    The order and the names are those of ``model.named_parameters()`` (a parameter shared by
    two modules is listed once, under its first name).
    """
    seen: set[int] = set()
    out = []
    for mname, mod in model.named_modules():
        for lname, p in mod.named_parameters(recurse=False):
            if id(p) in seen:
                continue
            seen.add(id(p))
            full = f"{mname}.{lname}" if mname else lname
            out.append((full, mname, lname, mod, p))
    return out


def _is_bias_name(module: nn.Module, local: str) -> bool:
    """The bias-like parameters of the known weight/bias layers (by their registration)."""
    if isinstance(module, nn.MultiheadAttention):
        return local in ("in_proj_bias", "bias_k", "bias_v")
    if isinstance(module, nn.RNNBase | nn.RNNCellBase):
        return local.startswith("bias")
    return local == "bias"


def structural_rule(
    module: nn.Module,
    local: str,
    param: torch.Tensor,
    norm_types: tuple[type[nn.Module], ...] = (),
) -> tuple[str, str]:
    """Category and reason of one parameter from its owning module alone.

    Parameters
    ----------
    module : torch.nn.Module
        The module that registers the parameter (``recurse=False``).
    local : str
        The name under which ``module`` registers it (``"weight"``, ``"bias"``, ``"gamma"``).
    param : torch.Tensor
        The parameter (its shape is used for custom modules).
    norm_types : tuple of type
        Extra module types to treat as normalization layers.

    Returns
    -------
    category, reason : str
    """
    kind = type(module).__name__
    if is_known_norm(module, norm_types):
        return "norm", f"normalization layer {kind}: its scale and shift are not decayed"
    if isinstance(module, _EMBEDDING_TYPES):
        return "embedding", f"embedding table of {kind}"
    if isinstance(module, nn.PReLU):
        return "gain", "PReLU slope (He et al. 2015 train it without weight decay)"
    if isinstance(module, _WEIGHT_BIAS_TYPES):
        if _is_bias_name(module, local):
            return "bias", f"bias of {kind}: an additive offset"
        return "weight", f"weight of {kind}"
    # a custom module: decide from the shape (and the registration name "bias")
    shape = tuple(param.shape)
    if len(shape) == 0:
        return "scalar", f"scalar parameter of {kind} (a temperature, gate or global scale)"
    if effective_ndim(shape) <= 1:
        if local == "bias":
            return "bias", f"1-D parameter registered as `bias` of {kind}: an additive offset"
        return "gain", f"1-D parameter of {kind}: a per-feature gain, scale or shift"
    return "weight", f"{len(shape)}-D parameter of {kind}: treated as a weight"
