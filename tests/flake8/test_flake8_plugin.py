"""`flake8 --select KAI` (flake8 run as a subprocess) reports what `kaiming-lint` reports."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
SAMPLES = {
    "unicode_and_tabs.py": (
        "from keras import layers\n"
        's = "😀é"; x = layers.Dense(8, activation="relu")\n'
        "if True:\n"
        '\ty = layers.Conv2D(4, 3, activation="relu", kernel_initializer="glorot_normal")\n'
    ),
    "suppressed.py": (
        "from keras import layers\n"
        'a = layers.Dense(8, activation="relu")  # noqa: KAI001\n'
        "b = layers.Dense(\n"
        '    8, activation="relu", bias_initializer="ones"  # noqa: KAI003\n'
        ")\n"
    ),
    "crlf.py": 'from keras import layers\r\nx = layers.Dense(8, activation="relu")\r\n',
    "clean.py": "import keras\n\nprint(keras.__version__)\n",
}


def env() -> dict[str, str]:
    variables = dict(os.environ)
    variables["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(REPO), variables.get("PYTHONPATH")])
    )
    return variables


def flake8(*args, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "flake8", "--select", "KAI", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env(),
        check=False,
    )


def flake8_findings(*args, cwd: Path) -> list[tuple]:
    result = flake8(*args, cwd=cwd)
    assert result.returncode in (0, 1), result.stderr
    assert result.stderr == ""
    found = re.findall(r"^(.+?):(\d+):(\d+): (KAI\d+) (.*)$", result.stdout, re.MULTILINE)
    return sorted(
        (Path(p).name, int(line), int(col), code, msg) for p, line, col, code, msg in found
    )


def cli_findings(*args, cwd: Path) -> list[tuple]:
    result = subprocess.run(
        [sys.executable, "-m", "kaiming_lint", "--format", "json", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env(),
        check=False,
    )
    assert result.returncode in (0, 1), result.stderr
    return sorted(
        (Path(f["path"]).name, f["line"], f["column"], f["code"], f["message"])
        for f in json.loads(result.stdout)
    )


@pytest.fixture
def samples(tmp_path) -> Path:
    for name, text in SAMPLES.items():
        (tmp_path / name).write_bytes(text.encode("utf-8"))
    shutil.copy(REPO / "examples" / "lint_demo" / "model.py", tmp_path / "demo_model.py")
    return tmp_path


def test_the_plugin_is_registered_under_the_kai_prefix():
    entry_points = metadata.entry_points(group="flake8.extension")
    (plugin,) = [e for e in entry_points if e.name == "KAI"]
    assert plugin.value == "kaiming_lint.flake8_plugin:KaimingLintChecker", (
        "reinstall the package (pip install -e .) to register the entry point"
    )


def test_same_codes_lines_columns_and_messages_as_the_cli(samples):
    names = sorted(p.name for p in samples.glob("*.py"))
    expected = cli_findings(*names, cwd=samples)
    assert {code for *_, code, _ in expected} >= {"KAI001", "KAI002", "KAI003", "KAI005"}
    assert ("unicode_and_tabs.py", 2, 15, "KAI001") in [e[:4] for e in expected]
    assert flake8_findings(*names, cwd=samples) == expected
    assert flake8_findings("-j", "2", ".", cwd=samples) == expected  # flake8's parallel mode


def test_configuration_comes_from_tool_kaiming_lint(samples):
    (samples / "pyproject.toml").write_text(
        '[tool.kaiming-lint]\nignore = ["KAI005", "KAI001"]\n', encoding="utf-8"
    )
    expected = cli_findings("demo_model.py", cwd=samples)
    assert {code for *_, code, _ in expected} == {"KAI002", "KAI003", "KAI004"}
    assert flake8_findings("demo_model.py", cwd=samples) == expected

    (samples / "pyproject.toml").write_text('[tool.kaiming-lint]\nselct = ["KAI001"]\n', "utf-8")
    result = flake8("demo_model.py", cwd=samples)
    assert result.returncode == 1
    assert "unknown key 'selct' in [tool.kaiming-lint]" in result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr


def test_a_file_that_does_not_parse_never_crashes_flake8(samples):
    (samples / "broken.py").write_text(
        'from keras import layers\nx = layers.Dense(8, activation="relu"\n', encoding="utf-8"
    )
    result = flake8("broken.py", "unicode_and_tabs.py", cwd=samples)
    assert result.returncode == 1 and result.stderr == ""
    assert "broken.py" not in result.stdout  # flake8 reports it as E999 (not selected here)
    assert "unicode_and_tabs.py:2:15: KAI001" in result.stdout
    with_syntax = subprocess.run(
        [sys.executable, "-m", "flake8", "--select", "KAI,E999", "broken.py"],
        capture_output=True,
        text=True,
        cwd=samples,
        env=env(),
        check=False,
    )
    assert re.match(r"broken\.py:2:\d+: E999 SyntaxError", with_syntax.stdout), with_syntax.stdout


def test_importing_kaiming_lint_needs_no_flake8():
    code = (
        "import sys, kaiming_lint.flake8_plugin, kaiming_lint.cli, kaiming_lint.pipeline\n"
        "assert 'flake8' not in sys.modules, 'flake8 was imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], env=env(), check=True)
