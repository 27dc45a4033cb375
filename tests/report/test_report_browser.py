"""End-to-end tests of the HTML report in headless Chromium, with the network blocked.

The page's numbers are compared with what the Python API computes for the same α (Ridge refits,
RidgeCV's choices and curves), to the precision the page displays (six significant digits).
"""

from __future__ import annotations

import math
import warnings
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

from conftest import open_page, save_screenshot
from ridgeway.cli import main
from ridgeway.datasets import load_prostate
from ridgeway.linear_model import Ridge, RidgeCV
from ridgeway.report.html import build
from ridgeway.selection import GridEdgeWarning

pytestmark = pytest.mark.browser

HOSTILE_COLUMN = "<img src=x onerror=window.__pwned=1>"
HOSTILE_FILE = "<img src=x onerror=window.__pwned=2>.csv"
HOSTILE_LABEL = "<script>window.__pwned=3</script>"


def shown(text: str) -> float:
    """A number as the page prints it."""
    return float(text.replace("−", "-"))


def assert_displayed(text: str, expected: float, digits: int = 6) -> None:
    """``text`` is ``expected`` to ``digits`` significant digits (the page's precision)."""
    value = shown(text)
    if expected == 0:
        assert value == 0
        return
    unit = 10.0 ** (math.floor(math.log10(abs(expected))) - (digits - 1))
    assert abs(value - expected) <= 0.5 * unit * (1 + 1e-9), (text, expected)


@pytest.fixture(scope="module")
def prostate() -> SimpleNamespace:
    ds = load_prostate()
    assert ds.train_mask is not None
    m = ds.train_mask
    return SimpleNamespace(
        X=ds.data[m], y=ds.target[m], Xt=ds.data[~m], yt=ds.target[~m], names=ds.feature_names
    )


@pytest.fixture(scope="module")
def default_page(browser: Any, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The report of ``ridgeway report`` without DATA, opened once for the module."""
    out = tmp_path_factory.mktemp("report") / "report.html"
    assert main(["report", "-o", str(out)]) == 0
    page, log = open_page(browser, out)
    yield SimpleNamespace(page=page, log=log, path=out)
    page.context.close()


def set_slider(page: Any, selector: str, value: int) -> None:
    page.eval_on_selector(
        selector,
        "(el, v) => { el.value = String(v); el.dispatchEvent(new Event('input', {bubbles: true})); }",
        value,
    )


def test_loads_offline_without_console_errors(default_page: Any, tmp_path: Path) -> None:
    log = default_page.log
    assert log.errors == []
    assert [m for m in log.console if m[0] in ("error", "warning")] == []
    assert log.blocked == []  # nothing asked for the network
    page = default_page.page
    assert page.title() == "ridgeway report: lpsa"
    assert page.locator("#plot-errors .main-svg").count() > 0  # Plotly drew
    save_screenshot(page, tmp_path, "report-default.png")


def test_slider_shows_the_api_values(default_page: Any, prostate: SimpleNamespace) -> None:
    page = default_page.page
    cv = RidgeCV().fit(prostate.X, prostate.y)  # the grid the page uses (default, LOO)
    grid = cv.cv_results_["alphas"]
    assert int(page.eval_on_selector("#alpha-slider", "el => Number(el.max)")) == grid.size - 1
    for i in (7, 55, 93):
        set_slider(page, "#alpha-slider", i)
        alpha = float(grid[i])
        assert_displayed(page.text_content("#alpha-value"), alpha)
        ref = Ridge(alpha=alpha).fit(prostate.X, prostate.y)
        rows = page.locator("#coef-table tbody tr")
        assert rows.count() == 1 + len(prostate.names)
        cells = rows.nth(0).locator("td")
        assert_displayed(cells.nth(1).text_content(), ref.intercept_)
        for j, name in enumerate(prostate.names):
            cells = rows.nth(j + 1).locator("td")
            assert cells.nth(0).text_content() == name
            assert_displayed(cells.nth(1).text_content(), float(ref.coef_[j]))
            sd = float(np.std(prostate.X[:, j]))
            assert_displayed(cells.nth(2).text_content(), float(ref.coef_[j]) * sd)
        train = float(np.mean((prostate.y - ref.predict(prostate.X)) ** 2))
        assert_displayed(page.text_content("#train-value"), train)
        assert_displayed(page.text_content("#df-value"), float(ref.df_))
        assert_displayed(page.text_content("#loo-value"), float(cv.cv_results_["mean"][i]))
        assert_displayed(page.text_content("#loo-se"), float(cv.cv_results_["se"][i]), 3)
        test_mse = float(np.mean((prostate.yt - ref.predict(prostate.Xt)) ** 2))
        assert_displayed(page.text_content("#validation-value"), test_mse)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", GridEdgeWarning)
            kf = RidgeCV(cv=5).fit(prostate.X, prostate.y)
        assert_displayed(page.text_content("#kfold-value"), float(kf.cv_results_["mean"][i]))
        gcv = RidgeCV(cv="gcv").fit(prostate.X, prostate.y)
        assert_displayed(page.text_content("#gcv-value"), float(gcv.cv_results_["mean"][i]))
        # the plots moved too: the marker line of the error plot and the path markers
        x0 = page.evaluate("document.getElementById('plot-errors').layout.shapes[0].x0")
        assert x0 == pytest.approx(alpha, rel=1e-12)
        marks = page.evaluate(
            "(() => { const d = document.getElementById('plot-paths').data; return d[d.length - 1].y; })()"
        )
        assert np.allclose(marks, ref.coef_, rtol=1e-9, atol=1e-12)


def test_slider_moves_with_the_keyboard(default_page: Any) -> None:
    page = default_page.page
    set_slider(page, "#alpha-slider", 40)
    page.focus("#alpha-slider")
    page.keyboard.press("ArrowRight")
    assert page.eval_on_selector("#alpha-value", "el => el.dataset.index") == "41"


@pytest.mark.parametrize(
    ("key", "cv", "rule"),
    [
        ("loo-min", None, "min"),
        ("loo-1se", None, "1se"),
        ("kfold-min", 5, "min"),
        ("kfold-1se", 5, "1se"),
        ("gcv", "gcv", "min"),
        ("evidence", "evidence", "min"),
        ("hkb", "hkb", "min"),
        ("lw", "lw", "min"),
    ],
)
def test_criterion_markers_sit_at_the_chosen_alpha(
    default_page: Any, prostate: SimpleNamespace, key: str, cv: Any, rule: str
) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GridEdgeWarning)  # 5-fold in row order: on the edge
        chosen = float(RidgeCV(cv=cv, rule=rule).fit(prostate.X, prostate.y).alpha_)
    page = default_page.page
    shapes = page.evaluate("document.getElementById('plot-errors').layout.shapes")
    lines = [s for s in shapes if s.get("name") == key]
    assert len(lines) == 1
    assert lines[0]["x0"] == pytest.approx(chosen, rel=1e-12)
    row = page.locator(f"#criteria-table tbody tr[data-key='{key}'] td")
    assert_displayed(row.nth(2).text_content(), chosen)
    # its button moves the slider to the nearest grid point
    page.click(f"#criterion-buttons button[data-key='{key}']")
    grid = np.asarray(
        page.evaluate("JSON.parse(document.getElementById('ridgeway-data').textContent).alphas")
    )
    index = int(np.argmin(np.abs(np.log(grid) - np.log(chosen))))
    assert page.eval_on_selector("#alpha-value", "el => el.dataset.index") == str(index)


def _recurrence(lam: float, eta: float, c: float, steps: int) -> np.ndarray:
    """The Python API's single-weight run with the page's settings (w0 = 2, w* = 1)."""
    from ridgeway.analysis import weight_decay_trajectory

    run = weight_decay_trajectory(lam, eta, steps=steps, w0=2.0, curvature=c, target=1.0)
    return np.asarray(run.w, dtype=float)


def test_weight_decay_demo_reacts_to_its_controls(default_page: Any) -> None:
    page = default_page.page

    def state() -> tuple[float, float, float, list[float], str]:
        lam = float(page.eval_on_selector("#wd-lambda-value", "el => el.dataset.value"))
        eta = float(page.eval_on_selector("#wd-eta-value", "el => el.dataset.value"))
        c = float(page.eval_on_selector("#wd-curvature-value", "el => el.dataset.value"))
        y = page.evaluate("document.getElementById('plot-wd').data[0].y")
        return lam, eta, c, y, page.text_content("#wd-status")

    before = state()
    for lam_pos, eta_pos, curv_pos, steps in (
        (150, 80, 100, 60),
        (60, 170, 120, 25),
        (200, 200, 200, 10),
    ):
        set_slider(page, "#wd-lambda", lam_pos)
        set_slider(page, "#wd-eta", eta_pos)
        set_slider(page, "#wd-curvature", curv_pos)
        page.fill("#wd-steps", str(steps))
        page.dispatch_event("#wd-steps", "input")
        lam, eta, c, y, status = state()
        assert lam == pytest.approx(10 ** (-3 + 4 * lam_pos / 200), rel=1e-12)
        expected = _recurrence(lam, eta, c, steps)
        finite = np.isfinite(expected)
        got = np.array([np.nan if v is None else v for v in y])
        assert got.size == steps + 1
        assert np.allclose(got[finite], expected[finite], rtol=1e-9, atol=1e-12)
        rho = 1 - eta * (c + lam)
        if abs(rho) > 1e-3:
            assert_displayed(page.text_content("#wd-rho"), rho, 4)
        assert_displayed(page.text_content("#wd-fixed"), c / (c + lam))
        assert ("diverges" in status) == (abs(rho) >= 1)
    assert state()[3] != before[3]


def test_hostile_names_render_as_text(browser: Any, tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 3))
    y = X @ [1.0, -0.5, 0.2] + rng.normal(size=40)
    data = tmp_path / HOSTILE_FILE
    header = ",".join(["a", HOSTILE_COLUMN, "c", "y"])
    rows = [",".join(repr(float(v)) for v in row) for row in np.column_stack([X, y])]
    data.write_text("\n".join([header, *rows]) + "\n")
    out = tmp_path / "hostile.html"
    assert main(["report", str(data), "--target", "y", "-o", str(out)]) == 0
    text = out.read_text()
    assert HOSTILE_COLUMN not in text and "<img" not in text  # only ever escaped
    page, log = open_page(browser, out)
    try:
        assert page.evaluate("typeof window.__pwned") == "undefined"
        assert log.dialogs == [] and log.errors == [] and log.blocked == []
        assert page.evaluate("document.querySelectorAll('img').length") == 0
        assert page.title() == "ridgeway report: y"
        assert page.text_content("#page-source") == str(data)
        cells = page.locator("#coef-table tbody tr[data-feature='1'] td")
        assert cells.nth(0).text_content() == HOSTILE_COLUMN
        legend = page.evaluate(
            "Array.from(document.querySelectorAll('#plot-paths .legendtext')).map(e => e.textContent)"
        )
        assert HOSTILE_COLUMN in legend
        options = page.evaluate(
            "Array.from(document.querySelectorAll('#pair-x option')).map(e => e.textContent)"
        )
        assert HOSTILE_COLUMN in options
        save_screenshot(page, tmp_path, "report-hostile.png")
    finally:
        page.context.close()


def test_hostile_title_and_demo_labels(
    browser: Any, tmp_path: Path, prostate: SimpleNamespace
) -> None:
    steps = np.arange(0, 50, 5)
    runs = {
        HOSTILE_LABEL: SimpleNamespace(
            steps=steps,
            train_loss=1 / (1 + steps),
            val_loss=1.2 / (1 + steps) + 0.1,
            weight_norm=np.sqrt(steps + 1.0),
        ),
        "weight decay 0.01": {
            "steps": steps,
            "train_loss": 0.9 / (1 + steps),
            "val_loss": 1 / (1 + steps) + 0.05,
            "weight_norm": np.log1p(steps + 1.0),
        },
    }
    report = build(
        prostate.X, prostate.y, demos=runs, title=HOSTILE_LABEL, feature_names=prostate.names
    )
    out = report.save(tmp_path / "demos.html")
    page, log = open_page(browser, out)
    try:
        assert page.title() == HOSTILE_LABEL
        assert page.text_content("#page-title") == HOSTILE_LABEL
        assert page.evaluate("typeof window.__pwned") == "undefined"
        assert log.dialogs == [] and log.errors == []
        data = page.evaluate("document.getElementById('plot-dl-loss').data.map(t => t.y)")
        assert np.allclose(data[0], runs[HOSTILE_LABEL].train_loss)
        assert np.allclose(data[3], runs["weight decay 0.01"]["val_loss"])
        legend = page.evaluate(
            "Array.from(document.querySelectorAll('#plot-dl-loss .legendtext')).map(e => e.textContent)"
        )
        assert HOSTILE_LABEL + ": train" in legend
    finally:
        page.context.close()
