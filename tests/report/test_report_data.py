"""The report's numbers against the Python API, references and brute force (no browser)."""

from __future__ import annotations

import json
import re
import warnings
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.optimize import minimize
from sklearn.linear_model import Ridge as SkRidge
from sklearn.model_selection import KFold

from ridgeway.analysis import bias_variance
from ridgeway.cli import main
from ridgeway.conventions import from_ridgeway
from ridgeway.datasets import load_prostate
from ridgeway.linear_model import Ridge, RidgeCV
from ridgeway.report.html import build, embed_json
from ridgeway.report.views import l1_solution
from ridgeway.selection import GridEdgeWarning


@pytest.fixture(scope="module")
def prostate() -> SimpleNamespace:
    ds = load_prostate()
    assert ds.train_mask is not None
    m = ds.train_mask
    return SimpleNamespace(X=ds.data[m], y=ds.target[m], Xt=ds.data[~m], yt=ds.target[~m])


@pytest.fixture(scope="module")
def report() -> dict:
    return build().data


def _page_json(html: str) -> dict:
    block = re.search(
        r'<script type="application/json" id="ridgeway-data">(.*?)</script>', html, re.S
    )
    assert block is not None
    return json.loads(block.group(1))


def test_default_report_is_self_contained(prostate: SimpleNamespace) -> None:
    page = build().html
    assert "<script src" not in page and "<link" not in page
    assert re.search(r"https?://", page.split("<script>")[0]) is None  # no URL before the scripts
    data = _page_json(page)
    assert data["features"][0] == "lcavol" and len(data["alphas"]) == 100


def test_grid_path_and_errors_match_the_api(report: dict, prostate: SimpleNamespace) -> None:
    X, y = prostate.X, prostate.y
    cv = RidgeCV().fit(X, y)
    grid = np.asarray(report["alphas"])
    np.testing.assert_allclose(grid, cv.cv_results_["alphas"], rtol=1e-13)
    np.testing.assert_allclose(report["loo"]["mean"], cv.cv_results_["mean"], rtol=1e-10)
    np.testing.assert_allclose(report["loo"]["se"], cv.cv_results_["se"], rtol=1e-10)
    gcv = RidgeCV(cv="gcv").fit(X, y)
    np.testing.assert_allclose(report["gcv"], gcv.cv_results_["mean"], rtol=1e-10)
    path = np.asarray(report["path"])
    for i in (0, 31, 99):
        ref = SkRidge(alpha=grid[i]).fit(X, y)  # scikit-learn as the reference
        np.testing.assert_allclose(path[i], ref.coef_, rtol=1e-7, atol=1e-10)
        np.testing.assert_allclose(report["intercept"][i], ref.intercept_, rtol=1e-9)
        resid = y - ref.predict(X)
        assert report["train_mse"][i] == pytest.approx(np.mean(resid**2), rel=1e-8)
        test = np.mean((prostate.yt - ref.predict(prostate.Xt)) ** 2)
        assert report["validation_mse"][i] == pytest.approx(test, rel=1e-8)
        Xc = X - X.mean(axis=0)
        H = Xc @ np.linalg.solve(Xc.T @ Xc + grid[i] * np.eye(X.shape[1]), Xc.T)
        assert report["df"][i] == pytest.approx(np.trace(H), rel=1e-9)


def test_kfold_curve_matches_refits(report: dict, prostate: SimpleNamespace) -> None:
    X, y = prostate.X, prostate.y
    i = 40
    alpha = report["alphas"][i]
    errs, sizes = [], []
    for tr, te in KFold(5).split(X):
        fit = SkRidge(alpha=alpha).fit(X[tr], y[tr])
        errs.append(np.mean((y[te] - fit.predict(X[te])) ** 2))
        sizes.append(te.size)
    errs_a, w = np.asarray(errs), np.asarray(sizes, dtype=float)
    mean = (errs_a * w).sum() / w.sum()
    se = np.sqrt((w * (errs_a - mean) ** 2).sum() / w.sum() / 4)
    assert report["kfold"]["mean"][i] == pytest.approx(mean, rel=1e-9)
    assert report["kfold"]["se"][i] == pytest.approx(se, rel=1e-8)


def test_each_criterion_is_ridgecv_choice(report: dict, prostate: SimpleNamespace) -> None:
    chosen = {c["key"]: c for c in report["criteria"]}
    cases = {
        "loo-min": (None, "min"),
        "loo-1se": (None, "1se"),
        "kfold-min": (5, "min"),
        "kfold-1se": (5, "1se"),
        "gcv": ("gcv", "min"),
        "evidence": ("evidence", "min"),
        "hkb": ("hkb", "min"),
        "lw": ("lw", "min"),
    }
    assert set(cases) == set(chosen)
    for key, (cv, rule) in cases.items():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", GridEdgeWarning)
            alpha = RidgeCV(cv=cv, rule=rule).fit(prostate.X, prostate.y).alpha_
        # evidence is refined off the grid to the root of its slope: equal to rounding
        assert chosen[key]["alpha"] == pytest.approx(alpha, rel=1e-12)
    assert "edge" in chosen["kfold-min"]["note"]  # rows sorted by lpsa: the smallest α wins


def test_fitted_model_is_marked_and_used(prostate: SimpleNamespace) -> None:
    X, y = prostate.X, prostate.y
    model = RidgeCV(cv="gcv", standardize=True).fit(X, y)
    data = build(model, X, y).data
    marks = {c["key"]: c for c in data["criteria"]}
    assert marks["model"]["alpha"] == pytest.approx(model.alpha_, rel=1e-14)
    assert data["standardize"] is True
    i = data["reference_index"]
    assert data["alphas"][i] == pytest.approx(model.alpha_)  # gcv picks a grid point
    np.testing.assert_allclose(data["path"][i], model.coef_, rtol=1e-9)
    fixed = Ridge(alpha=3.0).fit(X, y)
    assert build(fixed, X, y).data["reference_alpha"] == 3.0


def test_bias_variance_is_the_analysis_with_a_plugin_truth(
    report: dict, prostate: SimpleNamespace
) -> None:
    bv = report["bias_variance"]
    a_ref = bv["alpha_plugin"]
    beta = Ridge(alpha=a_ref).fit(prostate.X, prostate.y).coef_
    ref = bias_variance(prostate.X, beta, bv["sigma2"], np.asarray(report["alphas"]))
    np.testing.assert_allclose(bv["bias2"], ref.pred_bias2, rtol=1e-8, atol=1e-14)
    np.testing.assert_allclose(bv["variance"], ref.pred_variance, rtol=1e-10)
    fit = Ridge(alpha=a_ref).fit(prostate.X, prostate.y)
    rss = np.sum((prostate.y - fit.predict(prostate.X)) ** 2)
    Xc = prostate.X - prostate.X.mean(axis=0)
    H = Xc @ np.linalg.solve(Xc.T @ Xc + a_ref * np.eye(8), Xc.T)
    nu = len(prostate.y) - 1 - np.trace(2 * H - H @ H)
    assert bv["sigma2"] == pytest.approx(rss / nu, rel=1e-9)


def test_geometry_centre_tangency_and_l1_point(report: dict, prostate: SimpleNamespace) -> None:
    geo = report["geometry"]
    names = list(load_prostate().feature_names)
    a, b = geo["default_pair"]
    j, k = names.index(geo["candidates"][a]), names.index(geo["candidates"][b])
    pair = geo["pairs"][f"{a},{b}"]
    X, y = prostate.X, prostate.y
    for i in (10, 60):
        alpha = report["alphas"][i]
        w = Ridge(alpha=alpha).fit(X, y).coef_
        u = np.asarray(pair["u"][i])
        np.testing.assert_allclose(u, w[[j, k]], rtol=1e-9)
        # the centre: least squares in the pair (intercept refitted), the others held at w
        others = [m for m in range(8) if m not in (j, k)]
        r = y - X[:, others] @ w[others]
        design = np.column_stack([np.ones(len(y)), X[:, [j, k]]])
        ls = np.linalg.lstsq(design, r, rcond=None)[0][1:]
        np.testing.assert_allclose(pair["centre"][i], ls, rtol=1e-8)
        # tangency: ∇RSS at u is parallel to u (Lagrange condition on the circle ‖u‖ = r)
        H = np.asarray(pair["h"])
        grad = H @ (u - ls)
        assert abs(grad[0] * u[1] - grad[1] * u[0]) <= 1e-8 * np.linalg.norm(grad) * np.linalg.norm(
            u
        )
        # the L1 point against a constrained optimizer
        rad = float(np.linalg.norm(u))
        res = minimize(
            lambda v, c=ls, H=H: (v - c) @ H @ (v - c),
            np.zeros(2),
            constraints=[{"type": "ineq", "fun": lambda v, r=rad: r - abs(v[0]) - abs(v[1])}],
            method="SLSQP",
            options={"ftol": 1e-14, "maxiter": 500},
        )
        got = np.asarray(pair["l1"][i])
        assert (got - ls) @ H @ (got - ls) <= res.fun * (1 + 1e-6) + 1e-12
        assert abs(got).sum() <= rad * (1 + 1e-12)


def test_l1_solution_interior_and_corner() -> None:
    H = np.array([[2.0, 0.3], [0.3, 1.0]])
    inside = l1_solution(H, np.array([[0.1, 0.2]]), np.array([1.0]))
    np.testing.assert_allclose(inside, [[0.1, 0.2]])
    corner = l1_solution(np.eye(2), np.array([[3.0, 0.1]]), np.array([1.0]))
    np.testing.assert_allclose(corner, [[1.0, 0.0]])


def test_conventions_are_from_ridgeway(report: dict, prostate: SimpleNamespace) -> None:
    rows = report["conventions"]
    assert {"sklearn-ridge", "torch-sgd", "glum"} <= {r["name"] for r in rows}
    assert "mass-lm-ridge" not in {r["name"] for r in rows}  # standardizes; this fit does not
    for r in rows:
        assert r["factor"] * 7.0 == pytest.approx(
            from_ridgeway(7.0, r["name"], y=prostate.y), rel=1e-12
        )


@given(st.text())
def test_embedded_json_cannot_end_its_script(text: str) -> None:
    out = embed_json({"name": text, "list": [text]})
    assert not set(out) & {"<", ">", "&", "\u2028", "\u2029"}
    assert json.loads(out) == {"name": text, "list": [text]}


def test_hostile_names_only_as_escaped_data(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    hostile = "</script><img src=x onerror=alert(1)>"
    X = rng.normal(size=(30, 3))
    y = X[:, 0] + rng.normal(size=30)
    report = build(
        X, y, feature_names=["a", hostile, "c"], target_name=hostile, source=hostile, title=hostile
    )
    assert hostile not in report.html and "<img" not in report.html
    assert report.html.count("</script>") == 3  # the data block, Plotly, the page's script
    assert _page_json(report.html)["features"][1] == hostile


def test_wide_data_and_feature_limit() -> None:
    rng = np.random.default_rng(2)
    X = rng.normal(size=(30, 60)) * np.linspace(0.5, 3.0, 60)
    y = X[:, :5].sum(axis=1) + rng.normal(size=30)
    data = build(X, y, max_features=12, folds=3).data
    assert len(data["features"]) == 12 and data["n_features"] == 60
    i = data["reference_index"]
    full = Ridge(alpha=data["alphas"][i]).fit(X, y).coef_
    idx = data["feature_index"]
    np.testing.assert_allclose(np.asarray(data["path"])[i], full[idx], rtol=1e-8, atol=1e-12)
    size = np.abs(full * X.std(axis=0))
    assert set(idx) == set(np.argsort(-size)[:12])
    assert (
        data["criteria"][-1]["key"] == "lw" and data["criteria"][-1]["alpha"] is None
    )  # n ≤ p + 1


def test_table_input_and_demos() -> None:
    rng = np.random.default_rng(3)
    table = pa.table({"u": rng.normal(size=20), "v": rng.normal(size=20), "t": rng.normal(size=20)})
    data = build(table, target="t").data
    assert data["features"] == ["u", "v"] and data["target"] == "t"
    runs = [
        SimpleNamespace(
            steps=[0, 1, 2],
            train_loss=[3, 2, 1],
            val_loss=[3, 2.5, 2],
            weight_norm=[1, 1, 1],
            weight_decay=0.1,
        )
    ]
    demo = build(table, "t", demos=runs).data["demos"]
    assert demo[0]["label"] == "weight decay 0.1" and demo[0]["val_loss"] == [3, 2.5, 2]


@pytest.mark.parametrize(
    ("call", "pattern"),
    [
        (lambda X, y: build(X, np.column_stack([y, y])), "one target"),
        (lambda X, y: build(Ridge(), X, y), "fitted model"),
        (
            lambda X, y: build(Ridge(alpha=1.0).fit(X, y), X, y, standardize=True),
            "standardize must be left unset",
        ),
        (lambda X, y: build(X, y, folds=1), "folds must be 0"),
        (lambda X, y: build(X), "y after X"),
        (lambda X, y: build(X, y, demos=[{"steps": [1]}]), "demos must be runs with"),
        (
            lambda X, y: build(
                X,
                y,
                demos=[{"steps": [1], "train_loss": [1, 2], "val_loss": [1], "weight_norm": [1]}],
            ),
            "one length",
        ),
        (lambda X, y: build(X, y, feature_names=["a"]), "feature_names must be"),
        (lambda X, y: build(X, y, max_features=0), "max_features must be"),
    ],
)
def test_errors(prostate: SimpleNamespace, call, pattern: str) -> None:
    with pytest.raises((ValueError, TypeError), match=pattern):
        call(prostate.X, prostate.y)


def test_save_never_overwrites(tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    out.write_text("mine")
    report = build(folds=0)
    with pytest.raises(FileExistsError, match="overwrite=True"):
        report.save(out)
    assert out.read_text() == "mine"
    report.save(out, overwrite=True)
    assert out.read_text().startswith("<!DOCTYPE html>")
    assert report._repr_html_().startswith("<iframe")


def test_cli_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "report.html"
    assert main(["report", "-o", str(out)]) == 0
    assert "wrote the report" in capsys.readouterr().out
    out.write_text("keep me")
    assert main(["report", "-o", str(out)]) == 2
    assert "--output must be a new file (pass --force to replace it)" in capsys.readouterr().err
    assert out.read_text() == "keep me"
    csv = tmp_path / "d.csv"
    csv.write_text("a,b,y\n1,2,3\n2,1,4\n3,3,2\n4,5,6\n5,4,5\n6,6,7\n")
    assert main(["report", str(csv), "-o", str(tmp_path / "x.html")]) == 2
    assert "--target is required" in capsys.readouterr().err
    assert main(["report", str(csv), "--target", "nope", "-o", str(tmp_path / "x.html")]) == 2
    assert "nope" in capsys.readouterr().err
    assert (
        main(["report", str(csv), "--target", "y", "--alpha", "0", "-o", str(tmp_path / "x.html")])
        == 2
    )
    assert "--alpha must be positive" in capsys.readouterr().err
    assert (
        main(
            [
                "report",
                str(csv),
                "--target",
                "y",
                "--alpha",
                "2",
                "--folds",
                "2",
                "-o",
                str(out),
                "--force",
            ]
        )
        == 0
    )
    data = _page_json(out.read_text())
    assert data["source"] == str(csv) and data["reference_alpha"] == 2.0


def test_torch_demo_curves_enter_the_page() -> None:
    """demos="auto" (the CLI's default) runs the seeded PyTorch demo (a) and embeds each arm's
    curves exactly; a demo result object is accepted as it is."""
    pytest.importorskip("torch")
    from ridgeway.torch.demos import demo_generalization

    prostate = load_prostate(split="train")
    result = demo_generalization(quick=True)
    for demos in ("auto", result):
        runs = build(prostate.data, prostate.target, demos=demos).data["demos"]
        assert [r["label"].split(" (")[0] for r in runs] == list(result.arms)
        for i, run in enumerate(runs):
            np.testing.assert_allclose(run["steps"], result.epochs)
            np.testing.assert_allclose(run["val_loss"], result.val_loss[i], rtol=1e-12)
            np.testing.assert_allclose(run["weight_norm"], result.weight_norm[i], rtol=1e-12)
    with pytest.raises(ValueError, match="demos must be None, 'auto', a run or runs"):
        build(prostate.data, prostate.target, demos="everything")
