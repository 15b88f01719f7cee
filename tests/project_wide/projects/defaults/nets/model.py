"""The model: no call passes the parameters that matter."""

import keras
from keras import layers

from nets.layers_lib import (
    biased_dense,
    conv_relu,
    conv_then_relu,
    glorot_dense,
    head,
    unbiased_dense,
)


def build():
    inputs = keras.Input((32, 32, 3))
    x = inputs
    # A positional argument fills `filters` and a keyword names `filters`: neither is `activation`.
    x = conv_relu(x, 32)
    x = conv_relu(x, filters=64)
    x = conv_then_relu(x, 64)
    x = layers.Flatten()(x)
    x = glorot_dense(x, 128)
    x = biased_dense(x, 64)
    x = unbiased_dense(x, 64)
    x = head(x)
    return keras.Model(inputs, layers.Dense(10)(x))
