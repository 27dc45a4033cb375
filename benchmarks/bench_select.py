"""Time ``ridgeway.RidgeCV`` (α chosen over a grid) against its peers, relative to a Gram product.

Every case uses float64 standard normal X (fixed seed) and targets Y = X @ W + noise whose
best penalty lies inside the grid. The grid has 50 values, ``np.geomspace(1e-4, 1e2, 50)``
times the mean eigenvalue of the centred Gram (‖X − x̄‖²_F / min(n, p)), so the effective
degrees of freedom run from nearly min(n, p) down to about 1 % of it.

Cases (floor ``X.T @ X`` when n ≥ p, ``X @ X.T`` when p > n, timed in the same round):

- ``loo``: exact leave-one-out, n = 100,000 × p = 500; ridgeway ``RidgeCV(alphas)`` vs
  scikit-learn ``RidgeCV(alphas)`` (its default is efficient leave-one-out too);
- ``gcv``: generalized cross-validation on the same data, ridgeway ``RidgeCV(cv="gcv")`` only;
- ``kfold``: 5-fold on the same data; ridgeway ``RidgeCV(cv=5)`` vs scikit-learn
  ``RidgeCV(cv=5, scoring="neg_mean_squared_error")`` (a grid search that refits per fold and α);
- ``pertarget``: α per target by leave-one-out, n = 5,000 × p = 1,000 × 2,000 targets; with
  himalaya installed, also 5-fold per target: ridgeway ``RidgeCV(cv=5)`` vs himalaya's
  ``RidgeCV`` (numpy backend);
- ``wide``: exact leave-one-out, n = 2,000 × p = 20,000;
- ``memory``: peak memory that ``RidgeCV().fit`` adds (tracemalloc), over the bytes of X, on the
  ``loo`` data; plus the growth of the peak resident set size in a fresh subprocess.

A peer (scikit-learn, himalaya; also ridgeway's 5-fold per target, which is compared with
himalaya) is first called once, timed together with a floor; if that call takes longer than
60 s it is reported from that single call (one time in the JSON, with a note), otherwise it
joins every interleaved round. Each case also checks ridgeway against a reference (chosen α
and the criterion curve), and the script exits with status 1 on a mismatch.

Run from the repository root::

    python benchmarks/bench_select.py                    # full sizes, 5 rounds
    python benchmarks/bench_select.py --quick            # small sizes, smoke run
    python benchmarks/bench_select.py --case loo --rounds 9 --json select.json
    python benchmarks/bench_select.py --skip-sklearn     # ridgeway only (checks still run)
"""

from __future__ import annotations

import argparse
import gc
import json
import resource
import subprocess
import sys
import tracemalloc
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from rich.console import Console
from rich.table import Table
from sklearn.linear_model import RidgeCV as SkRidgeCV

if __package__:
    from ._timing import (
        CaseResult,
        Timings,
        add_common_arguments,
        environment,
        print_environment,
        print_results,
        run_interleaved,
        time_call,
        write_json,
    )
else:
    from _timing import (
        CaseResult,
        Timings,
        add_common_arguments,
        environment,
        print_environment,
        print_results,
        run_interleaved,
        time_call,
        write_json,
    )

SEED = 0
N_ALPHAS = 50
GRID_SPAN = (1e-4, 1e2)  # times the mean eigenvalue of the centred Gram
SLOW_LIMIT = 60.0  # seconds: a slower peer is timed once in total
RTOL = 1e-6  # criterion curves
CHECK_ROWS = 2_000  # the reference checks run on the first rows (at most n / 4) ...
CHECK_TARGETS = 20  # ... and the first targets of each case's data
CHECKS = "checks passed"

CASES = ("loo", "gcv", "kfold", "pertarget", "wide", "memory")

# (n, p, t) per case; "quick" sizes are for a smoke run only.
SIZES: dict[str, dict[str, tuple[int, int, int]]] = {
    "full": {
        "loo": (100_000, 500, 1),
        "gcv": (100_000, 500, 1),
        "kfold": (100_000, 500, 1),
        "pertarget": (5_000, 1_000, 2_000),
        "wide": (2_000, 20_000, 1),
        "memory": (100_000, 500, 1),
    },
    "quick": {
        "loo": (10_000, 100, 1),
        "gcv": (10_000, 100, 1),
        "kfold": (10_000, 100, 1),
        "pertarget": (1_000, 200, 100),
        "wide": (300, 3_000, 1),
        "memory": (10_000, 100, 1),
    },
}

# Goals from the issue: median ratio to the floor (memory: peak added bytes / X.nbytes).
GOALS = {"loo": 3.0, "gcv": 1.5, "kfold": 2.5, "pertarget": 10.0, "wide": 3.0, "memory": 1.5}


# ------------------------------------------------------------------------------------ data


def make_data(n: int, p: int, t: int, seed: int = SEED) -> tuple[np.ndarray, np.ndarray]:
    """Standard normal X (n, p) and Y = X @ W + noise, shape (n,) if t == 1 else (n, t).

    Column j of W is N(0, snr_j / p) and the noise N(0, 1), so the signal-to-noise ratio of
    target j is about snr_j and its best α about p / snr_j. snr = 1 for one target; for many,
    snr runs geometrically from 0.2 to 5 so that the chosen α differ between targets.
    """
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    snr = np.ones(1) if t == 1 else np.geomspace(0.2, 5.0, t)
    W = rng.standard_normal((p, t)) * np.sqrt(snr / p)
    Y = X @ W
    Y += rng.standard_normal((n, t))
    return X, (Y[:, 0].copy() if t == 1 else Y)


def make_grid(X: np.ndarray) -> np.ndarray:
    """50 α, geometric, GRID_SPAN times the mean eigenvalue of the centred Gram."""
    n, p = X.shape
    mean = X.mean(axis=0)
    # Σ_ij (x_ij − x̄_j)² without a centred copy of X (which would raise the peak memory)
    scale = (float(np.einsum("ij,ij->", X, X)) - n * float(mean @ mean)) / min(n, p)
    return np.geomspace(GRID_SPAN[0] * scale, GRID_SPAN[1] * scale, N_ALPHAS)


# ---------------------------------------------------------------------------------- timing


def time_case(
    case: str,
    description: str,
    floor: tuple[str, Callable[[], Any]],
    ours: Sequence[tuple[str, Callable[[], Any]]],
    probed: Sequence[tuple[str, Callable[[], Any]]],
    args: argparse.Namespace,
    console: Console,
) -> CaseResult:
    """Interleaved rounds of the floor, ``ours`` and every ``probed`` call fast enough to repeat.

    The floor and ``ours`` get ``--warmup`` untimed calls (at least one: the outputs feed the
    checks). Each ``probed`` contender (the peers, which may take minutes) has its first call
    timed right after a floor call; one slower than SLOW_LIMIT keeps that single timing, a
    faster one takes part in every round (its first call then counts as its warm-up).
    """
    outputs: dict[str, Any] = {}
    for _ in range(max(args.warmup, 1)):
        for name, fn in (floor, *ours):
            outputs[name] = fn()
    repeat = list(ours)
    once: dict[str, Timings] = {}
    notes: dict[str, Any] = {}
    for name, fn in probed:
        floor_s, _ = time_call(floor[1])
        peer_s, outputs[name] = time_call(fn)
        console.print(
            f"  {name}: first call {peer_s:.1f} s ({peer_s / floor_s:.1f} x floor)",
            markup=False,
            highlight=False,
        )
        if peer_s > SLOW_LIMIT:
            once[name] = Timings(name, (peer_s,), (peer_s / floor_s,))
            notes[name] = (
                f"timed once ({peer_s:.0f} s > {SLOW_LIMIT:.0f} s), "
                "ratio to the floor timed just before it"
            )
        else:
            repeat.append((name, fn))
    res = run_interleaved(
        case, floor, repeat, rounds=args.rounds, warmup=0, description=description, console=console
    )
    timed = {t.name: t for t in res.contenders} | once
    order = [name for name, _ in (*ours, *probed)]
    return CaseResult(
        case=case,
        description=description,
        floor=res.floor,
        contenders=tuple(timed[name] for name in order),
        notes=notes,
        outputs=outputs,
    )


def _goal_note(res: CaseResult, ours: str, goal: float) -> None:
    ratio = next(t.median_ratio for t in res.contenders if t.name == ours)
    verdict = "met" if ratio <= goal else "NOT met"
    res.notes[f"goal: {ours} <= {goal:g}x floor"] = f"{verdict} (median {ratio:.2f}x)"


# ---------------------------------------------------------------------------------- checks


@dataclass
class Checks:
    """Named pass/fail results with a detail line each."""

    items: dict[str, tuple[bool, str]] = field(default_factory=dict)

    def add(self, name: str, ok: bool, detail: str = "") -> None:
        self.items[name] = (bool(ok), detail)

    @property
    def ok(self) -> bool:
        return all(ok for ok, _ in self.items.values())

    def into(self, res: CaseResult) -> None:
        for name, (ok, detail) in self.items.items():
            res.notes[f"check: {name}"] = f"{ok}{' (' + detail + ')' if detail else ''}"
        res.notes[CHECKS] = self.ok


def _same_alpha(a: Any, b: Any) -> tuple[bool, str]:
    a, b = np.atleast_1d(np.asarray(a, float)), np.atleast_1d(np.asarray(b, float))
    same = np.isclose(a, b, rtol=1e-10, atol=0.0)
    if a.size == 1:
        return bool(same.all()), f"{a[0]:.6g} vs {b[0]:.6g}"
    return bool(same.all()), f"{int(same.sum())}/{same.size} targets equal"


def _same_curve(ours: np.ndarray, ref: np.ndarray) -> tuple[bool, str]:
    ours, ref = np.asarray(ours, float), np.asarray(ref, float)
    rel = float(np.max(np.abs(ours - ref) / np.abs(ref)))
    return bool(np.allclose(ours, ref, rtol=RTOL, atol=0.0)), f"max rel diff {rel:.1e}"


def _check_slice(X: np.ndarray, Y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The first rows (at most CHECK_ROWS, at most a quarter) and the first targets."""
    rows = min(CHECK_ROWS, X.shape[0] // 4)
    Xs = np.ascontiguousarray(X[:rows])
    Ys = Y[:rows] if Y.ndim == 1 else np.ascontiguousarray(Y[:rows, :CHECK_TARGETS])
    return Xs, Ys


def check_loo(rw_cls: Any, X: np.ndarray, Y: np.ndarray, grid: np.ndarray, checks: Checks) -> None:
    """ridgeway's exact LOO curve and α against scikit-learn's stored LOO errors (a slice)."""
    Xs, Ys = _check_slice(X, Y)
    per_target = Ys.ndim == 2
    ours = rw_cls(alphas=grid, alpha_per_target=per_target).fit(Xs, Ys)
    ref = SkRidgeCV(alphas=grid, alpha_per_target=per_target, store_cv_results=True).fit(Xs, Ys)
    ref_mean = ref.cv_results_.mean(axis=0)  # (a,) or (t, a)
    checks.add(
        f"LOO curve = sklearn's on {Xs.shape[0]:,} rows",
        *_same_curve(ours.cv_results_["mean"], ref_mean.T),
    )
    checks.add("alpha_ = sklearn's on that slice", *_same_alpha(ours.alpha_, ref.alpha_))


def check_gcv(rw_cls: Any, X: np.ndarray, y: np.ndarray, grid: np.ndarray, checks: Checks) -> None:
    """GCV(α) = (RSS/n) / (1 − (df + 1)/n)² from an SVD of the centred slice."""
    Xs, ys = _check_slice(X, y)
    n = Xs.shape[0]
    U, s, _ = np.linalg.svd(Xs - Xs.mean(axis=0), full_matrices=False)
    yc = ys - ys.mean()
    f = s**2 / (s[None, :] ** 2 + grid[:, None])  # (a, r)
    uy = U.T @ yc
    rss = ((1.0 - f) ** 2 @ uy**2) + (yc @ yc - uy @ uy)
    ref = (rss / n) / (1.0 - (f.sum(axis=1) + 1.0) / n) ** 2
    ours = rw_cls(alphas=grid, cv="gcv").fit(Xs, ys)
    checks.add(
        f"GCV curve = SVD formula on {n:,} rows", *_same_curve(ours.cv_results_["mean"], ref)
    )
    checks.add(
        "alpha_ = argmin of that formula", *_same_alpha(ours.alpha_, grid[int(np.argmin(ref))])
    )


def check_kfold(
    rw_cls: Any, X: np.ndarray, y: np.ndarray, grid: np.ndarray, checks: Checks
) -> None:
    """ridgeway's 5-fold α and MSE against scikit-learn's grid search (a slice)."""
    Xs, ys = _check_slice(X, y)
    ours = rw_cls(alphas=grid, cv=5).fit(Xs, ys)
    ref = SkRidgeCV(alphas=grid, cv=5, scoring="neg_mean_squared_error").fit(Xs, ys)
    idx = int(np.searchsorted(ours.cv_results_["alphas"], ours.alpha_))
    checks.add(
        f"5-fold MSE at alpha_ = sklearn's best_score_ on {Xs.shape[0]:,} rows",
        *_same_curve(ours.cv_results_["mean"][idx], -ref.best_score_),
    )
    checks.add("alpha_ = sklearn's on that slice", *_same_alpha(ours.alpha_, ref.alpha_))


# ----------------------------------------------------------------------------------- cases


def run_case(
    case: str, size: tuple[int, int, int], rw_cls: Any, args: argparse.Namespace, console: Console
) -> CaseResult:
    n, p, t = size
    console.rule(f"{case}: n={n:,} x p={p:,}" + (f" x {t:,} targets" if t > 1 else ""))
    X, Y = make_data(n, p, t)
    grid = make_grid(X)
    description = (
        f"n={n:,} x p={p:,}{f' x {t:,} targets' if t > 1 else ''} float64, "
        f"{N_ALPHAS} alphas {grid[0]:.3g}..{grid[-1]:.3g}"
    )
    if p > n:
        floor: tuple[str, Callable[[], Any]] = ("X @ X.T", lambda: X @ X.T)
    else:
        floor = ("X.T @ X", lambda: X.T @ X)

    def fit(factory: Callable[[], Any]) -> Callable[[], Any]:
        return lambda: factory().fit(X, Y)

    # ours: ridgeway's fit for the case, timed in every round. probed: the peers and ridgeway's
    # 5-fold per target (which is compared with himalaya): see time_case.
    ours: list[tuple[str, Callable[[], Any]]] = []
    probed: list[tuple[str, Callable[[], Any]]] = []
    sk_name: str | None = None
    hm_cls = None if args.skip_sklearn or case != "pertarget" else _import_himalaya(console)
    if case in ("loo", "wide"):
        ours.append(("ridgeway RidgeCV LOO", fit(lambda: rw_cls(alphas=grid))))
        sk_name, sk = "sklearn RidgeCV LOO", lambda: SkRidgeCV(alphas=grid)
    elif case == "gcv":
        ours.append(("ridgeway RidgeCV GCV", fit(lambda: rw_cls(alphas=grid, cv="gcv"))))
    elif case == "kfold":
        ours.append(("ridgeway RidgeCV 5-fold", fit(lambda: rw_cls(alphas=grid, cv=5))))
        sk_name = "sklearn RidgeCV 5-fold"

        def sk() -> Any:
            return SkRidgeCV(alphas=grid, cv=5, scoring="neg_mean_squared_error")

    elif case == "pertarget":
        ours.append(
            (
                "ridgeway RidgeCV LOO per target",
                fit(lambda: rw_cls(alphas=grid, alpha_per_target=True)),
            )
        )
        sk_name = "sklearn RidgeCV LOO per target"

        def sk() -> Any:
            return SkRidgeCV(alphas=grid, alpha_per_target=True)

    else:
        raise ValueError(f"case must be one of {CASES}; got {case!r}")
    if args.skip_sklearn:
        sk_name = None
    if sk_name is not None:
        probed.append((sk_name, fit(sk)))
    rw_kf, hm_name = "ridgeway RidgeCV 5-fold per target", "himalaya RidgeCV 5-fold per target"
    if hm_cls is not None:
        probed.append((rw_kf, fit(lambda: rw_cls(alphas=grid, cv=5, alpha_per_target=True))))
        probed.append((hm_name, fit(lambda: hm_cls(alphas=grid, cv=5, fit_intercept=True))))

    res = time_case(case, description, floor, ours, probed, args, console)
    _goal_note(res, ours[0][0], GOALS[case])

    checks = Checks()
    out = res.outputs
    with warnings.catch_warnings():
        # the grid is scaled for the full data; on the check slice its optimum may be an edge
        warnings.filterwarnings("ignore", message=".*edge of the grid")
        if case in ("loo", "wide", "pertarget"):
            check_loo(rw_cls, X, Y, grid, checks)
        elif case == "gcv":
            check_gcv(rw_cls, X, Y, grid, checks)
        else:
            check_kfold(rw_cls, X, Y, grid, checks)
    if sk_name is not None:
        mine, theirs = out[ours[0][0]], out[sk_name]
        checks.add("alpha_ = sklearn's on the full data", *_same_alpha(mine.alpha_, theirs.alpha_))
        if case == "kfold":
            idx = int(np.searchsorted(mine.cv_results_["alphas"], mine.alpha_))
            checks.add(
                "5-fold MSE at alpha_ = sklearn's best_score_ on the full data",
                *_same_curve(mine.cv_results_["mean"][idx], -theirs.best_score_),
            )
    if hm_cls is not None:
        checks.add(
            "5-fold alpha_ = himalaya's best_alphas_ on the full data",
            *_same_alpha(out[rw_kf].alpha_, out[hm_name].best_alphas_),
        )
    checks.into(res)
    return res


def _import_himalaya(console: Console) -> Any | None:
    try:
        from himalaya.backend import set_backend
        from himalaya.ridge import RidgeCV as HmRidgeCV
    except ImportError:
        console.print("himalaya is not installed: its per-target contender is skipped.")
        return None
    set_backend("numpy", on_error="raise")
    return HmRidgeCV


# ---------------------------------------------------------------------------------- memory


def _proc_status_bytes(key: str) -> int:
    """A ``kB`` line of /proc/self/status (VmRSS, VmHWM), in bytes."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) * 1024
    raise OSError(f"{key} not in /proc/self/status")


def _rss_child(n: int, p: int) -> None:
    """In a fresh interpreter: peak resident set growth of one fit, as JSON on stdout.

    On Linux the peak RSS (VmHWM) is reset right before the fit (``5`` to
    /proc/self/clear_refs), so the growth is VmHWM after the fit minus VmRSS before it. The
    ``ru_maxrss`` fallback is weaker: it may carry the parent's peak over the exec.
    """
    from ridgeway import RidgeCV

    X, y = make_data(n, p, 1)
    grid = make_grid(X)
    gc.collect()
    try:
        Path("/proc/self/clear_refs").write_text("5")
        before, method = _proc_status_bytes("VmRSS"), "VmHWM"
    except OSError:
        before, method = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024, "ru_maxrss"
    RidgeCV(alphas=grid).fit(X, y)
    if method == "VmHWM":
        peak = _proc_status_bytes("VmHWM")
    else:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux
    print(json.dumps({"method": method, "before": before, "peak": peak, "x_bytes": X.nbytes}))


def _traced_peak(fn: Callable[[], Any]) -> int:
    """Peak bytes traced by tracemalloc while ``fn`` runs, above what was traced before."""
    gc.collect()
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        fn()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return peak - base


def _traced_rows(
    n: int, p: int, rw_cls: Any, skip_sklearn: bool, console: Console
) -> tuple[list[dict[str, Any]], int]:
    """tracemalloc peak of each fit on fresh (n, p) data, and the bytes of X."""
    X, y = make_data(n, p, 1)
    grid = make_grid(X)
    contenders: list[tuple[str, Callable[[], Any]]] = [
        ("ridgeway RidgeCV LOO", lambda: rw_cls(alphas=grid).fit(X, y))
    ]
    if not skip_sklearn:
        contenders.append(("sklearn RidgeCV LOO", lambda: SkRidgeCV(alphas=grid).fit(X, y)))
    rows = []
    for name, fn in contenders:
        if name.startswith("ridgeway"):
            fn()  # untraced: lazy imports and caches are not the fit's memory
        peak = _traced_peak(fn)
        rows.append({"name": name, "peak_bytes": peak, "ratio": peak / X.nbytes})
        console.print(f"  {name}: peak {peak / 2**20:,.0f} MiB", markup=False, highlight=False)
    return rows, X.nbytes


def run_memory(
    size: tuple[int, int, int], rw_cls: Any, args: argparse.Namespace, console: Console
) -> dict[str, Any]:
    n, p, _ = size
    console.rule(f"memory: n={n:,} x p={p:,}")
    rows, x_bytes = _traced_rows(n, p, rw_cls, args.skip_sklearn, console)
    gc.collect()  # the data are gone before the subprocess builds its own copy
    result: dict[str, Any] = {
        "case": "memory",
        "description": f"n={n:,} x p={p:,} float64, {N_ALPHAS} alphas, exact LOO",
        "x_bytes": x_bytes,
        "tracemalloc": rows,
        "goal": GOALS["memory"],
    }
    cmd = [sys.executable, str(Path(__file__).resolve()), "--rss-child", str(n), str(p)]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode == 0:
        rss = json.loads(proc.stdout.strip().splitlines()[-1])
        rss["ratio"] = (rss["peak"] - rss["before"]) / rss["x_bytes"]
        result["rss"] = rss
    else:
        result["rss"] = {"error": proc.stderr.strip().splitlines()[-1:]}
    return result


def print_memory(console: Console, mem: dict[str, Any]) -> None:
    mib = 2**20
    table = Table(
        title=f"memory: {mem['description']}",
        caption=f"peak added during fit / bytes of X ({mem['x_bytes'] / mib:,.0f} MiB); "
        f"goal for ridgeway <= {mem['goal']:g}",
    )
    table.add_column("measure")
    table.add_column("peak added (MiB)", justify="right")
    table.add_column("/ X.nbytes", justify="right")
    for row in mem["tracemalloc"]:
        table.add_row(
            f"{row['name']} (tracemalloc)", f"{row['peak_bytes'] / mib:,.0f}", f"{row['ratio']:.2f}"
        )
    rss = mem["rss"]
    if "ratio" in rss:
        grown = rss["peak"] - rss["before"]
        table.add_row(
            f"ridgeway RidgeCV LOO (peak RSS growth, {rss['method']}, fresh process)",
            f"{grown / mib:,.0f}",
            f"{rss['ratio']:.2f}",
        )
    console.print(table)
    if "error" in rss:
        console.print(f"  RSS subprocess failed: {rss['error']}", markup=False)
    ours = mem["tracemalloc"][0]["ratio"]
    verdict = "met" if ours <= mem["goal"] else "NOT met"
    console.print(f"  goal: ridgeway peak <= {mem['goal']:g}x X.nbytes: {verdict} ({ours:.2f}x)")


# ------------------------------------------------------------------------------------ main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    parser.add_argument("--case", choices=[*CASES, "all"], default="all")
    parser.add_argument(
        "--skip-sklearn",
        action="store_true",
        help="time ridgeway only (no scikit-learn or himalaya timings; the checks still run)",
    )
    parser.add_argument("--rss-child", nargs=2, type=int, help=argparse.SUPPRESS)
    add_common_arguments(parser)
    parser.set_defaults(rounds=5)
    args = parser.parse_args(argv)
    if args.rss_child:
        _rss_child(*args.rss_child)
        return 0

    console = Console()
    env = environment(("numpy", "scipy", "scikit-learn", "himalaya"))
    print_environment(console, env)
    try:
        from ridgeway import RidgeCV
    except ImportError as exc:
        console.print(
            f"ridgeway.RidgeCV is not importable ({exc}). Install the package first: "
            "pip install -e .",
            style="bold red",
            markup=False,
        )
        return 2

    sizes = SIZES["quick" if args.quick else "full"]
    cases = list(CASES) if args.case == "all" else [args.case]
    results: list[CaseResult] = []
    memory: dict[str, Any] | None = None
    for case in cases:
        if case == "memory":
            memory = run_memory(sizes[case], RidgeCV, args, console)
        else:
            results.append(run_case(case, sizes[case], RidgeCV, args, console))

    console.rule("results")
    print_results(console, results, args.rounds)
    if memory is not None:
        print_memory(console, memory)
    if args.json:
        settings = {
            "seed": SEED,
            "n_alphas": N_ALPHAS,
            "grid_span_times_mean_eigenvalue": GRID_SPAN,
            "rounds": args.rounds,
            "warmup": max(args.warmup, 1),
            "slow_limit_seconds": SLOW_LIMIT,
            "quick": args.quick,
            "skip_sklearn": args.skip_sklearn,
            "sizes": {case: sizes[case] for case in cases},
            "goals": {case: GOALS[case] for case in cases},
        }
        write_json(args.json, env, results, settings)
        if memory is not None:
            payload = json.loads(Path(args.json).read_text(encoding="utf-8"))
            payload["memory"] = memory
            Path(args.json).write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
        console.print(f"JSON written to {args.json}")
    return 1 if any(r.notes.get(CHECKS) is False for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
