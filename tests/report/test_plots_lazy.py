"""ridgeway.report loads matplotlib only to draw, and says which extra provides it."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

import ridgeway.report
from ridgeway.analysis.weight_decay import weight_decay_trajectory


def test_importing_report_imports_no_plotting_library():
    code = (
        "import sys, ridgeway.report as r, ridgeway.report.plots; f = r.plot_cv; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('matplotlib', 'plotly')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_lazy_names_resolve_to_the_plot_functions():
    import importlib

    from ridgeway.report import plots

    for name in ridgeway.report.__all__:
        source = importlib.import_module(ridgeway.report._LAZY[name])
        assert getattr(ridgeway.report, name) is getattr(source, name)
    assert set(plots.__all__) <= set(ridgeway.report.__all__) == set(ridgeway.report._LAZY)
    assert {"build", "Report"} <= set(ridgeway.report.__all__)
    assert "plot_cv" in dir(ridgeway.report)
    with pytest.raises(AttributeError, match="has no attribute 'plot_nothing'"):
        ridgeway.report.plot_nothing  # noqa: B018


def test_without_matplotlib_the_error_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)  # the import fails
    run = weight_decay_trajectory(0.1, 0.1, steps=3)
    with pytest.raises(ImportError, match=r"plot_weight_decay needs matplotlib; install the "
                       r"report extra: pip install 'ridgeway\[report\]'"):  # fmt: skip
        ridgeway.report.plot_weight_decay(run)
    assert np.isfinite(run.w).all()
