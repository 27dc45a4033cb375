"""Tests of ridgeway.datasets: shipped data read by an independent route, and the generator."""

from __future__ import annotations

import csv
import dataclasses
from importlib import resources

import numpy as np
import pytest

from ridgeway.datasets import (
    CollinearData,
    Dataset,
    load_longley,
    load_prostate,
    make_collinear,
)


def _csv_rows(filename: str) -> list[dict[str, str]]:
    """Rows of a shipped CSV read with the standard-library csv module (not pyarrow)."""
    text = resources.files("ridgeway.datasets").joinpath("data", filename).read_text()
    return list(csv.DictReader(text.splitlines()))


PROSTATE_FEATURES = ("lcavol", "lweight", "age", "lbph", "svi", "lcp", "gleason", "pgg45")
LONGLEY_FEATURES = ("GNP.deflator", "GNP", "Unemployed", "Armed.Forces", "Population", "Year")


# --- prostate ---------------------------------------------------------------------------------


def test_prostate_shapes_and_names() -> None:
    ds = load_prostate()
    assert isinstance(ds, Dataset)
    assert ds.data.shape == (97, 8)
    assert ds.shape == (97, 8)
    assert ds.target.shape == (97,)
    assert ds.data.dtype == np.float64 and ds.target.dtype == np.float64
    assert ds.feature_names == PROSTATE_FEATURES
    assert ds.target_name == "lpsa"
    assert ds.train_mask is not None and ds.train_mask.dtype == bool
    assert "Elements of Statistical Learning" in ds.description


@pytest.mark.parametrize(("split", "n"), [("train", 67), ("test", 30)])
def test_prostate_split_sizes(split: str, n: int) -> None:
    ds = load_prostate(split=split)  # type: ignore[arg-type]
    assert ds.data.shape == (n, 8)
    assert ds.target.shape == (n,)
    assert ds.train_mask is None


def test_prostate_mask_counts_and_split_rows_agree() -> None:
    full = load_prostate()
    assert full.train_mask is not None
    assert int(full.train_mask.sum()) == 67
    assert int((~full.train_mask).sum()) == 30
    train, test = load_prostate(split="train"), load_prostate(split="test")
    np.testing.assert_array_equal(train.data, full.data[full.train_mask])
    np.testing.assert_array_equal(test.target, full.target[~full.train_mask])


def test_prostate_values_match_csv_module() -> None:
    rows = _csv_rows("prostate.csv")
    assert len(rows) == 97
    expected = np.array([[float(r[c]) for c in PROSTATE_FEATURES] for r in rows])
    expected_y = np.array([float(r["lpsa"]) for r in rows])
    expected_train = np.array([r["train"] == "T" for r in rows])
    ds = load_prostate()
    np.testing.assert_allclose(ds.data.mean(axis=0), expected.mean(axis=0), rtol=1e-12)
    np.testing.assert_allclose(ds.data, expected, rtol=0, atol=0)
    np.testing.assert_allclose(ds.target, expected_y, rtol=0, atol=0)
    np.testing.assert_array_equal(ds.train_mask, expected_train)
    # the train-split means, as a second check of the mask
    np.testing.assert_allclose(
        load_prostate(split="train").target.mean(), expected_y[expected_train].mean(), rtol=1e-12
    )


def test_prostate_matches_esl_table_3_1() -> None:
    # ESL Table 3.1 (correlations of the predictors, training rows), first column: lcavol.
    train = load_prostate(split="train")
    r = np.atleast_2d(np.corrcoef(train.data, rowvar=False))
    published = [0.300, 0.286, 0.063, 0.593, 0.692, 0.426, 0.483]
    np.testing.assert_allclose(r[0, 1:], published, atol=5e-4)
    assert r[6, 7] == pytest.approx(0.757, abs=5e-4)  # gleason vs pgg45


def test_prostate_matches_esl_table_3_2() -> None:
    # ESL Table 3.2: least squares on the training rows; Z-scores are invariant to how the
    # predictors were standardized, so they check data and split together.
    train = load_prostate(split="train")
    A = np.column_stack([np.ones(67), train.data])
    beta, rss, *_ = np.linalg.lstsq(A, train.target, rcond=None)
    sigma2 = rss[0] / (67 - 9)
    se = np.sqrt(sigma2 * np.diag(np.linalg.inv(A.T @ A)))
    z = beta[1:] / se[1:]
    published = [5.37, 2.75, -1.40, 2.06, 2.47, -1.87, -0.15, 1.74]
    np.testing.assert_allclose(z, published, atol=5e-3)


def test_prostate_bad_split() -> None:
    with pytest.raises(
        ValueError, match=r"^split must be one of 'train', 'test' or None; got 'dev'$"
    ):
        load_prostate(split="dev")  # type: ignore[arg-type]


def test_dataset_is_frozen() -> None:
    ds = load_longley()
    with pytest.raises(dataclasses.FrozenInstanceError):
        ds.target_name = "x"  # type: ignore[misc]


# --- longley ----------------------------------------------------------------------------------


def test_longley_shapes_and_values() -> None:
    ds = load_longley()
    assert ds.data.shape == (16, 6)
    assert ds.target.shape == (16,)
    assert ds.feature_names == LONGLEY_FEATURES
    assert ds.target_name == "Employed"
    assert ds.train_mask is None
    rows = _csv_rows("longley.csv")
    expected = np.array([[float(r[c]) for c in LONGLEY_FEATURES] for r in rows])
    np.testing.assert_array_equal(ds.data, expected)
    np.testing.assert_array_equal(ds.target, [float(r["Employed"]) for r in rows])
    np.testing.assert_array_equal(ds.data[:, -1], np.arange(1947, 1963))


def test_longley_is_collinear() -> None:
    ds = load_longley()
    r = np.atleast_2d(np.corrcoef(ds.data, rowvar=False))
    gnp, pop, year = 1, 4, 5
    assert r[gnp, year] > 0.99 and r[gnp, pop] > 0.99
    # Least squares on Longley matches the NIST certified value of the Year coefficient
    # (NIST StRD "Longley": b_Year = 1829.15146461355, target in thousands there).
    A = np.column_stack([np.ones(16), ds.data])
    beta = np.linalg.lstsq(A, ds.target * 1000, rcond=None)[0]
    assert beta[-1] == pytest.approx(1829.15146461355, rel=1e-6)


# --- make_collinear ---------------------------------------------------------------------------


def test_make_collinear_shapes_single_target() -> None:
    out = make_collinear(50, 4, random_state=0)
    assert isinstance(out, CollinearData)
    X, y, coef = out
    assert X.shape == (50, 4) and y.shape == (50,) and coef.shape == (4,)
    assert X.dtype == y.dtype == coef.dtype == np.float64
    assert out.X is X


def test_make_collinear_shapes_multi_target() -> None:
    X, y, coef = make_collinear(30, 5, n_targets=3, noise=0.0, random_state=1)
    assert X.shape == (30, 5) and y.shape == (30, 3) and coef.shape == (5, 3)
    np.testing.assert_allclose(y, X @ coef, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize(("p", "rho"), [(5, 0.9), (4, 0.0), (6, -0.15), (2, -0.8)])
def test_make_collinear_empirical_correlation(p: int, rho: float) -> None:
    X, _, _ = make_collinear(100_000, p, correlation=rho, random_state=42)
    cov = np.cov(X, rowvar=False)
    # the standard error of a sample correlation is at most (1 - rho^2)/sqrt(n) ~ 0.003
    np.testing.assert_allclose(np.diag(cov), 1.0, atol=0.02)
    off = np.atleast_2d(np.corrcoef(X, rowvar=False))[~np.eye(p, dtype=bool)]
    np.testing.assert_allclose(off, rho, atol=0.02)


def test_make_collinear_noise_level() -> None:
    X, y, coef = make_collinear(50_000, 3, noise=2.5, random_state=3)
    resid = y - X @ coef
    assert np.std(resid) == pytest.approx(2.5, rel=0.02)
    assert abs(resid.mean()) < 0.05


def test_make_collinear_given_coef() -> None:
    beta = np.array([1.0, -2.0, 0.5])
    X, y, coef = make_collinear(20, 3, coef=beta, noise=0.0, random_state=0)
    np.testing.assert_array_equal(coef, beta)
    assert coef is not beta
    np.testing.assert_allclose(y, X @ beta)


def test_make_collinear_reproducible() -> None:
    a = make_collinear(40, 6, n_targets=2, random_state=7)
    b = make_collinear(40, 6, n_targets=2, random_state=7)
    c = make_collinear(40, 6, n_targets=2, random_state=8)
    for u, v in zip(a, b, strict=True):
        np.testing.assert_array_equal(u, v)
    assert not np.array_equal(a.X, c.X)
    d = make_collinear(40, 6, n_targets=2, random_state=np.random.default_rng(7))
    np.testing.assert_array_equal(a.y, d.y)


@pytest.mark.parametrize(
    ("kwargs", "exc", "msg"),
    [
        ({"n_samples": 0}, ValueError, "n_samples must be an integer >= 1; got 0"),
        ({"n_samples": 2.5}, TypeError, "n_samples must be an integer >= 1; got 2.5"),
        ({"n_features": 0}, ValueError, "n_features must be an integer >= 1; got 0"),
        ({"n_features": True}, TypeError, "n_features must be an integer >= 1; got True"),
        ({"n_targets": -1}, ValueError, "n_targets must be an integer >= 1; got -1"),
        (
            {"n_features": 5, "correlation": -0.25},
            ValueError,
            "correlation must be in the open interval (-0.25, 1) for n_features=5; got -0.25",
        ),
        (
            {"correlation": 1.0},
            ValueError,
            "correlation must be in the open interval (-0.111111, 1) for n_features=10; got 1.0",
        ),
        (
            {"n_features": 1, "correlation": -1.0},
            ValueError,
            "correlation must be in the open interval (-1, 1) for n_features=1; got -1.0",
        ),
        ({"correlation": "high"}, TypeError, "correlation must be a real number; got 'high'"),
        ({"noise": -0.1}, ValueError, "noise must be finite and >= 0; got -0.1"),
        ({"noise": float("nan")}, ValueError, "noise must be finite and >= 0; got nan"),
        (
            {"n_features": 3, "coef": [1.0, 2.0]},
            ValueError,
            "coef must be of shape (3,) (n_features, n_targets); got (2,)",
        ),
        (
            {"n_features": 2, "n_targets": 2, "coef": [1.0, 2.0]},
            ValueError,
            "coef must be of shape (2, 2) (n_features, n_targets); got (2,)",
        ),
        (
            {"n_features": 2, "coef": [1.0, np.inf]},
            ValueError,
            "coef must be finite; got NaN or inf values",
        ),
    ],
)
def test_make_collinear_bad_arguments(kwargs: dict, exc: type[Exception], msg: str) -> None:
    with pytest.raises(exc) as info:
        make_collinear(**kwargs)
    assert str(info.value) == msg


def test_make_collinear_single_feature_allows_any_correlation_below_one() -> None:
    X, _, _ = make_collinear(10_000, 1, correlation=-0.9, random_state=0)
    assert X.std() == pytest.approx(1.0, rel=0.03)
