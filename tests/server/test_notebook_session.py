"""Notebook document sync: a notebook's cells are linted and fixed as the CLI lints the .ipynb."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from .lsp_client import apply_edits, server_env

pytestmark = pytest.mark.slow

CELLS = [
    ("code", "import keras\nfrom keras import layers\n%matplotlib inline\n"),
    ("markdown", "# A model\nwith `layers.Dense(64)` in prose"),
    (
        "code",
        'model = keras.Sequential([\n    layers.Dense(64, activation="relu"),\n'
        "    layers.Dense(10),\n])\n",
    ),
    ("code", "x = layers.Conv2D(8, 3, activation='relu', kernel_initializer='glorot_normal')"),
]


def write_notebook(path, cells) -> None:
    path.write_text(
        json.dumps(
            {
                "cells": [
                    {"cell_type": kind, "metadata": {}, "source": text}
                    | ({"outputs": [], "execution_count": None} if kind == "code" else {})
                    for kind, text in cells
                ],
                "metadata": {"kernelspec": {"language": "python", "name": "python3"}},
                "nbformat": 4,
                "nbformat_minor": 5,
            },
            indent=1,
        ),
        encoding="utf-8",
    )


def cli(*args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "kaiming_lint", *map(str, args)],
        capture_output=True,
        text=True,
        env=server_env(),
        check=False,
    )


def cli_cell_positions(path) -> list[tuple]:
    """(cell index, 0-based line, 0-based column, code) from the CLI's text output."""
    found = re.findall(r":cell (\d+):(\d+):(\d+): (KAI\d+)", cli(path).stdout)
    return sorted((int(c) - 1, int(line) - 1, int(col) - 1, code) for c, line, col, code in found)


def open_notebook(client, uri, cells, version=1):
    # VS Code's form: the notebook's path in another scheme, and a quoted fragment per cell
    path = uri.removeprefix("file://")
    cell_uris = [
        f"vscode-notebook-cell:{path}#W{index}sZmlsZQ%3D%3D" for index in range(len(cells))
    ]
    client.notify(
        "notebookDocument/didOpen",
        {
            "notebookDocument": {
                "uri": uri,
                "notebookType": "jupyter-notebook",
                "version": version,
                "metadata": {},
                "cells": [
                    {"kind": 2 if kind == "code" else 1, "document": cell_uri}
                    for (kind, _), cell_uri in zip(cells, cell_uris, strict=True)
                ],
            },
            "cellTextDocuments": [
                {
                    "uri": cell_uri,
                    "languageId": "python" if kind == "code" else "markdown",
                    "version": version,
                    "text": text,
                }
                for (kind, text), cell_uri in zip(cells, cell_uris, strict=True)
            ],
        },
    )
    return cell_uris


def all_diagnostics(client, cell_uris) -> list[tuple]:
    found = []
    for index, cell_uri in enumerate(cell_uris):
        for d in client.diagnostics(cell_uri):
            start = d["range"]["start"]
            found.append((index, start["line"], start["character"], d["code"]))
    return sorted(found)


def test_notebook_cells_get_the_cli_findings_and_fixes(start_client, tmp_path):
    (tmp_path / "my notebooks").mkdir()
    path = tmp_path / "my notebooks" / "nb.ipynb"
    write_notebook(path, CELLS)
    client = start_client()
    uri = path.as_uri()
    cell_uris = open_notebook(client, uri, CELLS)
    diagnostics = all_diagnostics(client, cell_uris)
    assert diagnostics == cli_cell_positions(path)
    assert {code for *_, code in diagnostics} == {"KAI001", "KAI002"}

    # fix-all, asked from any cell, rewrites the cells as `kaiming-lint --fix nb.ipynb` does
    actions = client.code_actions(cell_uris[3], (0, 0), (0, 0), only=["source.fixAll"])
    changes = actions[0]["edit"]["changes"]
    fixed = [
        apply_edits(text, changes.get(cell_uri, []))
        for (_, text), cell_uri in zip(CELLS, cell_uris, strict=True)
    ]
    cli(path, "--fix")
    written = ["".join(c["source"]) for c in json.loads(path.read_text("utf-8"))["cells"]]
    assert fixed == written
    assert "%matplotlib inline" in fixed[0] and "KaimingNormal" in fixed[0]
    assert cell_uris[1] not in changes  # the markdown cell is never touched

    # a quick fix in one cell edits that cell (and the import cell)
    actions = client.code_actions(cell_uris[3], (0, 0), (0, 5))
    quick = [a for a in actions if a["title"].startswith("Fix KAI002")]
    assert set(quick[0]["edit"]["changes"]) == {cell_uris[0], cell_uris[3]}

    # a cell that does not parse gets KAI900; the other cells are still checked
    broken = [*CELLS[:3], ("code", "x = layers.Dense(4, activation='relu'\n")]
    client.notify(
        "notebookDocument/didChange",
        {
            "notebookDocument": {"uri": uri, "version": 2},
            "change": {
                "cells": {
                    "textContent": [
                        {
                            "document": {"uri": cell_uris[3], "version": 2},
                            "changes": [{"text": broken[3][1]}],
                        }
                    ]
                }
            },
        },
    )
    diagnostics = all_diagnostics(client, cell_uris)
    write_notebook(path, broken)
    assert diagnostics == cli_cell_positions(path)
    assert [d for d in diagnostics if d[0] == 3] == [(3, 0, 16, "KAI900")]
    assert [d[3] for d in diagnostics if d[0] == 2] == ["KAI001"]

    client.notify(
        "notebookDocument/didClose",
        {"notebookDocument": {"uri": uri}, "cellTextDocuments": [{"uri": u} for u in cell_uris]},
    )
    assert all(client.diagnostics(cell_uri) == [] for cell_uri in cell_uris)
    assert client.close() == 0


def test_moving_cells_relints_the_program_in_the_new_order(start_client, tmp_path):
    path = tmp_path / "nb.ipynb"
    client = start_client()
    uri = path.as_uri()
    cell_uris = open_notebook(client, uri, CELLS)
    all_diagnostics(client, cell_uris)
    order = [3, 0, 1, 2]  # the Conv2D cell first: the fix's import now goes into it
    client.notify(
        "notebookDocument/didChange",
        {
            "notebookDocument": {"uri": uri, "version": 2},
            "change": {
                "cells": {
                    "structure": {
                        "array": {
                            "start": 0,
                            "deleteCount": len(CELLS),
                            "cells": [
                                {
                                    "kind": 2 if CELLS[i][0] == "code" else 1,
                                    "document": cell_uris[i],
                                }
                                for i in order
                            ],
                        }
                    }
                }
            },
        },
    )
    moved = [CELLS[i] for i in order]
    moved_uris = [cell_uris[i] for i in order]
    write_notebook(path, moved)
    assert all_diagnostics(client, moved_uris) == cli_cell_positions(path)
    actions = client.code_actions(moved_uris[0], (0, 0), (0, 0), only=["source.fixAll"])
    changes = actions[0]["edit"]["changes"]
    fixed = [
        apply_edits(text, changes.get(cell_uri, []))
        for (_, text), cell_uri in zip(moved, moved_uris, strict=True)
    ]
    cli(path, "--fix")
    assert fixed == ["".join(c["source"]) for c in json.loads(path.read_text("utf-8"))["cells"]]
    assert "from kaiming_keras import KaimingNormal" in fixed[0]
    assert client.close() == 0
