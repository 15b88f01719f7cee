"""Calls through the forwarding helpers."""

import keras
from keras import layers

from fwd.ops import conv_act, dense_act, dense_kwargs_init, mutating, wrap


def build():
    inputs = keras.Input((32, 32, 3))
    x = wrap(inputs, 32, padding="same")
    x = conv_act(x, 64, strides=2)
    x = mutating(x, 64, init="he_normal")
    x = layers.Flatten()(x)
    x = dense_act(x, 128)
    x = dense_act(x, 64, name="fc2")
    x = dense_kwargs_init(x, 64)
    x = dense_kwargs_init(x, 64, kernel_initializer="he_normal")
    return keras.Model(inputs, layers.Dense(10)(x))
