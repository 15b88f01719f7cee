"""A function of the user's is called ``KaimingNormal`` and returns a Glorot initializer."""
# build: build()

import keras
from keras import layers


def KaimingNormal():
    return keras.initializers.GlorotNormal()


def build():
    return keras.Sequential(
        [
            keras.Input((4,)),
            layers.Dense(8, activation="relu"),  # expect: fixed
            layers.Dense(2, kernel_initializer=KaimingNormal()),  # expect: kept
        ]
    )
