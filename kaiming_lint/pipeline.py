"""One document in memory in, findings and verified fixes out: no file system, no processes.

The command line, the language server and the flake8 plugin all check text through here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from kaiming_lint.engine import FileResult, Finding, LintOptions, lint_bytes

__all__ = ["Document", "Finding", "LintOptions", "Outcome", "check", "fix"]


@dataclass(frozen=True)
class Document:
    """A Python source text and the name its findings are reported under."""

    name: str
    text: str


@dataclass(frozen=True)
class Outcome:
    """What checking a document found; ``fixed_text`` is set when fixes changed it."""

    findings: tuple[Finding, ...]
    fixed_text: str | None = None
    unknown: int = 0


def check(document: Document, options: LintOptions) -> Outcome:
    """The findings the CLI reports for this text (``# noqa`` applied, in source order)."""
    return _outcome(lint_bytes(_encoded(document), document.name, _with_fix(options, False)))


def fix(
    document: Document,
    options: LintOptions,
    only: Callable[[Finding], bool] | None = None,
) -> Outcome:
    """Apply the fixes of the findings ``only`` chooses (all when None), as ``--fix`` would."""
    result = lint_bytes(_encoded(document), document.name, _with_fix(options, True), only)
    return _outcome(result)


def _encoded(document: Document) -> bytes:
    return document.text.encode("utf-8")


def _with_fix(options: LintOptions, fix: bool) -> LintOptions:
    from dataclasses import replace

    return replace(options, fix=fix)


def _outcome(result: FileResult) -> Outcome:
    fixed = result.fixed.decode("utf-8") if result.fixed is not None else None
    return Outcome(findings=tuple(result.findings), fixed_text=fixed, unknown=result.unknown)
