"""Pieces shared by the weight-decay demonstrations: seeding, data, a training loop, norms."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import torch
from threadpoolctl import threadpool_limits

from ridgeway._validation import message

__all__ = [
    "Split",
    "check_positive_int",
    "check_seed",
    "digits_split",
    "evaluate",
    "seeded",
    "train_epochs",
    "weight_norm",
]

THREADS = 1  # small dense layers: one thread is as fast, and never oversubscribes shared cores


def check_seed(seed: int) -> int:
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ValueError(message("seed", "a non-negative integer", repr(seed)))
    return int(seed)


def check_positive_int(value: int, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
        raise ValueError(message(name, "a positive integer", repr(value)))
    return int(value)


def check_strength(value: float, name: str) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise TypeError(message(name, "a number > 0", repr(value))) from None
    if not (math.isfinite(v) and v > 0):
        raise ValueError(message(name, "finite and > 0", repr(value)))
    return v


@contextmanager
def seeded(seed: int, threads: int = THREADS) -> Iterator[torch.Generator]:
    """Seed torch, use deterministic kernels and few threads; restore the settings afterwards.

    Yields a ``torch.Generator`` seeded with ``seed`` for the demo's own draws (batches).
    """
    threads_before = torch.get_num_threads()
    deterministic_before = torch.are_deterministic_algorithms_enabled()
    state = torch.random.get_rng_state()
    torch.set_num_threads(threads)
    torch.use_deterministic_algorithms(True)
    torch.manual_seed(seed)
    try:
        with threadpool_limits(threads):  # BLAS of numpy and scipy too
            yield torch.Generator().manual_seed(seed)
    finally:
        torch.set_num_threads(threads_before)
        torch.use_deterministic_algorithms(deterministic_before)
        torch.random.set_rng_state(state)


@dataclass(frozen=True)
class Split:
    """A train/validation split as float32 tensors (features standardized on the train part)."""

    X_train: torch.Tensor
    y_train: torch.Tensor
    X_val: torch.Tensor
    y_val: torch.Tensor


def digits_split(n_train: int, seed: int, *, images: bool = False) -> Split:
    """scikit-learn's digits (1797 8×8 images, 10 classes): ``n_train`` rows to train on.

    Pixels are scaled to [0, 1] (16 grey levels), then centred and scaled by the train split's
    overall standard deviation; ``images=True`` keeps the shape (n, 1, 8, 8).
    """
    from sklearn.datasets import load_digits

    data = load_digits()
    X = np.asarray(data.data, dtype=np.float64) / 16.0
    y = np.asarray(data.target, dtype=np.int64)
    n = X.shape[0]
    if not 10 <= n_train <= n - 100:
        raise ValueError(message("n_train", f"between 10 and {n - 100}", n_train))
    order = np.random.default_rng(seed).permutation(n)
    tr, va = order[:n_train], order[n_train:]
    mean, sd = X[tr].mean(axis=0), X[tr].std()
    X = (X - mean) / sd
    if images:
        X = X.reshape(n, 1, 8, 8)
    Xt = torch.from_numpy(X.astype(np.float32))
    yt = torch.from_numpy(y)
    return Split(Xt[tr], yt[tr], Xt[va], yt[va])


def train_epochs(
    model: torch.nn.Module,
    split: Split,
    loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
    optimizer: torch.optim.Optimizer,
    *,
    epochs: int,
    batch_size: int,
    generator: torch.Generator,
    penalty: Callable[[], torch.Tensor] | None = None,
    before_step: Callable[[], None] | None = None,
    record: Callable[[int], None] | None = None,
) -> None:
    """Minibatch training: shuffled batches from ``generator``; ``record(epoch)`` after each.

    ``penalty()`` is added to each batch's loss (coupled decay); ``before_step()`` runs between
    ``backward()`` and ``optimizer.step()`` (a decoupled decay step).
    """
    n = split.X_train.shape[0]
    if record is not None:
        record(0)
    for epoch in range(1, epochs + 1):
        model.train()
        order = torch.randperm(n, generator=generator)
        for start in range(0, n, batch_size):
            idx = order[start : start + batch_size]
            optimizer.zero_grad(set_to_none=True)
            loss = loss_fn(model(split.X_train[idx]), split.y_train[idx])
            if penalty is not None:
                loss = loss + penalty()
            loss.backward()
            if before_step is not None:
                before_step()
            optimizer.step()
        if record is not None:
            record(epoch)


@torch.no_grad()
def evaluate(
    model: torch.nn.Module,
    X: torch.Tensor,
    y: torch.Tensor,
    loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
) -> tuple[float, float]:
    """(mean loss, accuracy) of ``model`` in eval mode; accuracy is NaN for real targets."""
    was_training = model.training
    model.eval()
    out = model(X)
    loss = float(loss_fn(out, y))
    acc = float((out.argmax(dim=1) == y).float().mean()) if y.dtype == torch.int64 else math.nan
    model.train(was_training)
    return loss, acc


@torch.no_grad()
def weight_norm(tensors: Sequence[torch.Tensor]) -> float:
    """√(Σ ‖W‖²) over ``tensors``."""
    return math.sqrt(sum(float(t.double().pow(2).sum()) for t in tensors))


def matrices(model: torch.nn.Module) -> list[tuple[str, torch.Tensor]]:
    """The (name, tensor) of every weight matrix or kernel (ndim ≥ 2).

    timm's default decays exactly these (not biases or normalization parameters); Hugging
    Face's Trainer, similarly, all but biases and LayerNorm weights.
    """
    return [(n, p) for n, p in model.named_parameters() if p.ndim >= 2]
