"""Called with the ReLU default by model.py, and with tanh by uses_star_import.py."""

from keras import layers


def block(x, activation="relu"):
    x = layers.Conv2D(8, 3)(x)  # unknown: call-sites-disagree
    return layers.Activation(activation)(x)
