"""Array backends: one code path for NumPy, PyTorch, CuPy and any array-API library.

The core (Moments, Spectrum, the path functions and the selection criteria) is written against
the array API standard: each function looks up the namespace ``xp`` of its input with
:func:`namespace` and computes with ``xp``'s operations, so results come back as arrays of the
input's library on the input's device (a CUDA tensor stays on the GPU). NumPy input takes
``xp = numpy`` itself, with no wrapper and no dependency: array-api-compat (the extra
``ridgeway[array]``) is imported only when an array of another library comes in.

The few operations that NumPy 1.26 spells differently from the standard (``concat``,
``astype``, creation on a device, ...) and the low-level kernels that have a faster NumPy form
(BLAS ``syrk`` with preallocated output, SciPy's Cholesky) go through the helpers here, which
dispatch on ``xp is numpy``; everything else calls ``xp`` directly.

Dtype policy: statistics and factorizations are computed in float64 whatever the input's
dtype (float32 chunks are accumulated in float64), as :func:`compute_dtype` says. The one
exception is a device without float64: PyTorch's MPS (Apple GPU) backend has none, so there
the computation runs in float32 and gives about 7 digits, not 15.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeAlias

import numpy as np
import scipy.linalg as sla

__all__ = [
    "Array",
    "as_float",
    "ascontiguous",
    "astype",
    "compute_dtype",
    "concat",
    "device",
    "diagonal",
    "is_numpy",
    "is_numpy_input",
    "namespace",
    "permute_dims",
    "spd_solver",
    "take",
    "to_device",
    "to_numpy",
    "zeros",
]

Array: TypeAlias = Any
"""An array of any array-API library (a NumPy ndarray, a torch tensor, a CuPy array, ...)."""


def is_numpy_input(a: object) -> bool:
    """Whether ``a`` is NumPy input (an ndarray, a NumPy or Python scalar, a list, None, or a
    SciPy sparse matrix or array, which lives on the host and computes with NumPy)."""
    if a is None or isinstance(a, (np.ndarray, np.generic, int, float, bool, list, tuple)):
        return True
    return type(a).__module__.startswith("scipy.sparse")


def namespace(*arrays: object) -> Any:
    """The array namespace of ``arrays``: ``numpy`` itself for NumPy input.

    None, Python scalars, lists and NumPy arrays count as NumPy. Any other array is looked up
    with array-api-compat (``array_namespace``), which must then be installed; NumPy arrays
    mixed with another library's arrays are ignored (they are small host-side parameters such
    as penalty factors, moved to the device where used).

    Raises
    ------
    ImportError
        For non-NumPy arrays when array-api-compat is not installed.
    """
    others = [a for a in arrays if not is_numpy_input(a)]
    if not others:
        return np
    try:
        import array_api_compat
    except ImportError:  # pragma: no cover - exercised only without the extra
        raise ImportError(
            "array-api-compat must be installed for arrays of "
            f"{type(others[0]).__module__.split('.')[0]}; got none (pip install 'ridgeway[array]')"
        ) from None
    xp = array_api_compat.array_namespace(*others)
    return np if array_api_compat.is_numpy_namespace(xp) else xp


def is_numpy(xp: Any) -> bool:
    """Whether ``xp`` is NumPy (the default backend, with its own fast kernels)."""
    return xp is np


def device(x: Array) -> Any:
    """The device of ``x`` (None for NumPy and SciPy sparse, which have only the host)."""
    if is_numpy_input(x):
        return None
    import array_api_compat

    return array_api_compat.device(x)


def _is_mps(dev: Any) -> bool:
    return getattr(dev, "type", None) == "mps"


def compute_dtype(xp: Any, dev: Any = None) -> Any:
    """The dtype of every statistic and factorization: float64, or float32 where the device has
    no float64 (PyTorch's MPS backend)."""
    return xp.float32 if _is_mps(dev) else xp.float64


def as_float(xp: Any, a: Any, dev: Any = None) -> Array:
    """``a`` (an array of ``xp``, a NumPy array, a list or a number) as a floating array of
    ``xp`` in the compute dtype on ``dev``; NumPy input of NumPy is returned without a copy."""
    if xp is np:
        return np.asarray(a, dtype=np.float64)
    dt = compute_dtype(xp, dev)
    if isinstance(a, (np.ndarray, np.generic, int, float, list, tuple)):
        host = np.asarray(a, dtype=np.float64)
        if not host.flags.writeable:  # a read-only view (broadcast): libraries may share memory
            host = host.copy()
        return xp.asarray(host, dtype=dt, device=dev)
    out = a if a.dtype == dt else xp.astype(a, dt)
    return out if dev is None or device(out) == dev else to_device(xp, out, dev)


def zeros(xp: Any, shape: tuple[int, ...], dev: Any = None, dtype: Any = None) -> Array:
    """Zeros of ``shape`` in the compute dtype (or ``dtype``) on ``dev``."""
    if xp is np:
        return np.zeros(shape, dtype=np.float64 if dtype is None else dtype)
    return xp.zeros(shape, dtype=compute_dtype(xp, dev) if dtype is None else dtype, device=dev)


def astype(xp: Any, x: Array, dtype: Any) -> Array:
    """``x`` converted to ``dtype`` (no copy when it has it already; SciPy sparse stays sparse)."""
    if xp is np:
        if type(x).__module__.startswith("scipy.sparse"):
            return x if x.dtype == dtype else x.astype(dtype)
        return np.asarray(x, dtype=dtype)
    return x if x.dtype == dtype else xp.astype(x, dtype)


def concat(xp: Any, arrays: list[Array], axis: int = 0) -> Array:
    """Arrays joined along ``axis`` (``numpy.concatenate`` / the standard's ``concat``)."""
    return np.concatenate(arrays, axis=axis) if xp is np else xp.concat(arrays, axis=axis)


def permute_dims(xp: Any, x: Array, axes: tuple[int, ...]) -> Array:
    """Axes of ``x`` permuted (a view for NumPy)."""
    return np.transpose(x, axes) if xp is np else xp.permute_dims(x, axes)


def diagonal(xp: Any, x: Array) -> Array:
    """A copy of the main diagonal of the square matrix ``x``."""
    return np.diagonal(x).copy() if xp is np else xp.linalg.diagonal(x)


def take(xp: Any, x: Array, indices: np.ndarray, axis: int) -> Array:
    """``x`` at the (host, NumPy) integer ``indices`` along ``axis``, on ``x``'s device."""
    if xp is np:
        if type(x).__module__.startswith("scipy.sparse"):  # sparse rows or columns stay sparse
            return x[indices] if axis == 0 else x[:, indices]
        return np.take(x, indices, axis=axis)
    idx = xp.asarray(np.asarray(indices, dtype=np.int64), device=device(x))
    return xp.take(x, idx, axis=axis)


def ascontiguous(xp: Any, x: Array) -> Array:
    """``x`` in C order (BLAS runs faster on it); a no-op for libraries without strides."""
    if xp is np:
        return np.ascontiguousarray(x)
    contiguous = getattr(x, "contiguous", None)
    return contiguous() if callable(contiguous) else x


def to_numpy(x: Any) -> np.ndarray:
    """A NumPy copy of ``x`` on the host (no copy for NumPy input)."""
    if x is None or isinstance(x, (np.ndarray, np.generic, int, float, list, tuple)):
        return np.asarray(x)
    mod = type(x).__module__.split(".")[0]
    if mod == "torch":
        return np.asarray(x.detach().cpu().numpy())
    if mod == "cupy":
        return np.asarray(x.get())
    try:
        return np.from_dlpack(x)
    except (BufferError, RuntimeError, TypeError, ValueError):
        import array_api_compat

        host = array_api_compat.to_device(x, "cpu")
        return np.from_dlpack(host)


def to_device(xp: Any, x: Any, dev: Any) -> Array:
    """``x`` (an array of ``xp`` or a NumPy array) as an array of ``xp`` on ``dev``."""
    if xp is np:
        return to_numpy(x)
    if isinstance(x, np.ndarray):
        return xp.asarray(x, device=dev)
    import array_api_compat

    return array_api_compat.to_device(x, dev)


def spd_solver(xp: Any, A: Array) -> Callable[[Array], Array]:
    """A function B ↦ A⁻¹B for a symmetric positive definite A, factored once.

    NumPy uses SciPy's ``cho_factor``/``cho_solve``; PyTorch its own Cholesky solve; other
    libraries check definiteness with the standard's ``linalg.cholesky`` and then solve with
    ``linalg.solve``. A matrix that is not positive definite raises
    ``numpy.linalg.LinAlgError`` whatever the library.
    """
    if xp is np:
        cho = sla.cho_factor(A)
        return lambda B: sla.cho_solve(cho, B)
    try:
        L = xp.linalg.cholesky(A)
    except Exception as exc:  # each library raises its own error type
        raise np.linalg.LinAlgError(str(exc)) from None
    if not bool(xp.all(xp.isfinite(L))):
        raise np.linalg.LinAlgError("not positive definite")
    torch_solve = getattr(xp, "cholesky_solve", None)
    if torch_solve is not None and type(A).__module__.startswith("torch"):
        return lambda B: torch_solve(B, L)
    return lambda B: xp.linalg.solve(A, B)
