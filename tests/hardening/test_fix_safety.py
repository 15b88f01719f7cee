"""The fixer never loses code: failed writes leave the old file, a killed fixer leaves every
file old or new and whole, and two fixers at once leave every file fixed."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kaiming_lint import cli, runner
from kaiming_lint.sources.python import lint_bytes

from .invariants import OPTIONS, compiles
from .test_mutations import HOSTILE_MODEL

ROOT = Path(__file__).resolve().parents[2]


def _tree(directory: Path, count: int) -> dict[Path, tuple[bytes, bytes]]:
    """``count`` model files (varied sizes and line endings) -> (old, expected new) bytes."""
    versions = {}
    for index in range(count):
        old = HOSTILE_MODEL + b"# padding\n" * (index * 37 % 400)
        if index % 3 == 0:
            old = old.replace(b"\n", b"\r\n")
        path = directory / f"m{index:03d}.py"
        path.write_bytes(old)
        new = lint_bytes(old, str(path), OPTIONS).fixed
        assert new is not None
        versions[path] = (old, new)
    return versions


def _fixer(directory: Path) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kaiming_lint",
            "--fix",
            "--jobs",
            "1",
            "--exit-zero",
            str(directory),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
    )


@pytest.mark.parametrize("failing", ["write", "chmod", "replace"])
def test_an_injected_write_failure_leaves_old_or_new_files_whole(
    tmp_path, monkeypatch, capsys, failing
):
    versions = _tree(tmp_path, 6)
    calls = {"count": 0}
    real = {"write": os.fdopen, "chmod": os.chmod, "replace": os.replace}[failing]

    def flaky(*args, **kwargs):
        calls["count"] += 1
        if calls["count"] == 3:
            raise OSError(28, "No space left on device")
        return real(*args, **kwargs)

    if failing == "write":

        def fdopen(handle, mode="r", *args, **kwargs):
            stream = real(handle, mode, *args, **kwargs)
            original_write = stream.write

            def write(data):
                calls["count"] += 1
                if calls["count"] == 3:
                    original_write(data[: len(data) // 2])  # a short write, then failure
                    raise OSError(28, "No space left on device")
                return original_write(data)

            stream.write = write
            return stream

        monkeypatch.setattr(runner.os, "fdopen", fdopen)
    else:
        monkeypatch.setattr(runner.os, failing, flaky)
    monkeypatch.chdir(tmp_path)
    code = cli.main(["--fix", "--jobs", "1", "."])
    err = capsys.readouterr().err
    assert code == 2 and "No space left on device" in err
    states = [path.read_bytes() for path in versions]
    assert all(state in versions[path] for state, path in zip(states, versions, strict=True))
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in versions)
    # The run goes on past the failing file (issue 12): every other file is fixed.
    fixed = sum(state == new for state, (_, new) in zip(states, versions.values(), strict=True))
    assert fixed == len(versions) - 1


def test_a_killed_fixer_leaves_every_file_old_or_new(tmp_path):
    rng = random.Random(20261129)
    for round_ in range(2):
        directory = tmp_path / f"round{round_}"
        directory.mkdir()
        versions = _tree(directory, 40)
        process = _fixer(directory)
        # Kill it while it is writing: once the first file has changed, after a random delay.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and process.poll() is None:
            if any(path.read_bytes() != old for path, (old, _) in versions.items()):
                break
            time.sleep(0.005)
        time.sleep(rng.uniform(0, 0.3))
        process.send_signal(signal.SIGKILL)
        process.wait()
        for path, (old, new) in versions.items():
            assert path.read_bytes() in (old, new), path
        leftovers = [p for p in directory.iterdir() if p not in versions]
        assert all(p.name.startswith(".kaiming-lint-") for p in leftovers), leftovers


def test_two_fixers_at_once_leave_every_file_fixed(tmp_path):
    versions = _tree(tmp_path, 40)
    first, second = _fixer(tmp_path), _fixer(tmp_path)
    assert first.wait(timeout=300) == 0, first.stderr.read()
    assert second.wait(timeout=300) == 0, second.stderr.read()
    for path, (_, new) in versions.items():
        data = path.read_bytes()
        assert data == new and compiles(data)
    assert sorted(tmp_path.iterdir()) == sorted(versions)


def test_encoding_bom_and_line_endings_commute_with_the_fix():
    """fix(transform(file)) == transform(fix(file)): outside the edits, every byte is kept."""
    latin = b"# -*- coding: latin-1 -*-\n# caf\xe9\n" + HOSTILE_MODEL
    crlf = lambda data: data.replace(b"\n", b"\r\n")  # noqa: E731
    bom = lambda data: b"\xef\xbb\xbf" + data  # noqa: E731
    for base, transform in (
        (HOSTILE_MODEL, crlf),
        (HOSTILE_MODEL, bom),
        (HOSTILE_MODEL, lambda data: bom(crlf(data))),
        (latin, crlf),
    ):
        fixed = lint_bytes(base, "m.py", OPTIONS).fixed
        assert fixed is not None
        assert lint_bytes(transform(base), "m.py", OPTIONS).fixed == transform(fixed)
