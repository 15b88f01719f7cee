"""Control: ``KaimingNormal`` is already kaiming_keras's, imported at the top: the fix reuses it."""
# build: build()

import keras
from keras import layers

from kaiming_keras import KaimingNormal


def build():
    inputs = keras.Input((4,))
    x = layers.Dense(8, activation="relu", kernel_initializer=KaimingNormal())(inputs)
    x = layers.Dense(8, activation="relu")(x)  # expect: fixed
    return keras.Model(inputs, x)
