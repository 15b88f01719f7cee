"""Output formats for findings: text, json, sarif, github."""

from __future__ import annotations

from collections.abc import Sequence

from kaiming_lint.results import FORMATS, FileResult, Finding


def remaining(results: Sequence[FileResult]) -> list[Finding]:
    """The findings still in the files (fixed ones left out), in file then position order."""
    return [finding for result in results for finding in result.findings if not finding.fixed]


def render(
    output_format: str,
    results: Sequence[FileResult],
    *,
    statistics: bool = False,
    fixing: bool = False,
) -> str:
    """The report in ``output_format``; ends with a newline unless it is empty."""
    if output_format == "text":
        from kaiming_lint.report import text

        return text.render(results, statistics=statistics, fixing=fixing)
    if output_format == "json":
        from kaiming_lint.report import json_

        return json_.render(remaining(results))
    if output_format == "sarif":
        from kaiming_lint.report import sarif

        return sarif.render(remaining(results))
    if output_format == "github":
        from kaiming_lint.report import github

        return github.render(remaining(results))
    raise ValueError(f"format must be one of {', '.join(FORMATS)}, got {output_format!r}")
