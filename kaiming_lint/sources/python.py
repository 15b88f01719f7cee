"""Python source files: bytes -> text (PEP 263) -> the pipeline -> fixed bytes, same encoding."""

from __future__ import annotations

from collections.abc import Callable

from kaiming_lint import pipeline
from kaiming_lint.decode import Unreadable, decode
from kaiming_lint.results import UNREADABLE, FileResult, Finding, LintOptions
from kaiming_lint.rules import selected_codes

__all__ = ["lint_bytes"]


def lint_bytes(
    data: bytes,
    path: str,
    options: LintOptions,
    fix_only: Callable[[Finding], bool] | None = None,
) -> FileResult:
    """Check one file's contents; ``path`` is only used in the findings.

    With ``options.fix``, ``fix_only`` (when given) chooses which findings are fixed.
    """
    result = FileResult(path=path, original=data)
    try:
        text, encoding = decode(data)
    except Unreadable as problem:
        if UNREADABLE in selected_codes(options.select, options.ignore):
            result.findings.append(
                pipeline.unreadable_finding(path, problem.reason, problem.line, problem.column)
            )
        return result
    document = pipeline.Document(path, text)
    if options.fix:
        outcome = pipeline.fix(document, options, fix_only)
    else:
        outcome = pipeline.check(document, options)
    if outcome.fixed_text is not None:
        try:
            result.fixed = outcome.fixed_text.encode(encoding)
        except UnicodeEncodeError:  # the fix needs a character the file's encoding lacks
            outcome = pipeline.check(document, options)  # the file stays: report it as it is
    result.findings = list(outcome.findings)
    result.unknown = outcome.unknown
    result.unknowns = list(outcome.unknowns)
    result.reasons = dict(outcome.reasons)
    return result
