"""Jupyter notebooks (``.ipynb``): their code cells as one Python text, and fixes written back.

Read with the standard ``json`` module only (no nbformat). The Python text is every code cell's
source in order, with a marker comment line between cells. Lines Python cannot parse are
masked by a placeholder at the same indentation, so line numbers stay aligned:

- IPython line magics (``%time f()``, ``x = %env``), shell escapes (``!pip ...``, ``x = !ls``),
  help lines (``?obj``, ``obj?``), and lines continuing them with a trailing backslash;
- the first line of a cell whose cell magic runs its body as Python (``%%time``, ``%%capture``,
  see ``PYTHON_CELL_MAGICS``); cells with any other cell magic (``%%bash``, ``%%html``, ...) are
  left out entirely;
- a PEP 263 coding comment (the text is already decoded).

Positions. A finding has two: the cell (1-based among all cells, markdown included, as they
appear top to bottom) with its line and column in that cell; and the line and column in the
``.ipynb`` file's JSON text where that character's source string sits (what JSON and SARIF
report, so an editor opening the file lands on the code).

Fixes are written back by replacing only the ``source`` value of the cells that changed; every
other byte of the file (outputs, metadata, key order, indentation, escaping, the final newline)
is kept. Source lines a fix did not touch keep their original JSON literal.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import TypeVar

from kaiming_lint import pipeline
from kaiming_lint.pairing import mentions_kernel_layer
from kaiming_lint.results import UNREADABLE, FileResult, Finding, LintOptions, UnknownLayer
from kaiming_lint.rules import selected_codes

_Placed = TypeVar("_Placed", Finding, UnknownLayer)

# Cell magics whose body IPython runs as Python code.
PYTHON_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun", "debug", "python", "python3"})

_MARKER = "# kaiming-lint: cell {}"
_MARKER_LINE = re.compile(r"^# kaiming-lint: cell (\d+)$")
_PLACEHOLDER = "pass  # kaiming-lint: masked {}"
_COMMENT_PLACEHOLDER = "# kaiming-lint: masked {}"
_MASKED_LINE = re.compile(r"^([ \t]*)(?:pass  )?# kaiming-lint: masked (\d+)$")
_CODING = re.compile(r"^[ \t\f]*#.*?coding[:=][ \t]*[-\w.]+")
_CELL_MAGIC = re.compile(r"^%%([A-Za-z_][\w]*)")
# `%magic`, `!cmd`, `?obj`, `obj?`, `x = %magic`, `x = !cmd`
_LINE_MAGIC = re.compile(
    r"^[ \t]*(?:[%!?]|[A-Za-z_][\w.]*[ \t]*=[ \t]*[%!](?!=)|[^#\n]*[A-Za-z_)\]][ \t]*\?\??[ \t]*$)"
)
_WHITESPACE = re.compile(r"[ \t\n\r]*")
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


class NotebookError(ValueError):
    """The file is not a notebook this reader understands; ``line`` is where in the file."""

    def __init__(self, message: str, line: int = 1, column: int = 1) -> None:
        super().__init__(message)
        self.line, self.column = line, column


@dataclass(frozen=True)
class _Literal:
    """One JSON string in the file: its decoded value and raw ``[start, end)`` span."""

    value: str
    start: int
    end: int
    line: int = 1  # the file line it sits on (a JSON string holds no raw line break)
    line_start: int = 0  # the offset where that line starts


@dataclass(frozen=True)
class _Cell:
    index: int  # 0-based position among all cells
    text: str  # the decoded source
    source_start: int  # raw span of the "source" value (a list or a string)
    source_end: int
    literals: tuple[_Literal, ...]


@dataclass(frozen=True)
class NotebookSource:
    """A notebook's code cells as Python, and the way back to cells and file positions."""

    python: str
    is_python: bool  # False when the notebook declares another kernel language
    cells: tuple[_Cell, ...]  # the code cells in the Python text, in order
    line_map: tuple[tuple[int, int] | None, ...]  # python line - 1 -> (cell index, cell line)
    cell_start: dict[int, int]  # cell index -> python line of its first line
    masked: dict[int, str] = field(default_factory=dict)  # placeholder number -> original line
    text: str = ""  # the decoded file
    bom: bool = False

    def cell_position(self, line: int) -> tuple[int, int] | None:
        """The 0-based cell index and 1-based line in the cell of a Python line (None: marker)."""
        if not 1 <= line <= len(self.line_map):
            return None
        return self.line_map[line - 1]

    def file_position(self, line: int, column: int) -> tuple[int, int]:
        """The 1-based line and column in the .ipynb JSON text of a Python line and column."""
        where = self.cell_position(line)
        if where is None:
            return 1, 1
        cell = next(c for c in self.cells if c.index == where[0])
        cell_lines = _lines(cell.text)
        offset = sum(len(text) for text in cell_lines[: where[1] - 1]) + max(column - 1, 0)
        literal, raw = _raw_offset(self.text, cell, offset)
        return literal.line, raw - literal.line_start + 1

    def cell_python(self, cell_index: int) -> str:
        """One code cell's Python text (masked like the whole), for checking cells one by one."""
        first = self.cell_start[cell_index]
        lines = _lines(self.python)
        end = first
        while end <= len(self.line_map) and self._in_cell(end, cell_index):
            end += 1
        return "".join(lines[first - 1 : end - 1])

    def masking_cells(self, indices: list[int]) -> str:
        """The Python text with these cells' lines turned into comments (restored on write back)."""
        lines = _lines(self.python)
        for number, where in enumerate(self.line_map):
            if where is not None and where[0] in indices:
                original = lines[number].rstrip("\r\n")
                key = len(self.masked)
                self.masked[key] = _unmask(original, self.masked)
                lines[number] = _COMMENT_PLACEHOLDER.format(key) + lines[number][len(original) :]
        return "".join(lines)

    def _in_cell(self, line: int, cell_index: int) -> bool:
        where = self.line_map[line - 1]
        return where is not None and where[0] == cell_index


def _lines(text: str) -> list[str]:
    """The lines of ``text`` with their endings, split where Python splits them (not at \\f)."""
    return _LINE.findall(text)


def notebook_to_python(raw: bytes) -> NotebookSource:
    """The Python text of a notebook's code cells; NotebookError if it is not a notebook."""
    bom = raw.startswith(b"\xef\xbb\xbf")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        raise NotebookError(
            f"could not decode the notebook as UTF-8: byte 0x{raw[error.start]:02x} is invalid",
            line,
        ) from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise NotebookError(
            f"could not read the notebook: invalid JSON ({error.msg})", error.lineno, error.colno
        ) from None
    if not isinstance(document, dict) or not isinstance(document.get("cells"), list):
        if isinstance(document, dict) and "worksheets" in document:
            raise NotebookError("notebook format 3 is not supported: convert it to format 4")
        raise NotebookError("could not read the notebook: no 'cells' list at the top level")
    cells = _code_cells(text)
    pieces: list[str] = []
    line_map: list[tuple[int, int] | None] = []
    cell_start: dict[int, int] = {}
    masked: dict[int, str] = {}
    for cell in cells:
        body = _mask(cell.text, masked)
        if body is None:
            continue
        if cell_start:
            pieces.append(_MARKER.format(cell.index) + "\n")
            line_map.append(None)
        cell_start[cell.index] = len(line_map) + 1
        if not body.endswith(("\n", "\r")):
            body += "\n"
        pieces.append(body)
        line_map.extend((cell.index, n) for n in range(1, len(_lines(body)) + 1))
    return NotebookSource(
        python="".join(pieces),
        is_python=_is_python(document),
        cells=tuple(c for c in cells if c.index in cell_start),
        line_map=tuple(line_map),
        cell_start=cell_start,
        masked=masked,
        text=text,
        bom=bom,
    )


def apply_fixed_python(raw: bytes, src: NotebookSource, fixed_python: str) -> bytes:
    """The notebook with the fixed Python written back; only changed cells' sources differ."""
    segments = _split_cells(src, fixed_python)
    edits: list[tuple[int, int, str]] = []
    ascii_only = _escapes_non_ascii(src.text)
    for cell in src.cells:
        new_text = _unmask(segments[cell.index], src.masked)
        if not cell.text.endswith(("\n", "\r")) and new_text.endswith("\n"):
            new_text = new_text[:-1]
        if new_text == cell.text:
            continue
        edits.append(
            (cell.source_start, cell.source_end, _serialize(src.text, cell, new_text, ascii_only))
        )
    if not edits:
        return raw
    pieces, done = [], 0
    for start, end, replacement in sorted(edits):
        pieces += [src.text[done:start], replacement]
        done = end
    pieces.append(src.text[done:])
    return (b"\xef\xbb\xbf" if src.bom else b"") + "".join(pieces).encode("utf-8")


def lint_notebook(data: bytes, path: str, options: LintOptions) -> FileResult:
    """Check a notebook's code cells (the runner's checker for ``.ipynb`` files).

    A cell that does not parse on its own is reported (KAI900, when it mentions a kernel layer)
    and left out, so the other cells are still checked with the imports of the whole notebook.
    """
    result = FileResult(path=path, original=data)
    report_unreadable = UNREADABLE in selected_codes(options.select, options.ignore)
    try:
        src = notebook_to_python(data)
    except NotebookError as error:
        if report_unreadable:
            result.findings.append(_unreadable(path, str(error), error.line, error.column))
        return result
    if not src.is_python or not src.cells:
        return result
    python = src.python
    if not _parses(python):
        broken: list[int] = []
        for cell in src.cells:
            cell_python = src.cell_python(cell.index)
            problem = _syntax_error(cell_python)
            if problem is not None:
                broken.append(cell.index)
                if report_unreadable and mentions_kernel_layer(cell.text):
                    cell_line = min(max(problem.lineno or 1, 1), len(_lines(cell_python)))
                    line = src.cell_start[cell.index] + cell_line - 1
                    result.findings.append(_unreadable_cell(src, path, line, problem))
        python = src.masking_cells(broken)
    document = pipeline.Document(path, python)
    part = pipeline.fix(document, options) if options.fix else pipeline.check(document, options)
    if part.fixed_text is not None:
        fixed = apply_fixed_python(data, src, part.fixed_text)
        if fixed != data:
            # What is left is reported where it stands in the fixed notebook.
            after = lint_notebook(fixed, path, replace(options, fix=False))
            done = [_place(src, finding) for finding in part.findings if finding.fixed]
            after.findings = sorted(
                [*done, *after.findings], key=lambda f: (f.line, f.column, f.code)
            )
            after.original, after.fixed = data, fixed
            return after
        part = pipeline.check(document, options)
    result.unknown = part.unknown
    result.findings.extend(_place(src, finding) for finding in part.findings)
    result.findings.sort(key=lambda f: (f.line, f.column, f.code))
    result.unknowns = sorted(
        (_place(src, layer) for layer in part.unknowns), key=lambda u: (u.line, u.column)
    )
    result.reasons = dict(part.reasons)
    return result


def _unreadable(path: str, message: str, line: int, column: int) -> Finding:
    return pipeline.unreadable_finding(path, message, line, column)


def _unreadable_cell(src: NotebookSource, path: str, line: int, error: SyntaxError) -> Finding:
    cell, cell_line = src.cell_position(line) or (0, 1)
    message = f"could not parse cell {cell + 1}: invalid syntax at line {cell_line}"
    column = error.offset or 1
    finding = _unreadable(path, message, *src.file_position(line, column))
    return _in_cell(finding, cell, cell_line, column)


def _place(src: NotebookSource, finding: _Placed) -> _Placed:
    """A finding or unknown layer moved from the Python text to the notebook's JSON text, with
    its cell. Its related locations are already in file lines: they stay."""
    start = src.file_position(finding.line, finding.column)
    end = src.file_position(finding.end_line, finding.end_column)
    cell, cell_line = src.cell_position(finding.line) or (0, 1)
    moved = replace(finding, line=start[0], column=start[1], end_line=end[0], end_column=end[1])
    return _in_cell(moved, cell, cell_line, finding.column)


def _in_cell(finding: _Placed, cell: int, line: int, column: int) -> _Placed:
    """The finding with the cell it is in (1-based among all cells) and its place there."""
    return replace(finding, cell=cell + 1, cell_line=line, cell_column=column)


def _syntax_error(python: str) -> SyntaxError | None:
    try:
        ast.parse(python)
    except SyntaxError as error:
        return error
    except ValueError:  # a null byte
        return SyntaxError("null byte")
    return None


def _parses(python: str) -> bool:
    try:
        ast.parse(python)
    except (SyntaxError, ValueError):
        return False
    return True


def _is_python(document: dict[str, object]) -> bool:
    metadata = document.get("metadata")
    if not isinstance(metadata, dict):
        return True
    for key, name in (("kernelspec", "language"), ("language_info", "name")):
        section = metadata.get(key)
        if isinstance(section, dict) and isinstance(section.get(name), str):
            return section[name].strip().lower() in {"python", "python3", "python2", "ipython"}
    return True


def _mask(text: str, masked: dict[int, str]) -> str | None:
    """The cell with non-Python lines replaced by numbered placeholders; None to skip it."""
    lines = _lines(text)
    if not lines:
        return None
    first = lines[0].lstrip(" \t")
    magic = _CELL_MAGIC.match(first)
    if magic and magic.group(1) not in PYTHON_CELL_MAGICS:
        return None
    candidates = {i for i, line in enumerate(lines) if _LINE_MAGIC.match(line)}
    if magic:
        candidates.add(0)
    candidates -= _inside_strings_or_brackets(lines, candidates)
    continued: set[int] = set()  # lines continuing a magic: a comment fits at any indentation
    for i in range(1, len(lines)):
        if {i - 1} & (candidates | continued) and lines[i - 1].rstrip("\r\n").endswith("\\"):
            continued.add(i)
    candidates -= continued
    comments = continued | {i for i in (0, 1) if i < len(lines) and _CODING.match(lines[i])}
    out: list[str] = []
    for i, line in enumerate(lines):
        if i in candidates or i in comments:
            number = len(masked)
            masked[number] = line.rstrip("\r\n")
            body = line.rstrip("\r\n")
            ending = line[len(body) :]
            indent = body[: len(body) - len(body.lstrip(" \t"))]
            template = _PLACEHOLDER if i in candidates else _COMMENT_PLACEHOLDER
            out.append(indent + template.format(number) + ending)
        else:
            out.append(line)
    return "".join(out)


def _inside_strings_or_brackets(lines: list[str], candidates: set[int]) -> set[int]:
    """Candidate lines that are really inside a multi-line string or an open bracket."""
    import io
    import tokenize

    blanked = "".join("\n" if i in candidates else line for i, line in enumerate(lines))
    inside: set[int] = set()
    depth_at_line_start: dict[int, int] = {}
    depth = 0
    try:
        for token in tokenize.generate_tokens(io.StringIO(blanked).readline):
            for row in range(token.start[0], token.end[0] + 1):
                depth_at_line_start.setdefault(row - 1, depth)
            if token.type == tokenize.STRING and token.end[0] > token.start[0]:
                inside.update(range(token.start[0], token.end[0]))  # 0-based rows after start
            elif token.type == tokenize.OP and token.string in "([{":
                depth += 1
            elif token.type == tokenize.OP and token.string in ")]}":
                depth = max(depth - 1, 0)
    except (tokenize.TokenError, SyntaxError):
        pass
    inside.update(row for row, d in depth_at_line_start.items() if d > 0)
    return inside & candidates


def _unmask(text: str, masked: dict[int, str]) -> str:
    lines = _lines(text)
    for i, line in enumerate(lines):
        body = line.rstrip("\r\n")
        match = _MASKED_LINE.match(body)
        if match and int(match.group(2)) in masked:
            lines[i] = masked[int(match.group(2))] + line[len(body) :]
    return "".join(lines)


def _split_cells(src: NotebookSource, fixed_python: str) -> dict[int, str]:
    """The fixed Python text cut back into cells at the marker lines."""
    expected = [c.index for c in src.cells]
    segments: dict[int, list[str]] = {expected[0]: []} if expected else {}
    current = expected[0] if expected else None
    found = [current]
    for line in _lines(fixed_python):
        match = _MARKER_LINE.match(line.rstrip("\r\n"))
        if match:
            current = int(match.group(1))
            found.append(current)
            segments[current] = []
        elif current is not None:
            segments[current].append(line)
    if found != expected:
        raise ValueError("fixed_python must keep the cell marker lines of the notebook's Python")
    return {index: "".join(lines) for index, lines in segments.items()}


def _code_cells(text: str) -> list[_Cell]:
    """Every code cell with the raw position of its source, found by scanning the JSON text."""
    decoder = json.JSONDecoder()
    cells: list[_Cell] = []
    cursor = [0, 1, 0]  # offset counted up to, its line, that line's start

    def locate(literal: _Literal) -> _Literal:
        # Literals come in file order: count line breaks once, from the previous one on.
        offset, line, line_start = cursor
        breaks = text.count("\n", offset, literal.start)
        if breaks:
            line, line_start = line + breaks, text.rfind("\n", offset, literal.start) + 1
        cursor[:] = [literal.start, line, line_start]
        return replace(literal, line=line, line_start=line_start)

    for number, (start, _end) in enumerate(_array_items(text, _member(text, 0, "cells"))):
        members = dict(_object_members(text, start))
        if "source" not in members or "cell_type" not in members:
            continue
        kind, _ = decoder.raw_decode(text, members["cell_type"])
        if kind != "code":
            continue
        source_start = members["source"]
        value, source_end = decoder.raw_decode(text, source_start)
        if isinstance(value, str):
            literals: tuple[_Literal, ...] = (locate(_Literal(value, source_start, source_end)),)
        elif isinstance(value, list) and all(isinstance(v, str) for v in value):
            literals = tuple(
                locate(_Literal(decoder.raw_decode(text, s)[0], s, e))
                for s, e in _array_items(text, source_start)
            )
        else:
            raise NotebookError(f"cell {number + 1}: 'source' is not text")
        cells.append(
            _Cell(
                number, "".join(lit.value for lit in literals), source_start, source_end, literals
            )
        )
    return cells


def _skip_space(text: str, index: int) -> int:
    match = _WHITESPACE.match(text, index)
    assert match is not None  # the pattern matches the empty string
    return match.end()


def _object_members(text: str, index: int) -> Iterator[tuple[str, int]]:
    """(key, start of value) for each member of the object at ``index`` (valid JSON)."""
    decoder = json.JSONDecoder()
    index = _skip_space(text, index) + 1  # past "{"
    index = _skip_space(text, index)
    if text[index] == "}":
        return
    while True:
        key, index = decoder.raw_decode(text, index)
        index = _skip_space(text, _skip_space(text, index) + 1)  # past ":"
        yield key, index
        _, index = decoder.raw_decode(text, index)
        index = _skip_space(text, index)
        if text[index] == "}":
            return
        index = _skip_space(text, index + 1)  # past ","


def _member(text: str, index: int, name: str) -> int:
    for key, start in _object_members(text, index):
        if key == name:
            return start
    raise NotebookError(f"could not read the notebook: no {name!r} member")


def _array_items(text: str, index: int) -> list[tuple[int, int]]:
    """The raw ``[start, end)`` span of each item of the array at ``index`` (valid JSON)."""
    decoder = json.JSONDecoder()
    index = _skip_space(text, _skip_space(text, index) + 1)  # past "["
    spans: list[tuple[int, int]] = []
    if text[index] == "]":
        return spans
    while True:
        _, end = decoder.raw_decode(text, index)
        spans.append((index, end))
        index = _skip_space(text, end)
        if text[index] == "]":
            return spans
        index = _skip_space(text, index + 1)


def _raw_offset(text: str, cell: _Cell, offset: int) -> tuple[_Literal, int]:
    """The literal holding character ``offset`` of the cell's source, and its file offset."""
    for literal in cell.literals:
        if offset < len(literal.value) or literal is cell.literals[-1]:
            return literal, _literal_offset(text, literal, min(offset, len(literal.value)))
        offset -= len(literal.value)
    raise ValueError(f"cell {cell.index + 1} has no source text")


def _literal_offset(text: str, literal: _Literal, offset: int) -> int:
    """Walk a JSON string literal's escapes up to decoded character ``offset``."""
    index = literal.start + 1  # past the opening quote
    for _ in range(offset):
        if text[index] != "\\":
            index += 1
        elif text[index + 1] != "u":
            index += 2
        else:
            unit = int(text[index + 2 : index + 6], 16)
            index += 6
            if 0xD800 <= unit < 0xDC00 and text.startswith("\\u", index):  # surrogate pair
                index += 6
    return index


def _serialize(text: str, cell: _Cell, new_text: str, ascii_only: bool) -> str:
    """A new ``source`` value in the layout of the one it replaces; ``ascii_only``: escaping."""
    if text[cell.source_start] == '"':
        return json.dumps(new_text, ensure_ascii=ascii_only)
    known = {lit.value: text[lit.start : lit.end] for lit in reversed(cell.literals)}
    items = [
        known.get(line) or json.dumps(line, ensure_ascii=ascii_only) for line in _lines(new_text)
    ]
    if not items:
        return "[]"
    literals = cell.literals
    if not literals or "\n" not in text[cell.source_start : literals[0].start]:
        separator = text[literals[0].end : literals[1].start] if len(literals) > 1 else ", "
        return "[" + separator.join(items) + "]"
    opening = text[cell.source_start + 1 : literals[0].start]  # newline and item indent
    newline = "\r\n" if "\r\n" in opening else "\n"
    separator = "," + newline + opening.lstrip("\r\n")
    closing = text[literals[-1].end : cell.source_end - 1]  # whitespace before "]"
    return "[" + opening + separator.join(items) + closing + "]"


def _escapes_non_ascii(text: str) -> bool:
    """Whether the file writes non-ASCII characters as \\u escapes (json's ensure_ascii)."""
    if not text.isascii():
        return False
    return re.search(r"\\u(?:00[89a-fA-F]|0[1-9a-fA-F]|[1-9a-fA-F])", text) is not None
