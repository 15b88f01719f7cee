"""A real client session with `kaiming-lint server` over stdio, checked against the CLI."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest

from kaiming_lint.lsp.links import rule_url

from .lsp_client import apply_edits, server_env

pytestmark = pytest.mark.slow

MODEL = """\
import keras
from keras import layers

SHARED = keras.initializers.HeNormal(seed=3)


def build(inputs):
    label = "ünïcödé 😀"; x = layers.Dense(64, activation="relu")(inputs)
    x = layers.Conv2D(
        32, 3, activation="relu", kernel_initializer="glorot_uniform"
    )(x)
    x = layers.Dense(16, activation="relu", bias_initializer="ones")(x)
    x = layers.Dense(8, activation="relu", kernel_initializer=SHARED)(x)
    return layers.Dense(8, activation="relu", kernel_initializer=SHARED)(x)
"""


def cli_json(path) -> list[dict]:
    result = subprocess.run(
        [sys.executable, "-m", "kaiming_lint", "--format", "json", str(path)],
        capture_output=True,
        text=True,
        env=server_env(),
        check=False,
    )
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout)


def cli_fix(path) -> str:
    subprocess.run(
        [sys.executable, "-m", "kaiming_lint", "--fix", str(path)],
        capture_output=True,
        env=server_env(),
        check=False,
    )
    return path.read_text(encoding="utf-8")


def sarif_severities(path) -> list[tuple[str, int]]:
    """(rule, LSP severity) for each SARIF result of the CLI: error -> 1, warning -> 2."""
    result = subprocess.run(
        [sys.executable, "-m", "kaiming_lint", "--format", "sarif", str(path)],
        capture_output=True,
        text=True,
        env=server_env(),
        check=False,
    )
    levels = {"error": 1, "warning": 2}
    results = json.loads(result.stdout)["runs"][0]["results"]
    return sorted((r["ruleId"], levels[r["level"]]) for r in results)


def utf16(line: str, column: int) -> int:
    """A 1-based code point column as a 0-based UTF-16 character offset."""
    return sum(2 if ord(c) > 0xFFFF else 1 for c in line[: column - 1])


def expected_ranges(text: str, findings: list[dict]) -> list[tuple]:
    lines = text.splitlines()
    return sorted(
        (
            f["code"],
            (f["line"] - 1, utf16(lines[f["line"] - 1], f["column"])),
            (f["end_line"] - 1, utf16(lines[f["end_line"] - 1], f["end_column"])),
        )
        for f in findings
    )


def ranges(diagnostics: list[dict]) -> list[tuple]:
    return sorted(
        (
            d["code"],
            (d["range"]["start"]["line"], d["range"]["start"]["character"]),
            (d["range"]["end"]["line"], d["range"]["end"]["character"]),
        )
        for d in diagnostics
    )


def test_session_diagnostics_actions_fix_all_and_exit(start_client, tmp_path):
    (tmp_path / "my project").mkdir()
    path = tmp_path / "my project" / "model.py"  # its URI has %20 in it
    path.write_text(MODEL, encoding="utf-8")
    uri = path.as_uri()
    client = start_client()

    # open: the diagnostics are the CLI's findings, 0-based, in UTF-16 units
    client.open(uri, MODEL)
    diagnostics = client.diagnostics(uri, version=1)
    expected = cli_json(path)
    assert len(expected) == 6
    assert ranges(diagnostics) == expected_ranges(MODEL, expected)
    assert sorted((d["code"], d["severity"]) for d in diagnostics) == sarif_severities(path)
    for diagnostic in diagnostics:
        assert diagnostic["source"] == "kaiming-lint"
        assert diagnostic["severity"] == 2  # warning, as SARIF's level for these rules
        assert diagnostic["codeDescription"]["href"] == rule_url(diagnostic["code"])
    assert {d["message"] for d in diagnostics} == {f["message"] for f in expected}

    # change: the server re-lints the new text (debounced) and tags it with the version
    text = MODEL.replace('bias_initializer="ones"', 'bias_initializer="zeros"')
    line = MODEL.splitlines().index(next(s for s in MODEL.splitlines() if '"ones"' in s))
    column = MODEL.splitlines()[line].index('"ones"')
    client.change(
        uri,
        2,
        [
            {
                "range": {
                    "start": {"line": line, "character": column},
                    "end": {"line": line, "character": column + len('"ones"')},
                },
                "text": '"zeros"',
            }
        ],
    )
    diagnostics = client.diagnostics(uri, version=2)
    path.write_text(text, encoding="utf-8")
    assert ranges(diagnostics) == expected_ranges(text, cli_json(path))
    assert "KAI003" not in {d["code"] for d in diagnostics}

    # a quick fix on the Conv2D's initializer: the same edit --fix writes for that finding
    kai002 = next(d for d in diagnostics if d["code"] == "KAI002")
    start = kai002["range"]["start"]
    actions = client.code_actions(
        uri,
        (start["line"], start["character"]),
        (start["line"], start["character"]),
        diagnostics=[kai002],
    )
    quick = [a for a in actions if a["kind"] == "quickfix" and "noqa" not in a["title"]]
    assert [a["diagnostics"][0]["code"] for a in quick] == ["KAI002"]
    fixed = apply_edits(text, quick[0]["edit"]["changes"][uri])
    assert "kernel_initializer=KaimingNormal()" in fixed
    assert "from kaiming_keras import KaimingNormal" in fixed
    assert "glorot_uniform" not in fixed
    fixed_path = tmp_path / "one_fix.py"
    fixed_path.write_text(fixed, encoding="utf-8")
    left = {f["code"] for f in cli_json(fixed_path)}
    assert left == {"KAI001", "KAI005"}  # only the chosen finding was fixed

    # the noqa action silences exactly that finding
    noqa = [a for a in actions if "noqa" in a["title"]]
    assert len(noqa) == 1
    silenced = apply_edits(text, noqa[0]["edit"]["changes"][uri])
    assert "# noqa: KAI002" in silenced
    fixed_path.write_text(silenced, encoding="utf-8")
    assert len(cli_json(fixed_path)) == len(diagnostics) - 1

    # fix-all is exactly `kaiming-lint --fix` on the same text
    actions = client.code_actions(uri, (0, 0), (0, 0), only=["source.fixAll"])
    assert [a["kind"] for a in actions] == ["source.fixAll.kaiming-lint"]
    all_fixed = apply_edits(text, actions[0]["edit"]["changes"][uri])
    assert all_fixed == cli_fix(path)
    assert all_fixed != text

    # apply the edit as the editor would: the server now reports nothing
    client.change(uri, 3, [{"text": all_fixed}])
    assert client.diagnostics(uri, version=3) == []

    # a document that does not parse gets KAI900 (an error), and the server keeps answering
    broken = all_fixed + "\ndef oops(:\n"
    client.change(uri, 4, [{"text": broken}])
    diagnostics = client.diagnostics(uri, version=4)
    path.write_text(broken, encoding="utf-8")
    assert ranges(diagnostics) == expected_ranges(broken, cli_json(path))
    assert [(d["code"], d["severity"]) for d in diagnostics] == [("KAI900", 1)]
    assert sarif_severities(path) == [("KAI900", 1)]
    assert client.code_actions(uri, (0, 0), (99, 0)) == []
    client.change(uri, 5, [{"text": MODEL}])
    assert len(client.diagnostics(uri, version=5)) == 6

    assert client.close() == 0


def test_debounce_lints_once_after_a_burst_of_edits(start_client, tmp_path):
    path = tmp_path / "model.py"
    uri = path.as_uri()
    client = start_client()
    client.open(uri, MODEL)
    client.diagnostics(uri, version=1)
    for version in range(2, 12):
        client.change(uri, version, [{"text": MODEL + "\n" * version}])
    assert len(client.diagnostics(uri, version=11)) == 6
    time.sleep(0.3)
    client.request("shutdown")  # flush: everything the server sent before is now received
    published = [
        n for n in client.notifications if n.get("method") == "textDocument/publishDiagnostics"
    ]
    assert published == []  # no diagnostics for the intermediate versions


def test_pyproject_change_reloads_configuration(start_client, tmp_path):
    path = tmp_path / "model.py"
    path.write_text(MODEL, encoding="utf-8")
    uri = path.as_uri()
    client = start_client()
    client.open(uri, MODEL)
    assert len(client.diagnostics(uri, version=1)) == 6
    watched = [
        reg
        for r in client.server_requests
        if r["method"] == "client/registerCapability"
        for reg in r["params"]["registrations"]
    ]
    assert watched[0]["method"] == "workspace/didChangeWatchedFiles"
    assert watched[0]["registerOptions"]["watchers"][0]["globPattern"] == "**/pyproject.toml"

    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[tool.kaiming-lint]\nignore = ["KAI005"]\n', encoding="utf-8")
    client.notify(
        "workspace/didChangeWatchedFiles", {"changes": [{"uri": pyproject.as_uri(), "type": 1}]}
    )
    diagnostics = client.diagnostics(uri, version=1)
    assert sorted(d["code"] for d in diagnostics) == ["KAI001", "KAI001", "KAI002", "KAI003"]
    assert ranges(diagnostics) == expected_ranges(MODEL, cli_json(path))

    # Without a notification (a client that watches nothing), the next lint sees the change.
    pyproject.write_text('[tool.kaiming-lint]\nselect = ["KAI001"]\n', encoding="utf-8")
    client.notify("textDocument/didSave", {"textDocument": {"uri": uri}})
    assert [d["code"] for d in client.diagnostics(uri, version=1)] == ["KAI001", "KAI001"]

    # A bad configuration: one error message naming the key, and the server keeps serving.
    pyproject.write_text('[tool.kaiming-lint]\nselct = ["KAI001"]\n', encoding="utf-8")
    client.notify("textDocument/didSave", {"textDocument": {"uri": uri}})
    message = client.wait_for("window/showMessage")
    assert message["type"] == 1 and "selct" in message["message"]
    assert client.diagnostics(uri, version=1) == []
    pyproject.write_text("[tool.kaiming-lint]\n", encoding="utf-8")
    client.notify("textDocument/didSave", {"textDocument": {"uri": uri}})
    assert len(client.diagnostics(uri, version=1)) == 6
    assert client.close() == 0
