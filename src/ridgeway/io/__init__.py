"""Reading data files and saving fitted models.

- :mod:`ridgeway.io.readers`: CSV and Parquet files into pyarrow Tables and float64 arrays.
- :mod:`ridgeway.io.sources` and :mod:`ridgeway.io.chunks`: files, directories and globs read
  as one table, in float64 row chunks (for :func:`ridgeway.fit_source`).
- :mod:`ridgeway.io.model_files`: fitted estimators to and from a single ``.npz`` file
  (arrays plus JSON metadata, checksummed; never pickle).
"""

from ridgeway.io.model_files import ModelFileError, load_model, save_model
from ridgeway.io.readers import read_table, table_to_matrix, table_to_xy

__all__ = [
    "ModelFileError",
    "load_model",
    "read_table",
    "save_model",
    "table_to_matrix",
    "table_to_xy",
]
