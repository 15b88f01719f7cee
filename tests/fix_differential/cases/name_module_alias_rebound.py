"""``kaiming_keras`` is imported as a module and then a local variable of that name shadows it."""
# build: build()
# xfail: layers,runs,audit,markers kaiming: issue 12: kaiming_keras.KaimingNormal is written where a parameter rebinds kaiming_keras

import keras
from keras import layers

import kaiming_keras


def build(kaiming_keras=None):
    inputs = keras.Input((4,))
    x = layers.Dense(8, activation="relu")(inputs)  # expect: fixed
    return keras.Model(inputs, x)
