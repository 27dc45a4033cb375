"""Memory budgets: parsing, planning, and the peak resident memory of a streamed fit."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from ridgeway.scale.memory import (
    MIN_ROWS,
    USABLE_SHARE,
    default_memory,
    format_bytes,
    parse_memory,
    plan_chunks,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2GB", 2 * 10**9),
        ("2 gb", 2 * 10**9),
        ("512MiB", 512 * 2**20),
        ("1.5GiB", int(1.5 * 2**30)),
        ("100k", 10**5),
        ("10", 10),
        (4096, 4096),
        (1e9, 10**9),
    ],
)
def test_parse_memory(text, expected):
    assert parse_memory(text) == expected


@pytest.mark.parametrize("bad", ["", "2 parsecs", "GB", "-1GB", "1e400", 0, -5])
def test_parse_memory_rejects(bad):
    with pytest.raises(ValueError, match="max_memory must be"):
        parse_memory(bad)
    with pytest.raises(TypeError, match="max_memory must be a number of bytes"):
        parse_memory(True)


def test_default_memory_and_format():
    assert default_memory() > 0
    assert format_bytes(2.5e9) == "2.5 GB" and format_bytes(12) == "12 B"


def test_plan_fits_the_budget_and_grows_with_it():
    kw = dict(n_features=100, n_targets=1, n_columns=101, n_folds=5)
    plans = [plan_chunks(b, **kw) for b in (10**8, 10**9, 4 * 10**9)]
    for plan in plans:
        assert plan.peak_estimate <= plan.budget * USABLE_SHARE
    assert plans[0].rows < plans[1].rows <= plans[2].rows
    loo = plan_chunks(10**9, n_features=100, n_targets=3, n_columns=103, n_alphas=100)
    assert loo.rows < plans[1].rows  # the (rows, α, t) residuals of the second pass
    assert plan_chunks(10**9, **kw, n_rows=500).rows == 500
    csv = plan_chunks(10**8, **kw, fmt="csv")
    assert csv.csv_block_bytes >= 2**16 and csv.peak_estimate <= csv.budget * USABLE_SHARE


def test_plan_refuses_a_budget_too_small_and_says_the_minimum():
    kw = dict(n_features=2000, n_targets=1, n_columns=2001, n_folds=10)
    with pytest.raises(ValueError, match=r"max_memory must be at least ([\d.]+) GB for 2000") as e:
        plan_chunks(10**8, **kw)
    need = float(e.value.args[0].split("at least ")[1].split(" GB")[0]) * 1e9
    plan = plan_chunks(int(need * 1.01), **kw)
    assert plan.rows >= MIN_ROWS


_CHILD = textwrap.dedent(
    """
    import json, sys
    import numpy as np
    from ridgeway import RidgeCV, fit_source
    import ridgeway.scale.streaming  # imports done before the baseline
    import pyarrow.parquet

    def status(field):
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) * 1024
        raise RuntimeError(field)

    path, budget = sys.argv[1], int(sys.argv[2])
    with open("/proc/self/clear_refs", "w") as f:  # resets VmHWM to the current RSS
        f.write("5")
    base = status("VmRSS")
    model = fit_source(RidgeCV(cv=5), path, "y", max_memory=budget, progress=False)
    print(json.dumps({"growth": status("VmHWM") - base, "coef": model.coef_.tolist()}))
    """
)

SLACK = 48 * 10**6
"""The stated constant above the budget: Arrow's thread pools and allocator arenas, BLAS
buffers and the interpreter's own small allocations (measured at 10–30 MB)."""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/status")
@pytest.mark.parametrize(("fmt", "rows", "budget"), [("parquet", 1_600_000, 80 * 10**6)])
def test_peak_memory_stays_within_the_budget(tmp_path, fmt, rows, budget):
    """A Parquet file 3× the budget is fitted (5-fold RidgeCV) with the peak resident memory
    of the fitting process, above its baseline after imports, under budget + SLACK.

    The child's peak is VmHWM (reset after the imports through /proc/self/clear_refs), not
    ``ru_maxrss``, which Linux carries over from the parent across fork and exec."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    p = 20
    rng = np.random.default_rng(0)
    beta = rng.normal(size=p)
    path = tmp_path / "big.parquet"
    schema = pa.schema([(f"x{j}", pa.float64()) for j in range(p)] + [("y", pa.float64())])
    # without dictionary pages (random floats gain nothing from them; with them the reader
    # holds about 2 MB more per column, which the plan counts from the footers)
    with pq.ParquetWriter(path, schema, use_dictionary=False) as writer:
        for _start in range(0, rows, 200_000):
            X = rng.standard_normal((200_000, p))
            y = X @ beta + rng.standard_normal(200_000)
            cols = {f"x{j}": X[:, j] for j in range(p)} | {"y": y}
            writer.write_table(pa.table(cols))
    assert path.stat().st_size > 3 * budget
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, str(path), str(budget)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert 0 < result["growth"] < budget + SLACK, (result["growth"], budget)
    np.testing.assert_allclose(result["coef"], beta, atol=0.01)  # the fit is the real one
