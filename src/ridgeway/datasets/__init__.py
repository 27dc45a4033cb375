"""Data sets for ridge regression: small real data shipped with the package, and generators.

- :func:`load_prostate`: the prostate cancer data of The Elements of Statistical Learning
  (section 3.4), with the book's train/test split.
- :func:`load_longley`: Longley's collinear macroeconomic series (R's ``datasets::longley``).
- :func:`make_collinear`: equicorrelated Gaussian features with known coefficients.
"""

from ridgeway.datasets._real import Dataset, load_longley, load_prostate
from ridgeway.datasets._synthetic import CollinearData, make_collinear

__all__ = ["CollinearData", "Dataset", "load_longley", "load_prostate", "make_collinear"]
