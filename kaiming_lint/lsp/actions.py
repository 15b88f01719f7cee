"""The code actions for a snapshot, as plain edits: one fix, a noqa comment, or every fix.

Each is what the command line would write: a quick fix is ``--fix`` restricted to one finding
(so it carries the fixer's own verification: a fix that does not verify is not offered), and
fix-all is ``--fix`` itself. The server turns these into LSP code actions.
"""

from __future__ import annotations

from dataclasses import dataclass

from kaiming_lint.lsp import edits
from kaiming_lint.lsp.snapshot import Snapshot, finding_key
from kaiming_lint.pipeline import Finding, LintOptions, check, fix

UNREADABLE = "KAI900"
Pair = tuple[Finding, Finding]  # a finding in its document, and the same in the checked text


@dataclass(frozen=True)
class Action:
    """A titled set of edits (by document URI); ``finding`` is the one it resolves, if any."""

    title: str
    changes: dict[str, list[edits.Edit]]
    uri: str | None = None
    finding: Finding | None = None
    preferred: bool = False  # the fix an editor may apply without asking


def quick_fix(snapshot: Snapshot, options: LintOptions, uri: str, pair: Pair) -> Action | None:
    """``--fix`` for this one finding; None when the fixer declines it."""
    finding, checked = pair
    key = finding_key(checked)
    outcome = fix(snapshot.document(), options, only=lambda f: finding_key(f) == key)
    done = any(finding_key(f) == key and f.fixed for f in outcome.findings)
    if outcome.fixed_text is None or not done:
        return None
    title = f"Fix {finding.code} ({finding.name})"
    return Action(title, snapshot.changes(outcome.fixed_text), uri, finding, preferred=True)


def noqa(snapshot: Snapshot, options: LintOptions, uri: str, pair: Pair) -> Action | None:
    """``# noqa: CODE`` on the finding's line, when it silences that finding and breaks nothing."""
    finding, checked = pair
    if finding.code == UNREADABLE:
        return None
    text = snapshot.texts[uri]
    new_text = edits.with_noqa(text, finding.line, finding.code)
    new_python: str | None = new_text
    if new_text is not None and snapshot.program is not None:
        line = snapshot.program.from_cell(uri, finding.line)
        new_python = edits.with_noqa(snapshot.python, line or 0, finding.code)
    if new_text is None or new_python is None:
        return None
    left = check(snapshot.document(new_python), options).findings
    if any(f.code == UNREADABLE or finding_key(f) == finding_key(checked) for f in left):
        return None
    title = f"Add `# noqa: {finding.code}` to line {finding.line}"
    return Action(title, {uri: edits.text_edits(text, new_text)}, uri, finding)


def fix_all(snapshot: Snapshot, options: LintOptions) -> Action | None:
    """Exactly ``kaiming-lint --fix`` on the target; None when it changes nothing."""
    if not any(finding.fixable for _, finding, _ in snapshot.findings):
        return None
    outcome = fix(snapshot.document(), options)
    if outcome.fixed_text is None:
        return None
    return Action("Fix all kaiming-lint findings", snapshot.changes(outcome.fixed_text))
