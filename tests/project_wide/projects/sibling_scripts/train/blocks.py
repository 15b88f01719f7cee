"""Called with the ReLU default here, and with tanh by run.py next to it."""

from keras import layers


def block(x, activation="relu"):
    x = layers.Dense(8)(x)  # unknown: call-sites-disagree
    return layers.Activation(activation)(x)


def agreed(x, activation):
    x = layers.Dense(8)(x)  # expect: KAI001 via train/blocks.py:17, train/run.py:9
    return layers.Activation(activation)(x)


def head(x):
    return block(agreed(x, "relu"))
