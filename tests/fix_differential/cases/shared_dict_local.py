"""A local ``dict(...)`` spread into a ReLU Dense and a softmax Dense of one Sequential."""
# build: build()
# xfail: layers,markers: issue 12: a shared local dict(...) of kwargs is rewritten for the softmax layer too

import keras
from keras import layers


def build():
    common = dict(kernel_initializer="lecun_normal", bias_initializer="ones")
    return keras.Sequential(
        [
            keras.Input((6,)),
            layers.Dense(8, activation="relu", **common),  # expect: fixed
            layers.Dense(3, activation="softmax", **common),  # expect: kept
        ]
    )
