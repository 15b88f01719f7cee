"""Emacs with eglot drives the server headless, running the README's eglot setup as written."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from .lsp_client import REPO, server_env

pytestmark = pytest.mark.slow
HERE = Path(__file__).resolve().parent
DEMO = REPO / "examples" / "lint_demo" / "model.py"


def readme_block(language: str) -> str:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    (block,) = re.findall(rf"```{language}\n(.*?)```", readme, re.S)
    return block


def cli(*args) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["kaiming-lint", *map(str, args)],
        capture_output=True,
        text=True,
        env=server_env(),
        check=False,
    )


def test_emacs_eglot_with_the_readme_setup_shows_findings_and_fixes_all(tmp_path):
    emacs = shutil.which("emacs")
    assert emacs, "Emacs is needed: apt-get install emacs-nox elpa-eglot (.ci/run installs them)"
    assert shutil.which("kaiming-lint"), "the eglot setup starts kaiming-lint from PATH"
    setup = tmp_path / "setup.el"
    setup.write_text(readme_block("elisp"), encoding="utf-8")
    model = tmp_path / "model.py"
    shutil.copy(DEMO, model)
    out, fixed = tmp_path / "diagnostics.txt", tmp_path / "fixed.py"
    env = {
        **server_env(),
        "KAI_EGLOT_SETUP": str(setup),
        "KAI_FILE": str(model),
        "KAI_OUT": str(out),
        "KAI_FIXED": str(fixed),
    }
    subprocess.run(
        [emacs, "--batch", "-l", str(HERE / "emacs" / "eglot_session.el")],
        cwd=tmp_path,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=180,
        check=True,
    )
    # eglot shows "kaiming-lint [CODE]: message" at the range's start
    shown = re.findall(r"^(\d+):(\d+) kaiming-lint \[(KAI\d+)\]: (.*)$", out.read_text(), re.M)
    report = re.findall(r"^.*?:(\d+):(\d+): (KAI\d+) (.*?)(?: \[\*\])?$", cli(model).stdout, re.M)
    assert len(report) == 6
    assert sorted(shown) == sorted(report)

    shutil.copy(DEMO, tmp_path / "cli_fixed.py")
    cli("--fix", tmp_path / "cli_fixed.py")
    assert fixed.read_bytes() == (tmp_path / "cli_fixed.py").read_bytes()
    assert fixed.read_bytes() != DEMO.read_bytes()
