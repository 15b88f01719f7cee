"""A real editor: Neovim, headless, shows the server's diagnostics and applies a quick fix."""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest

from .lsp_client import server_command, server_env
from .test_session import MODEL, cli_json, expected_ranges

pytestmark = pytest.mark.slow
SCRIPT = os.path.join(os.path.dirname(__file__), "nvim", "diagnostics.lua")


def test_neovim_shows_diagnostics_and_applies_a_quick_fix(tmp_path):
    nvim = shutil.which("nvim")
    assert nvim, "Neovim is needed for this test: apt-get install neovim (.ci/run installs it)"
    path = tmp_path / "model.py"
    path.write_text(MODEL, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    env = {**server_env(), "KAI_SERVER_CMD": json.dumps(server_command()), "KAI_NVIM_OUT": str(out)}
    subprocess.run(
        [nvim, "--headless", "--clean", "-n", "-c", f"luafile {SCRIPT}", str(path)],
        cwd=tmp_path,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=120,
        check=True,
    )
    records = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert "error" not in records[0], records
    diagnostics = [r for r in records if r["kind"] == "diagnostic"]
    # Neovim stores LSP ranges as 0-based byte columns of the buffer's lines (UTF-8).
    lines = MODEL.splitlines()

    def byte_column(line: int, utf16: int) -> int:
        text, units, index = lines[line], 0, 0
        while units < utf16:
            units += 2 if ord(text[index]) > 0xFFFF else 1
            index += 1
        return len(text[:index].encode("utf-8"))

    expected = [
        (code, (sl, byte_column(sl, sc)), (el, byte_column(el, ec)))
        for code, (sl, sc), (el, ec) in expected_ranges(MODEL, cli_json(path))
    ]
    got = sorted(
        (d["code"], (d["lnum"], d["col"]), (d["end_lnum"], d["end_col"])) for d in diagnostics
    )
    assert got == sorted(expected)
    assert {d["source"] for d in diagnostics} == {"kaiming-lint"}

    actions = [r for r in records if r["kind"] == "action"]
    assert [a["action_kind"] for a in actions].count("quickfix") >= 2  # the fix and the noqa
    assert "source.fixAll.kaiming-lint" in {a["action_kind"] for a in actions}
    (buffer,) = [r["text"] for r in records if r["kind"] == "buffer"]
    assert "from kaiming_keras import KaimingNormal" in buffer
    assert buffer.count("KaimingNormal()") == 1
