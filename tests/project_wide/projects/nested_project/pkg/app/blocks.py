"""Called with the ReLU default inside pkg, and with tanh by the repository's scripts."""

from keras import layers


def block(x, filters, activation="relu"):
    x = layers.Conv2D(filters, 3)(x)  # unknown: call-sites-disagree
    return layers.Activation(activation)(x)
