"""Every rule's documented examples, run through the whole pipeline (decode, parse, analyze,
judge, fix): the documentation and the behaviour cannot drift apart."""

from __future__ import annotations

import pytest

from kaiming_lint.results import FileResult, LintOptions
from kaiming_lint.rules import RULES
from kaiming_lint.sources.python import lint_bytes

VALID = [
    pytest.param(rule, source, id=f"{rule.code}-valid-{i}")
    for rule in RULES
    for i, source in enumerate(rule.valid)
]
INVALID = [
    pytest.param(rule, example, id=f"{rule.code}-invalid-{i}")
    for rule in RULES
    for i, example in enumerate(rule.invalid)
]


def lint(source: str, fix: bool = True) -> FileResult:
    return lint_bytes(source.encode("utf-8"), "example.py", LintOptions(fix=fix))


@pytest.mark.parametrize(("rule", "source"), VALID)
def test_valid_example_is_not_reported(rule, source):
    assert [f for f in lint(source).findings if f.code == rule.code] == []


@pytest.mark.parametrize(("rule", "example"), INVALID)
def test_invalid_example_is_reported_and_fixed_as_documented(rule, example):
    source, expected = example if isinstance(example, tuple) else (example, None)
    result = lint(source)
    reported = [f for f in result.findings if f.code == rule.code]
    assert reported, f"{rule.code} not reported"
    assert all(f.name == rule.name for f in reported)
    if expected is not None:
        assert result.fixed is not None
        assert result.fixed.decode("utf-8") == expected
        # The documented fix is complete: nothing left for this rule afterwards.
        again = lint(expected)
        assert [f for f in again.findings if f.code == rule.code] == []
        assert again.fixed is None
