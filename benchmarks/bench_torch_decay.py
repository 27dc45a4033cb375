"""Time ridgeway's composable weight decay against torch's built-in optimizers, and the demos.

Cases (each a training loop of ``--steps`` steps of an MLP 256 → 512 → 512 → 10 on a fixed
batch of 128 random rows, float32, one thread; floor: the same loop with plain Adam or SGD and
no decay, timed in the same round):

- ``adamw``: ``torch.optim.AdamW(weight_decay=λ)`` vs ``Adam`` + ``DecoupledWeightDecay``
  (``scaling="lr"``), the same steps (checked: the final weights agree to 1e-3; float32 rounding differs);
- ``sgd``: ``SGD(momentum=0.9, weight_decay=λ)`` vs ``SGD(momentum=0.9)`` + ``l2_penalty``
  in the loss (checked likewise);
- ``demos``: each of ``ridgeway demo weight-decay``'s demonstrations at full size (one round,
  no floor: the budget is a minute each on two cores); with ``--quick``, at quick size.

Run from the repository root::

    python benchmarks/bench_torch_decay.py              # 7 rounds of 200 steps, then the demos
    python benchmarks/bench_torch_decay.py --quick      # a smoke run
    python benchmarks/bench_torch_decay.py --case adamw --rounds 11
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable

import numpy as np
from rich.console import Console

if __package__:
    from ._timing import (
        CaseResult,
        add_common_arguments,
        environment,
        print_environment,
        print_results,
        run_interleaved,
        write_json,
    )
else:  # run as a script
    from _timing import (
        CaseResult,
        add_common_arguments,
        environment,
        print_environment,
        print_results,
        run_interleaved,
        write_json,
    )

LAM = 0.05


def _loop(kind: str, steps: int) -> Callable[[], np.ndarray]:
    """A training loop of ``steps`` steps; returns the final flattened weights."""
    import torch

    from ridgeway.torch import DecoupledWeightDecay, l2_penalty

    g = torch.Generator().manual_seed(0)
    X = torch.randn(128, 256, generator=g)
    y = torch.randint(0, 10, (128,), generator=g)

    def run() -> np.ndarray:
        torch.manual_seed(0)
        model = torch.nn.Sequential(
            torch.nn.Linear(256, 512),
            torch.nn.ReLU(),
            torch.nn.Linear(512, 512),
            torch.nn.ReLU(),
            torch.nn.Linear(512, 10),
        )
        params = list(model.parameters())
        decay = None
        penalty = 0.0
        if kind == "adam":
            opt: torch.optim.Optimizer = torch.optim.Adam(params, lr=1e-3)
        elif kind == "adamw":
            opt = torch.optim.AdamW(params, lr=1e-3, weight_decay=LAM)
        elif kind == "adam+decoupled":
            opt = torch.optim.Adam(params, lr=1e-3)
            decay = DecoupledWeightDecay(params, LAM, optimizer=opt, scaling="lr")
        elif kind == "sgd":
            opt = torch.optim.SGD(params, lr=0.01, momentum=0.9)
        elif kind == "sgd(weight_decay)":
            opt = torch.optim.SGD(params, lr=0.01, momentum=0.9, weight_decay=LAM)
        else:  # "sgd+l2_penalty"
            opt = torch.optim.SGD(params, lr=0.01, momentum=0.9)
            penalty = LAM
        for _ in range(steps):
            opt.zero_grad()
            loss = torch.nn.functional.cross_entropy(model(X), y)
            if penalty:
                loss = loss + l2_penalty(params, penalty)
            loss.backward()
            if decay is not None:
                decay.step()
            opt.step()
        return torch.cat([p.detach().reshape(-1) for p in params]).numpy()

    return run


def _demos(console: Console, quick: bool) -> bool:
    from ridgeway.torch import demos

    table = [
        ("(a) generalization", demos.demo_generalization),
        ("(b) Adam + L2 vs AdamW", demos.demo_adam_l2_vs_adamw),
        (
            "(c) BatchNorm, arms none and all",
            lambda **kw: demos.demo_batchnorm(arms=("none", "all"), **kw),
        ),
        ("(d) early stopping vs L2", demos.demo_early_stopping),
    ]
    ok = True
    console.print(f"demos at {'quick' if quick else 'full'} size (one run each):")
    for name, fn in table:
        start = time.perf_counter()
        fn(quick=quick)
        took = time.perf_counter() - start
        ok &= quick or took < 60.0
        console.print(f"  {name}: {took:.1f} s{'' if took < 60 else '  (over a minute)'}")
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_common_arguments(parser)
    parser.add_argument("--case", choices=("adamw", "sgd", "demos"), action="append")
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--quick", action="store_true", help="20 steps, 2 rounds, quick demos")
    args = parser.parse_args(argv)
    console = Console()
    try:
        import torch
    except ImportError:
        console.print("torch is not installed: pip install 'ridgeway[torch]'")
        return 1
    torch.set_num_threads(1)
    env = environment(("numpy", "torch"))
    print_environment(console, env)
    steps, rounds = (20, 2) if args.quick else (args.steps, args.rounds)
    cases = args.case or ["adamw", "sgd", "demos"]
    results: list[CaseResult] = []
    failed = False
    pairs = {
        "adamw": ("adam", "adamw", "adam+decoupled"),
        "sgd": ("sgd", "sgd(weight_decay)", "sgd+l2_penalty"),
    }
    for case in cases:
        if case == "demos":
            continue
        floor, builtin, ours = pairs[case]
        res = run_interleaved(
            case,
            (floor, _loop(floor, steps)),
            [(builtin, _loop(builtin, steps)), (ours, _loop(ours, steps))],
            rounds=rounds,
            warmup=args.warmup,
            description=f"{steps} steps, MLP 256-512-512-10, batch 128, λ = {LAM}",
        )
        gap = float(np.abs(res.outputs[builtin] - res.outputs[ours]).max())
        res.notes["max weight gap"] = gap
        if gap > 1e-3:  # float32 over many steps; the float64 match is in the tests
            console.print(f"[red]{case}: {ours} differs from {builtin} by {gap:.3g}[/red]")
            failed = True
        results.append(res)
    print_results(console, results, rounds)
    if "demos" in cases:
        failed |= not _demos(console, args.quick)
    if args.json:
        write_json(args.json, env, results, {"steps": steps, "rounds": rounds, "lambda": LAM})
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
