"""A notebook synced cell by cell (LSP notebook documents) as the program the CLI checks.

The cells are written into a minimal ``.ipynb`` and read back by ``kaiming_lint.sources.notebook``
exactly as a notebook file is read: code cells joined into one program with IPython magics
masked, markdown cells counted but not checked. Findings in that program go back to the cell
they are in; fixes go back as each cell's new text.
"""

from __future__ import annotations

import ast
import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from kaiming_lint.pipeline import Finding, LintOptions
from kaiming_lint.sources.notebook import (
    NotebookError,
    NotebookSource,
    apply_fixed_python,
    lint_notebook,
    notebook_to_python,
)

UNREADABLE = "KAI900"


@dataclass(frozen=True)
class Cell:
    """One cell as the client sent it: its document URI, whether it is Python code, its text."""

    uri: str
    code: bool
    text: str


@dataclass(frozen=True)
class Program:
    """A notebook's code cells as one Python text, and the way back to the cells."""

    cells: tuple[Cell, ...]
    raw: bytes  # the notebook as .ipynb JSON
    source: NotebookSource
    python: str  # the text to check: cells that do not parse on their own are commented out
    broken: tuple[int, ...]  # indices of those cells

    def to_cell(self, finding: Finding) -> tuple[str, Finding] | None:
        """The cell URI a finding in ``python`` belongs to, and the finding in that cell."""
        start = self.source.cell_position(finding.line)
        if start is None:
            return None
        end = self.source.cell_position(finding.end_line)
        index, line = start
        end_line, end_column = (
            (end[1], finding.end_column) if end and end[0] == index else (line, finding.column + 1)
        )
        moved = replace(finding, line=line, end_line=end_line, end_column=end_column)
        return self.cells[index].uri, moved

    def from_cell(self, uri: str, line: int) -> int | None:
        """The line in ``python`` of 1-based ``line`` of the cell ``uri``."""
        for index, cell in enumerate(self.cells):
            if cell.uri == uri and index in self.source.cell_start:
                return self.source.cell_start[index] + line - 1
        return None

    def cell_texts(self, fixed_python: str) -> dict[str, str]:
        """The new text of every cell the fixed program changes, by cell URI."""
        fixed = json.loads(apply_fixed_python(self.raw, self.source, fixed_python))
        changed = {}
        for cell, written in zip(self.cells, fixed["cells"], strict=True):
            text = written["source"]
            text = text if isinstance(text, str) else "".join(text)
            if text != cell.text:
                changed[cell.uri] = text
        return changed


def program(cells: Sequence[Cell], metadata: dict[str, Any] | None = None) -> Program | None:
    """The program of a notebook's cells; None when it has no Python code to check."""
    document = {
        "cells": [
            {"cell_type": "code" if cell.code else "markdown", "metadata": {}, "source": cell.text}
            for cell in cells
        ],
        "metadata": metadata if isinstance(metadata, dict) else {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    raw = json.dumps(document).encode("utf-8")
    try:
        source = notebook_to_python(raw)
    except NotebookError:
        return None
    if not source.is_python or not source.cells:
        return None
    python = source.python
    broken: tuple[int, ...] = ()
    if not _parses(python):
        broken = tuple(c.index for c in source.cells if not _parses(source.cell_python(c.index)))
        python = source.masking_cells(list(broken))
    return Program(tuple(cells), raw, source, python, broken)


def unreadable_cells(
    program: Program, name: str, options: LintOptions
) -> list[tuple[str, Finding]]:
    """KAI900 for the cells that do not parse, placed and worded as the CLI reports them."""
    if not program.broken:
        return []
    found = []
    for finding in lint_notebook(program.raw, name, options).findings:
        if finding.code != UNREADABLE or finding.cell is None or finding.cell_line is None:
            continue
        column = finding.cell_column or 1
        moved = replace(
            finding,
            line=finding.cell_line,
            column=column,
            end_line=finding.cell_line,
            end_column=column + 1,
        )
        found.append((program.cells[finding.cell - 1].uri, moved))
    return found


def _parses(python: str) -> bool:
    try:
        ast.parse(python)
    except (SyntaxError, ValueError):
        return False
    return True
