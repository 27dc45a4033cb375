"""k-fold cross-validation for every α from per-fold Moments gathered in ONE pass.

The training statistics of fold k are the statistics of all rows minus those of fold k
(:meth:`Moments.subtract`), so one pass over X collects everything; each fold then needs one
p×p eigendecomposition, and its validation error for every α and target follows from the
fold's own Moments without touching its rows again:

    SSE_k = Σ_{i∈k} s_i (y_i − b − x_iᵀw)²
          = yy_k − 2 wᵀ xy_k + wᵀ xx_k w + S_k (ȳ_k − b − x̄_kᵀ w)².

Wide data (p > n) use one kernel eigendecomposition per fold on the training rows instead.

Tall data are handled in the array namespace of X (NumPy, or e.g. torch tensors on their
device); the fold indices come from the scikit-learn splitter on the host.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.model_selection import check_cv

from ridgeway._typing import FloatArray
from ridgeway.core import backend as bk
from ridgeway.core.moments import Moments, _is_sparse, column_means, column_sum_squares
from ridgeway.core.spectrum import Spectrum, spectrum_from_data, spectrum_from_moments
from ridgeway.selection.curve import Curve
from ridgeway.selection.grid import grid_of

__all__ = ["FoldStatistics", "fold_penalty", "fold_statistics", "kfold", "kfold_curve"]


def fold_penalty(m: Moments, penalty_factor: np.ndarray, standardize: bool) -> FloatArray:
    """π for a set of rows: the penalty factors, times the weighted variances if standardizing.

    ``m`` must be centred (its diagonal is then Σs times the variances).
    """
    if not standardize:
        return np.asarray(penalty_factor, dtype=np.float64)
    xp = bk.namespace(m.xx)
    var = bk.diagonal(xp, m.xx) / m.sum_weights
    pf = bk.as_float(xp, penalty_factor, bk.device(m.xx))
    return pf * xp.where(var > 0, var, 1.0)


def _splits(cv: Any, X: Any, y: Any, groups: Any) -> list[tuple[Any, Any]]:
    if bk.namespace(X) is not np:  # the splitter needs only the rows' count (and y, groups)
        X, y = np.empty((X.shape[0], 0)), bk.to_numpy(y)
    splitter = check_cv(cv, y, classifier=False)
    return [(np.asarray(tr), np.asarray(te)) for tr, te in splitter.split(X, y, groups)]


def kfold(
    X: np.ndarray,
    y: np.ndarray,
    sample_weight: np.ndarray | None = None,
    *,
    alphas: np.ndarray | None = None,
    cv: Any = 5,
    groups: Any = None,
    penalty_factor: np.ndarray | None = None,
    standardize: bool = False,
    fit_intercept: bool = True,
    spectrum: Spectrum | None = None,
) -> Curve:
    """k-fold cross-validated mean squared error for every α and target.

    Parameters
    ----------
    X : ndarray of shape (n, p)
    y : ndarray of shape (n,) or (n, t)
    sample_weight : ndarray of shape (n,), optional
    alphas : ndarray of shape (a,), optional
        Default: :func:`default_alphas` of the whole-data spectrum.
    cv : int or scikit-learn splitter, default 5
        An int means ``KFold(cv)`` without shuffling (scikit-learn's rule for regressors).
    groups : array-like of shape (n,), optional
        Passed to the splitter (e.g. ``GroupKFold``).
    penalty_factor : ndarray of shape (p,), optional
    standardize : bool, default False
        Standardize within each training fold (as cv.glmnet refits do).
    fit_intercept : bool, default True
    spectrum : Spectrum, optional
        The whole-data spectrum (for the default grid and the df column); computed if absent.

    Returns
    -------
    Curve
        ``mean`` = Σ_k SSE_k / Σ_k S_k (cv.glmnet's fold-weighted mean); ``se`` = cv.glmnet's
        cvsd, √(Σ_k S_k (mse_k − mean)² / Σ_k S_k / (K − 1)); ``fold_r2`` the mean of the folds'
        R² (scikit-learn's ``r2`` scoring).
    """
    Y = bk.as_float(bk.namespace(X), y, bk.device(X))
    Y = Y[:, None] if Y.ndim == 1 else Y
    pf = np.ones(X.shape[1]) if penalty_factor is None else bk.to_numpy(penalty_factor)
    pf = pf.astype(np.float64, copy=False)
    stats = fold_statistics(
        X,
        Y,
        sample_weight,
        cv=cv,
        groups=groups,
        penalty_factor=pf,
        standardize=standardize,
        fit_intercept=fit_intercept,
    )
    if spectrum is None and stats.total is None:
        spectrum = _dual_spectrum(X, Y, sample_weight, pf, standardize, fit_intercept)
    return kfold_curve(
        stats,
        alphas,
        penalty_factor=pf,
        standardize=standardize,
        fit_intercept=fit_intercept,
        spectrum=spectrum,
    )


@dataclass(frozen=True, eq=False)
class FoldStatistics:
    """What one pass over the data gives k-fold cross-validation.

    Tall data: ``trains`` and ``tests`` are the folds' centred Moments and ``total`` those of
    all rows (the training Moments are total minus fold). Wide data: ``trains`` are the folds'
    kernel spectra and ``tests`` scorers of the held-out rows; ``total`` is None.
    """

    trains: list[Any]
    tests: list[Any]
    total: Moments | None
    n_samples: int
    n_targets: int


def fold_statistics(
    X: np.ndarray,
    y: np.ndarray,
    sample_weight: np.ndarray | None = None,
    *,
    cv: Any = 5,
    groups: Any = None,
    penalty_factor: np.ndarray | None = None,
    standardize: bool = False,
    fit_intercept: bool = True,
) -> FoldStatistics:
    """Split the rows with ``cv`` and gather every fold's statistics (one pass for tall data)."""
    Y = bk.as_float(bk.namespace(X), y, bk.device(X))
    Y = Y[:, None] if Y.ndim == 1 else Y
    n, p = X.shape
    pf = np.ones(p) if penalty_factor is None else np.asarray(penalty_factor, dtype=np.float64)
    splits = _splits(cv, X, Y if Y.shape[1] > 1 else Y[:, 0], groups)
    if len(splits) < 2:
        raise ValueError(f"cv must give at least 2 folds; got {len(splits)}")
    if p > n:
        trains, tests = _wide_folds(X, Y, sample_weight, splits, pf, standardize, fit_intercept)
        return FoldStatistics(trains, tests, None, n, Y.shape[1])
    mtrains, mtests, total = _fold_moments(X, Y, sample_weight, splits)
    return FoldStatistics(list(mtrains), list(mtests), total, n, Y.shape[1])


def kfold_curve(
    stats: FoldStatistics,
    alphas: np.ndarray | None = None,
    *,
    penalty_factor: np.ndarray,
    standardize: bool = False,
    fit_intercept: bool = True,
    spectrum: Spectrum | None = None,
) -> Curve:
    """The k-fold curve from gathered fold statistics (see :func:`kfold`)."""
    pf = np.asarray(penalty_factor, dtype=np.float64)
    trains, tests = stats.trains, stats.tests
    K = len(trains)
    if spectrum is None:
        if stats.total is not None:
            spectrum = spectrum_from_moments(
                _model_moments(stats.total, fit_intercept),
                fold_penalty(stats.total, pf, standardize),
            )
        else:
            raise ValueError("spectrum must be given for wide data; got None")
    xp = bk.namespace(spectrum.d)
    al = grid_of(spectrum, alphas)
    n = stats.n_samples
    sses, weights, r2s = [], [], []
    for k in range(K):
        tr: Any = trains[k]
        te: Any = tests[k]
        if isinstance(tr, Moments):
            spec = spectrum_from_moments(
                _model_moments(tr, fit_intercept), fold_penalty(tr, pf, standardize)
            )
            sse_k, weight_k, sst = _validation_sse(spec, al, te)
        else:
            sse_k, weight_k, sst = te(tr, al)  # a scorer for wide folds
        with np.errstate(divide="ignore", invalid="ignore"):
            r2s.append(1.0 - sse_k / sst[None, :])
        sses.append(sse_k)
        weights.append(float(weight_k))
    sse = xp.stack(sses, axis=0)  # (K, a, t)
    weight = bk.as_float(xp, weights, bk.device(spectrum.d))
    total = float(sum(weights))
    mse = sse / weight[:, None, None]
    mean = xp.sum(sse, axis=0) / total
    var = xp.sum(weight[:, None, None] * (mse - mean[None, ...]) ** 2, axis=0) / total
    se = xp.sqrt(var / (K - 1))
    df = spectrum.df(al)
    return Curve("kfold", al, mean, se, df, n, fold_r2=xp.mean(xp.stack(r2s, axis=0), axis=0))


def _model_moments(m: Moments, fit_intercept: bool) -> Moments:
    """The statistics the model uses: centred with an intercept, about zero without."""
    return m if fit_intercept else m.uncentered()


def _dual_spectrum(
    X: np.ndarray,
    Y: FloatArray,
    w: np.ndarray | None,
    pf: FloatArray,
    standardize: bool,
    fit_intercept: bool,
) -> Spectrum:
    """Kernel spectrum of (X, Y), standardizing with these rows' own weighted sd if asked."""
    xm, ym = column_means(X, Y, w, fit_intercept)
    pen = pf
    if standardize:
        xp = bk.namespace(X)
        centre = column_means(X, Y, w)[0]
        sw = float(X.shape[0]) if w is None else float(xp.sum(w))
        var = column_sum_squares(X, centre, w) / sw
        pen = bk.as_float(xp, pf, bk.device(X)) * xp.where(var > 0, var, 1.0)
    return spectrum_from_data(X, Y, w, pen, x_mean=xm, y_mean=ym, kind="dual")


def _fold_moments(
    X: np.ndarray,
    Y: FloatArray,
    w: np.ndarray | None,
    splits: list[tuple[Any, Any]],
) -> tuple[list[Moments], list[Moments], Moments]:
    """Training and test Moments of every fold and of all rows, in one pass when the folds
    partition the rows (training set = complement of the test set), else per fold."""
    n = X.shape[0]
    K = len(splits)
    labels = np.full(n, -1, dtype=np.intp)
    partition = True
    for k, (tr, te) in enumerate(splits):
        if (labels[te] != -1).any() or tr.size + te.size != n:
            partition = False
            break
        labels[te] = k
    if partition:
        for tr, te in splits:  # the training set must be the complement of the test set
            mask = np.zeros(n, dtype=bool)
            mask[tr] = True
            mask[te] = True
            if not mask.all():
                partition = False
                break
    if partition:
        labels[labels == -1] = K  # rows never tested belong to every training set
        groups = Moments.from_groups(X, Y, w, labels, K + 1)
        total = groups[0]
        for g in groups[1:]:
            total = total.merge(g)
        tests = groups[:K]
        trains = [total.subtract(te) for te in tests]
        return trains, tests, total
    xp = bk.namespace(X)
    trains, tests = [], []
    for idx_list, rows in ((trains, [tr for tr, _ in splits]), (tests, [te for _, te in splits])):
        for idx in rows:
            wi = None if w is None else bk.take(xp, w, idx, 0)
            idx_list.append(Moments.from_array(bk.take(xp, X, idx, 0), bk.take(xp, Y, idx, 0), wi))
    return trains, tests, Moments.from_array(X, Y, w)


def _validation_sse(
    spec: Spectrum, al: FloatArray, te: Moments
) -> tuple[FloatArray, float, FloatArray]:
    """SSE of the fold's rows for every α and target, from the fold's Moments alone."""
    xp = bk.namespace(spec.d)
    W = spec.coef_path(al)  # (a, p, t)
    b = spec.intercept(W)  # (a, t)
    quad = xp.sum(W * (te.xx @ W), axis=1)  # wᵀ xx_k w with one BLAS product
    cross = xp.sum(W * te.xy[None, ...], axis=1)
    offset = te.y_mean[None, :] - b - te.x_mean @ W
    sse = te.yy[None, :] - 2.0 * cross + quad + te.sum_weights * offset**2
    return xp.maximum(sse, 0.0), te.sum_weights, te.yy


def _wide_folds(
    X: np.ndarray,
    Y: FloatArray,
    w: np.ndarray | None,
    splits: list[tuple[Any, Any]],
    pf: FloatArray,
    standardize: bool,
    fit_intercept: bool,
) -> tuple[list[Spectrum], list[Any]]:
    """Per fold: the kernel spectrum of the training rows and a scorer of the test rows."""
    xp = bk.namespace(X)
    dev = bk.device(X)
    trains: list[Spectrum] = []
    tests: list[Any] = []
    for tr, te in splits:
        wtr = None if w is None else bk.take(xp, w, tr, 0)
        spec = _dual_spectrum(
            bk.take(xp, X, tr, 0), bk.take(xp, Y, tr, 0), wtr, pf, standardize, fit_intercept
        )
        trains.append(spec)
        Xte = bk.astype(xp, bk.take(xp, X, te, 0), Y.dtype)
        Yte = bk.take(xp, Y, te, 0)
        wte = bk.as_float(xp, np.ones(te.size), dev) if w is None else bk.take(xp, w, te, 0)

        def score(
            sp: Spectrum,
            al: FloatArray,
            Xte: Any = Xte,
            Yte: Any = Yte,
            wte: Any = wte,
        ) -> tuple[FloatArray, float, FloatArray]:
            W = sp.coef_path(al)  # (a, p, t)
            if _is_sparse(Xte):  # scipy sparse rows: X W as one 2-D product (NumPy)
                a_, p_, t_ = W.shape
                XW = Xte @ W.transpose(1, 0, 2).reshape(p_, a_ * t_)
                pred = np.asarray(XW).reshape(-1, a_, t_) + sp.intercept(W)[None]
                res = Yte[:, None, :] - pred
                sse = np.einsum("n,nat,nat->at", wte, res, res)
                ym_te = (wte @ Yte) / wte.sum()
                sst = np.einsum("n,nt,nt->t", wte, Yte - ym_te, Yte - ym_te)
                return sse, float(wte.sum()), sst
            pred = Xte @ W + sp.intercept(W)[:, None, :]  # (a, n_te, t)
            res = Yte[None, ...] - pred
            sse = xp.sum(wte[None, :, None] * res * res, axis=1)
            sw_te = float(xp.sum(wte))
            dev_te = Yte - (wte @ Yte) / sw_te
            sst = wte @ (dev_te * dev_te)
            return sse, sw_te, sst

        tests.append(score)
    return trains, tests
