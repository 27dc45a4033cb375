"""The registry of penalty conventions: one :class:`Convention` record per library setting.

Each record states a library's objective, its relation to ridgeway's α, the data and options the
conversion needs, and the factor function (from :mod:`ridgeway._convention_factors`) that
computes α = c · value. Names are looked up case-insensitively, with aliases and a suggestion
for a misspelled name. The public functions on top of it live in :mod:`ridgeway.conventions`.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from ridgeway._convention_factors import (
    _Check,
    _check_bool,
    _check_choice,
    _check_momentum,
    _check_penalty_factor,
    _check_targets,
    _count,
    _glmnet,
    _keras_l2,
    _keras_sgd,
    _one,
    _Scale,
    _sum_weights,
    _torch,
)
from ridgeway._validation import message


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
