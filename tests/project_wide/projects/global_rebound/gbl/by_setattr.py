"""ACT is rebound by model.py through setattr on this module before the block runs."""

from keras import layers

ACT = "relu"


def block(x):
    x = layers.Conv2D(8, 3)(x)  # unknown: dynamic-attribute
    return layers.Activation(ACT)(x)
