"""Torch tests run on one thread: the machine's cores are shared with the rest of the suite."""

from __future__ import annotations

import os
import sys

try:
    import torch
except ImportError:  # torch is an optional extra: without it these tests are not collected
    collect_ignore_glob = ["*.py"]
else:
    torch.set_num_threads(1)

# the test models (decay_models.py) import as a plain module from this folder
sys.path.insert(0, os.path.dirname(__file__))
