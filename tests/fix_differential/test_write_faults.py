"""A file that cannot be written in the middle of a ``--fix`` run, and hard links.

The unwritable file is made so by the operating system, the way a user meets it:

- ``immutable-file``: the file cannot be replaced (``chattr +i`` as root, where permissions do
  not stop anyone; ``chmod`` of the directory otherwise);
- ``read-only-directory``: the directory is a read-only bind mount (as root), or has no write
  permission (otherwise);
- ``disk-full``: the directory is a tmpfs filled to the last byte, so the write gets ENOSPC
  (where mounting is allowed; otherwise ENOSPC is injected into the write of an in-process
  run).

Each run fixes three files, the middle one unwritable. Expected (issue 12): the other two are
fixed, one line on stderr names the path and the reason, the summary says how many files were
written, the exit status is 2, and the unwritable file is untouched with no temporary left over.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from .harness import cli

MODEL = b"""import keras
from keras import layers


def build():
    inputs = keras.Input((4,))
    x = layers.Dense(8, activation="relu")(inputs)
    return keras.Model(inputs, x)
"""
FAULTS = ("immutable-file", "read-only-directory", "disk-full")
ROOT_USER = os.geteuid() == 0


def _run(command: list[str]) -> bool:
    return subprocess.run(command, capture_output=True, check=False).returncode == 0


def _can_mount() -> bool:
    if not ROOT_USER or shutil.which("mount") is None:
        return False
    with tempfile.TemporaryDirectory() as scratch:
        mounted = _run(["mount", "-t", "tmpfs", "-o", "size=16k", "tmpfs", scratch])
        if mounted:
            _run(["umount", scratch])
    return mounted


MOUNTABLE = _can_mount()
NEEDS_MOUNT = pytest.mark.skipif(
    not MOUNTABLE,
    reason="a full tmpfs needs root with mount rights; "
    "test_disk_full_injected_into_the_write covers ENOSPC everywhere",
)
FAULT_PARAMS = [
    pytest.param(fault, marks=[NEEDS_MOUNT] if fault == "disk-full" else []) for fault in FAULTS
]


@contextlib.contextmanager
def unwritable(fault: str, path: Path) -> Iterator[str]:
    """Makes ``path`` (a model file) unwritable the way ``fault`` says; yields the technique."""
    directory = path.parent
    if fault == "immutable-file" and ROOT_USER and _run(["chattr", "+i", str(path)]):
        try:
            yield "chattr +i"
        finally:
            _run(["chattr", "-i", str(path)])
    elif fault in ("immutable-file", "read-only-directory") and not ROOT_USER:
        directory.chmod(0o555)
        try:
            yield "chmod 555 on the directory"
        finally:
            directory.chmod(0o755)
    elif fault == "read-only-directory" and _run(
        ["mount", "--bind", str(directory), str(directory)]
    ):
        try:
            assert _run(["mount", "-o", "remount,ro,bind", str(directory)])
            yield "read-only bind mount"
        finally:
            _run(["umount", str(directory)])
    elif fault == "disk-full":
        data = path.read_bytes()
        path.unlink()
        assert _run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(directory)])
        try:
            path.write_bytes(data)
            filler = directory / "filler"
            with contextlib.suppress(OSError), open(filler, "wb") as stream:
                while True:
                    stream.write(b"\0" * 4096)
                    stream.flush()
            yield "a full tmpfs"
        finally:
            # Keep what the run left (it is checked after) by copying it out, then unmount.
            left = {p.name: p.read_bytes() for p in directory.iterdir() if p.name != "filler"}
            _run(["umount", str(directory)])
            for name, content in left.items():
                (directory / name).write_bytes(content)
    else:
        raise AssertionError(f"cannot make {path} unwritable by {fault} here")


def _tree(tmp_path: Path) -> list[Path]:
    paths = []
    for name in ("a", "b", "c"):
        directory = tmp_path / name
        directory.mkdir()
        path = directory / "model.py"
        path.write_bytes(MODEL)
        paths.append(path)
    return paths


@pytest.fixture(scope="module")
def fault_runs(tmp_path_factory) -> dict[str, dict]:
    """For each fault: the CLI's exit status, output, and every file's bytes after the run."""
    scratch = tmp_path_factory.mktemp("faults")
    runs = {}
    for fault in FAULTS:
        if fault == "disk-full" and not MOUNTABLE:
            continue
        root = scratch / fault
        root.mkdir()
        paths = _tree(root)
        with unwritable(fault, paths[1]) as technique:
            result = cli("--fix", "--jobs", "1", *paths)
        runs[fault] = {
            "technique": technique,
            "status": result.returncode,
            "stdout": result.stdout,
            "stderr": result.stderr,
            "paths": paths,
            "after": [p.read_bytes() for p in paths],
            "leftovers": [p for d in (p.parent for p in paths) for p in d.iterdir()],
        }
    return runs


def _fault(fault_runs: dict, fault: str) -> dict:
    assert fault in fault_runs, f"{fault} could not be produced here"
    return fault_runs[fault]


FIXED = "from kaiming_keras import KaimingNormal"


@pytest.mark.parametrize("fault", FAULT_PARAMS)
def test_the_other_files_are_fixed(fault_runs, fault):
    run = _fault(fault_runs, fault)
    first, _, last = run["after"]
    assert FIXED in first.decode() and FIXED in last.decode(), run["technique"]


@pytest.mark.parametrize("fault", FAULT_PARAMS)
def test_the_unwritable_file_is_whole_and_no_temporary_is_left(fault_runs, fault):
    run = _fault(fault_runs, fault)
    assert run["after"][1] == MODEL
    names = sorted(p.name for p in run["leftovers"])
    assert names == ["model.py"] * 3, names


@pytest.mark.parametrize("fault", FAULT_PARAMS)
def test_the_failure_is_one_line_on_stderr_naming_the_path_and_reason(fault_runs, fault):
    run = _fault(fault_runs, fault)
    lines = run["stderr"].splitlines()
    assert len(lines) == 1, lines
    assert str(run["paths"][1]) in lines[0]
    reasons = {
        "immutable-file": ("not permitted", "permission denied"),
        "read-only-directory": ("read-only file system", "permission denied"),
        "disk-full": ("no space left on device",),
    }[fault]
    assert any(reason in lines[0].lower() for reason in reasons), lines[0]


@pytest.mark.parametrize("fault", FAULT_PARAMS)
def test_the_summary_says_how_many_files_were_written(fault_runs, fault):
    run = _fault(fault_runs, fault)
    summary = [line for line in run["stdout"].splitlines() if "written" in line]
    assert summary and re.search(r"\b2\b", summary[-1]), run["stdout"]


@pytest.mark.parametrize("fault", FAULT_PARAMS)
def test_the_exit_status_is_2(fault_runs, fault):
    assert _fault(fault_runs, fault)["status"] == 2


def test_disk_full_injected_into_the_write(tmp_path, monkeypatch, capsys):
    """ENOSPC from the write itself, in an in-process run (no mount needed)."""
    from kaiming_lint import cli as kaiming_cli

    paths = _tree(tmp_path)
    real_open = os.fdopen

    def fdopen(handle, mode="r", *args, **kwargs):
        stream = real_open(handle, mode, *args, **kwargs)
        target = os.readlink(f"/proc/self/fd/{handle}") if os.path.exists("/proc/self") else ""
        if "w" in mode and os.path.dirname(target) == str(paths[1].parent):

            def write(data):
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

            stream.write = write
        return stream

    monkeypatch.setattr(os, "fdopen", fdopen)
    status = kaiming_cli.main(["--fix", "--jobs", "1", *map(str, paths)])
    err = capsys.readouterr().err
    assert paths[1].read_bytes() == MODEL
    assert sorted(p.name for p in paths[1].parent.iterdir()) == ["model.py"]
    assert status == 2 and str(paths[1]) in err and "No space left on device" in err
    assert FIXED in paths[0].read_text() and FIXED in paths[2].read_text()


def test_a_hard_linked_file_stays_linked(tmp_path):
    path = tmp_path / "model.py"
    path.write_bytes(MODEL)
    other = tmp_path / "also_model.py"
    os.link(path, other)
    result = cli("--fix", path)
    assert result.returncode == 0, result.stderr
    assert FIXED in path.read_text()
    assert os.path.samefile(path, other), "the other link still holds the old text"


def test_a_symlinked_file_stays_a_link(tmp_path):
    target = tmp_path / "real.py"
    target.write_bytes(MODEL)
    link = tmp_path / "link.py"
    link.symlink_to(target)
    result = cli("--fix", link)
    assert result.returncode == 0, result.stderr
    assert link.is_symlink() and FIXED in target.read_text()
