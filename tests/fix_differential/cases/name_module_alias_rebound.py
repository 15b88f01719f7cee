"""``kaiming_keras`` is imported as a module and then a local variable of that name shadows it."""
# build: build()

import keras
from keras import layers

import kaiming_keras


def build(kaiming_keras=None):
    inputs = keras.Input((4,))
    x = layers.Dense(8, activation="relu")(inputs)  # expect: fixed
    return keras.Model(inputs, x)
