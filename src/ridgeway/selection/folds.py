"""k-fold splits that a data pass can apply row by row: each row's fold is a hash of its key.

A stream of files or a Dask collection has no known length and no place to shuffle, so the
contiguous or shuffled folds of scikit-learn's ``KFold`` cannot be formed as the rows go by.
:class:`HashKFold` instead puts row i in fold ``h(key_i, seed) mod K``, with ``key_i`` the row's
position in the data (0, 1, …, n − 1) or the value of a key column (all rows of one key then
share a fold, as in ``GroupKFold``). The assignment depends on nothing but the key and the seed:
the same for any chunking, any partitioning, in memory or streamed, in any process. Folds have
binomial sizes around n/K rather than exactly equal ones.

The hash is SplitMix64's finalizer (Steele, Lea & Flood 2014) of the key's 64-bit pattern:
integers (and integral floats, so that a key read as 5 or 5.0 lands in one fold) by value,
other floats by their IEEE bits, strings and other objects by BLAKE2b of their UTF-8 text.
"""

from __future__ import annotations

import hashlib
import numbers
from collections.abc import Iterator
from typing import Any

import numpy as np
from sklearn.model_selection import BaseCrossValidator

from ridgeway._validation import message

__all__ = ["HashKFold", "fold_labels"]

_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)


def _mix(z: np.ndarray) -> np.ndarray:
    """SplitMix64's finalizer, elementwise on uint64 (wrapping arithmetic)."""
    with np.errstate(over="ignore"):
        z = (z ^ (z >> np.uint64(30))) * _M1
        z = (z ^ (z >> np.uint64(27))) * _M2
        return z ^ (z >> np.uint64(31))


def _key_bits(keys: Any) -> np.ndarray:
    """The 64-bit pattern of each key (see the module docstring)."""
    k = np.asarray(keys)
    if k.ndim != 1:
        raise ValueError(message("keys", "one-dimensional", f"shape {k.shape}"))
    if k.dtype.kind in "iub":
        return k.astype(np.int64).view(np.uint64)
    if k.dtype.kind == "f":
        kf = k.astype(np.float64)
        if not np.isfinite(kf).all():
            raise ValueError(message("keys", "finite", "NaN or infinite values"))
        integral = (kf == np.round(kf)) & (np.abs(kf) < 2.0**63)
        bits = (kf + 0.0).view(np.uint64)  # + 0.0 folds −0.0 into 0.0
        as_int = np.where(integral, kf, 0.0).astype(np.int64).view(np.uint64)
        return np.where(integral, as_int, bits)
    uniq, inverse = np.unique(k.astype(str), return_inverse=True)
    codes = np.array(
        [
            int.from_bytes(hashlib.blake2b(u.encode("utf-8"), digest_size=8).digest(), "little")
            for u in uniq.tolist()
        ],
        dtype=np.uint64,
    )
    return codes[inverse.reshape(-1)]


def fold_labels(keys: Any, n_splits: int, seed: int = 0) -> np.ndarray:
    """The fold in ``range(n_splits)`` of each row, from its key.

    Parameters
    ----------
    keys : array-like of shape (c,)
        Row positions (integers) or key values (numbers or strings).
    n_splits : int
    seed : int, default 0

    Returns
    -------
    ndarray of int64, shape (c,)

    Examples
    --------
    >>> import numpy as np
    >>> a = fold_labels(np.arange(10), 3)
    >>> bool((np.concatenate([fold_labels(np.arange(5), 3), fold_labels(np.arange(5, 10), 3)])
    ...       == a).all())
    True
    """
    bits = _key_bits(keys)
    with np.errstate(over="ignore"):
        salted = bits + np.uint64(seed % 2**64) * _GOLDEN
    return (_mix(_mix(salted)) % np.uint64(n_splits)).astype(np.int64)


class HashKFold(BaseCrossValidator):  # type: ignore[misc]
    """k-fold cross-validation with folds fixed by a hash of each row's position or key.

    The splitter for data that arrive in chunks (files, Dask partitions): fold membership is
    decided row by row, so a streamed or distributed fit and an in-memory fit with the same
    splitter see exactly the same folds.

    Parameters
    ----------
    n_splits : int, default 5
        Number of folds K ≥ 2.
    seed : int, default 0
        Changes the assignment (the analogue of ``KFold(shuffle=True, random_state=seed)``).

    Examples
    --------
    >>> import numpy as np
    >>> from ridgeway.selection.folds import HashKFold
    >>> cv = HashKFold(3)
    >>> [test.size for _, test in cv.split(np.zeros((30, 1)))]
    [7, 11, 12]
    """

    def __init__(self, n_splits: int = 5, *, seed: int = 0) -> None:
        self.n_splits = n_splits
        self.seed = seed

    def _check(self) -> int:
        k = self.n_splits
        if not isinstance(k, numbers.Integral) or isinstance(k, bool) or k < 2:
            raise ValueError(message("n_splits", "an integer of at least 2", repr(k)))
        if not isinstance(self.seed, numbers.Integral) or self.seed < 0:
            raise ValueError(message("seed", "a non-negative integer", repr(self.seed)))
        return int(k)

    def labels(self, keys: Any) -> np.ndarray:
        """The fold of each row with these keys (positions or key values), shape (c,)."""
        return fold_labels(keys, self._check(), int(self.seed))

    def get_n_splits(self, X: Any = None, y: Any = None, groups: Any = None) -> int:
        """Number of folds."""
        return self._check()

    def split(
        self, X: Any, y: Any = None, groups: Any = None
    ) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """Training and test indices of each fold; ``groups`` (shape (n,)) are the keys.

        Without ``groups`` the key of a row is its position 0, …, n − 1.
        """
        n = len(X) if not hasattr(X, "shape") else int(X.shape[0])
        keys = np.arange(n) if groups is None else np.asarray(groups)
        if keys.shape[0] != n:
            raise ValueError(message("groups", f"of length {n} (one key per row)", keys.shape[0]))
        lab = self.labels(keys)
        for k in range(self._check()):
            test = np.flatnonzero(lab == k)
            yield np.flatnonzero(lab != k), test

    def _iter_test_indices(self, X: Any = None, y: Any = None, groups: Any = None) -> Any:
        raise NotImplementedError  # split() is overridden  # pragma: no cover

    def __repr__(self) -> str:
        return f"HashKFold(n_splits={self.n_splits}, seed={self.seed})"
