"""Tests of ridgeway.conventions.

Every convention is checked by fitting the same data in both conventions and comparing the
coefficients with ridgeway's ``Ridge`` at the converted α: against the other library where it
is installed (scikit-learn, statsmodels, glum, PyTorch, glmnet's own cores), against published
output (MASS::lm.ridge on the Longley data, SAS PROC REG on the acetylene data), and against a
direct implementation of the library's documented procedure where the library is not available
here (glmnet's standardization, MASS's and SAS's formulas, Keras 3's optimizer update order).
Each comparison also checks that a factor-2 error in α would be far outside its tolerance.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from scipy.optimize import minimize

from refs import make_data
from ridgeway import Ridge
from ridgeway.conventions import (
    NoEquivalentPenaltyError,
    convention,
    conventions,
    convert,
    from_ridgeway,
    table,
    to_ridgeway,
)
from ridgeway.datasets import load_longley

EQUIVALENT = [name for name in conventions() if convention(name).equivalent]
DECOUPLED = [name for name in conventions() if not convention(name).equivalent]


def ridge(alpha, X, y, *, sample_weight=None, **kw):
    return Ridge(alpha=alpha, **kw).fit(X, y, sample_weight=sample_weight)


def assert_same_fit(coef, intercept, alpha, X, y, *, tol, sample_weight=None, **kw):
    """Coefficients (and intercept) equal Ridge(alpha) within ``tol`` relative to max |coef|.

    Also checks that the fits at alpha/2 and 2·alpha differ from Ridge(alpha) by more than ten
    times the tolerance: a conversion off by a factor 2 could not pass.
    """
    ref = ridge(alpha, X, y, sample_weight=sample_weight, **kw)
    scale = np.abs(ref.coef_).max()
    np.testing.assert_allclose(
        np.asarray(coef).reshape(ref.coef_.shape), ref.coef_, atol=tol * scale
    )
    if intercept is not None:
        atol = tol * (scale + np.abs(ref.intercept_).max())
        np.testing.assert_allclose(
            np.reshape(intercept, np.shape(ref.intercept_)), ref.intercept_, atol=atol
        )
    for factor in (0.5, 2.0):
        other = ridge(alpha * factor, X, y, sample_weight=sample_weight, **kw)
        assert np.abs(other.coef_ - ref.coef_).max() > 10 * tol * scale


def standardized(X):
    return (X - X.mean(axis=0)) / X.std(axis=0)


@pytest.fixture
def data():
    X, Y, rng = make_data(50, 4, 2, seed=3)
    return X, Y, rng.uniform(0.2, 3.0, 50)


# ---------------------------------------------------------------------------- scikit-learn
def test_sklearn_ridge_is_ridgeway(data):
    from sklearn.linear_model import Ridge as SkRidge

    X, Y, w = data
    a = 7.0
    alpha = convert(a, from_="sklearn-ridge", to="ridgeway")
    assert alpha == a
    sk = SkRidge(alpha=a).fit(X, Y, sample_weight=w)
    assert_same_fit(sk.coef_, sk.intercept_, alpha, X, Y, tol=1e-9, sample_weight=w)


@pytest.mark.parametrize("weighted", [False, True])
def test_sklearn_elasticnet(data, weighted):
    from sklearn.linear_model import ElasticNet

    X, Y, w = data
    sw = w if weighted else None
    a = 0.3
    alpha = convert(a, from_="sklearn-elasticnet", to="ridgeway", y=Y[:, 0], sample_weight=sw)
    assert alpha == pytest.approx(a * (w.sum() if weighted else 50))
    en = ElasticNet(alpha=a, l1_ratio=0.0, tol=1e-14, max_iter=100_000)
    en.fit(X, Y[:, 0], sample_weight=sw)
    assert_same_fit(en.coef_, en.intercept_, alpha, X, Y[:, 0], tol=1e-8, sample_weight=sw)


def test_sklearn_multitask_elasticnet_scales_by_rows_not_entries(data):
    from sklearn.linear_model import MultiTaskElasticNet

    X, Y, _ = data
    a = 0.3
    alpha = convert(a, from_="sklearn-elasticnet", to="ridgeway", y=Y)
    assert alpha == pytest.approx(50 * a)
    en = MultiTaskElasticNet(alpha=a, l1_ratio=0.0, tol=1e-14, max_iter=100_000).fit(X, Y)
    assert_same_fit(en.coef_, en.intercept_, alpha, X, Y, tol=1e-8)


@pytest.mark.parametrize("weighted", [False, True])
def test_sklearn_sgd(data, weighted):
    """SGDRegressor is stochastic: averaged SGD with a decaying step, loose tolerance (2%).

    Its weights multiply the per-sample losses without renormalization: n counts rows.
    """
    from sklearn.linear_model import SGDRegressor

    X, Y, w = data
    Xs, y, sw = standardized(X), Y[:, 0], (w if weighted else None)
    a = 2.0
    alpha = convert(a, from_="sklearn-sgd", to="ridgeway", n_samples=50, sample_weight=sw)
    assert alpha == 100.0
    sgd = SGDRegressor(
        penalty="l2",
        alpha=a,
        max_iter=5000,
        tol=None,
        learning_rate="invscaling",
        eta0=0.01,
        average=True,
        random_state=0,
    ).fit(Xs, y, sample_weight=sw)
    assert_same_fit(sgd.coef_, sgd.intercept_, alpha, Xs, y, tol=0.02, sample_weight=sw)


# ------------------------------------------------------------------------------ statsmodels
@pytest.mark.parametrize("weighted", [False, True])
def test_statsmodels_fit_regularized(data, weighted):
    """The constant column gets a zero penalty (an alpha vector), else it is penalized too."""
    sm = pytest.importorskip("statsmodels.api")
    X, Y, w = data
    y = Y[:, 0]
    a = 0.2
    sw = w if weighted else None
    alpha = convert(a, from_="statsmodels", to="ridgeway", X=X, sample_weight=sw)
    assert alpha == pytest.approx(a * (w.sum() if weighted else 50))
    model = sm.WLS(y, sm.add_constant(X), weights=w) if weighted else sm.OLS(y, sm.add_constant(X))
    res = model.fit_regularized(method="elastic_net", L1_wt=0.0, alpha=np.r_[0.0, [a] * 4])
    assert_same_fit(res.params[1:], res.params[0], alpha, X, y, tol=1e-9, sample_weight=sw)
    # the documented caveat: a scalar alpha also shrinks the intercept
    scalar = model.fit_regularized(method="elastic_net", L1_wt=0.0, alpha=a).params
    assert np.abs(scalar[1:] - res.params[1:]).max() > 1e-3


# ------------------------------------------------------------------------------------- glum
@pytest.mark.parametrize("scale_predictors", [False, True])
@pytest.mark.parametrize("weighted", [False, True])
def test_glum(data, scale_predictors, weighted):
    glum = pytest.importorskip("glum")
    X, Y, w = data
    y, sw = Y[:, 0], (w if weighted else None)
    a = 0.2
    alpha = to_ridgeway(a, "glum", y=y, sample_weight=sw, scale_predictors=scale_predictors)
    model = glum.GeneralizedLinearRegressor(
        family="normal",
        alpha=a,
        l1_ratio=0.0,
        scale_predictors=scale_predictors,
        gradient_tol=1e-12,
    ).fit(X, y, sample_weight=sw)
    assert_same_fit(
        model.coef_,
        model.intercept_,
        alpha,
        X,
        y,
        tol=1e-9,
        sample_weight=sw,
        standardize=scale_predictors,
    )


# ----------------------------------------------------------------------------------- glmnet
def glmnet_reference(X, y, lam, *, w=None, standardize=True, intercept=True, penalty_factor=None):
    """glmnet(family="gaussian", alpha=0, lambda=lam), following its C++ core (R glmnet 4.x).

    From the elnet driver and ``Standardize1`` of glmnetpp: weights are normalized to sum 1;
    with an intercept, X and y are centred at their weighted means; y is divided by
    ys = sqrt(Σ w (y − ȳ)²) (by the root mean square sqrt(Σ w y²) without an intercept); with
    standardize=TRUE each column is divided by its weighted sd xs (divisor Σw, also without an
    intercept); penalty factors are rescaled to sum to p; the standardized problem
    ½ Σ w (ỹ − zγ)² + (λ/ys)/2 Σ vq_j γ_j² is solved, and β = γ·ys/xs. Here the standardized
    objective is minimized numerically (BFGS), not solved in closed form.
    """
    n, p = X.shape
    w = np.ones(n) if w is None else w
    w = w / w.sum()
    xm = w @ X if intercept else np.zeros(p)
    ym = w @ y if intercept else 0.0
    xs = np.sqrt(w @ X**2 - (w @ X) ** 2) if standardize else np.ones(p)
    ys = np.sqrt(w @ (y - ym) ** 2)
    Z, yt = (X - xm) / xs, (y - ym) / ys
    vq = np.ones(p) if penalty_factor is None else penalty_factor * p / penalty_factor.sum()
    lt = lam / ys

    def objective(g):
        r = yt - Z @ g
        return 0.5 * w @ r**2 + 0.5 * lt * vq @ g**2, -(Z.T @ (w * r)) + lt * vq * g

    g = minimize(objective, np.zeros(p), jac=True, method="BFGS", options={"gtol": 1e-13}).x
    beta = g * ys / xs
    return ym - xm @ beta, beta


@pytest.mark.parametrize("standardize", [True, False])
@pytest.mark.parametrize("intercept", [True, False])
@pytest.mark.parametrize("weighted", [False, True])
def test_glmnet_documented_procedure(data, standardize, intercept, weighted):
    X, Y, w = data
    y, sw = Y[:, 0], (w if weighted else None)
    lam = 0.4
    b0, beta = glmnet_reference(X, y, lam, w=sw, standardize=standardize, intercept=intercept)
    alpha = convert(
        lam,
        from_="glmnet",
        to="ridgeway",
        y=y,
        sample_weight=sw,
        standardize=standardize,
        intercept=intercept,
    )
    kw = {"standardize": standardize, "fit_intercept": intercept, "sample_weight": sw}
    assert_same_fit(beta, b0 if intercept else None, alpha, X, y, tol=1e-7, **kw)


def test_glmnet_penalty_factor_is_rescaled_to_sum_to_p(data):
    X, Y, _ = data
    y, pf = Y[:, 0], np.array([1.0, 3.0, 0.5, 2.0])
    b0, beta = glmnet_reference(X, y, 0.4, penalty_factor=pf)
    alpha = to_ridgeway(0.4, "glmnet", y=y, penalty_factor=pf)
    assert alpha == pytest.approx(50 * 0.4 / y.std() * 4 / pf.sum())
    assert_same_fit(beta, b0, alpha, X, y, tol=1e-7, standardize=True, penalty_factor=pf)


@pytest.mark.parametrize("standardize", [True, False])
@pytest.mark.parametrize("intercept", [True, False])
def test_glmnet_cpp_core(data, standardize, intercept):
    """glmnetpp: a ctypes binding of the C++ core that R glmnet 4.x runs (no R needed)."""
    glmnetpp = pytest.importorskip("glmnetpp")
    X, Y, _ = data
    y, lam = Y[:, 0], 0.4
    b0, coef, jerr = glmnetpp.fit_gaussian_ridge(
        X, y, lam, standardize=standardize, intercept=intercept, thresh=1e-14
    )
    assert jerr == 0
    alpha = to_ridgeway(lam, "glmnet", y=y, standardize=standardize, intercept=intercept)
    kw = {"standardize": standardize, "fit_intercept": intercept}
    assert_same_fit(coef, b0 if intercept else None, alpha, X, y, tol=1e-6, **kw)


def test_glmnet_cpp_core_penalty_factor(data):
    glmnetpp = pytest.importorskip("glmnetpp")
    X, Y, _ = data
    y, pf = Y[:, 0], np.array([1.0, 3.0, 0.5, 2.0])
    b0, coef, _ = glmnetpp.fit_gaussian_ridge(X, y, 0.4, penalty_factor=pf, thresh=1e-14)
    alpha = to_ridgeway(0.4, "glmnet", y=y, penalty_factor=pf)
    assert_same_fit(coef, b0, alpha, X, y, tol=1e-6, standardize=True, penalty_factor=pf)


@pytest.mark.parametrize("standardize", [True, False])
def test_glmnet_fortran_core_lambda_path_with_weights(data, standardize):
    """python-glmnet wraps glmnet's Fortran core; a λ path converts elementwise."""
    glmnet = pytest.importorskip("glmnet")
    X, Y, w = data
    y = Y[:, 0]
    path = np.array([4.0, 1.0, 0.4, 0.1])
    model = glmnet.ElasticNet(
        alpha=0.0, lambda_path=path, standardize=standardize, n_splits=0, tol=1e-14
    ).fit(X, y, sample_weight=w)
    alphas = convert(
        path, from_="glmnet", to="ridgeway", y=y, sample_weight=w, standardize=standardize
    )
    assert alphas.shape == path.shape
    for k, alpha in enumerate(alphas):
        assert_same_fit(
            model.coef_path_[:, k],
            model.intercept_path_[k],
            alpha,
            X,
            y,
            tol=1e-6,
            sample_weight=w,
            standardize=standardize,
        )


def test_glmnet_fortran_core_without_intercept_scales_y_by_its_sd(data):
    """The older Fortran core divides y by its sd even without an intercept (the C++ core of R
    glmnet 4.x uses the root mean square): convert with intercept=True for that core."""
    glmnet = pytest.importorskip("glmnet")
    X, Y, _ = data
    y, lam = Y[:, 0], 0.4
    model = glmnet.ElasticNet(
        alpha=0.0, lambda_path=np.array([4.0, lam]), fit_intercept=False, n_splits=0, tol=1e-14
    ).fit(X, y)
    alpha = to_ridgeway(lam, "glmnet", y=y, intercept=True)
    kw = {"standardize": True, "fit_intercept": False}
    assert_same_fit(model.coef_path_[:, 1], None, alpha, X, y, tol=1e-6, **kw)


# ------------------------------------------------------------------------------------- MASS
def test_mass_lm_ridge_longley_published_output():
    """Faraway (2002), Practical Regression and Anova using R, section 9.5 (p. 122).

    ``gr <- lm.ridge(Employed ~ ., longley, lambda = seq(0, 0.1, 0.001))`` prints the
    coefficients on the scaled predictors (coef · sd, divisor n) at λ = 0.03 and λ = 0, and
    ``select(gr)`` reports the smallest GCV at λ = 0.003.
    """
    ds = load_longley()
    X, y = ds.data, ds.target
    n, sd = len(y), ds.data.std(axis=0)
    published = {
        0.03: [0.22005, 0.76936, -1.18941, -0.52234, -0.68618, 4.00643],
        0.0: [0.15738, -3.44719, -1.82789, -0.69621, -0.34420, 8.43197],
    }
    for lam, coef in published.items():
        alpha = convert(lam, from_="mass-lm-ridge", to="ridgeway")
        fit = ridge(alpha, X, y, standardize=True)
        np.testing.assert_allclose(fit.coef_ * sd, coef, atol=6e-6)
    wrong = ridge(0.03 * n, X, y, standardize=True)  # a stray factor n would be visible
    assert np.abs(wrong.coef_ * sd - published[0.03]).max() > 0.1
    grid = np.round(np.arange(0.0, 0.1005, 0.001), 3)
    gcv = []
    for alpha in to_ridgeway(grid, "mass-lm-ridge"):
        fit = ridge(alpha, X, y, standardize=True)
        rss = np.sum((y - fit.predict(X)) ** 2)
        gcv.append(rss / (n - fit.df_) ** 2)
    assert grid[int(np.argmin(gcv))] == 0.003


def test_mass_lm_ridge_source(data):
    """MASS::lm.ridge's computation: centre, scale by sqrt(colSums(X²)/n), SVD, d/(d² + λ)."""
    X, Y, _ = data
    y, lam = Y[:, 0], 12.0
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    scales = np.sqrt((Xc**2).mean(axis=0))
    U, d, Vt = np.linalg.svd(Xc / scales, full_matrices=False)
    coef = Vt.T @ (d * (U.T @ yc) / (d**2 + lam)) / scales
    alpha = to_ridgeway(lam, "mass-lm-ridge")
    assert_same_fit(
        coef, y.mean() - X.mean(axis=0) @ coef, alpha, X, y, tol=1e-10, standardize=True
    )


# -------------------------------------------------------------------------------------- SAS
ACETYLENE = """1300 7.5 .012 49  1300 9 .012 50.2  1300 11 .0115 50.5  1300 13.5 .013 48.5
1300 17 .0135 47.5  1300 23 .012 44.5  1200 5.3 .04 28  1200 7.5 .038 31.5  1200 11 .032 34.5
1200 13.5 .026 35  1200 17 .034 38  1200 23 .041 38.5  1100 5.3 .084 15  1100 7.5 .098 17
1100 11 .092 20.5  1100 17 .086 29.5"""


def test_sas_proc_reg_acetylene_published_output():
    """SAS/STAT User's Guide, PROC REG, Example "Ridge Regression for Acetylene Data".

    ``proc reg outest=b ridge=0 to 0.02 by .002; model x4 = x1 x2 x3 x1x2 x1x1;`` prints, for
    _RIDGE_ = 0.002, _RMSE_ 2.69721, Intercept −103.388, x2 4.404, x3 −9.065, x1x2 −0.003.
    """
    x1, x2, x3, y = np.array(ACETYLENE.split(), dtype=float).reshape(-1, 4).T
    X = np.column_stack([x1, x2, x3, x1 * x2, x1 * x1])
    n = len(y)
    alpha = convert(0.002, from_="sas-proc-reg", to="ridgeway", y=y)
    assert alpha == pytest.approx(n * 0.002)
    fit = ridge(alpha, X, y, standardize=True)
    rmse = np.sqrt(np.sum((y - fit.predict(X)) ** 2) / (n - 5 - 1))
    assert rmse == pytest.approx(2.69721, abs=6e-6)
    assert fit.intercept_ == pytest.approx(-103.388, abs=6e-4)
    np.testing.assert_allclose(fit.coef_[1:4], [4.404, -9.065, -0.003], atol=6e-4)
    wrong = ridge(0.002, X, y, standardize=True)  # k used as α directly
    assert abs(wrong.intercept_ - (-103.388)) > 1.0


def test_sas_proc_reg_formula(data):
    """SAS's documented estimate D^(-1/2) (Z'Z + kI)⁻¹ Z'Y, Z = centred X D^(-1/2)."""
    X, Y, _ = data
    y, k = Y[:, 0], 0.3
    Xc = X - X.mean(axis=0)
    D = (Xc**2).sum(axis=0)
    Z = Xc / np.sqrt(D)
    coef = np.linalg.solve(Z.T @ Z + k * np.eye(4), Z.T @ (y - y.mean())) / np.sqrt(D)
    alpha = to_ridgeway(k, "sas-proc-reg", n_samples=50)
    assert_same_fit(coef, None, alpha, X, y, tol=1e-10, standardize=True)


# ---------------------------------------------------------------------------------- PyTorch
def _torch_fit(X, Y, make_optimizer, steps, reduction="mean", schedule=None):
    """Full-batch training of nn.Linear in float64 (one thread: tiny tensors)."""
    torch = pytest.importorskip("torch")
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        torch.manual_seed(0)
        Xt, Yt = torch.tensor(X), torch.tensor(Y)
        layer = torch.nn.Linear(X.shape[1], Y.shape[1]).double()
        optimizer = make_optimizer(torch, layer)
        lr_lambda = torch.optim.lr_scheduler.LambdaLR
        scheduler = None if schedule is None else lr_lambda(optimizer, schedule)
        loss_fn = torch.nn.MSELoss(reduction=reduction)
        for _ in range(steps):
            optimizer.zero_grad()
            loss_fn(layer(Xt), Yt).backward()
            optimizer.step()
            if scheduler is not None:
                scheduler.step()
    finally:
        torch.set_num_threads(threads)
    return layer.weight.detach().numpy(), layer.bias.detach().numpy()


def _decay_weight_only(layer, wd):
    """Param groups: weight decay on the weight matrix, none on the bias (not penalized)."""
    return [
        {"params": [layer.weight], "weight_decay": wd},
        {"params": [layer.bias], "weight_decay": 0.0},
    ]


@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_torch_sgd_momentum_coupled_weight_decay(data, reduction):
    """Full-batch SGD(momentum=0.9) on nn.MSELoss, float64, to convergence."""
    X, Y, _ = data
    Xs = standardized(X)
    wd = 0.5 if reduction == "mean" else 40.0
    lr = 0.1 if reduction == "mean" else 0.1 / 100

    def make(torch, layer):
        return torch.optim.SGD(_decay_weight_only(layer, wd), lr=lr, momentum=0.9)

    W, b = _torch_fit(Xs, Y, make, 600, reduction)
    alpha = convert(wd, from_="torch-sgd", to="ridgeway", y=Y, reduction=reduction)
    assert alpha == pytest.approx(50 * 2 * wd / 2 if reduction == "mean" else wd / 2)
    assert_same_fit(W, b, alpha, Xs, Y, tol=1e-9)


def test_torch_adam_coupled_weight_decay(data):
    X, Y, _ = data
    Xs = standardized(X)
    wd = 0.5

    def make(torch, layer):
        return torch.optim.Adam(_decay_weight_only(layer, wd), lr=0.02)

    W, b = _torch_fit(Xs, Y, make, 2500)
    alpha = convert(wd, from_="torch-adam", to="ridgeway", n_samples=50, n_targets=2)
    assert_same_fit(W, b, alpha, Xs, Y, tol=1e-8)


def test_torch_adamw_has_no_single_ridge_penalty(data):
    """Full-batch AdamW: the penalty implied at its fixed point differs between coordinates.

    For a ridge fit, −∂RSS/∂W_kj / (2 W_kj) = α for every coordinate. After AdamW (decaying
    step) it spreads over an order of magnitude, so no α can stand for it.
    """
    X, Y, _ = data
    Xs = standardized(X)

    def make(torch, layer):
        return torch.optim.AdamW(_decay_weight_only(layer, 0.5), lr=0.02)

    W, b = _torch_fit(Xs, Y, make, 3000, schedule=lambda k: 1.0 / (1.0 + k / 200.0))
    R = Y - Xs @ W.T - b
    implied = (R.T @ Xs) / W  # −∂RSS/∂W / (2 W)
    assert implied.max() / implied.min() > 5.0
    with pytest.raises(NoEquivalentPenaltyError, match="preconditioner"):
        convert(0.5, from_="torch-adamw", to="ridgeway", n_samples=50)


# ------------------------------------------------------------------------------------ Keras
def keras_fit(X, Y, *, lr, steps, momentum=0.0, nesterov=False, weight_decay=None, l2=0.0):
    """Full-batch Dense(t) training with loss="mse", mirroring Keras 3's update order.

    Per step, as in keras/src/optimizers/base_optimizer.py and sgd.py: (1) gradients of the
    loss — MeanSquaredError averages over the outputs and "sum_over_batch_size" over the batch —
    plus the kernel regularizer l2·Σw² (regularizers.L2); (2) ``_apply_weight_decay``:
    w ← w − lr·wd·w for each variable not excluded (the bias is excluded, as with
    ``exclude_from_weight_decay(var_names=["bias"])``), applied before (3) ``SGD.update_step``:
    m ← momentum·m − lr·g, then w ← w + m, or w ← w + momentum·m − lr·g with Nesterov.
    """
    n, t = Y.shape
    W, b = np.zeros((X.shape[1], t)), np.zeros(t)
    mW, mb = np.zeros_like(W), np.zeros_like(b)
    for _ in range(steps):
        R = X @ W + b - Y
        gW = 2.0 * X.T @ R / (n * t) + 2.0 * l2 * W
        gb = 2.0 * R.sum(axis=0) / (n * t)
        if weight_decay is not None:
            W = W - W * weight_decay * lr
        if momentum:
            mW, mb = momentum * mW - lr * gW, momentum * mb - lr * gb
            if nesterov:
                W, b = W + momentum * mW - lr * gW, b + momentum * mb - lr * gb
            else:
                W, b = W + mW, b + mb
        else:
            W, b = W - lr * gW, b - lr * gb
    return W.T, b


def test_keras_l2_regularizer(data):
    X, Y, _ = data
    Xs = standardized(X)
    l2 = 0.2
    W, b = keras_fit(Xs, Y, lr=0.2, steps=2000, l2=l2)
    alpha = convert(l2, from_="keras-l2", to="ridgeway", y=Y)
    assert alpha == pytest.approx(50 * 2 * l2)
    assert_same_fit(W, b, alpha, Xs, Y, tol=1e-9)


@pytest.mark.parametrize("nesterov", [False, True])
@pytest.mark.parametrize("momentum", [0.0, 0.9])
def test_keras_sgd_decoupled_weight_decay(data, momentum, nesterov):
    """The fixed point is ∇L + (1 − m)·wd·w = 0: lr cancels, momentum does not."""
    X, Y, _ = data
    Xs = standardized(X)
    wd = 2.0
    W, b = keras_fit(
        Xs, Y, lr=0.05, steps=3000, momentum=momentum, nesterov=nesterov, weight_decay=wd
    )
    alpha = convert(wd, from_="keras-sgd", to="ridgeway", y=Y, momentum=momentum)
    assert alpha == pytest.approx(50 * 2 * (1 - momentum) * wd / 2)
    assert_same_fit(W, b, alpha, Xs, Y, tol=1e-9)


# ----------------------------------------------------------------------------- round trips
REDUCTIONS = {
    "torch-sgd": {"mean", "sum"},
    "torch-adam": {"mean", "sum"},
    "keras-l2": {"sum_over_batch_size", "sum"},
    "keras-sgd": {"sum_over_batch_size", "sum"},
}


def _options_for(names, draw):
    opts = {}
    if "keras-sgd" in names:
        opts["momentum"] = draw(st.floats(0.0, 0.99))
    reductions = [REDUCTIONS[name] for name in names if name in REDUCTIONS]
    if reductions:
        opts["reduction"] = draw(st.sampled_from(sorted(set.intersection(*reductions))))
    if "glmnet" in names:
        opts["intercept"] = draw(st.booleans())
        opts["standardize"] = draw(st.booleans())
    if "glum" in names:
        opts["scale_predictors"] = draw(st.booleans())
    return opts


@st.composite
def conversions(draw):
    a = draw(st.sampled_from(EQUIVALENT))
    b = draw(st.sampled_from(EQUIVALENT))
    y = np.array(draw(st.lists(st.floats(-1e3, 1e3), min_size=2, max_size=30)))
    assume(np.ptp(y) > 1e-3 * max(1.0, np.abs(y).max()) and np.sqrt(np.mean(y**2)) > 0)
    value = draw(st.floats(0.0, 1e6))
    return a, b, value, y, _options_for({a, b}, draw)


@given(conversions())
def test_round_trip_is_identity(case):
    a, b, value, y, opts = case
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        there = convert(value, from_=a, to=b, y=y, **opts)
        back = convert(there, from_=b, to=a, y=y, **opts)
    assert back == pytest.approx(value, rel=1e-12, abs=1e-300)
    via = from_ridgeway(to_ridgeway(value, a, y=y, **_own(a, opts)), b, y=y, **_own(b, opts))
    assert there == pytest.approx(via, rel=1e-12, abs=1e-300)


def _own(name, opts):
    return {k: v for k, v in opts.items() if k in convention(name).options}


@given(st.sampled_from(EQUIVALENT), st.lists(st.floats(0.0, 1e6), min_size=1, max_size=5))
def test_conversion_is_elementwise(name, values):
    y = np.arange(6.0)
    out = to_ridgeway(np.array(values), name, y=y)
    assert isinstance(out, np.ndarray) and out.shape == (len(values),)
    np.testing.assert_allclose(out, [to_ridgeway(v, name, y=y) for v in values], rtol=1e-15)


def test_shapes_and_types():
    path = np.array([[1.0, 2.0], [3.0, 4.0]])
    out = convert(path, from_="sklearn-sgd", to="ridgeway", n_samples=10)
    assert out.shape == (2, 2)
    np.testing.assert_array_equal(out, 10 * path)
    assert isinstance(convert(1, from_="mass-lm-ridge", to="ridgeway"), float)
    assert isinstance(convert(np.float64(1.0), from_="mass-lm-ridge", to="ridgeway"), float)
    assert convert(0.0, from_="glmnet", to="sas-proc-reg", y=[1.0, 2.0, 4.0], X=np.eye(3)) == 0.0


# ------------------------------------------------------------------------- registry, docs
def test_registry_and_lookup():
    names = conventions()
    assert names[0] == "ridgeway" and len(set(names)) == len(names)
    assert {"glmnet", "torch-sgd", "keras-sgd", "torch-adamw", "sas-proc-reg"} <= set(names)
    assert convention("GLMNET") is convention("glmnet")
    assert convention("torch_sgd") is convention("torch-sgd")
    assert convention("lm.ridge") is convention("mass-lm-ridge")
    assert convention("adamw").name == "decoupled"
    assert convention("glmnet").standardizes({"standardize": False}) is False
    assert convention("ridgeway").standardizes({}) is None
    assert not convention("keras-adamw").equivalent


def test_docs_table_matches_registry():
    docs = Path(__file__).resolve().parents[1] / "docs" / "conventions.md"
    text = docs.read_text(encoding="utf-8")
    assert table() in text
    for name in conventions():
        assert f"`{name}`" in text


# ---------------------------------------------------------------------- standardization
def test_standardization_mismatch_warns_without_X():
    with pytest.warns(UserWarning, match="'glmnet' penalizes the coefficients of standardized"):
        convert(0.1, from_="glmnet", to="torch-sgd", y=[1.0, 2.0, 4.0])


def test_standardization_mismatch_checks_X(data):
    X, Y, _ = data
    y = Y[:, 0]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        convert(0.1, from_="glmnet", to="torch-sgd", y=y, X=standardized(X))
        convert(0.1, from_="glmnet", to="torch-sgd", y=y, X=X, standardize=False)
        convert(0.1, from_="glmnet", to="mass-lm-ridge", y=y)
        convert(0.1, from_="glmnet", to="ridgeway", y=y, X=X)
    with pytest.raises(
        ValueError,
        match=r"X must be made of columns with unit standard deviation; got standard deviations from .* \(divisor n, not n − 1\)",
    ):
        convert(0.1, from_="glmnet", to="torch-sgd", y=y, X=X)
    ddof1 = (X - X.mean(axis=0)) / X.std(axis=0, ddof=1)
    with pytest.raises(ValueError, match="unit standard deviation"):
        convert(0.1, from_="mass-lm-ridge", to="keras-l2", X=ddof1)


# ------------------------------------------------------------------------------- messages
@pytest.mark.parametrize("name", DECOUPLED)
def test_decoupled_weight_decay_has_no_equivalent(name):
    pattern = (
        rf"from_ must be a convention with an equivalent L2 penalty; got '{name}': decoupled "
        r"weight decay shrinks w outside the optimizer's preconditioner"
    )
    with pytest.raises(NoEquivalentPenaltyError, match=pattern):
        convert(0.01, from_=name, to="ridgeway", n_samples=100)
    with pytest.raises(NoEquivalentPenaltyError, match=r"to must be .*not one constant α"):
        convert(0.01, from_="ridgeway", to=name, n_samples=100)
    with pytest.raises(NoEquivalentPenaltyError, match="convention must be"):
        to_ridgeway(0.01, name, n_samples=100)
    with pytest.raises(ValueError, match="keras-sgd"):
        from_ridgeway(1.0, name, n_samples=100)


@pytest.mark.parametrize(
    ("kwargs", "error", "pattern"),
    [
        (
            {"from_": "glmnett"},
            ValueError,
            r"from_ must be one of 'ridgeway', .*; got 'glmnett' \(did you mean 'glmnet'\?\)",
        ),
        (
            {"to": "nope"},
            ValueError,
            r"to must be one of 'ridgeway', 'sklearn-ridge'.*; got 'nope'$",
        ),
        ({"to": 3}, TypeError, r"to must be a convention name \(str\); got 3"),
        ({"value": -1.0}, ValueError, r"value must be non-negative; got -1"),
        ({"value": [1.0, np.nan]}, ValueError, r"value must be finite; got \[ 1. nan\]"),
        ({"value": "a"}, TypeError, r"value must be a number or an array of numbers; got 'a'"),
        (
            {"from_": "torch-sgd", "n_samples": None},
            ValueError,
            r"n_samples must be given \(or y, X or sample_weight\) for 'torch-sgd', whose loss is a mean over samples; got None",
        ),
        ({"n_samples": -3}, ValueError, r"n_samples must be a positive number; got -3"),
        ({"n_samples": True}, TypeError, r"n_samples must be a positive number; got True"),
        ({"n_samples": "10"}, TypeError, r"n_samples must be a positive number; got '10'"),
        ({"y": [1.0, 2.0]}, ValueError, r"y must be of 10 rows as n_samples says; got 2 rows"),
        (
            {"y": np.ones((2, 2, 2))},
            ValueError,
            r"y must be a non-empty 1-D or 2-D array; got shape \(2, 2, 2\)",
        ),
        (
            {"y": [1.0] * 9 + [np.inf]},
            ValueError,
            r"y must be finite \(no NaN or inf\); got 0 NaN and 1 inf",
        ),
        ({"y": ["a"] * 10}, TypeError, r"y must be an array of numbers"),
        (
            {"X": np.ones((3, 2)), "n_samples": None, "y": np.ones(4)},
            ValueError,
            r"y must be of 3 rows as the other data says; got 4 rows",
        ),
        (
            {"sample_weight": -np.ones(10)},
            ValueError,
            r"sample_weight must be non-negative; got 10 negative value",
        ),
        (
            {"sample_weight": 2.0, "n_samples": None},
            ValueError,
            r"sample_weight must be an array, or a number given with n_samples; got 2.0",
        ),
        (
            {"lr": 0.1},
            TypeError,
            r"opts must be an option of 'torch-sgd' or 'ridgeway' \(n_targets, reduction\); got unknown option 'lr'",
        ),
        (
            {"momentum": 0.9},
            TypeError,
            r"got unknown option 'momentum' \(momentum does not move the fixed point of coupled weight decay\)",
        ),
        ({"reduction": "none"}, ValueError, r"reduction must be one of 'mean', 'sum'; got 'none'"),
        ({"n_targets": 0}, ValueError, r"n_targets must be a positive integer; got 0"),
        (
            {"n_targets": 3, "y": np.ones((10, 2))},
            ValueError,
            r"n_targets must be the number of columns of y \(2\); got 3",
        ),
    ],
)
def test_error_messages(kwargs, error, pattern):
    call = {"value": 0.1, "from_": "torch-sgd", "to": "ridgeway", "n_samples": 10, **kwargs}
    with pytest.raises(error, match=pattern):
        convert(call.pop("value"), **call)


@pytest.mark.parametrize(
    ("name", "kwargs", "error", "pattern"),
    [
        (
            "glmnet",
            {},
            ValueError,
            r"y must be given for 'glmnet', which scales λ by the standard deviation of y; got None",
        ),
        (
            "glmnet",
            {"y": np.ones((5, 2))},
            ValueError,
            r"y must be one target for 'glmnet' \(family='gaussian'\); got shape \(5, 2\)",
        ),
        (
            "glmnet",
            {"y": np.full(5, 2.0)},
            ValueError,
            r"y must be non-constant for 'glmnet', which divides y by its standard deviation; got a constant y",
        ),
        (
            "glmnet",
            {"y": np.zeros(5), "intercept": False},
            ValueError,
            r"y must be not all zero for 'glmnet' \(intercept=False\), which divides y by its root mean square; got all zeros",
        ),
        (
            "glmnet",
            {"y": np.arange(5.0), "standardize": "yes"},
            TypeError,
            r"standardize must be True or False; got 'yes'",
        ),
        (
            "glmnet",
            {"y": np.arange(5.0), "penalty_factor": [0.0, 0.0]},
            ValueError,
            r"penalty_factor must be a 1-D array of finite values ≥ 0, not all 0; got \[0.0, 0.0\]",
        ),
        (
            "glmnet",
            {"y": np.arange(5.0), "penalty_factor": ["a"]},
            TypeError,
            r"penalty_factor must be an array of numbers; got \['a'\]",
        ),
        (
            "keras-sgd",
            {"n_samples": 5, "momentum": 1.0},
            ValueError,
            r"momentum must be in \[0, 1\); got 1.0 \(momentum 1 never forgets a gradient: the iteration has no fixed point\)",
        ),
        (
            "keras-sgd",
            {"n_samples": 5, "momentum": -0.1},
            ValueError,
            r"momentum must be in \[0, 1\); got -0.1",
        ),
        (
            "keras-sgd",
            {"n_samples": 5, "momentum": "fast"},
            TypeError,
            r"momentum must be a number in \[0, 1\); got 'fast'",
        ),
        (
            "keras-l2",
            {"n_samples": 5, "reduction": "mean"},
            ValueError,
            r"reduction must be one of 'sum_over_batch_size', 'sum'; got 'mean'",
        ),
        (
            "glum",
            {"n_samples": 5, "scale_predictors": 1},
            TypeError,
            r"scale_predictors must be True or False; got 1",
        ),
        (
            "mass-lm-ridge",
            {"standardize": True},
            TypeError,
            r"opts must be an option of 'mass-lm-ridge' \(none\); got unknown option 'standardize'",
        ),
    ],
)
def test_error_messages_of_options(name, kwargs, error, pattern):
    with pytest.raises(error, match=pattern):
        to_ridgeway(0.1, name, **kwargs)


def test_error_message_of_alpha():
    with pytest.raises(ValueError, match=r"alpha must be non-negative; got -2"):
        from_ridgeway(-2.0, "sklearn-sgd", n_samples=3)
    with pytest.raises(TypeError, match=r"convention must be a convention name \(str\); got None"):
        from_ridgeway(2.0, None)  # type: ignore[arg-type]
