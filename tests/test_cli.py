"""Tests of the ridgeway command line, in-process through main() and once as a subprocess."""

from __future__ import annotations

import csv
import io
import re
import subprocess
import sys
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.csv
import pyarrow.parquet as pq
import pytest
from sklearn.linear_model import BayesianRidge
from sklearn.linear_model import Ridge as SklearnRidge
from sklearn.linear_model import RidgeCV as SklearnRidgeCV
from sklearn.model_selection import KFold

import ridgeway
from ridgeway.cli import main
from ridgeway.datasets import load_prostate
from ridgeway.linear_model import Ridge, RidgeCV

PROSTATE_CSV = Path(ridgeway.__file__).parent / "datasets" / "data" / "prostate.csv"
FEATURES = ("lcavol", "lweight", "age", "lbph", "svi", "lcp", "gleason", "pgg45")
NUMBER = r"(-?\d[\d.]*(?:e[+-]?\d+)?|-?inf|nan)"
CRITERION_ROW = re.compile(
    r"\s*(loo|gcv|\d+-fold|evidence|hkb|lw)\s+(min|1se|max|formula)\s+(\S+)\s+(\S+)(?:\s+(.*?))?\s*"
)
CHOSEN = "← chosen"
# the table prints six significant digits
PRINTED = 2e-5


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


COEF_ROW = re.compile(
    r"\s*(.+?)\s{2,}" + NUMBER + r"\s+" + NUMBER + r"\s+" + NUMBER + r" … " + NUMBER + r"\s*"
)


def _values(out: str) -> dict[str, float]:
    """Parse the "name   number" rows of the printed tables (a coefficient row gives its value)."""
    values = {}
    for line in out.splitlines():
        m = re.fullmatch(r"\s*(.+?)\s{2,}" + NUMBER + r"\s*", line) or COEF_ROW.fullmatch(line)
        if m:
            values[m.group(1)] = float(m.group(2))
    return values


def _coef_rows(out: str) -> dict[str, tuple[float, float, float, float]]:
    """Parse the coefficient rows: name -> (coefficient, std. error, lower, upper)."""
    rows = {}
    for line in out.splitlines():
        m = COEF_ROW.fullmatch(line)
        if m:
            rows[m.group(1)] = tuple(float(m.group(i)) for i in range(2, 6))
    return rows  # type: ignore[return-value]


def _criteria(out: str) -> dict[str, tuple[str, float | None, float | None, str]]:
    """Parse the "alpha by criterion" table: criterion -> (rule, alpha, df, note)."""
    assert out.count("alpha by criterion") == 1, out
    rows = {}
    for line in out.split("alpha by criterion", 1)[1].splitlines():
        m = CRITERION_ROW.fullmatch(line)
        if m:
            alpha = None if m.group(3) == "—" else float(m.group(3))
            df = None if m.group(4) == "—" else float(m.group(4))
            rows[m.group(1)] = (m.group(2), alpha, df, m.group(5) or "")
    return rows


def _chosen(rows: dict[str, tuple[str, float | None, float | None, str]]) -> str:
    """The criterion marked as chosen (exactly one)."""
    marked = [name for name, row in rows.items() if row[3] == CHOSEN]
    assert len(marked) == 1, rows
    return marked[0]


def _ridgecv_alpha(X: np.ndarray, y: np.ndarray, **params: Any) -> float:
    """The α of ridgeway's RidgeCV, with its warnings silenced (the API route)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return float(RidgeCV(**params).fit(X, y).alpha_)


def _grid(X: np.ndarray, y: np.ndarray, standardize: bool = False) -> np.ndarray:
    """The default α grid of RidgeCV on these data (the grid the CLI scores)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = RidgeCV(cv="gcv", standardize=standardize).fit(X, y)
    return np.asarray(model.cv_results_["alphas"])


# --- independent references: closed forms on the SVD of the centred data, and sklearn ---------


def _df_ref(X: np.ndarray, alpha: float) -> float:
    """Effective degrees of freedom Σ s²/(s² + α), s the singular values of centred X."""
    s = np.linalg.svd(X - X.mean(axis=0), compute_uv=False)
    return float(np.sum(s**2 / (s**2 + alpha)))


def _ridge_predictions(
    X_train: np.ndarray, y_train: np.ndarray, X_test: np.ndarray, alphas: np.ndarray
) -> np.ndarray:
    """Predictions (n_test, a) of ridge with intercept for every α, from one SVD."""
    xm, ym = X_train.mean(axis=0), y_train.mean()
    U, s, Vt = np.linalg.svd(X_train - xm, full_matrices=False)
    coef = (s / (s**2 + alphas[:, None]) * (U.T @ (y_train - ym))) @ Vt  # (a, p)
    return np.asarray(ym + (X_test - xm) @ coef.T)


def _loo_errors(X: np.ndarray, y: np.ndarray, alphas: np.ndarray) -> np.ndarray:
    """Squared leave-one-out errors (a, n) by the hat-matrix identity e_i / (1 − h_ii)."""
    n = X.shape[0]
    U, s, _ = np.linalg.svd(X - X.mean(axis=0), full_matrices=False)
    f = s**2 / (s**2 + alphas[:, None])  # (a, k)
    h = (U**2) @ f.T + 1.0 / n  # (n, a), the intercept counted
    fitted = y.mean() + U @ (f * (U.T @ (y - y.mean()))).T  # (n, a)
    return np.asarray((((y[:, None] - fitted) / (1.0 - h)) ** 2).T)


def _loo_1se_ref(X: np.ndarray, y: np.ndarray, alphas: np.ndarray) -> float:
    """The largest α whose LOO error is within one standard error of the minimum."""
    err = _loo_errors(X, y, alphas)
    mean = err.mean(axis=1)
    se = err.std(axis=1, ddof=1) / np.sqrt(err.shape[1])
    best = int(np.argmin(mean))
    return float(alphas[np.nonzero(mean <= mean[best] + se[best])[0].max()])


def _gcv_ref(X: np.ndarray, y: np.ndarray, alphas: np.ndarray) -> float:
    """argmin of (RSS/n) / (1 − (df + 1)/n)² on the grid (Golub, Heath & Wahba)."""
    n = X.shape[0]
    rss = ((y[:, None] - _ridge_predictions(X, y, X, alphas)) ** 2).sum(axis=0)
    df = np.array([_df_ref(X, a) for a in alphas]) + 1.0
    return float(alphas[np.argmin((rss / n) / (1.0 - df / n) ** 2)])


def _kfold_ref(
    X: np.ndarray, y: np.ndarray, alphas: np.ndarray, k: int, rule: str = "min"
) -> float:
    """k-fold (KFold, no shuffling) by refitting on every training fold, pooled MSE."""
    sse = np.zeros((k, alphas.size))
    sizes = np.zeros(k)
    for i, (train, test) in enumerate(KFold(k).split(X)):
        pred = _ridge_predictions(X[train], y[train], X[test], alphas)
        sse[i] = ((y[test][:, None] - pred) ** 2).sum(axis=0)
        sizes[i] = test.size
    mean = sse.sum(axis=0) / sizes.sum()
    best = int(np.argmin(mean))
    if rule == "min":
        return float(alphas[best])
    mse = sse / sizes[:, None]
    se = np.sqrt((sizes[:, None] * (mse - mean) ** 2).sum(axis=0) / sizes.sum() / (k - 1))
    return float(alphas[np.nonzero(mean <= mean[best] + se[best])[0].max()])


def _classical_ref(X: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """MASS::lm.ridge's modified HKB and LW constants from the least-squares fit."""
    n, p = X.shape
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    b = np.linalg.lstsq(Xc, yc, rcond=None)[0]
    s2 = np.sum((yc - Xc @ b) ** 2) / (n - p - 1)
    return (p - 2) * s2 / (b @ b), (p - 2) * s2 * n / np.sum((Xc @ b) ** 2)


def _evidence_ref(X: np.ndarray, y: np.ndarray) -> float:
    """λ/α at the fixed point of MacKay's updates (BayesianRidge without hyperpriors)."""
    zero = {"alpha_1": 0.0, "alpha_2": 0.0, "lambda_1": 0.0, "lambda_2": 0.0}
    fit = BayesianRidge(tol=1e-12, max_iter=100_000, **zero).fit(X, y)
    return float(fit.lambda_ / fit.alpha_)


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
    assert err == ""  # the 5-fold row's grid edge is a note in the table, not a warning
    assert "\x1b[" not in out  # no terminal codes when not writing to a terminal
    assert "prostate" in out and "train split" in out
    assert "Ridge regression of lpsa" in out
    values = _values(out)
    train, test = load_prostate(split="train"), load_prostate(split="test")
    # α by exact leave-one-out on RidgeCV's grid: scikit-learn's RidgeCV as the reference
    grid = _grid(train.data, train.target)
    alpha = float(SklearnRidgeCV(alphas=grid).fit(train.data, train.target).alpha_)
    assert alpha == _ridgecv_alpha(train.data, train.target)
    assert 0.5 < alpha < 10  # a real penalty, well inside the grid
    assert values["alpha"] == pytest.approx(alpha, rel=PRINTED)
    assert re.search(r"chosen by\s+leave-one-out, rule min", out)
    reference = SklearnRidge(alpha=alpha).fit(train.data, train.target)
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
    assert values["effective df"] == pytest.approx(_df_ref(train.data, alpha), rel=1e-5)
    assert "67 × 8" in out
    assert re.search(r"solver\s+(eigh|dual|svd)\b", out)
    rows = _criteria(out)
    assert list(rows) == ["loo", "gcv", "5-fold", "evidence", "hkb", "lw"]
    assert _chosen(rows) == "loo"
    assert rows["loo"][:3] == ("min", pytest.approx(alpha, rel=PRINTED), values["effective df"])


def test_criterion_table_against_references(capsys: pytest.CaptureFixture[str]) -> None:
    """Every row of the table: an independent reference, and RidgeCV's α through the API."""
    code, out, err = _run(capsys, "fit")
    assert code == 0, err
    rows = _criteria(out)
    train = load_prostate(split="train")
    X, y = train.data, train.target
    grid = _grid(X, y)
    hkb, lw = _classical_ref(X, y)
    references = {
        "loo": (float(SklearnRidgeCV(alphas=grid).fit(X, y).alpha_), None),
        "gcv": (_gcv_ref(X, y, grid), "gcv"),
        "5-fold": (_kfold_ref(X, y, grid, 5), 5),
        "evidence": (_evidence_ref(X, y), "evidence"),
        "hkb": (hkb, "hkb"),
        "lw": (lw, "lw"),
    }
    for name, (reference, cv) in references.items():
        rule, alpha, df, _ = rows[name]
        assert alpha == pytest.approx(reference, rel=PRINTED), name
        assert alpha == pytest.approx(_ridgecv_alpha(X, y, cv=cv), rel=PRINTED), name
        assert df == pytest.approx(_df_ref(X, reference), rel=PRINTED), name
    assert {name: row[0] for name, row in rows.items()} == {
        "loo": "min",
        "gcv": "min",
        "5-fold": "min",
        "evidence": "max",
        "hkb": "formula",
        "lw": "formula",
    }
    # the prostate rows are sorted by lpsa, so unshuffled 5-fold prefers almost no penalty
    assert rows["5-fold"][1] == pytest.approx(grid[0], rel=PRINTED)
    assert rows["5-fold"][3] == "on the edge of the grid"
    assert all(rows[name][3] == "" for name in ("gcv", "evidence", "hkb", "lw"))


@pytest.mark.parametrize(
    ("flag", "cv", "label"),
    [
        ("loo", None, "loo"),
        ("gcv", "gcv", "gcv"),
        ("5", 5, "5-fold"),
        ("10", 10, "10-fold"),
        ("evidence", "evidence", "evidence"),
        ("hkb", "hkb", "hkb"),
        ("lw", "lw", "lw"),
    ],
)
@pytest.mark.parametrize("standardize", [False, True])
def test_cv_choices_match_ridgecv(
    capsys: pytest.CaptureFixture[str],
    synthetic: tuple[Path, dict[str, np.ndarray]],
    flag: str,
    cv: int | str | None,
    label: str,
    standardize: bool,
) -> None:
    path, cols = synthetic
    argv = ["fit", str(path), "--target", "target", "--cv", flag]
    code, out, err = _run(capsys, *argv, *(["--standardize"] if standardize else []))
    assert code == 0, err
    X = np.column_stack([cols["a"], cols["b"], cols["c"]])
    y = cols["target"]
    alpha = _ridgecv_alpha(X, y, cv=cv, standardize=standardize)
    values = _values(out)
    assert values["alpha"] == pytest.approx(alpha, rel=PRINTED)
    rows = _criteria(out)
    folds = cv if isinstance(cv, int) else 5
    assert list(rows) == ["loo", "gcv", f"{folds}-fold", "evidence", "hkb", "lw"]
    assert _chosen(rows) == label
    for name, row_cv in zip(rows, (None, "gcv", folds, "evidence", "hkb", "lw"), strict=True):
        expected = _ridgecv_alpha(X, y, cv=row_cv, standardize=standardize)
        assert rows[name][1] == pytest.approx(expected, rel=PRINTED), name
    # the fitted coefficients are those of ridge at the chosen α (on standardized columns)
    sd = X.std(axis=0) if standardize else np.ones(3)
    reference = SklearnRidge(alpha=alpha).fit(X / sd, y)
    for name, coef in zip("abc", reference.coef_ / sd, strict=True):
        assert values[name] == pytest.approx(coef, rel=1e-5), name
    assert values["effective df"] == pytest.approx(_df_ref(X / sd, alpha), rel=1e-5)


def test_cv_kfold_on_prostate_warns_about_the_grid_edge(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, "fit", "--cv", "5")
    assert code == 0, err
    train = load_prostate(split="train")
    grid = _grid(train.data, train.target)
    alpha = _kfold_ref(train.data, train.target, grid, 5)
    assert alpha == grid[0]
    assert _values(out)["alpha"] == pytest.approx(alpha, rel=PRINTED)
    assert re.search(r"chosen by\s+5-fold cross-validation, rule min", out)
    assert _chosen(_criteria(out)) == "5-fold"
    assert err.count("\n") == 1, err  # the edge warning of the chosen criterion, on one line
    assert err.startswith("warning: the alpha chosen by 5-fold (0.123636) is at the lower end")
    assert "Traceback" not in err


def test_upper_grid_edge_warning(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    rng = np.random.default_rng(0)  # a response unrelated to the predictors
    cols = {"u": rng.normal(size=40), "v": rng.normal(size=40), "w": rng.normal(size=40)}
    cols["y"] = rng.normal(size=40)
    path = _write_csv(tmp_path / "noise.csv", cols)
    code, out, err = _run(capsys, "fit", str(path), "--target", "y")
    assert code == 0, err
    X = np.column_stack([cols["u"], cols["v"], cols["w"]])
    grid = _grid(X, cols["y"])
    assert SklearnRidgeCV(alphas=grid).fit(X, cols["y"]).alpha_ == grid[-1]
    assert _values(out)["alpha"] == pytest.approx(grid[-1], rel=PRINTED)
    assert err.count("\n") == 1 and err.startswith("warning: ")
    assert "upper end of the grid" in err and "predictors barely matter" in err


def test_rule_1se(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, "fit", "--rule", "1se")
    assert code == 0, err
    train = load_prostate(split="train")
    X, y = train.data, train.target
    grid = _grid(X, y)
    alpha = _loo_1se_ref(X, y, grid)
    assert alpha > float(SklearnRidgeCV(alphas=grid).fit(X, y).alpha_)  # more penalty than min
    assert alpha == _ridgecv_alpha(X, y, rule="1se")
    assert _values(out)["alpha"] == pytest.approx(alpha, rel=PRINTED)
    assert re.search(r"chosen by\s+leave-one-out, rule 1se", out)
    rows = _criteria(out)
    assert _chosen(rows) == "loo"
    assert rows["loo"][0] == rows["5-fold"][0] == "1se"
    assert rows["gcv"][0] == "min"
    assert rows["5-fold"][1] == pytest.approx(_kfold_ref(X, y, grid, 5, "1se"), rel=PRINTED)
    assert rows["gcv"][1] == pytest.approx(_gcv_ref(X, y, grid), rel=PRINTED)


def test_rule_1se_with_kfold(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, "fit", "--cv", "4", "--rule", "1se")
    assert code == 0, err
    train = load_prostate(split="train")
    grid = _grid(train.data, train.target)
    alpha = _kfold_ref(train.data, train.target, grid, 4, "1se")
    assert _values(out)["alpha"] == pytest.approx(alpha, rel=PRINTED)
    assert _chosen(_criteria(out)) == "4-fold"


def test_unavailable_criteria_show_a_reason(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    rng = np.random.default_rng(4)
    two = {"u": rng.normal(size=30), "v": rng.normal(size=30)}
    two["y"] = two["u"] - two["v"] + rng.normal(size=30)
    code, out, err = _run(
        capsys, "fit", str(_write_csv(tmp_path / "two.csv", two)), "--target", "y"
    )
    assert code == 0, err
    rows = _criteria(out)
    for name in ("hkb", "lw"):
        assert rows[name] == ("formula", None, None, "needs at least 3 predictors")
    assert all(rows[name][1] is not None for name in ("loo", "gcv", "5-fold", "evidence"))
    # wide data: no least-squares fit for HKB and LW, the rest still choose
    wide = {f"x{j}": rng.normal(size=10) for j in range(15)}
    wide["y"] = wide["x0"] + rng.normal(size=10)
    code, out, err = _run(capsys, "fit", str(_write_csv(tmp_path / "w.csv", wide)), "--target", "y")
    assert code == 0, err
    rows = _criteria(out)
    for name in ("hkb", "lw"):
        assert rows[name] == ("formula", None, None, "needs n > p + 1 = 16")
    X = np.column_stack([wide[f"x{j}"] for j in range(15)])
    assert rows["loo"][1] == pytest.approx(_ridgecv_alpha(X, wide["y"]), rel=PRINTED)
    grid = _grid(X, wide["y"])
    loo_ref = grid[np.argmin(_loo_errors(X, wide["y"], grid).mean(axis=1))]
    assert rows["loo"][1] == pytest.approx(loo_ref, rel=PRINTED)
    assert rows["gcv"][1] == pytest.approx(_gcv_ref(X, wide["y"], grid), rel=PRINTED)
    assert rows["gcv"][1] == pytest.approx(_ridgecv_alpha(X, wide["y"], cv="gcv"), rel=PRINTED)
    # fewer rows than folds
    tiny = {"u": np.array([1.0, 2.0, 3.0, 5.0]), "y": np.array([2.0, 1.0, 4.0, 3.0])}
    code, out, err = _run(capsys, "fit", str(_write_csv(tmp_path / "t.csv", tiny)), "--target", "y")
    assert code == 0, err
    assert _criteria(out)["5-fold"] == ("min", None, None, "needs at least 5 rows")


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
    for option in ("--target", "--standardize", "--alpha", "--cv", "--rule", "1se", "evidence"):
        assert option in out, option


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
    code, out, _ = _run(
        capsys, "fit", str(path), "--target", "target", "--features", "c,a", "--alpha", "1"
    )
    assert code == 0
    assert "alpha by criterion" not in out  # a fixed α: nothing chosen
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
    saved = ridgeway.load(str(model_path))
    assert isinstance(saved, RidgeCV)  # α was chosen, by leave-one-out
    assert saved.alpha_ == _ridgecv_alpha(X, cols["target"])
    reference = SklearnRidge(alpha=saved.alpha_).fit(X, cols["target"])
    expected = reference.predict(np.column_stack([new["a"], new["b"], new["c"]]))
    np.testing.assert_allclose(pred[:, 0], expected, rtol=1e-10)
    # and the same through -o, to a file; the training file (target included) also works
    out_path = tmp_path / "pred.csv"
    code, out, _ = _run(capsys, "predict", str(model_path), str(path), "-o", str(out_path))
    assert code == 0
    assert "wrote 60 predictions" in out
    header, pred = _read_csv(out_path.read_text())
    np.testing.assert_allclose(pred[:, 0], reference.predict(X), rtol=1e-10)


def test_save_fixed_alpha_model(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    model_path = tmp_path / "fixed.npz"
    assert _run(capsys, "fit", "--alpha", "2.5", "--save", str(model_path))[0] == 0
    saved = ridgeway.load(str(model_path))
    assert type(saved) is Ridge and saved.alpha == 2.5


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
    alpha = SklearnRidgeCV(alphas=_grid(train.data, train.target)).fit(train.data, train.target)
    reference = SklearnRidge(alpha=alpha.alpha_).fit(train.data, train.target)
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
        (["fit", "--alpha", "1", "--cv", "5"], "use either --alpha or --cv, not both"),
        (["fit", "--cv", "loo", "--alpha", "0"], "use either --alpha or --cv, not both"),
        (["fit", "--alpha", "1", "--rule", "1se"], "use either --alpha or --rule, not both"),
        (
            ["fit", "--cv", "1"],
            "--cv must be loo, gcv, evidence, hkb, lw, or a number of folds K ≥ 2; got '1'",
        ),
        (["fit", "--cv", "2.5"], "or a number of folds K ≥ 2; got '2.5'"),
        (["fit", "--cv", "bic"], "or a number of folds K ≥ 2; got 'bic'"),
        (["fit", "--cv", "68"], "--cv must be a number of folds between 2 and the number of rows"),
        (
            ["fit", "--cv", "gcv", "--rule", "1se"],
            "--rule must be min with --cv gcv; got '1se' (only loo and K-fold have a standard",
        ),
        (["fit", "--cv", "evidence", "--rule", "1se"], "--rule must be min with --cv evidence"),
        (["fit", "--rule", "max"], "invalid choice: 'max'"),
        (
            ["fit", "--cv", "hkb", "--features", "lcavol,age"],
            "--cv must be loo, gcv, K or evidence for these data; got 'hkb', which needs at "
            "least 3 predictors (n = 67, p = 2)",
        ),
        (["fit", "--alpha", "-1"], "alpha must be non-negative"),
        (["fit", "--alpha", "lots"], "invalid float value"),
        ([], "COMMAND"),
        (["frobnicate"], "invalid choice"),
        (["predict", "only-one-argument"], "required"),
    ],
)
def test_error_usage(capsys: pytest.CaptureFixture[str], argv: list[str], fragment: str) -> None:
    _assert_error(*_run(capsys, *argv), fragment)


def test_usage_errors_come_before_reading_or_writing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    missing, model_path = tmp_path / "absent.csv", tmp_path / "m.npz"
    argv = ["fit", str(missing), "--target", "y", "--alpha", "1", "--cv", "gcv"]
    code, out, err = _run(capsys, *argv, "--save", str(model_path))
    _assert_error(code, out, err, "use either --alpha or --cv")
    assert out == "" and not model_path.exists()


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
    assert "alpha by criterion" in ok.stdout and CHOSEN in ok.stdout
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


def test_fit_prints_standard_errors_intervals_and_conditioning(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The sandwich standard errors and t-intervals, recomputed by brute force, and cond(G)."""
    from scipy import stats

    code, out, err = _run(capsys, "fit", "--alpha", "3")
    assert code == 0, err
    rows = _coef_rows(out)
    train = load_prostate(split="train")
    X, y = train.data, train.target
    n, p = X.shape
    xm = X.mean(axis=0)
    Xc = X - xm
    G = Xc.T @ Xc
    M = np.linalg.inv(G + 3.0 * np.eye(p))
    H = Xc @ M @ Xc.T
    ref = SklearnRidge(alpha=3.0).fit(X, y)
    resid = y - ref.predict(X)
    nu = n - 1 - np.trace(2 * H - H @ H)
    sigma2 = resid @ resid / nu
    cov = sigma2 * M @ G @ M
    se = np.sqrt(np.diag(cov))
    q = stats.t.ppf(0.975, nu)
    for j, name in enumerate(FEATURES):
        coef, se_j, lo, hi = rows[name]
        assert coef == pytest.approx(ref.coef_[j], rel=1e-5)
        assert se_j == pytest.approx(se[j], rel=1e-5)
        assert lo == pytest.approx(ref.coef_[j] - q * se[j], rel=1e-3, abs=1e-6)
        assert hi == pytest.approx(ref.coef_[j] + q * se[j], rel=1e-3, abs=1e-6)
    se_b = np.sqrt(sigma2 / n + xm @ cov @ xm)
    assert rows["(intercept)"][1] == pytest.approx(se_b, rel=1e-5)
    m = re.search(
        r"effective df "
        + NUMBER
        + r"; condition number "
        + NUMBER
        + r" without the penalty, "
        + NUMBER
        + r" with",
        out.replace("\n", " "),
    )
    assert m, out
    ev = np.linalg.eigvalsh(G)
    assert float(m.group(1)) == pytest.approx(np.sum(ev / (ev + 3.0)), rel=1e-3)
    assert float(m.group(2)) == pytest.approx(ev[-1] / ev[0], rel=1e-2)
    assert float(m.group(3)) == pytest.approx((ev[-1] + 3) / (ev[0] + 3), rel=1e-2)


def test_fit_warns_about_uneven_feature_scales(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal(40), 1e4 * rng.standard_normal(40)
    y = a + b / 1e4 + rng.standard_normal(40)
    path = tmp_path / "uneven.csv"
    pa.csv.write_csv(pa.table({"a": a, "b": b, "y": y}), path)
    code, _, err = _run(capsys, "fit", str(path), "--target", "y", "--alpha", "1")
    assert code == 0
    assert err.startswith("warning:") and "standardize" in err and err.count("\n") == 1
    code, _, err = _run(capsys, "fit", str(path), "--target", "y", "--alpha", "1", "--standardize")
    assert code == 0 and err == ""
