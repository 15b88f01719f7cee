"""initialize(model): He's rule with true fans, measured on each layer kind.

For weights w_ij ~ N(0, gain^2 / fan_in), independent of the input, an output unit
y = sum_i w_i x_i has E[y^2] = fan_in * gain^2 / fan_in * E[x^2] = gain^2 * E[x^2] on average
over the weights, whatever the input's mean: the cross terms w_i w_j E[x_i x_j] vanish in
expectation. So with ReLU-like inputs x = relu(z) and ReLU's gain^2 = 2, the pre-activation's
second moment is twice the input's. (The cross terms do not vanish for one draw: with mean
E[x] = 1/sqrt(2 pi) they add noise of relative size about 0.32 * sqrt(2 / output_units), so
each case uses hundreds of output units and a 10% tolerance.)
"""

from __future__ import annotations

import keras
import numpy as np
import pytest

from kaiming_keras import initialize
from kaiming_keras.fans import true_fans
from kaiming_lint.knowledge import KERNEL_LAYERS

from .helpers import relu_input, second_moment_ratio, to_numpy, weights_of

TOLERANCE = 0.1

# name -> (layer factory, input shape (with batch))
CASES = {
    "Dense": (lambda **kw: keras.layers.Dense(1024, **kw), (2048, 256)),
    "Conv1D": (lambda **kw: keras.layers.Conv1D(512, 3, **kw), (32, 64, 64)),
    "Conv2D": (lambda **kw: keras.layers.Conv2D(512, 3, **kw), (16, 12, 12, 32)),
    "Conv3D": (lambda **kw: keras.layers.Conv3D(384, 3, **kw), (4, 8, 8, 8, 16)),
    "DepthwiseConv2D": (
        lambda **kw: keras.layers.DepthwiseConv2D(3, depth_multiplier=2, **kw),
        (8, 12, 12, 512),
    ),
    "SeparableConv2D": (
        lambda **kw: keras.layers.SeparableConv2D(512, 3, **kw),
        (8, 12, 12, 256),
    ),
    "Conv2DTranspose": (
        lambda **kw: keras.layers.Conv2DTranspose(384, 3, strides=2, padding="same", **kw),
        (4, 32, 32, 128),
    ),
    "EinsumDense": (
        lambda **kw: keras.layers.EinsumDense("abc,cde->abde", output_shape=(None, 8, 128), **kw),
        (64, 32, 256),
    ),
}


def relu_model(layer: keras.layers.Layer, input_shape: tuple[int, ...]) -> keras.Model:
    """Input -> layer -> ReLU: the layer feeds a ReLU through the graph."""
    return keras.Sequential([keras.Input(input_shape[1:]), layer, keras.layers.ReLU()])


@pytest.mark.parametrize("kind", list(CASES))
def test_pre_activation_second_moment_doubles(kind):
    factory, shape = CASES[kind]
    layer = factory(bias_initializer="ones")
    model = relu_model(layer, shape)
    report = initialize(model, seed=11)
    assert layer.name in report.layers
    # 'same' padding crops the transposed convolution's edge outputs: measure the interior
    border = 2 if kind == "Conv2DTranspose" else 0
    ratio = second_moment_ratio(layer, relu_input(shape, seed=3), border=border)
    assert ratio == pytest.approx(2.0, rel=TOLERANCE)


@pytest.mark.parametrize("kind", ["DepthwiseConv2D", "Conv2DTranspose"])
def test_keras_he_normal_is_off_by_the_fan_error(kind):
    """Keras's HeNormal scales by compute_fans(shape); for these kinds that is not the true fan."""
    factory, shape = CASES[kind]
    argument = KERNEL_LAYERS[kind]  # depthwise_initializer for DepthwiseConv2D
    layer = factory(**{argument: keras.initializers.HeNormal(seed=5)})
    relu_model(layer, shape)
    keras_fan_in = keras.src.initializers.random_initializers.compute_fans(
        tuple(layer.kernel.shape)
    )[0]
    expected = 2.0 * true_fans(layer)[0] / keras_fan_in
    ratio = second_moment_ratio(layer, relu_input(shape, seed=3))
    assert ratio == pytest.approx(expected, rel=TOLERANCE)
    assert ratio < 0.6  # far from the 2.0 He initialization promises


def test_multi_head_attention_output_projection():
    attention = keras.layers.MultiHeadAttention(num_heads=8, key_dim=32, output_shape=512)
    inputs = keras.Input((16, 64))
    outputs = keras.layers.ReLU()(attention(inputs, inputs))
    model = keras.Model(inputs, outputs)
    query_before = to_numpy(attention.query_dense.kernel)
    report = initialize(model, seed=2)
    assert [row.weight for row in report] == ["output_dense.kernel"]
    assert report.rows[0].fan == 8 * 32
    # the query/key/value projections feed the attention softmax, not the ReLU
    np.testing.assert_array_equal(to_numpy(attention.query_dense.kernel), query_before)
    heads = relu_input((128, 16, 8, 32), seed=4)
    ratio = second_moment_ratio(attention.output_dense, heads)
    assert ratio == pytest.approx(2.0, rel=TOLERANCE)


def test_biases_are_zeroed():
    dense = keras.layers.Dense(32, activation="relu", bias_initializer="ones")
    model = keras.Sequential([keras.Input((8,)), dense])
    initialize(model, seed=0)
    assert not np.any(to_numpy(dense.bias))


def test_layers_not_feeding_a_relu_are_untouched():
    hidden = keras.layers.Dense(64, activation="relu")
    normalized = keras.layers.Dense(64)
    logits = keras.layers.Dense(10, activation="softmax", bias_initializer="ones")
    model = keras.Sequential(
        [
            keras.Input((16,)),
            hidden,
            normalized,
            keras.layers.BatchNormalization(),
            keras.layers.ReLU(),
            logits,
        ]
    )
    before = {layer.name: [to_numpy(w) for w in layer.weights] for layer in (normalized, logits)}
    report = initialize(model, seed=1)
    assert report.layers == [hidden.name]
    for layer in (normalized, logits):
        for old, new in zip(before[layer.name], layer.weights, strict=True):
            np.testing.assert_array_equal(to_numpy(new), old)


def test_transparent_layers_and_concatenate_pass_the_pairing():
    inputs = keras.Input((16,))
    left = keras.layers.Dense(8, name="left")(inputs)
    right = keras.layers.Dense(8, name="right")(inputs)
    merged = keras.layers.Concatenate()([left, keras.layers.Dropout(0.5)(right)])
    added = keras.layers.Add()([keras.layers.Dense(16, name="summed")(inputs), merged])
    model = keras.Model(inputs, keras.layers.ReLU()(added))
    report = initialize(model, seed=1)
    # the Add before the ReLU changes the variance: nothing reaches the ReLU unchanged
    assert report.layers == []
    model = keras.Model(inputs, keras.layers.ReLU()(merged))
    assert sorted(initialize(model, seed=1).layers) == ["left", "right"]


@pytest.mark.parametrize(
    ("activation", "slope"),
    [
        (lambda: keras.layers.LeakyReLU(negative_slope=0.5), 0.5),
        (lambda: keras.layers.Activation("leaky_relu"), 0.2),
        (lambda: keras.layers.PReLU(), 0.0),
    ],
)
def test_leaky_slope_sets_the_gain(activation, slope):
    dense = keras.layers.Dense(2048)
    model = keras.Sequential([keras.Input((256,)), dense, activation()])
    report = initialize(model, seed=3)
    gain_squared = 2.0 / (1.0 + slope**2)
    assert report.rows[0].gain ** 2 == pytest.approx(gain_squared)
    ratio = second_moment_ratio(dense, relu_input((2048, 256), seed=8))
    assert ratio == pytest.approx(gain_squared, rel=TOLERANCE)


def test_fan_out_mode():
    dense = keras.layers.Dense(128, activation="relu")
    model = keras.Sequential([keras.Input((512,)), dense])
    report = initialize(model, mode="fan_out", seed=3)
    assert report.rows[0].fan == 128
    assert report.rows[0].std_after == pytest.approx(np.sqrt(2 / 128), rel=0.02)
    assert float(np.std(to_numpy(dense.kernel))) == report.rows[0].std_after


def build_pair() -> tuple[keras.Model, keras.Model]:
    def make() -> keras.Model:
        return keras.Sequential(
            [keras.Input((8,)), keras.layers.Dense(16, activation="relu"), keras.layers.Dense(4)]
        )

    first, second = make(), make()
    second.set_weights(first.get_weights())
    return first, second


def test_int_seed_is_reproducible_and_none_is_fresh():
    first, second = build_pair()
    initialize(first, seed=7)
    initialize(second, seed=7)
    for a, b in zip(weights_of(first), weights_of(second), strict=True):
        np.testing.assert_array_equal(a, b)
    initialize(second, seed=8)
    assert not np.array_equal(weights_of(first)[0], weights_of(second)[0])
    initialize(first)
    initialize(second)
    assert not np.array_equal(weights_of(first)[0], weights_of(second)[0])


def test_draws_new_numbers_not_the_stored_initializer():
    dense = keras.layers.Dense(
        64, activation="relu", kernel_initializer=keras.initializers.HeNormal(seed=1)
    )
    model = keras.Sequential([keras.Input((64,)), dense])
    original = to_numpy(dense.kernel)
    initialize(model, seed=1)
    assert not np.allclose(to_numpy(dense.kernel), original)


class Subclassed(keras.Model):
    def __init__(self):
        super().__init__()
        self.hidden = keras.layers.Dense(64, activation="relu")
        self.out = keras.layers.Dense(4)

    def call(self, x):
        return self.out(self.hidden(x))


def test_subclassed_model_uses_each_layers_own_activation():
    model = Subclassed()
    model(np.zeros((1, 32), "float32"))
    out_before = to_numpy(model.out.kernel)
    report = initialize(model, seed=4)
    assert report.layers == [model.hidden.name]
    assert report.rows[0].fan == 32
    np.testing.assert_array_equal(to_numpy(model.out.kernel), out_before)


def test_subclass_of_a_keras_layer_counts_as_that_layer():
    class MyDense(keras.layers.Dense):
        pass

    layer = MyDense(32, activation="relu")
    model = keras.Sequential([keras.Input((8,)), layer])
    report = initialize(model, seed=0)
    assert [(row.layer, row.kind) for row in report] == [(layer.name, "Dense")]


def test_report_prints_a_table():
    model = keras.Sequential(
        [keras.Input((8,)), keras.layers.Dense(16, activation="relu", name="hid")]
    )
    text = str(initialize(model, seed=0))
    header, rule, row = text.splitlines()
    assert header.split()[:4] == ["layer", "kind", "weight", "fan_in"]
    assert set(rule.replace(" ", "")) == {"-"}
    assert row.split()[:4] == ["hid", "Dense", "kernel", "8"]


def test_unbuilt_model_is_rejected():
    model = keras.Sequential([keras.layers.Dense(4, activation="relu")])
    with pytest.raises(ValueError, match="not built; build it first"):
        initialize(model)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"mode": "fan_avg"}, "Invalid `mode`"),
        ({"seed": -1}, "Invalid `seed`"),
        ({"seed": 1.5}, "Invalid `seed`"),
        ({"seed": True}, "Invalid `seed`"),
    ],
)
def test_invalid_arguments(kwargs, message):
    model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(4, activation="relu")])
    with pytest.raises(ValueError, match=message):
        initialize(model, **kwargs)


def test_not_a_model():
    with pytest.raises(ValueError, match="Invalid `model`"):
        initialize(keras.layers.Dense(3))


def test_nested_model_layers_pair_across_the_model_boundary():
    inner = keras.Sequential([keras.layers.Dense(8, name="inner_last")], name="inner")
    inputs = keras.Input((4,))
    outputs = keras.layers.ReLU()(inner(keras.layers.Dense(8, name="outer_first")(inputs)))
    model = keras.Model(inputs, outputs)
    # outer_first feeds the inner model's Dense, not a ReLU; inner_last feeds the outer ReLU
    assert initialize(model, seed=0).layers == ["inner_last"]


def test_a_layer_called_twice_is_redrawn_once():
    shared = keras.layers.Dense(8, name="shared")
    inputs = keras.Input((8,))
    x = keras.layers.ReLU()(shared(inputs))
    outputs = keras.layers.ReLU()(shared(x))
    report = initialize(keras.Model(inputs, outputs), seed=0)
    assert [row.layer for row in report] == ["shared"]
