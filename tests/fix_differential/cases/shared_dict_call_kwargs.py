"""A ``dict(...)`` of kwargs spread into a ReLU layer and into a linear output head.

Issue 12: a value the layers disagree about is not edited; the finding says why it is not fixable.
"""
# build: build()

import keras
from keras import layers

KW = dict(kernel_initializer="glorot_uniform", padding="same")


def build():
    inputs = keras.Input((8, 8, 3))
    x = layers.Conv2D(4, 3, activation="relu", **KW)(inputs)  # expect: kept
    y = layers.Conv2D(4, 3, **KW)(x)  # expect: kept
    return keras.Model(inputs, y)
