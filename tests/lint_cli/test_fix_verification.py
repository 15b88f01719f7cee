"""What ``--fix`` declines, and why it says so: shared values, KAI005 copies, the re-analysis net.

The differential test (tests/fix_differential) judges the fixed models; these tests pin the
messages a user reads when a fix is declined, and the report's positions after a fix.
"""

from __future__ import annotations

import pytest

from kaiming_lint import fix as fixing
from kaiming_lint import pipeline
from kaiming_lint.results import FixStyle, LintOptions

OPTIONS = LintOptions(fix=True)

SHARED = """import keras
from keras import layers

KW = dict(kernel_initializer="glorot_uniform", padding="same")


def build(x):
    x = layers.Conv2D(8, 3, activation="relu", **KW)(x)
    return layers.Conv2D(8, 3, **KW)(x)
"""

NOQA_READER = """from keras import layers

KW = dict(kernel_initializer="glorot_uniform")


def build(x):
    x = layers.Dense(8, activation="relu", **KW)(x)
    x = layers.Dense(8, activation="relu", **KW)(x)  # noqa: KAI002
    return x
"""

AGREEING = SHARED.replace(
    "layers.Conv2D(8, 3, **KW)", 'layers.Conv2D(8, 3, activation="relu", **KW)'
)

PARAMETER = """from keras import layers
from keras.initializers import RandomNormal


class Block(layers.Layer):
    def __init__(self, std=0.05):
        super().__init__()
        self.init = RandomNormal(stddev=std, seed=3)

    def build(self, input_shape):
        self.a = layers.Dense(4, kernel_initializer=self.init)
        self.b = layers.Dense(4, kernel_initializer=self.init)
"""

SHADOWED = """import keras
from keras import layers

scale = 0.05
INIT = keras.initializers.RandomUniform(minval=-scale, maxval=scale, seed=7)


def build(x, scale=3):
    a = layers.Dense(4, kernel_initializer=INIT)(x)
    b = layers.Dense(4, kernel_initializer=INIT)(x)
    return a, b
"""

SAME_NAMES = SHADOWED.replace("def build(x, scale=3):", "def build(x):")


def _fix(text: str, style: FixStyle = FixStyle.KAIMING) -> pipeline.Outcome:
    return pipeline.fix(pipeline.Document("m.py", text), LintOptions(fix=True, fix_style=style))


@pytest.mark.parametrize("style", list(FixStyle))
def test_a_kwargs_dict_read_by_an_unreported_layer_is_not_fixable_and_says_why(style):
    outcome = _fix(SHARED, style)
    assert outcome.fixed_text is None
    [finding] = outcome.findings
    assert not finding.fixable and not finding.fixed
    assert "(not fixable: the Conv2D on line 9 also reads this argument" in finding.message


def test_a_reader_silenced_with_noqa_does_not_agree():
    outcome = _fix(NOQA_READER)
    assert outcome.fixed_text is None
    [finding] = outcome.findings
    assert "the Dense on line 8 also reads this argument and its finding is silenced with noqa" in (
        finding.message
    )


def test_a_kwargs_dict_every_reader_agrees_on_is_fixed_once():
    outcome = _fix(AGREEING)
    assert outcome.fixed_text is not None
    assert 'KW = dict(kernel_initializer=KaimingNormal(), padding="same")' in outcome.fixed_text
    assert all(f.fixed for f in outcome.findings) and len(outcome.findings) == 2


@pytest.mark.parametrize(("text", "name"), [(PARAMETER, "std"), (SHADOWED, "scale")])
def test_kai005_does_not_copy_a_constructor_where_its_names_mean_something_else(text, name):
    outcome = _fix(text)
    assert outcome.fixed_text is None
    assert len(outcome.findings) == 2
    for finding in outcome.findings:
        assert finding.code == "KAI005" and not finding.fixable
        assert f"(not fixable: `{name}` in the shared initializer means something else" in (
            finding.message
        )


def test_kai005_copies_where_every_name_means_the_same():
    outcome = _fix(SAME_NAMES)
    assert outcome.fixed_text is not None
    assert "RandomUniform(minval=-scale, maxval=scale, seed=8)" in outcome.fixed_text
    assert all(f.fixed for f in outcome.findings)


TWO_LAYERS = """from keras import layers


def build(x):
    x = layers.Dense(8, activation="relu")(x)
    return layers.Dense(2, kernel_initializer="glorot_normal")(x)
"""


def test_a_fix_that_would_change_another_layer_is_withheld(monkeypatch):
    real = fixing.apply_fixes

    def also_changes_the_head(*args, **kwargs):
        result = real(*args, **kwargs)
        result.code = result.code.replace('"glorot_normal"', '"lecun_normal"')
        return result

    monkeypatch.setattr(fixing, "apply_fixes", also_changes_the_head)
    outcome = _fix(TWO_LAYERS)
    assert outcome.fixed_text is None
    [finding] = outcome.findings
    assert not finding.fixed and not finding.fixable
    assert finding.message.endswith(
        "(fix withheld: the Dense at line 6 would get another kernel_initializer)"
    )


def test_a_fix_that_would_not_parse_is_withheld(monkeypatch):
    real = fixing.apply_fixes

    def breaks(*args, **kwargs):
        result = real(*args, **kwargs)
        result.code += "def (:\n"
        return result

    monkeypatch.setattr(fixing, "apply_fixes", breaks)
    outcome = _fix(TWO_LAYERS)
    assert outcome.fixed_text is None
    assert "(fix withheld: the fixed text would not parse" in outcome.findings[0].message


LEFT_OVER = """from keras import layers


def build(x):
    x = layers.Dense(8, activation="relu")(x)
    return layers.Dense(2, kernel_initializer="ones")(x)
"""


def test_remaining_findings_carry_their_position_in_the_fixed_text():
    outcome = _fix(LEFT_OVER)
    assert outcome.fixed_text is not None
    left = [f for f in outcome.findings if not f.fixed]
    relint = pipeline.check(pipeline.Document("m.py", outcome.fixed_text), OPTIONS)
    assert [(f.code, f.line, f.column) for f in left] == [
        (f.code, f.line, f.column) for f in relint.findings
    ]
    assert left and left[0].line == 7  # one line below where it was: the import was added
