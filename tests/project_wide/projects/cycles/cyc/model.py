"""Entry point."""

import keras
from keras import layers

from cyc import stages, tower


def build():
    inputs = keras.Input((32, 32, 3))
    x = tower.alternating(inputs, 3, "relu")
    x = tower.head(x)
    x = stages.stage(layers.Reshape((4, 8, 1))(x), 32)
    return keras.Model(inputs, layers.Dense(10)(x))
