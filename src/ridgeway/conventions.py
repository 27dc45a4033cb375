"""Penalty strengths between libraries, through one canonical α.

ridgeway's α, on the sum-of-squares objective

    minimize over b, W:   Σ_i s_i ‖y_i − b − x_iᵀW‖²  +  α Σ_j π_j ‖W_j‖²

is the one canonical penalty strength. Other libraries state the same ridge problem with a mean
instead of a sum, with or without a ½, on a rescaled y (glmnet), or through an optimizer's
weight decay. Each is a :class:`Convention` record in a registry, and every one of them is
linear: ridgeway's α = c · value, where the factor c depends on the number of samples n (Σs
when the library normalizes weights), on y (glmnet) or on options such as the number of targets
t. :func:`convert` goes through ridgeway's α: ``from_ridgeway(to_ridgeway(value, from_), to)``.

Decoupled weight decay with an adaptive optimizer (AdamW and friends) has no equivalent L2
penalty: asking for it raises :class:`NoEquivalentPenaltyError`, which says why.

Examples
--------
>>> from ridgeway import conventions
>>> conventions.convert(0.01, from_="torch-sgd", to="ridgeway", n_samples=1000)
5.0
>>> conventions.convert(5.0, from_="ridgeway", to="sklearn-elasticnet", n_samples=1000)
0.005
"""

from __future__ import annotations

import difflib
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, overload

import numpy as np

from ridgeway._typing import ArrayLike, FloatArray
from ridgeway._validation import as_matrix, as_weights, check_finite, message

__all__ = [
    "Convention",
    "NoEquivalentPenaltyError",
    "convention",
    "conventions",
    "convert",
    "from_ridgeway",
    "table",
    "to_ridgeway",
]


class NoEquivalentPenaltyError(ValueError):
    """A convention (decoupled weight decay) has no equivalent L2 penalty on the loss."""


@dataclass(frozen=True)
class _Data:
    """What a conversion may need to know about the data: n rows, Σs, weights, y (n, t)."""

    n: float | None
    sw: float | None
    w: FloatArray | None
    y: FloatArray | None


_Scale = Callable[[_Data, Mapping[str, Any], str], float]
_Check = Callable[[Any, str], Any]


@dataclass(frozen=True, eq=False)
class Convention:
    """One library's way of stating the strength of an L2 penalty.

    Attributes
    ----------
    name : str
        Registry key, e.g. ``"glmnet"``.
    setting : str
        The library call this convention describes.
    objective : str
        The objective it minimizes, as a formula.
    alpha : str
        ridgeway's α as a formula of the value (``"α = n·λ/sd(y)"``).
    needs : tuple of str
        Data the conversion needs: ``"n_samples"`` (or ``y``/``X``/``sample_weight`` to count
        it), ``"y"``.
    options : Mapping[str, Any]
        Options this convention recognizes, with their defaults.
    standardize : bool or None
        True when the library penalizes standardized coefficients (match it with
        ``Ridge(standardize=True)``), False when it penalizes raw ones, None for ridgeway itself.
    standardize_option : str or None
        The option that switches the library's standardization (glmnet, glum), if any.
    reason : str or None
        Why there is no equivalent L2 penalty (decoupled weight decay); None otherwise.
    """

    name: str
    setting: str
    objective: str
    alpha: str
    needs: tuple[str, ...] = ()
    options: Mapping[str, Any] = field(default_factory=dict)
    standardize: bool | None = False
    standardize_option: str | None = None
    reason: str | None = None
    _scale: _Scale | None = field(default=None, repr=False)
    _checks: Mapping[str, _Check] = field(default_factory=dict, repr=False)

    @property
    def equivalent(self) -> bool:
        """Whether the convention has an equivalent ridge penalty."""
        return self.reason is None

    def standardizes(self, opts: Mapping[str, Any]) -> bool | None:
        """Whether the penalty applies to standardized coefficients, given the options."""
        if self.standardize_option is not None and self.standardize_option in opts:
            return bool(opts[self.standardize_option])
        return self.standardize


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


# ----------------------------------------------------------------------------------- registry
_ADAPTIVE = (
    "decoupled weight decay shrinks w outside the optimizer's preconditioner, so a fixed point "
    "balances the preconditioned gradient, ∇L/(√v̂ + ε), against wd·w: the implied penalty on "
    "coordinate j is wd·(√v̂_j + ε), which follows the optimizer's second-moment estimate v̂ "
    "(different for every coordinate and changing during training), not one constant α "
    "(full-batch AdamW converges to a point of min L subject to ‖w‖∞ ≤ 1/wd instead). For a "
    "ridge-equivalent fit use coupled decay (torch-adam) or an L2 term in the loss (keras-l2); "
    "decoupled decay with plain SGD is 'keras-sgd'"
)
_N = ("n_samples",)
_MSE = "1/(n·t) Σ ‖y_i − b − Wx_i‖²"  # nn.MSELoss() and Keras 'mse': a mean over n·t entries
_TORCH: dict[str, Any] = {
    "objective": f"{_MSE} + wd/2 ‖W‖²",
    "alpha": "α = n·t·wd/2  (wd/2 for reduction='sum')",
    "needs": _N,
    "options": {"n_targets": None, "reduction": "mean"},
    "_scale": _torch,
    "_checks": {"n_targets": _check_targets, "reduction": _check_choice("mean", "sum")},
}
_KERAS_CHECKS: dict[str, _Check] = {
    "n_targets": _check_targets,
    "reduction": _check_choice("sum_over_batch_size", "sum"),
}
_KERAS_OPTIONS: dict[str, Any] = {"n_targets": None, "reduction": "sum_over_batch_size"}


def _conv(name: str, setting: str, objective: str, alpha: str = "none", **kw: Any) -> Convention:
    kw["options"] = MappingProxyType(dict(kw.get("options", {})))
    kw["_checks"] = MappingProxyType(dict(kw.get("_checks", {})))
    return Convention(name, setting, objective, alpha, **kw)


_REGISTRY: dict[str, Convention] = {
    c.name: c
    for c in (
        _conv(
            "ridgeway",
            "ridgeway.Ridge(alpha=α)",
            "Σ s_i ‖y_i − b − x_iᵀW‖² + α Σ_j π_j ‖W_j‖²",
            "α",
            standardize=None,
            _scale=_one,
        ),
        _conv(
            "sklearn-ridge",
            "sklearn Ridge / RidgeCV / KernelRidge (alpha=a)",
            "Σ s_i (y_i − b − x_iᵀw)² + a‖w‖²",
            "α = a",
            _scale=_one,
        ),
        _conv(
            "sklearn-elasticnet",
            "sklearn ElasticNet / MultiTaskElasticNet (alpha=a, l1_ratio=0)",
            "1/(2Σs) Σ s_i ‖y_i − b − x_iᵀW‖² + a/2 ‖W‖²",
            "α = Σs·a  (n·a unweighted)",
            needs=_N,
            _scale=_sum_weights,
        ),
        _conv(
            "sklearn-sgd",
            "sklearn SGDRegressor(penalty='l2', alpha=a)",
            "1/n Σ s_i ½(y_i − b − x_iᵀw)² + a/2 ‖w‖²",
            "α = n·a  (n counts rows, also with weights)",
            needs=_N,
            _scale=_count,
        ),
        _conv(
            "statsmodels",
            "statsmodels OLS/WLS .fit_regularized(L1_wt=0, alpha=a)",
            "1/(2Σs) Σ s_i (y_i − x_iᵀβ)² + a/2 ‖β‖²",
            "α = Σs·a  (n·a for OLS)",
            needs=_N,
            _scale=_sum_weights,
        ),
        _conv(
            "glum",
            "glum GeneralizedLinearRegressor(family='normal', alpha=a, l1_ratio=0)",
            "1/(2Σs) Σ s_i (y_i − b − x_iᵀw)² + a/2 ‖w‖²",
            "α = Σs·a",
            needs=_N,
            options={"scale_predictors": False},
            standardize_option="scale_predictors",
            _scale=_sum_weights,
            _checks={"scale_predictors": _check_bool},
        ),
        _conv(
            "glmnet",
            "R glmnet(family='gaussian', alpha=0, lambda=λ)",
            "1/(2Σs) Σ s_i (y_i − b − x_iᵀβ)² + λ/(2·sd(y)) ‖β‖², solved on y/sd(y)",
            "α = Σs·λ/sd(y)  (n·λ/sd(y) unweighted)",
            needs=("n_samples", "y"),
            options={"standardize": True, "intercept": True, "penalty_factor": None},
            standardize=True,
            standardize_option="standardize",
            _scale=_glmnet,
            _checks={
                "standardize": _check_bool,
                "intercept": _check_bool,
                "penalty_factor": _check_penalty_factor,
            },
        ),
        _conv(
            "mass-lm-ridge",
            "R MASS::lm.ridge(lambda=λ)",
            "‖y − ȳ − Zβ‖² + λ‖β‖², Z = centred X / sd (divisor n)",
            "α = λ",
            standardize=True,
            _scale=_one,
        ),
        _conv(
            "sas-proc-reg",
            "SAS PROC REG RIDGE=k",
            "(Z'Z + kI)⁻¹Z'y, Z = centred X scaled to unit length",
            "α = n·k",
            needs=_N,
            standardize=True,
            _scale=_sum_weights,
        ),
        _conv("torch-sgd", "torch.optim.SGD(weight_decay=wd), any momentum", **_TORCH),
        _conv("torch-adam", "torch.optim.Adam(weight_decay=wd), coupled (the default)", **_TORCH),
        _conv(
            "keras-l2",
            "keras Dense(kernel_regularizer=regularizers.l2(l)), loss='mse'",
            f"{_MSE} + l ‖W‖²",
            "α = n·t·l  (t·l for reduction='sum')",
            needs=_N,
            options=_KERAS_OPTIONS,
            _scale=_keras_l2,
            _checks=_KERAS_CHECKS,
        ),
        _conv(
            "keras-sgd",
            "keras.optimizers.SGD(weight_decay=wd, momentum=m), loss='mse'",
            f"fixed point of {_MSE} + (1−m)·wd/2 ‖W‖²",
            "α = n·t·(1−m)·wd/2",
            needs=_N,
            options={"momentum": 0.0, **_KERAS_OPTIONS},
            _scale=_keras_sgd,
            _checks={"momentum": _check_momentum, **_KERAS_CHECKS},
        ),
        _conv(
            "torch-adamw",
            "torch.optim.AdamW, Adam(decoupled_weight_decay=True)",
            "w ← w − lr·(m̂/(√v̂ + ε) + wd·w)",
            reason=_ADAPTIVE,
        ),
        _conv(
            "keras-adamw",
            "keras AdamW, or Adam/RMSprop/Adagrad/… (weight_decay=wd)",
            "w ← w − lr·wd·w, then the adaptive step",
            reason=_ADAPTIVE,
        ),
        _conv(
            "optax-adamw",
            "optax.adamw, add_decayed_weights after an adaptive transform",
            "u = −lr·(m̂/(√v̂ + ε) + wd·w)",
            reason=_ADAPTIVE,
        ),
        _conv(
            "decoupled",
            "any decoupled weight decay with an adaptive optimizer",
            "w ← w − lr·wd·w outside the preconditioner",
            reason=_ADAPTIVE,
        ),
    )
}

_ALIASES = {
    "sklearn": "sklearn-ridge",
    "scikit-learn": "sklearn-ridge",
    "r-glmnet": "glmnet",
    "mass": "mass-lm-ridge",
    "lm.ridge": "mass-lm-ridge",
    "sas": "sas-proc-reg",
    "pytorch-sgd": "torch-sgd",
    "pytorch-adam": "torch-adam",
    "pytorch-adamw": "torch-adamw",
    "adamw": "decoupled",
}


def conventions() -> tuple[str, ...]:
    """Names of all registered conventions, those without an equivalent penalty included.

    Examples
    --------
    >>> from ridgeway.conventions import conventions
    >>> conventions()[:3]
    ('ridgeway', 'sklearn-ridge', 'sklearn-elasticnet')
    """
    return tuple(_REGISTRY)


def convention(name: str) -> Convention:
    """The :class:`Convention` record registered as ``name`` (case and ``_``/``-`` ignored).

    Examples
    --------
    >>> from ridgeway.conventions import convention
    >>> c = convention("glmnet")
    >>> c.alpha, c.needs, c.standardize
    ('α = Σs·λ/sd(y)  (n·λ/sd(y) unweighted)', ('n_samples', 'y'), True)
    """
    return _lookup(name, "convention")


def _lookup(name: str, argument: str) -> Convention:
    if not isinstance(name, str):
        raise TypeError(message(argument, "a convention name (str)", repr(name)))
    key = name.strip().lower().replace("_", "-").replace(" ", "-")
    key = _ALIASES.get(key, key)
    if key not in _REGISTRY:
        close = difflib.get_close_matches(key, [*_REGISTRY, *_ALIASES], n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        rule = "one of " + ", ".join(map(repr, _REGISTRY))
        raise ValueError(message(argument, rule, repr(name) + hint))
    return _REGISTRY[key]


def table() -> str:
    """The registry as a Markdown table (the table of ``docs/conventions.md``)."""
    rows = [
        "| name | library and setting | objective | ridgeway α | needs | options "
        "| standardized X |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for c in _REGISTRY.values():
        needs = ", ".join(c.needs) or "—"
        options = ", ".join(f"{k}={v!r}" for k, v in c.options.items()) or "—"
        std = {None: "either", True: "yes", False: "no"}[c.standardize]
        if c.standardize_option:
            flip = "=False" if c.standardize else "=True"
            std = f"{'yes, unless' if c.standardize else 'with'} {c.standardize_option}{flip}"
        if not c.equivalent:
            needs, options, std = "—", "—", "—"
        cells = (f"`{c.name}`", c.setting, c.objective, c.alpha, needs, options, std)
        rows.append("| " + " | ".join(s.replace("|", "\\|") for s in cells) + " |")
    return "\n".join(rows)


# -------------------------------------------------------------------------------- conversion
def _value(value: Any, name: str) -> np.ndarray:
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(message(name, "a number or an array of numbers", repr(value))) from None
    if not np.isfinite(arr).all():
        raise ValueError(message(name, "finite", _show(arr)))
    if (arr < 0).any():
        raise ValueError(message(name, "non-negative", _show(arr)))
    return arr


def _show(arr: np.ndarray) -> str:
    return f"{arr.reshape(-1)[0]:g}" if arr.size == 1 else np.array2string(arr, threshold=6)


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


def _check_known(opts: Mapping[str, Any], *convs: Convention) -> None:
    known = sorted({k for c in convs for k in c.options})
    for key in opts:
        if key not in known:
            names = " or ".join(repr(c.name) for c in convs)
            rule = f"an option of {names} ({', '.join(known) or 'none'})"
            got = f"unknown option {key!r}"
            if key == "momentum":
                got += " (momentum does not move the fixed point of coupled weight decay)"
            raise TypeError(message("opts", rule, got))


def _options(conv: Convention, opts: Mapping[str, Any]) -> dict[str, Any]:
    """The options of ``conv``: its defaults, updated with validated values from ``opts``."""
    out = dict(conv.options)
    for key, val in opts.items():
        if key in conv.options:
            default_none = conv.options[key] is None
            out[key] = None if (val is None and default_none) else conv._checks[key](val, key)
    return out


def _factor(conv: Convention, d: _Data, opts: Mapping[str, Any], argument: str) -> float:
    if not conv.equivalent or conv._scale is None:
        rule = "a convention with an equivalent L2 penalty"
        raise NoEquivalentPenaltyError(message(argument, rule, f"{conv.name!r}: {conv.reason}"))
    return conv._scale(d, opts, conv.name)


def _check_standardization(
    a: Convention, b: Convention, opts: Mapping[str, Any], X: np.ndarray | None, d: _Data
) -> None:
    """Warn (no X) or raise (X not standardized) when only one side standardizes internally."""
    sa, sb = a.standardizes(_options(a, opts)), b.standardizes(_options(b, opts))
    if sa is None or sb is None or sa == sb:
        return
    std, raw = (a, b) if sa else (b, a)
    what = (
        f"{std.name!r} penalizes the coefficients of standardized columns and {raw.name!r} "
        "those of raw columns"
    )
    if X is None:
        warnings.warn(
            f"{what}: the converted value gives the same fit only if the columns of X have unit "
            f"standard deviation (divisor n) when training with {raw.name!r}; pass X to check",
            UserWarning,
            stacklevel=3,
        )
        return
    w = np.ones(X.shape[0]) if d.w is None else d.w
    mean = w @ X / w.sum()
    sd = np.sqrt(w @ (X - mean) ** 2 / w.sum())
    bad = (sd > 0) & (np.abs(sd - 1.0) > 1e-6)
    if bad.any():
        got = (
            f"standard deviations from {sd[sd > 0].min():.4g} to {sd.max():.4g} ({what}); divide "
            f"each column by its standard deviation (divisor n, not n − 1) before training with "
            f"{raw.name!r}"
        )
        raise ValueError(message("X", "made of columns with unit standard deviation", got))


def _out(arr: np.ndarray) -> float | FloatArray:
    return float(arr) if arr.ndim == 0 else np.asarray(arr, dtype=np.float64)


@overload
def to_ridgeway(value: float, convention: str, **kwargs: Any) -> float: ...
@overload
def to_ridgeway(value: ArrayLike, convention: str, **kwargs: Any) -> float | FloatArray: ...
def to_ridgeway(
    value: ArrayLike,
    convention: str,
    *,
    n_samples: float | None = None,
    y: ArrayLike | None = None,
    X: ArrayLike | None = None,
    sample_weight: ArrayLike | None = None,
    **opts: Any,
) -> float | FloatArray:
    """ridgeway's α for a penalty strength stated in another library's convention.

    Computes α = c · value, where c is the factor of the convention (see :func:`table`): the
    fit of ``Ridge(alpha=α)`` (``standardize=True`` for conventions that standardize) minimizes
    the same objective as the other library with ``value``.

    Parameters
    ----------
    value : float or array-like
        Penalty strength(s) ≥ 0 in the other convention, e.g. a glmnet λ path of shape (k,).
    convention : str
        A name from :func:`conventions`.
    n_samples : float, optional
        Number of rows n. Not needed when ``y``, ``X`` or ``sample_weight`` is given.
    y : array-like of shape (n,) or (n, t), optional
        Targets (glmnet scales λ by their standard deviation; t counts targets).
    X : array-like of shape (n, p), optional
        Predictors; only their number of rows is used here.
    sample_weight : array-like of shape (n,), optional
        Weights s_i; conventions that normalize by Σs use their sum instead of n.
    **opts
        Options of the convention (``Convention.options``), e.g. ``n_targets``, ``momentum``.

    Returns
    -------
    float or ndarray
        ridgeway's α, of the shape of ``value`` (a float for a scalar).

    Examples
    --------
    >>> from ridgeway.conventions import to_ridgeway
    >>> to_ridgeway([0.1, 0.01], "keras-l2", n_samples=50, n_targets=2)
    array([10.,  1.])
    """
    conv = _lookup(convention, "convention")
    _check_known(opts, conv)
    arr = _value(value, "value")
    d, _ = _data(n_samples, y, X, sample_weight)
    return _out(arr * _factor(conv, d, _options(conv, opts), "convention"))


@overload
def from_ridgeway(alpha: float, convention: str, **kwargs: Any) -> float: ...
@overload
def from_ridgeway(alpha: ArrayLike, convention: str, **kwargs: Any) -> float | FloatArray: ...
def from_ridgeway(
    alpha: ArrayLike,
    convention: str,
    *,
    n_samples: float | None = None,
    y: ArrayLike | None = None,
    X: ArrayLike | None = None,
    sample_weight: ArrayLike | None = None,
    **opts: Any,
) -> float | FloatArray:
    """The penalty strength in another library's convention for ridgeway's α.

    Computes value = α / c, the inverse of :func:`to_ridgeway`.

    Parameters
    ----------
    alpha : float or array-like
        ridgeway's α ≥ 0 (one value or an array of any shape).
    convention : str
        A name from :func:`conventions`.
    n_samples, y, X, sample_weight, **opts
        The data and options the convention needs, as in :func:`to_ridgeway`.

    Returns
    -------
    float or ndarray
        The penalty strength in ``convention``, of the shape of ``alpha``.

    Examples
    --------
    >>> from ridgeway.conventions import from_ridgeway
    >>> from_ridgeway(12.0, "keras-sgd", n_samples=100, momentum=0.5)
    0.48
    """
    conv = _lookup(convention, "convention")
    _check_known(opts, conv)
    arr = _value(alpha, "alpha")
    d, _ = _data(n_samples, y, X, sample_weight)
    return _out(arr / _factor(conv, d, _options(conv, opts), "convention"))


@overload
def convert(value: float, *, from_: str, to: str, **kwargs: Any) -> float: ...
@overload
def convert(value: ArrayLike, *, from_: str, to: str, **kwargs: Any) -> float | FloatArray: ...
def convert(
    value: ArrayLike,
    *,
    from_: str,
    to: str,
    n_samples: float | None = None,
    y: ArrayLike | None = None,
    X: ArrayLike | None = None,
    sample_weight: ArrayLike | None = None,
    **opts: Any,
) -> float | FloatArray:
    """Convert a penalty strength from one library's convention to another's.

    Computes value · c_from / c_to, where α = c · value is each convention's relation to
    ridgeway's α on Σ_i s_i ‖y_i − b − x_iᵀW‖² + α Σ_j π_j ‖W_j‖² (see :func:`table`). Both
    values then minimize the same objective, so the fits agree.

    Parameters
    ----------
    value : float or array-like
        Penalty strength(s) ≥ 0 in the ``from_`` convention; a λ path of shape (k,) converts
        elementwise.
    from_, to : str
        Names from :func:`conventions`, e.g. ``"glmnet"``, ``"torch-sgd"``, ``"sklearn-ridge"``.
    n_samples : float, optional
        Number of rows n the loss averages over. Not needed when ``y``, ``X`` or
        ``sample_weight`` is given, nor for conventions that do not use it.
    y : array-like of shape (n,) or (n, t), optional
        Targets: glmnet needs them (it divides y by its standard deviation); a 2-D y also
        gives the number of targets t of the PyTorch and Keras conventions.
    X : array-like of shape (n, p), optional
        Predictors. When exactly one side standardizes X internally (glmnet, MASS, SAS), the
        conversion is exact only for columns of unit standard deviation (divisor n): without
        ``X`` a warning says so, with ``X`` it is checked.
    sample_weight : array-like of shape (n,), optional
        Weights s_i. Libraries that normalize weights (scikit-learn's ElasticNet, glum,
        statsmodels WLS, glmnet; SAS by derivation) use Σs in place of n; the others keep n.
    **opts
        Options of either convention, e.g. ``n_targets=2``, ``reduction="sum"`` (PyTorch,
        Keras), ``momentum=0.9`` (Keras SGD), ``standardize=False``, ``intercept=False``,
        ``penalty_factor=...`` (glmnet), ``scale_predictors=True`` (glum). Different options for
        the two sides: call :func:`to_ridgeway` and :func:`from_ridgeway`.

    Returns
    -------
    float or ndarray
        The value in the ``to`` convention, of the shape of ``value``.

    Raises
    ------
    NoEquivalentPenaltyError
        For decoupled weight decay with an adaptive optimizer (AdamW): it has no equivalent L2
        penalty.

    Examples
    --------
    PyTorch ``SGD(weight_decay=1e-3)`` on ``nn.MSELoss()`` with n = 500 samples is
    ``Ridge(alpha=0.25)``, which is ``ElasticNet(alpha=5e-4, l1_ratio=0)``:

    >>> from ridgeway.conventions import convert
    >>> convert(1e-3, from_="torch-sgd", to="ridgeway", n_samples=500)
    0.25
    >>> convert(1e-3, from_="torch-sgd", to="sklearn-elasticnet", n_samples=500)
    0.0005

    A glmnet λ path for ``Ridge(standardize=True)`` (glmnet divides y by its sd, divisor n):

    >>> import numpy as np
    >>> y = np.array([1.0, 3.0, 2.0, 6.0])
    >>> convert([1.0, 0.1], from_="glmnet", to="ridgeway", y=y)
    array([2.13808994, 0.21380899])
    """
    a = _lookup(from_, "from_")
    b = _lookup(to, "to")
    _check_known(opts, a, b)
    arr = _value(value, "value")
    d, Xa = _data(n_samples, y, X, sample_weight)
    ca = _factor(a, d, _options(a, opts), "from_")
    cb = _factor(b, d, _options(b, opts), "to")
    _check_standardization(a, b, opts, Xa, d)
    return _out(arr * (ca / cb))
