"""What must hold for the linter's answer on any input bytes."""

from __future__ import annotations

import ast
import io
import tokenize
import warnings

from kaiming_lint.results import UNREADABLE, FileResult, LintOptions
from kaiming_lint.sources.python import lint_bytes

OPTIONS = LintOptions(fix=True)
# Reasons the guard gives for code CPython compiles but kaiming-lint refuses to walk.
TOO_DEEP = ("nested too deeply", "too complex", "too many nested")


def compiles(data: bytes) -> bool:
    """Whether ``data`` decodes strictly (PEP 263 / BOM / UTF-8) and CPython parses it."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        text = data.decode(encoding)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError, LookupError):
        return False
    return True


def check(data: bytes, path: str = "m.py") -> FileResult:
    """Lint and fix ``data`` and assert the answer is well-formed; returns the result."""
    result = lint_bytes(data, path, OPTIONS)
    line_count = data.count(b"\n") + data.count(b"\r") + 1
    for finding in result.findings:
        assert 1 <= finding.line <= line_count, finding
        assert finding.column >= 1, finding
        assert finding.message, finding
        if finding.code == UNREADABLE:
            assert finding.message.startswith("could not"), finding
            assert len(result.findings) == 1 and result.fixed is None
    unreadable = [f for f in result.findings if f.code == UNREADABLE]
    if unreadable and compiles(data):
        assert any(reason in unreadable[0].message for reason in TOO_DEEP), unreadable
    if result.fixed is not None:
        assert result.fixed != data
        if compiles(data):
            assert compiles(result.fixed), result.fixed
        again = lint_bytes(result.fixed, path, OPTIONS)
        assert again.fixed is None, "a second --fix changed the file"
        assert not any(f.code == UNREADABLE for f in again.findings)
    return result
