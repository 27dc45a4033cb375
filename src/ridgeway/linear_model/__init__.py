"""Estimators: thin scikit-learn classes over the core."""

from ridgeway.linear_model.ridge import Ridge

__all__ = ["Ridge"]
