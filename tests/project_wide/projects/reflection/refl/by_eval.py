"""A block that is called directly with the ReLU default, and by reflection with tanh."""

from keras import layers


def block(x, activation="relu"):
    x = layers.Conv2D(8, 3)(x)  # unknown: dynamic-attribute
    return layers.Activation(activation)(x)
