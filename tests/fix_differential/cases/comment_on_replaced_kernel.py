"""Comments on a replaced kernel initializer and on the argument after it."""
# build: build()

import keras
from keras import layers


def build():
    inputs = keras.Input((4,))
    x = layers.Dense(  # expect: fixed
        8,
        kernel_initializer="glorot_uniform",  # the old init
        activation="relu",  # hidden
    )(inputs)
    return keras.Model(inputs, x)
