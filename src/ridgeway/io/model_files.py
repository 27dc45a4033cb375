"""Safe model files: a fitted estimator as one ``.npz`` archive of arrays plus JSON, never pickle.

Layout of a model file (a zip archive readable by ``numpy.load(path, allow_pickle=False)``):

- one ``.npy`` member per array-valued fitted attribute, under the attribute's name
  (``coef_``, ``feature_names_in_``, a classifier's ``classes_``, ...) in its own dtype;
  strings are stored as fixed-width unicode, and an object array of strings (feature names,
  labels from a pandas column) is restored as an object array of ``str``;
- one member ``__param__<name>`` per array-valued constructor parameter (``penalty_factor``);
- one member ``<name>[<key>]`` per array in a dict-valued fitted attribute (``cv_results_``:
  ``cv_results_[alphas]``, ``cv_results_[mean]``, ...); its other entries (None, numbers,
  strings) are kept in the JSON, and the dict is rebuilt, in its order, on loading;
- one member ``__meta__``: a 0-d unicode array holding a JSON object with the format name
  (``"ridgeway-model"``), the format version, the ridgeway version that wrote it, the class
  name, the constructor parameters, the scalar fitted attributes, and for every array its
  dtype, shape and the SHA-256 of its dtype, shape and bytes; the JSON carries a SHA-256 of
  itself as well. It is standard JSON: a NaN or infinite scalar is written as the string
  ``"nan"``, ``"inf"`` or ``"-inf"`` with its type.

Only parameters that can be stored exactly are saved: a model whose parameter is an object
(a scikit-learn splitter as ``cv``, say) is refused, naming the parameter, rather than saved
in a form that would load as something else.

Loading never imports a class named in the file: the class name is looked up in a whitelist
(:func:`model_classes`), and no member is ever unpickled.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import zipfile
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.utils.validation import check_is_fitted

from ridgeway._validation import message

__all__ = [
    "FORMAT_NAME",
    "FORMAT_VERSION",
    "ModelFileError",
    "load_model",
    "model_classes",
    "save_model",
]

FORMAT_NAME = "ridgeway-model"
"""The ``format`` entry of every model file's metadata."""

FORMAT_VERSION = 1
"""Version of the layout written by :func:`save_model`; files of a newer version are refused."""

_META = "__meta__"
_PARAM = "__param__"


class ModelFileError(ValueError):
    """A file that is not a readable ridgeway model file (corrupted, tampered, too new, ...)."""


def model_classes() -> dict[str, type]:
    """Return the whitelist of estimator classes that model files may hold, by class name.

    Only these classes are saved or loaded; the class name stored in a file is looked up here
    and nothing is imported by name from the file. Register a class by adding it to the list:
    every fitted attribute must be an array (numeric, boolean or text), a scalar, a string,
    None, or a dict of these with string keys.
    """
    from ridgeway import linear_model

    classes: list[type] = [
        linear_model.Ridge,
        linear_model.RidgeCV,
        linear_model.LogisticRidge,
        linear_model.LogisticRidgeCV,
    ]
    return {cls.__name__: cls for cls in classes}


def _ridgeway_version() -> str:
    """The installed ridgeway version, or "unknown" when running from a bare source tree."""
    try:
        return version("ridgeway")
    except PackageNotFoundError:  # pragma: no cover - only without installed metadata
        return "unknown"


def _digest(arr: np.ndarray) -> str:
    """SHA-256 of an array's dtype, shape and bytes (C order, independent of memory layout)."""
    h = hashlib.sha256()
    h.update(arr.dtype.str.encode())
    h.update(json.dumps(list(arr.shape)).encode())
    h.update(np.ascontiguousarray(arr).tobytes())
    return h.hexdigest()


def _meta_digest(meta: dict[str, Any]) -> str:
    """SHA-256 of the canonical JSON of ``meta`` (without its own ``sha256`` entry)."""
    body = {k: v for k, v in meta.items() if k != "sha256"}
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


def _storable_array(value: np.ndarray, what: str) -> tuple[np.ndarray, bool]:
    """Return an array safe to store without pickle and whether it was an object array of str."""
    if value.dtype.kind in "biufcUS":
        return value, False
    if value.dtype.kind == "O" and all(isinstance(v, str) for v in value.flat):
        return value.astype(str), True
    raise TypeError(
        message(what, "a numeric or string array to be saved", f"an array of dtype {value.dtype}")
    )


_NONFINITE = {"nan": float("nan"), "inf": float("inf"), "-inf": float("-inf")}


def _json_float(value: float) -> float | str:
    """A float as JSON allows it: NaN and infinities become "nan", "inf" and "-inf"."""
    if np.isfinite(value):
        return value
    return "nan" if np.isnan(value) else ("inf" if value > 0 else "-inf")


def _encode_scalar(value: Any, what: str) -> dict[str, Any]:
    """A JSON description of a scalar value that :func:`_decode_scalar` restores exactly."""
    rule = "None, a number, a string, a list of these or an array"
    if value is None or isinstance(value, bool | str):
        return {"type": type(value).__name__, "value": value}
    if isinstance(value, np.generic) and value.dtype.kind in "biuf":
        item = value.item()
        stored = _json_float(item) if isinstance(item, float) else item
        return {"type": "numpy", "dtype": value.dtype.str, "value": stored}
    if isinstance(value, float):
        return {"type": "float", "value": _json_float(value)}
    if isinstance(value, int):
        return {"type": "int", "value": value}
    if isinstance(value, list | tuple) and all(
        v is None or isinstance(v, bool | str | int | float) for v in value
    ):
        if any(isinstance(v, float) and not np.isfinite(v) for v in value):
            raise TypeError(message(what, rule + " of finite numbers", repr(value)))
        return {"type": type(value).__name__, "value": list(value)}
    if not isinstance(value, list | tuple | dict | set | np.ndarray):
        rule += " to be stored exactly (an object such as a splitter cannot be)"
    raise TypeError(message(what, rule, repr(value)))


def _decode_scalar(spec: Any) -> Any:
    """Restore a value described by :func:`_encode_scalar`."""
    kind, value = spec["type"], spec["value"]
    if kind in ("numpy", "float") and isinstance(value, str):
        if value not in _NONFINITE:
            raise ValueError(f"invalid number {value!r}")
        value = _NONFINITE[value]
    if kind == "numpy":
        return np.dtype(spec["dtype"]).type(value)
    if kind == "tuple":
        return tuple(value)
    if kind in ("NoneType", "bool", "str", "int", "float", "list"):
        return value
    raise ValueError(f"unknown value type {kind!r}")


def _fitted_attributes(estimator: Any) -> dict[str, Any]:
    """Public fitted attributes of ``estimator``: names ending in "_" and not starting with it."""
    return {k: v for k, v in vars(estimator).items() if k.endswith("_") and not k.startswith("_")}


def save_model(estimator: Any, path: str | os.PathLike[str], *, overwrite: bool = False) -> None:
    """Write a fitted estimator to a single ``.npz`` model file, arrays and JSON, without pickle.

    The file holds every array-valued fitted attribute, the constructor parameters and the
    scalar fitted attributes, each array with a SHA-256 checksum (see the module docstring).
    It is written to a temporary file in the same directory and moved into place, so a
    crash never leaves a half-written model at ``path``.

    Parameters
    ----------
    estimator : estimator
        A fitted instance of one of the classes of :func:`model_classes`.
    path : str or path-like
        Where to write; used exactly as given (no ``.npz`` is appended).
    overwrite : bool, default False
        Replace an existing file. Without it an existing file is an error.

    Raises
    ------
    sklearn.exceptions.NotFittedError
        If the estimator is not fitted.
    FileExistsError
        If ``path`` exists and ``overwrite`` is False.
    TypeError
        If the estimator's class is not registered or an attribute cannot be stored safely.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import numpy as np
    >>> from ridgeway.linear_model import Ridge
    >>> from ridgeway.io.model_files import load_model, save_model
    >>> X, y = np.array([[0.0], [1.0], [2.0]]), np.array([1.0, 3.0, 5.0])
    >>> model = Ridge(alpha=0.5).fit(X, y)
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = pathlib.Path(tmp) / "model.npz"
    ...     save_model(model, path)
    ...     loaded = load_model(path)
    >>> bool(np.array_equal(loaded.predict(X), model.predict(X)))
    True
    """
    classes = model_classes()
    name = type(estimator).__name__
    if classes.get(name) is not type(estimator):
        raise TypeError(
            message("estimator", "an instance of " + ", ".join(sorted(classes)), repr(name))
        )
    check_is_fitted(estimator)
    path = Path(path)
    if path.is_dir():
        raise IsADirectoryError(message("path", "a file name", f"the directory {str(path)!r}"))
    if path.exists() and not overwrite:
        raise FileExistsError(
            message("path", "a new file (pass overwrite=True to replace it)", repr(str(path)))
        )

    arrays: dict[str, np.ndarray] = {}
    array_specs: dict[str, dict[str, Any]] = {}

    def add_array(key: str, value: np.ndarray, what: str) -> None:
        stored, was_object = _storable_array(value, what)
        arrays[key] = stored
        array_specs[key] = {
            "dtype": stored.dtype.str,
            "shape": list(stored.shape),
            "sha256": _digest(stored),
            "object": was_object,
        }

    params: dict[str, Any] = {}
    constructor_params: dict[str, Any] = estimator.get_params(deep=False)  # type: ignore[attr-defined]
    for key, value in constructor_params.items():
        if isinstance(value, np.ndarray):
            add_array(_PARAM + key, value, f"parameter {key!r}")
            params[key] = {"type": "array", "key": _PARAM + key}
        else:
            params[key] = _encode_scalar(value, f"parameter {key!r}")

    def encode(key: str, value: Any, what: str) -> dict[str, Any]:
        """An array is stored under ``key``; anything else is described in the JSON."""
        if isinstance(value, np.ndarray):
            add_array(key, value, what)
            return {"type": "array", "key": key}
        return _encode_scalar(value, what)

    attributes: dict[str, Any] = {}
    for key, value in _fitted_attributes(estimator).items():
        what = f"attribute {key!r}"
        if isinstance(value, dict):
            items = []
            for item, entry in value.items():
                if not isinstance(item, str):
                    raise TypeError(message(what, "a dict with string keys", repr(item)))
                items.append([item, encode(f"{key}[{item}]", entry, f"{what}[{item!r}]")])
            attributes[key] = {"type": "dict", "items": items}
        else:
            attributes[key] = encode(key, value, what)

    meta: dict[str, Any] = {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "ridgeway_version": _ridgeway_version(),
        "class": name,
        "params": params,
        "attributes": attributes,
        "arrays": array_specs,
    }
    meta["sha256"] = _meta_digest(meta)
    arrays[_META] = np.array(json.dumps(meta, sort_keys=True, allow_nan=False))
    _write_atomic(path, arrays)


def _write_atomic(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """Write ``arrays`` as an npz archive to a temporary file next to ``path``, then rename it."""
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    # os.open applies the umask to 0o666, so the model gets ordinary file permissions.
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "wb") as fh:
            # the layout of numpy.savez, written member by member with pickling disabled
            with zipfile.ZipFile(fh, "w", compression=zipfile.ZIP_STORED) as archive:
                for key, arr in arrays.items():
                    with archive.open(f"{key}.npy", "w", force_zip64=True) as member:
                        np.lib.format.write_array(member, arr, allow_pickle=False)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


_NOT_A_MODEL = "a ridgeway model file (an .npz archive written by ridgeway)"
_UNMODIFIED = "unmodified since it was saved"
_VALID_META = "a model file with valid ridgeway metadata"


def _bad_file(path: Path, rule: str, got: str) -> ModelFileError:
    """The error for a model file at ``path``: ``got`` continues the quoted path."""
    return ModelFileError(message("model file", rule, f"{str(path)!r}{got}"))


def load_model(path: str | os.PathLike[str]) -> Any:
    """Read a fitted estimator from a model file written by :func:`save_model`.

    The file is opened with ``numpy.load(allow_pickle=False)``; the class is looked up in
    :func:`model_classes`, constructed from the stored parameters, and given the stored fitted
    attributes after every array's SHA-256 checksum has been verified.

    Parameters
    ----------
    path : str or path-like
        A file written by :func:`save_model` (or ``estimator.save``).

    Returns
    -------
    estimator
        The fitted estimator, with attributes equal to those saved (dtypes included).

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    ModelFileError
        (a ``ValueError``) if the file is not a ridgeway model file (truncated or corrupted),
        its metadata are missing or invalid, its class is not registered, a checksum does not
        match (the file was tampered with), or it was written in a newer format version.

    Examples
    --------
    See :func:`save_model`.
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(message("model file", "an existing file", repr(str(path))))
    if path.is_dir():
        raise IsADirectoryError(message("model file", "a file", f"the directory {str(path)!r}"))
    try:
        # open the file here, so that it is closed even when numpy fails to parse it
        with path.open("rb") as fh, np.load(fh, allow_pickle=False) as npz:
            if _META not in npz.files:
                raise _bad_file(path, _NOT_A_MODEL, ", which has no ridgeway metadata")
            meta_arr = npz[_META]
            stored = {key: npz[key] for key in npz.files if key != _META}
    except ModelFileError:
        raise
    except (zipfile.BadZipFile, ValueError, TypeError, AttributeError, OSError, EOFError):
        # a plain .npy file loads as an ndarray, which is no context manager (TypeError)
        raise _bad_file(
            path, _NOT_A_MODEL, ", which is not a ridgeway model file (truncated or corrupted)"
        ) from None
    meta = _read_meta(path, meta_arr)
    cls = _lookup_class(path, meta)
    arrays = _verified_arrays(path, meta, stored)
    try:
        params = {k: _value(v, arrays) for k, v in meta["params"].items()}
        attributes = {k: _value(v, arrays) for k, v in meta["attributes"].items()}
        estimator = cls(**params)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise _bad_file(path, _VALID_META, f", whose entries are invalid ({exc})") from None
    for key, value in attributes.items():
        setattr(estimator, key, value)
    return estimator


def _read_meta(path: Path, meta_arr: np.ndarray) -> dict[str, Any]:
    """Parse and check the ``__meta__`` member: format name, version and self-checksum."""
    if meta_arr.dtype.kind != "U" or meta_arr.ndim != 0:
        raise _bad_file(path, _VALID_META, f", whose metadata are of dtype {meta_arr.dtype}")
    try:
        meta = json.loads(str(meta_arr))
    except json.JSONDecodeError:
        raise _bad_file(path, _VALID_META, ", whose metadata are not JSON") from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT_NAME:
        fmt = meta.get("format") if isinstance(meta, dict) else None
        raise _bad_file(path, f"of format {FORMAT_NAME!r}", f" of format {fmt!r}")
    file_version = meta.get("format_version")
    if isinstance(file_version, bool) or not isinstance(file_version, int):
        raise _bad_file(path, _VALID_META, f" of format version {file_version!r}")
    if file_version > FORMAT_VERSION:
        raise _bad_file(
            path,
            f"of format version {FORMAT_VERSION} or older to be read by ridgeway "
            f"{_ridgeway_version()}",
            f" of format version {file_version} (written by ridgeway "
            f"{meta.get('ridgeway_version', '?')}); upgrade ridgeway to read it",
        )
    if file_version < 1:
        raise _bad_file(path, _VALID_META, f" of format version {file_version!r}")
    required = ("class", "params", "attributes", "arrays", "sha256")
    missing = [k for k in required if k not in meta]
    if missing:
        raise _bad_file(path, _VALID_META, ", whose metadata lack " + ", ".join(missing))
    if meta["sha256"] != _meta_digest(meta):
        raise _bad_file(path, _UNMODIFIED, ", whose metadata fail their SHA-256 check (tampered)")
    return meta


def _lookup_class(path: Path, meta: dict[str, Any]) -> type:
    """The whitelisted class named in the metadata."""
    classes = model_classes()
    name = meta["class"]
    if not isinstance(name, str) or name not in classes:
        known = ", ".join(repr(c) for c in sorted(classes))
        raise _bad_file(path, f"a model of a known class ({known})", f" holding class {name!r}")
    return classes[name]


def _verified_arrays(
    path: Path, meta: dict[str, Any], stored: dict[str, np.ndarray]
) -> dict[str, np.ndarray]:
    """The stored arrays, each checked against its recorded dtype, shape and SHA-256."""
    specs = meta["arrays"]
    if not isinstance(specs, dict) or set(specs) != set(stored):
        listed = sorted(specs) if isinstance(specs, dict) else specs
        raise _bad_file(
            path,
            _UNMODIFIED,
            f", which holds arrays {sorted(stored)} where its metadata list {listed} (tampered)",
        )
    out = {}
    for key, arr in stored.items():
        spec = specs[key]
        if not isinstance(spec, dict) or spec.get("sha256") != _digest(arr):
            raise _bad_file(
                path, _UNMODIFIED, f", whose array {key!r} fails its SHA-256 check (tampered)"
            )
        out[key] = arr.astype(object) if spec.get("object") else arr
    return out


def _value(spec: dict[str, Any], arrays: dict[str, np.ndarray]) -> Any:
    """The parameter or attribute value described by ``spec``."""
    if spec["type"] == "array":
        return arrays[spec["key"]]
    if spec["type"] == "dict":
        return {str(name): _value(item, arrays) for name, item in spec["items"]}
    return _decode_scalar(spec)
