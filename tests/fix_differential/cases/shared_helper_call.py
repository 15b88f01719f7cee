"""A local helper's layer call is used twice: once before a ReLU, once as the linear output."""
# build: build()

import keras
from keras import layers


def dense(units):
    return layers.Dense(units)


def build():
    inputs = keras.Input((4,))
    x = dense(8)(inputs)  # expect: kept
    x = layers.ReLU()(x)
    return keras.Model(inputs, dense(2)(x))  # expect: kept
