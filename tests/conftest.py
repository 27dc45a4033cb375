"""Shared test configuration: one hypothesis profile that keeps the whole suite fast."""

from __future__ import annotations

import os
import sys

from hypothesis import HealthCheck, settings

settings.register_profile(
    "fast",
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "thorough",
    max_examples=500,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "fast"))

# the shared reference helpers (tests/refs.py) import as a plain module from every test folder
sys.path.insert(0, os.path.dirname(__file__))
