"""Tests of ``ridgeway inverse``: the printed λ and errors against ridgeway.inverse called directly."""

from __future__ import annotations

import re
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

from ridgeway.cli import main
from ridgeway.inverse import problems, tikhonov
from ridgeway.inverse.choice import ChoiceWarning

NUMBER = r"(-?\d[\d.]*(?:e[+-]?\d+)?|—)"
ROW = re.compile(
    r"\s*(lcurve|gcv|discrepancy|quasi|ncp)\s+"
    + NUMBER
    + r"\s+"
    + NUMBER
    + r"\s+"
    + NUMBER
    + r"\s+(yes|no|failed)(?:\s+(.*?))?\s*"
)
BEST = re.compile(r"best achievable error over the λ grid: " + NUMBER + r" at λ = " + NUMBER)
PRINTED = 2e-5  # six significant digits
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _run(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    *argv: str,
    columns: int = 80,
) -> tuple[int, str, str]:
    monkeypatch.setenv("COLUMNS", str(columns))  # rich reads the width when main() starts
    code = main(["inverse", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def _rows(out: str) -> dict[str, tuple[float | None, float | None, float | None, str, str]]:
    """rule -> (λ, relative error, error / best, reliable, diagnostic in the table or '')."""
    rows = {}
    for line in out.splitlines():
        m = ROW.fullmatch(line)
        if m:
            values = [None if m.group(i) == "—" else float(m.group(i)) for i in (2, 3, 4)]
            rows[m.group(1)] = (*values, m.group(5), m.group(6) or "")
    return rows  # type: ignore[return-value]


def _best(out: str) -> tuple[float, float]:
    m = BEST.search(out)
    assert m, out
    return float(m.group(1)), float(m.group(2))


def _direct(name: str, n: int, noise: float, seed: int, method: str, **kw: object) -> object:
    """tikhonov() on the problem the command builds, with the same noise and noise norm."""
    example = kw.pop("example", None)
    A, b, x = getattr(problems, name)(n, **({} if example is None else {"example": example}))
    bn = problems.add_noise(b, noise, seed=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ChoiceWarning)
        res = tikhonov(A, bn, method=method, noise_norm=noise * np.linalg.norm(b), **kw)
    return res, x


def _rel(x: np.ndarray, x_exact: np.ndarray) -> float:
    return float(np.linalg.norm(x - x_exact) / np.linalg.norm(x_exact))


def _one_error_line(code: int, out: str, err: str) -> str:
    assert code == 2
    assert out == ""
    assert err.startswith("error: ") and err.count("\n") == 1, err
    return err


@pytest.mark.parametrize(
    ("argv", "name", "kw"),
    [
        (["shaw", "--n", "64"], "shaw", {}),
        (
            ["gravity", "--example", "2", "--n", "64", "--L", "first", "--seed", "3"],
            "gravity",
            {"example": 2, "L": "first"},
        ),
        (
            ["deriv2", "--example", "3", "--n", "64", "--noise", "0.05", "--tau", "1.1"],
            "deriv2",
            {"example": 3, "tau": 1.1},
        ),
    ],
)
def test_printed_lambdas_and_errors_are_those_of_tikhonov(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    argv: list[str],
    name: str,
    kw: dict[str, object],
) -> None:
    code, out, err = _run(capsys, monkeypatch, *argv)
    assert code == 0, err
    assert err == ""  # the rules' doubts are in the table, not repeated as warnings
    rows = _rows(out)
    assert list(rows) == ["lcurve", "gcv", "discrepancy", "quasi", "ncp"]
    noise = float(argv[argv.index("--noise") + 1]) if "--noise" in argv else 0.01
    seed = int(argv[argv.index("--seed") + 1]) if "--seed" in argv else 0
    best, best_lam = _best(out)
    for method, (lam, error, ratio, reliable, _) in rows.items():
        res, x = _direct(name, 64, noise, seed, method, **dict(kw))
        assert lam == pytest.approx(res.lam, rel=PRINTED)
        assert error == pytest.approx(_rel(res.x, x), rel=PRINTED)
        assert ratio == pytest.approx(_rel(res.x, x) / best, rel=2 * PRINTED)
        assert reliable == ("yes" if res.choice.reliable else "no")
        # the shortened diagnostic, listed under the table at 80 columns
        start = res.choice.diagnostic.removeprefix("UNRELIABLE: ")[:20]
        assert f"  {method}: {start}" in out
    # the best error over the grid, by brute force over solution_at
    res, x = _direct(name, 64, noise, seed, "lcurve", **dict(kw))
    errors = [_rel(res.solution_at(lam), x) for lam in res.path.lambdas]
    i = int(np.argmin(errors))
    assert best == pytest.approx(errors[i], rel=PRINTED)
    assert best_lam == pytest.approx(res.path.lambdas[i], rel=PRINTED)
    assert res.path.lambdas.size == 200
    holds, detail = res.picard
    assert f"discrete Picard condition: {'holds' if holds else 'not confirmed'}" in out
    assert " ".join(detail.split()[:6]) in " ".join(out.split())


def test_wide_terminal_puts_the_diagnostics_in_the_table(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, err = _run(capsys, monkeypatch, "shaw", "--n", "64", columns=200)
    assert code == 0, err
    assert "diagnostics (shortened)" not in out
    rows = _rows(out)
    assert set(rows) == {"lcurve", "gcv", "discrepancy", "quasi", "ncp"}
    for method, row in rows.items():
        res, _ = _direct("shaw", 64, 0.01, 0, method)
        assert row[4] and res.choice.diagnostic.removeprefix("UNRELIABLE: ").startswith(row[4][:20])


def test_methods_repeated_or_comma_separated_in_order(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, err = _run(
        capsys,
        monkeypatch,
        "phillips",
        "--n",
        "64",
        "--method",
        "ncp, gcv",
        "--method",
        "ncp",
        "--method",
        "LCURVE",
    )
    assert code == 0, err
    assert list(_rows(out)) == ["ncp", "gcv", "lcurve"]
    assert "τ =" not in out  # only said when the discrepancy principle runs


@pytest.mark.parametrize(
    ("argv", "name", "kw"),
    [
        # without noise the discrepancy principle has no noise norm to match
        (["shaw", "--n", "64", "--noise", "0"], "shaw", {"noise": 0.0}),
        # with L = second, deriv2's linear solution lies in the null space of L: the residual
        # never grows to the noise norm
        (["deriv2", "--n", "64", "--L", "second"], "deriv2", {"noise": 0.01, "L": "second"}),
    ],
)
def test_a_failing_rule_shows_its_reason_and_the_others_run(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    argv: list[str],
    name: str,
    kw: dict[str, object],
) -> None:
    code, out, err = _run(capsys, monkeypatch, *argv)
    assert code == 0, err
    rows = _rows(out)
    lam, error, ratio, reliable, _ = rows["discrepancy"]
    assert (lam, error, ratio, reliable) == (None, None, None, "failed")
    noise = float(kw.pop("noise"))  # type: ignore[arg-type]
    with pytest.raises(ValueError) as info:
        _direct(name, 64, noise, 0, "discrepancy", **kw)
    assert f"  discrepancy: {str(info.value)[:25]}" in out
    for method in ("lcurve", "gcv", "quasi", "ncp"):
        assert rows[method][0] is not None
    _best(out)


def test_plot_writes_a_png_and_refuses_to_overwrite(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    target = tmp_path / "shaw.png"
    argv = ["shaw", "--n", "64", "--method", "lcurve,discrepancy", "--plot", str(target)]
    code, out, err = _run(capsys, monkeypatch, *argv)
    assert code == 0, err
    data = target.read_bytes()
    assert len(data) > 0 and data.startswith(PNG_SIGNATURE)
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert width > height > 0  # the 1×2 figure
    assert f"plotwrittento{target}" in "".join(out.split())  # rich may fold a long path

    code, out, err = _run(capsys, monkeypatch, *argv)
    msg = _one_error_line(code, out, err)
    assert "--plot must be a new file (pass --force to replace it)" in msg
    assert target.read_bytes() == data

    target.write_bytes(b"old")
    code, out, err = _run(capsys, monkeypatch, *argv, "--force")
    assert code == 0, err
    assert target.read_bytes().startswith(PNG_SIGNATURE)


def test_plot_needs_a_png_name_and_matplotlib(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    code, out, err = _run(capsys, monkeypatch, "shaw", "--plot", str(tmp_path / "x.jpg"))
    assert "--plot must be a .png file" in _one_error_line(code, out, err)
    missing = tmp_path / "no" / "x.png"
    code, out, err = _run(capsys, monkeypatch, "shaw", "--plot", str(missing))
    assert "--plot must be in an existing folder" in _one_error_line(code, out, err)

    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)  # import fails
    target = tmp_path / "x.png"
    code, out, err = _run(capsys, monkeypatch, "shaw", "--plot", str(target))
    assert "install ridgeway[report]" in _one_error_line(code, out, err)
    assert not target.exists()


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["nope"], "error: PROBLEM must be one of shaw, phillips"),
        (["blur"], "error: PROBLEM must be a one-dimensional problem"),
        (["shaw", "--n", "63"], "error: --n must be even for shaw; got 63"),
        (["phillips", "--n", "66"], "error: --n must be a multiple of 4 for phillips; got 66"),
        (["deriv2", "--example", "3", "--n", "9"], "error: --n must be even for deriv2 example 3"),
        (["shaw", "--n", "2"], "error: --n must be an integer from 4 to 4096; got 2"),
        (["shaw", "--n", "5000"], "error: --n must be an integer from 4 to 4096; got 5000"),
        (["shaw", "--n", "many"], "error: argument --n: invalid int value: 'many'"),
        (["shaw", "--method", "lasso"], "error: --method must be one or more of lcurve"),
        (["shaw", "--method", "gcv,"], "error: --method must be one or more of lcurve"),
        (["shaw", "--example", "2"], "error: --example must be given only with deriv2 or gravity"),
        (["gravity", "--example", "4"], "error: argument --example: invalid choice: 4"),
        (["shaw", "--L", "third"], "error: argument --L: invalid choice: 'third'"),
        (["shaw", "--noise", "-0.1"], "error: --noise must be a finite number ≥ 0; got -0.1"),
        (["shaw", "--noise", "nan"], "error: --noise must be a finite number ≥ 0; got nan"),
        (["shaw", "--tau", "0"], "error: --tau must be a positive finite number; got 0.0"),
        (["shaw", "--seed", "-1"], "error: --seed must be a non-negative integer; got -1"),
        ([], "error: the following arguments are required: PROBLEM"),
    ],
)
def test_errors_are_one_line_with_status_2(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    argv: list[str],
    expected: str,
) -> None:
    code, out, err = _run(capsys, monkeypatch, *argv)
    assert _one_error_line(code, out, err).startswith(expected), err
