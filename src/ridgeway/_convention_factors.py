"""The factor of each penalty convention, and the data it is computed from.

Every convention of :mod:`ridgeway.conventions` is linear: ridgeway's α = c · value. The factor
c is a function of what the conversion knows about the data (:class:`_Data`: the number of rows
n, the sum of the weights Σs, the weights, y) and of the convention's options. This module holds
those factor functions, the checks of the options they read, and the validation of the data
arguments that builds a :class:`_Data`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from ridgeway._typing import FloatArray
from ridgeway._validation import as_matrix, as_weights, check_finite, message


@dataclass(frozen=True)
class _Data:
    """What a conversion may need to know about the data: n rows, Σs, weights, y (n, t)."""

    n: float | None
    sw: float | None
    w: FloatArray | None
    y: FloatArray | None


_Scale = Callable[[_Data, Mapping[str, Any], str], float]
_Check = Callable[[Any, str], Any]


# --------------------------------------------------------------------------------------- data
def _data(n_samples: Any, y: Any, X: Any, sample_weight: Any) -> tuple[_Data, np.ndarray | None]:
    """Validate the data arguments once; agree on n (rows), Σs and y (n, t). Also return X."""
    counts: dict[str, int] = {}
    Xa = None
    if X is not None:
        Xa = as_matrix(X)
        check_finite(Xa, "X")
        counts["X"] = Xa.shape[0]
    Y = None
    if y is not None:
        try:
            Y = np.asarray(y, dtype=np.float64)
        except (TypeError, ValueError):
            raise TypeError(message("y", "an array of numbers", repr(y))) from None
        if Y.ndim not in (1, 2) or Y.shape[0] == 0:
            raise ValueError(message("y", "a non-empty 1-D or 2-D array", f"shape {Y.shape}"))
        Y = Y[:, None] if Y.ndim == 1 else Y
        check_finite(Y, "y")
        counts["y"] = Y.shape[0]
    if sample_weight is not None and np.ndim(sample_weight) == 1:
        counts["sample_weight"] = len(sample_weight)
    n: float | None = None
    if n_samples is not None:
        if isinstance(n_samples, bool) or not isinstance(n_samples, int | float | np.number):
            raise TypeError(message("n_samples", "a positive number", repr(n_samples)))
        if not (np.isfinite(n_samples) and n_samples > 0):
            raise ValueError(message("n_samples", "a positive number", repr(n_samples)))
        n = float(n_samples)
    for name, k in counts.items():
        if n is None:
            n = float(k)
        elif k != n:
            source = "n_samples" if n_samples is not None else "the other data"
            raise ValueError(message(name, f"of {n:g} rows as {source} says", f"{k} rows"))
    w = None
    if sample_weight is not None:
        if n is None:
            rule = "an array, or a number given with n_samples"
            raise ValueError(message("sample_weight", rule, repr(sample_weight)))
        w = as_weights(sample_weight, int(n))
    sw = None if n is None else (n if w is None else float(w.sum()))
    return _Data(n=n, sw=sw, w=w, y=Y), Xa


# ------------------------------------------------------------------------------------ options
def _check_bool(value: Any, name: str) -> bool:
    if not isinstance(value, bool | np.bool_):
        raise TypeError(message(name, "True or False", repr(value)))
    return bool(value)


def _check_targets(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
        raise ValueError(message(name, "a positive integer", repr(value)))
    return int(value)


def _check_momentum(value: Any, name: str) -> float:
    try:
        m = float(value)
    except (TypeError, ValueError):
        raise TypeError(message(name, "a number in [0, 1)", repr(value))) from None
    if not 0.0 <= m < 1.0:
        got = f"{value!r} (momentum 1 never forgets a gradient: the iteration has no fixed point)"
        raise ValueError(message(name, "in [0, 1)", got if m == 1.0 else repr(value)))
    return m


def _check_choice(*choices: str) -> _Check:
    def check(value: Any, name: str) -> str:
        if value not in choices:
            raise ValueError(message(name, "one of " + ", ".join(map(repr, choices)), repr(value)))
        return str(value)

    return check


def _check_penalty_factor(value: Any, name: str) -> FloatArray:
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(message(name, "an array of numbers", repr(value))) from None
    if arr.ndim != 1 or not np.isfinite(arr).all() or (arr < 0).any() or not (arr > 0).any():
        raise ValueError(message(name, "a 1-D array of finite values ≥ 0, not all 0", repr(value)))
    return arr


# ------------------------------------------------------------------------------------- scales
def _need_n(d: _Data, conv: str) -> tuple[float, float]:
    if d.n is None or d.sw is None:
        raise ValueError(
            message(
                "n_samples",
                f"given (or y, X or sample_weight) for {conv!r}, whose loss is a mean over samples",
                "None",
            )
        )
    return d.n, d.sw


def _targets(d: _Data, opts: Mapping[str, Any], conv: str) -> int:
    t = opts.get("n_targets")
    if d.y is not None:
        if t is not None and t != d.y.shape[1]:
            raise ValueError(
                message("n_targets", f"the number of columns of y ({d.y.shape[1]})", repr(t))
            )
        return int(d.y.shape[1])
    return 1 if t is None else int(t)


def _one(d: _Data, opts: Mapping[str, Any], conv: str) -> float:
    return 1.0


def _sum_weights(d: _Data, opts: Mapping[str, Any], conv: str) -> float:
    return _need_n(d, conv)[1]


def _count(d: _Data, opts: Mapping[str, Any], conv: str) -> float:
    return _need_n(d, conv)[0]


def _glmnet(d: _Data, opts: Mapping[str, Any], conv: str) -> float:
    if d.y is None:
        rule = "given for 'glmnet', which scales λ by the standard deviation of y"
        raise ValueError(message("y", rule, "None"))
    sw = _need_n(d, conv)[1]
    if d.y.shape[1] != 1:
        raise ValueError(
            message("y", "one target for 'glmnet' (family='gaussian')", f"shape {d.y.shape}")
        )
    y = d.y[:, 0]
    w = np.ones(y.shape[0]) if d.w is None else d.w
    centre = float(w @ y / sw) if opts["intercept"] else 0.0
    ys = float(np.sqrt(w @ (y - centre) ** 2 / sw))
    if not ys > 0:
        if opts["intercept"]:
            rule, got = (
                "non-constant for 'glmnet', which divides y by its standard deviation",
                "a constant y",
            )
        else:
            rule = "not all zero for 'glmnet' (intercept=False), which divides y by its root mean square"
            got = "all zeros"
        raise ValueError(message("y", rule, got))
    scale = sw / ys
    pf = opts.get("penalty_factor")
    if pf is not None:  # glmnet rescales penalty.factor to sum to the number of features
        scale *= pf.size / pf.sum()
    return scale


def _torch(d: _Data, opts: Mapping[str, Any], conv: str) -> float:
    t = _targets(d, opts, conv)
    if opts["reduction"] == "sum":
        return 0.5
    return _need_n(d, conv)[0] * t / 2.0


def _keras_l2(d: _Data, opts: Mapping[str, Any], conv: str) -> float:
    t = _targets(d, opts, conv)
    if opts["reduction"] == "sum":
        return float(t)
    return _need_n(d, conv)[0] * t


def _keras_sgd(d: _Data, opts: Mapping[str, Any], conv: str) -> float:
    return _keras_l2(d, opts, conv) * (1.0 - opts["momentum"]) / 2.0
