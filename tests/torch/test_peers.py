"""ridgeway's decisions against timm's and Hugging Face's rules, and the table in the docs."""

from __future__ import annotations

import re
from pathlib import Path

import decay_models as dm
import pytest
from torch import nn

from ridgeway.torch import decay_groups

DOC = Path(__file__).resolve().parents[2] / "docs" / "weight_decay_groups.md"


def _yn(b: bool) -> str:
    return "decay" if b else "no"


@pytest.fixture(scope="module")
def rows() -> list[tuple[str, ...]]:
    """Every parameter where a peer rule disagrees with ridgeway (probed, default options)."""
    out = []
    for key in dm.MODELS:
        model, x, _ = dm.build(key)
        groups = decay_groups(model, 0.1, example_input=x)
        peers = (
            dm.timm_decay_names(model),
            dm.hf_legacy_decay_names(model),
            dm.hf_recent_decay_names(model),
        )
        for d in groups.decisions:
            verdicts = (d.decay, *(d.name in p for p in peers))
            if len(set(verdicts)) > 1:
                out.append((key, f"`{d.name}`", d.category, *map(_yn, verdicts)))
    return out


def test_doc_table_is_what_the_rules_give(rows: list[tuple[str, ...]]) -> None:
    text = DOC.read_text(encoding="utf-8")
    table = text.split("<!-- comparison-table-start -->")[1].split("<!-- comparison-table-end -->")[
        0
    ]
    lines = [ln for ln in table.strip().splitlines()[2:]]
    documented = [tuple(c.strip() for c in ln.strip().strip("|").split("|")) for ln in lines]
    assert documented == rows


def test_where_the_peers_go_wrong(rows: list[tuple[str, ...]]) -> None:
    by = {(r[0], r[1].strip("`")): r[3:] for r in rows}  # (ridgeway, timm, hf legacy, hf 2025)
    # timm decays every scale-invariant conv weight before BatchNorm
    convs = [
        n for (k, n), v in by.items() if k == "resnet" and n.endswith("weight") and "conv" in n
    ]
    assert len(convs) == 4 and all(by[("resnet", n)][:2] == ("no", "decay") for n in convs)
    # Hugging Face misses BatchNorm (both versions) and the custom RMSNorm named q_scale/k_scale
    assert by[("resnet", "layer1.bn1.weight")] == ("no", "no", "decay", "decay")
    assert by[("transformer", "block.attn.q_scale.g")] == ("no", "no", "decay", "decay")
    # ... but the 2025 name patterns catch the same class when it is named mlp_norm
    assert by[("transformer", "block.mlp_norm.g")] == ("no", "no", "decay", "no")
    # timm's ndim rule skips a 1-D weight vector
    assert by[("layerscale_mlp", "readout")] == ("decay", "no", "decay", "decay")
    # biases: every rule agrees (none in the table)
    assert not [n for (_, n) in by if n.endswith(".bias")]


def test_reference_rules_on_a_bert_like_naming() -> None:
    """The reimplemented rules behave as their sources say on the names they were written for."""

    class Layer(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.dense = nn.Linear(4, 4)
            self.LayerNorm = nn.LayerNorm(4)
            self.final_layer_norm = nn.Module()
            self.final_layer_norm.weight = nn.Parameter(nn.init.ones_(nn.Linear(1, 4).bias.data))

    model = Layer()
    assert dm.timm_decay_names(model) == {"dense.weight"}
    assert dm.hf_legacy_decay_names(model) == {"dense.weight", "final_layer_norm.weight"}
    assert dm.hf_recent_decay_names(model) == {"dense.weight"}
    assert re.search(dm.HF_RECENT_PATTERNS[4], "final_layer_norm.weight")
