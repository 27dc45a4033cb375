"""Tests of ridgeway.torch.decay: coupled and decoupled decay against torch's own optimizers."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from ridgeway import Ridge  # noqa: E402
from ridgeway.conventions import to_ridgeway  # noqa: E402
from ridgeway.torch import (  # noqa: E402
    DecoupledWeightDecay,
    l2_penalty,
    param_group_of,
    schedule_multiplier,
    without_weight_decay,
)

STEPS = 100
TOL = 1e-6


@pytest.fixture(autouse=True)
def one_thread():  # type: ignore[no-untyped-def]
    """Tiny tensors: one thread is fastest, and never waits on a busy second core."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def _model(seed: int = 0) -> torch.nn.Module:
    torch.manual_seed(seed)
    return torch.nn.Sequential(
        torch.nn.Linear(4, 8), torch.nn.Tanh(), torch.nn.Linear(8, 3)
    ).double()


def _data(seed: int = 1) -> tuple[torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(seed)
    X = torch.randn(32, 4, generator=g, dtype=torch.float64)
    Y = torch.randn(32, 3, generator=g, dtype=torch.float64)
    return X, Y


Setup = Callable[[torch.nn.Module], tuple[torch.optim.Optimizer, Callable[[], None], float]]


def _trajectory(
    make_opt: Callable[[list[dict]], torch.optim.Optimizer],
    *,
    penalty: float = 0.0,
    decay: dict | None = None,
    scheduler: Callable[[torch.optim.Optimizer], object] | None = None,
    groups: Callable[[torch.nn.Module], list[dict]] | None = None,
) -> list[np.ndarray]:
    """Parameters after each of STEPS steps, flattened; every run starts from the same model."""
    model = _model()
    X, Y = _data()
    gs = groups(model) if groups is not None else [{"params": list(model.parameters())}]
    opt = make_opt([dict(g) for g in gs])  # torch writes its defaults into the dicts it gets
    sched = scheduler(opt) if scheduler is not None else None
    wd = DecoupledWeightDecay(gs, optimizer=opt, **decay) if decay is not None else None
    out = []
    for _ in range(STEPS):
        opt.zero_grad()
        loss = torch.nn.functional.mse_loss(model(X), Y)
        if penalty:
            loss = loss + l2_penalty(gs, penalty)
        loss.backward()
        if wd is not None:
            wd.step()
        opt.step()
        if sched is not None:
            sched.step()
        out.append(torch.cat([p.detach().reshape(-1) for p in model.parameters()]).numpy())
    return out


def _assert_same(a: list[np.ndarray], b: list[np.ndarray]) -> None:
    gaps = [float(np.abs(x - y).max()) for x, y in zip(a, b, strict=True)]
    assert max(gaps) < TOL, max(gaps)
    # the runs moved: the comparison is not of two frozen models
    assert float(np.abs(a[-1] - a[0]).max()) > 1e-3


def _strip_wd(gs: list[dict]) -> list[dict]:
    return [{**g, "weight_decay": 0.0} for g in gs]


# ------------------------------------------------------------------------------ coupled
@pytest.mark.parametrize(
    "kw",
    [
        {},
        {"momentum": 0.9},
        {"momentum": 0.9, "nesterov": True},
        {"momentum": 0.5, "dampening": 0.3},
    ],
)
def test_sgd_weight_decay_is_sgd_with_l2_penalty(kw: dict) -> None:
    lam = 0.05
    ref = _trajectory(lambda gs: torch.optim.SGD(gs, lr=0.1, weight_decay=lam, **kw))
    ours = _trajectory(lambda gs: torch.optim.SGD(gs, lr=0.1, **kw), penalty=lam)
    _assert_same(ref, ours)


@pytest.mark.parametrize("amsgrad", [False, True])
def test_adam_weight_decay_is_adam_with_l2_penalty(amsgrad: bool) -> None:
    lam = 0.1
    ref = _trajectory(lambda gs: torch.optim.Adam(gs, lr=0.01, weight_decay=lam, amsgrad=amsgrad))
    ours = _trajectory(lambda gs: torch.optim.Adam(gs, lr=0.01, amsgrad=amsgrad), penalty=lam)
    _assert_same(ref, ours)


def test_l2_penalty_respects_group_weight_decay() -> None:
    """A dict's weight_decay wins; SGD with per-group weight_decay is matched group by group."""

    def groups(model: torch.nn.Module) -> list[dict]:
        w = [p for p in model.parameters() if p.ndim > 1]
        b = [p for p in model.parameters() if p.ndim == 1]
        return [{"params": w, "weight_decay": 0.2}, {"params": b, "weight_decay": 0.0}]

    ref = _trajectory(lambda gs: torch.optim.SGD(gs, lr=0.1, momentum=0.9), groups=groups)
    ours = _trajectory(
        lambda gs: torch.optim.SGD(_strip_wd(gs), lr=0.1, momentum=0.9),
        penalty=1.0,  # ignored: every group has its own weight_decay
        groups=groups,
    )
    _assert_same(ref, ours)


def test_l2_penalty_value_and_gradient() -> None:
    w = torch.tensor([[1.0, -2.0], [0.5, 3.0]], dtype=torch.float64, requires_grad=True)
    b = torch.tensor([4.0], dtype=torch.float64, requires_grad=True)
    pen = l2_penalty([w, b], 0.3)
    assert pen.item() == pytest.approx(0.15 * (1 + 4 + 0.25 + 9 + 16))
    pen.backward()
    np.testing.assert_allclose(w.grad.numpy(), 0.3 * w.detach().numpy())
    named = l2_penalty([("w", w), ("b", b)], 0.3)
    assert named.item() == pytest.approx(pen.item())
    assert l2_penalty([w], 0.0).item() == 0.0


# ---------------------------------------------------------------------------- decoupled
@pytest.mark.parametrize("amsgrad", [False, True])
def test_adamw_is_adam_with_decoupled_lr_step(amsgrad: bool) -> None:
    lam = 0.1
    ref = _trajectory(lambda gs: torch.optim.AdamW(gs, lr=0.01, weight_decay=lam, amsgrad=amsgrad))
    ours = _trajectory(
        lambda gs: torch.optim.Adam(gs, lr=0.01, amsgrad=amsgrad),
        decay={"weight_decay": lam, "scaling": "lr"},
    )
    _assert_same(ref, ours)
    coupled = _trajectory(lambda gs: torch.optim.Adam(gs, lr=0.01, weight_decay=lam))
    assert float(np.abs(coupled[-1] - ref[-1]).max()) > 1e-3  # Adam + L2 is not AdamW


def test_adamw_with_scheduler_and_groups_of_their_own_lr() -> None:
    """Per-group lr and weight_decay (a no-decay group) under a scheduler, as AdamW does."""

    def groups(model: torch.nn.Module) -> list[dict]:
        w = [p for p in model.parameters() if p.ndim > 1]
        b = [p for p in model.parameters() if p.ndim == 1]
        return [
            {"params": w, "weight_decay": 0.3, "lr": 0.02},
            {"params": b, "weight_decay": 0.0, "lr": 0.005},
        ]

    def sched(opt: torch.optim.Optimizer) -> object:
        return torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=STEPS)

    ref = _trajectory(lambda gs: torch.optim.AdamW(gs), groups=groups, scheduler=sched)
    ours = _trajectory(
        lambda gs: torch.optim.Adam(without_weight_decay(gs)),
        decay={"scaling": "lr"},
        groups=groups,
        scheduler=sched,
    )
    _assert_same(ref, ours)


def test_plain_sgd_decoupled_lr_step_equals_coupled() -> None:
    """With SGD, w(1 − ηλ) − ηg = w − η(g + λw): coupled and decoupled are one thing."""
    lam = 0.05
    ref = _trajectory(lambda gs: torch.optim.SGD(gs, lr=0.1, weight_decay=lam))
    ours = _trajectory(
        lambda gs: torch.optim.SGD(gs, lr=0.1), decay={"weight_decay": lam, "scaling": "lr"}
    )
    _assert_same(ref, ours)
    # ... but not with momentum: the decay then bypasses the momentum buffer
    ref_m = _trajectory(lambda gs: torch.optim.SGD(gs, lr=0.1, momentum=0.9, weight_decay=lam))
    ours_m = _trajectory(
        lambda gs: torch.optim.SGD(gs, lr=0.1, momentum=0.9),
        decay={"weight_decay": lam, "scaling": "lr"},
    )
    assert float(np.abs(ref_m[-1] - ours_m[-1]).max()) > 1e-4


def test_schedule_scaling_is_loshchilov_hutter() -> None:
    """η_t·λ·w with η_t the schedule multiplier: AdamW with weight_decay = λ / base lr."""
    lam, base = 0.002, 0.01

    def sched(opt: torch.optim.Optimizer) -> object:
        return torch.optim.lr_scheduler.StepLR(opt, step_size=20, gamma=0.5)

    ref = _trajectory(
        lambda gs: torch.optim.AdamW(gs, lr=base, weight_decay=lam / base), scheduler=sched
    )
    ours = _trajectory(
        lambda gs: torch.optim.Adam(gs, lr=base),
        decay={"weight_decay": lam, "scaling": "schedule"},
        scheduler=sched,
    )
    _assert_same(ref, ours)
    lr_mode = _trajectory(
        lambda gs: torch.optim.Adam(gs, lr=base),
        decay={"weight_decay": lam, "scaling": "lr"},
        scheduler=sched,
    )
    assert float(np.abs(lr_mode[-1] - ref[-1]).max()) > 1e-4


@pytest.mark.parametrize("scaling", ["lr", "schedule", "none"])
def test_shrink_factors_in_closed_form(scaling: str) -> None:
    """With zero gradients Adam does not move w, so w_k = Π_t (1 − s_t λ) w₀ for each mode."""
    w = torch.nn.Parameter(torch.tensor([1.0, -2.0, 0.5], dtype=torch.float64))
    opt = torch.optim.Adam([w], lr=0.1)
    sched = torch.optim.lr_scheduler.ExponentialLR(opt, gamma=0.9)
    lam = 0.3
    wd = DecoupledWeightDecay([w], lam, optimizer=opt, scaling=scaling)  # type: ignore[arg-type]
    factor = 1.0
    for t in range(30):
        (0.0 * w).sum().backward()
        wd.step()
        opt.step()
        sched.step()
        s = {"lr": 0.1 * 0.9**t, "schedule": 0.9**t, "none": 1.0}[scaling]
        factor *= 1.0 - s * lam
    np.testing.assert_allclose(w.detach().numpy(), factor * np.array([1.0, -2.0, 0.5]), rtol=1e-12)


def test_mask_selects_named_parameters() -> None:
    model = _model()
    before = {n: p.detach().clone() for n, p in model.named_parameters()}
    mask = {n: p.ndim > 1 for n, p in model.named_parameters()}
    DecoupledWeightDecay(model.named_parameters(), 0.5, scaling="none", mask=mask).step()
    for n, p in model.named_parameters():
        expected = before[n] * (0.5 if mask[n] else 1.0)
        torch.testing.assert_close(p.detach(), expected)
    DecoupledWeightDecay(
        model.named_parameters(), 0.5, scaling="none", mask=lambda n, p: n.endswith("bias")
    ).step()
    torch.testing.assert_close(model[0].bias.detach(), before["0.bias"] * 0.5)


def test_helpers_read_groups() -> None:
    a = torch.nn.Parameter(torch.zeros(2))
    b = torch.nn.Parameter(torch.zeros(2))
    opt = torch.optim.SGD([{"params": [a], "lr": 0.3}, {"params": [b], "lr": 0.1}])
    assert param_group_of(opt, b)["lr"] == 0.1
    with pytest.raises(ValueError, match="param must be a parameter of the optimizer"):
        param_group_of(opt, torch.zeros(3))
    with pytest.raises(ValueError, match="base_lr must be given when the param group has no"):
        schedule_multiplier(opt.param_groups[0])
    assert schedule_multiplier(opt.param_groups[0], base_lr=0.6) == pytest.approx(0.5)


# ---------------------------------------------------------------------------- the loop
@pytest.mark.parametrize(
    ("momentum", "reduction", "t"), [(0.0, "mean", 1), (0.9, "mean", 1), (0.0, "sum", 2)]
)
def test_sgd_weight_decay_converges_to_ridge_at_the_convention_alpha(
    momentum: float, reduction: str, t: int
) -> None:
    """Full-batch SGD(weight_decay=λ) on MSE (bias not decayed) → Ridge(α from conventions)."""
    rng = np.random.default_rng(3)
    n, p = 60, 5
    X = rng.standard_normal((n, p)) * np.array([1.0, 2.0, 0.5, 1.5, 1.0]) + 1.0
    Y = X @ rng.standard_normal((p, t)) + 1.0 + rng.standard_normal((n, t))
    lam = 0.4 if reduction == "mean" else 5.0
    alpha = to_ridgeway(lam, "torch-sgd", n_samples=n, n_targets=t, reduction=reduction)
    A = np.c_[X, np.ones(n)]
    scale = 2.0 / (n * t) if reduction == "mean" else 2.0
    top = scale * np.linalg.eigvalsh(A.T @ A).max() + lam  # the loss's curvature, at most
    torch.manual_seed(0)
    lin = torch.nn.Linear(p, t).double()
    opt = torch.optim.SGD(
        [
            {"params": [lin.weight], "weight_decay": lam},
            {"params": [lin.bias], "weight_decay": 0.0},
        ],
        lr=(1.0 if momentum == 0 else 0.5) / top,
        momentum=momentum,
    )
    Xt, Yt = torch.from_numpy(X), torch.from_numpy(Y)
    for _ in range(3000):
        opt.zero_grad()
        torch.nn.functional.mse_loss(lin(Xt), Yt, reduction=reduction).backward()
        opt.step()
    ridge = Ridge(alpha=alpha).fit(X, Y if t > 1 else Y[:, 0])
    coef = np.asarray(ridge.coef_).reshape(t, p) if t > 1 else np.asarray(ridge.coef_)[None]
    np.testing.assert_allclose(lin.weight.detach().numpy(), coef, atol=1e-8)
    np.testing.assert_allclose(
        lin.bias.detach().numpy(), np.atleast_1d(ridge.intercept_), atol=1e-8
    )
    # the fit is not the unpenalized one: α matters at this size
    assert np.abs(Ridge(alpha=0.0).fit(X, Y[:, 0]).coef_ - coef[0]).max() > 1e-3


# ---------------------------------------------------------------------------- errors
def test_bad_input_messages() -> None:
    w = torch.nn.Parameter(torch.zeros(2))
    opt = torch.optim.SGD([w], lr=0.1)
    with pytest.raises(
        ValueError, match="scaling must be one of 'lr', 'schedule', 'none'; got 'x'"
    ):
        DecoupledWeightDecay([w], 0.1, optimizer=opt, scaling="x")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="optimizer must be given for scaling='lr'"):
        DecoupledWeightDecay([w], 0.1)
    with pytest.raises(ValueError, match="weight_decay must be finite and ≥ 0; got -1"):
        DecoupledWeightDecay([w], -1, optimizer=opt)
    with pytest.raises(TypeError, match="strength must be a number ≥ 0; got 'a'"):
        l2_penalty([w], "a")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="weight_decay must be given"):
        l2_penalty([w])
    with pytest.raises(ValueError, match="params must be a non-empty iterable"):
        l2_penalty([], 0.1)
    with pytest.raises(TypeError, match=r"params must be tensors, \(name, tensor\) pairs"):
        l2_penalty([1.0], 0.1)  # type: ignore[list-item]
    with pytest.raises(TypeError, match=r"params must be given as \(name, tensor\) pairs"):
        DecoupledWeightDecay([w], 0.1, scaling="none", mask={"w": True})
    with pytest.raises(ValueError, match="mask must be a mapping with an entry for 'v'"):
        DecoupledWeightDecay([("v", w)], 0.1, scaling="none", mask={"w": True})
    with pytest.raises(ValueError, match="param must be a parameter of the optimizer"):
        DecoupledWeightDecay([torch.zeros(1)], 0.1, optimizer=opt)
    with pytest.raises(TypeError, match=r"optimizer must be a torch\.optim\.Optimizer; got dict"):
        DecoupledWeightDecay([w], 0.1, optimizer={})  # type: ignore[arg-type]


def test_without_weight_decay_copies() -> None:
    w = torch.nn.Parameter(torch.zeros(2))
    groups = [{"params": [w], "weight_decay": 0.3, "lr": 0.1}]
    out = without_weight_decay(groups)
    assert out == [{"params": [w], "weight_decay": 0.0, "lr": 0.1}]
    assert groups[0]["weight_decay"] == 0.3 and out[0] is not groups[0]
    with pytest.raises(TypeError, match=r"groups\[0\] must be a param-group dict"):
        without_weight_decay([w])  # type: ignore[list-item]


def test_warns_when_the_optimizer_decays_too() -> None:
    w = torch.nn.Parameter(torch.zeros(2))
    opt = torch.optim.AdamW([w], lr=0.1)  # weight_decay=0.01 by default
    with pytest.warns(UserWarning, match="decayed twice"):
        DecoupledWeightDecay([w], 0.1, optimizer=opt)


# ---------------------------------------------------------------------- optional extra
def test_torch_is_optional() -> None:
    """``import ridgeway`` (and the CLI) never imports torch; without torch the error names
    the extra (one subprocess for both: torch is blocked once the first check has passed)."""
    code = (
        "import sys, ridgeway, ridgeway.cli\n"
        "print('torch' in sys.modules)\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'torch' or name.startswith('torch.'):\n"
        "            raise ModuleNotFoundError(f'No module named {name!r}')\n"
        "sys.meta_path.insert(0, Block())\n"
        "try:\n    import ridgeway.torch\nexcept ImportError as e:\n    print(e)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    first, second = out.stdout.strip().split("\n", 1)
    assert first == "False"
    assert "ridgeway.torch needs PyTorch" in second
    assert "pip install 'ridgeway[torch]'" in second
