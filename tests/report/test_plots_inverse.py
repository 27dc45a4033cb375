"""plot_lcurve and plot_picard draw the Tikhonov problem's numbers.

References: the residual and solution norms of the returned solutions computed directly
(‖A x − b‖, ‖x‖), the L-curve rule's own result, and numpy's SVD of A for the Picard plot.
"""

from __future__ import annotations

import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from ridgeway.inverse import problems, tikhonov
from ridgeway.inverse.choice import ChoiceWarning
from ridgeway.inverse.picard import picard
from ridgeway.report.plots import plot_lcurve, plot_picard


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def shaw():
    A, b, _ = problems.shaw(48)
    bn = problems.add_noise(b, 0.01, seed=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ChoiceWarning)
        res_l = tikhonov(A, bn, method="lcurve")
        res_g = tikhonov(A, bn, method="gcv")
    return A, bn, res_l, res_g


def _point(line):
    return float(line.get_xdata()[0]), float(line.get_ydata()[0])


def test_lcurve_line_and_chosen_point(shaw):
    A, bn, res_l, _ = shaw
    fig, ax = plt.subplots()
    assert plot_lcurve(res_l, ax=ax) is ax
    path = res_l.path
    np.testing.assert_array_equal(ax.lines[0].get_xdata(), path.residual_norm)
    np.testing.assert_array_equal(ax.lines[0].get_ydata(), path.solution_norm)
    assert len(ax.lines) == 2  # the L-curve rule chose λ: its point is the corner
    rho, eta = _point(ax.lines[1])
    assert rho == pytest.approx(np.linalg.norm(A @ res_l.x - bn), rel=1e-8)
    assert eta == pytest.approx(np.linalg.norm(res_l.x), rel=1e-8)
    assert ax.lines[1].get_label() == f"lcurve: λ = {res_l.lam:.3g}"
    assert ax.get_xscale() == ax.get_yscale() == "log"
    assert ax.get_ylabel() == "solution norm ‖x_λ − x₀‖"
    idx = np.unique(np.linspace(0, path.lambdas.size - 1, 5).round().astype(int))
    assert [t.get_text() for t in ax.texts] == [f"{path.lambdas[i]:.3g}" for i in idx]


def test_lcurve_marks_the_corner_when_another_rule_chose(shaw):
    A, bn, res_l, res_g = shaw
    ax = res_g.plot(annotate=0)
    assert len(ax.texts) == 0 and len(ax.lines) == 3
    rho, eta = _point(ax.lines[1])
    assert rho == pytest.approx(np.linalg.norm(A @ res_g.x - bn), rel=1e-8)
    assert eta == pytest.approx(np.linalg.norm(res_g.x), rel=1e-8)
    rho_c, eta_c = _point(ax.lines[2])  # the corner = the L-curve rule's solution
    assert rho_c == pytest.approx(np.linalg.norm(A @ res_l.x - bn), rel=1e-6)
    assert eta_c == pytest.approx(np.linalg.norm(res_l.x), rel=1e-6)
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == [
        "L-curve",
        f"gcv: λ = {res_g.lam:.3g}",
        f"corner (maximum curvature): λ = {res_l.lam:.3g}",
    ]


def test_lcurve_of_a_path_and_general_form(shaw):
    A, bn, res_l, _ = shaw
    ax = plot_lcurve(res_l.path, corner=False)
    assert len(ax.lines) == 1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ChoiceWarning)
        res = tikhonov(A, bn, L="second", method="gcv")
    ax = plot_lcurve(res)
    assert ax.get_ylabel() == "solution seminorm ‖L(x_λ − x₀)‖"
    L = np.diff(np.eye(A.shape[1]), 2, axis=0)
    assert _point(ax.lines[1])[1] == pytest.approx(np.linalg.norm(L @ res.x), rel=1e-6)


def test_lcurve_errors(shaw):
    with pytest.raises(TypeError, match="source must be a TikhonovResult or a TikhonovPath"):
        plot_lcurve(np.ones(3))
    with pytest.raises(ValueError, match="annotate must be an index"):
        plot_lcurve(shaw[2], annotate=-1)
    with pytest.raises(ValueError, match="kind must be one of 'lcurve', 'picard'"):
        shaw[2].plot("path")


def test_picard_lines_are_the_svd_quantities(shaw):
    A, bn, res_l, _ = shaw
    ax = res_l.plot("picard")
    U, s, _ = np.linalg.svd(A)
    k = ax.lines[0].get_ydata().size
    i = np.arange(1, k + 1)
    for line in ax.lines[:3]:
        np.testing.assert_array_equal(line.get_xdata(), i)
    np.testing.assert_allclose(ax.lines[0].get_ydata(), s[:k], rtol=1e-10)
    ub = np.abs(U[:, :k].T @ bn)
    np.testing.assert_allclose(ax.lines[1].get_ydata(), ub, rtol=1e-6, atol=1e-13)
    np.testing.assert_allclose(
        ax.lines[2].get_ydata(), ub / s[:k], rtol=1e-6, atol=1e-13 / s[k - 1]
    )
    assert [ln.get_label() for ln in ax.lines[:3]] == ["σ_i", "|u_iᵀb|", "|u_iᵀb| / σ_i"]
    assert ax.get_yscale() == "log" and ax.get_title() == "Picard plot"


def test_picard_smoothed_ratio_and_picard_plot_input(shaw):
    _, _, res_l, _ = shaw
    pp = picard(res_l.path, 2)
    fig, ax = plt.subplots()
    assert plot_picard(res_l, d=2, ax=ax) is ax
    y = ax.lines[2].get_ydata()
    assert np.isnan(y[:2]).all() and np.isnan(y[-2:]).all()
    np.testing.assert_allclose(y[2:-2], pp.smoothed_ratio[2:-2])
    assert "geometric mean over 5" in ax.lines[2].get_label()
    ax = plot_picard(pp)
    np.testing.assert_allclose(ax.lines[0].get_ydata(), pp.gamma)
    with pytest.raises(ValueError, match="d must be a non-negative integer"):
        plot_picard(res_l, d=-1)
