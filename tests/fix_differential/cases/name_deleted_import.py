"""Beyond the issue's list: the module imports ``KaimingNormal``, then deletes the name."""
# build: build()

import keras
from keras import layers

from kaiming_keras import KaimingNormal

SAMPLE = KaimingNormal(seed=0)
del KaimingNormal


def build():
    inputs = keras.Input((4,))
    x = layers.Dense(8, activation="relu")(inputs)  # expect: fixed
    return keras.Model(inputs, x)
