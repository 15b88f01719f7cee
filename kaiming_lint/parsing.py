"""Source text to a libcst module, or the reason (and position) it cannot be one.

The guard runs first (libcst's native parser would crash on some input); Python's own parser
names syntax errors more precisely than libcst, so its reason is reported when it has one.
Code is compiled to a syntax tree at most, never run.
"""

from __future__ import annotations

import ast
import warnings

import libcst as cst

from kaiming_lint import guard
from kaiming_lint.decode import Unreadable

__all__ = ["parse", "syntax_problem"]

_TOO_DEEP = "could not parse the file: it is nested too deeply to check"


def parse(text: str) -> cst.Module:
    """The parsed module; ``Unreadable`` when the text is not Python libcst can read."""
    refusal = guard.refuse(text)
    if refusal is not None:
        raise Unreadable(
            f"could not parse the file: {refusal.reason}", refusal.line, refusal.column
        )
    try:
        return cst.parse_module(text)
    except cst.ParserSyntaxError as error:
        raise _libcst_rejected(text, error) from None
    except RecursionError:
        raise Unreadable(_TOO_DEEP, 1, 1) from None


def syntax_problem(text: str) -> Unreadable | None:
    """Why a text does not parse, or None when it does (for files with nothing to check).

    Python's own parser answers first (about ten times faster than libcst); what it rejects is
    confirmed with libcst, which may know newer syntax than the running Python.
    """
    if _compiles(text):
        return None
    try:
        parse(text)
    except Unreadable as problem:
        return problem
    return None


def _compiles(text: str) -> bool:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # warnings about the code are not ours to print
            compile(text, "<file>", "exec", ast.PyCF_ONLY_AST, dont_inherit=True)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


def _libcst_rejected(text: str, error: cst.ParserSyntaxError) -> Unreadable:
    """The reason and position to report for a file libcst could not parse."""
    return _python_syntax_error(text) or Unreadable(
        f"could not parse the file: invalid syntax at line {error.editor_line}",
        error.editor_line,
        error.editor_column,
    )


def _python_syntax_error(text: str) -> Unreadable | None:
    """Python's own reason and position for a syntax error (libcst's are often vaguer)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(text, "<file>", "exec", ast.PyCF_ONLY_AST, dont_inherit=True)
    except SyntaxError as error:
        if not error.lineno:
            return None
        return Unreadable(
            f"could not parse the file: {error.msg} at line {error.lineno}",
            error.lineno,
            max(1, error.offset or 1),
        )
    except (ValueError, RecursionError, MemoryError):
        return None
    return None  # Python accepts it (newer syntax than libcst knows): keep libcst's answer
