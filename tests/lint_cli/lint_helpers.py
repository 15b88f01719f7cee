"""Shared by the kaiming-lint command-line tests: sample model, runners and fixtures."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from kaiming_lint.cli import main

REPO = Path(__file__).resolve().parents[2]

# A model file with one finding per rule KAI001-KAI004 (all fixable) and no other problem.
MODEL = '''\
"""A small model."""

import keras
from keras import layers

model = keras.Sequential(
    [
        layers.Dense(64, activation="relu"),  # KAI001
        layers.Dense(64, activation="relu", kernel_initializer="glorot_uniform"),  # KAI002
        layers.Dense(32, activation="relu", kernel_initializer="he_normal", bias_initializer="ones"),
        layers.Dense(32, activation="relu", kernel_initializer="zeros"),  # KAI004
        layers.Dense(10, activation="softmax"),
    ]
)
'''


@dataclass
class Run:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):
    """Run the command line in-process, in tmp_path (so no pyproject above applies)."""
    monkeypatch.chdir(tmp_path)

    def run(*args: str) -> Run:
        code = main(list(args))
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run


def run_subprocess(
    *args: str, cwd: Path, stdin: bytes | None = None
) -> subprocess.CompletedProcess:
    env = dict(
        os.environ, PYTHONPATH=os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])
    )
    return subprocess.run(
        [sys.executable, "-m", "kaiming_lint", *args],
        cwd=cwd,
        env=env,
        input=stdin,
        capture_output=True,
        check=False,
        timeout=300,
    )


@pytest.fixture
def write(tmp_path: Path) -> Callable[..., Path]:
    def write(name: str, text: str | bytes) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8", newline="")
        return path

    return write
