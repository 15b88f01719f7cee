"""Where each rule's documentation lives: ``docs/rules/<CODE>.md`` on the project's homepage.

The pages are ``kaiming-lint --explain CODE``, generated from the rules
(``python -m kaiming_lint.lsp.links``; a test keeps them in sync), so an editor's link to a
finding's rule shows the same text as the command line.
"""

from __future__ import annotations

import os

from kaiming_lint.rules import RULES, Rule

HOMEPAGE = "https://github.com/kaiming-keras/kaiming-keras"
RULE_PAGES = "docs/rules"


def rule_url(code: str) -> str:
    """The stable address of a rule's documentation page."""
    return f"{HOMEPAGE}/blob/main/{RULE_PAGES}/{code.upper()}.md"


def rule_page(rule: Rule) -> str:
    """The Markdown page of one rule: what ``kaiming-lint --explain`` prints."""
    fix = "Autofix available." if rule.fixable else "No autofix."
    return f"# {rule.code} ({rule.name})\n\n{rule.summary}. {fix}\n\n{rule.documentation}"


def write_pages(root: str) -> list[str]:
    """Write every rule's page under ``root``; returns the paths written."""
    directory = os.path.join(root, RULE_PAGES)
    os.makedirs(directory, exist_ok=True)
    written = []
    for rule in RULES:
        path = os.path.join(directory, f"{rule.code}.md")
        with open(path, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(rule_page(rule))
        written.append(path)
    return written


if __name__ == "__main__":
    for page in write_pages(os.getcwd()):
        print(page)
