"""Recursive helpers: the fixed point over the recursive calls decides the parameters."""

from keras import layers

from cyc import stages


def tower(x, depth, activation):
    x = layers.Conv2D(16, 3, padding="same")(x)  # expect: KAI001 via cyc/tower.py:12, cyc/stages.py:11
    x = layers.Activation(activation)(x)
    if depth > 1:
        return tower(x, depth - 1, activation)
    return x


def alternating(x, depth, activation):
    x = layers.Conv2D(16, 3, padding="same")(x)  # unknown: call-sites-disagree
    x = layers.Activation(activation)(x)
    if depth > 1:
        return alternating(x, depth - 1, "tanh")
    return x


def ping(x, depth, activation):
    x = layers.Dense(32)(x)  # expect: KAI001 via cyc/tower.py:31, cyc/stages.py:12
    x = layers.Activation(activation)(x)
    return pong(x, depth, activation) if depth else x


def pong(x, depth, activation):
    return ping(x, depth - 1, activation)


def head(x):
    return stages.stage(x, 64)
