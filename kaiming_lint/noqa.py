"""Suppression comments: ``# noqa``, ``# noqa: KAI001,KAI003``, and the file-wide skip."""

from __future__ import annotations

import re
from collections.abc import Sequence

__all__ = ["skips_file", "split_lines", "suppressed"]

_FILE_SKIP = re.compile(
    r"^[ \t\f]*#[ \t]*kaiming-lint:[ \t]*noqa[ \t]*$", re.MULTILINE | re.IGNORECASE
)
_NOQA = re.compile(
    r"#\s*noqa(?::\s*(?P<codes>[A-Za-z]+[0-9]+(?:\s*,\s*[A-Za-z]+[0-9]+)*))?", re.IGNORECASE
)
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def skips_file(text: str) -> bool:
    """``# kaiming-lint: noqa`` alone on a line: the whole file is not checked."""
    return _FILE_SKIP.search(text) is not None


def split_lines(text: str) -> list[str]:
    """The text's lines without their endings (any of \\r\\n, \\r, \\n), as positions count them."""
    return _LINE_BREAK.split(text)


def suppressed(lines: Sequence[str], line: int, code: str) -> bool:
    """Whether 1-based ``line`` carries a ``# noqa`` that covers ``code``."""
    if not 1 <= line <= len(lines):
        return False
    for match in _NOQA.finditer(lines[line - 1]):
        codes = match.group("codes")
        if codes is None:
            return True
        if code in {c.strip().upper() for c in codes.split(",")}:
            return True
    return False
