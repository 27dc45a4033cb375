"""k-fold cross-validation for every α from per-fold Moments gathered in ONE pass.

The training statistics of fold k are the statistics of all rows minus those of fold k
(:meth:`Moments.subtract`), so one pass over X collects everything; each fold then needs one
p×p eigendecomposition, and its validation error for every α and target follows from the
fold's own Moments without touching its rows again:

    SSE_k = Σ_{i∈k} s_i (y_i − b − x_iᵀw)²
          = yy_k − 2 wᵀ xy_k + wᵀ xx_k w + S_k (ȳ_k − b − x̄_kᵀ w)².

Wide data (p > n) use one kernel eigendecomposition per fold on the training rows instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.model_selection import check_cv

from ridgeway._typing import FloatArray
from ridgeway.core.moments import Moments, column_means, column_sum_squares
from ridgeway.core.spectrum import Spectrum, spectrum_from_data, spectrum_from_moments
from ridgeway.selection.curve import Curve
from ridgeway.selection.grid import default_alphas

__all__ = ["FoldStatistics", "fold_penalty", "fold_statistics", "kfold", "kfold_curve"]


def fold_penalty(m: Moments, penalty_factor: np.ndarray, standardize: bool) -> FloatArray:
    """π for a set of rows: the penalty factors, times the weighted variances if standardizing.

    ``m`` must be centred (its diagonal is then Σs times the variances).
    """
    if not standardize:
        return np.asarray(penalty_factor, dtype=np.float64)
    var = np.diagonal(m.xx) / m.sum_weights
    return np.asarray(penalty_factor * np.where(var > 0, var, 1.0))


def _splits(cv: Any, X: np.ndarray, y: np.ndarray, groups: Any) -> list[tuple[Any, Any]]:
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
    Y = np.asarray(y, dtype=np.float64)
    Y = Y[:, None] if Y.ndim == 1 else Y
    pf = np.ones(X.shape[1]) if penalty_factor is None else np.asarray(penalty_factor, float)
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
    Y = np.asarray(y, dtype=np.float64)
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
    al = (
        default_alphas(spectrum)
        if alphas is None
        else np.sort(np.asarray(alphas, dtype=np.float64))
    )
    n = stats.n_samples
    Y_t = stats.n_targets
    a, t = al.size, Y_t
    sse = np.zeros((K, a, t))
    weight = np.zeros(K)
    r2 = np.zeros((K, a, t))
    for k in range(K):
        tr: Any = trains[k]
        te: Any = tests[k]
        if isinstance(tr, Moments):
            spec = spectrum_from_moments(
                _model_moments(tr, fit_intercept), fold_penalty(tr, pf, standardize)
            )
            sse[k], weight[k], sst = _validation_sse(spec, al, te)
        else:
            sse[k], weight[k], sst = te(tr, al)  # a scorer for wide folds
        with np.errstate(divide="ignore", invalid="ignore"):
            r2[k] = 1.0 - sse[k] / sst[None, :]
    mse = sse / weight[:, None, None]
    mean = sse.sum(axis=0) / weight.sum()
    var = (weight[:, None, None] * (mse - mean[None]) ** 2).sum(axis=0) / weight.sum()
    se = np.sqrt(var / (K - 1))
    df = spectrum.df(al)
    return Curve("kfold", al, mean, se, df, n, fold_r2=r2.mean(axis=0))


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
        centre = column_means(X, Y, w)[0]
        sw = float(X.shape[0]) if w is None else float(w.sum())
        var = column_sum_squares(X, centre, w) / sw
        pen = pf * np.where(var > 0, var, 1.0)
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
    trains, tests = [], []
    for tr, te in splits:
        trains.append(Moments.from_array(X[tr], Y[tr], None if w is None else w[tr]))
        tests.append(Moments.from_array(X[te], Y[te], None if w is None else w[te]))
    return trains, tests, Moments.from_array(X, Y, w)


def _validation_sse(
    spec: Spectrum, al: FloatArray, te: Moments
) -> tuple[FloatArray, float, FloatArray]:
    """SSE of the fold's rows for every α and target, from the fold's Moments alone."""
    W = spec.coef_path(al)  # (a, p, t)
    b = spec.intercept(W)  # (a, t)
    quad = np.einsum("apt,apt->at", W, np.matmul(te.xx, W))  # wᵀ xx_k w with one BLAS product
    cross = np.einsum("apt,pt->at", W, te.xy)
    offset = te.y_mean[None, :] - b - np.einsum("p,apt->at", te.x_mean, W)
    sse = te.yy[None, :] - 2.0 * cross + quad + te.sum_weights * offset**2
    return np.maximum(sse, 0.0), te.sum_weights, te.yy


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
    trains: list[Spectrum] = []
    tests: list[Any] = []
    for tr, te in splits:
        wtr = None if w is None else w[tr]
        spec = _dual_spectrum(X[tr], Y[tr], wtr, pf, standardize, fit_intercept)
        trains.append(spec)
        Xte, Yte = X[te], Y[te]
        wte = np.ones(te.size) if w is None else w[te]

        def score(
            sp: Spectrum,
            al: FloatArray,
            Xte: np.ndarray = Xte,
            Yte: FloatArray = Yte,
            wte: FloatArray = wte,
        ) -> tuple[FloatArray, float, FloatArray]:
            W = sp.coef_path(al)
            a_, p_, t_ = W.shape  # X W as one product (Xte may be sparse)
            XW = Xte @ W.transpose(1, 0, 2).reshape(p_, a_ * t_)
            pred = np.asarray(XW).reshape(-1, a_, t_) + sp.intercept(W)[None]
            res = Yte[:, None, :] - pred
            sse = np.einsum("n,nat,nat->at", wte, res, res)
            ym_te = (wte @ Yte) / wte.sum()
            sst = np.einsum("n,nt,nt->t", wte, Yte - ym_te, Yte - ym_te)
            return sse, float(wte.sum()), sst

        tests.append(score)
    return trains, tests
