"""Tests of ``ridgeway demo weight-decay``: printed numbers against the demo functions."""

from __future__ import annotations

import re
import sys

import pytest

pytest.importorskip("torch")

from ridgeway.cli import main
from ridgeway.torch.demos import demo_adam_l2_vs_adamw, demo_early_stopping


def _run(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, *argv: str
) -> tuple[int, str, str]:
    monkeypatch.setenv("COLUMNS", "160")
    code = main(["demo", "weight-decay", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def _num(v: float) -> str:
    return f"{v:.4g}"


def test_demo_d_prints_the_numbers_of_the_function(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, err = _run(capsys, monkeypatch, "--which", "d", "--quick", "--seed", "2")
    assert code == 0, err
    r = demo_early_stopping(quick=True, seed=2)
    assert "seed 2, quick sizes" in out
    assert "(d) early stopping against L2" in out
    assert "(a)" not in out and "(b)" not in out
    m = re.search(r"best ridge α \(grid\), val MSE\s+(\S+), (\S+)", out)
    assert m is not None and m.groups() == (_num(r.best_alpha), _num(r.best_ridge_val_mse))
    m = re.search(r"best early stop: k, val MSE\s+(\d+), (\S+)", out)
    assert m is not None and m.groups() == (str(r.best_step), _num(r.best_gd_val_mse))
    assert re.search(rf"^\s+0\s+{re.escape(_num(r.gd_val_mse[0]))}\s+∞\s+∞", out, re.M)


def test_demo_b_prints_the_grid(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, err = _run(capsys, monkeypatch, "--which", "b", "--quick")
    assert code == 0, err
    r = demo_adam_l2_vs_adamw(quick=True)
    for j, lam in enumerate(r.weight_decays):
        cells = [_num(lam), *(_num(v) for v in r.val_loss[:, j])]
        assert re.search(r"^\s+" + r"\s+".join(map(re.escape, cells)), out, re.M), cells
    assert f"AdamW's is lr·λ = {_num(r.decay_rate_adamw)}" in out.replace("\n", " ")


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (
            ["--which", "a,x"],
            "error: --which must be letters from a, b, c, d separated by commas; got 'a,x'",
        ),
        (["--which", ""], "error: --which must be letters from a, b, c, d"),
        (["--seed", "-1"], "error: --seed must be a non-negative integer; got -1"),
    ],
)
def test_demo_usage_errors(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    argv: list[str],
    expected: str,
) -> None:
    code, out, err = _run(capsys, monkeypatch, *argv)
    assert code == 2
    assert err.startswith(expected)
    assert out == ""


def test_demo_unknown_name(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "ridge"]) == 2
    assert "invalid choice: 'ridge'" in capsys.readouterr().err


def test_demo_without_torch_names_the_extra(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in [
        m for m in sys.modules if m == "ridgeway.torch" or m.startswith("ridgeway.torch.")
    ]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "torch", None)  # what an absent torch looks like to import
    code, out, err = _run(capsys, monkeypatch, "--which", "d", "--quick")
    assert code == 2
    assert err.startswith("error: ridgeway.torch needs PyTorch")
    assert "pip install 'ridgeway[torch]'" in err


def test_demo_c_marks_the_decayed_kernels(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The structure arm through a stand-in split (the real one: ridgeway.torch.groups)."""
    from ridgeway.torch.demos import batchnorm

    monkeypatch.setattr(batchnorm, "_structure_aware_groups", lambda m, wd, x: frozenset())
    code, out, err = _run(capsys, monkeypatch, "--which", "c", "--quick")
    assert code == 0, err
    assert re.search(r"invariance: .* changes the output by \S+ \(relative", out)
    assert re.search(r"^\s+all weights \(ndim ≥ 2\)\s+0\.weight \(decayed\)", out, re.M)
    assert re.search(r"^\s+structure-aware groups\s+0\.weight\s+\d", out, re.M)
    assert re.search(r"^\s+no decay\s+0\.weight\s+\d", out, re.M)
    assert re.search(r"^\s+all weights \(ndim ≥ 2\)\s+0\.weight, 4\.weight, 8\.weight\s", out, re.M)
