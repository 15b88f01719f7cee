"""The pre-commit hooks, run by the real `pre-commit` on a throwaway project.

`pre-commit try-repo` installs the hooks' environment from the package index (libcst and this
package), so these tests need network access; CI runs them.

try-repo builds the hooks from a git commit. A local checkout may have uncommitted or new
files, so the hooks are taken from a snapshot: a fresh git repository holding every file of
the working tree that git would commit (tracked and untracked, minus ignored ones). In a clean
CI clone that is exactly HEAD.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "kaiming-lint tests",
    "GIT_AUTHOR_EMAIL": "tests@example.invalid",
    "GIT_COMMITTER_NAME": "kaiming-lint tests",
    "GIT_COMMITTER_EMAIL": "tests@example.invalid",
}
BAD_MODEL = """\
import keras
from keras import layers

model = keras.Sequential(
    [layers.Dense(64, activation="relu", kernel_initializer="glorot_uniform")]
)
"""
NO_KERAS = """\
def mean(values):
    return sum(values) / len(values)
"""


def _git(*args: str, cwd: Path, env: dict[str, str]) -> str:
    done = subprocess.run(
        ["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    home = tmp_path_factory.mktemp("home")
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PRE_COMMIT"))}
    environment.update(GIT_IDENTITY)
    environment["HOME"] = str(home)  # no user git config or hooks leak in
    environment["PRE_COMMIT_HOME"] = str(home / "pre-commit-cache")
    return environment


@pytest.fixture(scope="module")
def hooks_repo(tmp_path_factory: pytest.TempPathFactory, env: dict[str, str]) -> tuple[Path, str]:
    """A one-commit git repository with this checkout's working tree; (path, commit)."""
    snapshot = tmp_path_factory.mktemp("hooks-repo")
    listed = _git("ls-files", "--cached", "--others", "--exclude-standard", "-z", cwd=ROOT, env=env)
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():  # tracked files deleted in the working tree are left out
            (snapshot / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, snapshot / name)
    _git("init", "-q", cwd=snapshot, env=env)
    _git("add", "-A", cwd=snapshot, env=env)
    _git("commit", "-q", "-m", "snapshot", cwd=snapshot, env=env)
    return snapshot, _git("rev-parse", "HEAD", cwd=snapshot, env=env)


@pytest.fixture
def project(tmp_path: Path, env: dict[str, str]) -> Path:
    _git("init", "-q", cwd=tmp_path, env=env)
    return tmp_path


def _try_repo(
    hooks_repo: tuple[Path, str], hook: str, project: Path, env: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    path, commit = hooks_repo
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(path), hook, "--ref", commit],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def _stage(project: Path, name: str, text: str, env: dict[str, str]) -> Path:
    path = project / name
    path.write_text(text, encoding="utf-8")
    _git("add", name, cwd=project, env=env)
    return path


def test_check_fails_then_fix_rewrites_then_both_pass(hooks_repo, project, env) -> None:
    model = _stage(project, "model.py", BAD_MODEL, env)

    check = _try_repo(hooks_repo, "kaiming-lint", project, env)
    assert check.returncode == 1, check.stdout + check.stderr
    assert "model.py:5:" in check.stdout and "KAI002" in check.stdout
    assert model.read_text(encoding="utf-8") == BAD_MODEL  # the check hook changes nothing

    fix = _try_repo(hooks_repo, "kaiming-lint-fix", project, env)
    assert fix.returncode == 1, fix.stdout + fix.stderr
    assert "files were modified by this hook" in fix.stdout
    fixed = model.read_text(encoding="utf-8")
    assert 'kernel_initializer="glorot_uniform"' not in fixed
    assert "KaimingNormal()" in fixed

    _git("add", "model.py", cwd=project, env=env)
    for hook in ("kaiming-lint", "kaiming-lint-fix"):
        again = _try_repo(hooks_repo, hook, project, env)
        assert again.returncode == 0, again.stdout + again.stderr
    assert model.read_text(encoding="utf-8") == fixed


def test_check_hook_reads_staged_notebooks(hooks_repo, project, env) -> None:
    cells = [
        {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": s}
        for s in (["%matplotlib inline\n", "from keras import layers"], BAD_MODEL.splitlines(True))
    ]
    document = {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    _stage(project, "train.ipynb", json.dumps(document, indent=1) + "\n", env)

    check = _try_repo(hooks_repo, "kaiming-lint", project, env)

    assert check.returncode == 1, check.stdout + check.stderr
    assert "train.ipynb:cell 2:5:" in check.stdout and "KAI002" in check.stdout


def test_commit_without_keras_code_passes_and_hook_env_has_no_tensorflow(
    hooks_repo, project, env
) -> None:
    path, commit = hooks_repo
    # The configuration a user pastes (README), pointing at the snapshot instead of GitHub.
    (project / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {path}\n    rev: {commit}\n    hooks:\n      - id: kaiming-lint\n",
        encoding="utf-8",
    )
    _git("add", ".pre-commit-config.yaml", cwd=project, env=env)
    subprocess.run(
        [sys.executable, "-m", "pre_commit", "install"], cwd=project, env=env, check=True
    )
    _stage(project, "stats.py", NO_KERAS, env)

    commit_run = subprocess.run(
        ["git", "commit", "-m", "add stats"], cwd=project, env=env, capture_output=True, text=True
    )

    assert commit_run.returncode == 0, commit_run.stdout + commit_run.stderr
    assert "kaiming-lint" in commit_run.stdout + commit_run.stderr  # the hook did run
    installed = _distributions(Path(env["PRE_COMMIT_HOME"]))
    assert {"libcst", "kaiming_keras"} <= installed
    assert not installed & {"tensorflow", "tensorflow_cpu", "keras", "jax", "torch"}


def _distributions(cache: Path) -> set[str]:
    """Normalized names of the packages installed in pre-commit's hook environments."""
    found = {
        metadata.name.split("-")[0].lower().replace(".", "_")
        for metadata in cache.glob("repo*/py_env-*/lib*/python*/site-packages/*.dist-info")
    }
    assert found, f"no hook environment under {cache}"
    return found
