"""`kaiming-lint` on notebooks, end to end (needs the runner's `.ipynb` wiring)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kaiming_lint.cli import main

from .notebook_helpers import (
    IMAGE_OUTPUT,
    MODEL,
    STREAM_OUTPUT,
    TIMED,
    code,
    dump,
    notebook,
    sample,
)


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    status = main([*args, "--jobs", "1"])
    return status, capsys.readouterr().out


@pytest.fixture
def nb(tmp_path: Path) -> Path:
    path = tmp_path / "model.ipynb"
    path.write_bytes(sample())
    return path


def test_text_output_names_cell_and_line(nb: Path, capsys) -> None:
    status, out = _run(capsys, str(nb))
    assert status == 1
    # cell 3 (the markdown cell counts), line 3 of the cell, column of the initializer
    initializer = MODEL.splitlines()[2].index('"glorot_uniform"') + 1
    assert f"{nb}:cell 3:3:{initializer}: KAI002" in out
    conv = TIMED.splitlines()[4].index("layers.Conv2D") + 1
    assert f"{nb}:cell 5:5:{conv}: KAI001" in out


def test_json_output_points_into_the_notebook_file(nb: Path, capsys) -> None:
    status, out = _run(capsys, "--format", "json", str(nb))
    assert status == 1
    lines = nb.read_text(encoding="utf-8").splitlines()
    findings = {f["code"]: f for f in json.loads(out)}
    assert set(findings) == {"KAI001", "KAI002"}
    kai002 = findings["KAI002"]
    assert lines[kai002["line"] - 1][kai002["column"] - 1 :].startswith('\\"glorot_uniform\\"')
    kai001 = findings["KAI001"]
    assert lines[kai001["line"] - 1][kai001["column"] - 1 :].startswith("layers.Conv2D(8, 3")


def test_fix_rewrites_only_sources_and_a_second_run_is_clean(nb: Path, capsys) -> None:
    before = json.loads(nb.read_text(encoding="utf-8"))

    status, _ = _run(capsys, "--fix", str(nb))

    assert status == 0
    after = json.loads(nb.read_text(encoding="utf-8"))
    assert after["cells"][2]["outputs"] == [STREAM_OUTPUT, IMAGE_OUTPUT]
    assert after["metadata"] == before["metadata"]
    assert [c["metadata"] for c in after["cells"]] == [c["metadata"] for c in before["cells"]]
    sources = ["".join(c["source"]) for c in after["cells"]]
    assert "kernel_initializer=KaimingNormal()" in sources[2]
    assert sources[2].startswith("!pip install -q kaiming-keras\n")  # magics kept
    assert "from kaiming_keras import KaimingNormal" in sources[1]
    assert sources[3] == "".join(before["cells"][3]["source"])  # %%bash untouched
    assert nb.read_bytes().endswith(b"}\n")
    assert _run(capsys, str(nb))[0] == 0


def test_a_broken_cell_is_reported_and_the_others_are_still_checked(tmp_path, capsys) -> None:
    path = tmp_path / "broken.ipynb"
    cells = [
        code("from keras import layers"),
        code("d = layers.Dense(3, activation='relu'"),  # unclosed
        code("e = layers.Dense(3, activation='relu')"),
    ]
    path.write_bytes(dump(notebook(cells)))
    status, out = _run(capsys, str(path))
    assert status == 1
    assert "cell 2" in out and "KAI900" in out
    assert f"{path}:cell 3:1:5: KAI001" in out


def test_directories_are_searched_for_notebooks(tmp_path: Path, capsys) -> None:
    (tmp_path / "nbs").mkdir()
    (tmp_path / "nbs" / "a.ipynb").write_bytes(sample())
    status, out = _run(capsys, "--format", "json", str(tmp_path))
    assert status == 1
    assert {Path(f["path"]).name for f in json.loads(out)} == {"a.ipynb"}


def test_a_file_that_is_not_json_is_unreadable(tmp_path: Path, capsys) -> None:
    path = tmp_path / "bad.ipynb"
    path.write_text("{not json", encoding="utf-8")
    status, out = _run(capsys, str(path))
    assert status == 1
    assert "KAI900" in out and "invalid JSON" in out
