"""Text arithmetic for the server: LSP lines, finding ranges, edits between two texts, noqa.

Positions here are 0-based (line, character) with characters counted in code points, as the
linter counts columns; the server converts characters to the client's encoding (UTF-16 unless
the client negotiated another).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from kaiming_lint.pipeline import Finding

# LSP splits lines at \n, \r\n and \r only (str.splitlines also splits at \f, \v, \x1c, ...).
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")
_NOQA = re.compile(
    r"#\s*noqa(?P<colon>:\s*)?(?P<codes>[A-Za-z]+[0-9]+(?:\s*,\s*[A-Za-z]+[0-9]+)*)?", re.IGNORECASE
)
_ENDING = re.compile(r"(?:\r\n|\r|\n)$")

Position = tuple[int, int]


@dataclass(frozen=True)
class Edit:
    """Replace the text from ``start`` up to ``end`` (0-based, code points) with ``text``."""

    start: Position
    end: Position
    text: str


def lines(text: str) -> list[str]:
    """The lines of ``text`` with their endings, split where LSP splits them."""
    return _LINE.findall(text)


def finding_range(finding: Finding) -> tuple[Position, Position]:
    """The CLI's 1-based finding range (end column exclusive) as a 0-based LSP range."""
    start = (finding.line - 1, finding.column - 1)
    end = (finding.end_line - 1, finding.end_column - 1)
    return start, max(start, end)


def text_edits(before: str, after: str) -> list[Edit]:
    """Whole-line edits that turn ``before`` into ``after``; one per changed block of lines."""
    old, new = lines(before), lines(after)
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    edits = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            edits.append(Edit(_line_start(old, i1), _line_start(old, i2), "".join(new[j1:j2])))
    return edits


def _line_start(old: list[str], index: int) -> Position:
    """Where line ``index`` starts; past the last line, the end of the text."""
    if index < len(old):
        return (index, 0)
    if not old:
        return (0, 0)
    last = old[-1]
    if _ENDING.search(last):
        return (len(old), 0)
    return (len(old) - 1, len(last))


def apply(text: str, edits: list[Edit]) -> str:
    """``text`` with non-overlapping ``edits`` applied (what a client does with a TextEdit)."""
    split = lines(text)
    offsets = [0]
    for line in split:
        offsets.append(offsets[-1] + len(line))

    def offset(position: Position) -> int:
        row, column = position
        if row >= len(split):
            return len(text)
        body = _ENDING.sub("", split[row])
        return offsets[row] + min(column, len(body))

    result, done = [], 0
    for edit in sorted(edits, key=lambda e: (e.start, e.end)):
        start, end = offset(edit.start), offset(edit.end)
        result += [text[done:start], edit.text]
        done = end
    result.append(text[done:])
    return "".join(result)


def with_noqa(text: str, line: int, code: str) -> str | None:
    """``text`` with ``# noqa: CODE`` on 1-based ``line`` (added to a noqa list already there).

    None when the line already has a bare ``# noqa`` (nothing to add) or does not exist.
    """
    split = lines(text)
    if not 1 <= line <= len(split):
        return None
    original = split[line - 1]
    ending = _ENDING.search(original)
    newline = ending.group() if ending else ""
    body = original[: len(original) - len(newline)]
    match = _NOQA.search(body)
    if match is None:
        body = f"{body.rstrip()}  # noqa: {code}"
    elif match.group("codes") is None:
        return None
    else:
        body = f"{body[: match.end()]}, {code}{body[match.end() :]}"
    split[line - 1] = body + newline
    return "".join(split)
