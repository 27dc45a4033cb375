"""Estimators: thin scikit-learn classes over the core."""

from ridgeway.linear_model.bayes import BayesianRidge
from ridgeway.linear_model.logistic import LogisticRidge
from ridgeway.linear_model.logistic_cv import LogisticRidgeCV
from ridgeway.linear_model.ridge import Ridge
from ridgeway.linear_model.ridge_cv import RidgeCV

__all__ = ["BayesianRidge", "LogisticRidge", "LogisticRidgeCV", "Ridge", "RidgeCV"]
