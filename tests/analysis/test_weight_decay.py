"""The single-weight weight-decay model against the closed form, scipy, torch's SGD and limits.

The model: w ← (1 − ηλ) w − η ∂L/∂w with L(w) = ½ c (w − w*)²; closed form
w_t − w_∞ = ρᵗ (w_0 − w_∞), ρ = 1 − η(c + λ), w_∞ = c w*/(c + λ).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import minimize_scalar

from ridgeway.analysis.weight_decay import WeightDecayTrajectory, weight_decay_trajectory

finite = st.floats(-10.0, 10.0, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(
    lam=st.floats(0.0, 5.0),
    c=st.floats(0.05, 5.0),
    x=st.floats(0.01, 2.5),  # η(c + λ): both sides of the stability limit 2
    target=finite,
    w0=finite,
)
def test_iterates_follow_the_closed_form(lam, c, x, target, w0):
    eta = x / (c + lam)
    run = weight_decay_trajectory(lam, eta, steps=40, w0=w0, curvature=c, target=target)
    w_inf = c * target / (c + lam)
    rho = 1.0 - eta * (c + lam)
    t = np.arange(41)
    expected = w_inf + rho**t * (w0 - w_inf)
    scale = max(1.0, abs(w0), abs(target)) * np.maximum(1.0, np.abs(rho) ** t)
    assert np.all(np.abs(run.w - expected) <= 1e-10 * scale)
    assert run.fixed_point == pytest.approx(w_inf, rel=1e-14, abs=1e-14)
    assert run.contraction == pytest.approx(rho, rel=1e-14, abs=1e-14)
    assert run.diverges == (abs(rho) >= 1.0)
    np.testing.assert_array_equal(run.steps, t)
    np.testing.assert_allclose(run.loss, 0.5 * c * (run.w - target) ** 2, rtol=1e-14)
    np.testing.assert_allclose(run.objective, run.loss + 0.5 * lam * run.w**2, rtol=1e-14)


def test_fixed_point_minimizes_the_penalized_loss():
    c, lam, target = 2.5, 0.7, -1.3
    ref = minimize_scalar(lambda w: 0.5 * c * (w - target) ** 2 + 0.5 * lam * w**2, tol=1e-12).x
    run = weight_decay_trajectory(lam, 0.2, steps=400, curvature=c, target=target)
    assert run.fixed_point == pytest.approx(ref, abs=1e-7)
    assert run.w[-1] == pytest.approx(run.fixed_point, abs=1e-12)
    assert run.shrinkage == pytest.approx(run.fixed_point / target)
    # the penalized loss decreases monotonically for a step below 1/(c + λ) (no overshoot)
    assert np.all(np.diff(run.objective) <= 1e-15)


def test_matches_torch_sgd_with_weight_decay():
    torch = pytest.importorskip("torch")
    lam, eta, c, target, w0 = 0.3, 0.15, 1.7, 2.0, -0.5
    w = torch.tensor([w0], dtype=torch.float64, requires_grad=True)
    opt = torch.optim.SGD([w], lr=eta, weight_decay=lam)
    seen = [w0]
    for _ in range(25):
        opt.zero_grad()
        loss = 0.5 * c * (w - target).pow(2).sum()
        loss.backward()
        opt.step()
        seen.append(float(w.detach()[0]))
    run = weight_decay_trajectory(lam, eta, steps=25, w0=w0, curvature=c, target=target)
    np.testing.assert_allclose(run.w, seen, rtol=1e-13, atol=1e-15)


def test_no_decay_converges_to_the_unregularized_minimizer():
    run = weight_decay_trajectory(0.0, 0.5, steps=200, w0=5.0, curvature=1.0, target=3.0)
    assert run.fixed_point == 3.0 and run.shrinkage == 1.0
    assert run.w[-1] == pytest.approx(3.0, abs=1e-12)
    assert run.loss[-1] == pytest.approx(0.0, abs=1e-20)


def test_strong_decay_pulls_the_weight_to_zero():
    run = weight_decay_trajectory(1e6, 1e-6, steps=100, w0=1.0, target=3.0)
    assert abs(run.fixed_point) < 1e-5
    assert abs(run.w[-1]) < 1e-5


def test_too_large_a_step_diverges():
    run = weight_decay_trajectory(1.0, 1.2, steps=30, w0=0.0, curvature=1.0, target=1.0)
    assert run.contraction == pytest.approx(-1.4)
    assert run.diverges
    err = np.abs(run.w - run.fixed_point)
    assert np.all(np.diff(err[1:]) > 0)  # grows every step
    assert np.all(np.sign(np.diff(run.w)[1:]) != np.sign(np.diff(run.w)[:-1]))  # oscillates
    assert run.max_stable_eta == pytest.approx(1.0)


def test_stability_limit_oscillates_without_converging():
    run = weight_decay_trajectory(1.0, 1.0, steps=10, w0=0.0, curvature=1.0, target=1.0)
    assert run.contraction == -1.0 and run.diverges
    np.testing.assert_allclose(np.abs(run.w - run.fixed_point), 0.5)


def test_divergence_overflows_to_infinity_without_warnings():
    with np.errstate(all="raise"):
        run = weight_decay_trajectory(0.0, 100.0, steps=400, w0=1.0, target=0.0)
    assert run.diverges and not np.isfinite(run.w[-1])


def test_zero_steps_is_the_start():
    run = weight_decay_trajectory(0.1, 0.1, steps=0, w0=2.0)
    assert isinstance(run, WeightDecayTrajectory)
    np.testing.assert_array_equal(run.w, [2.0])


@pytest.mark.parametrize(
    ("kwargs", "error", "text"),
    [
        (dict(lam=-0.1), ValueError, "lam must be non-negative and finite; got -0.1"),
        (dict(lam=float("nan")), ValueError, "lam must be non-negative and finite; got nan"),
        (dict(eta=0.0), ValueError, "eta must be positive and finite; got 0.0"),
        (dict(eta="0.1"), TypeError, "eta must be a real number; got '0.1'"),
        (dict(curvature=0.0), ValueError, "curvature must be positive and finite; got 0.0"),
        (dict(target=float("inf")), ValueError, "target must be finite; got inf"),
        (dict(w0=True), TypeError, "w0 must be a real number; got True"),
        (dict(steps=-1), ValueError, "steps must be between 0 and 1,000,000; got -1"),
        (dict(steps=2.5), TypeError, "steps must be an integer; got 2.5"),
        (dict(steps=10**7), ValueError, "steps must be between 0 and 1,000,000; got 10000000"),
    ],
)
def test_bad_input_is_named(kwargs, error, text):
    args = dict(lam=0.1, eta=0.1) | kwargs
    lam, eta = args.pop("lam"), args.pop("eta")
    with pytest.raises(error, match=text.replace("(", r"\(").replace(")", r"\)")):
        weight_decay_trajectory(lam, eta, **args)
