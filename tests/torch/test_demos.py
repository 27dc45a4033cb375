"""Tests of ridgeway.torch.demos at quick sizes: the claims each demonstration makes."""

from __future__ import annotations

import dataclasses
import importlib.util

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from ridgeway.torch.demos import batchnorm as bn_module  # noqa: E402
from ridgeway.torch.demos import (  # noqa: E402
    demo_adam_l2_vs_adamw,
    demo_batchnorm,
    demo_early_stopping,
    demo_generalization,
)


@pytest.fixture(scope="module")
def gen() -> object:
    return demo_generalization(quick=True)


@pytest.fixture(scope="module")
def early() -> object:
    return demo_early_stopping(quick=True)


# ------------------------------------------------------------------------------- (a)
def test_generalization_decay_lowers_validation_loss(gen) -> None:  # type: ignore[no-untyped-def]
    e = gen.epochs.size
    assert gen.train_loss.shape == gen.val_loss.shape == gen.weight_norm.shape == (2, e)
    # same initialization: the arms start equal
    assert gen.weight_norm[0, 0] == gen.weight_norm[1, 0]
    assert gen.val_loss[0, 0] == gen.val_loss[1, 0]
    final = gen.final()
    # the claim of the demo, in a seeded run: lower validation loss and smaller weights with decay
    assert final["val_loss"][1] < final["val_loss"][0]
    assert final["weight_norm"][1] < final["weight_norm"][0]
    # without decay the training set is fit harder (over-parameterized)
    assert final["train_loss"][0] < final["train_loss"][1]
    assert final["train_loss"][0] < 0.05
    assert dataclasses.is_dataclass(gen) and gen.__dataclass_params__.frozen


def test_generalization_is_deterministic() -> None:
    a = demo_generalization(quick=True, epochs=2, n_train=60, width=16, seed=3)
    b = demo_generalization(quick=True, epochs=2, n_train=60, width=16, seed=3)
    c = demo_generalization(quick=True, epochs=2, n_train=60, width=16, seed=4)
    np.testing.assert_array_equal(a.val_loss, b.val_loss)
    np.testing.assert_array_equal(a.weight_norm, b.weight_norm)
    assert not np.array_equal(a.val_loss, c.val_loss)
    assert torch.get_num_threads() >= 1 and not torch.are_deterministic_algorithms_enabled()


def test_generalization_messages() -> None:
    with pytest.raises(ValueError, match="seed must be a non-negative integer; got -1"):
        demo_generalization(seed=-1)
    with pytest.raises(ValueError, match="weight_decay must be finite and > 0; got 0"):
        demo_generalization(weight_decay=0)
    with pytest.raises(ValueError, match="n_train must be between 10 and 1697; got 5"):
        demo_generalization(n_train=5, epochs=1)


# ------------------------------------------------------------------------------- (b)
def test_adam_l2_decays_coordinates_unevenly() -> None:
    r = demo_adam_l2_vs_adamw(quick=True, epochs=5, weight_decays=(1e-2, 1.0), reference=1.0)
    assert r.val_loss.shape == r.weight_norm.shape == (2, 2)
    assert r.decay_rate_adamw == pytest.approx(2e-3 * 1.0)
    # the rates are lr·λ/(√v̂ + ε) of Adam's state, one per weight-matrix coordinate
    np.testing.assert_allclose(r.decay_rates, 2e-3 / (r.sqrt_v + 1e-8))
    n_weights = 64 * 64 + 64 * 64 + 64 * 10
    assert r.decay_rates.size == n_weights
    assert r.spread > 3.0  # Adam + L2: uneven; AdamW: one rate
    assert r.decay_quantiles.shape == (3, 5)
    assert (np.diff(r.decay_quantiles, axis=1) >= 0).all()
    # at λ = 1 coupled decay through Adam crushes the weights, decoupled does not
    assert r.weight_norm[0, 1] < 0.6 * r.weight_norm[1, 1]


def test_adam_tiny_decay_is_the_baseline() -> None:
    """λ → 0: both methods are plain Adam."""
    r = demo_adam_l2_vs_adamw(quick=True, epochs=3, weight_decays=(1e-13,))
    np.testing.assert_allclose(r.val_loss, r.baseline["val_loss"], rtol=1e-4)
    np.testing.assert_allclose(r.weight_norm, r.baseline["weight_norm"], rtol=1e-4)


def test_adam_messages() -> None:
    with pytest.raises(ValueError, match=r"reference must be one of weight_decays; got 0\.5"):
        demo_adam_l2_vs_adamw(weight_decays=(0.1, 1.0), reference=0.5)
    with pytest.raises(ValueError, match="weight_decays must be a non-empty list of numbers > 0"):
        demo_adam_l2_vs_adamw(weight_decays=(-1.0,))


# ------------------------------------------------------------------------------- (c)
@pytest.fixture(scope="module")
def bn() -> object:
    return demo_batchnorm(quick=True, arms=("none", "all"))


def test_batchnorm_kernels_are_scale_invariant(bn) -> None:  # type: ignore[no-untyped-def]
    assert bn.rescale_gap < 1e-3  # BN's ε only
    assert bn.decay_step_gap < 1e-5
    assert bn.decayed == ((), ("0.weight", "4.weight", "8.weight"))


def test_batchnorm_decay_shrinks_kernels_and_raises_effective_lr(bn) -> None:  # type: ignore[no-untyped-def]
    none, decayed = 0, 1
    assert (bn.kernel_norm[:, :, 0] == bn.kernel_norm[0, :, 0]).all()
    assert (bn.kernel_norm[decayed, :, -1] < bn.kernel_norm[none, :, -1]).all()
    assert (bn.effective_lr[decayed, :, -1] > bn.effective_lr[none, :, -1]).all()
    # without decay the scale-invariant kernels only grow (the gradient is orthogonal to W)
    assert (np.diff(bn.kernel_norm[none], axis=1) > -1e-4).all()
    np.testing.assert_allclose(bn.effective_lr, 0.1 / bn.kernel_norm**2)


def test_batchnorm_structure_arm_plumbing(monkeypatch: pytest.MonkeyPatch) -> None:
    """The structure arm decays exactly what _structure_aware_groups names (a stand-in here)."""
    seen = {}

    def fake(model, wd, example_input):  # type: ignore[no-untyped-def]
        seen["shape"] = tuple(example_input.shape)
        seen["wd"] = wd
        return frozenset({"8.weight"})

    monkeypatch.setattr(bn_module, "_structure_aware_groups", fake)
    r = demo_batchnorm(quick=True, epochs=2, arms=("structure",))
    assert r.arms == ("structure-aware groups",)
    assert r.decayed == (("8.weight",),)
    assert seen == {"shape": (50, 1, 8, 8), "wd": 5e-3}


def test_batchnorm_structure_arm_with_decay_groups() -> None:
    pytest.importorskip("ridgeway.torch.groups")
    r = demo_batchnorm(quick=True, epochs=3, arms=("all", "structure"))
    structure = set(r.decayed[1])
    assert not structure & set(r.kernels)  # the scale-invariant kernels are not decayed
    assert "8.weight" in structure
    assert (r.kernel_norm[1, :, -1] > r.kernel_norm[0, :, -1]).all()


@pytest.mark.skipif(
    importlib.util.find_spec("ridgeway.torch.groups") is not None,
    reason="ridgeway.torch.groups is installed",
)
def test_batchnorm_structure_arm_without_groups_says_so() -> None:
    with pytest.raises(ImportError, match=r"needs ridgeway.torch.groups.decay_groups"):
        demo_batchnorm(quick=True, epochs=1, arms=("structure",))


def test_batchnorm_messages() -> None:
    with pytest.raises(ValueError, match="arms must be a non-empty tuple of distinct names"):
        demo_batchnorm(arms=("none", "none"))
    with pytest.raises(ValueError, match="arms must be"):
        demo_batchnorm(arms=("bad",))


# ------------------------------------------------------------------------------- (d)
def test_early_stopping_ties_torch_to_ridgeway_analysis(early) -> None:  # type: ignore[no-untyped-def]
    assert early.gd_closed_form_gap < 1e-10  # torch's SGD takes the closed-form steps
    assert early.torch_ridge_gap < 1e-8  # SGD(weight_decay) reaches Ridge at the converted α
    assert early.torch_weight_decay == pytest.approx(2.0 * early.best_alpha / 100)
    # both regularizers beat the unregularized fit, and each other's optimum is close
    assert early.best_gd_val_mse < early.least_squares_val_mse
    assert early.best_ridge_val_mse < early.least_squares_val_mse
    assert abs(early.best_gd_val_mse - early.best_ridge_val_mse) < 0.1 * early.best_ridge_val_mse
    assert early.best_ridge_val_mse == pytest.approx(early.ridge_val_mse.min())


def test_early_stopping_matched_alpha_tracks_the_iterates(early) -> None:  # type: ignore[no-untyped-def]
    live = early.steps > 0
    a = early.equivalent_alpha[live]
    assert (np.diff(a) < 0).all()  # more steps, less penalty
    ratio = a / early.equivalent_alpha_approx[live]
    assert ((ratio > 0.3) & (ratio < 1.5)).all()  # α ≈ c/(ηk) with c of order one
    gap = np.abs(early.equivalent_val_mse - early.gd_val_mse) / early.gd_val_mse
    assert gap.max() < 0.2
    assert early.gd_val_mse[0] == early.equivalent_val_mse[0]  # k = 0 is α = ∞: w = 0
