"""A module constant naming the initializer, read by a ReLU layer and by a tanh layer."""
# build: build()

import keras
from keras import layers

INIT = "glorot_normal"


def build():
    return keras.Sequential(
        [
            keras.Input((6,)),
            layers.Dense(8, activation="relu", kernel_initializer=INIT),  # expect: fixed
            layers.Dense(8, activation="tanh", kernel_initializer=INIT),  # expect: kept
        ]
    )
