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

The records and their factor functions live in the private modules ``_convention_registry``
and ``_convention_factors``; this module holds the public functions on top of them.

Examples
--------
>>> from ridgeway import conventions
>>> conventions.convert(0.01, from_="torch-sgd", to="ridgeway", n_samples=1000)
5.0
>>> conventions.convert(5.0, from_="ridgeway", to="sklearn-elasticnet", n_samples=1000)
0.005
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import Any, overload

import numpy as np

from ridgeway._convention_factors import _Data, _data
from ridgeway._convention_registry import _REGISTRY, Convention, _lookup
from ridgeway._typing import ArrayLike, FloatArray
from ridgeway._validation import message

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
