"""The report's other views of the same fit: bias and variance, constraint geometry, conventions.

All of them are cheap functions of the spectrum the report already holds
(:class:`ridgeway.report.data.Fitted`):

- bias–variance: the exact in-sample decomposition of :func:`ridgeway.analysis.bias_variance`
  with the truth replaced by an estimate (the ridge fit at the reference α and σ̂² = RSS/ν);
- constraint geometry of two coefficients u = (Π^½ w)_{j,k}: holding the other coefficients
  and re-fitting the intercept, the residual sum of squares is the quadratic
  (u − c)ᵀ H (u − c) + const with H the centred weighted Gram block of the pair (scaled by
  Π^-½) and, from the ridge normal equations Xᵀ S r = α Π w, the centre c = u + α H⁻¹ u. The
  ridge solution u(α) is where a contour of it touches the circle ‖u‖ = ‖u(α)‖, and the
  lasso-type solution is its minimum over the diamond |u_1| + |u_2| ≤ ‖u(α)‖;
- the penalty strength of every library convention with an equivalent L2 penalty, as a factor
  of α;
- the deep-learning demo runs (train and validation loss, weight norm, per step).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping
from typing import Any

import numpy as np

from ridgeway._typing import FloatArray
from ridgeway._validation import message
from ridgeway.analysis._noise import residual_dof
from ridgeway.conventions import convention, conventions, from_ridgeway
from ridgeway.report.data import Fitted, floats

__all__ = ["bias_variance_view", "conventions_view", "demos_view", "geometry_view", "l1_solution"]

_MAX_PAIR_COND = 1e10


def bias_variance_view(fit: Fitted) -> dict[str, Any]:
    """In-sample squared bias, variance and risk per α, with the truth estimated from the data.

    The plug-in truth is β̂ = the ridge fit at the reference α (its eigen-coordinates
    a_i = z_i/(d_i + α̂)) and σ̂² = RSS(α̂)/ν(α̂) (residual df ν = Σs − [intercept] − u −
    Σ(2f_i − f_i²)); then, per unit weight, bias²(α) = Σ_i d_i α² a_i²/(d_i + α)² / Σs and
    variance(α) = σ̂² (Σ_i d_i²/(d_i + α)² + u + [intercept]) / Σs.
    """
    spec, al = fit.spectrum, fit.alphas
    a_ref = fit.reference_alpha
    nu = float(residual_dof(spec, np.array([a_ref]), fit.inp.fit_intercept)[0])
    if nu <= 1e-6 * spec.sum_weights:
        return {"available": False, "note": "the fit at the reference α interpolates (ν ≤ 0)"}
    sigma2 = float(spec.rss(np.array([a_ref]))[0, 0] / nu)
    d, z = spec.d, spec.z[:, 0]
    a_i = z / (d + a_ref)
    den = d[None, :] + al[:, None]
    sw = spec.sum_weights
    bias2 = (d[None, :] * (al[:, None] * a_i[None, :] / den) ** 2).sum(axis=1) / sw
    fixed = spec.unpenalized.size + int(fit.inp.fit_intercept)
    variance = sigma2 * ((d[None, :] / den) ** 2).sum(axis=1) / sw + sigma2 * fixed / sw
    risk = bias2 + variance
    return {
        "available": True,
        "alpha_plugin": a_ref,
        "sigma2": sigma2,
        "nu": nu,
        "bias2": floats(bias2),
        "variance": floats(variance),
        "risk": floats(risk),
        "best_index": int(np.argmin(risk)),
    }


def l1_solution(H: np.ndarray, c: np.ndarray, r: np.ndarray) -> FloatArray:
    """argmin of (u − c)ᵀ H (u − c) over |u_1| + |u_2| ≤ r, for each row.

    Parameters
    ----------
    H : ndarray of shape (2, 2)
        Symmetric positive definite.
    c : ndarray of shape (m, 2)
    r : ndarray of shape (m,)
        Radii ≥ 0.

    Returns
    -------
    ndarray of shape (m, 2)
        The centre itself when it lies in the diamond, else the best point of its four edges.
    """
    corners = np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0], [0.0, -1.0]])
    best = np.zeros_like(c)
    best_val = np.full(c.shape[0], np.inf)
    for k in range(4):
        p0 = r[:, None] * corners[k]
        e = r[:, None] * (corners[(k + 1) % 4] - corners[k])
        num = np.einsum("mi,ij,mj->m", e, H, c - p0)
        den = np.einsum("mi,ij,mj->m", e, H, e)
        with np.errstate(divide="ignore", invalid="ignore"):
            s = np.clip(np.where(den > 0, num / den, 0.0), 0.0, 1.0)
        u = p0 + s[:, None] * e
        val = np.einsum("mi,ij,mj->m", u - c, H, u - c)
        better = val < best_val
        best[better], best_val[better] = u[better], val[better]
    inside = np.abs(c).sum(axis=1) <= r
    return np.where(inside[:, None], c, best)


def _inverse_sqrt(H: np.ndarray) -> FloatArray:
    lam, V = np.linalg.eigh(H)
    return np.asarray((V / np.sqrt(lam)) @ V.T)


def geometry_view(fit: Fitted, n_candidates: int = 8) -> dict[str, Any]:
    """Constraint geometry of every pair among the largest penalized coefficients.

    Coordinates are u = √π ⊙ w (the penalized scale: standardized coefficients with
    ``standardize=True``), where the L2 constraint is a circle. Per pair and α: the ridge point
    u(α), the centre c(α) of the conditional residual sum of squares, and the solution over the
    L1 diamond of the same radius.
    """
    inp, pen = fit.inp, fit.data.penalty
    X, w = inp.X, inp.sample_weight
    ok = np.flatnonzero((pen > 0) & (fit.x_sd > 0))
    size = np.abs(fit.path[fit.reference_index, ok] * np.sqrt(pen[ok]))
    cand = ok[np.argsort(-size, kind="stable")[:n_candidates]]
    if cand.size < 2:
        return {"available": False, "note": "needs two penalized, non-constant features"}
    centre = fit.x_mean[cand] if inp.fit_intercept else np.zeros(cand.size)
    Xc = X[:, cand] - centre
    G = (Xc.T @ Xc) if w is None else (Xc.T * w) @ Xc
    root = np.sqrt(pen[cand])
    Gt = G / np.outer(root, root)
    al = fit.alphas
    pairs: dict[str, Any] = {}
    for a in range(cand.size):
        for b in range(a + 1, cand.size):
            H = Gt[np.ix_([a, b], [a, b])]
            if not np.linalg.cond(H) < _MAX_PAIR_COND:
                continue
            u = fit.path[:, cand[[a, b]]] * root[[a, b]]
            c = u + al[:, None] * np.linalg.solve(H, u.T).T
            r = np.sqrt((u**2).sum(axis=1))
            l1 = l1_solution(H, c, r)
            extent = float(np.max(np.abs(np.concatenate([c, u], axis=0))))
            pairs[f"{a},{b}"] = {
                "h": floats(H),
                "h_inv_sqrt": floats(_inverse_sqrt(H)),
                "u": floats(u),
                "centre": floats(c),
                "l1": floats(l1),
                "extent": 1.15 * extent if extent > 0 else 1.0,
            }
    if not pairs:
        return {"available": False, "note": "every pair of candidate features is collinear"}
    first = next(iter(pairs))
    return {
        "available": True,
        "candidates": [inp.feature_names[j] for j in cand],
        "standardized": bool(inp.standardize),
        "pairs": pairs,
        "default_pair": [int(v) for v in first.split(",")],
    }


def conventions_view(fit: Fitted) -> list[dict[str, Any]]:
    """Each convention with an equivalent L2 penalty and the report's standardization: the
    factor f such that its penalty strength is f · α."""
    inp = fit.inp
    rows = []
    for name in conventions():
        conv = convention(name)
        if not conv.equivalent or name == "ridgeway":
            continue
        if conv.standardize is not None and conv.standardize != inp.standardize:
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                factor = float(from_ridgeway(1.0, name, y=inp.y, sample_weight=inp.sample_weight))
            except (ValueError, TypeError):
                continue
        if math.isfinite(factor):
            rows.append({"name": name, "setting": conv.setting, "factor": factor})
    return rows


_DEMO_FIELDS = ("steps", "train_loss", "val_loss", "weight_norm")


def torch_demo_runs() -> list[dict[str, Any]]:
    """The curves of ``ridgeway.torch.demos.demo_generalization`` (quick, seeded) when PyTorch
    is installed, else none: an over-parameterized MLP on digits with and without decay."""
    import importlib.util

    if importlib.util.find_spec("torch") is None:
        return []
    from ridgeway.torch.demos import demo_generalization

    return _arm_runs(demo_generalization(quick=True))


def _arm_runs(result: Any) -> list[dict[str, Any]]:
    """One run per arm of a demo result with ``arms``, ``epochs`` and (arms, epochs) curves."""
    return [
        {
            "label": f"{arm} (MLP on digits, λ = {result.weight_decay:g})"
            if "decay" in arm and arm != "no decay"
            else f"{arm} (MLP on digits)",
            "steps": np.asarray(result.epochs, dtype=np.float64),
            "train_loss": np.asarray(result.train_loss[i]),
            "val_loss": np.asarray(result.val_loss[i]),
            "weight_norm": np.asarray(result.weight_norm[i]),
        }
        for i, arm in enumerate(result.arms)
    ]


def demos_view(demos: Any) -> list[dict[str, Any]]:
    """The deep-learning demo runs: objects (or mappings) with arrays ``steps``, ``train_loss``,
    ``val_loss`` and ``weight_norm`` of one length; labelled by a mapping's keys or by their
    ``label``/``name``/``weight_decay``. A demo result with ``arms`` and ``epochs`` (as
    :func:`ridgeway.torch.demos.demo_generalization` returns) gives one run per arm; "auto"
    runs that demo when PyTorch is installed."""
    if demos is None:
        return []
    if isinstance(demos, str) and demos == "auto":
        demos = torch_demo_runs()
    elif isinstance(demos, str):
        raise ValueError(message("demos", "None, 'auto', a run or runs", repr(demos)))
    if hasattr(demos, "arms") and hasattr(demos, "epochs"):
        demos = _arm_runs(demos)
    items: list[tuple[str | None, Any]]
    if isinstance(demos, Mapping):
        items = [(str(k), v) for k, v in demos.items()]
    elif isinstance(demos, list | tuple):
        items = [(None, v) for v in demos]
    else:
        items = [(None, demos)]
    out = []
    for i, (key, run) in enumerate(items):
        arrays = {}
        for field in _DEMO_FIELDS:
            value = run.get(field) if isinstance(run, Mapping) else getattr(run, field, None)
            if value is None:
                raise ValueError(
                    message(
                        "demos",
                        f"runs with {', '.join(_DEMO_FIELDS)}",
                        f"run {i} without {field!r}",
                    )
                )
            arr = np.asarray(value, dtype=np.float64).reshape(-1)
            arrays[field] = arr
        sizes = {a.size for a in arrays.values()}
        if len(sizes) != 1:
            raise ValueError(
                message(
                    "demos",
                    "runs whose arrays have one length",
                    f"run {i} with lengths {sorted(sizes)}",
                )
            )
        label = key
        if label is None:
            get = run.get if isinstance(run, Mapping) else (lambda f, r=run: getattr(r, f, None))
            label = get("label") or get("name")
            wd = get("weight_decay")
            if label is None:
                label = f"weight decay {wd:g}" if isinstance(wd, int | float) else f"run {i + 1}"
        out.append({"label": str(label), **{k: floats(v) for k, v in arrays.items()}})
    return out
