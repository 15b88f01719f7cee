"""The README's rule table is the one generated from the rules (`python -m kaiming_lint.docs`)."""

from __future__ import annotations

from kaiming_lint.docs import rules_table
from kaiming_lint.rules import RULES

from .lint_helpers import REPO


def test_generated_table_lists_every_rule():
    table = rules_table()
    for rule in RULES:
        assert f"| {rule.code} | `{rule.name}` |" in table


def test_readme_contains_the_generated_table():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert rules_table() in readme, "regenerate with: python -m kaiming_lint.docs"
