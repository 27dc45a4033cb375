"""The interactive HTML report (:func:`build`) of a ridge fit over every α of its grid."""

from ridgeway.report.html import Report, build

__all__ = ["Report", "build"]
