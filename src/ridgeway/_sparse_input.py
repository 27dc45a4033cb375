"""Validation of scipy sparse X for the ridge estimators (one message template)."""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp

from ridgeway._validation import check_finite, message

__all__ = ["as_sparse_matrix", "is_sparse"]


def is_sparse(X: Any) -> bool:
    """Whether ``X`` is a scipy sparse matrix or array (any format)."""
    return bool(sp.issparse(X))


def as_sparse_matrix(X: Any, name: str = "X") -> Any:
    """Return sparse ``X`` as CSR (matrix or array as given), float32 kept, else float64.

    Any format (CSC, COO, LIL, DOK, BSR, DIA) is converted to CSR without densifying; the stored
    values must be finite and real.
    """
    if X.ndim != 2:
        raise ValueError(message(name, "a 2-D sparse matrix", f"{X.ndim}-D"))
    n, p = X.shape
    if n == 0 or p == 0:
        raise ValueError(
            message(name, "non-empty", f"shape {X.shape} while a minimum of 1 is required.")
        )
    Xs = X.tocsr()
    if Xs.dtype.kind == "c":
        raise ValueError(
            message(name, "real-valued", "complex values (Complex data not supported)")
        )
    if Xs.dtype.kind not in "biuf":
        raise ValueError(message(name, "numeric", f"a sparse matrix of dtype {Xs.dtype}"))
    if Xs.dtype not in (np.float32, np.float64):
        Xs = Xs.astype(np.float64)
    check_finite(np.asarray(Xs.data), name)
    return Xs
