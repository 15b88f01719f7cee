"""kaiming-lint on saved models: `.keras` archives and `model.to_json()` files, without Keras."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import keras
import pytest


def _model() -> keras.Model:
    inputs = keras.Input((8, 8, 3))
    x = keras.layers.Conv2D(4, 3, activation="relu", name="stem")(inputs)  # KAI001
    x = keras.layers.Flatten()(x)
    x = keras.layers.Dense(16, kernel_initializer="he_normal", bias_initializer="ones")(x)
    x = keras.layers.ReLU()(x)  # the Dense above: KAI003
    x = keras.layers.Dense(16, activation="relu", kernel_initializer="he_normal", name="ok")(x)
    outputs = keras.layers.Dense(10, name="head")(x)
    return keras.Model(inputs, outputs)


def _lint(*args: str) -> subprocess.CompletedProcess[str]:
    # The linter runs in its own process: it must read saved models with Keras never imported.
    code = (
        "import sys\n"
        "from kaiming_lint.cli import main\n"
        "status = main(sys.argv[1:])\n"
        "assert 'keras' not in sys.modules and 'tensorflow' not in sys.modules\n"
        "sys.exit(status)\n"
    )
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, check=False
    )


@pytest.fixture(scope="module")
def saved(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("saved")
    model = _model()
    archive = folder / "model.keras"
    model.save(archive)
    as_json = folder / "model.json"
    as_json.write_text(model.to_json(), encoding="utf-8")
    return {"keras": archive, "json": as_json, "folder": folder}


@pytest.mark.parametrize("kind", ["keras", "json"])
def test_saved_model_findings_name_the_layers(saved: dict[str, Path], kind: str) -> None:
    result = _lint("--format", "json", str(saved[kind]))
    assert result.returncode == 1, result.stderr
    findings = json.loads(result.stdout)
    by_code = {(f["code"], f["message"].split("'")[1]) for f in findings}
    dense_name = next(name for code, name in by_code if code == "KAI003")
    assert by_code == {("KAI001", "stem"), ("KAI003", dense_name)}
    assert dense_name.startswith("dense")
    assert all(not f["fixable"] and f["line"] == 1 for f in findings)


def test_directories_are_searched_for_keras_archives(saved: dict[str, Path]) -> None:
    result = _lint(str(saved["folder"]))
    assert result.returncode == 1
    reported = {line.split(":")[0] for line in result.stdout.splitlines() if "KAI" in line}
    # The .keras archive is found; a .json file is read only when named.
    assert reported == {str(saved["keras"])}


def test_a_clean_saved_model_passes(tmp_path: Path) -> None:
    model = keras.Sequential(
        [
            keras.Input((4,)),
            keras.layers.Dense(8, activation="relu", kernel_initializer="he_uniform"),
            keras.layers.Dense(1),
        ]
    )
    path = tmp_path / "clean.keras"
    model.save(path)
    result = _lint(str(path))
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_broken_archive_is_reported_not_crashed_on(tmp_path: Path) -> None:
    not_a_zip = tmp_path / "broken.keras"
    not_a_zip.write_bytes(b"not a zip file")
    no_config = tmp_path / "empty.keras"
    with zipfile.ZipFile(no_config, "w") as archive:
        archive.writestr("metadata.json", "{}")
    result = _lint("--format", "json", str(not_a_zip), str(no_config))
    assert result.returncode == 1, result.stderr
    findings = json.loads(result.stdout)
    assert [f["code"] for f in findings] == ["KAI900", "KAI900"]
    assert "config.json" in findings[1]["message"]
