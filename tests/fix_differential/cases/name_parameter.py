"""``KaimingNormal`` is a parameter of the building function."""
# build: build()

import keras
from keras import layers


def build(KaimingNormal="glorot_uniform"):
    inputs = keras.Input((4,))
    x = layers.Dense(8, activation="relu")(inputs)  # expect: fixed
    return keras.Model(inputs, layers.Dense(2, kernel_initializer=KaimingNormal)(x))
