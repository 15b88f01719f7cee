"""A JSON array of finding objects."""

from __future__ import annotations

import json
from collections.abc import Sequence

from kaiming_lint.results import Finding

FIELDS = ("path", "line", "column", "end_line", "end_column", "code", "name", "message", "fixable")


def render(findings: Sequence[Finding]) -> str:
    records = [{key: getattr(finding, key) for key in FIELDS} for finding in findings]
    return json.dumps(records, indent=2) + "\n"
