"""A validated ridge specification factorized once, for the analyses of :mod:`ridgeway.analysis`.

The second-moment machinery (posterior and sampling covariances of any linear functional of the
coefficients) is :mod:`ridgeway.core.loadings`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ridgeway._typing import ArrayLike, FloatArray
from ridgeway.core.loadings import Loadings, Projection, loadings_from
from ridgeway.core.spectrum import Spectrum
from ridgeway.linear_model.ridge import FitInput, Ridge, validated_fit_input
from ridgeway.linear_model.ridge_cv import fit_spectrum

__all__ = ["SpectralFit", "spectral_fit"]


@dataclass(frozen=True, eq=False)
class SpectralFit:
    """A validated ridge specification, its spectrum, and its :class:`Loadings`.

    Attributes
    ----------
    data : FitInput
    spectrum : Spectrum
    loadings : Loadings
    """

    data: FitInput
    spectrum: Spectrum
    loadings: Loadings

    @property
    def vectors(self) -> FloatArray:
        """Eigenvectors v_i of AᵀA, shape (p_P, k)."""
        return self.loadings.vectors

    def project_rows(self, R: np.ndarray) -> Projection:
        """See :meth:`Loadings.project_rows`."""
        return self.loadings.project_rows(R)

    def project_coef(self) -> Projection:
        """See :meth:`Loadings.project_coef`."""
        return self.loadings.project_coef()


def spectral_fit(
    X: ArrayLike,
    y: ArrayLike,
    *,
    sample_weight: ArrayLike | None = None,
    fit_intercept: bool = True,
    standardize: bool = False,
    penalty_factor: ArrayLike | None = None,
    alpha_min: float = 0.0,
) -> SpectralFit:
    """Validate a ridge specification and factorize it once for every α ≥ ``alpha_min``.

    Parameters
    ----------
    X : array-like of shape (n, p)
    y : array-like of shape (n,) or (n, t)
    sample_weight : array-like of shape (n,), optional
    fit_intercept, standardize, penalty_factor
        As for :class:`ridgeway.Ridge`.
    alpha_min : float, default 0.0
        The smallest α the caller will ask about: the SVD route is taken when the Gram route
        would lose digits there.
    """
    spec_est = Ridge(
        fit_intercept=fit_intercept, standardize=standardize, penalty_factor=penalty_factor
    )
    data = validated_fit_input(spec_est, X, y, sample_weight)
    spectrum = fit_spectrum(data, float(alpha_min))
    return SpectralFit(data, spectrum, loadings_from(data.X, data.sample_weight, spectrum))
