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
from kaiming_lint.results import Finding
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
        results.append(
            {
                "ruleId": finding.code,
                "ruleIndex": index[finding.code],
                "level": _level(finding.code),
                "message": {"text": finding.message},
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
        )
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
