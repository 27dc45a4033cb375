"""torch is an optional extra: ``import ridgeway`` does not import it, ``ridgeway.torch`` names it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

SRC = str(Path(__file__).resolve().parents[2] / "src")

# one fresh interpreter: import ridgeway, check torch is absent, then hide torch and import
# ridgeway.torch (a meta-path finder that refuses torch, as when it is not installed)
SCRIPT = f"""
import importlib.abc, sys
sys.path.insert(0, {SRC!r})
import ridgeway
print("torch imported by ridgeway:", "torch" in sys.modules)

class NoTorch(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "torch" or name.startswith("torch."):
            raise ModuleNotFoundError("No module named 'torch'", name="torch")

sys.meta_path.insert(0, NoTorch())
try:
    import ridgeway.torch
except ImportError as exc:
    print("error:", exc)
"""


@pytest.fixture(scope="module")
def output() -> str:
    res = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120, check=True
    )
    return res.stdout


def test_import_ridgeway_does_not_import_torch(output: str) -> None:
    assert "torch imported by ridgeway: False" in output


def test_missing_torch_gives_a_clear_error(output: str) -> None:
    assert "error: ridgeway.torch needs PyTorch" in output
    assert "pip install 'ridgeway[torch]'" in output
