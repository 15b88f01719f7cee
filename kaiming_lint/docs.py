"""The README's rule table, generated from the rules (`python -m kaiming_lint.docs`)."""

from __future__ import annotations


def rules_table() -> str:
    """A Markdown table with one row per rule: code, name, summary, what the fix does."""
    from kaiming_lint.rules import RULES

    rows = ["| Code | Name | What it reports | Autofix |", "|---|---|---|---|"]
    for rule in RULES:
        rows.append(f"| {rule.code} | `{rule.name}` | {rule.summary} | {rule.autofix} |")
    return "\n".join(rows) + "\n"


if __name__ == "__main__":
    print(rules_table(), end="")
