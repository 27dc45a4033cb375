"""Test models for the weight-decay groups, with the correct decision for every parameter.

Each ``EXPECTED_*`` table is written by hand from the model's structure:
``name -> (category, decay)`` without ``example_input`` (module types and shapes only) and with it
(trace and probe), under the defaults ``decay_embeddings=True, decay_scale_invariant=False``.
Also here: timm's and Hugging Face's name rules, reimplemented, for the comparison.
"""

from __future__ import annotations

import re

import torch
import torch.nn.functional as F
from torch import nn

D = 8  # model width everywhere: the models are tiny on purpose


# --------------------------------------------------------------------------- 1. ResNet-style CNN


class BasicBlock(nn.Module):
    def __init__(self, cin: int, cout: int, stride: int) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.down = None
        if stride != 1 or cin != cout:
            self.down = nn.Sequential(
                nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout)
            )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return F.relu(out + (x if self.down is None else self.down(x)))


class SmallResNet(nn.Module):
    """Stem conv *with* a bias before BatchNorm (the bias is dead in training), two blocks,
    the last BatchNorm scale of block 1 zero-initialized (``zero_init_residual``), a linear head."""

    def __init__(self) -> None:
        super().__init__()
        self.stem = nn.Conv2d(3, D, 3, padding=1, bias=True)
        self.stem_bn = nn.BatchNorm2d(D)
        self.layer1 = BasicBlock(D, D, 1)
        self.layer2 = BasicBlock(D, 2 * D, 2)
        self.fc = nn.Linear(2 * D, 5)
        nn.init.zeros_(self.layer1.bn2.weight)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = F.relu(self.stem_bn(self.stem(x)))
        x = self.layer2(self.layer1(x))
        return self.fc(x.mean(dim=(2, 3)))


def resnet_input() -> torch.Tensor:
    return torch.randn(4, 3, 8, 8, generator=torch.Generator().manual_seed(1), dtype=torch.float64)


_W, _SI, _B, _N = ("weight", True), ("scale-invariant", False), ("bias", False), ("norm", False)
_BN = {"weight": (_N, _N), "bias": (_N, _N)}


def _bn(prefix: str) -> dict[str, tuple[tuple[str, bool], tuple[str, bool]]]:
    return {f"{prefix}.{k}": v for k, v in _BN.items()}


EXPECTED_RESNET: dict[str, tuple[tuple[str, bool], tuple[str, bool]]] = {
    # name: ((category, decay) from structure, (category, decay) with the probe)
    "stem.weight": (_W, _SI),  # feeds stem_bn
    "stem.bias": (_B, _B),  # dead: BatchNorm's mean subtraction cancels it
    **_bn("stem_bn"),
    "layer1.conv1.weight": (_W, _SI),
    **_bn("layer1.bn1"),
    "layer1.conv2.weight": (_W, _SI),
    **_bn("layer1.bn2"),
    "layer2.conv1.weight": (_W, _SI),
    **_bn("layer2.bn1"),
    "layer2.conv2.weight": (_W, _SI),
    **_bn("layer2.bn2"),
    "layer2.down.0.weight": (_W, _SI),
    **_bn("layer2.down.1"),
    "fc.weight": (_W, _W),
    "fc.bias": (_B, _B),
}
DEAD_RESNET = {"stem.bias"}


# --------------------------------------------------------------------------- 2. transformer block


class UnitScale(nn.Module):
    """A custom RMSNorm under its own name: no "norm" in the class or the parameter name."""

    def __init__(self, d: int, eps: float = 1e-6) -> None:
        super().__init__()
        self.g = nn.Parameter(torch.ones(d))
        self.eps = eps

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.g


class Attention(nn.Module):
    """Multi-head self-attention with QK-norm (per-head UnitScale on queries and keys)."""

    def __init__(self, d: int, heads: int) -> None:
        super().__init__()
        self.h, self.dh = heads, d // heads
        self.q = nn.Linear(d, d, bias=False)  # feeds q_scale: scale-invariant alone
        self.k = nn.Linear(d, d)  # feeds k_scale: scale-invariant together with its bias
        self.v = nn.Linear(d, d)
        self.proj = nn.Linear(d, d)
        self.q_scale = UnitScale(self.dh)
        self.k_scale = UnitScale(self.dh)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, t, _ = x.shape
        q = self.q_scale(self.q(x).view(b, t, self.h, self.dh)).transpose(1, 2)
        k = self.k_scale(self.k(x).view(b, t, self.h, self.dh)).transpose(1, 2)
        v = self.v(x).view(b, t, self.h, self.dh).transpose(1, 2)
        att = torch.softmax(q @ k.transpose(-1, -2) / self.dh**0.5, dim=-1)
        return self.proj((att @ v).transpose(1, 2).reshape(b, t, -1))


class TransformerBlock(nn.Module):
    def __init__(self, d: int, heads: int) -> None:
        super().__init__()
        self.ln1 = nn.LayerNorm(d)
        self.attn = Attention(d, heads)
        self.mlp_norm = UnitScale(d)
        self.fc1 = nn.Linear(d, 2 * d)
        self.fc2 = nn.Linear(2 * d, d)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.attn(self.ln1(x))
        return x + self.fc2(F.gelu(self.fc1(self.mlp_norm(x))))


class TinyTransformer(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.inp = nn.Linear(5, D)
        self.block = TransformerBlock(D, 2)
        self.final = nn.LayerNorm(D)
        self.head = nn.Linear(D, 3)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.final(self.block(self.inp(x))))


def transformer_input() -> torch.Tensor:
    return torch.randn(3, 4, 5, generator=torch.Generator().manual_seed(2), dtype=torch.float64)


_G = ("gain", False)
EXPECTED_TRANSFORMER: dict[str, tuple[tuple[str, bool], tuple[str, bool]]] = {
    "inp.weight": (_W, _W),  # reaches ln1 only through the residual stream: not invariant
    "inp.bias": (_B, _B),
    "block.ln1.weight": (_N, _N),
    "block.ln1.bias": (_N, _N),
    "block.attn.q.weight": (_W, _SI),
    "block.attn.k.weight": (_W, _SI),
    "block.attn.k.bias": (_B, _B),
    "block.attn.v.weight": (_W, _W),
    "block.attn.v.bias": (_B, _B),
    "block.attn.proj.weight": (_W, _W),
    "block.attn.proj.bias": (_B, _B),
    "block.attn.q_scale.g": (_G, _N),  # recognized as a normalization only by the probe
    "block.attn.k_scale.g": (_G, _N),
    "block.mlp_norm.g": (_G, _N),
    "block.fc1.weight": (_W, _W),
    "block.fc1.bias": (_B, _B),
    "block.fc2.weight": (_W, _W),
    "block.fc2.bias": (_B, _B),
    "final.weight": (_N, _N),
    "final.bias": (_N, _N),
    "head.weight": (_W, _W),
    "head.bias": (_B, _B),
}
WITH_BIAS_TRANSFORMER = {"block.attn.k.weight": ("block.attn.k.weight", "block.attn.k.bias")}


# --------------------------------------------------------------------------- 3. MLP + LayerScale


class LayerScale(nn.Module):
    def __init__(self, d: int, init: float) -> None:
        super().__init__()
        self.gamma = nn.Parameter(torch.full((d,), init))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * self.gamma


class ResMLPBlock(nn.Module):
    """Pre-norm MLP block with a LayerScale module, zero-initialized."""

    def __init__(self, d: int) -> None:
        super().__init__()
        self.norm = nn.LayerNorm(d)
        self.fc1 = nn.Linear(d, 2 * d)
        self.fc2 = nn.Linear(2 * d, d)
        self.ls = LayerScale(d, 0.0)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.ls(self.fc2(F.gelu(self.fc1(self.norm(x)))))


class CaiTBlock(nn.Module):
    """Two residual branches with gains registered on the block itself (CaiT style)."""

    def __init__(self, d: int) -> None:
        super().__init__()
        self.norm1 = nn.LayerNorm(d)
        self.fc_a = nn.Linear(d, d)
        self.norm2 = nn.LayerNorm(d)
        self.fc_b = nn.Linear(d, d)
        self.gamma_1 = nn.Parameter(torch.full((d,), 1e-4))
        self.gamma_2 = nn.Parameter(torch.full((d,), 1e-4))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.gamma_1 * torch.tanh(self.fc_a(self.norm1(x)))
        return x + self.gamma_2 * torch.tanh(self.fc_b(self.norm2(x)))


class LayerScaleMLP(nn.Module):
    """Also: a 1-D readout vector (a weight), a temperature (a scalar), an unused Linear (dead)."""

    def __init__(self) -> None:
        super().__init__()
        self.inp = nn.Linear(6, D)
        self.blocks = nn.Sequential(ResMLPBlock(D), CaiTBlock(D))
        self.readout = nn.Parameter(torch.randn(D) / D**0.5)
        self.temperature = nn.Parameter(torch.tensor(1.0))
        self.unused = nn.Linear(D, D)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return (self.blocks(self.inp(x)) @ self.readout) / self.temperature


def mlp_input() -> torch.Tensor:
    return torch.randn(5, 6, generator=torch.Generator().manual_seed(3), dtype=torch.float64)


EXPECTED_MLP: dict[str, tuple[tuple[str, bool], tuple[str, bool]]] = {
    "inp.weight": (_W, _W),
    "inp.bias": (_B, _B),
    "blocks.0.norm.weight": (_N, _N),
    "blocks.0.norm.bias": (_N, _N),
    "blocks.0.fc1.weight": (_W, _W),  # behind a zero LayerScale: not dead, not invariant
    "blocks.0.fc1.bias": (_B, _B),
    "blocks.0.fc2.weight": (_W, _W),
    "blocks.0.fc2.bias": (_B, _B),
    "blocks.0.ls.gamma": (_G, _G),
    "blocks.1.gamma_1": (_G, _G),
    "blocks.1.gamma_2": (_G, _G),
    "blocks.1.norm1.weight": (_N, _N),
    "blocks.1.norm1.bias": (_N, _N),
    "blocks.1.fc_a.weight": (_W, _W),
    "blocks.1.fc_a.bias": (_B, _B),
    "blocks.1.norm2.weight": (_N, _N),
    "blocks.1.norm2.bias": (_N, _N),
    "blocks.1.fc_b.weight": (_W, _W),
    "blocks.1.fc_b.bias": (_B, _B),
    "readout": (_G, _W),  # 1-D: a gain by shape; the trace sees a matrix-vector product
    "temperature": (("scalar", False), ("scalar", False)),
    "unused.weight": (_W, _W),  # dead (never called) but still a weight
    "unused.bias": (_B, _B),
}
DEAD_MLP = {"unused.weight", "unused.bias"}


# --------------------------------------------------------------------------- 4. embeddings


class TinyLM(nn.Module):
    """Token embedding tied to the output head, learned positions (nn.Embedding, GPT-2 style),
    an additive position table and a class token (timm style)."""

    def __init__(self, vocab: int = 11, t: int = 6) -> None:
        super().__init__()
        self.tok = nn.Embedding(vocab, D)
        self.wpe = nn.Embedding(t, D)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, D))
        self.pos_table = nn.Parameter(torch.zeros(1, t + 1, D))
        self.ln = nn.LayerNorm(D)
        self.ffn = nn.Linear(D, D)
        self.head = nn.Linear(D, vocab, bias=False)
        self.head.weight = self.tok.weight  # tied: listed once, as tok.weight

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        b, t = ids.shape
        x = self.tok(ids) + self.wpe(torch.arange(t))
        x = torch.cat([self.cls_token.expand(b, -1, -1), x], dim=1) + self.pos_table[:, : t + 1]
        x = self.ln(x)
        x = x + F.gelu(self.ffn(x))
        return self.head(x)


def lm_input() -> torch.Tensor:
    return torch.randint(0, 11, (3, 5), generator=torch.Generator().manual_seed(4))


_E = ("embedding", True)
EXPECTED_LM: dict[str, tuple[tuple[str, bool], tuple[str, bool]]] = {
    "tok.weight": (_E, _E),
    "wpe.weight": (_E, _E),
    "cls_token": (_G, _B),  # a (1, 1, D) vector; the trace sees it concatenated: an offset
    "pos_table": (_W, _E),  # (1, 7, D): a weight by shape; the trace sees it added: a table
    "ln.weight": (_N, _N),
    "ln.bias": (_N, _N),
    "ffn.weight": (_W, _W),
    "ffn.bias": (_B, _B),
}

MODELS = {
    "resnet": (SmallResNet, resnet_input, EXPECTED_RESNET),
    "transformer": (TinyTransformer, transformer_input, EXPECTED_TRANSFORMER),
    "layerscale_mlp": (LayerScaleMLP, mlp_input, EXPECTED_MLP),
    "embeddings": (TinyLM, lm_input, EXPECTED_LM),
}


def build(key: str) -> tuple[nn.Module, torch.Tensor, dict]:
    """A fresh, seeded model (float64), its example input and its expected decisions."""
    cls, make_input, expected = MODELS[key]
    torch.manual_seed(0)
    return cls().double(), make_input(), expected


# --------------------------------------------------------------------------- peers' rules


def timm_decay_names(model: nn.Module, no_weight_decay_list: tuple[str, ...] = ()) -> set[str]:
    """timm ``param_groups_weight_decay``: no decay if ``ndim <= 1``, ``.bias`` or listed."""
    skip = set(no_weight_decay_list)
    return {
        n
        for n, p in model.named_parameters()
        if p.requires_grad and not (p.ndim <= 1 or n.endswith(".bias") or n in skip)
    }


def _hf_parameter_names(
    model: nn.Module, forbidden_types: tuple[type, ...], patterns: list[re.Pattern[str]]
) -> list[str]:
    """transformers ``get_parameter_names``: recurse into children, drop forbidden types/names."""
    out = []
    for name, child in model.named_children():
        out += [
            f"{name}.{n}"
            for n in _hf_parameter_names(child, forbidden_types, patterns)
            if not isinstance(child, forbidden_types)
            and not any(p.search(f"{name}.{n}".lower()) for p in patterns)
        ]
    out += [k for k in model._parameters if not any(p.search(k.lower()) for p in patterns)]
    return out


def hf_legacy_decay_names(model: nn.Module) -> set[str]:
    """Hugging Face Trainer, 2021 to early 2025 (<= 4.48): not inside ``nn.LayerNorm``, no "bias"."""
    names = _hf_parameter_names(model, (nn.LayerNorm,), [])
    return {n for n in names if "bias" not in n}


HF_RECENT_PATTERNS = [r"bias", r"layernorm", r"rmsnorm", r"(?:^|\.)norm(?:$|\.)", r"_norm(?:$|\.)"]


def hf_recent_decay_names(model: nn.Module) -> set[str]:
    """Hugging Face Trainer after PR #38922 (June 2025, transformers 4.53+): ``nn.LayerNorm``
    plus regular expressions searched in the lower-cased dotted name."""
    pats = [re.compile(p) for p in HF_RECENT_PATTERNS]
    return set(_hf_parameter_names(model, (nn.LayerNorm,), pats))
