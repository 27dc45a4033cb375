"""decay_groups on the test models: every parameter's decision, the groups, the exports."""

from __future__ import annotations

import copy

import decay_models as dm
import pytest
import torch
from rich.console import Console
from torch import nn

from ridgeway.torch import DecayGroups, ParamDecision, decay_groups

KEYS = list(dm.MODELS)


@pytest.fixture(scope="module")
def probed() -> dict[str, DecayGroups]:
    """decay_groups with example_input, once per model (the probe is the slow part)."""
    out = {}
    for key in KEYS:
        model, x, _ = dm.build(key)
        out[key] = decay_groups(model, 0.1, example_input=x)
    return out


@pytest.mark.parametrize("key", KEYS)
def test_structure_only_matches_hand_written_decisions(key: str) -> None:
    model, _, expected = dm.build(key)
    groups = decay_groups(model, 0.1)
    got = {d.name: (d.category, d.decay) for d in groups.decisions}
    want = {name: rules for name, (rules, _) in expected.items()}
    assert got == want
    assert all(d.dead is None for d in groups.decisions)
    assert not groups.probed


@pytest.mark.parametrize("key", KEYS)
def test_probed_matches_hand_written_decisions(key: str, probed: dict[str, DecayGroups]) -> None:
    _, _, expected = dm.build(key)
    got = {d.name: (d.category, d.decay) for d in probed[key].decisions}
    want = {name: probe for name, (_, probe) in expected.items()}
    assert got == want
    assert probed[key].probed


def test_scale_invariant_weights_only_with_example_input(probed: dict[str, DecayGroups]) -> None:
    for key in KEYS:
        model, _, expected = dm.build(key)
        plain = decay_groups(model, 0.1)
        assert not [d for d in plain.decisions if d.category == "scale-invariant"]
        found = {d.name for d in probed[key].decisions if d.category == "scale-invariant"}
        assert found == {n for n, (_, (cat, _)) in expected.items() if cat == "scale-invariant"}
    assert len([d for d in probed["resnet"].decisions if d.category == "scale-invariant"]) == 6


def test_dead_parameters_reported(probed: dict[str, DecayGroups]) -> None:
    dead = {key: {d.name for d in probed[key].decisions if d.dead} for key in KEYS}
    assert dead == {
        "resnet": dm.DEAD_RESNET,
        "transformer": set(),
        "layerscale_mlp": dm.DEAD_MLP,
        "embeddings": set(),
    }
    row = next(d for d in probed["resnet"].decisions if d.name == "stem.bias")
    assert "dead: zero gradient" in row.reason
    assert "stem.bias" in probed["resnet"].report() and "dead" in probed["resnet"].report()


def test_reasons_say_why(probed: dict[str, DecayGroups]) -> None:
    rows = {d.name: d for d in probed["transformer"].decisions}
    q, k = rows["block.attn.q.weight"], rows["block.attn.k.weight"]
    assert "feeds UnitScale `block.attn.q_scale`" in q.reason and "together" not in q.reason
    assert "together with `block.attn.k.bias`" in k.reason
    assert q.source == "probe" and rows["head.weight"].source == "rule"
    assert "detected" in rows["block.mlp_norm.g"].reason
    assert rows["block.attn.q.weight"].module == "block.attn.q"
    assert rows["block.attn.q.weight"].module_type == "Linear"
    assert "scale-invariant" in probed["resnet"].decisions[0].reason


def test_tied_parameter_listed_once() -> None:
    model, x, _ = dm.build("embeddings")
    groups = decay_groups(model, 0.1, example_input=x)
    names = [d.name for d in groups.decisions]
    assert names == [n for n, _ in model.named_parameters()]
    assert "head.weight" not in names
    flat = [id(p) for g in groups for p in g["params"]]
    assert len(flat) == len(set(flat)) == len(list(model.parameters()))


@pytest.mark.parametrize("key", KEYS)
def test_groups_partition_the_parameters(key: str, probed: dict[str, DecayGroups]) -> None:
    model, _, _ = dm.build(key)
    groups = probed[key]
    decayed, kept = list(groups)
    assert decayed["weight_decay"] == 0.1 and kept["weight_decay"] == 0.0
    assert decayed["param_names"] == groups.names()
    assert kept["param_names"] == groups.no_decay_names()
    assert set(groups.mask()) == {n for n, _ in model.named_parameters()}
    assert [n for n, v in groups.mask().items() if v] == groups.names()
    assert len(groups) == 2 and groups.param_groups == list(groups)
    shapes = {d.name: d.shape for d in groups.decisions}
    assert shapes == {n: tuple(p.shape) for n, p in model.named_parameters()}


def test_adamw_applies_decay_to_the_decayed_group_only() -> None:
    """With zero gradients, AdamW's step is the decoupled decay p <- (1 - lr*wd) p alone."""
    model, x, _ = dm.build("resnet")
    groups = decay_groups(model, 0.5, example_input=x)
    before = {n: p.detach().clone() for n, p in model.named_parameters()}
    opt = torch.optim.AdamW(groups, lr=0.1)
    for p in model.parameters():
        p.grad = torch.zeros_like(p)
    opt.step()
    for d in groups.decisions:
        now = dict(model.named_parameters())[d.name].detach()
        factor = 1 - 0.1 * 0.5 if d.decay else 1.0
        torch.testing.assert_close(now, before[d.name] * factor, rtol=1e-15, atol=0)


def test_iterating_twice_gives_independent_groups() -> None:
    model, _, _ = dm.build("layerscale_mlp")
    groups = decay_groups(model, 0.1)
    torch.optim.SGD(groups, lr=0.1)  # the optimizer fills in defaults in the dicts it gets
    assert set(next(iter(groups))) == {"params", "param_names", "weight_decay"}
    assert torch.optim.SGD(groups, lr=0.1).param_groups[0]["weight_decay"] == 0.1


def test_empty_group_is_dropped() -> None:
    groups = decay_groups(nn.LayerNorm(4), 0.1)
    assert [g["weight_decay"] for g in groups] == [0.0]
    groups = decay_groups(nn.Linear(3, 2, bias=False), 0.1)
    assert [g["weight_decay"] for g in groups] == [0.1]


def test_model_is_not_modified_by_the_probe() -> None:
    model, x, _ = dm.build("resnet")
    model.train()
    state = copy.deepcopy(model.state_dict())
    modes = [m.training for m in model.modules()]
    decay_groups(model, 0.1, example_input=x)
    after = model.state_dict()
    assert all(torch.equal(state[k], after[k]) for k in state)  # incl. BatchNorm running stats
    assert [m.training for m in model.modules()] == modes
    assert all(p.dtype == torch.float64 for p in model.parameters())


def test_float32_model_gives_the_same_decisions(probed: dict[str, DecayGroups]) -> None:
    model, x, _ = dm.build("resnet")
    groups = decay_groups(model.float(), 0.1, example_input=x.float())
    assert groups.mask() == probed["resnet"].mask()
    assert all(p.dtype == torch.float32 for g in groups for p in g["params"])


def test_report_repr_and_rich(probed: dict[str, DecayGroups]) -> None:
    groups = probed["transformer"]
    text = groups.report()
    lines = text.splitlines()
    assert lines[0].split()[:5] == ["parameter", "shape", "decay", "category", "reason"]
    assert len(lines) == 2 + len(groups.decisions) + 1
    for d, line in zip(groups.decisions, lines[2:-1], strict=True):
        assert line.split()[0] == d.name
        assert ("yes" if d.decay else "no") in line.split()[1:5]
    assert lines[-1].startswith(
        f"{len(groups.decisions)} parameters: {len(groups.names())} decayed"
    )
    assert str(groups) == text
    r = repr(groups)
    assert r.startswith("DecayGroups(weight_decay=0.1") and "probed=True" in r
    console = Console(record=True, width=300)
    console.print(groups)
    assert "block.attn.q.weight" in console.export_text()


def test_decision_record_is_frozen() -> None:
    d = decay_groups(nn.Linear(2, 3), 0.1).decisions[0]
    assert isinstance(d, ParamDecision) and d.numel == 6
    with pytest.raises(AttributeError):
        d.decay = False  # type: ignore[misc]


def test_example_input_as_tuple_and_dict() -> None:
    class TwoInputs(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.a = nn.Linear(3, 4, bias=False)
            self.norm = nn.LayerNorm(4)

        def forward(self, x: torch.Tensor, scale: torch.Tensor) -> torch.Tensor:
            return self.norm(self.a(x)) * scale

    torch.manual_seed(0)
    model = TwoInputs()
    x, s = torch.randn(3, 3), torch.randn(3, 1)
    for example in ((x, s), {"x": x, "scale": s}):
        groups = decay_groups(model, 0.1, example_input=example)
        assert groups.decisions[0].category == "scale-invariant"


class Builtins(nn.Module):
    """One of each torch.nn layer with a documented parameter role."""

    def __init__(self) -> None:
        super().__init__()
        self.bag = nn.EmbeddingBag(10, 4)
        self.lstm = nn.LSTM(4, 4, batch_first=True)
        self.mha = nn.MultiheadAttention(4, 2, batch_first=True, add_bias_kv=True)
        self.bil = nn.Bilinear(4, 4, 3)
        self.prelu = nn.PReLU(3)
        self.convt = nn.ConvTranspose1d(3, 2, 3)
        self.gn = nn.GroupNorm(1, 2)
        self.inorm = nn.InstanceNorm1d(2, affine=True)
        self.rms = nn.RMSNorm(7)

    def forward(self, x: torch.Tensor, ids: torch.Tensor) -> torch.Tensor:
        h, _ = self.lstm(x + self.bag(ids)[:, None, :])
        h, _ = self.mha(h, h, h)
        z = self.prelu(self.bil(h, h).transpose(1, 2))
        return self.rms(self.inorm(self.gn(self.convt(z))))


EXPECTED_BUILTINS = {
    "bag.weight": "embedding",
    "lstm.weight_ih_l0": "weight",
    "lstm.weight_hh_l0": "weight",
    "lstm.bias_ih_l0": "bias",
    "lstm.bias_hh_l0": "bias",
    "mha.in_proj_weight": "weight",
    "mha.in_proj_bias": "bias",
    "mha.bias_k": "bias",
    "mha.bias_v": "bias",
    "mha.out_proj.weight": "weight",
    "mha.out_proj.bias": "bias",
    "bil.weight": "weight",
    "bil.bias": "bias",
    "prelu.weight": "gain",
    "convt.weight": "weight",  # scale-invariant with its bias (feeds GroupNorm), by the probe
    "convt.bias": "bias",
    "gn.weight": "norm",
    "gn.bias": "norm",
    "inorm.weight": "norm",
    "inorm.bias": "norm",
    "rms.weight": "norm",
}


def test_torch_builtin_layers() -> None:
    torch.manual_seed(0)
    model = Builtins().double()
    x = torch.randn(3, 5, 4, dtype=torch.float64)
    ids = torch.randint(0, 10, (3, 2))
    plain = {d.name: d.category for d in decay_groups(model, 0.1).decisions}
    assert plain == EXPECTED_BUILTINS
    probed = decay_groups(model, 0.1, example_input=(x, ids))
    want = dict(EXPECTED_BUILTINS, **{"convt.weight": "scale-invariant"})
    assert {d.name: d.category for d in probed.decisions} == want
    # GroupNorm's shift is per channel, and the InstanceNorm after it subtracts per-channel means
    assert {d.name for d in probed.decisions if d.dead} == {"gn.bias"}
    assert probed.names() == [n for n, c in want.items() if c in ("weight", "embedding")]
