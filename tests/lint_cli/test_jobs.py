"""--jobs N: the same report, in the same order, whatever the number of worker processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kaiming_lint.results import LintOptions
from kaiming_lint.runner import lint_files

from .lint_helpers import MODEL, run_subprocess

FILLER = "value = 1\n"
ROOT = Path(__file__).resolve().parents[2]


def _tree(write) -> list[Path]:
    """Nested files whose sizes do not follow their path order, many of them without layers.

    The workers get the largest files first and small files in groups, so this tree makes
    them finish out of path order.
    """
    written = [write(f"pkg/small/s{i:03d}.py", FILLER) for i in range(130)]
    for i, padding in enumerate((0, 400, 5, 250, 1, 80)):
        written.append(write(f"pkg/models/m{i}.py", MODEL + FILLER * padding))
    written.append(write("pkg/broken.py", "from keras import layers\nlayers.Dense(4,\n"))
    written.append(write("top.py", FILLER * 300 + MODEL))
    return written


def test_json_report_is_identical_for_any_number_of_jobs(cli, write):
    _tree(write)
    runs = {jobs: cli("--jobs", str(jobs), "--format", "json", ".") for jobs in (1, 2, 3)}
    assert {run.code for run in runs.values()} == {1}
    assert runs[2].out == runs[1].out
    assert runs[3].out == runs[1].out
    findings = json.loads(runs[1].out)
    assert len(findings) == 7 * 4 + 1  # every model file's four findings, and the KAI900
    assert [item["code"] for item in findings].count("KAI900") == 1


def test_diff_is_identical_for_any_number_of_jobs(cli, write):
    _tree(write)
    one, three = cli("--jobs", "1", "--diff", "."), cli("--jobs", "3", "--diff", ".")
    assert one.out == three.out
    assert one.out.count("+++ b/") == 7


def test_results_come_back_in_the_order_of_the_paths(write, tmp_path: Path):
    paths = [str(path) for path in _tree(write)]
    paths.reverse()
    paths.insert(3, str(tmp_path / "missing.py"))
    for jobs in (1, 2, 3):
        results = lint_files(paths, LintOptions(), jobs=jobs)
        assert [result.path for result in results] == paths
        missing = results[3]
        assert [finding.code for finding in missing.findings] == ["KAI900"]


def test_jobs_below_one_are_refused(write):
    path = str(write("m.py", MODEL))
    with pytest.raises(ValueError, match="jobs must be at least 1, got 0"):
        lint_files([path, path], LintOptions(), jobs=0)


BLOCKS = """from keras import layers

def block(x, activation):
    x = layers.Conv2D(8, 3)(x)
    return layers.Activation(activation)(x)
"""
CALLERS = """from blocks import block

def build(x):
    x = block(x, "relu")
    return block(x, activation="relu")
"""
START = (
    "import multiprocessing, sys\n"
    "multiprocessing.set_start_method(sys.argv[1])\n"
    "from kaiming_lint.cli import main\n"
    "raise SystemExit(main(sys.argv[2:]))\n"
)


@pytest.mark.parametrize("method", ["fork", "spawn", "forkserver"])
def test_workers_judge_the_project_views_as_one_process_does(method, write, tmp_path: Path):
    """Each worker receives the project's index once and judges views when it needs them:
    under every start method the report, call sites included, is the one process's."""
    write("pyproject.toml", "[project]\nname = 'app'\n")
    write("blocks.py", BLOCKS)
    write("model.py", CALLERS)
    for i in range(6):
        write(f"other{i}.py", MODEL)
    files = sorted(p.name for p in tmp_path.glob("*.py"))

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-c", START, method, "--format", "json", "--no-cache", *args, *files],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )

    one, two = run("--jobs", "1"), run("--jobs", "2")
    assert one.returncode == two.returncode == 1, one.stderr + two.stderr
    assert two.stdout == one.stdout
    from_calls = [f for f in json.loads(one.stdout) if f["path"] == "blocks.py"]
    assert [f["code"] for f in from_calls] == ["KAI001"]
    assert "model.py:4" in from_calls[0]["message"]


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_stdin_is_judged_as_the_module_it_names_with_its_own_text(jobs, write, tmp_path):
    """``--stdin-filename blocks.py -``: the text read is that module of the project (as an
    editor's unsaved buffer), whatever other files are checked and in however many processes."""
    write("pyproject.toml", "[project]\nname = 'app'\n")
    write("blocks.py", BLOCKS)
    write("model.py", CALLERS)
    write("other.py", MODEL)

    def run(stdin: str, *files: str) -> list[dict]:
        done = run_subprocess(
            "--format", "json", "--no-cache", "--jobs", jobs, "--stdin-filename", "blocks.py",
            "-", *files, cwd=tmp_path, stdin=stdin.encode("utf-8"),
        )  # fmt: skip
        assert done.returncode in (0, 1), done.stderr
        return [f for f in json.loads(done.stdout) if f["path"] == "blocks.py"]

    for files in [(), ("model.py",), ("model.py", "other.py")]:
        found = run(BLOCKS, *files)
        assert [f["code"] for f in found] == ["KAI001"], files
        assert "model.py:4" in found[0]["message"]
        # The buffer calls the block with tanh itself: the calls disagree, nothing is reported.
        assert run(BLOCKS + "\ny = block(None, 'tanh')\n", *files) == [], files
