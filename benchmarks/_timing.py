"""Reusable timing harness for the benchmark scripts.

The machine a benchmark runs on is usually shared and noisy, so absolute times drift from one
minute to the next. The harness therefore measures every contender *relative to a floor* (an
operation every contender must at least perform, such as the Gram product of the same data)
timed in the same round:

- each round times the floor and every contender back to back, in an order that rotates from
  round to round so that no contender always runs first or last;
- the ratio ``contender / floor`` is taken within the round;
- the summary per contender is the median of the per-round ratios (with the minimum, which is
  the least disturbed round), plus the median absolute time.

Scripts build their cases, call :func:`run_interleaved` once per case and hand the results to
:func:`print_results` and :func:`write_json`.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

__all__ = [
    "CaseResult",
    "Timings",
    "add_common_arguments",
    "environment",
    "print_environment",
    "print_results",
    "run_interleaved",
    "time_call",
    "write_json",
]


@dataclass(frozen=True)
class Timings:
    """Per-round wall-clock times of one contender and its ratios to the floor."""

    name: str
    seconds: tuple[float, ...]
    ratios: tuple[float, ...]

    @property
    def median_seconds(self) -> float:
        return statistics.median(self.seconds)

    @property
    def median_ratio(self) -> float:
        return statistics.median(self.ratios)

    @property
    def min_ratio(self) -> float:
        return min(self.ratios)

    @property
    def max_ratio(self) -> float:
        return max(self.ratios)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "median_seconds": self.median_seconds,
            "median_ratio": self.median_ratio,
            "min_ratio": self.min_ratio,
            "max_ratio": self.max_ratio,
            "seconds": list(self.seconds),
            "ratios": list(self.ratios),
        }


@dataclass(frozen=True)
class CaseResult:
    """Everything measured for one case: the floor, the contenders and free-form notes.

    ``outputs`` holds the return value of each callable from the last warm-up call (for
    sanity checks by the calling script); it is not written to JSON.
    """

    case: str
    description: str
    floor: Timings
    contenders: tuple[Timings, ...]
    notes: dict[str, Any] = field(default_factory=dict)
    outputs: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "case": self.case,
            "description": self.description,
            "floor": self.floor.to_dict(),
            "contenders": [c.to_dict() for c in self.contenders],
            "notes": self.notes,
        }


def time_call(fn: Callable[[], Any]) -> tuple[float, Any]:
    """Wall-clock seconds of one call of ``fn`` (garbage collector off while it runs)."""
    gc.collect()
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        start = time.perf_counter()
        out = fn()
        elapsed = time.perf_counter() - start
    finally:
        if was_enabled:
            gc.enable()
    return elapsed, out


def _log(console: Console, message: str) -> None:
    console.print(
        f"{time.strftime('%H:%M:%S')}  {message}", markup=False, highlight=False, soft_wrap=True
    )


def run_interleaved(
    case: str,
    floor: tuple[str, Callable[[], Any]],
    contenders: Sequence[tuple[str, Callable[[], Any]]],
    *,
    rounds: int = 7,
    warmup: int = 1,
    description: str = "",
    console: Console | None = None,
) -> CaseResult:
    """Time ``floor`` and every contender in ``rounds`` interleaved rounds.

    Parameters
    ----------
    case : str
        Short name of the case (used in tables and JSON).
    floor : (name, callable)
        The reference operation; every ratio is ``contender time / floor time`` of the
        same round.
    contenders : sequence of (name, callable)
        The operations to compare. Names must be unique and differ from the floor's.
    rounds : int
        Number of timed rounds (at least 1).
    warmup : int
        Untimed calls of every callable before the first round (imports, page faults,
        BLAS thread start-up). The last warm-up outputs are kept in ``CaseResult.outputs``.
    description : str
        Free text shown with the table, e.g. the data shape.
    console : rich Console, optional
        Where to log one line per round; silent when None.
    """
    if rounds < 1:
        raise ValueError(f"rounds must be >= 1; got {rounds!r}")
    if warmup < 0:
        raise ValueError(f"warmup must be >= 0; got {warmup!r}")
    entries = [floor, *contenders]
    names = [name for name, _ in entries]
    if len(set(names)) != len(names):
        raise ValueError(f"contender names must be unique; got {names!r}")

    outputs: dict[str, Any] = {}
    for _ in range(warmup):
        for name, fn in entries:
            outputs[name] = fn()
    if console is not None and warmup:
        _log(console, f"{case}: warm-up done ({warmup} call(s) each)")

    seconds: dict[str, list[float]] = {name: [] for name in names}
    for r in range(rounds):
        shift = r % len(entries)
        order = entries[shift:] + entries[:shift]
        for name, fn in order:
            elapsed, _ = time_call(fn)
            seconds[name].append(elapsed)
        if console is not None:
            parts = ", ".join(f"{name} {seconds[name][-1]:.3f}s" for name in names)
            _log(console, f"{case}: round {r + 1}/{rounds}: {parts}")

    floor_s = seconds[floor[0]]

    def timings(name: str) -> Timings:
        s = seconds[name]
        return Timings(name, tuple(s), tuple(t / f for t, f in zip(s, floor_s, strict=True)))

    return CaseResult(
        case=case,
        description=description,
        floor=timings(floor[0]),
        contenders=tuple(timings(name) for name, _ in contenders),
        outputs=outputs,
    )


def _blas_info() -> list[dict[str, Any]]:
    try:
        from threadpoolctl import threadpool_info
    except ImportError:  # pragma: no cover - threadpoolctl comes with scikit-learn
        return []
    keep = ("user_api", "internal_api", "num_threads", "version", "threading_layer")
    return [{k: pool.get(k) for k in keep} for pool in threadpool_info()]


def _version(dist: str) -> str | None:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def environment(packages: Sequence[str] = ("numpy", "scipy", "scikit-learn")) -> dict[str, Any]:
    """Versions, thread pools and CPU count: what a reader needs to interpret the figures."""
    affinity = getattr(os, "sched_getaffinity", None)
    return {
        "python": platform.python_version(),
        "platform": platform.platform(terse=True),
        "machine": platform.machine(),
        "cpu_count": os.cpu_count(),
        "cpus_available": len(affinity(0)) if affinity is not None else None,
        "versions": {name: _version(name) for name in (*packages, "ridgeway")},
        "threadpools": _blas_info(),
    }


def print_environment(console: Console, env: Mapping[str, Any]) -> None:
    versions = ", ".join(f"{k} {v}" for k, v in env["versions"].items() if v is not None)
    console.print(f"Python {env['python']} on {env['platform']} ({env['machine']})")
    console.print(f"Versions: {versions}")
    console.print(f"CPUs: {env['cpu_count']} (available to this process: {env['cpus_available']})")
    for pool in env["threadpools"]:
        console.print(
            f"Thread pool: {pool['user_api']} / {pool['internal_api']} {pool['version'] or ''}"
            f" — {pool['num_threads']} thread(s)"
        )


def print_results(console: Console, results: Sequence[CaseResult], rounds: int) -> None:
    """One rich table per case: median time, median / min / max ratio to the floor."""
    for res in results:
        table = Table(
            title=f"{res.case}: {res.description}",
            caption=f"ratio = time / time of '{res.floor.name}' in the same round; "
            f"{rounds} interleaved rounds",
        )
        table.add_column("operation")
        table.add_column("median time (s)", justify="right")
        table.add_column("median ratio", justify="right")
        table.add_column("min ratio", justify="right")
        table.add_column("max ratio", justify="right")
        for t in (res.floor, *res.contenders):
            label = f"{t.name} (floor)" if t is res.floor else t.name
            table.add_row(
                label,
                f"{t.median_seconds:.3f}",
                f"{t.median_ratio:.2f}",
                f"{t.min_ratio:.2f}",
                f"{t.max_ratio:.2f}",
            )
        console.print(table)
        for key, value in res.notes.items():
            console.print(f"  {key}: {value}")


def write_json(
    path: str | Path,
    env: Mapping[str, Any],
    results: Sequence[CaseResult],
    settings: Mapping[str, Any],
) -> None:
    """Write the environment, the settings and every case (with raw per-round times)."""
    payload = {
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "command": [Path(sys.argv[0]).name, *sys.argv[1:]],
        "environment": dict(env),
        "settings": dict(settings),
        "cases": [r.to_dict() for r in results],
    }
    Path(path).write_text(json.dumps(payload, indent=2, default=str) + "\n", encoding="utf-8")


def add_common_arguments(parser: argparse.ArgumentParser) -> None:
    """``--rounds``, ``--warmup``, ``--json``, shared by every benchmark script."""
    parser.add_argument(
        "--rounds", type=int, default=7, help="interleaved timed rounds (default 7)"
    )
    parser.add_argument(
        "--warmup", type=int, default=1, help="untimed calls of each operation first (default 1)"
    )
    parser.add_argument("--json", metavar="PATH", help="also write the results as JSON to PATH")
