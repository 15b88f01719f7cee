"""Two ReLU layers read one kwargs dict; the user silenced the second with ``# noqa``."""
# build: build()

import keras
from keras import layers

KW = dict(kernel_initializer="glorot_uniform")


def build():
    inputs = keras.Input((8,))
    x = layers.Dense(8, activation="relu", **KW)(inputs)
    x = layers.Dense(8, activation="relu", **KW)(x)  # noqa: KAI002  # expect: kept
    return keras.Model(inputs, layers.Dense(2)(x))
