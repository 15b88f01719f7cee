"""Every code block of README.md runs as written.

The rule (in .ci/readme_blocks.py): ```python, ```bash, ```sh and ```console blocks run; any other
language (toml, yaml, lua, json, text, ...) is configuration or output and does not. Each block
runs in a fresh temporary directory holding a copy of examples/ (what the commands refer to),
so a README command can never change the checkout. Python blocks run in a fresh interpreter;
shell blocks under `bash -euo pipefail`; a console block's `$ ` commands run one by one and the
output it shows must appear in that order (a line `...` stands for lines left out).

The Quickstart's two commands install the project and run this very suite, so they cannot run
inside it: .ci/run executes them verbatim, and a test here checks that it does.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / ".ci"))
import readme_blocks  # noqa: E402

TEXT = readme_blocks.README.read_text(encoding="utf-8")
BLOCKS = readme_blocks.blocks(TEXT)
RUNNABLE = [b for b in BLOCKS if b.runs and b.section != readme_blocks.QUICKSTART]
# Spellings of Python or shell that would slip past the rule unrun.
LOOKALIKES = {"", "py", "python3", "pycon", "shell", "shell-session", "zsh", "ipython"}


def _environment() -> dict[str, str]:
    bin_dir = str(Path(sys.executable).parent)
    return {
        **os.environ,
        "PATH": os.pathsep.join([bin_dir, os.environ.get("PATH", "")]),
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        "TF_CPP_MIN_LOG_LEVEL": "3",
        "MPLBACKEND": "Agg",
    }


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    return tmp_path


def _run(argv: list[str], cwd: Path, merge: bool = False) -> subprocess.CompletedProcess[str]:
    """Runs `argv`; with `merge`, stderr goes into stdout, as a terminal shows them."""
    return subprocess.run(
        argv,
        cwd=cwd,
        env=_environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT if merge else subprocess.PIPE,
        text=True,
        timeout=600,
        check=False,
    )


def _shown_output(block: readme_blocks.Block) -> list[list[str]]:
    """For each `$ ` command of a console block, the output lines shown after it."""
    outputs: list[list[str]] = []
    for line in block.code.splitlines():
        if line.startswith("$ "):
            outputs.append([])
        elif outputs:
            outputs[-1].append(line.rstrip())
    return outputs


def _assert_shows(expected: list[str], actual: str, command: str) -> None:
    lines = [line.rstrip() for line in actual.splitlines()]
    position = 0
    for want in expected:
        if want.strip() == "...":
            continue
        try:
            position = lines.index(want, position) + 1
        except ValueError:
            pytest.fail(f"`{command}` did not print (in order): {want!r}\n--- got:\n{actual}")


def test_every_block_declares_a_language_the_rule_knows():
    for block in BLOCKS:
        assert block.language not in LOOKALIKES, (
            f"README.md line {block.line}: ```{block.language} would not run; "
            "use ```python, ```bash, ```sh or ```console for code"
        )


def test_there_are_blocks_to_run():
    languages = {block.language for block in RUNNABLE}
    assert {"python", "console"} <= languages


@pytest.mark.slow
@pytest.mark.parametrize(
    "block", RUNNABLE, ids=[f"line{b.line}-{b.language}-{b.section}" for b in RUNNABLE]
)
def test_block_runs(block: readme_blocks.Block, workdir: Path):
    if block.language == "python":
        script = workdir / "readme_block.py"
        script.write_text(block.code, encoding="utf-8")
        done = _run([sys.executable, str(script)], workdir)
        assert done.returncode == 0, f"README.md line {block.line}:\n{done.stderr[-3000:]}"
    elif block.language in ("bash", "sh"):
        done = _run(["bash", "-euo", "pipefail", "-c", block.code], workdir)
        assert done.returncode == 0, f"README.md line {block.line}:\n{done.stderr[-3000:]}"
    else:
        commands = block.commands()
        assert commands, f"README.md line {block.line}: a console block without `$ ` commands"
        for command, shown in zip(commands, _shown_output(block), strict=True):
            done = _run(["bash", "-o", "pipefail", "-c", command], workdir, merge=True)
            # kaiming-lint exits 1 when it reports findings, which is what these show.
            assert done.returncode in (0, 1), f"`{command}`:\n{done.stdout[-3000:]}"
            _assert_shows(shown, done.stdout, command)


def test_ci_runs_the_readme_quickstart_verbatim():
    commands = readme_blocks.quickstart(TEXT)
    assert len(commands) == 2, "the Quickstart is exactly two commands"
    install, tests = commands
    assert install.startswith('python -m pip install -e ".[test]"')
    assert tests == "python -m pytest"  # the README's test command, which CI runs
    # .ci/run takes them from README.md with this same module, then evaluates each one.
    printed = subprocess.run(
        [sys.executable, str(ROOT / ".ci" / "readme_blocks.py"), "quickstart"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    assert printed == commands
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "mapfile -t quickstart < <(python3 .ci/readme_blocks.py quickstart)" in script
    assert '[ "${#quickstart[@]}" -eq 2 ]' in script
    for index in range(2):
        assert script.count(f'eval "${{quickstart[{index}]}}"') == 1
    # And the main environment is installed and tested only through those two commands.
    main_lines = [line.strip() for line in script.splitlines() if "$floor_env" not in line]
    assert not [line for line in main_lines if line.startswith("python -m pytest")]
    assert not [line for line in main_lines if "pip install" in line and ".[test]" in line]
