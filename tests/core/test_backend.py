"""The core on other array libraries: torch (CPU) and array-api-strict give the NumPy numbers.

Every function is run on NumPy and on the other library with the same data; the results must
be arrays of the input's library, on the input's device, equal to NumPy's to 1e-10 relative.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ridgeway.core import backend as bk
from ridgeway.core.moments import Moments
from ridgeway.core.spectrum import spectrum_from_data, spectrum_from_moments
from ridgeway.selection import evidence, gcv, kfold, log_evidence, loo
from ridgeway.selection.curve import GridEdgeWarning

pytest.importorskip("array_api_compat")

RTOL = 1e-10


def _torch():
    return pytest.importorskip("torch")


def _strict():
    return pytest.importorskip("array_api_strict")


def wrapper(name: str, device: str | None = None):
    """A function NumPy array → array of library ``name`` (on ``device``)."""
    if name == "torch":
        torch = _torch()
        return lambda a: torch.asarray(a, device=device or "cpu")
    xs = _strict()
    dev = xs.Device(device) if device else None
    return lambda a: xs.asarray(a, device=dev)


LIBS = ["torch", "array_api_strict"]


def close(got, ref, rtol: float = RTOL) -> None:
    """got (any library) equals ref (NumPy) to rtol relative to ref's largest entry."""
    g = bk.to_numpy(got)
    r = np.asarray(ref)
    assert g.shape == r.shape
    scale = max(float(np.max(np.abs(r))), np.finfo(float).tiny) if r.size else 1.0
    assert float(np.max(np.abs(g - r), initial=0.0)) <= rtol * scale


def same_library(got, like) -> None:
    """got is an array of the library of ``like``, on its device."""
    assert bk.namespace(got) is bk.namespace(like)
    assert bk.device(got) == bk.device(like)


def data(n: int = 120, p: int = 6, t: int = 2, seed: int = 0, shift: float = 3.0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) + shift
    Y = X[:, :2] @ rng.standard_normal((2, t)) + rng.standard_normal((n, t))
    w = rng.random(n) + 0.1
    return X, Y, w


PENALTIES = [None, np.array([1.0, 0.0, 2.0, 1.0, 0.0, 0.5])]


# ----------------------------------------------------------------------------- Moments
@pytest.mark.parametrize("lib", LIBS)
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("centered", [True, False])
def test_moments_match_numpy(lib, weighted, centered):
    wrap = wrapper(lib)
    X, Y, w = data(shift=50.0)  # far from the origin: the shifted-chunk path is exercised
    sw = w if weighted else None
    ref = Moments.from_array(X, Y, sw, centered=centered, chunk_rows=17)
    got = Moments.from_array(
        wrap(X), wrap(Y), None if sw is None else wrap(sw), centered=centered, chunk_rows=17
    )
    for name in ("x_mean", "y_mean", "xx", "xy", "yy"):
        close(getattr(got, name), getattr(ref, name))
        same_library(getattr(got, name), wrap(X))
    assert got.sum_weights == pytest.approx(ref.sum_weights, rel=1e-14)
    assert got.n_samples == ref.n_samples and got.is_finite()


@pytest.mark.parametrize("lib", LIBS)
def test_merge_subtract_and_groups_match_numpy(lib):
    wrap = wrapper(lib)
    X, Y, w = data(n=90)
    a, b = slice(0, 40), slice(40, 90)
    ref = Moments.from_array(X[a], Y[a], w[a]).merge(Moments.from_array(X[b], Y[b], w[b]))
    ma = Moments.from_array(wrap(X[a]), wrap(Y[a]), wrap(w[a]))
    mb = Moments.from_array(wrap(X[b]), wrap(Y[b]), wrap(w[b]))
    merged = ma.merge(mb)
    for name in ("x_mean", "xx", "xy", "yy"):
        close(getattr(merged, name), getattr(ref, name))
    back = merged.subtract(mb)
    close(back.xx, Moments.from_array(X[a], Y[a], w[a]).xx)
    close(merged.uncentered().xx, ref.uncentered().xx)
    labels = np.random.default_rng(1).integers(-1, 3, size=90)  # unsorted, with a dropped row
    groups_ref = Moments.from_groups(X, Y, w, labels, 3, chunk_rows=32)
    groups = Moments.from_groups(wrap(X), wrap(Y), wrap(w), labels, 3, chunk_rows=32)
    for g, r in zip(groups, groups_ref, strict=True):
        close(g.xx, r.xx)
        close(g.xy, r.xy)


@pytest.mark.parametrize("lib", LIBS)
def test_float32_input_accumulates_in_float64(lib):
    wrap = wrapper(lib)
    X, Y, _ = data()
    X32 = X.astype(np.float32)
    got = Moments.from_array(wrap(X32), wrap(Y))
    xp = bk.namespace(got.xx)
    assert got.xx.dtype == xp.float64
    close(got.xx, Moments.from_array(X32, Y).xx)
    # float32 accumulation would be off by ~1e-7; the float64 statistics of the float32
    # values agree with the exact float64 computation on the same values
    close(got.xx, Moments.from_array(X32.astype(np.float64), Y).xx, rtol=1e-12)


# ----------------------------------------------------------------------------- Spectrum
@pytest.mark.parametrize("lib", LIBS)
@pytest.mark.parametrize("pen", PENALTIES)
def test_spectrum_path_functions_match_numpy(lib, pen):
    wrap = wrapper(lib)
    X, Y, w = data()
    penalty = np.ones(X.shape[1]) if pen is None else pen
    ref = spectrum_from_moments(Moments.from_array(X, Y, w), penalty)
    spec = spectrum_from_moments(Moments.from_array(wrap(X), wrap(Y), wrap(w)), penalty)
    assert isinstance(spec.penalized, np.ndarray)
    alphas = np.geomspace(1e-2, 1e3, 7)
    for name in ("filter_factors", "coef_path", "df", "rss", "penalty_norm"):
        got = getattr(spec, name)(alphas)
        close(got, getattr(ref, name)(alphas))
        same_library(got, wrap(X))
    per_target = np.array([0.5, 40.0])
    coef = spec.coef(per_target)
    close(coef, ref.coef(per_target))
    close(spec.intercept(coef), ref.intercept(ref.coef(per_target)))
    close(spec.intercept(spec.coef_path(alphas)), ref.intercept(ref.coef_path(alphas)))
    # a grid of the library itself works as well as a NumPy one
    close(spec.coef_path(wrap(alphas)), ref.coef_path(alphas))
    assert spec.condition(1.0) == pytest.approx(ref.condition(1.0), rel=1e-10)


@pytest.mark.parametrize("lib", LIBS)
@pytest.mark.parametrize("kind", ["dual", "svd"])
def test_data_spectra_convert_at_their_boundary(lib, kind):
    wrap = wrapper(lib)
    X, Y, w = data(n=40, p=8)
    pen = np.r_[0.0, np.ones(7)]
    m = Moments.from_array(X, Y, w)
    ref = spectrum_from_data(X, Y, w, pen, x_mean=m.x_mean, y_mean=m.y_mean, kind=kind)
    mx = Moments.from_array(wrap(X), wrap(Y), wrap(w))
    spec = spectrum_from_data(
        wrap(X), wrap(Y), wrap(w), pen, x_mean=mx.x_mean, y_mean=mx.y_mean, kind=kind
    )
    alphas = np.geomspace(1e-1, 1e2, 5)
    got = spec.coef_path(alphas)
    same_library(got, wrap(X))
    same_library(spec.left, wrap(X))
    close(got, ref.coef_path(alphas))


# ----------------------------------------------------------------------------- criteria
@pytest.mark.parametrize("lib", LIBS)
@pytest.mark.parametrize("pen", PENALTIES)
def test_gcv_loo_evidence_match_numpy(lib, pen):
    wrap = wrapper(lib)
    X, Y, w = data()
    penalty = np.ones(X.shape[1]) if pen is None else pen
    ref = spectrum_from_moments(Moments.from_array(X, Y, w), penalty)
    spec = spectrum_from_moments(Moments.from_array(wrap(X), wrap(Y), wrap(w)), penalty)
    g, g0 = gcv(spec), gcv(ref)
    close(g.alphas, g0.alphas)
    close(g.mean, g0.mean)
    same_library(g.mean, wrap(X))
    lo, lo0 = loo(spec, wrap(X), wrap(Y), wrap(w)), loo(ref, X, Y, w)
    for name in ("mean", "se", "df", "total"):
        close(getattr(lo, name), getattr(lo0, name))
    same_library(lo.mean, wrap(X))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GridEdgeWarning)
        (curve, alpha), (curve0, alpha0) = evidence(spec), evidence(ref)
    close(curve.mean, curve0.mean)
    same_library(alpha, wrap(X))
    # the maximizer of a smooth maximum is fixed only to about √ε by rounding of the
    # objective; its value agrees to the usual precision
    np.testing.assert_allclose(bk.to_numpy(alpha), alpha0, rtol=1e-6)
    close(log_evidence(spec, alpha), log_evidence(ref, alpha0))


@pytest.mark.parametrize("lib", LIBS)
def test_loo_on_the_svd_route_matches_numpy(lib):
    wrap = wrapper(lib)
    X, Y, w = data(n=50, p=5)
    m, mx = Moments.from_array(X, Y, w), Moments.from_array(wrap(X), wrap(Y), wrap(w))
    pen = np.ones(5)
    ref = spectrum_from_data(X, Y, w, pen, x_mean=m.x_mean, y_mean=m.y_mean, kind="svd")
    spec = spectrum_from_data(
        wrap(X), wrap(Y), wrap(w), pen, x_mean=mx.x_mean, y_mean=mx.y_mean, kind="svd"
    )
    got = loo(spec, wrap(X), wrap(Y), wrap(w))
    close(got.mean, loo(ref, X, Y, w).mean)
    # and the SVD route agrees with the Gram route of the same library
    close(got.mean, loo(spectrum_from_moments(m, pen), X, Y, w).mean, rtol=1e-8)


@pytest.mark.parametrize("lib", LIBS)
@pytest.mark.parametrize("shape", [(120, 6), (30, 50)])
def test_kfold_matches_numpy(lib, shape):
    wrap = wrapper(lib)
    X, Y, w = data(*shape)
    alphas = np.geomspace(1e-1, 1e3, 6)
    kw = {"alphas": alphas, "cv": 4, "standardize": True}
    got = kfold(wrap(X), wrap(Y), wrap(w), **kw)
    ref = kfold(X, Y, w, **kw)
    for name in ("mean", "se", "fold_r2", "df"):
        close(getattr(got, name), getattr(ref, name))
    same_library(got.mean, wrap(X))


# ----------------------------------------------------------------------------- devices
def test_strict_arrays_stay_on_their_device():
    xs = _strict()
    dev = "device1"
    wrap = wrapper("array_api_strict", dev)
    X, Y, w = data()
    m = Moments.from_array(wrap(X), wrap(Y), wrap(w))
    assert m.xx.device == xs.Device(dev)
    spec = spectrum_from_moments(m, PENALTIES[1])
    assert spec.coef_path([1.0, 2.0]).device == xs.Device(dev)
    assert gcv(spec).mean.device == xs.Device(dev)
    assert loo(spec, wrap(X), wrap(Y), wrap(w)).mean.device == xs.Device(dev)
    close(
        gcv(spec).mean, gcv(spectrum_from_moments(Moments.from_array(X, Y, w), PENALTIES[1])).mean
    )


def test_torch_cpu_tensors_report_the_cpu_device():
    torch = _torch()
    X, Y, w = data()
    Xt = torch.asarray(X)
    spec = spectrum_from_moments(Moments.from_array(Xt, torch.asarray(Y)), np.ones(6))
    out = gcv(spec).mean
    assert isinstance(out, torch.Tensor) and out.device == Xt.device == torch.device("cpu")


def test_cuda_is_used_when_the_tensors_live_there():
    torch = _torch()
    if not torch.cuda.is_available():
        pytest.skip("no CUDA device on this machine")
    X, Y, w = data(n=2000, p=20)
    Xc, Yc, wc = (torch.asarray(a, device="cuda") for a in (X, Y, w))
    m = Moments.from_array(Xc, Yc, wc)
    spec = spectrum_from_moments(m, np.ones(20))
    curve = loo(spec, Xc, Yc, wc)
    assert m.xx.device.type == spec.d.device.type == curve.mean.device.type == "cuda"
    close(
        curve.mean,
        loo(spectrum_from_moments(Moments.from_array(X, Y, w), np.ones(20)), X, Y, w).mean,
    )


def test_numpy_input_stays_numpy_without_a_wrapper():
    X, Y, w = data()
    assert bk.namespace(X, None, 1.0, [1, 2]) is np
    m = Moments.from_array(X, Y, w)
    spec = spectrum_from_moments(m, np.ones(6))
    assert type(m.xx) is np.ndarray and type(gcv(spec).mean) is np.ndarray
    assert type(spec.coef_path([1.0])) is np.ndarray


def test_mixing_two_libraries_is_an_error():
    torch = _torch()
    xs = _strict()
    with pytest.raises(TypeError, match=r"[Mm]ultiple namespaces"):
        bk.namespace(torch.ones(2), xs.ones(2))


# ----------------------------------------------------------------------------- property
@given(
    n=st.integers(8, 60),
    p=st.integers(1, 7),
    t=st.integers(1, 3),
    seed=st.integers(0, 2**16),
    chunk=st.integers(3, 40),
)
def test_torch_equals_numpy_on_random_shapes(n, p, t, seed, chunk):
    torch = _torch()
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) * rng.uniform(0.1, 10, p) + rng.uniform(-5, 5, p)
    Y = rng.standard_normal((n, t))
    w = rng.uniform(0.1, 2.0, n)
    alphas = np.geomspace(1e-2, 1e2, 4) * n
    ref = spectrum_from_moments(Moments.from_array(X, Y, w, chunk_rows=chunk), np.ones(p))
    Xt, Yt, wt = torch.asarray(X), torch.asarray(Y), torch.asarray(w)
    spec = spectrum_from_moments(Moments.from_array(Xt, Yt, wt, chunk_rows=chunk), np.ones(p))
    close(spec.coef_path(alphas), ref.coef_path(alphas), rtol=1e-9)
    close(gcv(spec, alphas).mean, gcv(ref, alphas).mean, rtol=1e-9)
    close(loo(spec, Xt, Yt, wt, alphas).mean, loo(ref, X, Y, w, alphas).mean, rtol=1e-9)


def test_numpy_needs_no_array_api_compat(monkeypatch):
    import sys

    from ridgeway import RidgeCV

    monkeypatch.setitem(sys.modules, "array_api_compat", None)  # as if not installed
    X, Y, w = data()
    spec = spectrum_from_moments(Moments.from_array(X, Y, w), PENALTIES[1])
    assert type(loo(spec, X, Y, w).mean) is np.ndarray
    assert type(RidgeCV(cv=3).fit(X, Y[:, 0]).coef_) is np.ndarray
    with pytest.raises(ImportError):
        import array_api_compat  # noqa: F401
