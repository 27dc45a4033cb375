"""plot_bias_variance, plot_weight_decay and plot_constraint draw the results' numbers.

References: the result objects' own fields (the plots add nothing numerical), the closed form of
the single-weight iterates, and the geometry's solutions (tested against ridge refits in
tests/analysis/test_constraint_geometry.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from ridgeway.analysis import bias_variance, simulate_bias_variance
from ridgeway.analysis.constraint_geometry import constraint_geometry
from ridgeway.analysis.weight_decay import weight_decay_trajectory
from ridgeway.report.plots import plot_bias_variance, plot_constraint, plot_weight_decay

ALPHAS = np.geomspace(1e-2, 1e3, 30)


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def design():
    rng = np.random.default_rng(4)
    return rng.standard_normal((25, 4)), np.array([1.0, -0.5, 0.25, 0.0])


def _legend(ax):
    return [t.get_text() for t in ax.get_legend().get_texts()]


# ---------------------------------------------------------------------------- bias–variance
@pytest.mark.parametrize(
    ("metric", "fields"),
    [
        ("penalty", ("bias2", "variance", "mse", "alpha_mse")),
        ("coef", ("coef_bias2", "coef_variance", "coef_mse", "alpha_coef")),
        ("pred", ("pred_bias2", "pred_variance", "pred_risk", "alpha_pred")),
    ],
)
def test_bias_variance_lines_are_the_result(design, metric, fields):
    X, beta = design
    bv = bias_variance(X, beta, 0.8, ALPHAS[::-1])  # given descending: drawn ascending
    fig, ax = plt.subplots()
    assert plot_bias_variance(bv, metric=metric, ax=ax) is ax
    for line, field in zip(ax.lines[:3], fields[:3], strict=True):
        np.testing.assert_array_equal(line.get_xdata(), ALPHAS)
        np.testing.assert_array_equal(line.get_ydata(), getattr(bv, field)[::-1])
    best = float(getattr(bv, fields[3]))
    assert list(ax.lines[3].get_xdata()) == [best, best]
    total = "prediction risk" if metric == "pred" else "MSE"
    assert _legend(ax) == ["bias²", "variance", total, f"α* = {best:.3g}"]
    # the marked α is where the total is smallest (up to the grid)
    i = int(np.argmin(ax.lines[2].get_ydata()))
    assert ALPHAS[max(i - 1, 0)] <= best <= ALPHAS[min(i + 1, ALPHAS.size - 1)]


def test_bias_variance_with_simulation_and_targets(design):
    X, beta = design
    B = np.column_stack([beta, 2 * beta])
    bv = bias_variance(X, B, [0.5, 1.0], ALPHAS)
    sim = simulate_bias_variance(X, B, [0.5, 1.0], ALPHAS[::6], n_draws=50, seed=0)
    with pytest.raises(ValueError, match=r"target must be an index in \[0, 2\)"):
        plot_bias_variance(bv)
    ax = plot_bias_variance(bv, simulated=sim, target=1)
    np.testing.assert_array_equal(ax.lines[2].get_ydata(), bv.mse[:, 1])
    assert list(ax.lines[3].get_xdata()) == [bv.alpha_mse[1]] * 2
    assert len(ax.containers) == 3
    for cont, field in zip(ax.containers, ("bias2", "variance", "mse"), strict=True):
        data_line, _, (bars,) = cont.lines
        np.testing.assert_array_equal(data_line.get_xdata(), ALPHAS[::6])
        np.testing.assert_array_equal(data_line.get_ydata(), getattr(sim, field)[:, 1])
        segs = np.array(bars.get_segments())
        np.testing.assert_allclose(
            segs[:, 1, 1] - segs[:, 0, 1], 2 * getattr(sim, field + "_se")[:, 1]
        )
    # a simulation on its own: points only
    ax = plot_bias_variance(sim, target=0, metric="coef")
    assert len(ax.containers) == 3
    np.testing.assert_array_equal(ax.containers[2].lines[0].get_ydata(), sim.coef_mse[:, 0])


def test_bias_variance_errors(design):
    X, beta = design
    bv = bias_variance(X, beta, 0.8, ALPHAS)
    with pytest.raises(ValueError, match="metric must be one of 'penalty', 'coef', 'pred'"):
        plot_bias_variance(bv, metric="risk")
    with pytest.raises(TypeError, match="result must be a BiasVariance or SimulatedBiasVariance"):
        plot_bias_variance(np.ones(3))
    with pytest.raises(ValueError, match="target must be None or 0 for results of one target"):
        plot_bias_variance(bv, target=1)


# ---------------------------------------------------------------------------- weight decay
def test_weight_decay_trajectory_lines():
    run = weight_decay_trajectory(0.5, 0.4, steps=30, w0=-1.0, curvature=2.0, target=1.5)
    fig, ax = plt.subplots()
    assert plot_weight_decay(run, ax=ax) is ax
    np.testing.assert_array_equal(ax.lines[0].get_xdata(), np.arange(31))
    w_inf = 2.0 * 1.5 / 2.5
    rho = 1 - 0.4 * 2.5
    np.testing.assert_allclose(
        ax.lines[0].get_ydata(), w_inf + rho ** np.arange(31) * (-1 - w_inf), atol=1e-12
    )
    assert list(ax.lines[1].get_ydata()) == [pytest.approx(w_inf)] * 2
    assert list(ax.lines[2].get_ydata()) == [1.5, 1.5]
    assert _legend(ax) == [
        f"λ = 0.5, η = 0.4: ρ = {rho:.3g}",
        f"w_∞ = c w*/(c + λ) = {w_inf:.3g}",
        "w* = 1.5 (no decay)",
    ]
    assert ax.get_xlabel() == "step t" and ax.get_yscale() == "linear"


def test_weight_decay_several_runs_and_divergence():
    runs = [weight_decay_trajectory(lam, 0.6, steps=40) for lam in (0.0, 1.0, 3.0)]
    ax = plot_weight_decay(runs)
    for line, run in zip(ax.lines[:3], runs, strict=True):
        np.testing.assert_array_equal(line.get_ydata(), run.w)
    assert runs[2].diverges and _legend(ax)[2].endswith("— diverges")
    assert not any(t.endswith("diverges") for t in _legend(ax)[:2])
    assert sum(t.startswith("w* =") for t in _legend(ax)) == 1  # one shared target
    assert ax.get_yscale() == "symlog"  # |w| grows past 1e3


@dataclass
class Run:
    """A training-run record as the PyTorch demos keep it (duck-typed)."""

    steps: np.ndarray
    train_loss: np.ndarray
    val_loss: np.ndarray
    weight_norm: np.ndarray


def test_weight_decay_training_run():
    steps = np.arange(0, 100, 5)
    train = np.exp(-steps / 30)
    val = np.exp(-steps / 30) + (steps / 100) ** 2
    norm = np.sqrt(steps + 1.0)
    fig, ax = plt.subplots()
    assert plot_weight_decay(Run(steps, train, val, norm), ax=ax) is ax
    np.testing.assert_array_equal(ax.lines[0].get_ydata(), train)
    np.testing.assert_array_equal(ax.lines[1].get_ydata(), val)
    best = steps[np.argmin(val)]
    assert list(ax.lines[2].get_xdata()) == [best, best]
    twin = fig.axes[-1]
    assert twin is not ax
    np.testing.assert_array_equal(twin.lines[0].get_xdata(), steps)
    np.testing.assert_array_equal(twin.lines[0].get_ydata(), norm)
    assert _legend(ax) == [
        "training loss",
        "validation loss",
        f"lowest validation loss (step {best:g})",
        "‖w‖",
    ]


def test_weight_decay_errors():
    with pytest.raises(ValueError, match=r"result.val_loss must be of the length of steps \(3\)"):
        plot_weight_decay(Run(np.arange(3), np.ones(3), np.ones(2), np.ones(3)))
    with pytest.raises(TypeError, match="result must be a WeightDecayTrajectory"):
        plot_weight_decay({"w": [1.0]})
    with pytest.raises(ValueError, match="result must be at least one trajectory"):
        plot_weight_decay([])


# ---------------------------------------------------------------------------- constraint
def test_constraint_picture(design):
    X, beta = design
    y = X @ beta + 0.3 * np.random.default_rng(0).standard_normal(X.shape[0])
    geo = constraint_geometry(X, y, (0, 1))
    fig, ax = plt.subplots()
    assert plot_constraint(geo, 2.0, ax=ax) is ax
    w_r = geo.ridge_at(2.0)
    r = np.linalg.norm(w_r)
    np.testing.assert_array_equal(ax.lines[0].get_xdata(), geo.ridge[:, 0])
    np.testing.assert_array_equal(ax.lines[1].get_ydata(), geo.lasso[:, 1])
    circle = np.column_stack([ax.lines[2].get_xdata(), ax.lines[2].get_ydata()])
    np.testing.assert_allclose(np.linalg.norm(circle, axis=1), r)
    diamond = np.column_stack([ax.lines[3].get_xdata(), ax.lines[3].get_ydata()])
    np.testing.assert_allclose(np.abs(diamond).sum(axis=1), r)
    np.testing.assert_allclose(_xy(ax.lines[4]), geo.ols)
    np.testing.assert_allclose(_xy(ax.lines[5]), w_r)
    np.testing.assert_allclose(_xy(ax.lines[6]), geo.lasso_at(r))
    assert np.abs(_xy(ax.lines[6])).sum() == pytest.approx(r)  # on the diamond
    # the contour through the ridge solution is one of the levels drawn
    (contours,) = ax.collections
    assert np.isclose(contours.levels, geo.rss(w_r)).any()
    assert ax.get_xlabel() == "w_x0" and ax.get_ylabel() == "w_x1"
    assert f"L2 ball ‖w‖ ≤ {r:.3g} (α = 2)" in _legend(ax)


def _xy(line):
    return np.array([line.get_xdata()[0], line.get_ydata()[0]])


def test_constraint_default_alpha_and_errors(design):
    X, beta = design
    geo = constraint_geometry(X, X @ beta + 0.1, (2, 0))
    ax = plot_constraint(geo)
    half = 0.5 * np.linalg.norm(geo.ols)
    i = int(np.argmin(np.abs(geo.radius - half)))
    circle = np.column_stack([ax.lines[2].get_xdata(), ax.lines[2].get_ydata()])
    np.testing.assert_allclose(np.linalg.norm(circle, axis=1), geo.radius[i])
    with pytest.raises(TypeError, match="geometry must be a ConstraintGeometry"):
        plot_constraint(np.ones(2))
    with pytest.raises(ValueError, match="alpha must be non-negative"):
        plot_constraint(geo, -1.0)
