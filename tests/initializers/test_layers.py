"""Inside real layers: Dense/Conv kernels, and the axes EinsumDense and MultiHeadAttention inject."""

from __future__ import annotations

import math

import keras
import numpy as np
import pytest
from scipy import stats

import kaiming_keras
from kaiming_keras import KaimingNormal, KaimingUniform
from kaiming_keras.initializers import KERAS_INJECTS_AXES

from .helpers import to_numpy

ALPHA = 1e-4


def assert_normal(values, fan, gain_squared=2.0):
    values = np.ravel(values)
    assert values.size >= 100_000
    result = stats.kstest(values, stats.norm(scale=math.sqrt(gain_squared / fan)).cdf)
    assert result.pvalue > ALPHA, f"fan={fan}: {result}"


@pytest.mark.parametrize(
    ("layer", "input_shape", "fan_in"),
    [
        (lambda init: keras.layers.Dense(256, kernel_initializer=init), (None, 512), 512),
        # Kernels shaped like test_distribution's layouts (JAX compiles a draw per shape).
        (lambda init: keras.layers.Conv1D(512, 5, kernel_initializer=init), (None, 32, 64), 5 * 64),
        (
            lambda init: keras.layers.Conv2D(160, 3, kernel_initializer=init),
            (None, 8, 8, 96),
            9 * 96,
        ),
        (
            lambda init: keras.layers.Conv3D(96, 3, kernel_initializer=init),
            (None, 6, 6, 6, 64),
            27 * 64,
        ),
    ],
    ids=["Dense", "Conv1D", "Conv2D", "Conv3D"],
)
@pytest.mark.parametrize("init", [KaimingNormal(seed=5), "kaiming_normal"])
def test_layer_kernels(layer, input_shape, fan_in, init):
    built = layer(init)
    built.build(input_shape)
    assert_normal(to_numpy(built.kernel), fan_in)


def test_keras_injects_axes_from_3_15_on():
    version = tuple(int(part) for part in keras.__version__.split(".")[:2])
    assert KERAS_INJECTS_AXES is (version >= (3, 15))


def test_einsum_dense_fans_come_from_the_injected_axes():
    # Kernel "bcd" = (256, 8, 64): by shape alone fan_in would be 256 * 8; the layer says 256.
    # Keras before 3.15 injects nothing: the fan then comes from the shape (documented).
    layer = keras.layers.EinsumDense(
        "ab,bcd->acd", output_shape=(8, 64), kernel_initializer=KaimingNormal(seed=3)
    )
    layer.build((None, 256))
    assert tuple(layer.kernel.shape) == (256, 8, 64)
    assert_normal(to_numpy(layer.kernel), fan=256 if KERAS_INJECTS_AXES else 256 * 8)
    # The layer's own initializer is untouched (its config has no axes).
    assert layer.kernel_initializer.input_axes is None


def test_initialize_gives_einsum_dense_its_true_fan_on_every_keras():
    inputs = keras.Input((256,))
    hidden = keras.layers.EinsumDense("ab,bcd->acd", output_shape=(8, 64), activation="relu")
    model = keras.Model(inputs, hidden(inputs))
    kaiming_keras.initialize(model, seed=3)
    assert_normal(to_numpy(hidden.kernel), fan=256)


def test_einsum_dense_keeps_explicit_axes():
    initializer = KaimingNormal(seed=3, input_axes=[0, 1], output_axes=[2])
    layer = keras.layers.EinsumDense(
        "ab,bcd->acd", output_shape=(8, 64), kernel_initializer=initializer
    )
    layer.build((None, 256))
    assert_normal(to_numpy(layer.kernel), fan=256 * 8)


def test_einsum_dense_uniform_and_fan_out():
    layer = keras.layers.EinsumDense(
        "ab,bcd->acd",
        output_shape=(8, 64),
        kernel_initializer=KaimingUniform(mode="fan_out", seed=3),
    )
    layer.build((None, 256))
    fan_out = 8 * 64 if KERAS_INJECTS_AXES else 256 * 64  # by shape: (256, 8, 64) -> 256 * 64
    bound = math.sqrt(3 * 2 / fan_out)
    values = to_numpy(layer.kernel).ravel()
    assert stats.kstest(values, stats.uniform(loc=-bound, scale=2 * bound).cdf).pvalue > ALPHA


def test_unseeded_einsum_dense_layers_sharing_one_instance_differ():
    shared = KaimingNormal()
    layers = [
        keras.layers.EinsumDense("ab,bc->ac", output_shape=16, kernel_initializer=shared)
        for _ in range(2)
    ]
    for layer in layers:
        layer.build((None, 16))
    assert not np.array_equal(to_numpy(layers[0].kernel), to_numpy(layers[1].kernel))


@pytest.mark.parametrize("seed", [None, 7])
def test_multi_head_attention_projections(seed):
    heads, key_dim, width = 8, 64, 256
    layer = keras.layers.MultiHeadAttention(
        heads, key_dim, kernel_initializer=KaimingNormal(seed=seed)
    )
    layer.build((None, 4, width), (None, 4, width))
    # Before Keras 3.15 the fans come from the kernels' shapes (documented).
    for projection in (layer.query_dense, layer.key_dense, layer.value_dense):
        assert tuple(projection.kernel.shape) == (width, heads, key_dim)
        assert_normal(
            to_numpy(projection.kernel), fan=width if KERAS_INJECTS_AXES else width * heads
        )
    output = layer.output_dense.kernel
    assert tuple(output.shape) == (heads, key_dim, width)
    assert_normal(to_numpy(output), fan=heads * key_dim)  # the shape gives the same fan
    # Each projection gets its own values unless a seed pins them (as in Keras).
    query, key = to_numpy(layer.query_dense.kernel), to_numpy(layer.key_dense.kernel)
    assert np.array_equal(query, key) == (seed is not None)
