"""The rules' verdicts on hand-built facts: the contract kaiming_keras.audit relies on too."""

from __future__ import annotations

import pytest

from kaiming_lint import knowledge
from kaiming_lint.facts import Activation, Init, LayerFacts
from kaiming_lint.rules import RULES, judge, parse_codes, rule_for, selected_codes

RELU = Activation("ReLU", 0.0)
LEAKY = Activation("LeakyReLU", 0.2)
GLOROT = Init("non_he", "GlorotUniform", scale=1.0)
HE = Init("he", "HeNormal()", scale=2.0)


def layer(**changes) -> LayerFacts:
    values = dict(
        layer="Dense",
        weight_arg="kernel_initializer",
        weight=None,
        bias=None,
        use_bias=True,
        pairing="relu",
        feeds=RELU,
    )
    values.update(changes)
    return LayerFacts(**values)


def codes(layers, **options) -> list[str]:
    return [violation.code for violation in judge(layers, **options)]


def test_default_kernel_feeding_relu_is_kai001_with_a_he_fix():
    (violation,) = judge([layer(layer="Conv2D")])
    assert violation.code == "KAI001"
    assert violation.target == "layer"
    assert violation.fix is not None and violation.fix.action == "set_weight"
    for word in ("Conv2D", "ReLU", "GlorotUniform", "KaimingNormal()"):
        assert word in violation.message


def test_keras_fix_style_names_he_normal():
    (violation,) = judge([layer()], fix_style="keras")
    assert '"he_normal"' in violation.message
    assert "KaimingNormal" not in violation.message


def test_leaky_pairing_carries_the_slope_into_the_fix():
    (violation,) = judge([layer(feeds=LEAKY)])
    assert violation.fix is not None and violation.fix.negative_slope == pytest.approx(0.2)
    assert "negative_slope=0.2" in violation.message


@pytest.mark.parametrize("pairing", ["none", "unknown"])
def test_no_relu_no_finding(pairing):
    assert codes([layer(pairing=pairing, feeds=None, weight=GLOROT)]) == []


def test_normalized_pairing_only_reported_when_strict():
    normalized = layer(pairing="normalized", weight=GLOROT)
    assert codes([normalized]) == []
    (violation,) = judge([normalized], strict_normalized=True)
    assert violation.code == "KAI002"
    assert "through normalization" in violation.message


def test_non_he_weight_is_kai002_at_the_value():
    (violation,) = judge([layer(weight=GLOROT)])
    assert (violation.code, violation.target) == ("KAI002", "weight")
    assert "GlorotUniform" in violation.message


def test_he_and_leaky_he_weights_pass():
    leaky_scale = knowledge.he_scale(0.2)
    leaky_he = Init("non_he", f"VarianceScaling(scale={leaky_scale})", scale=leaky_scale)
    assert codes([layer(weight=HE)]) == []
    assert codes([layer(weight=leaky_he, feeds=LEAKY)]) == []
    # The same leaky-He scale under a plain ReLU is not He.
    assert codes([layer(weight=leaky_he, feeds=RELU)]) == ["KAI002"]


def test_unknown_initializers_are_never_reported():
    unknown = Init("unknown", "make_init()")
    assert codes([layer(weight=unknown, bias=unknown)]) == []


@pytest.mark.parametrize(
    "label", ["'zeros'", "Zeros()", "tf.zeros_initializer()", "Constant(0)", "Constant(value=0.0)"]
)
def test_zero_biases_pass(label):
    assert codes([layer(weight=HE, bias=Init("constant", label, constant_value=0.0))]) == []


def test_a_constant_bias_of_unknown_value_counts_as_nonzero():
    assert codes([layer(weight=HE, bias=Init("constant", "Constant(value=v)"))]) == ["KAI003"]


@pytest.mark.parametrize(
    "bias",
    [
        Init("constant", "'ones'", constant_value=1.0),
        Init("constant", "Constant(0.1)", constant_value=0.1),
        Init("non_he", "RandomNormal()"),
    ],
)
def test_nonzero_bias_is_kai003(bias):
    (violation,) = judge([layer(weight=HE, bias=bias)])
    assert (violation.code, violation.target) == ("KAI003", "bias")
    assert violation.fix is not None and violation.fix.action == "remove_bias"


def test_bias_ignored_without_use_bias():
    assert codes([layer(weight=HE, bias=Init("constant", "'ones'"), use_bias=False)]) == []


def test_constant_kernel_anywhere_is_kai004_fixed_only_before_relu():
    ones = Init("constant", "Ones()")
    (before_relu,) = judge([layer(weight=ones)])
    (elsewhere,) = judge([layer(weight=ones, pairing="none", feeds=None)])
    assert before_relu.code == elsewhere.code == "KAI004"
    assert before_relu.fix is not None
    assert elsewhere.fix is None
    assert "GlorotUniform" in elsewhere.message


def shared(binding="module:init", seed=7, fresh=False, **init_changes) -> Init:
    return Init(
        "he", "HeNormal(seed=7)", scale=2.0, random_object=True, seed=seed,
        fresh_per_call=fresh, binding=binding, **init_changes,
    )  # fmt: skip


def test_shared_random_object_reported_at_every_use_with_use_indices():
    violations = judge([layer(weight=shared()), layer(weight=shared()), layer(weight=HE)])
    assert [v.code for v in violations] == ["KAI005", "KAI005"]
    assert [v.fix.use_index for v in violations if v.fix] == [0, 1]


def test_sharing_needs_one_binding_and_a_shared_stream():
    assert codes([layer(weight=shared("a")), layer(weight=shared("b"))]) == []
    unseeded_kaiming = shared(seed=None, fresh=True)
    assert codes([layer(weight=unseeded_kaiming), layer(weight=unseeded_kaiming)]) == []
    strings = Init("he", "'he_normal'", scale=2.0, binding="module:init")
    assert codes([layer(weight=strings), layer(weight=strings)]) == []


def test_one_seeded_use_in_a_loop_is_shared_but_not_fixable():
    (violation,) = judge([layer(weight=shared(), uses=2)])
    assert violation.code == "KAI005"
    assert violation.fix is None
    (unseeded,) = judge([layer(weight=shared(seed=None), uses=2)])
    assert unseeded.fix is not None


def test_shared_bias_object_reported_at_the_bias():
    bias = Init("constant", "Zeros()", random_object=False, binding="module:b", constant_value=0.0)
    random_bias = Init("non_he", "RandomNormal()", random_object=True, binding="module:b")
    assert codes([layer(weight=HE, bias=bias), layer(weight=HE, bias=bias)]) == []
    found = judge([layer(weight=HE, bias=random_bias, pairing="none", feeds=None)] * 2)
    assert [(v.code, v.target) for v in found] == [("KAI005", "bias")] * 2


def test_select_and_ignore_take_codes_and_prefixes():
    layers = [layer(weight=Init("constant", "Ones()"), bias=Init("constant", "'ones'"))]
    assert sorted(codes(layers)) == ["KAI003", "KAI004"]
    assert codes(layers, select="KAI003") == ["KAI003"]
    assert codes(layers, select=["kai00"], ignore="KAI004") == ["KAI003"]
    assert codes(layers, ignore="KAI") == []


def test_unknown_codes_are_rejected_by_name():
    with pytest.raises(ValueError, match="KAI777"):
        parse_codes("KAI001,KAI777")
    with pytest.raises(ValueError, match="KAI042"):
        judge([], select="KAI042")
    with pytest.raises(ValueError, match="fix_style"):
        judge([], fix_style="torch")


def test_rule_for_is_case_insensitive_and_names_known_codes():
    assert rule_for("kai003").name == "relu-nonzero-bias"
    with pytest.raises(ValueError, match="KAI001"):
        rule_for("E501")


def test_selected_codes_default_to_every_rule():
    assert selected_codes() == {rule.code for rule in RULES}


def test_rules_have_unique_codes_names_and_complete_docs():
    assert len({r.code for r in RULES}) == len({r.name for r in RULES}) == len(RULES) == 6
    for rule in RULES:
        for section in ("## What it does", "## Why is this bad?", "## Example", "## Use instead"):
            assert section in rule.documentation, (rule.code, section)
        assert rule.valid and rule.invalid, rule.code


def test_judge_never_needs_libcst_refs():
    # kaiming_keras.audit builds facts from live models: no ref at all.
    assert codes([layer(ref=None)]) == ["KAI001"]
