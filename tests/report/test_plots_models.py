"""plot_path and plot_cv draw the model's numbers: line data, markers, labels, the df axis.

References: scikit-learn's ``Ridge`` refitted at each α of the grid (the path), a RidgeCV or
LogisticRidgeCV fitted with the other rule (the α_1se / α_min lines), the model's own
``cv_results_`` (the curve and its standard errors) and the spectrum's coefficient path.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import Ridge as SkRidge

from refs import make_data
from ridgeway import LogisticRidgeCV, Ridge, RidgeCV
from ridgeway.core.moments import Moments
from ridgeway.core.spectrum import spectrum_from_moments
from ridgeway.report.plots import plot_cv, plot_path
from ridgeway.selection import gcv

pytestmark = pytest.mark.filterwarnings("ignore::ridgeway.selection.GridEdgeWarning")
GRID = np.geomspace(1e-2, 1e4, 25)


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def data():
    X, Y, _ = make_data(40, 4, 2, seed=3)
    return X, Y[:, 0], Y


@pytest.fixture(scope="module")
def logistic():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((120, 3))
    y = (X @ [1.5, -1.0, 0.5] + 0.8 * rng.standard_normal(120) > 0).astype(int)
    return X, y


def _legend(ax):
    return [t.get_text() for t in ax.get_legend().get_texts()]


# ---------------------------------------------------------------------------- plot_path
def test_path_of_ridgecv_equals_sklearn_refits(data):
    X, y, _ = data
    model = RidgeCV(GRID).fit(X, y)
    fig, ax = plt.subplots()
    out = plot_path(model, X, y, ax=ax)
    assert out is ax
    for j in range(X.shape[1]):
        line = ax.lines[j]
        np.testing.assert_allclose(line.get_xdata(), GRID)
        ref = [SkRidge(alpha=a).fit(X, y).coef_[j] for a in GRID]
        np.testing.assert_allclose(line.get_ydata(), ref, rtol=1e-7, atol=1e-10)
        assert line.get_label() == f"x{j}"
    assert [t.get_text() for t in ax.texts] == [f"x{j}" for j in range(4)]
    # the dashed line at the chosen α, where the curves pass through coef_
    vline = next(ln for ln in ax.lines if ln.get_label().startswith("α ="))
    assert list(vline.get_xdata()) == [model.alpha_] * 2
    i = int(np.flatnonzero(GRID == model.alpha_)[0])
    np.testing.assert_allclose([ax.lines[j].get_ydata()[i] for j in range(4)], model.coef_)
    assert ax.get_xscale() == "log"


def test_path_df_axis_labels_the_model_df(data):
    X, y, _ = data
    model = RidgeCV(GRID).fit(X, y)
    ax = plot_path(model, X, y)
    (top,) = ax.child_axes
    ticks = top.get_xticks()
    idx = [int(np.flatnonzero(np.isclose(GRID, t))[0]) for t in ticks]
    labels = [t.get_text() for t in top.get_xticklabels()]
    assert labels == [f"{model.cv_results_['df'][i]:.1f}" for i in idx]
    assert idx[0] == 0 and idx[-1] == GRID.size - 1
    assert top.get_xlabel() == "effective degrees of freedom"


def test_path_with_dataframe_names_weights_and_standardize(data):
    X, y, _ = data
    df = pd.DataFrame(X, columns=["age", "bmi", "bp", "s1"])
    w = np.random.default_rng(1).uniform(0.5, 2.0, X.shape[0])
    model = Ridge(alpha=3.0, standardize=True).fit(df, y, sample_weight=w)
    ax = plot_path(model, df, y, sample_weight=w, alphas=[0.1, 3.0, 30.0], log=False)
    assert [ln.get_label() for ln in ax.lines[:4]] == ["age", "bmi", "bp", "s1"]
    refs = np.array(
        [Ridge(alpha=a, standardize=True).fit(df, y, sample_weight=w).coef_ for a in (0.1, 3, 30)]
    )
    for j in range(4):
        np.testing.assert_allclose(ax.lines[j].get_ydata(), refs[:, j], rtol=1e-8)
    assert ax.get_xscale() == "linear"


def test_path_of_a_spectrum_and_of_a_chosen_target(data):
    X, _, Y = data
    spec = spectrum_from_moments(Moments.from_array(X, Y), np.ones(4))
    ax = plot_path(spec, alphas=GRID, target=1, labels=["a", "b", "c", "d"], df_axis=False)
    path = spec.coef_path(GRID)[:, :, 1]
    for j in range(4):
        np.testing.assert_allclose(ax.lines[j].get_ydata(), path[:, j])
    assert [t.get_text() for t in ax.texts] == ["a", "b", "c", "d"]
    assert len(ax.child_axes) == 0
    with pytest.raises(ValueError, match=r"target must be an index in \[0, 2\)"):
        plot_path(spec, alphas=GRID)


def test_path_of_logistic_cv_is_its_stored_path(logistic):
    X, y = logistic
    model = LogisticRidgeCV(alphas=GRID, cv=3).fit(X, y)
    ax = model.plot("path", labels=False)
    for j in range(3):
        np.testing.assert_allclose(ax.lines[j].get_xdata(), GRID)
        np.testing.assert_allclose(ax.lines[j].get_ydata(), model.coefs_path_[:, 0, j])
    assert len(ax.texts) == 0 and len(ax.child_axes) == 0


def test_path_errors(data):
    X, y, _ = data
    model = RidgeCV(GRID).fit(X, y)
    with pytest.raises(ValueError, match="X and y must be the training data"):
        plot_path(model)
    with pytest.raises(TypeError, match="model must be a fitted Ridge, RidgeCV or"):
        plot_path(RidgeCV(), X, y)
    with pytest.raises(ValueError, match="labels must be 4 names"):
        plot_path(model, X, y, labels=["a"])
    with pytest.raises(ValueError, match="X must be the 4 columns"):
        plot_path(model, X[:, :3], y)
    with pytest.raises(TypeError, match="ax must be a matplotlib Axes or None; got str"):
        plot_path(model, X, y, ax="left")


def test_new_figure_when_no_axes(data):
    X, y, _ = data
    model = RidgeCV(GRID).fit(X, y)
    before = plt.get_fignums()
    ax = plot_path(model, X, y)
    assert ax.figure.number not in before and plt.get_fignums() == [*before, ax.figure.number]


# ---------------------------------------------------------------------------- plot_cv
def test_cv_curve_bars_and_rule_lines_match_both_rules(data):
    X, y, _ = data
    model = RidgeCV(GRID).fit(X, y)
    other = RidgeCV(GRID, rule="1se").fit(X, y)
    fig, ax = plt.subplots()
    assert plot_cv(model, ax=ax) is ax
    res = model.cv_results_
    np.testing.assert_array_equal(ax.lines[0].get_xdata(), GRID)
    np.testing.assert_array_equal(ax.lines[0].get_ydata(), res["mean"])
    (bars,) = ax.containers
    segs = np.array(bars.lines[2][0].get_segments())  # (a, 2, 2): (x, mean − se), (x, mean + se)
    np.testing.assert_allclose(segs[:, 0, 1], res["mean"] - res["se"])
    np.testing.assert_allclose(segs[:, 1, 1], res["mean"] + res["se"])
    np.testing.assert_allclose(segs[:, 0, 0], GRID)
    v_min, v_1se = ax.lines[1], ax.lines[2]
    assert list(v_min.get_xdata()) == [model.alpha_] * 2
    assert list(v_1se.get_xdata()) == [other.alpha_] * 2
    assert other.alpha_ > model.alpha_
    legend = _legend(ax)
    assert f"α_min = {model.alpha_:.3g} (chosen)" in legend
    assert f"α_1se = {other.alpha_:.3g}" in legend and "± 1 SE" in legend
    assert ax.get_ylabel() == "leave-one-out MSE" and ax.get_xscale() == "log"
    # the 1se model marks its own choice, and the same minimum
    ax2 = other.plot()
    assert list(ax2.lines[2].get_xdata()) == [other.alpha_] * 2
    assert list(ax2.lines[1].get_xdata()) == [model.alpha_] * 2
    assert f"α_1se = {other.alpha_:.3g} (chosen)" in _legend(ax2)


def test_cv_band_and_df_axis_for_kfold(data):
    X, y, _ = data
    model = RidgeCV(GRID, cv=5).fit(X, y)
    ax = plot_cv(model, se="band")
    res = model.cv_results_
    assert ax.get_ylabel() == "5-fold MSE"
    band = ax.collections[0].get_paths()[0].vertices
    a = GRID.size
    np.testing.assert_allclose(band[1 : a + 1, 1], res["mean"] - res["se"])  # lower edge
    upper = band[a + 2 : 2 * a + 2, 1][::-1]
    np.testing.assert_allclose(upper, res["mean"] + res["se"])
    labels = [t.get_text() for t in ax.child_axes[0].get_xticklabels()]
    assert labels[0] == f"{res['df'][0]:.1f}" and labels[-1] == f"{res['df'][-1]:.1f}"


def test_cv_of_several_targets_pools_or_picks(data):
    X, _, Y = data
    model = RidgeCV(GRID).fit(X, Y)
    res = model.cv_results_
    ax = plot_cv(model)
    np.testing.assert_allclose(ax.lines[0].get_ydata(), res["mean"].mean(axis=1))
    assert list(ax.lines[1].get_xdata()) == [model.alpha_] * 2
    ax = plot_cv(model, target=1, se="none")
    np.testing.assert_allclose(ax.lines[0].get_ydata(), res["mean"][:, 1])
    assert len(ax.containers) == 0
    per = RidgeCV(GRID, alpha_per_target=True).fit(X, Y)
    with pytest.raises(ValueError, match=r"target must be an index in \[0, 2\) for a per-target"):
        plot_cv(per)
    ax = plot_cv(per, target=0)
    assert list(ax.lines[1].get_xdata()) == [per.alpha_[0]] * 2


def test_cv_of_a_curve_without_se(data):
    X, _, Y = data
    spec = spectrum_from_moments(Moments.from_array(X, Y[:, :1]), np.ones(4))
    curve = gcv(spec, GRID)
    ax = plot_cv(curve)
    np.testing.assert_allclose(ax.lines[0].get_ydata(), curve.mean[:, 0])
    assert len(ax.lines) == 2 and len(ax.containers) == 0  # no SE: no α_1se line
    assert list(ax.lines[1].get_xdata()) == [GRID[np.argmin(curve.mean[:, 0])]] * 2
    assert ax.get_ylabel() == "GCV"


def test_cv_of_logistic_accuracy_is_the_misclassification_error(logistic):
    X, y = logistic
    model = LogisticRidgeCV(alphas=GRID, cv=4, scoring="accuracy").fit(X, y)
    other = LogisticRidgeCV(alphas=GRID, cv=4, scoring="accuracy", rule="1se").fit(X, y)
    ax = model.plot()
    res = model.cv_results_
    np.testing.assert_allclose(ax.lines[0].get_ydata(), 1.0 - res["accuracy"])
    segs = np.array(ax.containers[0].lines[2][0].get_segments())
    np.testing.assert_allclose(segs[:, 1, 1] - segs[:, 0, 1], 2 * res["accuracy_se"])
    assert list(ax.lines[1].get_xdata()) == [model.alpha_] * 2
    assert list(ax.lines[2].get_xdata()) == [other.alpha_] * 2
    assert ax.get_ylabel() == "k-fold misclassification error"


def test_cv_errors(data):
    X, y, _ = data
    with pytest.raises(ValueError, match="model must be a RidgeCV whose criterion has a curve"):
        plot_cv(RidgeCV(cv="hkb").fit(X, y))
    with pytest.raises(TypeError, match="model must be a fitted RidgeCV or LogisticRidgeCV"):
        plot_cv(RidgeCV())
    with pytest.raises(ValueError, match="se must be one of 'bars', 'band', 'none'; got 'x'"):
        plot_cv(RidgeCV(GRID).fit(X, y), se="x")
    with pytest.raises(ValueError, match="kind must be one of 'cv', 'path'; got 'lcurve'"):
        RidgeCV(GRID).fit(X, y).plot("lcurve")


def test_ridgecv_plot_shortcut_path(data):
    X, y, _ = data
    model = RidgeCV(GRID).fit(X, y)
    ax = model.plot("path", X=X, y=y)
    np.testing.assert_allclose(
        ax.lines[0].get_ydata()[-1], SkRidge(alpha=GRID[-1]).fit(X, y).coef_[0]
    )
