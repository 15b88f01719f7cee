"""``KaimingNormal`` is bound by a tuple assignment at module level."""
# build: build()

import keras
from keras import layers

KaimingNormal, WIDTH = "glorot_uniform", 8


def build():
    inputs = keras.Input((4,))
    x = layers.Dense(WIDTH, activation="relu")(inputs)  # expect: fixed
    return keras.Model(inputs, x)
