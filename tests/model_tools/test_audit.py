"""audit(model): kaiming-lint's rules on a live or loaded model."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from kaiming_keras import KaimingNormal, audit
from kaiming_lint.rules import judge
from kaiming_lint.sources import facts_from_config, read_keras_file

layers = keras.layers


def problem_model() -> keras.Model:
    """One layer per rule, each named after the code it must get; the rest is clean."""
    shared = keras.initializers.HeNormal(seed=42)
    head = keras.Sequential(
        [
            layers.Dense(16, kernel_initializer=shared, name="kai005_a"),
            layers.ReLU(),
            layers.Dense(16, kernel_initializer=shared, name="kai005_b"),
            layers.ReLU(),
            layers.Dense(3, activation="softmax", name="clean_logits"),
        ],
        name="head",
    )
    inputs = keras.Input((8, 8, 3))
    x = layers.Conv2D(4, 3, activation="relu", name="kai001")(inputs)
    x = layers.Conv2D(4, 3, kernel_initializer="glorot_normal", name="kai002")(x)
    x = layers.MaxPooling2D()(x)
    x = layers.LeakyReLU(negative_slope=0.1)(x)
    x = layers.Conv2D(
        4, 1, kernel_initializer="he_uniform", bias_initializer="ones", name="kai003"
    )(x)
    x = layers.Activation("relu")(x)
    x = layers.Conv2D(4, 1, use_bias=False, name="clean_before_bn")(x)
    x = layers.BatchNormalization()(x)
    x = layers.ReLU()(x)
    x = layers.Flatten()(x)
    x = layers.Dense(8, activation="relu", kernel_initializer="ones", name="kai004")(x)
    return keras.Model(inputs, head(x))


EXPECTED = [
    ("KAI001", "kai001"),
    ("KAI002", "kai002"),
    ("KAI003", "kai003"),
    ("KAI004", "kai004"),
    ("KAI005", "kai005_a"),
    ("KAI005", "kai005_b"),
]


def codes(findings) -> list[tuple[str, str]]:
    return sorted((f.code, f.layer) for f in findings)


def test_each_problem_gives_its_code_on_the_right_layer():
    assert codes(audit(problem_model())) == EXPECTED


def test_findings_carry_the_linters_messages_and_rule_names():
    findings = {f.code: f for f in audit(problem_model())}
    assert findings["KAI001"].rule == "relu-default-init"
    assert findings["KAI001"].message == (
        "Conv2D feeds relu but keeps the default GlorotUniform kernel initializer; "
        "use KaimingNormal()"
    )
    assert "LeakyReLU" in findings["KAI002"].message  # the slope-carrying step it feeds
    assert findings["KAI002"].message.endswith("negative_slope=0.1)")


def test_a_correct_model_gives_no_finding():
    model = keras.Sequential(
        [
            keras.Input((16,)),
            layers.Dense(32, activation="relu", kernel_initializer="he_normal"),
            layers.Dense(32, kernel_initializer=KaimingNormal()),
            layers.Dropout(0.2),
            layers.ReLU(),
            layers.Dense(
                32, kernel_initializer=KaimingNormal(nonlinearity="leaky_relu", negative_slope=0.2)
            ),
            layers.LeakyReLU(negative_slope=0.2),
            layers.Dense(32),
            layers.BatchNormalization(),
            layers.ReLU(),
            layers.Dense(4, activation="softmax"),
        ]
    )
    assert audit(model) == []


def test_strict_normalized_reports_layers_before_normalization():
    model = keras.Sequential(
        [
            keras.Input((4,)),
            layers.Dense(4, name="before_bn"),
            layers.BatchNormalization(),
            layers.ReLU(),
        ]
    )
    assert audit(model) == []
    assert codes(audit(model, strict_normalized=True)) == [("KAI001", "before_bn")]


def test_saved_file_gives_the_same_findings(tmp_path):
    model = problem_model()
    path = tmp_path / "model.keras"
    model.save(path)
    from_file = judge(facts_from_config(read_keras_file(path)))
    from_loaded = audit(keras.saving.load_model(path))
    assert sorted((v.code, v.layer.name, v.message) for v in from_file) == sorted(
        (f.code, f.layer, f.message) for f in from_loaded
    )
    assert codes(from_loaded) == EXPECTED


def test_unseeded_shared_object_is_seen_on_a_live_model_only(tmp_path):
    shared = keras.initializers.HeNormal()
    fresh = KaimingNormal()  # draws new numbers per call: sharing it is fine
    model = keras.Sequential(
        [
            keras.Input((4,)),
            layers.Dense(4, activation="relu", kernel_initializer=shared, name="a"),
            layers.Dense(4, activation="relu", kernel_initializer=shared, name="b"),
            layers.Dense(4, activation="relu", kernel_initializer=fresh, name="c"),
            layers.Dense(4, activation="relu", kernel_initializer=fresh, name="d"),
        ]
    )
    # the shared unseeded object really does give both layers the same kernel
    np.testing.assert_array_equal(
        keras.ops.convert_to_numpy(model.layers[0].kernel),
        keras.ops.convert_to_numpy(model.layers[1].kernel),
    )
    assert codes(audit(model)) == [("KAI005", "a"), ("KAI005", "b")]
    path = tmp_path / "model.keras"
    model.save(path)
    assert judge(facts_from_config(read_keras_file(path))) == []


class Subclassed(keras.Model):
    def __init__(self):
        super().__init__()
        self.hidden = layers.Dense(8, activation="relu", name="hidden")
        self.constant = layers.Dense(8, kernel_initializer="zeros", name="constant")
        self.linear = layers.Dense(8, name="linear")

    def call(self, x):
        return self.linear(keras.ops.relu(self.constant(self.hidden(x))))


def test_subclassed_model_knows_only_each_layers_own_activation():
    model = Subclassed()
    model(np.zeros((1, 4), "float32"))
    # "linear" feeds a ReLU in call(), which a model does not record: no KAI001 for it
    assert codes(audit(model)) == [("KAI001", "hidden"), ("KAI004", "constant")]


def test_subclass_of_a_keras_layer_is_judged_as_that_layer():
    class MyConv(layers.Conv2D):
        pass

    model = keras.Sequential([keras.Input((6, 6, 1)), MyConv(2, 3, name="mine"), layers.ReLU()])
    assert codes(audit(model)) == [("KAI001", "mine")]


@pytest.mark.parametrize(
    ("model", "kwargs", "message"),
    [
        (layers.Dense(2), {}, "Invalid `model`"),
        (None, {"strict_normalized": "yes"}, "Invalid `strict_normalized`"),
    ],
)
def test_invalid_arguments(model, kwargs, message):
    model = model if model is not None else keras.Sequential([keras.Input((2,)), layers.Dense(2)])
    with pytest.raises(ValueError, match=message):
        audit(model, **kwargs)


def test_an_explicit_default_class_object_shared_is_reported():
    glorot = keras.initializers.GlorotUniform()
    model = keras.Sequential(
        [
            keras.Input((4,)),
            layers.Dense(4, kernel_initializer=glorot, name="a"),
            layers.Dense(4, kernel_initializer=glorot, name="b"),
            layers.Dense(4, name="default"),
        ]
    )
    assert codes(audit(model)) == [("KAI005", "a"), ("KAI005", "b")]
