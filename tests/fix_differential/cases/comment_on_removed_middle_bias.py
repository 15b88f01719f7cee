"""A comment on a removed ``bias_initializer`` argument in the middle of a call."""
# build: build()

import keras
from keras import layers


def build():
    inputs = keras.Input((4, 4, 1))
    x = layers.Conv2D(  # expect: fixed
        4,
        3,
        bias_initializer=keras.initializers.Constant(0.1),  # start positive
        kernel_initializer="he_normal",  # already He
        activation="relu",  # the ReLU
    )(inputs)
    return keras.Model(inputs, x)
