"""Generalized cross-validation (Golub, Heath & Wahba 1979) for every α from the spectrum."""

from __future__ import annotations

import numpy as np

from ridgeway.core import backend as bk
from ridgeway.core.spectrum import Spectrum
from ridgeway.selection.curve import Curve
from ridgeway.selection.grid import grid_of

__all__ = ["gcv"]


def gcv(
    spectrum: Spectrum,
    alphas: np.ndarray | None = None,
    *,
    count_intercept: bool = True,
    fit_intercept: bool = True,
) -> Curve:
    """GCV(α) = (RSS(α)/Σs) / (1 − tr H(α)/n)² for every α and target.

    For unit weights this is Golub–Heath–Wahba's n·RSS/(n − tr H)². RSS is the weighted
    residual sum of squares and n the number of rows.

    Parameters
    ----------
    spectrum : Spectrum
    alphas : ndarray of shape (a,), optional
        Default: :func:`default_alphas`.
    count_intercept : bool, default True
        Whether tr H counts the intercept (1 more degree of freedom). MASS::lm.ridge does not
        count it; pass False to reproduce its GCV column.
    fit_intercept : bool, default True
        Whether the model has an intercept at all (nothing to count otherwise).

    Returns
    -------
    Curve with ``se`` None; its arrays belong to the spectrum's library.
    """
    xp = bk.namespace(spectrum.d)
    al = grid_of(spectrum, alphas)
    df = spectrum.df(al)
    trace = df + (1.0 if (count_intercept and fit_intercept) else 0.0)
    n = spectrum.n_samples
    rss = spectrum.rss(al)
    with np.errstate(divide="ignore"):
        mean = (rss / spectrum.sum_weights) / (1.0 - trace / n)[:, None] ** 2
    mean = xp.where((trace >= n)[:, None], xp.inf, mean)
    return Curve("gcv", al, mean, None, df, n)
