"""`path:line:col: CODE message [*]` lines, then a summary line."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from kaiming_lint.results import FileResult, Finding


def render(results: Sequence[FileResult], *, statistics: bool = False, fixing: bool = False) -> str:
    findings = [f for result in results for f in result.findings]
    left = [f for f in findings if not f.fixed]
    lines = [
        f"{f.path}:{_position(f)}: {f.code} {f.message}{' [*]' if f.fixable else ''}" for f in left
    ]
    fixed = len(findings) - len(left)
    fixable = sum(f.fixable for f in left)
    if not findings:
        lines.append("All checks passed.")
    elif fixing:
        lines.append(f"Found {_count(len(findings))} ({fixed} fixed, {len(left)} remaining).")
    else:
        lines.append(f"Found {_count(len(findings))} ({fixable} fixable).")
        if fixable:
            lines.append(f"[*] {fixable} fixable with the --fix option.")
    if statistics:
        lines.extend(_statistics(left, sum(result.unknown for result in results)))
    return "\n".join(lines) + "\n"


def _count(number: int) -> str:
    return f"{number} finding{'' if number == 1 else 's'}"


def _statistics(left: Sequence[Finding], unknown: int) -> list[str]:
    per_code = Counter(f.code for f in left)
    names = {f.code: f.name for f in left}
    fixable = Counter(f.code for f in left if f.fixable)
    width = max((len(str(n)) for n in per_code.values()), default=1)
    lines = [
        f"{per_code[code]:>{width}}\t{code}\t{names[code]}"
        + (f" [{fixable[code]} fixable]" if fixable[code] else "")
        for code in sorted(per_code)
    ]
    lines.append(
        f"{unknown} kernel layer{'' if unknown == 1 else 's'} with unknown pairing (not checked)"
    )
    return lines


def _position(finding: Finding) -> str:
    if finding.cell is not None:
        return f"cell {finding.cell}:{finding.cell_line}:{finding.cell_column}"
    return f"{finding.line}:{finding.column}"
