"""The pipeline seam: one document in memory in, findings and re-analysed fixes out."""

from __future__ import annotations

from kaiming_lint import pipeline
from kaiming_lint.fix import FixResult
from kaiming_lint.pipeline import Document, LintOptions

SOURCE = (
    "from keras import layers\n\n"
    "hidden = layers.Dense(8, activation='relu')\n"
    "other = layers.Dense(8, activation='relu', kernel_initializer='he_normal')\n"
)
FIXED = (
    "from keras import layers\nfrom kaiming_keras import KaimingNormal\n\n"
    "hidden = layers.Dense(8, activation='relu', kernel_initializer=KaimingNormal())\n"
    "other = layers.Dense(8, activation='relu', kernel_initializer='he_normal')\n"
)


def test_check_reports_without_fixing_even_when_options_ask_for_fixes():
    outcome = pipeline.check(Document("m.py", SOURCE), LintOptions(fix=True))
    assert [(f.code, f.line, f.column, f.fixed) for f in outcome.findings] == [
        ("KAI001", 3, 10, False)
    ]
    assert outcome.fixed_text is None
    assert [layer.layer for layer in outcome.layers] == ["Dense", "Dense"]


def test_fix_returns_the_fixed_text_and_marks_what_it_fixed():
    outcome = pipeline.fix(Document("m.py", SOURCE), LintOptions())
    assert outcome.fixed_text == FIXED
    assert [f.fixed for f in outcome.findings] == [True]


def test_fix_only_fixes_what_the_caller_chooses():
    outcome = pipeline.fix(Document("m.py", SOURCE), LintOptions(), only=lambda f: False)
    assert outcome.fixed_text is None
    assert [f.fixed for f in outcome.findings] == [False]


def test_text_is_taken_as_is_not_re_decoded():
    # A coding line would matter for bytes; the document is already text.
    source = "# -*- coding: latin-1 -*-\n" + SOURCE + "label = 'Schrödinger'\n"
    outcome = pipeline.fix(Document("m.py", source), LintOptions())
    assert outcome.fixed_text is not None and outcome.fixed_text.endswith("'Schrödinger'\n")


def _edit_returning(text: str):
    real = pipeline.fixing.apply_fixes

    def apply_fixes(module, chosen, original_code=None):
        result = real(module, chosen, original_code=original_code)
        return FixResult(text, result.applied)

    return apply_fixes


def test_a_fix_that_changes_a_pairing_is_withheld(monkeypatch):
    # As if an edit had also turned the other layer's ReLU into tanh.
    broken = FIXED.replace(
        "relu', kernel_initializer='he_normal'", "tanh', kernel_initializer='he_normal'"
    )
    monkeypatch.setattr(pipeline.fixing, "apply_fixes", _edit_returning(broken))
    outcome = pipeline.fix(Document("m.py", SOURCE), LintOptions())
    assert outcome.fixed_text is None
    assert [(f.code, f.fixed) for f in outcome.findings] == [("KAI001", False)]


def test_a_fix_that_leaves_its_finding_is_withheld(monkeypatch):
    # An edit that changed the text but not the layer: the finding would still be there.
    unchanged = SOURCE.replace("hidden =", "hidden  =")
    monkeypatch.setattr(pipeline.fixing, "apply_fixes", _edit_returning(unchanged))
    outcome = pipeline.fix(Document("m.py", SOURCE), LintOptions())
    assert outcome.fixed_text is None
    assert [(f.code, f.fixed) for f in outcome.findings] == [("KAI001", False)]


def test_a_fix_that_does_not_parse_is_withheld(monkeypatch):
    monkeypatch.setattr(pipeline.fixing, "apply_fixes", _edit_returning(FIXED + "def (:\n"))
    outcome = pipeline.fix(Document("m.py", SOURCE), LintOptions())
    assert outcome.fixed_text is None
