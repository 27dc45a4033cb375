"""Ridge and RidgeCV fits from Dask arrays and DataFrames, on whatever scheduler is active.

Each row partition becomes one task that reduces it to its centred
:class:`~ridgeway.core.moments.Moments` (p×p, and one set per fold for k-fold); the Moments are
merged in a tree (``split_every`` at a time) and only the merged p×p statistics reach the
client, where the factorization happens once (:func:`~ridgeway.linear_model.statistics_fit.
fit_statistics`). Exact leave-one-out (``RidgeCV(cv=None)``) needs a second pass: the
:class:`~ridgeway.selection.loo.LooPass` built on the client goes into the graph once (a worker
fetches it once, not once per task) and every partition returns its additive
:class:`~ridgeway.selection.loo.LooSums`, summed in the same kind of tree.

``dask.compute`` is called without a scheduler: a ``distributed.Client`` when one is active,
otherwise the default (threads), or whatever ``dask.config.set(scheduler=...)`` chose. Lost
workers are handled by Dask (the lost partitions are recomputed from the graph).

k-fold cross-validation assigns rows to folds with
:class:`~ridgeway.selection.folds.HashKFold`: an int ``cv`` means ``HashKFold(cv)``, and the
key of a row is its global position (0, …, n − 1) unless ``groups`` gives the keys (a key
column, or ``df.index``). ``RidgeCV(cv=K).fit(dask_X, y)`` therefore equals
``RidgeCV(cv=HashKFold(K)).fit(X, y)`` in memory, to rounding.
"""

from __future__ import annotations

import functools
import uuid
import warnings
from typing import Any

import numpy as np

from ridgeway._validation import (
    _to_float_array,
    check_choice,
    check_finite,
    check_penalty_factor,
    message,
)
from ridgeway.core.moments import Moments
from ridgeway.linear_model.ridge import Ridge
from ridgeway.linear_model.ridge_cv import RidgeCV
from ridgeway.linear_model.statistics_fit import RowStatistics, fit_statistics, stream_folds
from ridgeway.scale._dask_input import (
    DaskRows,
    _feature_names,
    _prepare_x,
    block_keys,
    block_matrix,
    block_targets,
    block_weights,
    dask_rows,
)
from ridgeway.selection.folds import HashKFold
from ridgeway.selection.loo import LooPass, LooSums

__all__ = ["dask_statistics", "fit_dask", "predict_dask"]


# ---------------------------------------------------------------- tasks (run on the workers)
def _partition_moments(
    i: int,
    Xb: Any,
    yb: Any,
    wb: Any,
    kb: Any,
    p: int,
    hashed: HashKFold | None,
) -> list[Moments]:
    """Moments of partition i: [all rows], or one per fold when ``hashed`` is given."""
    X = block_matrix(Xb, i, p)
    rows = X.shape[0]
    Y = block_targets(yb, i, rows)
    w = block_weights(wb, i, rows)
    if hashed is None:
        return [Moments.from_array(X, Y, w)]
    labels = hashed.labels(block_keys(kb, i, rows))
    return Moments.from_groups(X, Y, w, labels, hashed.get_n_splits())


def _merge_lists(*parts: list[Moments]) -> list[Moments]:
    """Element-wise merge of lists of Moments (fold by fold)."""
    return [functools.reduce(Moments.merge, group) for group in zip(*parts, strict=True)]


def _partition_loo(pass_: LooPass, i: int, Xb: Any, yb: Any, wb: Any, p: int) -> LooSums:
    """The leave-one-out sums of partition i."""
    X = block_matrix(Xb, i, p)
    rows = X.shape[0]
    sums = LooSums.zeros(pass_.alphas.size, pass_.spec.n_targets)
    Y = block_targets(yb, i, rows)
    w = block_weights(wb, i, rows)
    step = pass_.chunk_rows  # bounds the (rows, a, t) residuals of a large partition
    for s in range(0, rows, step):
        sums = sums + pass_.sums(
            X[s : s + step], Y[s : s + step], None if w is None else w[s : s + step]
        )
    return sums


def _add(*parts: LooSums) -> LooSums:
    return functools.reduce(LooSums.__add__, parts)


# ---------------------------------------------------------------- client side
def _tree(leaves: list[Any], combine: Any, split_every: int, name: str) -> Any:
    """A tree of delayed ``combine`` calls over ``leaves``, ``split_every`` inputs per node."""
    import dask

    level = leaves
    depth = 0
    token = uuid.uuid4().hex
    while len(level) > 1:
        level = [
            dask.delayed(combine, pure=False)(
                *level[s : s + split_every], dask_key_name=f"{name}-{token}-{depth}-{s}"
            )
            for s in range(0, len(level), split_every)
        ]
        depth += 1
    return level[0]


def _check_split_every(split_every: int) -> int:
    if isinstance(split_every, bool) or not isinstance(split_every, int) or split_every < 2:
        raise ValueError(message("split_every", "an integer of at least 2", repr(split_every)))
    return split_every


def dask_statistics(
    X: Any,
    y: Any,
    sample_weight: Any = None,
    groups: Any = None,
    *,
    cv: Any = None,
    split_every: int = 8,
) -> RowStatistics:
    """The row statistics of a ridge fit, gathered from Dask partitions.

    One task per row partition computes its centred Moments (one set per fold when ``cv`` is
    k-fold), merged in a tree of ``split_every`` inputs per node; ``dask.compute`` runs on the
    active scheduler. The returned ``loo_pass`` runs the second pass of exact leave-one-out the
    same way.

    Parameters
    ----------
    X : dask array of shape (n, p), row-chunked, or dask DataFrame of numeric columns
    y : dask array/Series (n,) or dask array/DataFrame (n, t), or an in-memory array
        Partitioned like X (a dask array with known chunks is rechunked to X's row chunks).
    sample_weight : like y with shape (n,), a scalar, or None
    groups : dask array/Series/Index or in-memory array of shape (n,), optional
        Fold keys for k-fold (rows with one key share a fold); default the row positions.
    cv : the estimator's ``cv``: None, a named criterion, an int K or a HashKFold
    split_every : int, default 8
        Inputs per merge in the reduction tree.

    Returns
    -------
    RowStatistics
    """
    import dask

    step = _check_split_every(split_every)
    hashed = stream_folds(cv)
    rows = dask_rows(X, y, sample_weight, groups, need_keys=hashed is not None)
    p = rows.n_features
    leaves = [
        dask.delayed(_partition_moments, pure=False)(i, xb, yb, wb, kb, p, hashed)
        for i, (xb, yb, wb, kb) in enumerate(zip(rows.X, rows.y, rows.w, rows.keys, strict=True))
    ]
    (merged,) = dask.compute(_tree(leaves, _merge_lists, step, "ridgeway-moments"))
    if hashed is None:
        total, folds = merged[0], None
    else:
        folds = merged
        total = functools.reduce(Moments.merge, folds)
    if total.n_samples == 0:
        raise ValueError(message("X", "non-empty", "0 rows in every partition"))
    return RowStatistics(
        total,
        rows.single,
        rows.dtype,
        rows.feature_names,
        folds,
        functools.partial(_loo_pass, rows, step),
    )


def _loo_pass(rows: DaskRows, split_every: int, pass_: LooPass) -> LooSums:
    """The second pass of exact leave-one-out over the partitions."""
    import dask

    # one key of the graph: each worker receives the pass once, and the scheduler keeps it,
    # so it survives the loss of any worker (a scattered copy would not)
    shipped = dask.delayed(pass_, name=f"ridgeway-loopass-{uuid.uuid4().hex}")
    leaves = [
        dask.delayed(_partition_loo, pure=False)(shipped, i, xb, yb, wb, rows.n_features)
        for i, (xb, yb, wb) in enumerate(zip(rows.X, rows.y, rows.w, strict=True))
    ]
    with warnings.catch_warnings():
        # distributed's advice for a large graph (scatter the data) does not apply here
        warnings.filterwarnings("ignore", message="Sending large graph", category=UserWarning)
        (sums,) = dask.compute(_tree(leaves, _add, split_every, "ridgeway-loo"))
    return sums  # type: ignore[no-any-return]


def _check_before_pass(est: Any, p: int) -> Any:
    """The estimator's parameters that can be checked without the data; its ``cv``."""
    if not isinstance(est, (Ridge, RidgeCV)):
        raise TypeError(message("estimator", "a ridgeway Ridge or RidgeCV", type(est).__name__))
    check_penalty_factor(est.penalty_factor, p)
    if isinstance(est, RidgeCV):
        est._check_params()
        est._grid()
        stream_folds(est.cv)
        return est.cv
    check_choice(est.solver, "solver", ("auto", "eigh", "cholesky", "dual", "svd"))
    if est.solver in ("dual", "svd"):
        raise ValueError(
            message("solver", "'auto', 'eigh' or 'cholesky' for data read in passes", est.solver)
        )
    return None


def fit_dask(
    estimator: Any,
    X: Any,
    y: Any,
    sample_weight: Any = None,
    groups: Any = None,
    *,
    split_every: int = 8,
) -> Any:
    """Fit a :class:`Ridge` or :class:`RidgeCV` on Dask collections, minimizing

        Σ_i s_i ‖y_i − b − x_iᵀW‖²  +  α Σ_j π_j ‖W_j‖²

    over all rows of the partitions. ``Ridge().fit`` and ``RidgeCV().fit`` call this when X is
    a dask collection. The result equals the in-memory fit to rounding, ``cv`` read as in
    :func:`dask_statistics` (an int K is ``HashKFold(K)``; other splitters are refused).

    Parameters
    ----------
    estimator : Ridge or RidgeCV
        Fitted in place and returned; its fitted attributes are NumPy arrays.
    X, y, sample_weight, groups, split_every
        As in :func:`dask_statistics` (shapes (n, p), (n,) or (n, t), (n,), (n,)).

    Returns
    -------
    estimator

    Examples
    --------
    >>> import numpy as np
    >>> import dask.array as da
    >>> from ridgeway import RidgeCV
    >>> from ridgeway.selection.folds import HashKFold
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(1000, 3))
    >>> y = X @ [1.0, -2.0, 0.5] + rng.normal(size=1000)
    >>> dX, dy = da.from_array(X, chunks=(250, 3)), da.from_array(y, chunks=250)
    >>> grid = np.logspace(-3, 3, 25)
    >>> model = RidgeCV(grid, cv=5).fit(dX, dy)  # calls fit_dask
    >>> ref = RidgeCV(grid, cv=HashKFold(5)).fit(X, y)
    >>> bool(np.allclose(model.coef_, ref.coef_, rtol=1e-10)), model.alpha_ == ref.alpha_
    (True, True)
    >>> model.predict(dX)
    dask.array<_predict_block, shape=(1000,), dtype=float64, chunksize=(250,), chunktype=numpy.ndarray>
    """
    Xc, _, p, _ = _prepare_x(X)
    cv = _check_before_pass(estimator, p)
    st = dask_statistics(Xc, y, sample_weight, groups, cv=cv, split_every=split_every)
    return fit_statistics(estimator, st)


def _predict_block(Xb: Any, coef: np.ndarray, intercept: Any) -> np.ndarray:
    X = _to_float_array(Xb, "X")
    check_finite(X, "X")
    return np.asarray(X @ coef.T + intercept)


def predict_dask(estimator: Any, X: Any) -> Any:
    """Predictions X W + b of a fitted model as a lazy dask array, one block per row partition.

    Parameters
    ----------
    estimator : a fitted Ridge or RidgeCV
    X : dask array (n, p) or dask DataFrame with the fitted columns

    Returns
    -------
    dask array of shape (n,) or (n, t) (unknown chunk sizes for a DataFrame)
    """
    Xc, kind, p, dtype = _prepare_x(X)
    if p != estimator.n_features_in_:
        raise ValueError(
            message("X", f"of {estimator.n_features_in_} features, as in fit", f"{p} features")
        )
    fitted = getattr(estimator, "feature_names_in_", None)
    names = _feature_names(Xc) if kind == "frame" else None
    if fitted is not None and names is not None and list(fitted) != names:
        raise ValueError(message("X's columns", f"the fitted features {list(fitted)}", names))
    coef = np.asarray(estimator.coef_)
    single = coef.ndim == 1
    intercept = estimator.intercept_
    out_dtype = _predict_block(np.empty((0, p), dtype), coef, intercept).dtype
    arr = Xc.to_dask_array() if kind == "frame" else Xc
    t = 1 if single else coef.shape[0]
    return arr.map_blocks(
        _predict_block,
        coef,
        intercept,
        dtype=out_dtype,
        chunks=(arr.chunks[0],) if single else (arr.chunks[0], (t,)),
        drop_axis=1 if single else [],
        meta=np.empty((0,) if single else (0, 0), dtype=out_dtype),
    )
