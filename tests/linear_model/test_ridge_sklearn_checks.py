"""scikit-learn's estimator checks (API contract: cloning, fitting, dtypes, pickling, …)."""

from __future__ import annotations

from sklearn.utils.estimator_checks import parametrize_with_checks

from ridgeway import Ridge


@parametrize_with_checks([Ridge(), Ridge(alpha=0.3, standardize=True, solver="svd")])
def test_sklearn_compatible(estimator, check):
    check(estimator)
