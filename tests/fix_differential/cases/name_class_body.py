"""A layer is made in a class body where ``KaimingNormal`` is a class attribute."""
# build: build()

import keras
from keras import layers


class Config:
    KaimingNormal = "glorot_uniform"
    hidden = layers.Dense(8, activation="relu")  # expect: fixed


def build():
    inputs = keras.Input((4,))
    return keras.Model(inputs, Config.hidden(inputs))
