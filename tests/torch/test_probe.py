"""The probe: scale invariance checked independently, zero-initialized and dead parameters."""

from __future__ import annotations

import copy

import decay_models as dm
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st
from torch import nn

from ridgeway.torch import decay_groups, probe_model


def _training_copy(model: nn.Module) -> nn.Module:
    """float64 copy in eval mode with BatchNorm on batch statistics and tiny epsilons."""
    m = copy.deepcopy(model).double().eval()
    for mod in m.modules():
        if isinstance(mod, nn.BatchNorm2d):
            mod.train()
        if isinstance(getattr(mod, "eps", None), float) or isinstance(mod, nn.RMSNorm):
            mod.eps = 1e-300
    return m


def _output_change(model: nn.Module, x: torch.Tensor, names: tuple[str, ...], c: float) -> float:
    m = _training_copy(model)
    with torch.no_grad():
        y0 = m(x)
        params = dict(m.named_parameters())
        for n in names:
            params[n].mul_(c)
        y1 = m(x)
    return float((y1 - y0).abs().max() / y0.abs().max())


@pytest.mark.parametrize("key", ["resnet", "transformer"])
@pytest.mark.parametrize("c", [0.3, 3.3])
def test_identified_weights_are_scale_invariant_to_rounding(key: str, c: float) -> None:
    """Scaling what the probe flags leaves the output unchanged to float64 rounding; scaling any
    other weight (Linear, Conv, with its bias) changes it."""
    model, x, _ = dm.build(key)
    result = probe_model(model, x, c=1.7)
    flagged = {w: chk for w, chk in result.checks.items() if chk.invariant}
    assert flagged
    for w, chk in flagged.items():
        assert _output_change(model, x, chk.scaled, c) < 1e-13, w
    weights = [n for n, p in model.named_parameters() if p.ndim >= 2 and n not in flagged]
    assert weights
    for w in weights:
        bias = w.removesuffix("weight") + "bias"
        scaled = (w, bias) if bias in dict(model.named_parameters()) else (w,)
        assert _output_change(model, x, scaled, c) > 1e-3, w


def test_k_projection_is_invariant_only_with_its_bias() -> None:
    model, x, _ = dm.build("transformer")
    chk = probe_model(model, x).checks["block.attn.k.weight"]
    assert chk.with_bias and chk.scaled == dm.WITH_BIAS_TRANSFORMER["block.attn.k.weight"]
    assert _output_change(model, x, ("block.attn.k.weight",), 1.7) > 1e-3
    assert not probe_model(model, x).checks["block.attn.q.weight"].with_bias


class ZeroBranch(nn.Module):
    """LayerNorm(x + W x + b) with W = b = 0 at initialization: not scale invariant in W."""

    def __init__(self) -> None:
        super().__init__()
        self.inp = nn.Linear(4, 6)
        self.branch = nn.Linear(6, 6)
        nn.init.zeros_(self.branch.weight)
        nn.init.zeros_(self.branch.bias)
        self.norm = nn.LayerNorm(6)
        self.head = nn.Linear(6, 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.inp(x)
        return self.head(self.norm(h + self.branch(h)))


def test_zero_initialized_weight_is_not_falsely_flagged() -> None:
    torch.manual_seed(0)
    model = ZeroBranch().double()
    x = torch.randn(5, 4, dtype=torch.float64)
    # at the zero initialization, scaling the branch weight changes nothing: a naive probe fails
    assert _output_change(model, x, ("branch.weight",), 1.7) == 0.0
    result = probe_model(model, x)
    assert not result.checks["branch.weight"].invariant
    assert result.checks["branch.weight"].rel_change > 1e-3
    assert "branch.weight" not in result.dead and "branch.bias" not in result.dead
    decision = {d.name: d for d in decay_groups(model, 0.1, example_input=x).decisions}
    assert decision["branch.weight"].decay and decision["branch.weight"].category == "weight"


def test_zero_layerscale_does_not_make_the_branch_dead() -> None:
    model, x, _ = dm.build("layerscale_mlp")
    y = model(x)
    grads = torch.autograd.grad(y.sum(), [model.blocks[0].fc1.weight], allow_unused=True)
    assert grads[0] is None or float(grads[0].abs().max()) == 0.0  # dead at the initialization
    result = probe_model(model, x)
    assert "blocks.0.fc1.weight" not in result.dead
    assert result.dead == frozenset(dm.DEAD_MLP)


def test_dead_bias_before_batchnorm_and_unused_layer() -> None:
    model, x, _ = dm.build("resnet")
    result = probe_model(model, x)
    assert result.dead == frozenset(dm.DEAD_RESNET)
    assert result.grad_max["stem.bias"] < 1e-10 * max(result.grad_max.values())
    assert result.grad_max["fc.bias"] > 0


def _renamed(cls: type, name: str) -> type:
    return type(name, (cls,), {})


def test_custom_normalization_found_by_behaviour_not_name() -> None:
    """The same RMSNorm under a neutral name is a norm; a gain class named *Norm is not."""

    class Mul(nn.Module):
        def __init__(self, d: int) -> None:
            super().__init__()
            self.g = nn.Parameter(torch.ones(d))

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return x * self.g

    torch.manual_seed(0)
    model = nn.Sequential(
        nn.Linear(4, 6, bias=False),
        _renamed(dm.UnitScale, "Thing")(6),
        nn.Linear(6, 6),
        _renamed(Mul, "FakeRMSNorm")(6),
        nn.Linear(6, 2),
    ).double()
    x = torch.randn(5, 4, dtype=torch.float64)
    result = probe_model(model, x)
    assert set(result.norms) == {"1"} and result.norms["1"].startswith("Thing (detected")
    rows = {d.name: d for d in decay_groups(model, 0.1, example_input=x).decisions}
    assert rows["1.g"].category == "norm" and rows["3.g"].category == "gain"
    assert rows["0.weight"].category == "scale-invariant"
    assert rows["2.weight"].category == "weight"


def test_parameter_free_normalization_module() -> None:
    class L2Normalize(nn.Module):
        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return F.normalize(x, dim=-1)

    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 6), L2Normalize(), nn.Linear(6, 3)).double()
    x = torch.randn(5, 4, dtype=torch.float64)
    rows = {d.name: d for d in decay_groups(model, 0.1, example_input=x).decisions}
    assert rows["0.weight"].category == "scale-invariant"
    assert "together with `0.bias`" in rows["0.weight"].reason
    assert rows["2.weight"].decay


def test_batchnorm_in_eval_mode_would_not_be_invariant() -> None:
    """Why the probe uses batch statistics: with running statistics BatchNorm is affine."""
    model, x, _ = dm.build("resnet")
    m = _training_copy(model)
    m.eval()
    with torch.no_grad():
        y0 = m(x)
        m.stem.weight.mul_(1.7)
        assert float((m(x) - y0).abs().max() / y0.abs().max()) > 1e-3


def test_probe_errors() -> None:
    model, x, _ = dm.build("resnet")
    bn1d = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4))
    with pytest.raises(ValueError, match=r"^example_input must be accepted by the model's forward"):
        decay_groups(bn1d, 0.1, example_input=torch.randn(1, 3))  # BatchNorm: two samples
    with pytest.raises(ValueError, match=r"example_input must be accepted.*RuntimeError"):
        decay_groups(model, 0.1, example_input=torch.randn(2, 5, 8, 8))

    class Ints(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.w = nn.Linear(2, 2)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return self.w(x).argmax(-1)

    with pytest.raises(ValueError, match="floating-point tensor"):
        decay_groups(Ints(), 0.1, example_input=torch.randn(3, 2))


LAYERS = ["linear", "linear_nobias", "layernorm", "rmsnorm", "unitscale", "relu", "tanh"]


def _make(kind: str) -> nn.Module:
    return {
        "linear": lambda: nn.Linear(5, 5),
        "linear_nobias": lambda: nn.Linear(5, 5, bias=False),
        "layernorm": lambda: nn.LayerNorm(5),
        "rmsnorm": lambda: nn.RMSNorm(5),
        "unitscale": lambda: dm.UnitScale(5),
        "relu": nn.ReLU,
        "tanh": nn.Tanh,
    }[kind]()


@given(kinds=st.lists(st.sampled_from(LAYERS), min_size=1, max_size=7), seed=st.integers(0, 99))
def test_random_stacks_flag_exactly_the_invariant_feeders(kinds: list[str], seed: int) -> None:
    """Sound: every flagged weight is invariant (checked independently). Complete for direct
    feeders: a Linear whose next layer, after ReLUs (positively homogeneous), normalizes."""
    torch.manual_seed(seed)
    model = nn.Sequential(*[_make(k) for k in kinds], nn.Linear(5, 2)).double()
    x = torch.randn(4, 5, dtype=torch.float64)
    rows = {d.name: d for d in decay_groups(model, 0.1, example_input=x).decisions}
    result = probe_model(model, x)
    for name, d in rows.items():
        if d.category == "scale-invariant":
            assert _output_change(model, x, result.checks[name].scaled, 2.9) < 1e-12, name
    for i, kind in enumerate(kinds):
        if not kind.startswith("linear"):
            continue
        after = [k for k in kinds[i + 1 :] if k != "relu"]
        if after and after[0] in ("layernorm", "rmsnorm", "unitscale"):
            assert rows[f"{i}.weight"].category == "scale-invariant", kinds
            assert not rows[f"{i}.weight"].decay
        elif not after or after[0] == "tanh":
            assert rows[f"{i}.weight"].category == "weight", kinds
