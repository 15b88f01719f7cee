"""Output formats for findings: text, json, sarif, github."""

from __future__ import annotations

from collections.abc import Sequence

from kaiming_lint.results import FORMATS, FileResult, Finding, UnknownLayer


def remaining(results: Sequence[FileResult]) -> list[Finding]:
    """The findings still in the files (fixed ones left out), in file then position order."""
    return [finding for result in results for finding in result.findings if not finding.fixed]


def with_unknowns(results: Sequence[FileResult]) -> list[Finding | UnknownLayer]:
    """The findings left and the undecided kernel layers, in file then position order."""
    items: list[Finding | UnknownLayer] = []
    for result in results:
        left: list[Finding | UnknownLayer] = [f for f in result.findings if not f.fixed]
        # Stable: findings keep their order, and come before a layer listed at their place.
        items.extend(
            sorted(
                [*left, *result.unknowns],
                key=lambda item: (item.line, item.column, isinstance(item, UnknownLayer)),
            )
        )
    return items


def render(
    output_format: str,
    results: Sequence[FileResult],
    *,
    statistics: bool = False,
    fixing: bool = False,
    show_unknown: bool = False,
) -> str:
    """The report in ``output_format``; ends with a newline unless it is empty.

    ``show_unknown`` adds the undecided kernel layers to text and JSON output; SARIF and GitHub
    output carry findings only. Unknown layers never count as findings.
    """
    if output_format == "text":
        from kaiming_lint.report import text

        return text.render(results, statistics=statistics, fixing=fixing, show_unknown=show_unknown)
    if output_format == "json":
        from kaiming_lint.report import json_

        return json_.render(with_unknowns(results) if show_unknown else remaining(results))
    if output_format == "sarif":
        from kaiming_lint.report import sarif

        return sarif.render(remaining(results))
    if output_format == "github":
        from kaiming_lint.report import github

        return github.render(remaining(results))
    raise ValueError(f"format must be one of {', '.join(FORMATS)}, got {output_format!r}")
