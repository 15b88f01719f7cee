"""The server on the oldest pygls pyproject.toml allows (2.0.0), installed and used."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from .lsp_client import REPO, Client, apply_edits, server_env
from .test_session import MODEL, cli_json, expected_ranges, ranges

pytestmark = pytest.mark.slow


def declared_minimum(package: str) -> str:
    text = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    (version,) = re.findall(rf'"{package}>=([0-9.]+)', text)
    return version


def install(target: Path, requirement: str) -> Path:
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--target", str(target), requirement],
        check=True,
        capture_output=True,
    )
    return target


@pytest.fixture(scope="module")
def oldest_pygls(tmp_path_factory) -> Path:
    version = declared_minimum("pygls")
    assert version == "2.0"
    return install(tmp_path_factory.mktemp("pygls"), "pygls==2.0.0")


def test_server_on_the_oldest_pygls_allowed(oldest_pygls, tmp_path):
    env = server_env(str(oldest_pygls))
    version = subprocess.run(
        [sys.executable, "-c", "import importlib.metadata as m; print(m.version('pygls'))"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert version == "2.0.0"
    (tmp_path / "my project").mkdir()
    path = tmp_path / "my project" / "model.py"
    path.write_text(MODEL, encoding="utf-8")
    client = Client(tmp_path, env=env)
    try:
        client.initialize(tmp_path)
        client.open(path.as_uri(), MODEL)
        diagnostics = client.diagnostics(path.as_uri(), version=1)
        assert ranges(diagnostics) == expected_ranges(MODEL, cli_json(path))
        actions = client.code_actions(path.as_uri(), (0, 0), (0, 0), only=["source.fixAll"])
        fixed = apply_edits(MODEL, actions[0]["edit"]["changes"][path.as_uri()])
        assert "KaimingNormal()" in fixed
        assert client.close() == 0
    finally:
        client.kill()
