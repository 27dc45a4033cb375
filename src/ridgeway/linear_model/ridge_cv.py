"""Ridge regression with α chosen over a grid from one factorization (scikit-learn compatible)."""

from __future__ import annotations

import numbers
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from ridgeway._sparse_input import is_sparse
from ridgeway._typing import ArrayLike, FloatArray
from ridgeway._validation import check_choice, message
from ridgeway.core import backend as bk
from ridgeway.core.moments import Moments, column_means
from ridgeway.core.solvers import COND_MAX, NonFiniteError
from ridgeway.core.sparse_solvers import ITERATIVE_MIN_FEATURES
from ridgeway.core.spectrum import Spectrum, spectrum_from_data, spectrum_from_moments
from ridgeway.linear_model.ridge import (
    FitInput,
    LinearModel,
    is_dask_collection,
    report_nonfinite,
    validated_fit_input,
)
from ridgeway.linear_model.ridge_cv_iterative import fit_iterative
from ridgeway.selection import (
    Curve,
    default_alphas,
    evidence,
    gcv,
    hkb,
    log_evidence,
    loo,
    lw,
    select,
)
from ridgeway.selection.evidence import maximize_pooled
from ridgeway.selection.kfold import FoldStatistics, fold_statistics, kfold_curve

__all__ = ["Choice", "RidgeCV", "choose_alpha", "fit_spectrum", "select_alpha"]

_NAMED_CV = ("gcv", "evidence", "hkb", "lw")
_SCORINGS = ("neg_mean_squared_error", "r2")


def fit_spectrum(data: FitInput, alpha_min: float, moments: Moments | None = None) -> Spectrum:
    """The factorization for a grid of α: Gram eigh (n ≥ p), kernel eigh (p > n), or SVD.

    The SVD route is taken when the Gram route would lose digits at the smallest α of the grid
    (condition number of the regularized system above the solvers' bound). ``moments`` (centred)
    saves the data pass when the caller has them already.
    """
    pr = data.problem
    n, p = pr.X.shape
    if p <= n:
        if moments is None:
            m = Moments.from_array(pr.X, pr.y, pr.sample_weight, centered=pr.fit_intercept)
        else:
            m = moments if pr.fit_intercept else moments.uncentered()
        if not m.is_finite():
            report_nonfinite(pr.X)
        spec = spectrum_from_moments(m, pr.penalty)
        if is_sparse(pr.X) or (spec.condition(alpha_min) <= COND_MAX and not spec.rank_deficient):
            return spec  # (sparse X keeps the Gram route: the SVD would densify it)
        xm, ym = m.x_mean, m.y_mean
        kind = "svd"
    else:
        xm, ym = column_means(pr.X, pr.y, pr.sample_weight, pr.fit_intercept)
        if not np.isfinite(bk.to_numpy(xm)).all():
            report_nonfinite(pr.X)
        kind = "dual"
    return spectrum_from_data(
        pr.X, pr.y, pr.sample_weight, pr.penalty, x_mean=xm, y_mean=ym, kind=kind
    )


@dataclass(frozen=True, eq=False)
class Choice:
    """The α a criterion chose, per target, with the curve it came from.

    Attributes
    ----------
    alpha : ndarray of shape (t,)
        NumPy, whatever the library of the data (the choice is made on the host).
    curve : Curve or None
        None for the closed-form constants ("hkb", "lw").
    score_curve : ndarray of shape (a, t) or None
        The score curve (higher is better) when ``scoring`` is "r2".
    score : ndarray of shape (t,)
        The score at the chosen α (−MSE, R², log evidence per sample; NaN for "hkb", "lw"),
        NumPy.
    """

    alpha: FloatArray
    curve: Curve | None
    score_curve: FloatArray | None
    score: FloatArray


def choose_alpha(
    data: FitInput,
    spec: Spectrum,
    cv: Any,
    alphas: FloatArray,
    *,
    rule: str = "min",
    per_target: bool = False,
    scoring: str = "neg_mean_squared_error",
    standardize: bool = False,
    stats: FoldStatistics | None = None,
    groups: Any = None,
) -> Choice:
    """Choose α with one criterion from the factorization of the data (RidgeCV's dispatch).

    ``cv`` is None (exact LOO), "gcv", "evidence", "hkb", "lw", or k-fold (an int, a splitter
    or an iterable of splits; ``stats`` from :func:`fold_statistics` saves the pass over X).
    """
    pr = data.problem

    def loo_curve(al: FloatArray) -> Curve:
        return loo(spec, pr.X, pr.y, pr.sample_weight, al, fit_intercept=pr.fit_intercept)

    def fold_stats() -> FoldStatistics:
        if stats is not None:
            return stats
        return fold_statistics(
            pr.X,
            pr.y,
            pr.sample_weight,
            cv=cv,
            groups=groups,
            penalty_factor=data.penalty_factor,
            standardize=standardize,
            fit_intercept=pr.fit_intercept,
        )

    return select_alpha(
        spec,
        cv,
        alphas,
        n_targets=data.Y.shape[1],
        fit_intercept=pr.fit_intercept,
        penalty_factor=data.penalty_factor,
        loo_curve=loo_curve,
        fold_stats=fold_stats,
        rule=rule,
        per_target=per_target,
        scoring=scoring,
        standardize=standardize,
    )


def select_alpha(
    spec: Spectrum,
    cv: Any,
    alphas: FloatArray,
    *,
    n_targets: int,
    fit_intercept: bool,
    penalty_factor: FloatArray,
    loo_curve: Callable[[FloatArray], Curve],
    fold_stats: Callable[[], FoldStatistics],
    rule: str = "min",
    per_target: bool = False,
    scoring: str = "neg_mean_squared_error",
    standardize: bool = False,
) -> Choice:
    """Choose α with one criterion, wherever the rows are (memory, files, Dask).

    The criteria that need the rows again reach them through two callables: ``loo_curve``
    (the second pass of exact leave-one-out, for a grid) and ``fold_stats`` (the per-fold
    statistics of k-fold). GCV, evidence, HKB and L-W need only the spectrum.
    """
    t = n_targets
    score_curve: FloatArray | None = None
    if isinstance(cv, str) and cv in ("hkb", "lw"):
        const = (hkb if cv == "hkb" else lw)(spec, fit_intercept=fit_intercept)
        const = bk.to_numpy(const)
        alpha = const if per_target else np.full(t, float(np.mean(const)))
        return Choice(alpha, None, None, np.full(t, np.nan))
    if isinstance(cv, str) and cv == "evidence":
        curve, opt = evidence(spec, alphas)
        alpha = bk.to_numpy(opt) if per_target else np.full(t, maximize_pooled(spec, alphas))
        score = bk.to_numpy(log_evidence(spec, alpha)) / spec.sum_weights
        return Choice(alpha, curve, None, score)
    if cv is None:
        curve = loo_curve(alphas)
        if scoring == "r2":
            assert curve.total is not None
            score_curve = 1.0 - curve.mean * spec.sum_weights / curve.total[None, :]
    elif isinstance(cv, str) and cv == "gcv":
        curve = gcv(spec, alphas, fit_intercept=fit_intercept)
    else:
        curve = kfold_curve(
            fold_stats(),
            alphas,
            penalty_factor=penalty_factor,
            standardize=standardize,
            fit_intercept=fit_intercept,
            spectrum=spec,
        )
        if scoring == "r2":
            score_curve = curve.fold_r2
    ranked = curve
    if score_curve is not None:
        ranked = Curve(
            curve.criterion, curve.alphas, -score_curve, curve.se, curve.df, curve.n_samples
        )
    idx_t = np.broadcast_to(select(ranked, rule, per_target=per_target), (t,))
    cols = np.arange(t)
    # the choice is host-side: one (a, t) copy for arrays on a device
    chosen = bk.to_numpy(score_curve if score_curve is not None else -curve.mean)[idx_t, cols]
    return Choice(bk.to_numpy(alphas)[idx_t], curve, score_curve, chosen)


class RidgeCV(LinearModel):
    """Ridge regression with α chosen by cross-validation or a classical rule, exactly and fast.

    Every α of the grid is scored from one factorization (plus one more pass over X for exact
    leave-one-out on tall data, and per-fold statistics gathered in one pass for k-fold), for
    the objective of :class:`Ridge`:

        minimize over b, W:   Σ_i s_i ‖y_i − b − x_iᵀW‖²  +  α Σ_j π_j ‖W_j‖²

    Parameters
    ----------
    alphas : array-like of shape (a,), optional
        Grid of α > 0. Default: 100 values spanning the spectrum (effective df from nearly p
        down to nearly 0).
    cv : None, int, splitter, or {"gcv", "evidence", "hkb", "lw"}, default None
        None: exact leave-one-out. "gcv": generalized cross-validation (tr H counts the
        intercept). An int or a scikit-learn splitter: k-fold from one pass (``groups`` go to
        the splitter; an iterable of (train, test) index pairs works too). "evidence": maximum marginal likelihood (refined off the grid).
        "hkb", "lw": the Hoerl–Kennard–Baldwin and Lawless–Wang constants of MASS::lm.ridge
        (on standardized predictors when ``standardize=True``).
    alpha_per_target : bool, default False
        Choose α for each target separately (every ``cv``).
    rule : {"min", "1se"}, default "min"
        The minimum, or the largest α within one standard error of it ("loo" and k-fold only).
    fit_intercept, standardize, penalty_factor
        As in :class:`Ridge`.
    scoring : {None, "neg_mean_squared_error", "r2"}, default None
        The score reported as ``best_score_`` and optimized (None = mean squared error).
    solver : {"auto", "spectral", "cg"}, default "auto"
        ``spectral``: one factorization serves the grid (the sparse Gram for scipy sparse X,
        never densified). ``cg`` (``cv="gcv"`` only): warm-started conjugate gradients per α,
        no p×p matrix, tr H estimated from 16 Rademacher probes solved alongside (exact for
        p ≤ 16); its standard error is reported in ``cv_results_``. ``auto`` takes ``cg`` for
        GCV on sparse X with more than 4,096 features, ``spectral`` otherwise.

    Attributes
    ----------
    alpha_ : float or ndarray of shape (t,)
    coef_, intercept_, df_ : as in :class:`Ridge`
    best_score_ : float or ndarray of shape (t,)
        Score at ``alpha_`` (higher is better: −MSE, R², or log evidence per sample).
    cv_results_ : dict
        "alphas" (a,), "mean" (a,) or (a, t) criterion values (lower is better), "se" (same
        shape or None), "df" (a,). The ``cg`` route adds "df_se" (a,), the standard error of
        the estimated tr H over the probes, "mean_se" (the GCV values' standard error due to
        it), "n_probes" and "iterations" (CG iterations per α).
    n_features_in_, feature_names_in_

    Examples
    --------
    >>> from ridgeway import RidgeCV
    >>> from ridgeway.datasets import load_prostate
    >>> train = load_prostate(split="train")
    >>> model = RidgeCV(cv="gcv", standardize=True).fit(train.data, train.target)
    >>> bool(0 < model.alpha_ < 100), round(float(model.df_), 1) < 8
    (True, True)
    """

    def __init__(
        self,
        alphas: ArrayLike | None = None,
        *,
        cv: Any = None,
        alpha_per_target: bool = False,
        rule: str = "min",
        fit_intercept: bool = True,
        standardize: bool = False,
        penalty_factor: ArrayLike | None = None,
        scoring: str | None = None,
        solver: str = "auto",
    ) -> None:
        self.alphas = alphas
        self.cv = cv
        self.alpha_per_target = alpha_per_target
        self.rule = rule
        self.fit_intercept = fit_intercept
        self.standardize = standardize
        self.penalty_factor = penalty_factor
        self.scoring = scoring
        self.solver = solver

    def _check_params(self) -> tuple[str, str]:
        rule = check_choice(self.rule, "rule", ("min", "1se"))
        scoring = "neg_mean_squared_error" if self.scoring is None else self.scoring
        check_choice(scoring, "scoring", _SCORINGS)
        cv = self.cv
        if isinstance(cv, str):
            check_choice(cv, "cv", _NAMED_CV)
            if rule == "1se":
                raise ValueError(
                    message(
                        "rule",
                        "'min' for cv=" + repr(cv),
                        "'1se' (only leave-one-out and k-fold have a standard error)",
                    )
                )
        elif isinstance(cv, numbers.Integral) and not isinstance(cv, bool):
            if cv < 2:
                raise ValueError(message("cv", "at least 2 folds", cv))
        elif cv is not None and not hasattr(cv, "split") and not hasattr(cv, "__iter__"):
            raise ValueError(
                message(
                    "cv", "None, an int, a splitter, or one of " + ", ".join(_NAMED_CV), repr(cv)
                )
            )
        return rule, scoring

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.array_api_support = True
        return tags

    def _iterative(self, X: Any, rule: str) -> bool:
        """Whether to take the CG route (see ``solver``)."""
        solver = check_choice(self.solver, "solver", ("auto", "spectral", "cg"))
        gcv_cv = isinstance(self.cv, str) and self.cv == "gcv"
        if solver == "cg" and not gcv_cv:
            raise ValueError(message("cv", "'gcv' for solver='cg'", repr(self.cv)))
        if solver == "cg" and self.scoring == "r2":
            raise ValueError(message("scoring", "None for solver='cg'", repr(self.scoring)))
        if solver == "cg" and not (is_sparse(X) or bk.is_numpy(bk.namespace(X))):
            raise ValueError(
                message(
                    "solver",
                    "'auto' or 'spectral' for array-API input (the CG route is NumPy/SciPy code)",
                    "'cg'",
                )
            )
        auto = is_sparse(X) and X.shape[1] > ITERATIVE_MIN_FEATURES and self.scoring != "r2"
        return solver == "cg" or (solver == "auto" and gcv_cv and auto)

    def _grid(self) -> FloatArray | None:
        if self.alphas is None:
            return None
        try:
            al = np.asarray(self.alphas, dtype=np.float64).reshape(-1)
        except (TypeError, ValueError):
            raise ValueError(message("alphas", "an array of numbers", repr(self.alphas))) from None
        if al.size == 0 or not np.isfinite(al).all() or (al <= 0).any():
            raise ValueError(message("alphas", "non-empty, finite and positive", al))
        return np.unique(al)

    def fit(
        self,
        X: ArrayLike,
        y: ArrayLike,
        sample_weight: ArrayLike | None = None,
        groups: ArrayLike | None = None,
    ) -> RidgeCV:
        """Choose α and fit.

        Parameters
        ----------
        X : array-like of shape (n, p)
            Or a dask array / DataFrame: fitted partition by partition on the active Dask
            scheduler (:func:`ridgeway.scale.dask.fit_dask`; an int ``cv`` then means
            ``HashKFold(cv)``).
        y : array-like of shape (n,) or (n, t)
        sample_weight : array-like of shape (n,), optional
        groups : array-like of shape (n,), optional
            Group labels for a group-aware splitter (k-fold only).

        Returns
        -------
        self : RidgeCV
        """
        if is_dask_collection(X):
            from ridgeway.scale.dask import fit_dask

            return fit_dask(self, X, y, sample_weight, groups)  # type: ignore[no-any-return]
        rule, scoring = self._check_params()
        grid = self._grid()
        data = validated_fit_input(self, X, y, sample_weight)
        pr = data.problem
        cv = self.cv
        if self._iterative(pr.X, rule):
            fit_iterative(self, data, grid, bool(self.alpha_per_target))
            return self
        stats = None
        if not (cv is None or isinstance(cv, str)):
            # k-fold: one pass gathers every fold's statistics, and their total serves the fit
            try:
                stats = fold_statistics(
                    pr.X,
                    pr.y,
                    pr.sample_weight,
                    cv=cv,
                    groups=groups,
                    penalty_factor=data.penalty_factor,
                    standardize=bool(self.standardize),
                    fit_intercept=pr.fit_intercept,
                )
            except NonFiniteError:
                report_nonfinite(pr.X)
        spec = fit_spectrum(
            data,
            float(grid[0]) if grid is not None else 0.0,
            None if stats is None else stats.total,
        )
        al = default_alphas(spec) if grid is None else grid
        choice = choose_alpha(
            data,
            spec,
            cv,
            al,
            rule=rule,
            per_target=bool(self.alpha_per_target),
            scoring=scoring,
            standardize=bool(self.standardize),
            stats=stats,
        )
        self._finish(
            data,
            spec,
            choice.alpha,
            bool(self.alpha_per_target),
            choice.curve,
            choice.score_curve,
            choice.score,
        )
        return self

    def _finish(
        self,
        data: FitInput,
        spec: Spectrum,
        alpha: FloatArray,
        per_target: bool,
        curve: Curve | None,
        score_curve: FloatArray | None,
        score: FloatArray,
    ) -> None:
        self._store_choice(
            data.single, data.X.dtype, spec, alpha, per_target, curve, score_curve, score
        )

    def _store_choice(
        self,
        single: bool,
        dtype: np.dtype[Any],
        spec: Spectrum,
        alpha: FloatArray,
        per_target: bool,
        curve: Curve | None,
        score_curve: FloatArray | None,
        score: FloatArray,
    ) -> None:
        """Fitted attributes from the spectrum at the chosen α, and cv_results_."""
        coef = spec.coef(alpha)
        self._store_fit(single, dtype, coef, spec.intercept(coef), spec.df(alpha))
        self.alpha_: float | FloatArray = (
            np.asarray(alpha) if (per_target and not single) else float(alpha[0])
        )
        self.best_score_: float | FloatArray = (
            np.asarray(score) if (per_target and not single) else float(np.mean(score))
        )
        if curve is None:
            grid = np.unique(alpha)
            self.cv_results_ = {"alphas": grid, "mean": None, "se": None, "df": spec.df(grid)}
            return
        mean = curve.mean[:, 0] if single else curve.mean
        se = None if curve.se is None else (curve.se[:, 0] if single else curve.se)
        results: dict[str, Any] = {"alphas": curve.alphas, "mean": mean, "se": se, "df": curve.df}
        if score_curve is not None:
            results["score"] = score_curve[:, 0] if single else score_curve
        self.cv_results_ = results

    def plot(
        self,
        kind: str = "cv",
        X: ArrayLike | None = None,
        y: ArrayLike | None = None,
        **kwargs: Any,
    ) -> Any:
        """Draw the CV curve (``kind="cv"``) or the coefficient paths (``kind="path"``).

        Shortcuts for :func:`ridgeway.report.plots.plot_cv` and :func:`~ridgeway.report.plots.
        plot_path` (which recomputes the path from the training data ``X``, ``y``); keyword
        arguments (``ax``, ``log``, ``target``, …) go to them. Needs matplotlib (the ``report``
        extra). Returns the matplotlib Axes.
        """
        from ridgeway.report import plots

        if check_choice(kind, "kind", ("cv", "path")) == "cv":
            return plots.plot_cv(self, **kwargs)
        return plots.plot_path(self, X, y, **kwargs)
