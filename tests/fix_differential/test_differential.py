"""Differential test of ``kaiming-lint --fix``: models built from the original and the fixed source.

One parametrized test per property, over every corpus file (examples, the hand-written cases in
cases/, the installed keras/src/applications) and both fix styles. A case file's
``# xfail: <check>[,<check>...] [<style> ...]: <reason>`` lines mark what fails today (strictly: the mark
must be removed once the defect is fixed); KNOWN_FAILURES does the same for files we do not own.
"""

from __future__ import annotations

import re

import pytest

from . import harness
from .harness import STYLES, Corpus, Entry

ENTRIES = harness.corpus()

# Failures today of files that are not ours to mark: (entry id, check, style) -> reason.
KNOWN_FAILURES: dict[tuple[str, str, str], str] = {}

CHECKS = ("layers", "runs", "idempotent", "audit", "report", "messages", "comments", "markers")


def params(check: str, entries: list[Entry] = ENTRIES) -> list:
    found = []
    for entry in entries:
        for style in STYLES:
            reason = entry.xfail_reason(check, style) or KNOWN_FAILURES.get(
                (entry.id, check, style)
            )
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            found.append(pytest.param(entry, style, marks=marks, id=f"{entry.id}-{style}"))
    return found


CASES = [entry for entry in ENTRIES if entry.id.startswith("case_")]


def _fixed_calls(corpus: Corpus, entry: Entry, style: str) -> list[tuple[dict, dict]]:
    """(original call, fixed call) pairs; empty when the fix left the file byte for byte."""
    build = corpus.build(entry.id)
    if build is None or style not in build:
        assert corpus.runs[style].fixed[entry.id] == entry.text
        return []
    original, fixed = build["original"], build[style]
    assert original["import_error"] is None, f"corpus error: {original.get('traceback')}"
    for call in original["calls"]:
        assert call["error"] is None, f"corpus error: {call['call']}: {call.get('traceback')}"
    assert fixed["import_error"] is None, (
        f"the fixed module no longer imports: {fixed['import_error']}\n{fixed.get('traceback')}"
    )
    pairs = []
    for before, after in zip(original["calls"], fixed["calls"], strict=True):
        assert after["error"] is None, (
            f"{after['call']} raises after the fix: {after['error']}\n{after.get('traceback')}"
        )
        pairs.append((before, after))
    return pairs


@pytest.mark.parametrize(("entry", "style"), params("layers"))
def test_fix_changes_only_reported_layers_and_makes_them_kaiming(fixed_corpus, entry, style):
    findings = fixed_corpus.findings.get(entry.id, [])
    for before, after in _fixed_calls(fixed_corpus, entry, style):
        problems = harness.layer_problems(findings, before, after)
        assert not problems, f"{before['call']}: " + "; ".join(problems)


@pytest.mark.parametrize(("entry", "style"), params("runs"))
def test_fixed_module_imports_and_builds_wherever_the_original_did(fixed_corpus, entry, style):
    # _fixed_calls asserts the import and every build call.
    pairs = _fixed_calls(fixed_corpus, entry, style)
    assert all(after["layers"] for _, after in pairs)


@pytest.mark.parametrize(("entry", "style"), params("idempotent"))
def test_a_second_fix_changes_nothing(fixed_corpus, entry, style):
    run = fixed_corpus.runs[style]
    assert run.second[entry.id] == run.fixed[entry.id]


def _normal(code: str) -> str:
    # audit cannot tell an explicit GlorotUniform from Keras's default: KAI001 == KAI002.
    return "KAI001" if code == "KAI002" else code


@pytest.mark.parametrize(("entry", "style"), params("audit"))
def test_audit_of_the_fixed_model_agrees_with_a_relint_of_the_fixed_source(
    fixed_corpus, entry, style
):
    """What the re-lint still reports, audit reports too; and a layer whose findings the fix
    claims to have fixed is clean for audit unless the re-lint says otherwise."""
    findings = [f for f in fixed_corpus.findings.get(entry.id, []) if f["fixable"]]
    relint = fixed_corpus.runs[style].relint.get(entry.id, [])
    for before, after in _fixed_calls(fixed_corpus, entry, style):
        if after["audit"] is None:
            continue
        flagged = harness.audit_codes(after)
        old_layers = harness.layers_by_name(before)
        problems = []
        for name, layer in harness.layers_by_name(after).items():
            linted = {_normal(f["code"]) for f in relint if harness.inside(f, layer["site"])}
            audited = {_normal(code) for code in flagged.get(name, ())}
            if linted - audited:
                problems.append(f"{name}: re-lint says {sorted(linted)}, audit {sorted(audited)}")
            was_fixed = any(harness.inside(f, old_layers[name]["site"]) for f in findings)
            if (was_fixed or name in harness.changed_layers(before, after)) and audited - linted:
                problems.append(
                    f"{name} was fixed and re-lints clean, but audit says {sorted(audited)}"
                )
        assert not problems, f"{after['call']}: " + "; ".join(problems)


@pytest.mark.parametrize(("entry", "style"), params("report"))
def test_the_fix_report_matches_a_relint_of_the_written_file(fixed_corpus, entry, style):
    run = fixed_corpus.runs[style]
    assert run.fix_status in (0, 1), run.fix_stderr

    def located(findings):
        return sorted((f["code"], f["line"], f["column"]) for f in findings)

    assert located(run.remaining.get(entry.id, [])) == located(run.relint.get(entry.id, []))


SUGGESTS = {"kaiming": "KaimingNormal(", "keras": "he_normal"}


@pytest.mark.parametrize(("entry", "style"), params("messages"))
def test_messages_name_the_fix_of_the_chosen_style(fixed_corpus, entry, style):
    other = SUGGESTS["keras" if style == "kaiming" else "kaiming"]
    wrong = [
        f"{f['line']}: {f['message']}"
        for f in fixed_corpus.runs[style].messages.get(entry.id, [])
        if f["fixable"]
        and f["code"] in ("KAI001", "KAI002", "KAI004")
        and (other in f["message"] or SUGGESTS[style] not in f["message"])
    ]
    assert not wrong


@pytest.mark.parametrize(("entry", "style"), params("comments"))
def test_comments_stay_with_the_code_they_annotate(fixed_corpus, entry, style):
    before = harness.comments(entry.text)
    after = harness.comments(fixed_corpus.runs[style].fixed[entry.id])
    assert not after - before, f"comments on other code after the fix: {sorted(after - before)}"


@pytest.mark.parametrize(("entry", "style"), params("markers", CASES))
def test_the_layers_a_case_marks_are_fixed_or_kept(fixed_corpus, entry, style):
    expected = harness.expectations(entry.text)
    assert expected, "a case marks at least one layer '# expect: fixed' or '# expect: kept'"
    fixed_text = fixed_corpus.runs[style].fixed[entry.id]
    added = set(fixed_text.splitlines()) - set(entry.text.splitlines())
    for pattern in entry.forbidden:
        assert not [line for line in added if re.search(pattern, line)], pattern
    pairs = _fixed_calls(fixed_corpus, entry, style)
    if not pairs:
        assert "fixed" not in expected.values(), "the fix changed nothing"
        return
    seen = set()
    wrong = []
    for before, after in pairs:
        changed = harness.changed_layers(before, after)
        for name, layer in harness.layers_by_name(before).items():
            if not harness.is_kernel_layer(layer):
                continue
            site = layer["site"]
            for line, want in expected.items():
                if site and site[0] <= line <= site[2]:
                    seen.add(line)
                    if (want == "fixed") != (name in changed):
                        wrong.append(f"line {line}: {name} should be {want}")
    assert not wrong
    assert seen == set(expected), f"no layer built on lines {sorted(set(expected) - seen)}"
