"""The example scripts run (reduced in size) and still show what they are there to show."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

pytestmark = pytest.mark.slow


def run_example(script: str, *args: str | Path, stderr: list[str] | None = None) -> str:
    env = {**os.environ, "KERAS_BACKEND": "tensorflow", "TF_CPP_MIN_LOG_LEVEL": "3"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    result = subprocess.run(
        [sys.executable, str(EXAMPLES / script), *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    if stderr is not None:
        stderr.append(result.stderr)
    return result.stdout


def table_rows(markdown: str) -> dict[str, list[str]]:
    """The body of the markdown table in ``markdown``: {first cell: [other cells]}."""
    lines = [line.strip() for line in markdown.splitlines() if line.strip().startswith("|")]
    assert len(lines) > 2 and set(lines[1]) <= set("|-: "), markdown
    rows = {}
    for line in lines[2:]:
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        rows[cells[0]] = cells[1:]
    return rows


def leading_number(cell: str) -> float:
    match = re.match(r"[-+0-9.e]+", cell)
    assert match, cell
    return float(match.group())


def assert_png(path: Path) -> None:
    assert path.read_bytes()[:8] == PNG_SIGNATURE


def test_deep_relu_variance(tmp_path):
    out, table = tmp_path / "variance.png", tmp_path / "variance.md"
    stdout = run_example(
        "deep_relu_variance.py",
        "--layers", "16", "--width", "64", "--samples", "256", "--out", out, "--table", table,
    )  # fmt: skip

    assert_png(out)
    assert table.read_text(encoding="utf-8").strip() in stdout
    rows = table_rows(stdout)
    assert set(rows) == {"KaimingNormal", "HeNormal", "GlorotUniform", "LecunNormal"}
    last = {name: leading_number(cells[-2]) for name, cells in rows.items()}
    per_layer = {name: leading_number(cells[-1]) for name, cells in rows.items()}
    # 16 ReLU layers at 1/sqrt(2) each: Glorot and LeCun end ~2**-8 below He.
    assert last["KaimingNormal"] / last["GlorotUniform"] > 50
    assert last["KaimingNormal"] / last["LecunNormal"] > 50
    assert 0.25 < last["KaimingNormal"] / last["HeNormal"] < 4
    assert 0.6 < per_layer["GlorotUniform"] < 0.8  # 1/sqrt(2) = 0.707
    assert 0.9 < per_layer["KaimingNormal"] < 1.1


def test_train_deep_plain_net(tmp_path):
    out, table = tmp_path / "training.png", tmp_path / "training.md"
    stdout = run_example(
        "train_deep_plain_net.py",
        "--depth", "20", "--width", "32", "--epochs", "5", "--seeds", "0",
        "--out", out, "--table", table,
    )  # fmt: skip

    assert_png(out)
    assert table.read_text(encoding="utf-8").strip() in stdout
    rows = table_rows(stdout)
    accuracy = {name: leading_number(cells[0]) for name, cells in rows.items()}
    loss = {name: leading_number(cells[1]) for name, cells in rows.items()}
    assert set(rows) == {"KaimingNormal", "GlorotUniform"}
    assert loss["KaimingNormal"] < loss["GlorotUniform"] - 0.3
    assert accuracy["GlorotUniform"] < 0.25  # stalled near chance (0.1)
    assert accuracy["KaimingNormal"] > accuracy["GlorotUniform"] + 0.2


def test_train_deep_plain_net_monitor(tmp_path):
    logs, errors = tmp_path / "logs", []
    run_example(
        "train_deep_plain_net.py",
        "--depth", "16", "--width", "32", "--epochs", "2", "--seeds", "0",
        "--out", tmp_path / "training.png", "--monitor", logs, "--monitor-every", "20",
        stderr=errors,
    )  # fmt: skip
    warned = [line for line in errors[0].splitlines() if "SignalWarning" in line]
    assert warned and all(line.startswith("GlorotUniform seed 0:") for line in warned), warned
    assert any("signal shrinks" in line for line in warned)
    assert {path.name for path in logs.iterdir()} == {"KaimingNormal-seed0", "GlorotUniform-seed0"}

    out = tmp_path / "signals.png"
    rows = table_rows(run_example("plot_signal_logs.py", logs, "--out", out))
    assert_png(out)
    # The logged figures: Glorot's output std collapses by 0.707 a layer, Kaiming's holds.
    final = {name: leading_number(cells[-1]) for name, cells in rows.items()}
    assert final["GlorotUniform-seed0"] < 0.05 < 0.2 < final["KaimingNormal-seed0"]


def test_signal_monitor_defaults():
    stdout = run_example(
        "signal_monitor_defaults.py", "--epochs", "1", "--seeds", "0", "--depth", "12",
        "--width", "32",
    )  # fmt: skip
    rows = table_rows(stdout)
    at_start = {name: leading_number(cells[0]) for name, cells in rows.items()}
    # 12 Glorot ReLU layers lose 0.707 each (~64x); Kaiming holds the signal.
    assert at_start["GlorotUniform"] > 10 * at_start["KaimingNormal"]


def test_lint_demo_model_builds():
    stdout = run_example("lint_demo/model.py")
    assert "lint_demo" in stdout and "head" in stdout


@pytest.mark.parametrize("method", ["lint", "initialize"])
def test_lint_demo_compare_variance(tmp_path, method):
    out = tmp_path / "compare.png"
    stdout = run_example(
        "lint_demo/compare_variance.py", "--method", method, "--samples", "4", "--out", out
    )

    assert_png(out)
    rows = list(table_rows(stdout).values())
    _layer, kind, before, after = rows[0]
    assert kind == "Conv2D"
    # The first Conv2D kept Keras's default Glorot init (fan_avg of 27 and 288): the fix's
    # He init (fan_in 27) raises its output std by about sqrt(315 / 27) ~ 3.4.
    assert float(after) / float(before) > 2
    # The Dense with a constant kernel: every unit equal, so its output barely varies before.
    constant = next(cells for cells in rows if cells[1] == "Dense" and float(cells[2]) < 0.05)
    assert float(constant[3]) / float(constant[2]) > 10


def test_project_demo_is_found_across_modules_fixed_once_and_builds_with_he_kernels(tmp_path):
    """examples/project_demo: the layer in blocks.py is reported from model.py's calls, and the
    one fix there gives both Conv2D layers a He kernel when model.py builds the model."""
    demo = tmp_path / "project_demo"
    shutil.copytree(EXAMPLES / "project_demo", demo)
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "demo"\n', encoding="utf-8")
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        "KAIMING_LINT_CACHE_DIR": str(tmp_path / "cache"),
    }
    lint = [sys.executable, "-m", "kaiming_lint", "--format", "json", "--exit-zero"]
    found = json.loads(
        subprocess.run([*lint, "."], cwd=tmp_path, env=env, capture_output=True, text=True).stdout
    )
    assert [(f["path"], f["line"], f["code"]) for f in found] == [
        ("project_demo/blocks.py", 12, "KAI001")
    ]
    assert [(r["path"], r["line"]) for r in found[0]["related"]] == [
        ("project_demo/model.py", 10),
        ("project_demo/model.py", 11),
    ]
    before = subprocess.run(
        [sys.executable, str(demo / "model.py")], env=env, capture_output=True, text=True
    )
    assert "project_demo: ['GlorotUniform', 'GlorotUniform']" in before.stdout, before.stderr
    subprocess.run([*lint, "--fix", "."], cwd=tmp_path, env=env, check=True, capture_output=True)
    after = subprocess.run(
        [sys.executable, str(demo / "model.py")], env=env, capture_output=True, text=True
    )
    assert "project_demo: ['KaimingNormal', 'KaimingNormal']" in after.stdout, after.stderr
