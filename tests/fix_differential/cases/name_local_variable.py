"""``KaimingNormal`` is a local variable of the building function."""
# build: build()

import keras
from keras import layers


def build():
    KaimingNormal = 8
    inputs = keras.Input((4,))
    x = layers.Dense(KaimingNormal, activation="relu")(inputs)  # expect: fixed
    return keras.Model(inputs, x)
