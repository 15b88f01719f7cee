"""An if/else binds ``KaimingNormal`` on every path: the fix should reuse it, adding no import."""
# build: build()
# forbid-added: ^\s*(from kaiming_keras|import kaiming_keras)

import sys

import keras
from keras import layers

if sys.version_info >= (3, 9):
    from kaiming_keras import KaimingNormal
else:
    from kaiming_keras.initializers import KaimingNormal


def build():
    inputs = keras.Input((4,))
    x = layers.Dense(8, activation="relu")(inputs)  # expect: fixed
    return keras.Model(inputs, layers.Dense(2, kernel_initializer=KaimingNormal())(x))
