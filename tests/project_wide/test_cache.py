"""The module-summary cache: stale entries after an edit, a deleted module, two runs at once.

Each test lints a copy of the ``agree`` project, whose findings depend on calls in another
module, so a stale summary would show up as a wrong or missing finding.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .corpus import load

REPO = Path(__file__).resolve().parents[2]
CACHE = ".kaiming-lint-cache"

pytestmark = pytest.mark.slow


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "agree"
    shutil.copytree(load("agree").root, root)
    return root


def command(*args: str) -> list[str]:
    return [sys.executable, "-m", "kaiming_lint", "--format", "json", "--exit-zero", *args]


def environment(**extra: str) -> dict[str, str]:
    pythonpath = os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))
    env = {**os.environ, "PYTHONPATH": pythonpath}
    env.pop("KAIMING_LINT_CACHE_DIR", None)  # the default: the project root
    return {**env, **extra}


def lint(root: Path, *args: str, **env: str) -> set[tuple[str, int, str]]:
    result = subprocess.run(
        command(*args or (".",)),
        cwd=root,
        capture_output=True,
        text=True,
        env=environment(**env),
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return {(f["path"], f["line"], f["code"]) for f in json.loads(result.stdout)}


def expected(path: str | None = None) -> set[tuple[str, int, str]]:
    return {e.key for e in load("agree").expectations if path is None or e.path == path}


def test_the_cache_sits_in_the_project_root_and_ignores_itself(project):
    assert lint(project) == expected()
    cache = project / CACHE
    assert cache.is_dir()
    assert (cache / ".gitignore").read_text(encoding="utf-8").strip() == "*"


def test_no_cache_writes_nothing_and_finds_the_same(project):
    assert lint(project, "--no-cache", ".") == expected()
    assert not (project / CACHE).exists()


def test_cache_dir_from_the_environment(project, tmp_path):
    elsewhere = tmp_path / "cache"
    assert lint(project, KAIMING_LINT_CACHE_DIR=str(elsewhere)) == expected()
    assert elsewhere.is_dir() and not (project / CACHE).exists()


def test_an_edited_caller_is_seen_when_only_the_callee_is_linted(project):
    assert lint(project) == expected()
    model = project / "app" / "model.py"
    text = model.read_text(encoding="utf-8")
    model.write_text(text.replace("conv_block(x, 32)", 'conv_block(x, 32, "tanh")'), "utf-8")
    found = lint(project, "app/blocks.py")
    # conv_block's calls now disagree: its layer is unknown; nothing else changes.
    assert found == expected("app/blocks.py") - {("app/blocks.py", 7, "KAI001")}


def test_a_deleted_module_takes_its_call_sites_with_it(project):
    assert lint(project) == expected()
    (project / "app" / "model.py").unlink()
    # Only blocks.py's own calls remain: local_pair's (same module) and own_relu's layer.
    assert lint(project, "app/blocks.py") == {
        ("app/blocks.py", 26, "KAI001"),
        ("app/blocks.py", 37, "KAI001"),
    }


def test_two_runs_at_once_share_the_cache_safely(project):
    runs = [
        subprocess.Popen(
            command("."),
            cwd=project,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=environment(),
        )
        for _ in range(2)
    ]
    outputs = [run.communicate(timeout=300) for run in runs]
    for run, (out, err) in zip(runs, outputs, strict=True):
        assert run.returncode == 0, err
        assert {(f["path"], f["line"], f["code"]) for f in json.loads(out)} == expected()
    assert lint(project) == expected()  # the shared cache was left whole
