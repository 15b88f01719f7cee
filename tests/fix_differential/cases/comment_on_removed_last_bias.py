"""A comment on a removed ``bias_initializer`` argument, the call's last argument."""
# build: build()
# xfail: comments: issue 12: a removed argument's comment lands on the added argument

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
