"""scikit-learn's array API dispatch for the ridge estimators.

With ``sklearn.set_config(array_api_dispatch=True)`` (or ``sklearn.config_context``), an
estimator given X of an array-API library other than NumPy (a torch tensor, a CuPy array, an
array-api-strict array) validates and fits in that library and stores ``coef_`` and
``intercept_`` (and the curves of ``cv_results_``) as its arrays on X's device; ``predict``
returns them there too. y and sample weights of another library or device are moved to X's.
Without dispatch every input is converted to NumPy, as scikit-learn does.

The fit runs in X's namespace for the ``eigh`` route (Moments, then the eigendecomposition
of the Gram: tall data, α > 0, a well-conditioned system), which is what ``solver="auto"``
and ``"eigh"`` take there. The Cholesky, kernel (``dual``) and SVD routes are NumPy/SciPy code:
for them the data are copied to the host and the solution moved back to X's device.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from ridgeway._typing import FloatArray
from ridgeway._validation import message
from ridgeway.core import backend as bk
from ridgeway.core.moments import Moments, column_means, column_sum_squares
from ridgeway.core.solvers import (
    COND_MAX,
    ConditioningWarning,
    NonFiniteError,
    RidgeProblem,
    RidgeSolution,
)
from ridgeway.core.sparse_route import solve_any
from ridgeway.core.spectrum import spectrum_from_moments

__all__ = [
    "check_same_namespace",
    "dispatch_namespace",
    "fit_arrays",
    "predict_arrays",
    "solve_arrays",
]


def dispatch_namespace(X: Any) -> Any | None:
    """The namespace of X when scikit-learn's array API dispatch is on and X is not NumPy."""
    if bk.is_numpy_input(X) or hasattr(X, "columns") or hasattr(X, "tocsr"):
        return None
    return bk.namespace(X) if _dispatch_on() else None


def _dispatch_on() -> bool:
    from sklearn import get_config

    return bool(get_config().get("array_api_dispatch", False))


def check_same_namespace(est: Any, X: Any, method: str) -> None:
    """With dispatch on, raise unless X has the namespace and device of ``est.coef_``
    (scikit-learn's rule: no silent moves between libraries or devices after fit)."""
    if not _dispatch_on():
        return
    X_np = bk.is_numpy_input(X) or hasattr(X, "columns")
    xp_fit, xp_X = bk.namespace(est.coef_), (np if X_np else bk.namespace(X))
    dev_fit, dev_X = bk.device(est.coef_), (None if X_np else bk.device(X))
    if xp_fit is xp_X and dev_fit == dev_X:
        return
    raise ValueError(
        message(
            f"X passed to {type(est).__name__}.{method}()",
            "of the namespace and device of fit() (inputs must use the same namespace and the "
            "same device as those passed to fit())",
            f"{getattr(xp_X, '__name__', xp_X)} on {dev_X}; fit used "
            f"{getattr(xp_fit, '__name__', xp_fit)} on {dev_fit}",
        )
    )


def _on(xp: Any, a: Any, dev: Any, name: str) -> Any:
    """``a`` as an array of ``xp`` on ``dev`` (moved there from another library or device)."""
    if bk.namespace(a) is not xp or bk.device(a) != dev:
        a = bk.to_device(xp, bk.to_numpy(a), dev)
    if not (xp.isdtype(a.dtype, "real floating") or xp.isdtype(a.dtype, "integral")):
        raise ValueError(message(name, "real-valued numbers", f"an array of dtype {a.dtype}"))
    return a


def _check_finite(xp: Any, a: Any, name: str) -> None:
    finite = xp.isfinite(a)
    if bool(xp.all(finite)):
        return
    n_bad = int(xp.sum(xp.astype(~finite, xp.int64)))
    raise ValueError(message(name, "finite (no NaN or inf)", f"{n_bad} NaN or inf value(s)"))


def fit_arrays(
    X: Any, y: Any, sample_weight: Any | None, xp: Any, standardize: bool
) -> tuple[Any, Any, bool, Any | None, Any]:
    """Validate X, y and weights in ``xp`` on X's device: (X, Y (n, t), single, w, var).

    X keeps float32 (else becomes float64); Y and w are float64 and checked finite; w is
    non-negative and not all zero; ``var`` is the weighted column variance when
    ``standardize`` (else None).
    """
    dev = bk.device(X)
    X = _on(xp, X, dev, "X")
    if X.ndim != 2:
        raise ValueError(
            message("X", "a 2-D array of shape (n_samples, n_features)", f"shape {X.shape}")
        )
    n, p = X.shape
    if n == 0 or p == 0:
        raise ValueError(message("X", "non-empty", f"shape {tuple(X.shape)}"))
    if X.dtype not in (xp.float32, xp.float64):
        X = xp.astype(X, bk.compute_dtype(xp, dev))
    if y is None:
        raise ValueError(message("y", "given for a supervised fit", "None"))
    Y = bk.as_float(xp, _on(xp, y, dev, "y"), dev)
    single = Y.ndim == 1
    Y = Y[:, None] if single else Y
    if Y.ndim != 2 or Y.shape[0] != n:
        raise ValueError(message("y", f"of shape ({n},) or ({n}, t)", f"shape {Y.shape}"))
    _check_finite(xp, Y, "y")
    w = None
    if sample_weight is not None:
        if isinstance(sample_weight, (int, float)):
            sample_weight = np.full(n, float(sample_weight))
        w = bk.as_float(xp, _on(xp, sample_weight, dev, "sample_weight"), dev)
        if w.ndim != 1 or w.shape[0] != n:
            raise ValueError(message("sample_weight", f"of shape ({n},)", f"shape {w.shape}"))
        _check_finite(xp, w, "sample_weight")
        if bool(xp.any(w < 0)):
            raise ValueError(message("sample_weight", "non-negative", "negative value(s)"))
        if not bool(xp.any(w > 0)):
            raise ValueError(message("sample_weight", "positive somewhere", "all zero"))
    var = None
    if standardize:
        xm, _ = column_means(X, Y, w)
        sw = float(n) if w is None else float(xp.sum(w))
        var = column_sum_squares(X, xm, w) / sw
        _check_finite(xp, var, "X")
    return X, Y, single, w, var


def solve_arrays(problem: RidgeProblem, alpha: FloatArray, solver: str) -> RidgeSolution:
    """Solve in the namespace of ``problem.X`` by the eigh route where it applies, else on
    the host (NumPy/SciPy routes) with the solution moved back to X's device."""
    xp = bk.namespace(problem.X)
    dev = bk.device(problem.X)
    if solver in ("auto", "eigh") and not problem.wide and bool((alpha > 0).all()):
        m = Moments.from_array(
            problem.X, problem.y, problem.sample_weight, centered=problem.fit_intercept
        )
        if not m.is_finite():
            raise NonFiniteError("non-finite statistics")
        spec = spectrum_from_moments(m, problem.penalty)
        cond = spec.condition(float(alpha.min()))
        if solver == "eigh" or cond <= COND_MAX:
            if cond > COND_MAX:
                warnings.warn(
                    f"solver='eigh' solved a system with condition number {cond:.2g}; the "
                    "coefficients may have lost digits. Use solver='auto' or solver='svd'",
                    ConditioningWarning,
                    stacklevel=3,
                )
            coef = spec.coef(alpha)
            return RidgeSolution(coef, spec.intercept(coef), spec.df(alpha), "eigh", cond)
    # boundary: the Cholesky, kernel, SVD and iterative routes are NumPy/SciPy code
    host = RidgeProblem(
        bk.to_numpy(problem.X),
        bk.to_numpy(problem.y),
        None if problem.sample_weight is None else bk.to_numpy(problem.sample_weight),
        bk.to_numpy(problem.penalty),
        problem.fit_intercept,
    )
    sol = solve_any(host, alpha, solver)
    return RidgeSolution(
        bk.as_float(xp, sol.coef, dev),
        bk.as_float(xp, sol.intercept, dev),
        bk.as_float(xp, sol.df, dev),
        sol.solver,
        sol.condition,
    )


def predict_arrays(X: Any, xp: Any, coef: Any, intercept: Any) -> Any:
    """X Wᵀ + b in ``xp`` on X's device, in the coefficients' dtype when X is float32."""
    dev = bk.device(X)
    X = _on(xp, X, dev, "X")
    if X.ndim != 2:
        raise ValueError(
            message("X", "a 2-D array of shape (n_samples, n_features)", f"shape {X.shape}")
        )
    _check_finite(xp, X, "X")
    W = _on(xp, coef, dev, "coef_")
    if X.dtype != W.dtype:
        X = xp.astype(X, W.dtype)
    b = intercept if isinstance(intercept, float) else _on(xp, intercept, dev, "intercept_")
    return X @ (W if W.ndim == 1 else W.T) + b
