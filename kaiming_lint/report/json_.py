"""A JSON array of finding objects (and, with ``--show-unknown``, of undecided layers)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from kaiming_lint.results import Finding, Related, UnknownLayer

FIELDS = ("path", "line", "column", "end_line", "end_column", "code", "name", "message", "fixable")
# A finding's related locations: the calls and definitions its values came from.
RELATED_FIELDS = ("path", "line", "column", "message")
UNKNOWN = "unknown"  # the name of an undecided layer's object; its code is null


def render(items: Sequence[Finding | UnknownLayer]) -> str:
    records = [
        _unknown(item) if isinstance(item, UnknownLayer) else _finding(item) for item in items
    ]
    return json.dumps(records, indent=2) + "\n"


def _finding(finding: Finding) -> dict[str, Any]:
    record: dict[str, Any] = {key: getattr(finding, key) for key in FIELDS}
    record["related"] = _related(finding.related)
    record["fix_withheld"] = None if finding.fixable else finding.fix_withheld
    return record


def _unknown(layer: UnknownLayer) -> dict[str, Any]:
    return {
        "path": layer.path,
        "line": layer.line,
        "column": layer.column,
        "end_line": layer.end_line,
        "end_column": layer.end_column,
        "code": None,
        "name": UNKNOWN,
        "reason": str(layer.reason),
        "message": layer.message,
        "related": _related(layer.related),
        "fixable": False,
    }


def _related(related: Sequence[Related]) -> list[dict[str, Any]]:
    return [{key: getattr(entry, key) for key in RELATED_FIELDS} for entry in related]
