"""Dask fits on a distributed cluster of 2 worker processes, and through the loss of a worker."""

from __future__ import annotations

import os
import signal
import sys
import threading
import time

import numpy as np
import pytest

distributed = pytest.importorskip("distributed")
cloudpickle = pytest.importorskip("cloudpickle")
import dask.array as da  # noqa: E402
import dask.dataframe as dd  # noqa: E402
import pandas as pd  # noqa: E402

from ridgeway import RidgeCV  # noqa: E402
from ridgeway.selection.folds import HashKFold  # noqa: E402

# the workers cannot import this test module: its functions travel by value
cloudpickle.register_pickle_by_value(sys.modules[__name__])

pytestmark = pytest.mark.filterwarnings(
    "ignore::ridgeway.selection.curve.GridEdgeWarning",
    # a killed worker makes distributed warn and log about the lost connection
    "ignore::UserWarning:distributed",
    "ignore::ResourceWarning",
)


@pytest.fixture(scope="module")
def client():
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=50,
        ) as cluster,
        distributed.Client(cluster, timeout="60s") as c,
    ):
        c.wait_for_workers(2, timeout=60)
        yield c


def _data(n=400, p=5, t=2, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p)) * rng.uniform(0.5, 3, p) + rng.normal(size=p)
    Y = X @ rng.normal(size=(p, t)) + rng.normal(size=(n, t)) * 3.0
    w = rng.uniform(0.2, 3.0, n)
    return X, Y, w


def _close(a, b, rtol=1e-10):
    np.testing.assert_allclose(a, b, rtol=rtol, atol=rtol * np.max(np.abs(b)))


def _same(got, ref):
    _close(got.coef_, ref.coef_)
    _close(got.alpha_, ref.alpha_)
    _close(got.cv_results_["mean"], ref.cv_results_["mean"])
    _close(got.cv_results_["se"], ref.cv_results_["se"])


@pytest.mark.parametrize("cv", [None, 4], ids=repr)
def test_fit_on_local_cluster(client, cv):
    X, Y, w = _data()
    ref = RidgeCV(cv=None if cv is None else HashKFold(cv)).fit(X, Y, sample_weight=w)
    dX = da.from_array(X, chunks=(45, 5))
    got = RidgeCV(cv=cv).fit(dX, da.from_array(Y, chunks=(45, 2)), sample_weight=w)
    _same(got, ref)
    df = pd.DataFrame(X, columns=list("abcde")).assign(y=Y[:, 0], w=w)
    ddf = dd.from_pandas(df, npartitions=6)
    ref1 = RidgeCV(cv=None if cv is None else HashKFold(cv)).fit(X, Y[:, 0], sample_weight=w)
    got1 = RidgeCV(cv=cv).fit(ddf[list("abcde")], ddf["y"], sample_weight=ddf["w"])
    _same(got1, ref1)
    assert list(got1.feature_names_in_) == list("abcde")
    pred = got1.predict(ddf[list("abcde")]).compute()
    _close(pred, ref1.predict(X))
    # the tasks ran on the two workers
    ran = client.run(lambda: "ridgeway.scale.dask" in sys.modules)
    assert len(ran) == 2 and all(ran.values())


STALL = 3  # the partition whose read hangs until its worker is killed


def _slow_block(block, log_path, stall_at):
    """Log 'partition pid' and return the features; read number ``stall_at`` of STALL (1 in
    the first pass, 2 in the leave-one-out pass) hangs for 30 s."""
    part = int(block[0, -1])
    seen = open(log_path).read().split()[::2] if os.path.exists(log_path) else []
    with open(log_path, "a") as f:
        f.write(f"{part} {os.getpid()}\n")
    stall = part == STALL and seen.count(str(part)) == stall_at - 1
    time.sleep(30.0 if stall else 0.02)
    return block[:, :-1]


def _starts(log_path):
    lines = open(log_path).read().split() if os.path.exists(log_path) else []
    return [(int(a), int(b)) for a, b in zip(lines[::2], lines[1::2], strict=True)]


def _kill_stalled_worker(client, log_path, stall_at, done, record):
    """SIGKILL the worker process running the stalled read of partition STALL."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not done.is_set():
        runs = [pid for part, pid in _starts(log_path) if part == STALL]
        if len(runs) >= stall_at:
            pid = runs[stall_at - 1]
            assert pid in set(client.run(os.getpid).values())
            os.kill(pid, signal.SIGKILL)
            record.update(pid=pid)
            return
        time.sleep(0.01)


@pytest.mark.parametrize("stall_at", [1, 2], ids=["first pass", "leave-one-out pass"])
def test_worker_killed_mid_pass(client, tmp_path, stall_at):
    client.wait_for_workers(2, timeout=60)  # the nanny's replacement of a killed worker
    X, Y, w = _data(n=480, seed=1)
    ref = RidgeCV().fit(X, Y, sample_weight=w)  # exact LOO: two passes over the data
    parts = 16
    rows = X.shape[0] // parts
    tagged = np.hstack([X, np.repeat(np.arange(parts), rows)[:, None]])
    log_path = str(tmp_path / "starts.log")
    dX = da.from_array(tagged, chunks=(rows, X.shape[1] + 1)).map_blocks(
        _slow_block, log_path, stall_at, chunks=(rows, X.shape[1]), dtype=float
    )
    done, record = threading.Event(), {}
    killer = threading.Thread(
        target=_kill_stalled_worker,
        args=(client, log_path, stall_at, done, record),
        daemon=True,
    )
    killer.start()
    try:
        got = RidgeCV().fit(dX, Y, sample_weight=w)
    finally:
        done.set()
        killer.join(timeout=10)
    # the pass could not finish without the kill: the stalled read was redone elsewhere
    assert record, "the stalled partition never started"
    _same(got, ref)
    starts = _starts(log_path)
    runs = [pid for part, pid in starts if part == STALL]
    assert len(runs) >= stall_at + 1 and runs[stall_at - 1] == record["pid"]
    assert all(pid != record["pid"] for pid in runs[stall_at:])
    # the first pass and the leave-one-out pass each read every partition
    assert {part for part, _ in starts} == set(range(parts))
    assert len(starts) >= 2 * parts + 1
