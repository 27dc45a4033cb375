"""Stream a Parquet file about 3× larger than the memory budget through ``RidgeCV(cv=5)``.

Writes (once, into ``--dir``) a Parquet file of ``--rows`` × ``--features`` float64 columns plus
a target (default 7,500,000 × 100: about 6 GB; pyarrow's default writer settings, row groups of
250,000 rows), then, in a fresh child process, fits ``fit_source(RidgeCV(cv=5), path, "y",
max_memory=--budget)`` and reports:

- the peak resident memory of the child above its baseline after imports (Linux: VmHWM,
  reset after the imports; ``ru_maxrss`` would carry the parent's peak over), against the
  budget;
- throughput: rows/s and GB/s of file read;
- the ratio of that throughput to the in-memory Gram computation on the same rows:
  ``Moments.from_array`` (centred XᵀX, Xᵀy of X already in memory, the floor of any fit) and
  the bare ``X.T @ X``, timed on the first ``--gram-rows`` rows (medians of ``--repeats``
  rounds) and scaled per row.

The fitted coefficients are checked against the generating ones. The big file is deleted at the
end unless ``--keep``. The machine may be shared: figures are as measured under its load.

Run from the repository root::

    python benchmarks/bench_stream.py --dir /path/to/cache            # full size
    python benchmarks/bench_stream.py --dir /path/to/cache --rows 500000 --budget 300MB
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

CHILD = """
import json, sys, time
import numpy as np
from ridgeway import RidgeCV, fit_source
import ridgeway.scale.streaming, pyarrow.parquet

def status(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    raise RuntimeError(field)

def start_peak():
    # ru_maxrss survives exec (Linux keeps the parent's peak at fork in the child's), so
    # the peak is read from VmHWM, reset here by writing 5 to clear_refs
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")
    return status("VmRSS")

path, budget, cv = sys.argv[1], sys.argv[2], int(sys.argv[3])
base = start_peak()
start = time.perf_counter()
model = fit_source(RidgeCV(cv=cv), path, "y", max_memory=budget, progress=False)
seconds = time.perf_counter() - start
print(json.dumps({"growth": status("VmHWM") - base, "base": base, "seconds": seconds,
                  "alpha": float(model.alpha_), "coef": model.coef_.tolist()}))
"""


def _beta(p: int) -> np.ndarray:
    return np.random.default_rng(12345).normal(size=p)


def write_file(path: Path, rows: int, p: int) -> None:
    """rows × p standard normal features and y = X β + noise, in row groups of 250,000."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = np.random.default_rng(0)
    beta = _beta(p)
    step = 250_000
    schema = pa.schema([(f"x{j}", pa.float64()) for j in range(p)] + [("y", pa.float64())])
    tmp = path.with_suffix(".partial")
    with pq.ParquetWriter(tmp, schema) as writer:
        for start in range(0, rows, step):
            c = min(step, rows - start)
            X = rng.standard_normal((c, p))
            y = X @ beta + rng.standard_normal(c)
            writer.write_table(pa.table({**{f"x{j}": X[:, j] for j in range(p)}, "y": y}))
    tmp.rename(path)


def gram_rates(path: Path, rows: int, repeats: int) -> dict[str, float]:
    """Rows/s of the in-memory Gram computations on the first ``rows`` rows."""
    import pyarrow.parquet as pq

    from ridgeway.core.moments import Moments

    pf = pq.ParquetFile(path)
    batch = next(pf.iter_batches(batch_size=rows))
    names = [n for n in batch.schema.names if n != "y"]
    X = np.column_stack([batch.column(n).to_numpy() for n in names])
    y = batch.column("y").to_numpy()
    n = X.shape[0]
    del batch
    out = {}
    for name, fn in (
        ("Moments.from_array", lambda: Moments.from_array(X, y)),
        ("X.T @ X", lambda: X.T @ X),
    ):
        times = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t0)
        out[name] = n / statistics.median(times)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", required=True, help="where the Parquet file is written/cached")
    parser.add_argument("--rows", type=int, default=7_500_000)
    parser.add_argument("--features", type=int, default=100)
    parser.add_argument("--budget", default="2GB")
    parser.add_argument("--cv", type=int, default=5)
    parser.add_argument("--gram-rows", type=int, default=500_000)
    parser.add_argument("--repeats", type=int, default=5, help="rounds of the Gram timings")
    parser.add_argument("--fits", type=int, default=1, help="streamed fits (median reported)")
    parser.add_argument("--keep", action="store_true", help="keep the Parquet file")
    args = parser.parse_args()

    from ridgeway.scale.memory import format_bytes, parse_memory

    folder = Path(args.dir)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"stream_{args.rows}x{args.features}.parquet"
    if not path.exists():
        t0 = time.perf_counter()
        write_file(path, args.rows, args.features)
        print(f"wrote {path.name} in {time.perf_counter() - t0:.0f} s")
    size = path.stat().st_size
    budget = parse_memory(args.budget)
    try:
        runs = []
        for _ in range(args.fits):
            res = subprocess.run(
                [sys.executable, "-c", CHILD, str(path), args.budget, str(args.cv)],
                capture_output=True,
                text=True,
                env=os.environ.copy(),
            )
            if res.returncode != 0:
                print(res.stderr, file=sys.stderr)
                return 1
            runs.append(json.loads(res.stdout.strip().splitlines()[-1]))
        seconds = statistics.median(r["seconds"] for r in runs)
        growth = max(r["growth"] for r in runs)
        err = float(np.max(np.abs(np.asarray(runs[0]["coef"]) - _beta(args.features))))
        rates = gram_rates(path, min(args.gram_rows, args.rows), args.repeats)
    finally:
        if not args.keep:
            path.unlink(missing_ok=True)
    rows_s = args.rows / seconds
    print(f"file: {args.rows:,} rows × {args.features + 1} float64 columns, {format_bytes(size)}")
    print(f"budget: {format_bytes(budget)} (file / budget = {size / budget:.2f})")
    print(
        f"peak RSS above baseline: {format_bytes(growth)} ({growth / budget:.2f} of the budget; "
        f"baseline after imports {format_bytes(runs[0]['base'])})"
    )
    print(
        f"RidgeCV(cv={args.cv}) streamed: {seconds:.1f} s (median of {len(runs)}), "
        f"{rows_s:,.0f} rows/s, {size / seconds / 1e9:.3f} GB/s; α = {runs[0]['alpha']:.4g}, "
        f"max |coef − β| = {err:.2g}"
    )
    for name, rate in rates.items():
        print(
            f"in-memory {name}: {rate:,.0f} rows/s (median of {args.repeats}, "
            f"{min(args.gram_rows, args.rows):,} rows); streamed / in-memory = {rows_s / rate:.2f}"
        )
    return 0 if err < 0.05 else 1


if __name__ == "__main__":
    raise SystemExit(main())
