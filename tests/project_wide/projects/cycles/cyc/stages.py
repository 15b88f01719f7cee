"""Imports tower, which imports this module back: the cycle must not stop the analysis."""

from keras import layers

from cyc import tower


def stage(x, filters, activation="relu"):
    x = layers.Conv2D(filters, 1)(x)  # expect: KAI001 via cyc/model.py:13, cyc/tower.py:35
    x = layers.Activation(activation)(x)
    x = tower.tower(x, 3, activation)
    return tower.ping(layers.Flatten()(x), 2, "relu")
