"""Every override (exclude / include / options / no_weight_decay()) and every error message."""

from __future__ import annotations

import decay_models as dm
import pytest
import torch
from torch import nn

from ridgeway.torch import decay_groups


def _rows(groups):  # type: ignore[no-untyped-def]
    return {d.name: d for d in groups.decisions}


@pytest.mark.parametrize(
    ("spec", "selected", "text"),
    [
        ("fc.weight", {"fc.weight"}, "'fc.weight'"),
        (
            "layer2.*.weight",
            {
                "layer2.conv1.weight",
                "layer2.conv2.weight",
                "layer2.bn1.weight",
                "layer2.bn2.weight",
                "layer2.down.0.weight",
                "layer2.down.1.weight",
            },
            "'layer2.*.weight'",
        ),
        (
            "layer2.down",
            {"layer2.down.0.weight", "layer2.down.1.weight", "layer2.down.1.bias"},
            "'layer2.down'",
        ),
        (nn.Linear, {"fc.weight", "fc.bias"}, "Linear"),
    ],
)
def test_exclude_and_include_by_name_glob_module_and_type(spec, selected, text) -> None:  # type: ignore[no-untyped-def]
    model, _, _ = dm.build("resnet")
    base = _rows(decay_groups(model, 0.1))
    off = _rows(decay_groups(model, 0.1, exclude=spec))
    on = _rows(decay_groups(model, 0.1, include=[spec]))
    for name in base:
        if name in selected:
            assert not off[name].decay and on[name].decay
            assert off[name].reason.startswith(f"user: exclude={text} ({base[name].category}: ")
            assert on[name].reason.startswith(f"user: include={text}")
            assert off[name].source == on[name].source == "user"
            assert off[name].category == base[name].category
        else:
            assert off[name] == base[name] == on[name]


def test_override_by_parameter_object_and_over_the_probe() -> None:
    model, x, _ = dm.build("resnet")
    groups = decay_groups(model, 0.1, example_input=x, include=model.stem.weight)
    row = _rows(groups)["stem.weight"]
    assert row.decay and row.category == "scale-invariant"
    assert row.reason.startswith("user: include=parameter of shape (8, 3, 3, 3)")
    assert "stem.weight" in groups.names()


def test_options_embeddings_and_scale_invariant() -> None:
    model, x, _ = dm.build("embeddings")
    rows = _rows(decay_groups(model, 0.1, example_input=x, decay_embeddings=False))
    assert not rows["tok.weight"].decay and not rows["pos_table"].decay
    assert "[decay_embeddings=False]" in rows["tok.weight"].reason
    assert rows["ffn.weight"].decay
    model, x, _ = dm.build("resnet")
    rows = _rows(decay_groups(model, 0.1, example_input=x, decay_scale_invariant=True))
    assert rows["stem.weight"].decay and rows["stem.weight"].category == "scale-invariant"
    assert "[decay_scale_invariant=True]" in rows["stem.weight"].reason


def test_norm_types_option() -> None:
    model, _, _ = dm.build("transformer")
    rows = _rows(decay_groups(model, 0.1, norm_types=dm.UnitScale))
    assert rows["block.mlp_norm.g"].category == "norm"
    assert "UnitScale" in rows["block.mlp_norm.g"].reason


class TimmStyle(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.pos_embed = nn.Parameter(torch.zeros(1, 3, 4))
        self.blocks = nn.Sequential(nn.Linear(4, 4))
        self.blocks[0].no_weight_decay = lambda: {"weight"}  # relative to the submodule

    def no_weight_decay(self) -> set[str]:
        return {"pos_embed", "not_a_parameter"}

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.blocks(x + self.pos_embed)


def test_model_no_weight_decay_is_respected() -> None:
    rows = _rows(decay_groups(TimmStyle(), 0.1))
    assert not rows["pos_embed"].decay and rows["pos_embed"].source == "model"
    assert rows["pos_embed"].reason.startswith("model: listed by model.no_weight_decay()")
    assert rows["blocks.0.weight"].reason.startswith("model: listed by blocks.0.no_weight_decay()")
    rows = _rows(decay_groups(TimmStyle(), 0.1, respect_no_weight_decay=False))
    assert rows["pos_embed"].decay and rows["blocks.0.weight"].decay
    rows = _rows(decay_groups(TimmStyle(), 0.1, include="pos_embed"))
    assert rows["pos_embed"].decay and rows["pos_embed"].source == "user"


def test_frozen_parameters() -> None:
    model = nn.Sequential(nn.Linear(3, 4), nn.Linear(4, 2))
    model[0].weight.requires_grad_(False)
    groups = decay_groups(model, 0.1)
    assert not _rows(groups)["0.weight"].trainable
    in_groups = [n for g in groups for n in g["param_names"]]
    assert "0.weight" not in in_groups and len(in_groups) == 3
    assert "[frozen]" in groups.report()
    assert "0.weight" in groups.names()  # the decision itself does not depend on trainability
    with_frozen = decay_groups(model, 0.1, include_frozen=True)
    assert "0.weight" in [n for g in with_frozen for n in g["param_names"]]
    model.requires_grad_(False)
    with pytest.raises(ValueError, match=r"^model must be a module with a trainable parameter"):
        decay_groups(model, 0.1)


def test_error_messages() -> None:
    model = nn.Sequential(nn.Linear(3, 4), nn.LayerNorm(4))
    cases = [
        (TypeError, "^model must be a torch.nn.Module; got list$", ([1, 2], 0.1), {}),
        (ValueError, r"^weight_decay must be finite and >= 0; got -0\.1$", (model, -0.1), {}),
        (ValueError, r"^weight_decay must be finite and >= 0; got nan$", (model, float("nan")), {}),
        (TypeError, r"^weight_decay must be a real number; got True$", (model, True), {}),
        (TypeError, r"^weight_decay must be a real number; got '0.1'$", (model, "0.1"), {}),
        (
            ValueError,
            r"^exclude must be parameter names, .*; got 'nope', which matches no param",
            (model, 0.1),
            {"exclude": "nope"},
        ),
        (
            ValueError,
            r"^include must be .*; got '\*\.gamma', which matches no parameter",
            (model, 0.1),
            {"include": ["0.weight", "*.gamma"]},
        ),
        (
            ValueError,
            r"^exclude must be .*; got Conv2d, which matches no parameter",
            (model, 0.1),
            {"exclude": nn.Conv2d},
        ),
        (
            ValueError,
            r"^exclude must be .*; got parameter of shape \(2,\), which matches no",
            (model, 0.1),
            {"exclude": nn.Parameter(torch.zeros(2))},
        ),
        (
            TypeError,
            r"^exclude must be parameter names, .*; got int 3$",
            (model, 0.1),
            {"exclude": 3},
        ),
        (
            ValueError,
            r"^include must be disjoint from exclude; got both select '0.bias'$",
            (model, 0.1),
            {"exclude": "0.bias", "include": "*.bias"},
        ),
        (
            TypeError,
            r"^decay_embeddings must be True or False; got 1$",
            (model, 0.1),
            {"decay_embeddings": 1},
        ),
        (
            TypeError,
            r"^include_frozen must be True or False; got None$",
            (model, 0.1),
            {"include_frozen": None},
        ),
        (
            TypeError,
            r"^norm_types must be torch.nn.Module subclasses; got <class 'int'>$",
            (model, 0.1),
            {"norm_types": (int,)},
        ),
        (
            ValueError,
            r"^probe_rtol must be a number in \(0, 1\); got 0$",
            (model, 0.1),
            {"probe_rtol": 0},
        ),
        (TypeError, r"^seed must be an integer; got 1\.5$", (model, 0.1), {"seed": 1.5}),
        (ValueError, "^model must be a module with parameters; got none$", (nn.ReLU(), 0.1), {}),
        (
            ValueError,
            r"^model must be fully initialized; got lazy parameter '0.weight' \(run",
            (nn.Sequential(nn.LazyLinear(3)), 0.1),
            {},
        ),
    ]
    for exc, pattern, args, kwargs in cases:
        with pytest.raises(exc, match=pattern):
            decay_groups(*args, **kwargs)
