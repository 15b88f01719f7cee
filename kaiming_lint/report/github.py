"""GitHub Actions workflow commands: one `::warning ...::message` line per finding."""

from __future__ import annotations

from collections.abc import Sequence

from kaiming_lint.results import Finding


def escape_data(value: str) -> str:
    """Escape a command's message: %, CR and LF."""
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    """Escape a property value: like the message, plus ':' and ','."""
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def render(findings: Sequence[Finding]) -> str:
    lines = []
    for f in findings:
        properties = (
            f"file={escape_property(f.path)},line={f.line},col={f.column},"
            f"endLine={f.end_line},endColumn={f.end_column},title={escape_property(f.code)}"
        )
        lines.append(f"::warning {properties}::{escape_data(f.message)}")
    return "".join(line + "\n" for line in lines)
