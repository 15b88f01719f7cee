"""A function rebinds the module's ``KaimingNormal`` through ``global`` before models are built."""
# build: build()

import keras
from keras import layers

from kaiming_keras import KaimingNormal


def _configure():
    global KaimingNormal
    KaimingNormal = keras.initializers.GlorotUniform


_configure()


def build():
    inputs = keras.Input((4,))
    x = layers.Dense(8, activation="relu")(inputs)  # expect: fixed
    return keras.Model(inputs, x)
