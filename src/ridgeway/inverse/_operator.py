"""The operands of the iterative solvers, touched only through products with vectors.

:class:`_Operator` gives v ↦ M v and u ↦ Mᵀ u as 1-D float64 vectors whether M is a dense
array, a sparse matrix or a :class:`scipy.sparse.linalg.LinearOperator`, checking shapes, dtype
and finiteness once. The other helpers check the arguments shared by
:mod:`ridgeway.inverse.lsqr`, :mod:`ridgeway.inverse.bidiag` and :mod:`ridgeway.inverse.hybrid`
(vectors, tolerances, iteration counts, callbacks).

Progress callbacks share one signature, ``callback(iteration, x, info)``: ``iteration`` is the
number of iterations done (1, 2, …; one product with A and one with Aᵀ each), ``x`` a copy of
the current iterate (shape (n,)) and ``info`` a dict of floats (its keys are listed by each
function). Returning ``True`` stops the iteration (stop reason ``"callback"``); ``None`` or
``False`` lets it go on.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import LinearOperator

from ridgeway._typing import FloatArray
from ridgeway._validation import message

Callback = Callable[[int, FloatArray, dict[str, float]], "bool | None"]
"""``callback(iteration, x, info)``; return True to stop."""

Product = Callable[[FloatArray], FloatArray]


class _Operator:
    """Products v ↦ M v and u ↦ Mᵀ u as 1-D float64 vectors, whatever M is."""

    def __init__(self, M: Any, name: str) -> None:
        self.name = name
        self._lin: LinearOperator | None = None
        self._mat: Any = None
        self._mat_t: Any = None
        if isinstance(M, LinearOperator):
            if len(M.shape) != 2 or 0 in M.shape:
                raise ValueError(message(name, "a non-empty 2-D operator", f"shape {M.shape}"))
            if M.dtype is not None and np.dtype(M.dtype).kind == "c":
                raise ValueError(message(name, "real-valued", f"dtype {M.dtype}"))
            self._lin = M
        elif sp.issparse(M):
            mat: Any = sp.csr_matrix(M)  # type: ignore[call-overload]
            if mat.dtype.kind == "c":
                raise ValueError(message(name, "real-valued", f"dtype {mat.dtype}"))
            mat = mat.astype(np.float64)
            if 0 in mat.shape:
                raise ValueError(message(name, "non-empty", f"shape {mat.shape}"))
            if not np.isfinite(mat.data).all():
                raise ValueError(message(name, "finite (no NaN or inf)", "non-finite entries"))
            self._mat, self._mat_t = mat, mat.T.tocsr()
        else:
            try:
                arr = np.asarray(M)
            except Exception as exc:
                raise TypeError(
                    message(name, "an array, a sparse matrix or a LinearOperator", repr(exc))
                ) from None
            if arr.dtype.kind not in "biuf":
                raise TypeError(
                    message(name, "a real array, a sparse matrix or a LinearOperator", arr.dtype)
                )
            arr = arr.astype(np.float64)
            if arr.ndim != 2 or 0 in arr.shape:
                raise ValueError(message(name, "a non-empty 2-D matrix", f"shape {arr.shape}"))
            if not np.isfinite(arr).all():
                raise ValueError(message(name, "finite (no NaN or inf)", "non-finite entries"))
            self._mat, self._mat_t = arr, arr.T
        source = self._lin if self._lin is not None else self._mat
        self.shape: tuple[int, int] = (int(source.shape[0]), int(source.shape[1]))

    def matvec(self, v: FloatArray) -> FloatArray:
        out = self._lin.matvec(v) if self._lin is not None else self._mat @ v
        return self._check(out, self.shape[0], "its product with a vector")

    def rmatvec(self, u: FloatArray) -> FloatArray:
        out = self._lin.rmatvec(u) if self._lin is not None else self._mat_t @ u
        return self._check(out, self.shape[1], "its transpose's product with a vector")

    def _check(self, out: Any, size: int, what: str) -> FloatArray:
        vec = np.asarray(out)
        if vec.dtype.kind == "c":
            raise ValueError(message(f"{self.name} ({what})", "real", f"dtype {vec.dtype}"))
        vec = vec.astype(np.float64, copy=False).reshape(-1)
        if vec.shape[0] != size:
            raise ValueError(message(f"{self.name} ({what})", f"of length {size}", vec.shape[0]))
        return vec


def _vector(v: Any, size: int, name: str) -> FloatArray:
    """A finite float64 vector of the given length."""
    try:
        arr = np.asarray(v, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(message(name, "an array of numbers", repr(v))) from None
    if arr.ndim == 2 and 1 in arr.shape:
        arr = arr.reshape(-1)
    if arr.ndim != 1 or arr.shape[0] != size:
        raise ValueError(message(name, f"a vector of length {size}", f"shape {arr.shape}"))
    if not np.isfinite(arr).all():
        raise ValueError(message(name, "finite (no NaN or inf)", "non-finite entries"))
    return arr


def _positive(value: Any, name: str, *, allow_zero: bool = False) -> float:
    try:
        val = float(value)
    except (TypeError, ValueError):
        raise TypeError(message(name, "a number", repr(value))) from None
    if not np.isfinite(val) or val < 0 or (val == 0 and not allow_zero):
        rule = "finite and non-negative" if allow_zero else "finite and positive"
        raise ValueError(message(name, rule, value))
    return val


def _count(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
        raise ValueError(message(name, "a positive integer", repr(value)))
    return int(value)


def _check_callback(callback: Any) -> Callback | None:
    if callback is not None and not callable(callback):
        raise TypeError(message("callback", "callable or None", repr(callback)))
    return callback  # type: ignore[no-any-return]
