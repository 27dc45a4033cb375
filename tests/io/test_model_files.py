"""Tests of ridgeway.io.model_files: round trips, integrity checks, no pickle, overwrite rules."""

from __future__ import annotations

import hashlib
import io
import json
import math
import pickle
import re
import warnings
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pytest
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import Ridge as SklearnRidge
from sklearn.model_selection import GroupKFold, KFold, StratifiedKFold

import ridgeway
from ridgeway.io.model_files import (
    FORMAT_NAME,
    FORMAT_VERSION,
    ModelFileError,
    load_model,
    model_classes,
    save_model,
)
from ridgeway.linear_model import LogisticRidge, LogisticRidgeCV, Ridge, RidgeCV

NOT_A_MODEL = "is not a ridgeway model file (truncated or corrupted)"


@pytest.fixture
def data() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 4))
    y = X @ np.array([1.0, -2.0, 0.0, 0.5]) + 0.1 * rng.normal(size=40)
    return X, y


def _assert_same_value(value: Any, other: Any, key: str) -> None:
    """Equal values of the same type: arrays with their dtype, dicts in their order, NaN = NaN."""
    assert type(value) is type(other), key
    if isinstance(value, np.ndarray):
        assert value.dtype == other.dtype, key
        assert value.shape == other.shape, key
        np.testing.assert_array_equal(value, other, err_msg=key)
    elif isinstance(value, dict):
        assert list(value) == list(other), key
        for item in value:
            _assert_same_value(value[item], other[item], f"{key}[{item!r}]")
    elif isinstance(value, float) and math.isnan(value):
        assert math.isnan(other), key
    else:
        assert value == other, key


def _assert_same_state(a: Any, b: Any) -> None:
    """Same class, same params and same fitted attributes with the same types and dtypes."""
    assert type(a) is type(b)
    va, vb = vars(a), vars(b)
    assert set(va) == set(vb)
    for key, value in va.items():
        _assert_same_value(value, vb[key], key)


def _rewrite(path: Path, change: Any) -> None:
    """Rewrite the npz at ``path`` after ``change(members)`` edits its arrays (valid zip CRCs)."""
    with np.load(path, allow_pickle=False) as npz:
        members = {k: npz[k] for k in npz.files}
    change(members)
    with path.open("wb") as fh:
        np.savez(fh, **members)


def _edit_meta(path: Path, edit: Any, *, resign: bool) -> None:
    """Edit the JSON metadata; with ``resign`` recompute its self-checksum like a forger would."""

    def change(members: dict[str, np.ndarray]) -> None:
        meta = json.loads(str(members["__meta__"]))
        edit(meta)
        if resign:
            body = {k: v for k, v in meta.items() if k != "sha256"}
            meta["sha256"] = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()
        members["__meta__"] = np.array(json.dumps(meta))

    _rewrite(path, change)


# --- round trips ------------------------------------------------------------------------------


def test_round_trip_ndarray(tmp_path: Path, data: tuple[np.ndarray, np.ndarray]) -> None:
    X, y = data
    model = Ridge(alpha=0.3).fit(X, y)
    path = tmp_path / "m.npz"
    save_model(model, path)
    loaded = load_model(path)
    _assert_same_state(model, loaded)
    assert not hasattr(loaded, "feature_names_in_")
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))
    assert loaded.score(X, y) == model.score(X, y)
    assert loaded.get_params() == model.get_params()


def test_round_trip_with_feature_names(tmp_path: Path, data: tuple[np.ndarray, np.ndarray]) -> None:
    X, y = data
    table = pa.table({f"feat_{j}": X[:, j] for j in range(4)})
    model = Ridge(alpha=2.0, standardize=True).fit(table, y)
    assert model.feature_names_in_.dtype == object
    path = tmp_path / "named.npz"
    save_model(model, path)
    with np.load(path, allow_pickle=False) as npz:  # stored as unicode, not object
        assert npz["feature_names_in_"].dtype.kind == "U"
    loaded = load_model(path)
    _assert_same_state(model, loaded)
    assert loaded.feature_names_in_.dtype == object
    np.testing.assert_array_equal(loaded.predict(table), model.predict(table))


def test_round_trip_multi_target_and_array_params(
    tmp_path: Path, data: tuple[np.ndarray, np.ndarray]
) -> None:
    X, y = data
    Y = np.column_stack([y, -y, 2 * y + 1])
    model = Ridge(alpha=np.array([0.1, 1.0, 10.0]), penalty_factor=np.array([1.0, 0.0, 2.0, 1.0]))
    model.fit(X, Y)
    path = tmp_path / "multi.npz"
    save_model(model, path)
    loaded = load_model(path)
    _assert_same_state(model, loaded)
    assert loaded.coef_.shape == (3, 4)
    np.testing.assert_array_equal(loaded.penalty_factor, model.penalty_factor)
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))


def test_round_trip_list_param(tmp_path: Path, data: tuple[np.ndarray, np.ndarray]) -> None:
    X, y = data
    model = Ridge(penalty_factor=[1.0, 1.0, 0.5, 2.0]).fit(X, y)
    save_model(model, tmp_path / "m.npz")
    loaded = load_model(tmp_path / "m.npz")
    assert loaded.penalty_factor == [1.0, 1.0, 0.5, 2.0]
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))


def test_float32_coef_preserved(tmp_path: Path, data: tuple[np.ndarray, np.ndarray]) -> None:
    X, y = data
    X32 = X.astype(np.float32)
    model = Ridge().fit(X32, y)
    assert model.coef_.dtype == np.float32
    save_model(model, tmp_path / "f32.npz")
    loaded = load_model(tmp_path / "f32.npz")
    assert loaded.coef_.dtype == np.float32
    np.testing.assert_array_equal(loaded.coef_, model.coef_)
    np.testing.assert_array_equal(loaded.predict(X32), model.predict(X32))


def test_estimator_save_and_package_load(
    tmp_path: Path, data: tuple[np.ndarray, np.ndarray]
) -> None:
    X, y = data
    model = Ridge(alpha=0.7).fit(X, y)
    path = tmp_path / "via_method.npz"
    model.save(str(path))
    loaded = ridgeway.load(str(path))
    _assert_same_state(model, loaded)


def test_path_without_npz_suffix_is_used_as_given(
    tmp_path: Path, data: tuple[np.ndarray, np.ndarray]
) -> None:
    X, y = data
    model = Ridge().fit(X, y)
    for name in ("model", "model.ridge"):
        save_model(model, str(tmp_path / name))
        assert (tmp_path / name).is_file()
        assert not (tmp_path / f"{name}.npz").exists()
        np.testing.assert_array_equal(load_model(tmp_path / name).coef_, model.coef_)
    # and no temporary files are left behind
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model", "model.ridge"]


def test_file_layout(tmp_path: Path, data: tuple[np.ndarray, np.ndarray]) -> None:
    X, y = data
    model = Ridge(alpha=0.5, penalty_factor=np.ones(4)).fit(X, y)
    path = tmp_path / "m.npz"
    save_model(model, path)
    assert zipfile.is_zipfile(path)
    with np.load(path, allow_pickle=False) as npz:
        assert set(npz.files) == {"__meta__", "coef_", "__param__penalty_factor"}
        meta = json.loads(str(npz["__meta__"]))
        coef = npz["coef_"]
    assert meta["format"] == FORMAT_NAME == "ridgeway-model"
    assert meta["format_version"] == FORMAT_VERSION == 1
    assert meta["class"] == "Ridge"
    assert meta["ridgeway_version"] == ridgeway.__version__
    assert meta["params"]["alpha"]["value"] == 0.5
    assert meta["attributes"]["solver_"]["value"] == model.solver_
    assert meta["attributes"]["intercept_"]["value"] == model.intercept_
    # the checksum covers dtype, shape and bytes, computed here independently
    h = hashlib.sha256()
    h.update(b"<f8")
    h.update(b"[4]")
    h.update(model.coef_.astype("<f8").tobytes())
    assert meta["arrays"]["coef_"]["sha256"] == h.hexdigest()
    np.testing.assert_array_equal(coef, model.coef_)


def test_pickle_is_never_used(
    tmp_path: Path, data: tuple[np.ndarray, np.ndarray], monkeypatch: pytest.MonkeyPatch
) -> None:
    X, y = data
    table = pa.table({f"x{j}": X[:, j] for j in range(4)})
    model = Ridge(penalty_factor=np.ones(4)).fit(table, y)

    def forbidden(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("pickle was used")

    for name in ("dump", "dumps", "load", "loads"):
        monkeypatch.setattr(pickle, name, forbidden)
    monkeypatch.setattr(pickle, "Unpickler", forbidden)
    monkeypatch.setattr(pickle, "Pickler", forbidden)
    save_model(model, tmp_path / "m.npz")
    loaded = load_model(tmp_path / "m.npz")
    np.testing.assert_array_equal(loaded.predict(table), model.predict(table))


def test_pickled_member_is_refused_not_loaded(
    tmp_path: Path, data: tuple[np.ndarray, np.ndarray], monkeypatch: pytest.MonkeyPatch
) -> None:
    X, y = data
    path = tmp_path / "m.npz"
    save_model(Ridge().fit(X, y), path)

    def add_object(members: dict[str, np.ndarray]) -> None:
        members["coef_"] = np.array([{"evil": 1}], dtype=object)

    with np.load(path, allow_pickle=False) as npz:
        members = {k: npz[k] for k in npz.files}
    add_object(members)
    with path.open("wb") as fh:
        np.savez(fh, allow_pickle=True, **members)
    monkeypatch.setattr(pickle, "load", lambda *a, **k: pytest.fail("unpickled"))
    with pytest.raises(ModelFileError, match=re.escape(NOT_A_MODEL)):
        load_model(path)


# --- RidgeCV: α chosen from the data, cv_results_ a dict of arrays and None --------------------


def _fit_cv(X: np.ndarray, y: np.ndarray, **params: Any) -> RidgeCV:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # grid-edge warnings are not the point here
        return RidgeCV(**params).fit(X, y)


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"cv": "gcv", "standardize": True},
        {"cv": 5, "rule": "1se"},
        {"cv": np.int64(4), "scoring": "r2"},
        {"cv": "evidence", "alphas": [0.01, 0.1, 1.0, 10.0]},
        {"cv": "hkb"},
        {"cv": "lw", "penalty_factor": np.array([1.0, 2.0, 1.0, 0.5])},
        {"alphas": np.geomspace(1e-3, 1e3, 7), "fit_intercept": False},
    ],
    ids=["loo", "gcv", "kfold-1se", "kfold-np-int-r2", "evidence", "hkb", "lw", "array-grid"],
)
def test_round_trip_ridgecv(
    tmp_path: Path, data: tuple[np.ndarray, np.ndarray], params: dict[str, Any]
) -> None:
    X, y = data
    model = _fit_cv(X, y, **params)
    path = tmp_path / "cv.npz"
    save_model(model, path)
    loaded = load_model(path)
    _assert_same_state(model, loaded)  # alpha_, best_score_, cv_results_ (None stays None), ...
    assert type(loaded.alpha_) is float and loaded.alpha_ == model.alpha_
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))
    assert list(loaded.cv_results_) == list(model.cv_results_)
    # the loaded model is ridge at the stored α: scikit-learn refit as the reference
    if model.fit_intercept and model.penalty_factor is None and not model.standardize:
        reference = SklearnRidge(alpha=loaded.alpha_).fit(X, y)
        np.testing.assert_allclose(loaded.predict(X), reference.predict(X), rtol=1e-9)
    # and it refits to the same model from its stored parameters
    refit = _fit_cv(X, y, **loaded.get_params())
    assert refit.alpha_ == model.alpha_


def test_round_trip_ridgecv_per_target(tmp_path: Path, data: tuple[np.ndarray, np.ndarray]) -> None:
    X, y = data
    Y = np.column_stack([y, 0.1 * y + np.sin(X[:, 2]), -y])
    model = _fit_cv(X, Y, cv=3, alpha_per_target=True, scoring="r2")
    assert isinstance(model.alpha_, np.ndarray) and model.alpha_.shape == (3,)
    path = tmp_path / "per_target.npz"
    model.save(str(path))
    loaded = ridgeway.load(str(path))
    _assert_same_state(model, loaded)
    assert loaded.cv_results_["mean"].shape == (model.cv_results_["alphas"].size, 3)
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))
    for k in range(3):
        reference = SklearnRidge(alpha=loaded.alpha_[k]).fit(X, Y[:, k])
        np.testing.assert_allclose(loaded.predict(X)[:, k], reference.predict(X), rtol=1e-9)


def test_ridgecv_file_layout(tmp_path: Path, data: tuple[np.ndarray, np.ndarray]) -> None:
    X, y = data
    model = _fit_cv(X, y, cv="gcv")
    path = tmp_path / "gcv.npz"
    save_model(model, path)
    with np.load(path, allow_pickle=False) as npz:
        assert set(npz.files) == {
            "__meta__",
            "coef_",
            "cv_results_[alphas]",
            "cv_results_[mean]",
            "cv_results_[df]",
        }
        meta = json.loads(str(npz["__meta__"]))
        np.testing.assert_array_equal(npz["cv_results_[alphas]"], model.cv_results_["alphas"])
    assert meta["class"] == "RidgeCV"
    assert meta["params"]["cv"] == {"type": "str", "value": "gcv"}
    assert meta["attributes"]["alpha_"] == {"type": "float", "value": model.alpha_}
    assert meta["attributes"]["cv_results_"] == {
        "type": "dict",
        "items": [
            ["alphas", {"type": "array", "key": "cv_results_[alphas]"}],
            ["mean", {"type": "array", "key": "cv_results_[mean]"}],
            ["se", {"type": "NoneType", "value": None}],
            ["df", {"type": "array", "key": "cv_results_[df]"}],
        ],
    }


def test_nonfinite_scalar_is_stored_as_standard_json(
    tmp_path: Path, data: tuple[np.ndarray, np.ndarray]
) -> None:
    X, y = data
    model = _fit_cv(X, y, cv="hkb")
    assert math.isnan(model.best_score_)  # a closed-form constant has no score
    model.extra_ = np.float32("-inf")  # type: ignore[attr-defined]
    path = tmp_path / "hkb.npz"
    save_model(model, path)
    with np.load(path, allow_pickle=False) as npz:
        text = str(npz["__meta__"])

    def refuse(name: str) -> None:
        raise AssertionError(f"non-standard JSON constant {name}")

    meta = json.loads(text, parse_constant=refuse)
    assert meta["attributes"]["best_score_"] == {"type": "float", "value": "nan"}
    assert meta["attributes"]["extra_"] == {"type": "numpy", "dtype": "<f4", "value": "-inf"}
    loaded = load_model(path)
    assert math.isnan(loaded.best_score_)
    assert loaded.extra_ == np.float32("-inf") and loaded.extra_.dtype == np.float32


def test_invalid_nonfinite_spelling_is_refused(
    tmp_path: Path, data: tuple[np.ndarray, np.ndarray]
) -> None:
    X, y = data
    path = tmp_path / "hkb.npz"
    save_model(_fit_cv(X, y, cv="hkb"), path)
    edit = lambda m: m["attributes"]["best_score_"].update(value="NaN!")  # noqa: E731
    _edit_meta(path, edit, resign=True)
    with pytest.raises(ModelFileError, match=r"entries are invalid \(invalid number 'NaN!'\)"):
        load_model(path)


def test_tampered_dict_entry(tmp_path: Path, data: tuple[np.ndarray, np.ndarray]) -> None:
    X, y = data
    path = tmp_path / "loo.npz"
    save_model(_fit_cv(X, y), path)

    def change(members: dict[str, np.ndarray]) -> None:
        members["cv_results_[mean]"] = members["cv_results_[mean]"][::-1].copy()

    _rewrite(path, change)
    with pytest.raises(ModelFileError, match=r"array 'cv_results_\[mean\]' fails its SHA-256"):
        load_model(path)


@pytest.mark.parametrize("splitter", [KFold(3), GroupKFold(2)])
def test_splitter_cv_is_refused(
    tmp_path: Path, data: tuple[np.ndarray, np.ndarray], splitter: Any
) -> None:
    X, y = data
    groups = np.arange(X.shape[0]) % 4
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = RidgeCV(cv=splitter).fit(X, y, groups=groups)
    with pytest.raises(TypeError) as info:
        save_model(model, tmp_path / "m.npz")
    assert str(info.value) == (
        "parameter 'cv' must be None, a number, a string, a list of these or an array to be "
        f"stored exactly (an object such as a splitter cannot be); got {splitter!r}"
    )
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("value", "pattern"),
    [
        ({1: np.ones(2)}, r"^attribute 'extra_' must be a dict with string keys; got 1$"),
        ({"a": {"b": 1}}, r"^attribute 'extra_'\['a'\] must be None, a number, a string"),
        ({"a": [1.0, float("nan")]}, r"^attribute 'extra_'\['a'\] must be .* of finite numbers"),
    ],
)
def test_unstorable_dict_entries_are_refused(
    tmp_path: Path, data: tuple[np.ndarray, np.ndarray], value: Any, pattern: str
) -> None:
    X, y = data
    model = _fit_cv(X, y, cv="gcv")
    model.extra_ = value  # type: ignore[attr-defined]
    with pytest.raises(TypeError, match=pattern):
        save_model(model, tmp_path / "m.npz")
    assert list(tmp_path.iterdir()) == []


# --- refusing to save -------------------------------------------------------------------------


def test_overwrite_protection(tmp_path: Path, data: tuple[np.ndarray, np.ndarray]) -> None:
    X, y = data
    path = tmp_path / "m.npz"
    first = Ridge(alpha=1.0).fit(X, y)
    second = Ridge(alpha=100.0).fit(X, y)
    save_model(first, path)
    before = path.read_bytes()
    with pytest.raises(FileExistsError) as info:
        save_model(second, path)
    assert str(info.value) == (
        f"path must be a new file (pass overwrite=True to replace it); got {str(path)!r}"
    )
    assert path.read_bytes() == before
    save_model(second, path, overwrite=True)
    assert load_model(path).alpha == 100.0


def test_unfitted_is_refused(tmp_path: Path) -> None:
    with pytest.raises(NotFittedError):
        save_model(Ridge(), tmp_path / "m.npz")
    assert not (tmp_path / "m.npz").exists()


def test_unregistered_class_is_refused(tmp_path: Path, data: tuple[np.ndarray, np.ndarray]) -> None:
    X, y = data
    expected = (
        r"^estimator must be an instance of LogisticRidge, LogisticRidgeCV, Ridge, RidgeCV; "
        r"got '{}'$"
    )
    with pytest.raises(TypeError, match=expected.format("Ridge")):
        save_model(SklearnRidge().fit(X, y), tmp_path / "m.npz")

    class Sub(Ridge):
        pass

    with pytest.raises(TypeError, match=expected.format("Sub")):
        save_model(Sub().fit(X, y), tmp_path / "m.npz")


def test_unstorable_attribute_is_refused(
    tmp_path: Path, data: tuple[np.ndarray, np.ndarray]
) -> None:
    X, y = data
    model = Ridge().fit(X, y)
    model.extra_ = {"a", "b"}  # type: ignore[attr-defined]
    with pytest.raises(TypeError, match=r"^attribute 'extra_' must be None, a number, a str"):
        save_model(model, tmp_path / "m.npz")
    assert list(tmp_path.iterdir()) == []


def test_registry_whitelist() -> None:
    assert model_classes() == {
        "Ridge": Ridge,
        "RidgeCV": RidgeCV,
        "LogisticRidge": LogisticRidge,
        "LogisticRidgeCV": LogisticRidgeCV,
    }


# --- refusing to load -------------------------------------------------------------------------


@pytest.fixture
def saved(tmp_path: Path, data: tuple[np.ndarray, np.ndarray]) -> Path:
    X, y = data
    path = tmp_path / "saved.npz"
    save_model(Ridge(alpha=0.5).fit(pa.table({f"x{j}": X[:, j] for j in range(4)}), y), path)
    return path


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "absent.npz"
    with pytest.raises(FileNotFoundError) as info:
        load_model(path)
    assert str(info.value) == f"model file must be an existing file; got {str(path)!r}"


@pytest.mark.parametrize("keep", [0.0, 0.3, 0.6, 0.9, 0.99])
def test_truncated_file(saved: Path, keep: float) -> None:
    raw = saved.read_bytes()
    saved.write_bytes(raw[: int(len(raw) * keep)])
    with pytest.raises(ModelFileError) as info:
        load_model(saved)
    assert str(info.value) == (
        "model file must be a ridgeway model file (an .npz archive written by ridgeway); "
        f"got {str(saved)!r}, which {NOT_A_MODEL}"
    )
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize(
    "content", [b"hello, I am a CSV\n1,2\n", pickle.dumps({"a": 1}), b"\x93NUMPY garbage"]
)
def test_not_a_model_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "fake.npz"
    path.write_bytes(content)
    with pytest.raises(ModelFileError, match=re.escape(NOT_A_MODEL)):
        load_model(path)


def test_plain_npy_file(tmp_path: Path) -> None:
    path = tmp_path / "array.npz"
    buf = io.BytesIO()
    np.save(buf, np.arange(3.0))
    path.write_bytes(buf.getvalue())
    with pytest.raises(ModelFileError, match=re.escape(NOT_A_MODEL)):
        load_model(path)


def test_npz_without_meta(tmp_path: Path) -> None:
    path = tmp_path / "plain.npz"
    np.savez(path, coef_=np.ones(3))
    with pytest.raises(ModelFileError, match=r"which has no ridgeway metadata$"):
        load_model(path)


def test_flipped_byte_is_detected(saved: Path) -> None:
    raw = bytearray(saved.read_bytes())
    with np.load(saved, allow_pickle=False) as npz:
        coef_bytes = npz["coef_"].tobytes()
    at = bytes(raw).index(coef_bytes)  # the coefficients are stored uncompressed
    raw[at + 3] ^= 0xFF
    saved.write_bytes(bytes(raw))
    with pytest.raises(ModelFileError):  # zip CRC or SHA-256, either way refused
        load_model(saved)


def test_tampered_array(saved: Path) -> None:
    def change(members: dict[str, np.ndarray]) -> None:
        members["coef_"] = members["coef_"] * 1.0001

    _rewrite(saved, change)
    with pytest.raises(ModelFileError) as info:
        load_model(saved)
    assert str(info.value) == (
        f"model file must be unmodified since it was saved; got {str(saved)!r}, "
        "whose array 'coef_' fails its SHA-256 check (tampered)"
    )


def test_tampered_array_dtype(saved: Path) -> None:
    def change(members: dict[str, np.ndarray]) -> None:
        members["coef_"] = members["coef_"].astype(np.float32)

    _rewrite(saved, change)
    with pytest.raises(ModelFileError, match=r"array 'coef_' fails its SHA-256 check \(tampered\)"):
        load_model(saved)


def test_removed_or_added_array(saved: Path) -> None:
    _rewrite(saved, lambda m: m.pop("feature_names_in_"))
    with pytest.raises(ModelFileError, match=r"where its metadata list .* \(tampered\)$"):
        load_model(saved)


def test_tampered_metadata(saved: Path) -> None:
    _edit_meta(saved, lambda m: m["params"]["alpha"].update(value=99.0), resign=False)
    with pytest.raises(ModelFileError, match=r"metadata fail their SHA-256 check \(tampered\)$"):
        load_model(saved)


def test_newer_format_version(saved: Path) -> None:
    _edit_meta(saved, lambda m: m.update(format_version=2, ridgeway_version="9.0"), resign=True)
    with pytest.raises(ModelFileError) as info:
        load_model(saved)
    assert str(info.value) == (
        "model file must be of format version 1 or older to be read by ridgeway "
        f"{ridgeway.__version__}; got {str(saved)!r} of format version 2 (written by ridgeway "
        "9.0); upgrade ridgeway to read it"
    )


def test_unknown_class(saved: Path) -> None:
    _edit_meta(saved, lambda m: m.update({"class": "os.system"}), resign=True)
    with pytest.raises(ModelFileError) as info:
        load_model(saved)
    assert str(info.value) == (
        "model file must be a model of a known class ('LogisticRidge', 'LogisticRidgeCV', "
        "'Ridge', 'RidgeCV'); "
        f"got {str(saved)!r} holding class 'os.system'"
    )


@pytest.mark.parametrize(
    ("edit", "pattern"),
    [
        (lambda m: m.update(format="something-else"), r"of format 'something-else'$"),
        (lambda m: m.update(format_version="1"), r"of format version '1'$"),
        (lambda m: m.update(format_version=0), r"of format version 0$"),
        (lambda m: m.pop("params"), r"whose metadata lack params$"),
        (lambda m: m["params"].update(bogus={"type": "int", "value": 1}), r"entries are invalid"),
        (lambda m: m["params"]["alpha"].update(type="lambda"), r"entries are invalid"),
    ],
)
def test_invalid_metadata(saved: Path, edit: Any, pattern: str) -> None:
    _edit_meta(saved, edit, resign=True)
    with pytest.raises(ModelFileError, match=pattern):
        load_model(saved)


def test_metadata_not_json(saved: Path) -> None:
    _rewrite(saved, lambda m: m.update(__meta__=np.array("{not json")))
    with pytest.raises(ModelFileError, match=r"whose metadata are not JSON$"):
        load_model(saved)


def test_metadata_wrong_dtype(saved: Path) -> None:
    _rewrite(saved, lambda m: m.update(__meta__=np.arange(3)))
    with pytest.raises(ModelFileError, match=r"whose metadata are of dtype int64$"):
        load_model(saved)


# --- classifiers: LogisticRidge and LogisticRidgeCV --------------------------------------------


def _labels(kind: str, score: np.ndarray) -> Any:
    """Class labels of the given kind from a score: two classes, or three for "multi"."""
    cut = np.digitize(score, [-0.5, 0.5])
    return {
        "str": np.where(score > 0, "yes", "no"),
        "object-str": np.where(score > 0, "spam", "ham").astype(object),
        "int": np.where(score > 0, 7, -3),
        "bool": score > 0,
        "float": np.where(score > 0, 1.0, 0.0),
        "multi": cut,
        "multi-str": np.array(["low", "mid", "high"], dtype=object)[cut],
    }[kind]


@pytest.fixture
def class_data() -> tuple[pa.Table, np.ndarray]:
    rng = np.random.default_rng(3)
    X = rng.normal(size=(60, 3))
    score = X @ np.array([1.5, -1.0, 0.3]) + 0.5 * rng.normal(size=60)
    return pa.table({name: X[:, j] for j, name in enumerate(("x0", "x1", "x2"))}), score


def _fit_quietly(model: Any, X: Any, y: Any) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # grid-edge warnings of the small explicit grids
        return model.fit(X, y)


@pytest.mark.parametrize(
    "kind", ["str", "object-str", "int", "bool", "float", "multi", "multi-str"]
)
@pytest.mark.parametrize(
    "make",
    [
        lambda: LogisticRidge(alpha=0.7),
        lambda: LogisticRidge(alpha=0.2, standardize=True, penalty_factor=np.array([1, 0, 2.0])),
        lambda: LogisticRidgeCV(n_alphas=8, cv=3),
        lambda: LogisticRidgeCV(alphas=[0.1, 1.0, 10.0], cv=3, rule="1se", scoring="accuracy"),
        lambda: LogisticRidgeCV(n_alphas=6, cv="alo", scoring="roc_auc"),  # se is None
    ],
    ids=["ridge", "ridge-penalty-factor", "cv", "cv-1se-list-grid", "alo-auc"],
)
def test_round_trip_classifiers(
    tmp_path: Path, class_data: tuple[pa.Table, np.ndarray], kind: str, make: Any
) -> None:
    X, score = class_data
    y = _labels(kind, score)
    model = _fit_quietly(make(), X, y)
    path = tmp_path / "clf.npz"
    model.save(path)
    loaded = ridgeway.load(path)
    _assert_same_state(model, loaded)  # classes_ in their dtype, cv_results_, coefs_path_, ...
    assert loaded.classes_.tolist() == model.classes_.tolist()
    assert [type(c) for c in loaded.classes_] == [type(c) for c in model.classes_]
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))
    np.testing.assert_array_equal(loaded.predict_proba(X), model.predict_proba(X))
    np.testing.assert_array_equal(loaded.decision_function(X), model.decision_function(X))


def test_logistic_cv_file_layout(tmp_path: Path, class_data: tuple[pa.Table, np.ndarray]) -> None:
    X, score = class_data
    model = _fit_quietly(LogisticRidgeCV(n_alphas=5, cv="alo", scoring="roc_auc"), X, score > 0)
    assert model.cv_results_["se"] is None
    path = tmp_path / "m.npz"
    save_model(model, path)
    with np.load(path, allow_pickle=False) as npz:
        names = set(npz.files)
        meta = json.loads(str(npz["__meta__"]))
    assert {"classes_", "coef_", "coefs_path_", "intercepts_path_", "feature_names_in_"} <= names
    assert {"cv_results_[alphas]", "cv_results_[log_loss]", "cv_results_[roc_auc]"} <= names
    assert "cv_results_[se]" not in names  # None is kept in the JSON
    items = dict(meta["attributes"]["cv_results_"]["items"])
    assert items["se"] == {"type": "NoneType", "value": None}
    assert meta["class"] == "LogisticRidgeCV"
    assert meta["params"]["cv"] == {"type": "str", "value": "alo"}
    assert meta["arrays"]["classes_"]["dtype"] == "|b1"


@pytest.mark.parametrize("splitter", [StratifiedKFold(3), KFold(4)])
def test_logistic_splitter_cv_is_refused(
    tmp_path: Path, class_data: tuple[pa.Table, np.ndarray], splitter: Any
) -> None:
    X, score = class_data
    model = _fit_quietly(LogisticRidgeCV(n_alphas=4, cv=splitter), X, score > 0)
    with pytest.raises(TypeError) as info:
        model.save(tmp_path / "m.npz")
    assert str(info.value) == (
        "parameter 'cv' must be None, a number, a string, a list of these or an array to be "
        f"stored exactly (an object such as a splitter cannot be); got {splitter!r}"
    )
    assert list(tmp_path.iterdir()) == []


def test_tampered_classes_are_detected(
    tmp_path: Path, class_data: tuple[pa.Table, np.ndarray]
) -> None:
    X, score = class_data
    path = tmp_path / "m.npz"
    LogisticRidge().fit(X, _labels("str", score)).save(path)

    def change(members: dict[str, np.ndarray]) -> None:
        members["classes_"] = members["classes_"][::-1].copy()  # swap the labels

    _rewrite(path, change)
    with pytest.raises(ModelFileError, match=r"array 'classes_' fails its SHA-256 check"):
        load_model(path)
