"""Called with the ReLU default by train.py, with tanh by a cell of explore.ipynb."""

from keras import layers


def block(x, filters, activation="relu"):
    x = layers.Conv2D(filters, 3)(x)  # unknown: call-sites-disagree
    return layers.Activation(activation)(x)
