"""`path:line:col: CODE message [*]` lines, then a summary line."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

from kaiming_lint.results import FileResult, Finding, UnknownLayer


def render(
    results: Sequence[FileResult],
    *,
    statistics: bool = False,
    fixing: bool = False,
    show_unknown: bool = False,
) -> str:
    findings = [f for result in results for f in result.findings]
    left = [f for f in findings if not f.fixed]
    lines: list[str] = []
    for result in results:
        lines.extend(
            f"{f.path}:{_position(f)}: {f.code} {f.message}{' [*]' if f.fixable else ''}"
            for f in result.findings
            if not f.fixed
        )
        if show_unknown:
            ordered = sorted(result.unknowns, key=lambda u: (u.line, u.column))
            lines.extend(f"{u.path}:{_position(u)}: unknown {u.message}" for u in ordered)
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
        reasons: Counter[str] = Counter()
        for result in results:
            reasons.update({str(reason): n for reason, n in result.reasons.items()})
        lines.extend(_statistics(left, reasons, sum(result.unknown for result in results)))
    return "\n".join(lines) + "\n"


def _count(number: int) -> str:
    return f"{number} finding{'' if number == 1 else 's'}"


def _statistics(left: Sequence[Finding], reasons: Mapping[str, int], unknown: int) -> list[str]:
    """Per code, then per reason a layer stayed unknown (most first), then the unknown total."""
    per_code = Counter(f.code for f in left)
    names = {f.code: f.name for f in left}
    fixable = Counter(f.code for f in left if f.fixable)
    counts = [*per_code.values(), *reasons.values()]
    width = max((len(str(n)) for n in counts), default=1)
    lines = [
        f"{per_code[code]:>{width}}\t{code}\t{names[code]}"
        + (f" [{fixable[code]} fixable]" if fixable[code] else "")
        for code in sorted(per_code)
    ]
    lines.extend(
        f"{count:>{width}}\tunknown\t{reason}"
        for reason, count in sorted(reasons.items(), key=lambda item: (-item[1], item[0]))
        if count
    )
    lines.append(
        f"{unknown} kernel layer{'' if unknown == 1 else 's'} with unknown pairing (not checked)"
    )
    return lines


def _position(item: Finding | UnknownLayer) -> str:
    if item.cell is not None:
        return f"cell {item.cell}:{item.cell_line}:{item.cell_column}"
    return f"{item.line}:{item.column}"
