"""Beyond the issue's list: ``with ... as KaimingNormal`` binds the name in the function."""
# build: build()

import contextlib

import keras
from keras import layers


def build():
    with contextlib.nullcontext("glorot_uniform") as KaimingNormal:
        inputs = keras.Input((4,))
        x = layers.Dense(8, activation="relu")(inputs)  # expect: fixed
        return keras.Model(inputs, layers.Dense(2, kernel_initializer=KaimingNormal)(x))
