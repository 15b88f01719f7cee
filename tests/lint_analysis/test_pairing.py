"""Which activation a kernel layer's output reaches: the forms 1-7 of the spec."""

from __future__ import annotations

import pytest

from kaiming_lint import knowledge

HEADER = """
import tensorflow as tf
import keras
from keras import layers, ops
"""


def pairing_of(one, source: str, extra: frozenset[str] = frozenset()):
    layer = one(HEADER + source, extra)
    return layer.pairing, layer.feeds


class TestOwnActivation:
    @pytest.mark.parametrize(
        ("value", "label", "slope"),
        [
            ("'relu'", "relu", 0.0),
            ("'relu6'", "relu6", 0.0),
            ("'leaky_relu'", "leaky_relu", knowledge.RELU_FUNCTIONS["leaky_relu"]),
            ("keras.activations.relu", "keras.activations.relu", 0.0),
            ("tf.nn.relu", "tf.nn.relu", 0.0),
            ("tf.keras.activations.relu6", "tf.keras.activations.relu6", 0.0),
            ("ops.relu", "ops.relu", 0.0),
            ("layers.ReLU()", "ReLU", 0.0),
            ("layers.LeakyReLU(negative_slope=0.1)", "LeakyReLU", 0.1),
            ("layers.LeakyReLU(alpha=0.25)", "LeakyReLU", 0.25),
            ("layers.LeakyReLU()", "LeakyReLU", knowledge.RELU_LAYERS["LeakyReLU"]),
            ("layers.ReLU(6.0, 0.05)", "ReLU", 0.05),
            ("layers.PReLU()", "PReLU", 0.0),
            ("layers.Activation('relu')", "relu", 0.0),
        ],
    )
    def test_relu_family(self, one, value, label, slope):
        pairing, feeds = pairing_of(one, f"layers.Dense(4, activation={value})")
        assert pairing == "relu"
        assert feeds.label == label
        assert feeds.slope == pytest.approx(slope)

    def test_dense_positional_activation(self, one):
        assert pairing_of(one, "layers.Dense(4, 'relu')")[0] == "relu"

    @pytest.mark.parametrize("value", ["'tanh'", "'softmax'", "tf.nn.sigmoid", "'gelu'"])
    def test_a_known_other_activation_is_none(self, one, value):
        assert pairing_of(one, f"layers.Dense(4, activation={value})") == ("none", None)

    def test_extra_relu_activations(self, one):
        pairing, feeds = pairing_of(one, "layers.Dense(4, activation='gelu')", frozenset({"gelu"}))
        assert pairing == "relu"
        assert feeds.slope == 0.0

    @pytest.mark.parametrize(
        "value", ["None", "'linear'", "keras.activations.linear", "layers.Activation('linear')"]
    )
    def test_identity_goes_on_to_the_next_step(self, one, value):
        source = f"def f(x):\n    return tf.nn.relu(layers.Dense(4, activation={value})(x))"
        assert pairing_of(one, source)[0] == "relu"

    def test_an_activation_parameter_is_unknown(self, one):
        assert pairing_of(one, "def f(act):\n    return layers.Dense(4, activation=act)")[0] == (
            "unknown"
        )

    def test_a_name_bound_once_to_relu(self, one):
        source = "act = 'relu'\nfn = tf.keras.activations.relu\n"
        assert pairing_of(one, source + "layers.Dense(4, activation=act)")[0] == "relu"
        assert pairing_of(one, source + "layers.Dense(4, activation=fn)")[0] == "relu"

    def test_leaky_relu_function_slope(self, one):
        source = "def f(x):\n    return tf.nn.leaky_relu(layers.Dense(4)(x), alpha=0.3)"
        assert pairing_of(one, source)[1].slope == pytest.approx(0.3)


class TestSequential:
    def test_next_element(self, layers):
        found = layers(
            HEADER
            + """
model = keras.Sequential([
    layers.Conv2D(8, 3),
    layers.MaxPooling2D(),
    layers.Dropout(0.2),
    layers.ReLU(),
    layers.Conv2D(8, 3),
    layers.BatchNormalization(),
    layers.Activation("relu"),
    layers.Flatten(),
    layers.Dense(10),
    layers.Activation("softmax"),
])
"""
        )
        assert [f.pairing for f in found] == ["relu", "normalized", "none"]
        assert found[1].feeds.label == "relu"

    def test_layers_keyword_and_named_steps(self, layers):
        found = layers(
            HEADER + "act = layers.LeakyReLU(0.2)\n"
            "m = keras.models.Sequential(layers=[layers.Dense(4), act])\n"
        )
        assert found[0].pairing == "relu"
        assert found[0].feeds.slope == pytest.approx(0.2)

    def test_last_layer_is_the_model_output(self, one):
        assert pairing_of(one, "m = keras.Sequential([layers.Dense(1)])")[0] == "none"

    def test_an_unknown_element_ends_in_unknown(self, one):
        source = "m = keras.Sequential([layers.Dense(4), MyBlock(), layers.ReLU()])"
        assert pairing_of(one, source)[0] == "unknown"

    def test_then_add_on_the_same_model(self, one):
        source = "m = keras.Sequential([layers.Dense(4)])\nm.add(layers.ReLU())"
        assert pairing_of(one, source)[0] == "relu"


class TestAdd:
    def test_add_then_relu(self, layers):
        found = layers(
            HEADER
            + """
model = keras.Sequential()
model.add(layers.Dense(64))
model.add(layers.Dropout(0.5))
model.add(layers.Activation("relu"))
model.add(layers.Dense(64))
model.summary()
model.add(layers.ReLU())
model.add(layers.Dense(10, activation="softmax"))
"""
        )
        assert [f.pairing for f in found] == ["relu", "relu", "none"]

    def test_inside_a_loop_body(self, layers):
        found = layers(
            HEADER
            + """
model = keras.Sequential()
for units in (64, 32):
    model.add(layers.Dense(units))
    model.add(layers.ReLU())
"""
        )
        assert [(f.pairing, f.uses) for f in found] == [("relu", 2)]

    def test_a_model_passed_in_is_unknown_at_the_end(self, one):
        source = "def block(model):\n    model.add(layers.Dense(4))"
        assert pairing_of(one, source)[0] == "unknown"

    def test_a_model_handed_to_other_code_is_unknown(self, one):
        source = "m = keras.Sequential()\nm.add(layers.Dense(4))\nadd_head(m)\nm.add(layers.ReLU())"
        assert pairing_of(one, source)[0] == "unknown"


class TestFunctional:
    @pytest.mark.parametrize(
        "step",
        [
            "x = layers.ReLU()(x)",
            "x = tf.nn.relu(x)",
            "x = layers.Activation('relu')(x)",
            "x = keras.ops.relu(x)",
            "x = keras.activations.relu(x)",
            "x = layers.Dropout(0.1)(x)\n    x = layers.ReLU()(x)",
            "y = layers.Concatenate()([x, other])\n    y = layers.ReLU()(y)",
            "y = layers.concatenate([other, x])\n    y = tf.nn.relu(y)",
            "x = layers.Reshape((4,))(x)\n    return layers.ReLU()(x)",
        ],
    )
    def test_reaches_relu(self, one, step):
        source = f"def f(x, other):\n    x = layers.Dense(4)(x)\n    {step}\n    return None"
        assert pairing_of(one, source)[0] == "relu"

    @pytest.mark.parametrize(
        ("step", "pairing"),
        [
            ("x = layers.Add()([x, other])\n    x = layers.ReLU()(x)", "none"),
            ("x = x + other\n    x = layers.ReLU()(x)", "none"),
            ("x = layers.Activation('tanh')(x)", "none"),
            ("x = layers.Softmax()(x)", "none"),
            ("x = layers.Attention()([x, other])", "none"),
            ("x = my_block(x)\n    x = layers.ReLU()(x)", "unknown"),
            ("x = layers.BatchNormalization()(x)\n    x = layers.ReLU()(x)", "normalized"),
            ("return x", "unknown"),
            ("pass", "unknown"),
            ("x = layers.ReLU()(x[:, 0])", "unknown"),
            ("outputs.append(x)", "unknown"),
        ],
    )
    def test_other_steps(self, one, step, pairing):
        source = f"def f(x, other, outputs):\n    x = layers.Dense(4)(x)\n    {step}\n    return x"
        assert pairing_of(one, source)[0] == pairing

    def test_nested_call(self, one):
        source = "def f(x):\n    return tf.nn.relu(layers.Conv2D(8, 3)(x))"
        assert pairing_of(one, source)[0] == "relu"

    def test_model_output_is_none(self, one):
        source = (
            "inputs = keras.Input((4,))\nx = layers.Dense(4)(inputs)\n"
            "model = keras.Model(inputs, x)"
        )
        assert pairing_of(one, source)[0] == "none"

    def test_shape_reads_are_not_consumers(self, one):
        source = (
            "def f(x):\n    x = layers.Dense(4)(x)\n    n = x.shape[-1]\n"
            "    return layers.ReLU()(x)"
        )
        assert pairing_of(one, source)[0] == "relu"

    def test_fan_out_pairs_only_when_all_consumers_agree(self, one):
        agree = (
            "def f(x):\n    x = layers.Dense(4)(x)\n    a = layers.ReLU()(x)\n"
            "    b = tf.nn.relu(x)\n    return a, b"
        )
        differ = (
            "def f(x):\n    x = layers.Dense(4)(x)\n    skip = x\n    x = layers.ReLU()(x)\n"
            "    return layers.Add()([x, skip])"
        )
        assert pairing_of(one, agree)[0] == "relu"
        assert pairing_of(one, differ)[0] == "unknown"


class TestBranches:
    def test_all_branches_agree(self, one):
        source = """
def f(x, flag):
    x = layers.Dense(4)(x)
    if flag:
        x = layers.ReLU()(x)
    else:
        x = tf.nn.relu(x)
    return x
"""
        assert pairing_of(one, source)[0] == "relu"

    def test_optional_normalization_is_unknown(self, one):
        source = """
def f(x, use_bn):
    x = layers.Conv2D(8, 3)(x)
    if use_bn:
        x = layers.BatchNormalization()(x)
    x = layers.ReLU()(x)
    return x
"""
        assert pairing_of(one, source)[0] == "unknown"

    def test_branch_that_does_not_touch_the_value(self, one):
        source = """
def f(x, verbose):
    x = layers.Conv2D(8, 3)(x)
    if verbose:
        print("built")
    x = layers.ReLU()(x)
    return x
"""
        assert pairing_of(one, source)[0] == "relu"

    def test_loop_over_blocks(self, layers):
        source = """
def f(x):
    for filters in (8, 16):
        x = layers.Conv2D(filters, 3)(x)
        x = layers.ReLU()(x)
    for _ in range(2):
        x = layers.Dense(4)(x)
    return layers.ReLU()(x)
"""
        found = layers(HEADER + source)
        # the second loop's Dense feeds the next Dense, or the ReLU after the loop
        assert [(f.pairing, f.uses) for f in found] == [("relu", 2), ("unknown", 2)]

    def test_a_loop_that_may_not_run(self, one):
        source = """
def f(x, n):
    x = layers.Dense(4)(x)
    for _ in range(n):
        x = my_block(x)
    return layers.ReLU()(x)
"""
        assert pairing_of(one, source)[0] == "unknown"

    def test_with_and_try_bodies_are_straight_line(self, one):
        source = """
def f(x):
    with tf.name_scope("a"):
        x = layers.Dense(4)(x)
    try:
        x = layers.ReLU()(x)
    finally:
        pass
    return x
"""
        assert pairing_of(one, source)[0] == "relu"


class TestBoundLayers:
    def test_name_called_later(self, one):
        source = (
            "def f(x):\n    conv = layers.Conv2D(32, 3)\n    y = tf.nn.relu(conv(x))\n    return y"
        )
        assert pairing_of(one, source)[0] == "relu"

    def test_name_called_twice_must_agree(self, one):
        source = (
            "def f(x, z):\n    conv = layers.Conv2D(32, 3)\n    a = tf.nn.relu(conv(x))\n"
            "    b = tf.nn.sigmoid(conv(z))\n    return a, b"
        )
        assert pairing_of(one, source)[0] == "unknown"

    def test_bound_layer_in_a_sequential_list(self, one):
        source = "dense = layers.Dense(8)\nm = keras.Sequential([dense, layers.ReLU()])"
        assert pairing_of(one, source)[0] == "relu"

    def test_never_used_is_unknown(self, one):
        assert pairing_of(one, "dense = layers.Dense(8)")[0] == "unknown"

    def test_kept_in_a_list_is_unknown(self, one):
        source = "blocks = []\nblocks.append(layers.Dense(8))"
        assert pairing_of(one, source)[0] == "unknown"

    @pytest.mark.parametrize(
        "call_body",
        [
            "return tf.nn.relu(self.fc(x))",
            "return self.act(self.fc(x))",
            "h = self.fc(x)\n        h = self.drop(h)\n        return self.act(h)",
            "return self.act_fn(self.fc(x))",
        ],
    )
    def test_subclassed_model(self, one, call_body):
        source = f"""
class Net(keras.Model):
    def __init__(self):
        super().__init__()
        self.fc = layers.Dense(64)
        self.act = layers.ReLU()
        self.drop = layers.Dropout(0.1)
        self.act_fn = tf.nn.relu

    def call(self, x):
        {call_body}
"""
        assert pairing_of(one, source)[0] == "relu"

    def test_attribute_set_once_in_init(self, one):
        source = """
class Block(keras.layers.Layer):
    def __init__(self):
        super().__init__()
        self.act = "relu"
        self.fc = layers.Dense(8, activation=self.act)
"""
        assert pairing_of(one, source)[0] == "relu"

    def test_attribute_set_twice_is_unknown(self, layers):
        source = """
class Block(keras.layers.Layer):
    def __init__(self, wide):
        super().__init__()
        self.fc = layers.Dense(8)
        if wide:
            self.fc = layers.Dense(16)

    def call(self, x):
        return tf.nn.relu(self.fc(x))
"""
        found = layers(HEADER + source)
        assert [f.pairing for f in found] == ["unknown", "unknown"]

    def test_local_helper_returning_a_layer(self, layers):
        source = """
def conv(filters):
    return layers.Conv2D(filters, 3)

def f(x):
    x = conv(8)(x)
    x = layers.ReLU()(x)
    x = conv(16)(x)
    return layers.ReLU()(x)
"""
        found = layers(HEADER + source)
        assert [(f.pairing, f.uses) for f in found] == [("relu", 2)]


class TestOverwrittenWeights:
    def test_sequential_model_loading_weights_is_left_out(self, layers):
        source = """
def build(path):
    model = keras.Sequential([layers.Dense(8, activation="relu"), layers.Dense(1)])
    model.load_weights(path)
    return model
"""
        assert layers(HEADER + source) == []

    def test_functional_model_set_weights(self, layers):
        source = """
def build(weights):
    inputs = keras.Input((4,))
    x = layers.Dense(8)(inputs)
    x = layers.ReLU()(x)
    model = keras.Model(inputs, x)
    model.set_weights(weights)
    return model
"""
        assert layers(HEADER + source) == []

    def test_conditional_loading_does_not_exempt(self, layers):
        source = """
def build(path=None):
    model = keras.Sequential()
    model.add(layers.Dense(8, activation="relu"))
    if path:
        model.load_weights(path)
    return model
"""
        assert [f.pairing for f in layers(HEADER + source)] == ["relu"]


def test_unknown_count(facts):
    result = facts(HEADER + "a = layers.Dense(4)\nb = layers.Dense(4, activation='relu')\n")
    assert result.unknown == 1
    assert [f.pairing for f in result.layers] == ["unknown", "relu"]


class TestLocalHelpers:
    def test_a_helper_that_returns_a_relu_step(self, one):
        source = """
def relu(x):
    return layers.ReLU()(x)

def f(x):
    x = layers.Conv2D(8, 3)(x)
    return relu(x)
"""
        assert pairing_of(one, source)[0] == "relu"

    def test_a_helper_doing_more_is_followed_into(self, one):
        source = """
def block(x):
    y = layers.ReLU()(x)
    return y

def f(x):
    x = layers.Conv2D(8, 3)(x)
    return block(x)
"""
        assert pairing_of(one, source)[0] == "relu"

    def test_a_helper_whose_paths_disagree_is_unknown(self, one):
        source = """
def block(x, wide):
    if wide:
        return layers.ReLU()(x)
    return layers.Activation("tanh")(x)

def f(x):
    x = layers.Conv2D(8, 3)(x)
    return block(x, True)
"""
        assert pairing_of(one, source)[0] == "unknown"

    def test_a_helper_applying_a_parameter_is_unknown(self, one):
        source = """
def apply(x, act):
    return layers.Activation(act)(x)

def f(x):
    x = layers.Conv2D(8, 3)(x)
    return apply(x, "tanh")
"""
        assert pairing_of(one, source)[0] == "unknown"


@pytest.mark.parametrize(
    ("step", "pairing"),
    [
        ("layers.Identity()", "relu"),
        ("layers.Lambda(lambda t: t * 2)", "unknown"),
        ("layers.TimeDistributed(layers.Flatten())", "unknown"),
    ],
)
def test_identity_and_opaque_layers(one, step, pairing):
    source = f"m = keras.Sequential([layers.Dense(4), {step}, layers.ReLU()])"
    assert pairing_of(one, source)[0] == pairing


class TestParameterDefaults:
    BLOCK = """
def conv_block(x, filters, activation="relu", init="glorot_uniform"):
    x = layers.Conv2D(filters, 3, kernel_initializer=init)(x)
    return layers.Activation(activation)(x)

"""

    def test_default_used_when_no_caller_passes_another_value(self, one):
        layer = one(HEADER + self.BLOCK + "y = conv_block(x, 32)\nz = conv_block(y, filters=8)")
        assert layer.pairing == "relu"
        assert layer.weight.category == "non_he"

    @pytest.mark.parametrize(
        ("calls", "pairing", "category"),
        [
            ("y = conv_block(x, 32, 'tanh')", "unknown", "non_he"),
            ("y = conv_block(x, 32, activation='tanh')", "unknown", "non_he"),
            ("y = conv_block(x, 32, init='he_normal')", "relu", "unknown"),
            ("y = conv_block(x, 32, **options)", "unknown", "unknown"),
            ("blocks = [conv_block]", "unknown", "unknown"),
        ],
    )
    def test_default_is_unknown_when_a_caller_may_override_it(self, one, calls, pairing, category):
        layer = one(HEADER + self.BLOCK + "w = conv_block(x, 1)\n" + calls)
        assert layer.pairing == pairing
        assert layer.weight.category == category

    def test_a_function_never_called_keeps_its_parameters_unknown(self, one):
        assert one(HEADER + self.BLOCK).pairing == "unknown"


def test_a_helper_called_twice_builds_two_layers(layers):
    source = """
init = keras.initializers.GlorotUniform(seed=0)

def dense(units):
    return layers.Dense(units, activation="relu", kernel_initializer=init)

a = dense(4)
b = dense(8)
"""
    found = layers(HEADER + source)
    assert [(f.pairing, f.uses, f.weight.binding) for f in found] == [("relu", 2, "module:init")]


def test_method_calls_on_a_bound_layer_are_not_uses(one):
    source = """
class Block(keras.layers.Layer):
    def build(self, shape):
        self.conv = layers.Conv2D(8, 3)
        self.conv.build(shape)
        self.trainable = True

    def call(self, x, conv=None):
        return tf.nn.relu(self.conv(x))
"""
    assert pairing_of(one, source)[0] == "relu"


def test_reading_a_bound_layers_output_is_unknown(one):
    source = "conv = layers.Conv2D(8, 3)\ny = conv(x)\nz = conv.output\nr = tf.nn.relu(y)"
    assert pairing_of(one, source)[0] == "unknown"


class TestReturnedTensors:
    BLOCK = """
def conv_bn(x, filters):
    x = layers.Conv2D(filters, 3)(x)
    return x

"""

    def test_followed_into_every_caller(self, one):
        source = self.BLOCK + (
            "def net(x):\n    x = conv_bn(x, 8)\n    x = layers.ReLU()(x)\n"
            "    y = tf.nn.relu(conv_bn(x, 16))\n    return y"
        )
        assert pairing_of(one, source)[0] == "relu"

    def test_callers_must_agree(self, one):
        source = self.BLOCK + (
            "def net(x):\n    x = layers.ReLU()(conv_bn(x, 8))\n    return conv_bn(x, 16) + x"
        )
        assert pairing_of(one, source)[0] == "unknown"

    @pytest.mark.parametrize(
        "usage",
        ["blocks = [conv_bn]", "y = functools.partial(conv_bn, filters=3)", ""],
    )
    def test_a_function_used_otherwise_or_never_called_is_unknown(self, one, usage):
        source = self.BLOCK + f"y = layers.ReLU()(conv_bn(x, 8))\n{usage}"
        if not usage:
            source = self.BLOCK
        assert pairing_of(one, source)[0] == "unknown"

    def test_a_method_returning_the_value_is_unknown(self, one):
        source = """
class Block(keras.layers.Layer):
    def call(self, x):
        return layers.Conv2D(8, 3)(x)
"""
        assert pairing_of(one, source)[0] == "unknown"
