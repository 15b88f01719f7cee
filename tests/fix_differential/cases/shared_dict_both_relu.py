"""A ``dict(...)`` of kwargs read by two ReLU layers, both reported with the same fix: it is fixed."""
# build: build()

import keras
from keras import layers

KW = dict(kernel_initializer="glorot_uniform", padding="same")


def build():
    inputs = keras.Input((8, 8, 3))
    x = layers.Conv2D(4, 3, activation="relu", **KW)(inputs)  # expect: fixed
    x = layers.Conv2D(4, 3, activation="relu", **KW)(x)  # expect: fixed
    return keras.Model(inputs, x)
