"""A real client session on a project: diagnostics judged from every call site, as the CLI does.

The ``agree`` project of the project-wide corpus: ``app/blocks.py`` holds blocks whose
activation comes only from the calls in ``app/model.py``. The editor sees those findings with the
calls as ``relatedInformation``, and an unsaved edit of a call in ``model.py`` re-publishes
``blocks.py``'s diagnostics.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .lsp_client import Client, server_env

pytestmark = pytest.mark.slow

AGREE = Path(__file__).resolve().parents[1] / "project_wide" / "projects" / "agree"
TANH_CALL = '    x = conv_block(x, 32, activation="tanh")\n'


@pytest.fixture
def project(tmp_path) -> Path:
    root = tmp_path / "agree"
    shutil.copytree(AGREE, root)
    return root


@pytest.fixture
def env(tmp_path) -> dict[str, str]:
    return {**server_env(), "KAIMING_LINT_CACHE_DIR": str(tmp_path / "cache")}


@pytest.fixture
def session(project, env):
    """session(related=True) -> an initialized Client in the project's directory."""
    started: list[Client] = []

    def start(related: bool = True) -> Client:
        capabilities = {
            "textDocument": {
                "publishDiagnostics": {"versionSupport": True, "relatedInformation": related},
                "synchronization": {"didSave": True},
            },
            "workspace": {"didChangeWatchedFiles": {"dynamicRegistration": True}},
        }
        client = Client(project, capabilities, env)
        started.append(client)
        client.initialize(project)
        return client

    yield start
    for client in started:
        client.kill()


def cli_json(project: Path, env: dict[str, str], path: str) -> list[dict]:
    result = subprocess.run(
        [sys.executable, "-m", "kaiming_lint", "--format", "json", path],
        capture_output=True,
        text=True,
        cwd=project,
        env=env,
        check=False,
    )
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout)


def summary(diagnostics: list[dict]) -> list[tuple]:
    """(code, 1-based line, message, related (uri, 1-based line, message)) per diagnostic."""
    return sorted(
        (
            d["code"],
            d["range"]["start"]["line"] + 1,
            d["message"],
            tuple(
                (r["location"]["uri"], r["location"]["range"]["start"]["line"] + 1, r["message"])
                for r in d.get("relatedInformation", [])
            ),
        )
        for d in diagnostics
    )


def expected(project: Path, findings: list[dict]) -> list[tuple]:
    return sorted(
        (
            f["code"],
            f["line"],
            f["message"],
            tuple(((project / r["path"]).as_uri(), r["line"], r["message"]) for r in f["related"]),
        )
        for f in findings
    )


def published(client: Client, uri: str, predicate) -> list[dict]:
    params = client.wait_for(
        "textDocument/publishDiagnostics",
        lambda p: p["uri"] == uri and predicate(p["diagnostics"]),
    )
    return params["diagnostics"]


def conv_block_finding(diagnostics: list[dict]) -> bool:
    return any(d["range"]["start"]["line"] + 1 == 7 for d in diagnostics)


def test_calls_in_other_documents_decide_and_refresh_the_diagnostics(session, project, env):
    blocks, model = project / "app" / "blocks.py", project / "app" / "model.py"
    model_text = model.read_text("utf-8")
    client = session()

    client.open(blocks.as_uri(), blocks.read_text("utf-8"))
    diagnostics = client.diagnostics(blocks.as_uri(), version=1)
    cli = cli_json(project, env, "app/blocks.py")
    assert summary(diagnostics) == expected(project, cli)
    first = next(d for d in diagnostics if d["range"]["start"]["line"] + 1 == 7)
    assert "(activation from the 2 calls at app/model.py:13, app/model.py:14)" in first["message"]
    locations = [r["location"] for r in first["relatedInformation"]]
    assert [(loc["uri"], loc["range"]["start"]) for loc in locations] == [
        (model.as_uri(), {"line": 12, "character": 8}),
        (model.as_uri(), {"line": 13, "character": 8}),
    ]
    assert sum(bool(d.get("relatedInformation")) for d in diagnostics) == 7  # all but own_relu

    # model.py, edited and not saved: one call of conv_block now passes tanh
    client.open(model.as_uri(), model_text)
    client.diagnostics(model.as_uri(), version=1)
    lines = model_text.splitlines(keepends=True)
    assert lines[12] == "    x = conv_block(x, 32)\n"
    change = {
        "range": {"start": {"line": 12, "character": 0}, "end": {"line": 13, "character": 0}},
        "text": TANH_CALL,
    }
    client.change(model.as_uri(), 2, [change])
    after = published(client, blocks.as_uri(), lambda d: not conv_block_finding(d))
    assert model.read_text("utf-8") == model_text  # nothing was written
    lines[12] = TANH_CALL
    edited = project.parent / "edited"
    shutil.copytree(project, edited)
    (edited / "app" / "model.py").write_text("".join(lines), encoding="utf-8")
    cli = cli_json(edited, env, "app/blocks.py")
    assert summary(after) == expected(project, cli)
    assert len(after) == len(diagnostics) - 1

    # closing the unsaved buffer: the file on disk decides again
    client.notify("textDocument/didClose", {"textDocument": {"uri": model.as_uri()}})
    again = published(client, blocks.as_uri(), conv_block_finding)
    assert summary(again) == summary(diagnostics)
    assert client.close() == 0


def test_a_watched_file_change_on_disk_refreshes_and_messages_name_the_calls(session, project, env):
    blocks, model = project / "app" / "blocks.py", project / "app" / "model.py"
    client = session(related=False)
    client.open(blocks.as_uri(), blocks.read_text("utf-8"))
    diagnostics = client.diagnostics(blocks.as_uri(), version=1)
    assert len(diagnostics) == 8
    # a client without relatedInformation support: the message alone names the calls
    assert not any("relatedInformation" in d for d in diagnostics)
    messages = {d["message"] for d in diagnostics}
    assert {f["message"] for f in cli_json(project, env, "app/blocks.py")} == messages

    watched = [
        w["globPattern"]
        for r in client.server_requests
        if r["method"] == "client/registerCapability"
        for reg in r["params"]["registrations"]
        for w in reg["registerOptions"]["watchers"]
    ]
    assert {"**/*.py", "**/*.ipynb"} <= set(watched)

    text = model.read_text("utf-8").replace("    x = conv_block(x, 32)\n", TANH_CALL)
    model.write_text(text, encoding="utf-8")
    client.notify(
        "workspace/didChangeWatchedFiles", {"changes": [{"uri": model.as_uri(), "type": 2}]}
    )
    after = published(client, blocks.as_uri(), lambda d: not conv_block_finding(d))
    assert {d["message"] for d in after} == {
        f["message"] for f in cli_json(project, env, "app/blocks.py")
    }
    assert len(after) == 7
    assert client.close() == 0


def test_an_untitled_document_is_linted_alone(session, env, tmp_path):
    client = session()
    uri = "untitled:Untitled-1"
    text = (AGREE / "app" / "blocks.py").read_text("utf-8")
    client.open(uri, text)
    diagnostics = client.diagnostics(uri, version=1)
    alone = subprocess.run(
        [sys.executable, "-m", "kaiming_lint", "--format", "json", "-"],
        input=text,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        check=False,
    )
    findings = json.loads(alone.stdout)
    assert sorted((d["range"]["start"]["line"] + 1, d["message"]) for d in diagnostics) == sorted(
        (f["line"], f["message"]) for f in findings
    )
    assert not any("app/model.py" in d["message"] for d in diagnostics)
    assert client.close() == 0


def test_an_open_notebook_calls_count_and_related_lands_in_its_cell(session, project):
    blocks = project / "app" / "blocks.py"
    notebook = project / "explore.ipynb"  # never saved: only the editor has it
    client = session()
    client.open(blocks.as_uri(), blocks.read_text("utf-8"))
    assert conv_block_finding(client.diagnostics(blocks.as_uri(), version=1))

    cells = [
        "import keras\nfrom app.blocks import conv_block\n",
        'y = conv_block(keras.Input((8, 8, 3)), 8, activation="tanh")\n',
    ]
    cell_uris = [f"vscode-notebook-cell:{notebook}#W{i}sZmlsZQ%3D%3D" for i in range(2)]
    client.notify(
        "notebookDocument/didOpen",
        {
            "notebookDocument": {
                "uri": notebook.as_uri(),
                "notebookType": "jupyter-notebook",
                "version": 1,
                "metadata": {},
                "cells": [{"kind": 2, "document": uri} for uri in cell_uris],
            },
            "cellTextDocuments": [
                {"uri": uri, "languageId": "python", "version": 1, "text": text}
                for uri, text in zip(cell_uris, cells, strict=True)
            ],
        },
    )
    # the notebook's call passes tanh: the calls no longer agree
    published(client, blocks.as_uri(), lambda d: not conv_block_finding(d))

    # the cell now passes relu: three calls agree, one of them in the cell
    client.notify(
        "notebookDocument/didChange",
        {
            "notebookDocument": {"uri": notebook.as_uri(), "version": 2},
            "change": {
                "cells": {
                    "textContent": [
                        {
                            "document": {"uri": cell_uris[1], "version": 2},
                            "changes": [{"text": cells[1].replace("tanh", "relu")}],
                        }
                    ]
                }
            },
        },
    )
    after = published(client, blocks.as_uri(), conv_block_finding)
    first = next(d for d in after if d["range"]["start"]["line"] + 1 == 7)
    assert "3 calls" in first["message"]
    assert "explore.ipynb" in first["message"]
    in_cell = [r["location"] for r in first["relatedInformation"]]
    assert {
        "uri": cell_uris[1],
        "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
    } in in_cell
    assert client.close() == 0
