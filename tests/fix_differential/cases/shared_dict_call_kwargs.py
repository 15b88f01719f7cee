"""A ``dict(...)`` of kwargs spread into a ReLU layer and into a linear output head."""
# build: build()
# xfail: layers,markers: issue 12: a shared dict(...) of kwargs is rewritten for every layer that reads it

import keras
from keras import layers

KW = dict(kernel_initializer="glorot_uniform", padding="same")


def build():
    inputs = keras.Input((8, 8, 3))
    x = layers.Conv2D(4, 3, activation="relu", **KW)(inputs)  # expect: fixed
    y = layers.Conv2D(4, 3, **KW)(x)  # expect: kept
    return keras.Model(inputs, y)
