"""The views of L2 regularization as functions on the user's data, all from one spectrum.

- :func:`posterior` — the Bayesian view (Gaussian prior, posterior covariance, intervals);
- :func:`coef_inference`, :func:`vif`, :func:`condition_numbers` — the statistician's view;
"""

from ridgeway.analysis._noise import noise_variance, residual_dof
from ridgeway.analysis.posterior import Posterior, PosteriorPrediction, posterior

__all__ = [
    "Posterior",
    "PosteriorPrediction",
    "noise_variance",
    "posterior",
    "residual_dof",
]
