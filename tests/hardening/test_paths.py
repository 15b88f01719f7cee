"""Hostile paths: symlink loops, unreadable files, fifos and sockets, odd names, missing paths,
and the default excludes."""

from __future__ import annotations

import builtins
import json
import os
import socket

import pytest

from kaiming_lint import cli
from kaiming_lint.config import DEFAULT_EXCLUDE

from .test_mutations import HOSTILE_MODEL


def run(capsys, *argv: str) -> tuple[int, dict[str, list[str]], str]:
    code = cli.main(["--format", "json", "--jobs", "1", *argv])
    out = capsys.readouterr()
    found: dict[str, list[str]] = {}
    for item in json.loads(out.out or "[]"):
        found.setdefault(item["path"], []).append(item["code"])
    return code, found, out.err


@pytest.fixture
def tree(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "good.py").write_bytes(HOSTILE_MODEL)
    return tmp_path


def test_symlink_loops_are_not_followed_forever(tree, capsys):
    (tree / "src" / "loop").symlink_to(tree / "src", target_is_directory=True)
    (tree / "src" / "a.py").symlink_to(tree / "src" / "b.py")
    (tree / "src" / "b.py").symlink_to(tree / "src" / "a.py")
    code, found, _ = run(capsys, ".")
    assert code == 1
    assert "KAI001" in found["src/good.py"]
    for name in ("src/a.py", "src/b.py"):
        assert found[name] == ["KAI900"]
    assert not any(path.startswith("src/loop") for path in found)


def test_a_fifo_and_a_socket_are_skipped_in_directories_and_reported_when_named(tree, capsys):
    os.mkfifo(tree / "src" / "pipe.py")
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(tree / "src" / "sock.py"))
        code, found, _ = run(capsys, ".")
        assert set(found) == {"src/good.py"} and code == 1
        code, found, _ = run(capsys, "src/pipe.py", "src/sock.py", "src/good.py")
        assert found["src/pipe.py"] == found["src/sock.py"] == ["KAI900"]
        assert "KAI001" in found["src/good.py"]
    finally:
        server.close()


def test_an_unreadable_file_is_kai900_and_the_others_are_checked(tree, capsys, monkeypatch):
    (tree / "src" / "secret.py").write_bytes(HOSTILE_MODEL)
    real_open = builtins.open

    def guarded_open(file, *args, **kwargs):  # running as root: chmod 000 would not stop us
        if str(file).endswith("secret.py"):
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", guarded_open)
    code, found, _ = run(capsys, ".")
    assert found["src/secret.py"] == ["KAI900"] and "KAI001" in found["src/good.py"]
    assert code == 1


def test_names_with_spaces_and_non_ascii_characters(tree, capsys):
    odd = tree / "my models" / "modèle réseau ü.py"
    odd.parent.mkdir()
    odd.write_bytes(HOSTILE_MODEL)
    _, found, _ = run(capsys, ".")
    assert "KAI001" in found["my models/modèle réseau ü.py"]
    assert cli.main(["--fix", "--jobs", "1", str(odd)]) == 0  # every finding fixed
    capsys.readouterr()
    assert b"KaimingNormal()" in odd.read_bytes()


def test_a_missing_path_is_exit_2_naming_it_and_nothing_else_runs(tree, capsys):
    code, found, err = run(capsys, "src", "no such dir/ü.py")
    assert code == 2
    assert "no such dir/ü.py" in err and len(err.strip().splitlines()) == 1
    assert found == {}


@pytest.mark.parametrize("directory", ["dist", "site-packages", "build", ".git", "venv"])
def test_default_excludes_and_turning_them_off(tree, capsys, directory):
    (tree / directory).mkdir()
    (tree / directory / "model.py").write_bytes(HOSTILE_MODEL)
    assert directory in DEFAULT_EXCLUDE
    _, found, _ = run(capsys, ".")
    assert set(found) == {"src/good.py"}
    (tree / "pyproject.toml").write_text("[tool.kaiming-lint]\nexclude = []\n")
    _, found, _ = run(capsys, ".")
    assert set(found) == {"src/good.py", f"{directory}/model.py"}
