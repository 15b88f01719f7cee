"""SARIF 2.1.0 for GitHub code scanning and other SARIF viewers."""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections import Counter
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from kaiming_lint import __version__
from kaiming_lint.results import Finding, Related
from kaiming_lint.rules import RULES, Rule, rule_for

SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
INFORMATION_URI = "https://github.com/kaiming-keras/kaiming-keras"
SOURCE_ROOT = "%SRCROOT%"
FINGERPRINT = "primaryLocationLineHash/v1"
_SECTION = re.compile(r"^## What it does\n(?P<body>.*?)(?=^## |\Z)", re.MULTILINE | re.DOTALL)


def render(findings: Sequence[Finding]) -> str:
    index = {rule.code: i for i, rule in enumerate(RULES)}
    seen: Counter[tuple[str, str, str]] = Counter()
    results = []
    for finding in findings:
        uri = artifact_uri(finding.path)
        key = (finding.code, uri, " ".join(finding.source_line.split()))
        occurrence = seen[key]
        seen[key] += 1
        digest = hashlib.sha256("\0".join(key).encode("utf-8")).hexdigest()[:16]
        result: dict[str, Any] = {
            "ruleId": finding.code,
            "ruleIndex": index[finding.code],
            "level": _level(finding.code),
            "message": {"text": linked_message(finding.message, finding.related)},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": uri, "uriBaseId": SOURCE_ROOT},
                        "region": {
                            "startLine": finding.line,
                            "startColumn": finding.column,
                            "endLine": finding.end_line,
                            "endColumn": finding.end_column,
                        },
                    }
                }
            ],
            "partialFingerprints": {FINGERPRINT: f"{digest}:{occurrence + 1}"},
        }
        if finding.related:
            result["relatedLocations"] = [
                {
                    "id": number,
                    "physicalLocation": {
                        "artifactLocation": {
                            "uri": artifact_uri(related.path),
                            "uriBaseId": SOURCE_ROOT,
                        },
                        "region": {"startLine": related.line, "startColumn": related.column},
                    },
                    "message": {"text": related.message},
                }
                for number, related in enumerate(finding.related, start=1)
            ]
        results.append(result)
    document = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "kaiming-lint",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": INFORMATION_URI,
                        "rules": [_rule(rule) for rule in RULES],
                    }
                },
                "results": results,
                "columnKind": "unicodeCodePoints",
            }
        ],
    }
    return json.dumps(document, indent=2) + "\n"


def linked_message(message: str, related: Sequence[Related]) -> str:
    """The message with each related location it names made an embedded link to it.

    SARIF 2.1.0 (section 3.11.6) writes a link to ``relatedLocations`` entry ``n`` as
    ``[text](n)``; every other ``[`` or ``]`` in such a text is escaped with a backslash. A
    location is named as ``path:line`` (notebooks: ``path:cell N:line``, as text output names
    it). A message with no related location is returned as it is.
    """
    if not related:
        return message  # no links: the text stays as written
    targets: dict[str, int] = {}
    for number, entry in enumerate(related, start=1):
        targets.setdefault(_named(entry), number)
    names = "|".join(re.escape(name) for name in sorted(targets, key=len, reverse=True))
    # Whole names only: "a.py:1" is not in "a.py:13", nor "model.py:1" in "my_model.py:1".
    pattern = re.compile(rf"(?<![\w./\\-])(?:{names})(?!\d)")
    pieces, done = [], 0
    for match in pattern.finditer(message):
        pieces.append(_escape(message[done : match.start()]))
        pieces.append(f"[{_escape(match.group())}]({targets[match.group()]})")
        done = match.end()
    pieces.append(_escape(message[done:]))
    return "".join(pieces)


def _named(entry: Related) -> str:
    if entry.cell is not None:
        return f"{entry.path}:cell {entry.cell}:{entry.cell_line}"
    return f"{entry.path}:{entry.line}"


def _escape(text: str) -> str:
    """Plain text for a message that has embedded links: brackets (and a backslash before
    one) escaped."""
    return re.sub(r"(\\*)([\[\]])", lambda m: m.group(1) * 2 + "\\" + m.group(2), text)


def artifact_uri(path: str) -> str:
    """The path as given, relative (to the working directory when absolute), with '/'."""
    if os.path.isabs(path):
        try:
            path = os.path.relpath(path)
        except ValueError:  # another drive on Windows: no relative form
            return "file:///" + quote(path.replace(os.sep, "/").lstrip("/"))
    return quote(path.replace(os.sep, "/"))


def _rule(rule: Rule) -> dict[str, Any]:
    match = _SECTION.search(rule.documentation)
    full = " ".join((match.group("body") if match else rule.summary).split())
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": full},
        "help": {"text": rule.documentation, "markdown": rule.documentation},
        "helpUri": f"{INFORMATION_URI}#{rule.code.lower()}",
        "defaultConfiguration": {"level": _level(rule.code)},
        "properties": {"fixable": rule.fixable},
    }


def _level(code: str) -> str:
    return rule_for(code).severity.value
