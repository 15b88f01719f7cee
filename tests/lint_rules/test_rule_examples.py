"""Every rule's documented examples, run through the whole pipeline (decode, parse, analyze,
judge, fix): the documentation and the behaviour cannot drift apart."""

from __future__ import annotations

import pytest

from kaiming_lint.results import FileResult, LintOptions
from kaiming_lint.rules import RULES
from kaiming_lint.rules._base import Invalid, Valid
from kaiming_lint.sources.python import lint_bytes

VALID = [
    pytest.param(rule, example, id=f"{rule.code}-valid-{i}")
    for rule in RULES
    for i, example in enumerate(rule.valid)
]
INVALID = [
    pytest.param(rule, example, id=f"{rule.code}-invalid-{i}")
    for rule in RULES
    for i, example in enumerate(rule.invalid)
]


def lint(source: str, fix: bool = True) -> FileResult:
    return lint_bytes(source.encode("utf-8"), "example.py", LintOptions(fix=fix))


def test_every_rule_has_valid_and_invalid_examples_of_the_documented_shape():
    for rule in RULES:
        assert rule.valid and rule.invalid, rule.code
        assert all(isinstance(example, Valid) for example in rule.valid), rule.code
        assert all(isinstance(example, Invalid) and example.at for example in rule.invalid)


@pytest.mark.parametrize(("rule", "example"), VALID)
def test_valid_example_is_not_reported(rule, example):
    assert [f for f in lint(example.code).findings if f.code == rule.code] == []


@pytest.mark.parametrize(("rule", "example"), INVALID)
def test_invalid_example_is_reported_where_stated_and_fixed_as_documented(rule, example):
    result = lint(example.code)
    reported = [f for f in result.findings if f.code == rule.code]
    assert [(f.line, f.column) for f in reported] == list(example.at)
    assert all(f.name == rule.name for f in reported)
    if example.fixed is None:
        assert result.fixed is None
        assert not any(f.fixable for f in reported)
        return
    assert result.fixed is not None
    assert result.fixed.decode("utf-8") == example.fixed
    # The documented fix is complete: nothing left for this rule afterwards.
    again = lint(example.fixed)
    assert [f for f in again.findings if f.code == rule.code] == []
    assert again.fixed is None
