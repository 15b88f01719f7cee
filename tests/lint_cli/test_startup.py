"""The linter never imports TensorFlow or Keras, and its command line starts light."""

from __future__ import annotations

import subprocess
import sys

from .lint_helpers import REPO, run_subprocess

HEAVY = ("tensorflow", "keras", "tf_keras", "jax", "torch")


def imported_modules(statement: str) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", statement],
        cwd=REPO,
        capture_output=True,
        check=True,
        timeout=300,
    )
    modules = set()
    for line in done.stderr.decode().splitlines():
        if line.startswith("import time:") and "|" in line:
            modules.add(line.rsplit("|", 1)[-1].strip())
    assert modules, done.stderr.decode()[-500:]
    return modules


def heavy(modules: set[str]) -> set[str]:
    return {m for m in modules if m.split(".")[0] in HEAVY}


def test_cli_import_is_light():
    modules = imported_modules("import kaiming_lint.cli")
    assert heavy(modules) == set()
    assert "libcst" not in modules


def test_linting_a_keras_file_imports_no_framework(tmp_path):
    (tmp_path / "m.py").write_text(
        "import tensorflow as tf\nimport keras\n\nx = keras.layers.Dense(3, activation='relu')\n"
    )
    statement = (
        "import sys, os; os.chdir(sys.argv[1]) if len(sys.argv) > 1 else None;"
        "from kaiming_lint.cli import main; main(['--jobs', '1', 'm.py'])"
    )
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", statement, str(tmp_path)],
        cwd=REPO,
        capture_output=True,
        check=False,
        timeout=300,
    )
    assert "KAI001" in done.stdout.decode()
    modules = {
        line.rsplit("|", 1)[-1].strip()
        for line in done.stderr.decode().splitlines()
        if line.startswith("import time:")
    }
    assert "libcst" in modules  # the file was really parsed
    assert heavy(modules) == set()


def test_version_starts_without_libcst(tmp_path):
    done = run_subprocess("--version", cwd=tmp_path)
    assert done.returncode == 0
    modules = imported_modules(
        "from kaiming_lint.cli import main\ntry:\n    main(['--version'])\nexcept SystemExit:\n    pass"
    )
    assert "libcst" not in modules


def test_rules_judge_without_libcst():
    # kaiming_keras.audit judges live models with these rules: no libcst, no framework.
    modules = imported_modules("import kaiming_lint.rules")
    assert "libcst" not in modules
    assert heavy(modules) == set()
