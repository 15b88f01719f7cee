"""A comment on a removed ``bias_initializer`` argument, the call's last argument."""
# build: build()

import keras
from keras import layers


def build():
    inputs = keras.Input((4,))
    x = layers.Dense(  # expect: fixed
        8,
        activation="relu",
        bias_initializer="ones",  # bias!
    )(inputs)
    return keras.Model(inputs, x)
