"""ridgeway: L2 regularization done completely and fast."""

import os
from importlib.metadata import PackageNotFoundError, version

from ridgeway.core.moments import Moments
from ridgeway.linear_model import LogisticRidge, LogisticRidgeCV, Ridge, RidgeCV
from ridgeway.selection.folds import HashKFold

try:
    __version__ = version("ridgeway")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"


def load(
    path: str | os.PathLike[str],
) -> Ridge | RidgeCV | LogisticRidge | LogisticRidgeCV:
    """Load a model saved with ``model.save(path)`` (safe: no pickle is ever read)."""
    from ridgeway.io.model_files import load_model

    return load_model(path)  # type: ignore[no-any-return]


def __getattr__(name: str) -> object:
    """``fit_source`` is imported on first use (it loads the file readers)."""
    if name == "fit_source":
        from ridgeway.scale.streaming import fit_source

        return fit_source
    raise AttributeError(f"module 'ridgeway' has no attribute {name!r}")


__all__ = [
    "HashKFold",
    "LogisticRidge",
    "LogisticRidgeCV",
    "Moments",
    "Ridge",
    "RidgeCV",
    "__version__",
    "fit_source",
    "load",
]
