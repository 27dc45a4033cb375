"""scikit-learn's estimator checks for the logistic estimators (API contract)."""

from __future__ import annotations

import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from ridgeway import LogisticRidge, LogisticRidgeCV


# the checks fit tiny random data, whose best α often lies on the grid's edge
@pytest.mark.filterwarnings("ignore::ridgeway.selection.GridEdgeWarning")
@parametrize_with_checks(
    [
        LogisticRidge(),
        LogisticRidge(solver="lbfgs"),
        LogisticRidge(solver="newton-cg", standardize=True),
        LogisticRidgeCV(n_alphas=8),
        LogisticRidgeCV(n_alphas=8, cv="alo"),
    ]
)
def test_sklearn_compatible(estimator, check):
    check(estimator)
