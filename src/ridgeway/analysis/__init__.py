"""The views of L2 regularization as functions on the user's data, all from one spectrum.

- Bayesian: :func:`posterior` (Gaussian prior, posterior covariance, credible intervals);
  :class:`ridgeway.linear_model.BayesianRidge` picks α and σ² by the evidence.
- Statistical: :func:`coef_inference` (sandwich standard errors), :func:`vif`,
  :func:`condition_numbers`, and :func:`bias_variance` / :func:`simulate_bias_variance`.
- Geometric: :func:`alpha_for_norm`, :func:`fractional_ridge`, :func:`norm_constrained_ridge`,
  :func:`constraint_geometry` (the L2 circle and L1 diamond for two coefficients).
- Dynamic: :func:`gradient_descent`, :func:`gradient_flow`, :func:`contraction_rates`,
  :func:`early_stopping_alpha`, :func:`weight_decay_trajectory` (one weight under decay).
- Feature scale: :func:`rescale_alpha`, :func:`rescale_penalty_factor`,
  :func:`check_feature_scales`.
"""

from ridgeway.analysis._noise import noise_variance, residual_dof
from ridgeway.analysis.bias_variance import BiasVariance, bias_variance
from ridgeway.analysis.bias_variance_simulation import (
    SimulatedBiasVariance,
    simulate_bias_variance,
)
from ridgeway.analysis.constraint import (
    ConstrainedRidge,
    FractionalRidge,
    alpha_for_norm,
    fractional_ridge,
    norm_constrained_ridge,
)
from ridgeway.analysis.constraint_geometry import ConstraintGeometry, constraint_geometry
from ridgeway.analysis.dynamics import (
    Contraction,
    DivergenceWarning,
    Trajectory,
    contraction_rates,
    gradient_descent,
    gradient_flow,
)
from ridgeway.analysis.early_stopping import EarlyStopping, early_stopping_alpha
from ridgeway.analysis.inference import Inference, coef_inference, condition_numbers, vif
from ridgeway.analysis.posterior import Posterior, PosteriorPrediction, posterior
from ridgeway.analysis.scaling import (
    FeatureScales,
    FeatureScaleWarning,
    check_feature_scales,
    rescale_alpha,
    rescale_penalty_factor,
)
from ridgeway.analysis.weight_decay import WeightDecayTrajectory, weight_decay_trajectory

__all__ = [
    "BiasVariance",
    "ConstrainedRidge",
    "ConstraintGeometry",
    "Contraction",
    "DivergenceWarning",
    "EarlyStopping",
    "FeatureScaleWarning",
    "FeatureScales",
    "FractionalRidge",
    "Inference",
    "Posterior",
    "PosteriorPrediction",
    "SimulatedBiasVariance",
    "Trajectory",
    "WeightDecayTrajectory",
    "alpha_for_norm",
    "bias_variance",
    "check_feature_scales",
    "coef_inference",
    "condition_numbers",
    "constraint_geometry",
    "contraction_rates",
    "early_stopping_alpha",
    "fractional_ridge",
    "gradient_descent",
    "gradient_flow",
    "noise_variance",
    "norm_constrained_ridge",
    "posterior",
    "rescale_alpha",
    "rescale_penalty_factor",
    "residual_dof",
    "simulate_bias_variance",
    "vif",
    "weight_decay_trajectory",
]
