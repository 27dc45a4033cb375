"""``ridgeway fit`` streams by itself when the data exceed the budget, and reports the same fit."""

from __future__ import annotations

import re

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

import ridgeway
from ridgeway.cli import main


@pytest.fixture
def data(tmp_path):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(400, 4)) * [1.0, 2.0, 0.5, 3.0]
    y = X @ [1.0, -0.5, 0.0, 0.2] + rng.normal(size=400) * 2.0
    table = pa.table({**{f"x{j}": X[:, j] for j in range(4)}, "y": y})
    pq.write_table(table, tmp_path / "d.parquet")
    (tmp_path / "parts").mkdir()
    pacsv.write_csv(table.slice(0, 150), tmp_path / "parts" / "a.csv")
    pacsv.write_csv(table.slice(150), tmp_path / "parts" / "b.csv")
    return tmp_path


def _value(out, name):
    return float(re.search(rf"^\s*{re.escape(name)}\s+(-?[0-9.e+-]+)(?:\s|$)", out, re.M).group(1))


@pytest.mark.parametrize("cv", ["gcv", "evidence", "loo"])
def test_streamed_report_matches_in_memory(data, capsys, cv):
    assert main(["fit", str(data / "d.parquet"), "--target", "y", "--cv", cv]) == 0
    mem = capsys.readouterr().out
    assert "streamed (" not in mem
    assert main(["fit", str(data / "d.parquet"), "--target", "y", "--cv", cv, "--stream"]) == 0
    captured = capsys.readouterr()
    out = captured.out
    assert "streamed (--stream): 400 rows" in out
    for name in ("alpha", "effective df", "R² (training)", "x0", "x3", "(intercept)"):
        assert _value(out, name) == pytest.approx(_value(mem, name), rel=1e-5)
    assert "standard errors   not computed: they need the rows in memory" in out
    assert "needs a second pass" in out if cv != "loo" else "pass 2/2" in captured.err


def test_streams_by_itself_over_the_budget_and_saves(data, capsys):
    path = data / "d.parquet"  # 400 rows × 5 columns × 8 = 16 kB in memory
    assert main(["fit", str(path), "--target", "y", "--cv", "5", "--max-memory", "10MB"]) == 0
    assert "streamed (" not in capsys.readouterr().out
    model_path = data / "m.npz"
    args = ["fit", str(path), "--target", "y", "--cv", "5", "--max-memory", "15kB"]
    status = main([*args, "--save", str(model_path)])
    out, err = capsys.readouterr()
    assert status == 2 and "max_memory must be at least" in err  # too small even to stream
    assert not model_path.exists()
    args = ["fit", str(path), "--target", "y", "--cv", "5", "--max-memory", "8MB", "--stream"]
    assert main([*args, "--save", str(model_path)]) == 0
    out = capsys.readouterr().out
    assert "folds: HashKFold(5)" in out and "model saved" in out
    model = ridgeway.load(model_path)
    ref = ridgeway.RidgeCV(cv=ridgeway.HashKFold(5)).fit(
        pq.read_table(path).drop_columns(["y"]).to_pandas(), pq.read_table(path)["y"].to_numpy()
    )
    np.testing.assert_allclose(model.coef_, ref.coef_, rtol=1e-10)


def test_directory_streams(data, capsys):
    assert main(["fit", str(data / "parts"), "--target", "y", "--cv", "gcv"]) == 0
    out = capsys.readouterr().out
    assert "streamed (2 files): 400 rows" in out
    assert main(["fit", str(data / "parts" / "*.csv"), "--target", "y", "--alpha", "2"]) == 0
    assert "streamed (2 files)" in capsys.readouterr().out


def test_classification_is_not_streamed(data, capsys):
    table = pq.read_table(data / "d.parquet").append_column("c", pa.array(["a", "b"] * 200))
    pq.write_table(table, data / "c.parquet")
    assert main(["fit", str(data / "c.parquet"), "--target", "c", "--stream"]) == 2
    assert "classification is not streamed" in capsys.readouterr().err
    args = ["fit", str(data / "d.parquet"), "--target", "y", "--stream", "--task", "classify"]
    assert main(args) == 2
    assert "streaming logistic regression is not supported" in capsys.readouterr().err
