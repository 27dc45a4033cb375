"""Tests of the ridgeway command line, in-process through main() and once as a subprocess."""

from __future__ import annotations

import csv
import io
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sklearn.linear_model import Ridge as SklearnRidge

import ridgeway
from ridgeway.cli import main
from ridgeway.datasets import load_prostate
from ridgeway.linear_model import Ridge

PROSTATE_CSV = Path(ridgeway.__file__).parent / "datasets" / "data" / "prostate.csv"
FEATURES = ("lcavol", "lweight", "age", "lbph", "svi", "lcp", "gleason", "pgg45")
NUMBER = r"(-?\d[\d.]*(?:e[+-]?\d+)?|-?inf|nan)"


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _values(out: str) -> dict[str, float]:
    """Parse the "name   number" rows of the printed tables."""
    values = {}
    for line in out.splitlines():
        m = re.fullmatch(r"\s*(.+?)\s{2,}" + NUMBER + r"\s*", line)
        if m:
            values[m.group(1)] = float(m.group(2))
    return values


def _read_csv(text: str) -> tuple[list[str], np.ndarray]:
    rows = list(csv.reader(io.StringIO(text)))
    return rows[0], np.array(rows[1:], dtype=float)


def _write_csv(path: Path, columns: dict[str, np.ndarray]) -> Path:
    pa_table = pa.table(columns)
    names = pa_table.column_names
    lines = [",".join(names)]
    for i in range(pa_table.num_rows):
        lines.append(",".join(repr(pa_table.column(c)[i].as_py()) for c in names))
    path.write_text("\n".join(lines) + "\n")
    return path


def _assert_error(code: int, out: str, err: str, *fragments: str) -> None:
    assert code == 2
    assert err.endswith("\n") and err.count("\n") == 1, err
    assert err.startswith("error: ")
    assert "Traceback" not in err
    for fragment in fragments:
        assert fragment in err, (fragment, err)


@pytest.fixture
def synthetic(tmp_path: Path) -> tuple[Path, dict[str, np.ndarray]]:
    rng = np.random.default_rng(5)
    n = 60
    cols: dict[str, np.ndarray] = {
        "a": rng.normal(size=n),
        "b": rng.normal(size=n) * 10 + 3,
        "c": rng.integers(0, 5, size=n).astype(np.int64),
    }
    cols["target"] = 1.5 * cols["a"] - 0.2 * cols["b"] + 0.7 * cols["c"] + rng.normal(size=n)
    return _write_csv(tmp_path / "train.csv", cols), cols


# --- the demo ---------------------------------------------------------------------------------


def test_default_run_on_prostate(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, "fit")
    assert code == 0, err
    assert err == ""
    assert "\x1b[" not in out  # no terminal codes when not writing to a terminal
    assert "prostate" in out and "train split" in out
    assert "Ridge regression of lpsa" in out
    values = _values(out)
    train, test = load_prostate(split="train"), load_prostate(split="test")
    reference = SklearnRidge(alpha=1.0).fit(train.data, train.target)
    for name, coef in zip(FEATURES, reference.coef_, strict=True):
        assert values[name] == pytest.approx(coef, rel=1e-5), name
    assert values["(intercept)"] == pytest.approx(reference.intercept_, rel=1e-5)
    pred = reference.predict(test.data)
    assert values["MSE (test)"] == pytest.approx(np.mean((test.target - pred) ** 2), rel=1e-5)
    assert values["R² (test)"] == pytest.approx(reference.score(test.data, test.target), rel=1e-5)
    assert values["R² (training)"] == pytest.approx(
        reference.score(train.data, train.target), rel=1e-5
    )
    assert values["test rows"] == 30
    assert values["alpha"] == 1
    # effective degrees of freedom: Σ d²/(d² + α) over the singular values of centred X
    d = np.linalg.svd(train.data - train.data.mean(axis=0), compute_uv=False)
    assert values["effective df"] == pytest.approx(np.sum(d**2 / (d**2 + 1.0)), rel=1e-5)
    assert "67 × 8" in out
    assert re.search(r"solver\s+(eigh|dual|svd|cholesky)\b", out)


def test_default_run_standardized(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "fit", "--standardize", "--alpha", "5")
    assert code == 0
    values = _values(out)
    train = load_prostate(split="train")
    sd = train.data.std(axis=0)  # divisor n, as documented for standardize=True
    reference = SklearnRidge(alpha=5.0).fit(train.data / sd, train.target)
    for name, coef in zip(FEATURES, reference.coef_ / sd, strict=True):
        assert values[name] == pytest.approx(coef, rel=1e-5), name
    assert re.search(r"standardize\s+yes", out)


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "--version")
    assert code == 0
    assert out.strip() == f"ridgeway {ridgeway.__version__}"


def test_help(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "fit", "--help")
    assert code == 0
    assert "--target" in out and "--standardize" in out


# --- fitting files ----------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_fit_file(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    synthetic: tuple[Path, dict[str, np.ndarray]],
    fmt: str,
) -> None:
    path, cols = synthetic
    if fmt == "parquet":
        path = tmp_path / "train.parquet"
        pq.write_table(pa.table(cols), path)
    code, out, err = _run(capsys, "fit", str(path), "--target", "target", "--alpha", "3")
    assert code == 0, err
    X = np.column_stack([cols["a"], cols["b"], cols["c"]])
    reference = SklearnRidge(alpha=3.0).fit(X, cols["target"])
    values = _values(out)
    for name, coef in zip("abc", reference.coef_, strict=True):
        assert values[name] == pytest.approx(coef, rel=1e-5)
    assert values["(intercept)"] == pytest.approx(reference.intercept_, rel=1e-5)
    assert values["R² (training)"] == pytest.approx(reference.score(X, cols["target"]), rel=1e-5)
    assert "MSE (test)" not in out
    assert "60 × 3" in out


def test_fit_features_option(
    capsys: pytest.CaptureFixture[str], synthetic: tuple[Path, dict[str, np.ndarray]]
) -> None:
    path, cols = synthetic
    code, out, _ = _run(capsys, "fit", str(path), "--target", "target", "--features", "c,a")
    assert code == 0
    reference = SklearnRidge(alpha=1.0).fit(np.column_stack([cols["c"], cols["a"]]), cols["target"])
    values = _values(out)
    assert "b" not in values
    assert values["c"] == pytest.approx(reference.coef_[0], rel=1e-5)
    assert values["a"] == pytest.approx(reference.coef_[1], rel=1e-5)


# --- save and predict -------------------------------------------------------------------------


def test_save_predict_round_trip(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    synthetic: tuple[Path, dict[str, np.ndarray]],
) -> None:
    path, cols = synthetic
    model_path = tmp_path / "model.npz"
    code, out, _ = _run(capsys, "fit", str(path), "--target", "target", "--save", str(model_path))
    assert code == 0
    assert model_path.is_file()
    # new data: columns reordered, an extra text column and no target
    rng = np.random.default_rng(9)
    new = {
        "note": np.array(["x"] * 7),
        "c": rng.integers(0, 5, size=7),
        "b": rng.normal(size=7),
        "a": rng.normal(size=7),
    }
    new_path = _write_csv(tmp_path / "new.csv", new)
    code, out, err = _run(capsys, "predict", str(model_path), str(new_path))
    assert code == 0, err
    header, pred = _read_csv(out)
    assert header == ["prediction"]
    X = np.column_stack([cols["a"], cols["b"], cols["c"]])
    reference = SklearnRidge(alpha=1.0).fit(X, cols["target"])
    expected = reference.predict(np.column_stack([new["a"], new["b"], new["c"]]))
    np.testing.assert_allclose(pred[:, 0], expected, rtol=1e-10)
    # and the same through -o, to a file; the training file (target included) also works
    out_path = tmp_path / "pred.csv"
    code, out, _ = _run(capsys, "predict", str(model_path), str(path), "-o", str(out_path))
    assert code == 0
    assert "wrote 60 predictions" in out
    header, pred = _read_csv(out_path.read_text())
    np.testing.assert_allclose(pred[:, 0], reference.predict(X), rtol=1e-10)


def test_demo_model_predicts_prostate_csv(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    model_path = tmp_path / "prostate.model"
    code, _, _ = _run(capsys, "fit", "--save", str(model_path))
    assert code == 0
    code, out, err = _run(capsys, "predict", str(model_path), str(PROSTATE_CSV))
    assert code == 0, err
    _, pred = _read_csv(out)
    full, train = load_prostate(), load_prostate(split="train")
    reference = SklearnRidge(alpha=1.0).fit(train.data, train.target)
    np.testing.assert_allclose(pred[:, 0], reference.predict(full.data), rtol=1e-10)


def test_predict_multi_target(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    rng = np.random.default_rng(2)
    X = rng.normal(size=(30, 2))
    Y = np.column_stack([X @ [1.0, 2.0], X @ [-1.0, 0.5], X[:, 0]])
    model = Ridge(alpha=0.5).fit(pa.table({"u": X[:, 0], "v": X[:, 1]}), Y)
    model_path = tmp_path / "multi.npz"
    model.save(str(model_path))
    data_path = _write_csv(tmp_path / "x.csv", {"u": X[:, 0], "v": X[:, 1]})
    code, out, _ = _run(capsys, "predict", str(model_path), str(data_path))
    assert code == 0
    header, pred = _read_csv(out)
    assert header == ["prediction_0", "prediction_1", "prediction_2"]
    expected = SklearnRidge(alpha=0.5).fit(X, Y).predict(X)
    np.testing.assert_allclose(pred, expected, rtol=1e-10)


def test_predict_model_without_feature_names(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    rng = np.random.default_rng(3)
    X = rng.normal(size=(20, 2))
    y = X @ [3.0, -1.0]
    model_path = tmp_path / "plain.npz"
    Ridge().fit(X, y).save(str(model_path))
    good = _write_csv(tmp_path / "good.csv", {"p": X[:, 0], "q": X[:, 1]})
    code, out, _ = _run(capsys, "predict", str(model_path), str(good))
    assert code == 0
    np.testing.assert_allclose(_read_csv(out)[1][:, 0], SklearnRidge().fit(X, y).predict(X))
    bad = _write_csv(tmp_path / "bad.csv", {"p": X[:, 0], "q": X[:, 1], "y": y})
    _assert_error(*_run(capsys, "predict", str(model_path), str(bad)), "exactly 2 columns")


def test_overwrite_refusal(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    synthetic: tuple[Path, dict[str, np.ndarray]],
) -> None:
    path, _ = synthetic
    model_path = tmp_path / "m.npz"
    assert _run(capsys, "fit", "--save", str(model_path))[0] == 0
    before = model_path.read_bytes()
    code, out, err = _run(capsys, "fit", str(path), "--target", "target", "--save", str(model_path))
    _assert_error(code, out, err, "--force", str(model_path))
    assert out == ""  # refused before fitting
    assert model_path.read_bytes() == before
    code, _, _ = _run(
        capsys, "fit", str(path), "--target", "target", "--save", str(model_path), "--force"
    )
    assert code == 0
    assert model_path.read_bytes() != before
    assert ridgeway.load(str(model_path)).feature_names_in_.tolist() == ["a", "b", "c"]


# --- errors: exit status 2 and one line -------------------------------------------------------


def test_error_missing_data_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    missing = str(tmp_path / "nope.csv")
    _assert_error(*_run(capsys, "fit", missing, "--target", "y"), missing)


def test_error_unknown_target_lists_columns(
    capsys: pytest.CaptureFixture[str], synthetic: tuple[Path, dict[str, np.ndarray]]
) -> None:
    path, _ = synthetic
    code, out, err = _run(capsys, "fit", str(path), "--target", "price")
    _assert_error(code, out, err, "'price'", "'a', 'b', 'c', 'target'")


def test_error_non_numeric_column(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, "fit", str(PROSTATE_CSV), "--target", "lpsa")
    _assert_error(code, out, err, "column 'train' must be numeric", "--features")


def test_error_missing_values(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "holes.csv"
    path.write_text("x,y\n1,2\n,3\n4,5\n")
    _assert_error(*_run(capsys, "fit", str(path), "--target", "y"), "column 'x'", "1 missing")


@pytest.mark.parametrize("content", ["", "x,y\n"])
def test_error_empty_file(capsys: pytest.CaptureFixture[str], tmp_path: Path, content: str) -> None:
    path = tmp_path / "empty.csv"
    path.write_text(content)
    _assert_error(*_run(capsys, "fit", str(path), "--target", "y"), "empty")


def test_error_unknown_extension(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "data.xlsx"
    path.write_text("x")
    _assert_error(*_run(capsys, "fit", str(path), "--target", "y"), ".parquet")


def test_error_target_required_with_data(
    capsys: pytest.CaptureFixture[str], synthetic: tuple[Path, dict[str, np.ndarray]]
) -> None:
    _assert_error(*_run(capsys, "fit", str(synthetic[0])), "--target is required")


def test_error_demo_target(capsys: pytest.CaptureFixture[str]) -> None:
    _assert_error(*_run(capsys, "fit", "--target", "age"), "'lpsa'")


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["fit", "--alpha", "-1"], "alpha must be non-negative"),
        (["fit", "--alpha", "lots"], "invalid float value"),
        ([], "COMMAND"),
        (["frobnicate"], "invalid choice"),
        (["predict", "only-one-argument"], "required"),
    ],
)
def test_error_usage(capsys: pytest.CaptureFixture[str], argv: list[str], fragment: str) -> None:
    _assert_error(*_run(capsys, *argv), fragment)


def test_error_bad_model_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    fake = tmp_path / "model.npz"
    fake.write_bytes(b"PK\x03\x04 truncated")
    code, out, err = _run(capsys, "predict", str(fake), str(PROSTATE_CSV))
    _assert_error(code, out, err, "is not a ridgeway model file (truncated or corrupted)")
    assert out == ""


def test_error_missing_model_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    missing = str(tmp_path / "absent.npz")
    _assert_error(*_run(capsys, "predict", missing, str(PROSTATE_CSV)), missing)


def test_error_predict_missing_feature_column(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    synthetic: tuple[Path, dict[str, np.ndarray]],
) -> None:
    path, cols = synthetic
    model_path = tmp_path / "m.npz"
    assert _run(capsys, "fit", str(path), "--target", "target", "--save", str(model_path))[0] == 0
    partial = _write_csv(tmp_path / "partial.csv", {"a": cols["a"], "c": cols["c"]})
    code, out, err = _run(capsys, "predict", str(model_path), str(partial))
    _assert_error(code, out, err, "'b'", "available: 'a', 'c'")


# --- as a program -----------------------------------------------------------------------------


def test_subprocess_module_entry(tmp_path: Path) -> None:
    ok = subprocess.run(
        [sys.executable, "-m", "ridgeway.cli", "fit"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert ok.returncode == 0, ok.stderr
    assert "lcavol" in ok.stdout and "MSE (test)" in ok.stdout
    bad = subprocess.run(
        [sys.executable, "-m", "ridgeway.cli", "fit", str(tmp_path / "nope.csv"), "--target", "y"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert bad.returncode == 2
    assert bad.stderr.startswith("error: ") and bad.stderr.count("\n") == 1
    assert "Traceback" not in bad.stderr
