"""The interactive report: one self-contained HTML page, precomputed from one factorization.

:func:`build` computes every number the page shows (:mod:`ridgeway.report.data`,
:mod:`ridgeway.report.views`) and assembles the page from the template, script and style in
``report/assets`` and Plotly's bundled JavaScript (read from the installed ``plotly`` package at
build time). The page needs no server and no network: it works from a ``file://`` URL.

Safety: everything that comes from the data (column names, the target's name, file names,
demo labels) travels as JSON inside ``<script type="application/json">`` with ``<``, ``>``,
``&`` and the line separators U+2028/U+2029 escaped, and the page's script writes it with
``textContent`` (and, for Plotly's labels, with its markup characters escaped), never as
markup. The page title is escaped with :func:`html.escape`.
"""

from __future__ import annotations

import html
import json
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from ridgeway._validation import message
from ridgeway.report.data import compute
from ridgeway.report.inputs import resolve
from ridgeway.report.views import bias_variance_view, conventions_view, demos_view, geometry_view

__all__ = ["Report", "build", "embed_json"]

_JSON_ESCAPES = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}
_JSON_RE = re.compile("[<>&\u2028\u2029]")
_SLOT = re.compile(r"\{\{([A-Z_]+)\}\}")

OBJECTIVE = "minimize over b, w:   Σᵢ sᵢ (yᵢ − b − xᵢᵀw)²  +  α Σⱼ πⱼ wⱼ²"


def embed_json(value: Any) -> str:
    """JSON text safe inside an HTML ``<script type="application/json">`` element.

    ``<``, ``>`` and ``&`` become ``\\u003c``, ``\\u003e``, ``\\u0026`` (so no ``</script>`` or
    comment can end the element), and U+2028/U+2029 are escaped; ``JSON.parse`` restores them.

    Examples
    --------
    >>> embed_json({"name": "</script><b>"})
    '{"name": "\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e"}'
    """
    text = json.dumps(value, ensure_ascii=False, allow_nan=False)
    return _JSON_RE.sub(lambda m: _JSON_ESCAPES[m.group(0)], text)


@cache
def _asset(name: str) -> str:
    return (resources.files("ridgeway.report") / "assets" / name).read_text(encoding="utf-8")


@cache
def _plotly_js() -> str:
    try:
        from plotly.offline import get_plotlyjs
    except ImportError as exc:  # pragma: no cover - plotly is a dependency of the report
        raise ImportError(
            "the interactive report embeds Plotly's JavaScript: install the report extra "
            "(pip install 'ridgeway[report]')"
        ) from exc
    js = get_plotlyjs()
    return js.replace("</script", "<\\/script")


def _summary(inp: Any, fit: Any) -> list[list[str]]:
    spec = fit.spectrum
    n, p = inp.X.shape
    pf = inp.penalty_factor
    cond = spec.d[0] / spec.d[-1] if spec.d.size and not spec.rank_deficient else np.inf
    rows = [
        ["data", inp.source],
        ["target", inp.target_name],
        ["rows × columns", f"{n} × {p}"],
        [
            "sample weights",
            "none (all 1)" if inp.sample_weight is None else f"given, Σs = {spec.sum_weights:.6g}",
        ],
        ["intercept", "fitted, not penalized" if inp.fit_intercept else "none"],
        [
            "standardization",
            "penalty on standardized columns (π_j = weighted variance of column j, divisor Σs); "
            "coefficients in original units"
            if inp.standardize
            else "none: the penalty acts on the coefficients in the columns' own units",
        ],
        [
            "penalty factors",
            "1 for every column" if pf is None else f"given ({int(np.sum(pf == 0))} unpenalized)",
        ],
        [
            "factorization",
            {
                "eigh": "eigendecomposition of the Gram matrix",
                "dual": "eigendecomposition of the kernel XXᵀ",
                "svd": "SVD of X",
            }[spec.kind],
        ],
        ["rank", f"{spec.d.size} of {spec.penalized.size} penalized columns"],
        [
            "condition number without penalty",
            "∞ (rank deficient)" if not np.isfinite(cond) else f"{cond:.4g}",
        ],
        [
            "α grid",
            f"{fit.alphas.size} values, {fit.alphas[0]:.4g} … {fit.alphas[-1]:.4g} (log scale)",
        ],
    ]
    if inp.validation is not None:
        rows.append(["validation rows", str(inp.validation[0].shape[0])])
    return rows


@dataclass(frozen=True, eq=False)
class Report:
    """A built report: the page and the numbers in it.

    Attributes
    ----------
    html : str
        The self-contained page.
    data : dict
        Every number and label the page shows (what its JSON block holds).
    title : str
    """

    html: str
    data: dict[str, Any]
    title: str

    def save(self, path: str | os.PathLike[str], *, overwrite: bool = False) -> Path:
        """Write the page to ``path`` (refusing to replace a file unless ``overwrite``)."""
        out = Path(path)
        if out.exists() and not overwrite:
            raise FileExistsError(
                message("path", "a new file (pass overwrite=True to replace it)", repr(str(out)))
            )
        out.write_text(self.html, encoding="utf-8")
        return out

    def _repr_html_(self) -> str:
        """The page in an isolated frame, for notebooks."""
        return (
            '<iframe style="width:100%;height:900px;border:0" sandbox="allow-scripts" srcdoc="'
            + html.escape(self.html, quote=True)
            + '"></iframe>'
        )


def build(
    model_or_data: Any = None,
    *data: Any,
    target: str | None = None,
    features: Sequence[str] | None = None,
    feature_names: Sequence[str] | None = None,
    target_name: str | None = None,
    source: str | None = None,
    sample_weight: Any = None,
    standardize: bool | None = None,
    fit_intercept: bool | None = None,
    penalty_factor: Any = None,
    alphas: Any = None,
    folds: int = 5,
    validation: tuple[Any, Any] | None = None,
    demos: Any = None,
    title: str | None = None,
    max_features: int = 1000,
) -> Report:
    """Build the interactive report of ridge regression over every α of the selection grid.

    For the objective  Σ_i s_i (y_i − b − x_iᵀw)² + α Σ_j π_j w_j²  (ridgeway's α; the page
    calls it λ), the page shows, for every α of the grid (shape (a,)) and in step with one
    log-scale slider: training error, leave-one-out and K-fold error with their standard-error
    bands, GCV, held-out error (when there are held-out rows), effective df, the coefficient
    paths (a, p) with the coefficients at the slider's α in a table, the α chosen by every
    criterion (LOO and K-fold min and 1se, GCV, evidence, HKB, Lawless–Wang, and the model's
    own α), an estimated bias–variance decomposition, the constraint geometry of two
    coefficients (RSS contours, L2 circle, L1 diamond), a weight-decay demo, and a summary of
    the data, the objective and the equivalent penalty in other libraries' conventions.

    Parameters
    ----------
    model_or_data : None, Dataset, array-like, pyarrow Table or pandas DataFrame, or a fitted
        :class:`ridgeway.Ridge` / :class:`ridgeway.RidgeCV`
        ``build()``: the embedded prostate data (train split; the test split as held-out rows).
        ``build(dataset)``: a :class:`ridgeway.datasets.Dataset`. ``build(X, y)``: arrays (n, p)
        and (n,). ``build(table, target="col")`` (or ``build(table, "col")``): a table.
        ``build(model, X, y)``: a fitted model and its training data (the model's settings
        and α are used).
    *data
        y after X, or X and y after a model.
    target, features : str, sequence of str, optional
        Response and predictor columns of a table.
    feature_names, target_name, source : optional
        Labels (shown as text).
    sample_weight, standardize, fit_intercept, penalty_factor, alphas
        As for :class:`ridgeway.RidgeCV` (not with a fitted model).
    folds : int, default 5
        K of the K-fold curve (rows in order, as ``RidgeCV(cv=K)``); 0 leaves it out.
    validation : (array-like (m, p), array-like (m,)), optional
        Held-out rows; their error is drawn for every α.
    demos : optional
        Deep-learning demo runs: a mapping label → run, or a sequence of runs, each with arrays
        ``steps``, ``train_loss``, ``val_loss`` and ``weight_norm`` (attributes or keys); a
        result of :func:`ridgeway.torch.demos.demo_generalization`; or "auto": that demo (quick,
        seeded, about a second) when PyTorch is installed, nothing otherwise.
    title : str, optional
        Page title (default "ridgeway report: <target>").
    max_features : int, default 1000
        At most this many coefficients are embedded (the largest standardized ones).

    Returns
    -------
    Report
        ``.html`` the page, ``.data`` its numbers, ``.save(path)`` to write it.

    Examples
    --------
    >>> from ridgeway.report.html import build
    >>> report = build()  # the prostate data
    >>> report.data["features"][:3], len(report.data["alphas"])
    (['lcavol', 'lweight', 'age'], 100)
    >>> report.html.startswith("<!DOCTYPE html>")
    True
    """
    inp = resolve(
        model_or_data,
        tuple(data),
        target=target,
        features=features,
        feature_names=feature_names,
        target_name=target_name,
        source=source,
        sample_weight=sample_weight,
        standardize=standardize,
        fit_intercept=fit_intercept,
        penalty_factor=penalty_factor,
        alphas=alphas,
        folds=folds,
        validation=validation,
    )
    if isinstance(max_features, bool) or not isinstance(max_features, int) or max_features < 1:
        raise ValueError(message("max_features", "a positive integer", repr(max_features)))
    page, fit = compute(inp, max_features=max_features)
    page_title = title if title is not None else f"ridgeway report: {inp.target_name}"
    page.update(
        title=page_title,
        target=inp.target_name,
        source=inp.source,
        objective=OBJECTIVE,
        standardize=inp.standardize,
        n_samples=int(inp.X.shape[0]),
        sum_weights=float(fit.spectrum.sum_weights),
        summary=_summary(inp, fit),
        bias_variance=bias_variance_view(fit),
        geometry=geometry_view(fit),
        conventions=conventions_view(fit),
        demos=demos_view(demos),
    )
    slots = {
        "TITLE": html.escape(page_title, quote=True),
        "STYLE": _asset("report.css"),
        "PLOTLY": _plotly_js(),
        "SCRIPT": _asset("report.js"),
        "DATA": embed_json(page),
    }
    text = _SLOT.sub(lambda m: slots[m.group(1)], _asset("report.html"))  # one pass
    return Report(html=text, data=page, title=page_title)
