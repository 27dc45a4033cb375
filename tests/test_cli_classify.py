"""Tests of classification in the ridgeway command line: fit --task, the printed tables, predict."""

from __future__ import annotations

import csv
import io
import re
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, log_loss
from sklearn.model_selection import StratifiedKFold

import ridgeway
from ridgeway.cli import main
from ridgeway.linear_model import LogisticRidge, LogisticRidgeCV

NUMBER = r"-?\d[\d.]*(?:e[+-]?\d+)?|-?inf|nan"
PRINTED = 2e-5  # the tables print six significant digits
FEATURES = ("a", "b", "c")


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _assert_error(code: int, out: str, err: str, *fragments: str) -> None:
    assert code == 2
    assert err.endswith("\n") and err.count("\n") == 1, err
    assert err.startswith("error: ")
    assert "Traceback" not in err
    for fragment in fragments:
        assert fragment in err, (fragment, err)


def _write_csv(path: Path, columns: dict[str, Any]) -> Path:
    """A CSV with every float in its shortest round-trip form (so the CLI reads the same X)."""
    names = list(columns)
    lines = [",".join(names)]
    for i in range(len(columns[names[0]])):
        lines.append(",".join(_cell(columns[c][i]) for c in names))
    path.write_text("\n".join(lines) + "\n")
    return path


def _cell(value: Any) -> str:
    if isinstance(value, float | np.floating):
        return repr(float(value))
    return str(value.item() if isinstance(value, np.generic) else value)


def _data(n: int = 72, seed: int = 0) -> dict[str, np.ndarray]:
    """Three features and a latent score z: targets are cut from z plus noise."""
    rng = np.random.default_rng(seed)
    cols = {
        "a": rng.normal(size=n),
        "b": rng.normal(size=n) * 2.0 + 1.0,
        "c": rng.integers(0, 4, size=n).astype(np.float64),
    }
    z = 1.5 * cols["a"] - 0.5 * cols["b"] + 0.4 * cols["c"] + rng.normal(size=n)
    cols["z"] = z
    return cols


def _X(cols: dict[str, np.ndarray]) -> np.ndarray:
    return np.column_stack([cols[f] for f in FEATURES])


# --- parsing the printed tables ---------------------------------------------------------------


def _section(out: str, start: str) -> list[str]:
    """The lines of the table whose title starts with ``start``, up to the next blank line."""
    lines = out.splitlines()
    first = next(i for i, line in enumerate(lines) if line.strip().startswith(start))
    body = []
    for line in lines[first + 1 :]:
        if not line.strip() and any(b.strip() for b in body) and "─" in "".join(body):
            break
        body.append(line)
    return [line for line in body if line.strip()]


def _coefficients(out: str) -> tuple[list[str], dict[str, np.ndarray]]:
    """The coefficient table: its class columns and name -> values (one per column)."""
    rows = _section(out, "Logistic ridge regression of") if "Multinomial" not in out else []
    if not rows:
        rows = _section(out, "Multinomial logistic ridge regression of")
    heads = rows[0].split()[1:]
    table = {}
    for line in rows[2:]:
        m = re.fullmatch(r"\s*(.+?)((?:\s{2,}(?:" + NUMBER + r"))+)\s*", line)
        assert m, line
        table[m.group(1)] = np.array([float(v) for v in m.group(2).split()])
    return heads, table


def _facts(out: str) -> dict[str, str]:
    """The "quantity   value" rows of the summary table."""
    facts = {}
    for line in out.splitlines():
        m = re.fullmatch(r"\s{2}(\S.*?)\s{2,}(\S.*?)\s*", line)
        if m and "─" not in line:
            facts.setdefault(m.group(1), m.group(2))
    return facts


def _metrics(out: str) -> dict[str, list[float | None]]:
    """The log-loss and accuracy rows: [cross-validated, std. error, training] (or [training])."""
    rows = {}
    for line in _section(out, "log-loss and accuracy"):
        m = re.fullmatch(r"\s*(log-loss|accuracy)((?:\s+(?:" + NUMBER + r"|—))+)\s*", line)
        if m:
            rows[m.group(1)] = [None if v == "—" else float(v) for v in m.group(2).split()]
    return rows


def _classes(out: str) -> dict[str, int]:
    """The class table: label -> number of rows."""
    rows = {}
    for line in _section(out, "classes of"):
        m = re.fullmatch(r"\s*(.+?)\s+(\d+)\s+([\d.]+)%\s*", line)
        if m:
            rows[m.group(1)] = int(m.group(2))
    return rows


def _cv_fit(X: np.ndarray, y: np.ndarray, **params: Any) -> LogisticRidgeCV:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return LogisticRidgeCV(**params).fit(X, y)


def _kfold_accuracy(X: np.ndarray, y: np.ndarray, alpha: float, k: int) -> tuple[float, float]:
    """Fold-weighted CV accuracy and its standard error at α, by refitting every fold."""
    acc, size = [], []
    for train, test in StratifiedKFold(k).split(X, y):
        model = LogisticRidge(alpha=alpha, tol=1e-10).fit(X[train], y[train])
        acc.append(accuracy_score(y[test], model.predict(X[test])))
        size.append(test.size)
    a, w = np.array(acc), np.array(size, dtype=float)
    mean = float(a @ w / w.sum())
    return mean, float(np.sqrt((w * (a - mean) ** 2).sum() / w.sum() / (k - 1)))


def _assert_close(printed: float | None, value: float, what: str) -> None:
    assert printed is not None, what
    assert printed == pytest.approx(value, rel=PRINTED, abs=1e-9), what


# --- fit: the printed model equals LogisticRidgeCV's ------------------------------------------


def test_text_target_matches_logistic_ridge_cv(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    cols = _data()
    y = np.where(cols["z"] > 0.3, "yes", "no")
    path = _write_csv(tmp_path / "d.csv", {**{f: cols[f] for f in FEATURES}, "label": y})
    code, out, err = _run(capsys, "fit", str(path), "--target", "label")
    assert code == 0, err
    assert "\x1b[" not in out
    X = _X(cols)
    model = _cv_fit(X, y, cv=5)
    assert model.classes_.tolist() == ["no", "yes"]
    heads, coefs = _coefficients(out)
    assert heads == ["yes"]  # binary: the log-odds of classes_[1]
    assert list(coefs) == ["(intercept)", *FEATURES]
    _assert_close(coefs["(intercept)"][0], model.intercept_[0], "intercept")
    for j, name in enumerate(FEATURES):
        _assert_close(coefs[name][0], model.coef_[0, j], name)
    facts = _facts(out)
    assert facts["task"] == "classification (auto: text labels)"
    assert facts["rows × columns"] == "72 × 3"
    assert facts["classes"] == "2 (binary)"
    _assert_close(float(facts["alpha"]), model.alpha_, "alpha")
    _assert_close(float(facts["C (scikit-learn)"]), 1 / (2 * model.alpha_), "C")
    assert facts["chosen by"] == "5-fold stratified cross-validation, rule min, on log-loss"
    grid = model.cv_results_["alphas"]
    assert facts["alpha grid"] == f"{grid.size} values from {grid[0]:.4g} to {grid[-1]:.4g}"
    idx = int(np.flatnonzero(grid == model.alpha_)[0])
    metrics = _metrics(out)
    loss, loss_se, loss_train = metrics["log-loss"]
    _assert_close(loss, model.cv_results_["log_loss"][idx], "CV log-loss")
    _assert_close(loss_se, model.cv_results_["se"][idx], "se of the CV log-loss")
    _assert_close(loss_train, log_loss(y, model.predict_proba(X)), "training log-loss")
    acc, acc_se, acc_train = metrics["accuracy"]
    _assert_close(acc, model.cv_results_["accuracy"][idx], "CV accuracy")
    ref_acc, ref_se = _kfold_accuracy(X, y, model.alpha_, 5)  # refitting the folds by hand
    _assert_close(acc, ref_acc, "CV accuracy by refitting")
    _assert_close(acc_se, ref_se, "se of the CV accuracy")
    _assert_close(acc_train, accuracy_score(y, model.predict(X)), "training accuracy")
    values, counts = np.unique(y, return_counts=True)
    assert _classes(out) == dict(zip(values.tolist(), counts.tolist(), strict=True))


def test_integer_codes_forced_multinomial(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    cols = _data(seed=1)
    y = np.digitize(cols["z"], [-1.0, 1.0]).astype(np.int64)  # 0, 1, 2
    path = _write_csv(tmp_path / "d.csv", {**{f: cols[f] for f in FEATURES}, "grade": y})
    code, out, _ = _run(capsys, "fit", str(path), "--target", "grade", "--alpha", "1")
    assert code == 0 and "Ridge regression of grade" in out  # auto: three codes are numbers
    code, out, err = _run(
        capsys, "fit", str(path), "--target", "grade", "--task", "classify", "--cv", "4"
    )
    assert code == 0, err
    X = _X(cols)
    model = _cv_fit(X, y, cv=4)
    heads, coefs = _coefficients(out)
    assert "Multinomial logistic ridge regression of grade" in out
    assert heads == ["0", "1", "2"]
    np.testing.assert_allclose(coefs["(intercept)"], model.intercept_, rtol=PRINTED, atol=1e-9)
    for j, name in enumerate(FEATURES):
        np.testing.assert_allclose(coefs[name], model.coef_[:, j], rtol=PRINTED, atol=1e-9)
    facts = _facts(out)
    assert facts["task"] == "classification (--task classify)"
    assert facts["classes"] == "3 (multinomial)"
    _assert_close(float(facts["alpha"]), model.alpha_, "alpha")
    idx = int(np.flatnonzero(model.cv_results_["alphas"] == model.alpha_)[0])
    metrics = _metrics(out)
    _assert_close(metrics["log-loss"][0], model.cv_results_["log_loss"][idx], "log-loss")
    _assert_close(metrics["accuracy"][0], model.cv_results_["accuracy"][idx], "accuracy")
    ref_acc, ref_se = _kfold_accuracy(X, y, model.alpha_, 4)
    _assert_close(metrics["accuracy"][0], ref_acc, "accuracy by refitting")
    _assert_close(metrics["accuracy"][1], ref_se, "se of the accuracy")


def test_alo_rule_1se_standardized(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    cols = _data(seed=2)
    y = cols["z"] > 0
    path = _write_csv(tmp_path / "d.csv", {**{f: cols[f] for f in FEATURES}, "y": y})
    argv = ["fit", str(path), "--target", "y", "--cv", "alo", "--rule", "1se", "--standardize"]
    code, out, err = _run(capsys, *argv)
    assert code == 0, err
    X = _X(cols)
    model = _cv_fit(X, y, cv="alo", rule="1se", standardize=True)
    facts = _facts(out)
    assert facts["task"] == "classification (auto: booleans)"
    assert facts["chosen by"] == "approximate leave-one-out, rule 1se, on log-loss"
    assert facts["standardize"] == "yes"
    _assert_close(float(facts["alpha"]), model.alpha_, "alpha")
    heads, coefs = _coefficients(out)
    assert heads == ["True"]
    for j, name in enumerate(FEATURES):
        _assert_close(coefs[name][0], model.coef_[0, j], name)
    idx = int(np.flatnonzero(model.cv_results_["alphas"] == model.alpha_)[0])
    metrics = _metrics(out)
    _assert_close(metrics["log-loss"][0], model.cv_results_["log_loss"][idx], "ALO log-loss")
    _assert_close(metrics["log-loss"][1], model.cv_results_["se"][idx], "ALO se")
    _assert_close(metrics["accuracy"][0], model.cv_results_["accuracy"][idx], "ALO accuracy")
    acc = _cv_fit(X, y, alphas=[model.alpha_], cv="alo", scoring="accuracy", standardize=True)
    _assert_close(metrics["accuracy"][1], acc.cv_results_["se"][0], "se of the ALO accuracy")
    assert "approximate leave-one-out" in out and "across the 72 rows" in out


def test_fixed_alpha_matches_sklearn(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """--alpha fits LogisticRidge: scikit-learn's LogisticRegression with C = 1/(2α)."""
    cols = _data(seed=3)
    y = np.where(cols["z"] > 0, "up", "down")
    path = _write_csv(tmp_path / "d.csv", {**{f: cols[f] for f in FEATURES}, "move": y})
    code, out, err = _run(capsys, "fit", str(path), "--target", "move", "--alpha", "0.8")
    assert code == 0, err
    X = _X(cols)
    ref = LogisticRegression(C=1 / 1.6, tol=1e-12, max_iter=10_000).fit(X, y)
    heads, coefs = _coefficients(out)
    assert heads == ["up"]
    _assert_close(coefs["(intercept)"][0], ref.intercept_[0], "intercept")
    for j, name in enumerate(FEATURES):
        _assert_close(coefs[name][0], ref.coef_[0, j], name)
    facts = _facts(out)
    assert "chosen by" not in facts and facts["alpha"] == "0.8"
    metrics = _metrics(out)
    assert list(metrics) == ["log-loss", "accuracy"]
    _assert_close(metrics["log-loss"][0], log_loss(y, ref.predict_proba(X)), "training")
    _assert_close(metrics["accuracy"][0], accuracy_score(y, ref.predict(X)), "training")


# --- fit: which task ---------------------------------------------------------------------------


def _target_file(tmp_path: Path, kind: str) -> tuple[Path, np.ndarray]:
    """A data file whose target column ``t`` is of the given kind."""
    cols = _data(n=48, seed=4)
    z = cols["z"]
    features = {f: cols[f] for f in FEATURES}
    if kind == "text":
        t: Any = np.where(z > 0, "b", "a")
    elif kind == "bool":
        t = z > 0
    elif kind == "two-int":
        t = np.where(z > 0, 2, 1)
    elif kind == "two-float":
        t = np.where(z > 0, 1.0, 0.0)
    elif kind == "category":
        t = pd.Categorical(np.where(z > 0.5, "hi", np.where(z < -0.5, "lo", "mid")))
    elif kind == "three-int":
        t = np.digitize(z, [-0.5, 0.5])
    else:  # many numeric values
        t = z
    if kind in ("two-float", "category"):
        path = tmp_path / "d.parquet"
        frame = pd.DataFrame({**features, "t": t})
        pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), path)
    else:
        path = _write_csv(tmp_path / "d.csv", {**features, "t": t})
    return path, np.asarray(t)


@pytest.mark.parametrize(
    ("kind", "task", "classes"),
    [
        ("text", "classification (auto: text labels)", ["b"]),
        ("bool", "classification (auto: booleans)", ["True"]),
        ("two-int", "classification (auto: two distinct values, 1 and 2)", ["2"]),
        ("two-float", "classification (auto: two distinct values, 0.0 and 1.0)", ["1.0"]),
        ("category", "classification (auto: categories)", ["hi", "lo", "mid"]),
        ("three-int", None, None),
        ("many", None, None),
    ],
)
def test_auto_detection(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    kind: str,
    task: str | None,
    classes: list[str] | None,
) -> None:
    path, y = _target_file(tmp_path, kind)
    code, out, err = _run(capsys, "fit", str(path), "--target", "t", "--alpha", "0.5")
    assert code == 0, err
    if task is None:
        assert "Ridge regression of t" in out and "classification" not in out
        return
    assert _facts(out)["task"] == task
    heads, coefs = _coefficients(out)
    assert heads == classes
    ref = LogisticRidge(alpha=0.5).fit(_X(_data(n=48, seed=4)), y)
    np.testing.assert_allclose(coefs["a"], ref.coef_[:, 0], rtol=PRINTED, atol=1e-9)
    # --task regress overrides the detection where the target is a number
    code, out, err = _run(capsys, "fit", str(path), "--target", "t", "--task", "regress")
    if kind in ("two-int", "two-float", "bool"):
        assert code == 0 and "Ridge regression of t" in out, err
    else:
        _assert_error(code, out, err, "column 't' must be numeric", "--task classify")


# --- errors ------------------------------------------------------------------------------------


def test_error_single_class(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "one.csv"
    path.write_text("x,y\n1,yes\n2,yes\n3,yes\n")
    _assert_error(
        *_run(capsys, "fit", str(path), "--target", "y"),
        "--target must be a column of at least 2 classes to classify; got 'y', whose 3 row(s) "
        "are all of class 'yes'",
    )
    path.write_text("x,y\n1,4\n2,4\n3,4\n")
    _assert_error(
        *_run(capsys, "fit", str(path), "--target", "y", "--task", "classify"),
        "at least 2 classes",
    )


@pytest.mark.parametrize(
    ("content", "count"),
    [
        ("x,y\n1,yes\n2,\n3,no\n4,no\n", 1),  # an empty cell of a text column
        ("x,y\n1,yes\n2,NA\n3,no\n4,n/a\n", 2),  # missing-value markers
        ("x,y\n1,1\n2,\n3,0\n4,0\n", 1),  # a null of a numeric column
        ("x,y\n1,1.0\n2,nan\n3,0.0\n4,0.0\n", 1),
    ],
)
def test_error_missing_target_values(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, content: str, count: int
) -> None:
    path = tmp_path / "holes.csv"
    path.write_text(content)
    for task in ("auto", "classify"):
        _assert_error(
            *_run(capsys, "fit", str(path), "--target", "y", "--task", task),
            "column 'y' must be free of missing values",
            f"got {count} missing value(s) in 4 rows",
            "never dropped",
        )


def test_error_missing_values_in_parquet_target(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "holes.parquet"
    pq.write_table(pa.table({"x": [1.0, 2.0, 3.0], "y": ["a", None, "b"]}), path)
    _assert_error(*_run(capsys, "fit", str(path), "--target", "y"), "1 missing value(s)")


@pytest.mark.parametrize("cv", ["gcv", "loo", "evidence", "hkb", "lw"])
def test_error_regression_criterion_when_classifying(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, cv: str
) -> None:
    path, _ = _target_file(tmp_path, "text")
    _assert_error(
        *_run(capsys, "fit", str(path), "--target", "t", "--cv", cv),
        "--cv must be a number of folds K ≥ 2 or alo (approximate leave-one-out) to classify "
        f"'t' (auto: text labels); got {cv!r}, a criterion of ridge regression only",
    )
    # with --task classify the criterion is refused before the data are read
    missing = str(tmp_path / "absent.csv")
    _assert_error(
        *_run(capsys, "fit", missing, "--target", "t", "--task", "classify", "--cv", cv),
        f"to classify; got {cv!r}",
    )


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["--task", "classify"], "--task classify needs DATA"),
        (["--task", "sort"], "invalid choice: 'sort'"),
        (["DATA", "--target", "t", "--cv", "1", "--task", "classify"], "to classify; got '1'"),
        (["DATA", "--target", "t", "--cv", "100"], "--cv must be a number of folds of at most"),
        (["DATA", "--target", "a", "--task", "classify"], "non-integer numbers such as"),
        (["DATA", "--target", "z", "--cv", "alo"], "for a regression; got 'alo', for class"),
        (["DATA", "--target", "t", "--alpha", "1", "--cv", "alo"], "use either --alpha or --cv"),
        (["DATA", "--target", "nope"], "target must be a column of the data (available: 'a'"),
        (["DATA", "--target", "t", "--features", "a,t"], "features must be free of the target"),
        (["DATA", "--target", "t", "--features", "a,q"], "features must be columns of the data"),
    ],
)
def test_error_usage(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, argv: list[str], fragment: str
) -> None:
    path, _ = _target_file(tmp_path, "text")
    data = _write_csv(tmp_path / "z.csv", {**dict(pd.read_csv(path).items()), "z": np.arange(48.0)})
    argv = [str(data) if a == "DATA" else a for a in argv]
    _assert_error(*_run(capsys, "fit", *argv), fragment)


def test_grid_edge_warning_is_reworded(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    # two clusters with a wide gap: separable in every fold, so the log-loss falls as α → 0
    x = np.r_[np.linspace(-2.0, -1.0, 15), np.linspace(1.0, 2.0, 15)]
    path = _write_csv(tmp_path / "sep.csv", {"x": x, "y": np.where(x > 0, "b", "a")})
    code, out, err = _run(capsys, "fit", str(path), "--target", "y")
    assert code == 0
    assert "warning: the alpha chosen by 5-fold stratified cross-validation" in err
    assert "lower end of the grid" in err and "separable" in err
    assert "Traceback" not in err


# --- save and predict -------------------------------------------------------------------------


def _read_csv(text: str) -> tuple[list[str], list[list[str]]]:
    rows = list(csv.reader(io.StringIO(text)))
    return rows[0], rows[1:]


@pytest.mark.parametrize("kind", ["text", "category", "two-int", "bool"])
def test_save_predict_round_trip(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, kind: str
) -> None:
    path, y = _target_file(tmp_path, kind)
    model_path = tmp_path / "model.npz"
    argv = ["fit", str(path), "--target", "t", "--cv", "3", "--save", str(model_path)]
    code, out, err = _run(capsys, *argv)
    assert code == 0, err
    assert f"modelsavedto{model_path}" in re.sub(r"\s+", "", out)  # rich may wrap the path
    saved = ridgeway.load(str(model_path))
    assert type(saved) is LogisticRidgeCV
    X = _X(_data(n=48, seed=4))
    model = _cv_fit(X, y, cv=3)
    assert saved.alpha_ == model.alpha_
    np.testing.assert_array_equal(saved.classes_, model.classes_)
    # new rows: columns reordered, an extra text column, no target
    rng = np.random.default_rng(8)
    new = {"note": ["x"] * 9, "c": rng.integers(0, 4, 9).astype(float)}
    new |= {"b": rng.normal(size=9), "a": rng.normal(size=9)}
    new_path = _write_csv(tmp_path / "new.csv", new)
    X_new = np.column_stack([new["a"], new["b"], new["c"]])
    labels = [str(v) for v in model.predict(X_new).tolist()]
    proba = model.predict_proba(X_new)
    code, out, err = _run(capsys, "predict", str(model_path), str(new_path))
    assert code == 0, err
    header, rows = _read_csv(out)
    assert header == ["prediction"]
    assert [r[0] for r in rows] == labels
    code, out, err = _run(capsys, "predict", str(model_path), str(new_path), "--proba")
    assert code == 0, err
    header, rows = _read_csv(out)
    assert header == ["prediction", *(f"proba_{c}" for c in model.classes_.tolist())]
    assert [r[0] for r in rows] == labels
    np.testing.assert_allclose(np.array([r[1:] for r in rows], float), proba, rtol=1e-9)
    named = pa.table({f: X_new[:, j] for j, f in enumerate(FEATURES)})  # as the CLI passes X
    np.testing.assert_array_equal(
        np.array([r[1:] for r in rows], float), saved.predict_proba(named)
    )
    assert [str(v) for v in saved.predict(named).tolist()] == labels
    # and to a file with -o
    out_path = tmp_path / "pred.csv"
    code, out, _ = _run(capsys, "predict", str(model_path), str(new_path), "-o", str(out_path))
    assert code == 0 and "wrote 9 predictions" in out
    assert [r[0] for r in _read_csv(out_path.read_text())[1]] == labels


def test_save_fixed_alpha_and_force(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path, _ = _target_file(tmp_path, "text")
    model_path = tmp_path / "m.npz"
    argv = ["fit", str(path), "--target", "t", "--alpha", "2", "--save", str(model_path)]
    assert _run(capsys, *argv)[0] == 0
    saved = ridgeway.load(str(model_path))
    assert type(saved) is LogisticRidge and saved.alpha == 2.0
    assert saved.feature_names_in_.tolist() == list(FEATURES)
    before = model_path.read_bytes()
    code, out, err = _run(capsys, *argv[:-4], "--alpha", "3", "--save", str(model_path))
    _assert_error(code, out, err, "--force", str(model_path))
    assert out == "" and model_path.read_bytes() == before
    assert _run(capsys, *argv[:-4], "--alpha", "3", "--save", str(model_path), "--force")[0] == 0
    assert ridgeway.load(str(model_path)).alpha == 3.0


def test_proba_refused_for_regression_model(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    model_path = tmp_path / "ridge.npz"
    assert _run(capsys, "fit", "--alpha", "1", "--save", str(model_path))[0] == 0
    _assert_error(
        *_run(capsys, "predict", str(model_path), str(tmp_path / "x.csv"), "--proba"),
        "--proba must be used with a classifier model; got a Ridge model",
    )


def test_help_documents_the_task_and_probabilities(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "fit", "--help")
    assert code == 0
    for fragment in ("--task", "auto", "regress", "classify", "0/1/2", "alo", "stratified"):
        assert fragment in out, fragment
    code, out, _ = _run(capsys, "predict", "--help")
    assert code == 0 and "--proba" in out and "proba_<class>" in out
