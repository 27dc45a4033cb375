"""Ridge and RidgeCV under scikit-learn's array API dispatch: torch in, torch out, same numbers."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import sklearn
from sklearn.utils.estimator_checks import check_array_api_input

from ridgeway import Ridge, RidgeCV
from ridgeway.core import backend as bk
from ridgeway.selection.curve import GridEdgeWarning

pytest.importorskip("array_api_compat")
torch = pytest.importorskip("torch")

RTOL = 1e-10


@pytest.fixture
def dispatch(monkeypatch):
    """scikit-learn's array API dispatch on (it asks for SciPy's flag in the environment)."""
    monkeypatch.setenv("SCIPY_ARRAY_API", "1")
    with sklearn.config_context(array_api_dispatch=True):
        yield


def data(n=80, p=5, t=1, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) + 2.0
    Y = X @ rng.standard_normal((p, t)) + rng.standard_normal((n, t))
    return X, (Y[:, 0] if t == 1 else Y), rng.random(n) + 0.1


def close(got, ref, rtol=RTOL):
    g, r = bk.to_numpy(got), np.asarray(ref)
    assert g.shape == r.shape
    assert float(np.max(np.abs(g - r))) <= rtol * max(float(np.max(np.abs(r))), 1e-300)


def fitted_attrs_close(est, ref, X_t, X):
    for name in ("coef_", "intercept_"):
        got = getattr(est, name)
        assert isinstance(got, torch.Tensor), name
        assert got.device == X_t.device
        close(got, getattr(ref, name))
    pred = est.predict(X_t)
    assert isinstance(pred, torch.Tensor) and pred.device == X_t.device
    close(pred, ref.predict(X))


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"standardize": True},
        {"penalty_factor": [0.0, 1.0, 2.0, 1.0, 1.0]},
        {"solver": "eigh"},
        {"solver": "svd"},  # a host route: the solution comes back as tensors
        {"solver": "cholesky"},
        {"alpha": 0.0},
    ],
)
@pytest.mark.parametrize("t", [1, 3])
def test_ridge_torch_in_torch_out(dispatch, params, t):
    X, y, w = data(t=t)
    ref = Ridge(**params).fit(X, y, w)
    X_t = torch.asarray(X)
    est = Ridge(**params).fit(X_t, torch.asarray(y), torch.asarray(w))
    fitted_attrs_close(est, ref, X_t, X)
    assert est.coef_.dtype == torch.float64


def test_ridge_keeps_float32_and_the_wide_route(dispatch):
    X, y, _ = data(n=20, p=40)
    X32 = X.astype(np.float32)
    ref = Ridge(alpha=2.0).fit(X32, y)
    est = Ridge(alpha=2.0).fit(torch.asarray(X32), torch.asarray(y))
    assert est.coef_.dtype == torch.float32
    assert est.solver_ == ref.solver_
    np.testing.assert_allclose(bk.to_numpy(est.coef_), ref.coef_, rtol=1e-6)


@pytest.mark.parametrize("cv", [None, "gcv", 4, "hkb"])
@pytest.mark.parametrize("t", [1, 2])
def test_ridgecv_torch_in_torch_out(dispatch, cv, t):
    X, y, w = data(t=t)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GridEdgeWarning)
        ref = RidgeCV(cv=cv, alpha_per_target=True).fit(X, y, w)
        X_t = torch.asarray(X)
        est = RidgeCV(cv=cv, alpha_per_target=True).fit(X_t, torch.asarray(y), torch.asarray(w))
    np.testing.assert_allclose(est.alpha_, ref.alpha_, rtol=RTOL)  # grid points, or hkb
    fitted_attrs_close(est, ref, X_t, X)
    if cv != "hkb":
        mean = est.cv_results_["mean"]
        assert isinstance(mean, torch.Tensor)
        close(mean, ref.cv_results_["mean"])


def test_ridgecv_evidence_agrees_to_the_maximizers_precision(dispatch):
    X, y, w = data()
    ref = RidgeCV(cv="evidence").fit(X, y, w)
    est = RidgeCV(cv="evidence").fit(torch.asarray(X), torch.asarray(y), torch.asarray(w))
    # a smooth maximum fixes its location only to about √ε; the coefficients follow it
    assert est.alpha_ == pytest.approx(ref.alpha_, rel=1e-6)
    np.testing.assert_allclose(bk.to_numpy(est.coef_), ref.coef_, rtol=1e-7)
    close(est.cv_results_["mean"], ref.cv_results_["mean"])


def test_without_dispatch_tensors_are_converted_to_numpy():
    X, y, w = data()
    est = RidgeCV().fit(torch.asarray(X), torch.asarray(y))
    assert type(est.coef_) is np.ndarray
    assert type(est.predict(torch.asarray(X))) is np.ndarray
    close(est.coef_, RidgeCV().fit(X, y).coef_)


def test_strict_arrays_and_their_device(dispatch):
    xs = pytest.importorskip("array_api_strict")
    dev = xs.Device("device1")
    X, y, w = data()
    est = Ridge(alpha=0.5).fit(
        xs.asarray(X, device=dev), xs.asarray(y, device=dev), xs.asarray(w, device=dev)
    )
    assert est.coef_.device == dev and est.intercept_.device == dev
    close(est.coef_, Ridge(alpha=0.5).fit(X, y, w).coef_)


def test_predict_in_another_namespace_is_refused(dispatch):
    X, y, _ = data()
    est = Ridge().fit(torch.asarray(X), torch.asarray(y))
    with pytest.raises(ValueError, match=r"X passed to Ridge.predict\(\) must be of the namespace"):
        est.predict(X)


def test_bad_input_messages(dispatch):
    X, y, w = data()
    X_t = torch.asarray(X)
    with pytest.raises(ValueError, match="y must be finite"):
        Ridge().fit(X_t, torch.asarray(np.r_[np.nan, y[1:]]))
    with pytest.raises(ValueError, match="sample_weight must be non-negative"):
        Ridge().fit(X_t, torch.asarray(y), torch.asarray(-w))
    with pytest.raises(ValueError, match="X must be a 2-D array"):
        Ridge().fit(torch.asarray(X[:, 0]), torch.asarray(y))
    with pytest.raises(ValueError, match="X must be finite"):
        Ridge().fit(torch.asarray(np.where(X > 3.5, np.inf, X)), torch.asarray(y))


def test_tags_declare_array_api_support():
    assert Ridge().__sklearn_tags__().array_api_support
    assert RidgeCV().__sklearn_tags__().array_api_support


@pytest.mark.parametrize("est", [Ridge(alpha=0.3), RidgeCV(cv="gcv")], ids=["Ridge", "RidgeCV"])
@pytest.mark.parametrize("namespace", ["torch", "array_api_strict"])
def test_scikit_learn_array_api_check_with_values(monkeypatch, est, namespace):
    pytest.importorskip(namespace)
    monkeypatch.setenv("SCIPY_ARRAY_API", "1")
    check_array_api_input(
        type(est).__name__,
        est,
        array_namespace=namespace,
        device_name="cpu" if namespace == "torch" else None,
        dtype_name="float64",
        check_values=True,
    )
