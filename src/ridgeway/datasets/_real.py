"""Small real data sets shipped inside the package (no download, no pandas).

The CSV files live in ``ridgeway/datasets/data`` and are read with ``importlib.resources`` and
``pyarrow.csv``, so they work from an installed wheel or a zip import alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from typing import Literal

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from ridgeway._typing import FloatArray
from ridgeway._validation import message

__all__ = ["Dataset", "load_longley", "load_prostate"]


@dataclass(frozen=True, eq=False)
class Dataset:
    """A small regression data set: predictors, one target and their names.

    Attributes
    ----------
    data : ndarray of shape (n_samples, n_features), float64
        The predictors, one column per name in ``feature_names``.
    target : ndarray of shape (n_samples,), float64
        The response.
    feature_names : tuple of str, length n_features
        Column names of ``data``, as in the source file.
    target_name : str
        Name of the response.
    train_mask : ndarray of shape (n_samples,), bool, or None
        The train/test split published with the data (True for a training row), or None when
        the data set has no such split or a split was already selected.
    description : str
        Where the data come from and what the columns mean.
    """

    data: FloatArray
    target: FloatArray
    feature_names: tuple[str, ...]
    target_name: str
    train_mask: np.ndarray | None
    description: str

    @property
    def shape(self) -> tuple[int, int]:
        """(n_samples, n_features) of ``data``."""
        n, p = self.data.shape
        return (n, p)


PROSTATE_DESCRIPTION = """\
Prostate cancer data (Stamey et al., 1989), as used in Hastie, Tibshirani & Friedman,
The Elements of Statistical Learning, 2nd ed., section 3.4 (ridge regression, Table 3.3).

97 men about to undergo radical prostatectomy. Target lpsa: log prostate-specific antigen.
Predictors: lcavol (log cancer volume), lweight (log prostate weight), age, lbph (log benign
prostatic hyperplasia amount), svi (seminal vesicle invasion, 0/1), lcp (log capsular
penetration), gleason (Gleason score), pgg45 (percent of Gleason scores 4 or 5).
The book's split has 67 training rows and 30 test rows."""

LONGLEY_DESCRIPTION = """\
Longley's economic regression data (Longley, 1967; R's datasets::longley): 16 yearly
observations, 1947-1962, of highly collinear US macroeconomic series. Target Employed: number
of people employed (thousands). Predictors: GNP.deflator (GNP implicit price deflator,
1954 = 100), GNP, Unemployed, Armed.Forces, Population (non-institutionalized, aged 14 and
over), Year. A classic test of numerical accuracy and a textbook case for ridge regression."""


def _read_csv(filename: str, convert: pacsv.ConvertOptions | None = None) -> pa.Table:
    """Read one of the CSV files shipped in ``ridgeway/datasets/data``."""
    resource = resources.files("ridgeway.datasets").joinpath("data", filename)
    with resource.open("rb") as fh:
        return pacsv.read_csv(fh, convert_options=convert)


def _columns(table: pa.Table, names: tuple[str, ...]) -> FloatArray:
    """Stack the named columns of ``table`` into a float64 array of shape (n_rows, len(names))."""
    out = np.empty((table.num_rows, len(names)), dtype=np.float64)
    for j, name in enumerate(names):
        out[:, j] = table.column(name).to_numpy().astype(np.float64)
    return out


def load_prostate(*, split: Literal["train", "test"] | None = None) -> Dataset:
    """Load the prostate cancer data of The Elements of Statistical Learning, section 3.4.

    Eight clinical predictors of the log PSA level (``lpsa``) of 97 men, with the book's
    train/test split (67/30 rows).

    Parameters
    ----------
    split : {"train", "test"} or None, default None
        Return only the training rows, only the test rows, or all 97 rows (None).

    Returns
    -------
    Dataset
        ``data`` of shape (n, 8) with columns lcavol, lweight, age, lbph, svi, lcp, gleason,
        pgg45; ``target`` (lpsa) of shape (n,); n is 97, 67 or 30. ``train_mask`` (shape (97,))
        holds the split when ``split`` is None and is None otherwise.

    Examples
    --------
    >>> from ridgeway.datasets import load_prostate
    >>> ds = load_prostate()
    >>> ds.data.shape, ds.target_name, int(ds.train_mask.sum())
    ((97, 8), 'lpsa', 67)
    >>> load_prostate(split="test").data.shape
    (30, 8)
    """
    if split not in (None, "train", "test"):
        raise ValueError(message("split", "one of 'train', 'test' or None", repr(split)))
    convert = pacsv.ConvertOptions(
        column_types={"train": pa.bool_()}, true_values=["T"], false_values=["F"]
    )
    table = _read_csv("prostate.csv", convert)
    features = ("lcavol", "lweight", "age", "lbph", "svi", "lcp", "gleason", "pgg45")
    data = _columns(table, features)
    target = _columns(table, ("lpsa",))[:, 0]
    train = table.column("train").to_numpy(zero_copy_only=False).astype(bool)
    mask: np.ndarray | None = train
    if split is not None:
        rows = train if split == "train" else ~train
        data, target, mask = data[rows], target[rows], None
    return Dataset(
        data=data,
        target=target,
        feature_names=features,
        target_name="lpsa",
        train_mask=mask,
        description=PROSTATE_DESCRIPTION,
    )


def load_longley() -> Dataset:
    """Load Longley's 16 yearly observations of collinear US economic series (R's ``longley``).

    Six predictors, among them GNP, Population and Year with pairwise correlations above 0.99,
    and the target ``Employed``.

    Returns
    -------
    Dataset
        ``data`` of shape (16, 6) with columns GNP.deflator, GNP, Unemployed, Armed.Forces,
        Population, Year; ``target`` (Employed) of shape (16,); ``train_mask`` is None.

    Examples
    --------
    >>> from ridgeway.datasets import load_longley
    >>> ds = load_longley()
    >>> ds.data.shape, ds.target_name
    ((16, 6), 'Employed')
    >>> ds.feature_names[-1]
    'Year'
    """
    table = _read_csv("longley.csv")
    target_name = "Employed"
    features = tuple(name for name in table.column_names if name != target_name)
    return Dataset(
        data=_columns(table, features),
        target=_columns(table, (target_name,))[:, 0],
        feature_names=features,
        target_name=target_name,
        train_mask=None,
        description=LONGLEY_DESCRIPTION,
    )
