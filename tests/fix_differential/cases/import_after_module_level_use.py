"""The kaiming_keras import sits below a model that is built at import time."""
# build: build()
# xfail: layers,runs,audit,markers kaiming: issue 12: an existing kaiming_keras import placed after a module-level use is reused (NameError on import)

import keras
from keras import layers

HEAD = keras.Sequential([keras.Input((4,)), layers.Dense(8, activation="relu")])  # expect: fixed

from kaiming_keras import KaimingNormal  # noqa: E402


def build():
    inputs = keras.Input((4,))
    x = layers.Dense(4, activation="relu", kernel_initializer=KaimingNormal())(inputs)
    return keras.Model(inputs, HEAD(x))
