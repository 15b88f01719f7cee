"""A rule's fix is data (an action, its parameters, the imports it needs); each action has one edit."""

from __future__ import annotations

import pytest

from kaiming_lint.actions import EDITS
from kaiming_lint.facts import Activation, FixAction, Init, LayerFacts, NeededImport
from kaiming_lint.rules import judge

KAIMING = NeededImport("kaiming_keras", "KaimingNormal", also_from=("kaiming_keras.initializers",))


def layer(**changes) -> LayerFacts:
    values = dict(
        layer="Dense",
        weight_arg="kernel_initializer",
        weight=None,
        bias=None,
        use_bias=True,
        pairing="relu",
        feeds=Activation("ReLU", 0.0),
    )
    values.update(changes)
    return LayerFacts(**values)


def test_every_action_has_exactly_one_edit():
    assert set(EDITS) == set(FixAction)
    assert all(edit.action is action for action, edit in EDITS.items())


@pytest.mark.parametrize(
    ("facts", "code"),
    [
        (layer(), "KAI001"),
        (layer(weight=Init("non_he", "GlorotNormal", scale=1.0)), "KAI002"),
        (layer(weight=Init("constant", "Zeros", constant_value=0.0)), "KAI004"),
    ],
)
def test_a_he_fix_names_the_class_and_the_import_it_needs(facts, code):
    (violation,) = judge([facts])
    assert violation.code == code
    fix = violation.fix
    assert fix is not None and fix.action is FixAction.SET_WEIGHT
    assert fix.imports == (KAIMING,)
    assert fix.value is not None and fix.value.keywords == ()


def test_a_leaky_he_fix_carries_the_slope_as_keywords():
    (violation,) = judge([layer(feeds=Activation("LeakyReLU", 0.3))])
    assert violation.fix is not None and violation.fix.value is not None
    assert violation.fix.value.keywords == (("nonlinearity", "leaky_relu"), ("negative_slope", 0.3))


def test_the_keras_fix_style_writes_a_string_and_needs_no_import():
    (violation,) = judge([layer()], fix_style="keras")
    assert violation.fix is not None and violation.fix.value is not None
    assert violation.fix.value.string == "he_normal"
    assert violation.fix.imports == ()


def test_removing_a_bias_needs_no_import():
    he = Init("he", "HeNormal()", scale=2.0)
    (violation,) = judge([layer(weight=he, bias=Init("constant", "Ones", constant_value=1.0))])
    assert violation.fix is not None and violation.fix.action is FixAction.REMOVE_BIAS
    assert violation.fix.imports == ()
