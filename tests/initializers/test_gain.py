"""calculate_gain and compute_fans: the two numbers behind std = gain / sqrt(fan)."""

from __future__ import annotations

import math

import keras
import numpy as np
import pytest

from kaiming_keras.gain import KNOWN_NONLINEARITIES, calculate_gain, compute_fans

CONV_NAMES = [
    "conv1d",
    "conv2d",
    "conv3d",
    "conv_transpose1d",
    "conv_transpose2d",
    "conv_transpose3d",
]


@pytest.mark.parametrize("name", ["linear", "sigmoid", *CONV_NAMES])
def test_unit_gain(name):
    assert calculate_gain(name) == 1.0


@pytest.mark.parametrize(
    ("name", "expected"),
    [("tanh", 5 / 3), ("relu", math.sqrt(2)), ("relu6", math.sqrt(2)), ("selu", 0.75)],
)
def test_fixed_gains(name, expected):
    assert calculate_gain(name) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("slope", [0.0, 0.01, 0.1, 0.3, 1.0, 5.0])
def test_leaky_relu_gain_follows_slope(slope):
    assert calculate_gain("leaky_relu", slope) == pytest.approx(
        math.sqrt(2 / (1 + slope**2)), rel=1e-12
    )


def test_leaky_relu_default_slope_is_keras_activation_slope():
    # `activation="leaky_relu"` in Keras scales negative inputs by its default slope.
    keras_slope = -float(keras.ops.convert_to_numpy(keras.activations.leaky_relu(-1.0)))
    assert calculate_gain("leaky_relu") == pytest.approx(calculate_gain("leaky_relu", keras_slope))


@pytest.mark.parametrize(
    ("name", "activation"),
    [
        ("relu", lambda x: np.maximum(x, 0.0)),
        ("leaky_relu", lambda x: np.where(x > 0, x, 0.2 * x)),
        ("linear", lambda x: x),
    ],
)
def test_gain_restores_the_second_moment(name, activation):
    # He's derivation: for x ~ N(0, 1), gain**2 * E[f(x)**2] = 1 keeps the variance per layer.
    x = np.random.default_rng(0).standard_normal(1_000_000)
    second_moment = np.mean(activation(x) ** 2)
    assert calculate_gain(name) ** 2 * second_moment == pytest.approx(1.0, abs=0.01)


def test_unknown_nonlinearity_lists_known_names():
    with pytest.raises(ValueError, match="nonlinearity") as info:
        calculate_gain("swish")
    for name in KNOWN_NONLINEARITIES:
        assert name in str(info.value)


@pytest.mark.parametrize(
    ("name", "param"),
    [
        ("relu", 0.1),
        ("tanh", 0.0),
        ("leaky_relu", float("nan")),
        ("leaky_relu", "0.1"),
        ("leaky_relu", -0.5),
    ],
)
def test_bad_param(name, param):
    with pytest.raises(ValueError, match="`param`"):
        calculate_gain(name, param)


def _kernel_shape(layer, input_shape):
    layer.kernel_initializer = keras.initializers.Zeros()  # only the shape matters here
    layer.build(input_shape)
    return tuple(layer.kernel.shape)


@pytest.mark.parametrize(
    ("layer", "input_shape", "fan_in", "fan_out"),
    [
        (lambda: keras.layers.Dense(7), (None, 11), 11, 7),
        (lambda: keras.layers.Conv1D(7, 5), (None, 20, 4), 5 * 4, 5 * 7),
        (lambda: keras.layers.Conv2D(7, (3, 5)), (None, 20, 20, 4), 3 * 5 * 4, 3 * 5 * 7),
        (
            lambda: keras.layers.Conv3D(7, (2, 3, 5)),
            (None, 9, 9, 9, 4),
            2 * 3 * 5 * 4,
            2 * 3 * 5 * 7,
        ),
    ],
    ids=["Dense", "Conv1D", "Conv2D", "Conv3D"],
)
def test_fans_of_keras_layouts(layer, input_shape, fan_in, fan_out):
    assert compute_fans(_kernel_shape(layer(), input_shape)) == (fan_in, fan_out)


def test_axes_override_each_fan():
    depthwise = (3, 3, 16, 2)  # (kh, kw, channels, multiplier): each output sums kh * kw inputs
    assert compute_fans(depthwise, input_axes=[0, 1]) == (9, 3 * 3 * 2)
    assert compute_fans(depthwise, output_axes=[-1]) == (3 * 3 * 16, 2)
    einsum = (64, 4, 32)  # "abc,cde->abde"-style kernel: inputs on axis 0, outputs on 1 and 2
    assert compute_fans(einsum, input_axes=[0], output_axes=[1, 2]) == (64, 128)


def test_vector_and_scalar_shapes():
    assert compute_fans((12,)) == (12, 12)
    assert compute_fans(()) == (1, 1)
