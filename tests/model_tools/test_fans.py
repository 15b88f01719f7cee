"""True fans per layer kind, against Keras's shape-based compute_fans."""

from __future__ import annotations

import keras
import pytest
from keras.src.initializers.random_initializers import compute_fans as keras_compute_fans

from kaiming_keras.fans import layer_fans, true_fans


def built(layer: keras.layers.Layer, input_shape: tuple[int | None, ...]) -> keras.layers.Layer:
    layer.build(input_shape)
    return layer


def test_dense_and_conv_fans_agree_with_keras():
    dense = built(keras.layers.Dense(7), (None, 5))
    conv = built(keras.layers.Conv2D(8, (3, 2)), (None, 10, 10, 4))
    assert true_fans(dense) == (5, 7)
    assert true_fans(conv)[0] == keras_compute_fans(tuple(conv.kernel.shape))[0] == 3 * 2 * 4


def test_strided_conv_fan_out_counts_outputs_per_input():
    conv = built(keras.layers.Conv2D(8, 3, strides=2), (None, 16, 16, 4))
    assert true_fans(conv) == (36, 3 * 3 * 8 / 4)


def test_grouped_conv_fans():
    conv = built(keras.layers.Conv2D(8, 3, groups=2), (None, 16, 16, 4))
    # kernel (3, 3, 2, 8): each output sums 9 * 2 inputs; each input reaches 9 * 4 outputs
    assert true_fans(conv) == (18, 36)


def test_depthwise_fan_in_is_the_receptive_field_not_times_channels():
    layer = built(keras.layers.DepthwiseConv2D(3, depth_multiplier=2), (None, 8, 8, 16))
    assert true_fans(layer) == (9, 18)
    keras_fan_in, _ = keras_compute_fans(tuple(layer.kernel.shape))
    assert keras_fan_in == 9 * 16  # Keras multiplies by the channels: 16 times too large


def test_separable_fans_per_part():
    layer = built(keras.layers.SeparableConv2D(32, 3, depth_multiplier=2), (None, 8, 8, 16))
    depthwise, pointwise = layer_fans(layer)
    assert (depthwise.path, depthwise.fan_in, depthwise.final) == ("depthwise_kernel", 9, False)
    assert (pointwise.path, pointwise.fan_in, pointwise.fan_out) == ("pointwise_kernel", 32, 32)
    assert pointwise.final


@pytest.mark.parametrize("strides", [1, 2, 3])
def test_transposed_fan_in_divides_by_strides(strides):
    layer = built(keras.layers.Conv2DTranspose(6, 3, strides=strides), (None, 8, 8, 10))
    fan_in, fan_out = true_fans(layer)
    assert fan_in == pytest.approx(10 * 9 / strides**2)
    assert fan_out == 6 * 9
    # Keras reads the kernel (3, 3, out=6, in=10) as if it were (.., in, out).
    assert keras_compute_fans(tuple(layer.kernel.shape))[0] == 9 * 6


def test_einsum_fans_follow_the_equation():
    layer = keras.layers.EinsumDense("abc,cde->abde", output_shape=(None, 4, 16))
    layer.build((None, 5, 32))
    assert true_fans(layer) == (32, 64)
    assert keras_compute_fans(tuple(layer.kernel.shape))[0] == 32 * 4


def test_multi_head_attention_projections():
    layer = keras.layers.MultiHeadAttention(num_heads=4, key_dim=8, value_dim=6)
    layer.build((None, 5, 32), (None, 5, 32))
    fans = {f.path: f for f in layer_fans(layer)}
    assert fans["query_dense.kernel"].fan_in == 32
    assert fans["value_dense.kernel"].fan_out == 4 * 6
    assert fans["output_dense.kernel"].fan_in == 4 * 6
    assert [f.path for f in fans.values() if f.final] == ["output_dense.kernel"]
    query_shape = tuple(layer.query_dense.kernel.shape)
    assert keras_compute_fans(query_shape)[0] == 32 * 4


def test_unbuilt_layer_is_an_error():
    with pytest.raises(ValueError, match="not built"):
        layer_fans(keras.layers.Dense(3))


def test_unknown_layer_kind_is_an_error():
    layer = built(keras.layers.LayerNormalization(), (None, 4))
    with pytest.raises(ValueError, match="no known fan rule"):
        layer_fans(layer)


def test_fan_mode_validation():
    fans = layer_fans(built(keras.layers.Dense(7), (None, 5)))[0]
    assert fans.fan("fan_out") == 7
    with pytest.raises(ValueError, match="mode"):
        fans.fan("fan_avg")
