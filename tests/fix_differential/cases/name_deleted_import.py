"""Beyond the issue's list: the module imports ``KaimingNormal``, then deletes the name."""
# build: build()
# xfail: layers,runs,audit,markers kaiming: issue 12 (beyond its list): KaimingNormal is inserted where a deleted import (del KaimingNormal) binds the name

import keras
from keras import layers

from kaiming_keras import KaimingNormal

SAMPLE = KaimingNormal(seed=0)
del KaimingNormal


def build():
    inputs = keras.Input((4,))
    x = layers.Dense(8, activation="relu")(inputs)  # expect: fixed
    return keras.Model(inputs, x)
