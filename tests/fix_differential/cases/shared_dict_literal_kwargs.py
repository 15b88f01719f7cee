"""The ``{...}`` form of the shared kwargs: the fixer leaves it alone today (control case)."""
# build: build()

import keras
from keras import layers

KW = {"kernel_initializer": "glorot_uniform", "padding": "same"}


def build():
    inputs = keras.Input((8, 8, 3))
    x = layers.Conv2D(4, 3, activation="relu", **KW)(inputs)
    y = layers.Conv2D(4, 3, **KW)(x)  # expect: kept
    return keras.Model(inputs, y)
