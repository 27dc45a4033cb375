"""The views of L2 regularization as functions on the user's data, all from one spectrum.

- Bayesian: :func:`posterior` (Gaussian prior, posterior covariance, credible intervals);
- statistical: :func:`coef_inference`, :func:`vif`, :func:`condition_numbers`;
"""

from ridgeway.analysis._noise import noise_variance, residual_dof
from ridgeway.analysis.inference import Inference, coef_inference, condition_numbers, vif
from ridgeway.analysis.posterior import Posterior, PosteriorPrediction, posterior

__all__ = [
    "Inference",
    "Posterior",
    "PosteriorPrediction",
    "coef_inference",
    "condition_numbers",
    "noise_variance",
    "posterior",
    "residual_dof",
    "vif",
]
