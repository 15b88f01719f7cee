from keras import layers

from pkg.config import ACT


def head(x):
    x = layers.Dense(32, activation=ACT)(x)  # expect: KAI001 via pkg/config.py:3
    return layers.Dense(10)(x)
