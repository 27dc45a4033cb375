"""scikit-learn's estimator checks for RidgeCV (API contract: cloning, fitting, dtypes, …)."""

from __future__ import annotations

import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from ridgeway import RidgeCV


# the checks fit random data, whose best α often lies on the default grid's edge
@pytest.mark.filterwarnings("ignore::ridgeway.selection.GridEdgeWarning")
@parametrize_with_checks([RidgeCV(), RidgeCV(cv=3), RidgeCV(cv="gcv")])
def test_sklearn_compatible(estimator, check):
    check(estimator)
