"""How initializer values are read: strings, classes, factories, dict configs, constants."""

from __future__ import annotations

import math

import pytest

from kaiming_lint import knowledge

HEADER = """
import math
import numpy as np
import tensorflow as tf
import keras
import kaiming_keras
from keras import initializers
"""


def weight_of(one, value: str, prelude: str = ""):
    layer = one(f"{HEADER}{prelude}\nkeras.layers.Dense(4, kernel_initializer={value})\n")
    return layer.weight


@pytest.mark.parametrize(
    "value",
    [
        "'he_normal'",
        "'he_uniform'",
        "'HeNormal'",
        "initializers.HeNormal()",
        "initializers.HeUniform(seed=3)",
        "initializers.he_normal()",
        "tf.keras.initializers.he_uniform()",
        "initializers.HeNormal",
        "initializers.VarianceScaling(scale=2.0)",
        "initializers.VarianceScaling(2.0, mode='fan_out', distribution='uniform')",
        "initializers.VarianceScaling(scale=2, mode='fan_avg')",
        "{'class_name': 'VarianceScaling', 'config': {'scale': 2.0, 'mode': 'fan_out'}}",
        "{'class_name': 'HeNormal', 'config': {}}",
        "dict(class_name='he_uniform')",
        "tf.compat.v1.variance_scaling_initializer(scale=2.0)",
        "initializers.Orthogonal(gain=math.sqrt(2))",
        "initializers.Orthogonal(gain=np.sqrt(2.0))",
        "initializers.Orthogonal(2**0.5)",
        "initializers.Orthogonal(gain=1.41421356)",
        "tf.initializers.he_normal()",
        "tf.compat.v1.keras.initializers.HeNormal()",
        "kaiming_keras.KaimingNormal()",
        "kaiming_keras.KaimingUniform(mode='fan_out')",
        "kaiming_keras.initializers.KaimingNormal(nonlinearity='relu6')",
        "'kaiming_normal'",
        "'kaiming_uniform'",
    ],
)
def test_he_compatible_values(one, value):
    weight = weight_of(one, value)
    assert weight.category == "he", weight
    assert math.isclose(weight.scale, knowledge.HE_SCALE, rel_tol=1e-6)


@pytest.mark.parametrize(
    ("value", "scale"),
    [
        ("'glorot_uniform'", None),
        ("initializers.GlorotNormal()", None),
        ("initializers.LecunNormal(seed=1)", None),
        ("initializers.RandomNormal(stddev=0.02)", None),
        ("initializers.TruncatedNormal()", None),
        ("'random_uniform'", None),
        ("initializers.VarianceScaling()", 1.0),
        ("initializers.VarianceScaling(scale=1.0, mode='fan_in')", 1.0),
        ("'variance_scaling'", 1.0),
        ("initializers.Orthogonal()", 1.0),
        ("initializers.Orthogonal(gain=1.2)", 1.44),
        ("initializers.Identity()", None),
        ("{'class_name': 'GlorotUniform', 'config': {'seed': 1}}", None),
        ("tf.compat.v1.variance_scaling_initializer()", 1.0),
        ("kaiming_keras.KaimingNormal(nonlinearity='tanh')", 25 / 9),
    ],
)
def test_non_he_values_and_their_scale(one, value, scale):
    weight = weight_of(one, value)
    assert weight.category == "non_he", weight
    if scale is None:
        assert weight.scale is None
    else:
        assert math.isclose(weight.scale, scale)


@pytest.mark.parametrize(
    "value",
    [
        "'zeros'",
        "'ones'",
        "initializers.Zeros()",
        "initializers.Constant(0.1)",
        "tf.zeros_initializer()",
        "tf.constant_initializer(0.5)",
        "tf.keras.initializers.Ones()",
        "{'class_name': 'Zeros', 'config': {}}",
    ],
)
def test_constant_values(one, value):
    assert weight_of(one, value).category == "constant"


@pytest.mark.parametrize(
    "value",
    [
        "make_init()",
        "initializers.VarianceScaling(scale=s)",
        "initializers.Orthogonal(gain=math.sqrt(g))",
        "initializers.VarianceScaling(**cfg)",
        "'my_custom_init'",
        "{'class_name': name}",
        "eval('he_normal')",
        "getattr(initializers, 'HeNormal')()",
        "kaiming_keras.KaimingNormal(nonlinearity=nl)",
    ],
)
def test_unresolvable_values_are_unknown(one, value):
    assert weight_of(one, value, "def make_init(): pass").category == "unknown"


def test_leaky_he_keeps_its_scale_for_the_rule(one):
    weight = weight_of(one, "initializers.VarianceScaling(scale=2 / (1 + 0.2**2))")
    assert weight.category == "non_he"
    assert math.isclose(weight.scale, knowledge.he_scale(0.2))


def test_kaiming_with_a_negative_slope_has_the_leaky_scale(one):
    weight = weight_of(
        one, "kaiming_keras.KaimingNormal(nonlinearity='leaky_relu', negative_slope=0.1)"
    )
    assert math.isclose(weight.scale, knowledge.he_scale(0.1))
    assert weight.category == "non_he"  # judged for a plain ReLU


def test_absent_arguments_are_none_and_bias_defaults(one):
    layer = one("import keras\nkeras.layers.Conv2D(8, 3)")
    assert layer.weight is None
    assert layer.bias is None
    assert layer.use_bias is True


def test_bias_and_use_bias_are_read(one):
    layer = one("import keras\nkeras.layers.Dense(4, bias_initializer='ones', use_bias=False)")
    assert layer.bias.category == "constant"
    assert layer.use_bias is False


def test_dense_positional_arguments(one):
    layer = one("import keras\nkeras.layers.Dense(4, 'relu', False, 'glorot_normal', 'ones')")
    assert layer.pairing == "relu"
    assert layer.use_bias is False
    assert layer.weight.label == "'glorot_normal'"
    assert layer.bias.category == "constant"


def test_use_bias_from_a_variable_is_unknown(one):
    layer = one("import keras\ndef f(flag):\n    return keras.layers.Dense(4, use_bias=flag)")
    assert layer.use_bias is None


class TestObjects:
    def test_a_constructed_object_is_random_with_its_seed(self, one):
        weight = weight_of(one, "initializers.GlorotUniform(seed=7)")
        assert weight.random_object
        assert weight.seed == 7
        assert not weight.fresh_per_call

    def test_strings_dicts_and_uncalled_classes_are_not_objects(self, one):
        for value in ("'he_normal'", "{'class_name': 'HeNormal'}", "initializers.HeNormal"):
            assert not weight_of(one, value).random_object

    def test_constants_are_not_random_objects(self, one):
        assert not weight_of(one, "initializers.Zeros()").random_object

    def test_unseeded_kaiming_is_fresh_per_call(self, one):
        assert weight_of(one, "kaiming_keras.KaimingNormal()").fresh_per_call
        seeded = weight_of(one, "kaiming_keras.KaimingNormal(seed=2)")
        assert not seeded.fresh_per_call
        assert seeded.seed == 2

    def test_a_name_bound_to_a_constructor_records_binding_and_constructor(self, layers):
        found = layers(
            """
            import keras
            init = keras.initializers.HeNormal(seed=1)
            a = keras.layers.Dense(4, kernel_initializer=init)
            b = keras.layers.Dense(4, kernel_initializer=init)
            """
        )
        assert found[0].weight.binding == found[1].weight.binding == "module:init"
        constructor = found[0].ref.weight_constructor
        assert constructor is found[1].ref.weight_constructor
        assert constructor.func.attr.value == "HeNormal"

    def test_bindings_in_different_functions_differ(self, layers):
        found = layers(
            """
            import keras
            def a():
                init = keras.initializers.HeNormal()
                return keras.layers.Dense(4, kernel_initializer=init, activation="relu")
            def b():
                init = keras.initializers.HeNormal()
                return keras.layers.Dense(4, kernel_initializer=init, activation="relu")
            """
        )
        assert found[0].weight.binding != found[1].weight.binding

    def test_a_self_attribute_binding(self, layers):
        found = layers(
            """
            import keras
            class Net(keras.Model):
                def __init__(self):
                    super().__init__()
                    self.init = keras.initializers.GlorotNormal()
                    self.a = keras.layers.Dense(4, kernel_initializer=self.init)
                    self.b = keras.layers.Dense(4, kernel_initializer=self.init)
            """
        )
        assert {f.weight.binding for f in found} == {"class Net:self.init"}
        assert found[0].weight.category == "non_he"

    def test_module_level_dict_config(self, one):
        weight = weight_of(
            one,
            "CONV_INIT",
            "CONV_INIT = {'class_name': 'VarianceScaling',"
            " 'config': {'scale': 2.0, 'mode': 'fan_out', 'distribution': 'truncated_normal'}}",
        )
        assert weight.category == "he"
        assert not weight.random_object

    def test_a_name_bound_twice_is_unknown(self, one):
        prelude = "init = 'he_normal'\nif tf.test.is_gpu_available():\n    init = 'glorot_uniform'"
        assert weight_of(one, "init", prelude).category == "unknown"

    def test_loop_sites_count_twice(self, layers):
        found = layers(
            """
            import keras
            init = keras.initializers.HeNormal(seed=0)
            blocks = [keras.layers.Dense(4, kernel_initializer=init) for _ in range(3)]
            for _ in range(2):
                keras.layers.Dense(4)
            keras.layers.Dense(4)
            """
        )
        assert [f.uses for f in found] == [2, 2, 1]


def test_kwargs_from_a_dict_bound_once(layers):
    found = layers(
        """
        import keras
        conv_args = dict(activation="relu", kernel_initializer="glorot_uniform")
        conv_kw = {"activation": "relu", "kernel_initializer": "he_normal", "use_bias": False}
        a = keras.layers.Conv2D(8, 3, **conv_args)
        b = keras.layers.Conv2D(8, 3, **conv_kw)
        """
    )
    assert [(f.pairing, f.weight.category) for f in found] == [("relu", "non_he"), ("relu", "he")]
    assert found[1].use_bias is False
    assert found[0].ref.weight_arg.keyword.value == "kernel_initializer"


def test_unreadable_kwargs_make_absent_arguments_unknown(one):
    layer = one("import keras\ndef f(**kw):\n    return keras.layers.Dense(4, **kw)")
    assert layer.weight.category == "unknown"
    assert layer.use_bias is None
    assert layer.pairing == "unknown"


def test_an_object_built_in_the_same_loop_is_not_shared_across_passes(layers):
    found = layers(
        """
        import keras
        shared = keras.initializers.GlorotUniform(seed=1)
        def f(x):
            for filters in (8, 16):
                init = keras.initializers.GlorotUniform(seed=1)
                x = keras.layers.Conv2D(filters, 3, kernel_initializer=init)(x)
                x = keras.layers.Conv2D(filters, 3, kernel_initializer=shared)(x)
            return x
        """
    )
    assert [f.uses for f in found] == [1, 2]


@pytest.mark.parametrize(
    ("source", "value"),
    [
        ('"zeros"', 0.0),
        ("keras.initializers.Zeros()", 0.0),
        ("keras.initializers.Constant(0.0)", 0.0),
        ("keras.initializers.Constant(value=0)", 0.0),
        ("keras.initializers.Constant(0.1)", 0.1),
        ('"ones"', 1.0),
        ("keras.initializers.Constant()", 0.0),
    ],
)
def test_constant_initializers_carry_their_value(one, source, value):
    layer = one(f"{HEADER}\nkeras.layers.Dense(4, activation='relu', bias_initializer={source})\n")
    assert layer.bias.category == "constant"
    assert layer.bias.constant_value == value
