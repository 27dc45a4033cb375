"""Fitting Ridge and RidgeCV from what passes over the rows give, wherever the rows are.

A data pass (row chunks of files, Dask partitions, an in-memory array) produces
:class:`RowStatistics`: the centred :class:`~ridgeway.core.moments.Moments` of all rows, the
Moments of each k-fold test fold when the estimator cross-validates by k-fold, and a way to run
the second pass of exact leave-one-out. This module turns them into a fitted estimator with the
same spectrum, criteria and fitted attributes as ``fit(X, y)`` on the rows in memory, so every
route keeps one code path from the Moments on.

k-fold over chunks needs a fold for each row as it goes by: ``cv`` must then be an int K (read
as :class:`~ridgeway.selection.folds.HashKFold` (K)) or a ``HashKFold``; see
:func:`stream_folds`.
"""

from __future__ import annotations

import numbers
import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ridgeway._typing import FloatArray
from ridgeway._validation import check_alpha, check_choice, check_penalty_factor, message
from ridgeway.core.moments import Moments
from ridgeway.core.solvers import COND_MAX, ConditioningWarning, SingularDesignError
from ridgeway.core.spectrum import Spectrum, spectrum_from_moments
from ridgeway.linear_model.ridge import Ridge
from ridgeway.linear_model.ridge_cv import RidgeCV, select_alpha
from ridgeway.selection.curve import Curve
from ridgeway.selection.folds import HashKFold
from ridgeway.selection.grid import default_alphas
from ridgeway.selection.kfold import FoldStatistics
from ridgeway.selection.loo import LooPass, LooSums

__all__ = ["Chunk", "RowStatistics", "fit_statistics", "statistics_from_chunks", "stream_folds"]

Chunk = tuple[np.ndarray, np.ndarray, np.ndarray | None, np.ndarray]
"""A chunk of rows: X (c, p), y (c,) or (c, t), weights (c,) or None, and keys (c,) — the
rows' positions in the data or their key-column values, which fix their k-fold folds."""

_PASS_SOLVERS = ("auto", "eigh", "cholesky")


@dataclass(frozen=True, eq=False)
class RowStatistics:
    """What one pass over the rows gives a ridge fit.

    Attributes
    ----------
    total : Moments
        Centred Moments of all rows (p features, t targets).
    single : bool
        Whether y was one-dimensional (coef_ of shape (p,) rather than (t, p)).
    dtype : numpy dtype
        The dtype of X, kept by ``coef_`` (float32 or float64).
    feature_names : sequence of str or None
        Column names, stored as ``feature_names_in_``.
    folds : sequence of Moments or None
        Centred Moments of each k-fold test fold (fold k = the rows labelled k), in fold order.
    loo_pass : callable or None
        ``loo_pass(pass_)`` runs the second pass: it feeds every row chunk to
        ``pass_.sums(X, y, w)`` (a :class:`~ridgeway.selection.loo.LooPass`) and returns the
        sum of the results (:class:`~ridgeway.selection.loo.LooSums`).
    """

    total: Moments
    single: bool
    dtype: np.dtype[Any]
    feature_names: Sequence[str] | None = None
    folds: Sequence[Moments] | None = None
    loo_pass: Callable[[LooPass], LooSums] | None = None


def stream_folds(cv: Any) -> HashKFold | None:
    """The fold assignment a data pass must apply for ``cv``, or None when ``cv`` needs none.

    An int K means :class:`HashKFold` (K); a ``HashKFold`` is used as it is; None (exact
    leave-one-out) and the named criteria need no folds. Any other splitter needs the rows'
    positions in memory and is refused with a clear message.
    """
    if cv is None or isinstance(cv, str):
        return None
    if isinstance(cv, numbers.Integral) and not isinstance(cv, bool):
        if cv < 2:
            raise ValueError(message("cv", "at least 2 folds", cv))
        return HashKFold(int(cv))
    if isinstance(cv, HashKFold):
        cv.get_n_splits()  # validates
        return cv
    raise ValueError(
        message(
            "cv",
            "None, 'gcv', 'evidence', 'hkb', 'lw', an int or a HashKFold when the rows are "
            "read in chunks (a fold must be decided row by row)",
            repr(cv),
        )
    )


def statistics_from_chunks(
    read: Callable[[], Iterable[Chunk]],
    cv: Any,
    *,
    single: bool,
    dtype: np.dtype[Any],
    feature_names: Sequence[str] | None = None,
) -> RowStatistics:
    """One pass over the chunks that ``read()`` yields, gathering what ``cv`` needs.

    ``read`` is called once now, and once more by the second pass of exact leave-one-out
    (``cv=None``) if the fit asks for it; both calls must yield the same rows.

    Parameters
    ----------
    read : callable returning an iterable of (X, y, w, keys) chunks
    cv : the estimator's ``cv`` (None for Ridge)
    single, dtype, feature_names : as in :class:`RowStatistics`
    """
    hashed = stream_folds(cv)
    k = 0 if hashed is None else hashed.get_n_splits()
    total: Moments | None = None
    folds: list[Moments] | None = None
    for Xb, yb, wb, keys in read():
        if hashed is None:
            part = Moments.from_chunks([(Xb, yb, wb)])
            total = part if total is None else total.merge(part)
            continue
        labels = hashed.labels(keys)
        groups = Moments.from_groups(Xb, yb, wb, labels, k)
        folds = (
            groups if folds is None else [f.merge(g) for f, g in zip(folds, groups, strict=False)]
        )
    if hashed is not None and folds is not None:
        total = folds[0]
        for f in folds[1:]:
            total = total.merge(f)
    if total is None:
        raise ValueError(message("data", "at least one row", "no rows"))

    def loo_pass(pass_: LooPass) -> LooSums:
        sums = LooSums.zeros(pass_.alphas.shape[0], pass_.spec.n_targets, like=pass_.spec.d)
        for Xb, yb, wb, _ in read():
            sums = sums + pass_.sums(Xb, yb, wb)
        return sums

    return RowStatistics(total, single, dtype, feature_names, folds, loo_pass)


def _set_features(est: Any, st: RowStatistics) -> None:
    """n_features_in_ and feature_names_in_, as validate_data would set them."""
    p = st.total.n_features
    est.n_features_in_ = p
    if st.feature_names is not None:
        names = np.asarray(list(st.feature_names), dtype=object)
        if names.shape != (p,):
            raise ValueError(message("feature_names", f"{p} names", names.shape[0]))
        est.feature_names_in_ = names
    elif hasattr(est, "feature_names_in_"):
        del est.feature_names_in_


def _penalty(est: Any, m: Moments) -> tuple[FloatArray, FloatArray]:
    """Penalty factors, and the penalty with standardization (variances of ``m``) folded in."""
    factor = check_penalty_factor(est.penalty_factor, m.n_features)
    if not est.standardize:
        return factor, factor
    var = np.diagonal(m.xx) / m.sum_weights
    return factor, factor * np.where(var > 0, var, 1.0)


def _spectrum(est: Any, st: RowStatistics, penalty: FloatArray, alpha_min: float) -> Spectrum:
    m = st.total
    if m.sum_weights <= 0:
        raise ValueError(message("sample_weight", "positive somewhere", "all zero"))
    if not m.is_finite():
        raise ValueError(message("X and y", "finite (no NaN or inf)", "non-finite statistics"))
    spec = spectrum_from_moments(m if est.fit_intercept else m.uncentered(), penalty)
    cond = spec.condition(alpha_min)
    if cond > COND_MAX or spec.rank_deficient:
        if alpha_min == 0.0 and spec.rank_deficient:
            raise SingularDesignError(
                message("alpha", "positive for a rank-deficient design", 0.0)
                + f" (rank {spec.d.size} < {spec.penalized.size} penalized columns)"
            )
        warnings.warn(
            f"the regularized Gram matrix has condition number {cond:.2g} at α = {alpha_min:.3g}"
            ": data read in passes are fitted from their Gram matrix, which may lose digits "
            "here. Use a larger smallest α, or fit in memory (SVD route)",
            ConditioningWarning,
            stacklevel=3,
        )
    return spec


def _fit_ridge(est: Ridge, st: RowStatistics) -> Ridge:
    check_choice(est.solver, "solver", (*_PASS_SOLVERS, "dual", "svd"))
    if est.solver in ("dual", "svd"):
        raise ValueError(
            message("solver", "'auto', 'eigh' or 'cholesky' for data read in passes", est.solver)
        )
    alpha = check_alpha(est.alpha, st.total.n_targets)
    _, penalty = _penalty(est, st.total)
    spec = _spectrum(est, st, penalty, float(alpha.min()))
    coef = spec.coef(alpha)
    est._store_fit(st.single, st.dtype, coef, spec.intercept(coef), spec.df(alpha))
    est.solver_ = "eigh"
    return est


def _fit_ridge_cv(est: RidgeCV, st: RowStatistics) -> RidgeCV:
    rule, scoring = est._check_params()
    grid = est._grid()
    hashed = stream_folds(est.cv)
    factor, penalty = _penalty(est, st.total)
    spec = _spectrum(est, st, penalty, float(grid[0]) if grid is not None else 0.0)
    al = default_alphas(spec) if grid is None else grid

    def loo_curve(alphas: FloatArray) -> Curve:
        if st.loo_pass is None:
            raise ValueError(message("cv", "not None (exact LOO) without a second pass", None))
        return st.loo_pass(LooPass(spec, alphas, fit_intercept=bool(est.fit_intercept))).curve(
            spec, alphas
        )

    def fold_stats() -> FoldStatistics:
        assert hashed is not None
        k = hashed.get_n_splits()
        if st.folds is None or len(st.folds) != k:
            got = None if st.folds is None else len(st.folds)
            raise ValueError(message("folds", f"the Moments of {k} folds", got))
        tests = list(st.folds)
        trains = [st.total.subtract(te) for te in tests]
        return FoldStatistics(trains, tests, st.total, st.total.n_samples, st.total.n_targets)

    choice = select_alpha(
        spec,
        est.cv,
        al,
        n_targets=st.total.n_targets,
        fit_intercept=bool(est.fit_intercept),
        penalty_factor=factor,
        loo_curve=loo_curve,
        fold_stats=fold_stats,
        rule=rule,
        per_target=bool(est.alpha_per_target),
        scoring=scoring,
        standardize=bool(est.standardize),
    )
    est._store_choice(
        st.single,
        st.dtype,
        spec,
        choice.alpha,
        bool(est.alpha_per_target),
        choice.curve,
        choice.score_curve,
        choice.score,
    )
    return est


def fit_statistics(estimator: Any, statistics: RowStatistics) -> Any:
    """Fit a :class:`Ridge` or :class:`RidgeCV` from the statistics of a data pass.

    The result equals ``estimator.fit(X, y, sample_weight)`` on the same rows in memory (to
    rounding), with ``cv`` read as in :func:`stream_folds`; the spectrum always comes from the
    Gram matrix, and a :class:`~ridgeway.core.solvers.ConditioningWarning` says when that may
    lose digits at the smallest α.

    Parameters
    ----------
    estimator : Ridge or RidgeCV
        Fitted in place and returned.
    statistics : RowStatistics

    Returns
    -------
    estimator
    """
    if not isinstance(estimator, (Ridge, RidgeCV)):
        raise TypeError(
            message("estimator", "a ridgeway Ridge or RidgeCV", type(estimator).__name__)
        )
    _set_features(estimator, statistics)
    if isinstance(estimator, RidgeCV):
        return _fit_ridge_cv(estimator, statistics)
    return _fit_ridge(estimator, statistics)
