"""The kaiming_keras import sits below a model that is built at import time."""
# build: build()

import keras
from keras import layers

HEAD = keras.Sequential([keras.Input((4,)), layers.Dense(8, activation="relu")])  # expect: fixed

from kaiming_keras import KaimingNormal  # noqa: E402


def build():
    inputs = keras.Input((4,))
    x = layers.Dense(4, activation="relu", kernel_initializer=KaimingNormal())(inputs)
    return keras.Model(inputs, HEAD(x))
