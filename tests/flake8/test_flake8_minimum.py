"""The plugin on the oldest flake8 pyproject.toml allows (7.0.0), installed and used."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

import pytest

from tests.server.lsp_client import server_env
from tests.server.test_pygls_minimum import declared_minimum, install

from .test_flake8_plugin import REPO, cli_findings

pytestmark = pytest.mark.slow


def test_flake8_plugin_on_the_oldest_flake8_allowed(tmp_path):
    assert declared_minimum("flake8") == "7.0"
    target = install(tmp_path / "flake8", "flake8==7.0.0")
    model = tmp_path / "model.py"
    shutil.copy(REPO / "examples" / "lint_demo" / "model.py", model)
    result = subprocess.run(
        [sys.executable, "-m", "flake8", "--version"],
        env=server_env(str(target)),
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.startswith("7.0.0 (kaiming-keras: ")
    result = subprocess.run(
        [sys.executable, "-m", "flake8", "--select", "KAI", str(model)],
        env=server_env(str(target)),
        capture_output=True,
        text=True,
        check=False,
    )
    found = sorted(
        ("model.py", int(line), int(column), code, message)
        for line, column, code, message in re.findall(
            r":(\d+):(\d+): (KAI\d+) (.*)$", result.stdout, re.M
        )
    )
    expected = cli_findings("model.py", cwd=tmp_path)
    assert found == expected and len(found) == 6
