"""A local ``dict(...)`` spread into a ReLU Dense and a softmax Dense of one Sequential.

Issue 12: a value the layers disagree about is not edited; the finding says why it is not fixable.
"""
# build: build()

import keras
from keras import layers


def build():
    common = dict(kernel_initializer="lecun_normal", bias_initializer="ones")
    return keras.Sequential(
        [
            keras.Input((6,)),
            layers.Dense(8, activation="relu", **common),  # expect: kept
            layers.Dense(3, activation="softmax", **common),  # expect: kept
        ]
    )
