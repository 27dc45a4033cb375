"""Type aliases used across the public API (one place for all of them)."""

from __future__ import annotations

from typing import Literal, TypeAlias

import numpy as np
import numpy.typing as npt

FloatArray: TypeAlias = npt.NDArray[np.float64]
"""A float64 array."""

AnyFloatArray: TypeAlias = npt.NDArray[np.floating]
"""A float32 or float64 array."""

ArrayLike: TypeAlias = npt.ArrayLike
"""Anything numpy can turn into an array (lists, arrays, pandas objects)."""

SolverName: TypeAlias = Literal["auto", "eigh", "dual", "svd", "cholesky", "cg", "lsqr"]
"""Names of the ridge solvers."""
