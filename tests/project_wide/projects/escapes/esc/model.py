"""Direct calls all pass relu, but the helpers are also handed around."""

import keras
from keras import layers

from esc import blocks, dyn


def apply_all(x, fns):
    for fn in fns:
        x = fn(x, 8, activation="tanh")
    return x


def build():
    inputs = keras.Input((32, 32, 3))
    x = blocks.passed_on(inputs, 16)
    x = apply_all(x, [blocks.passed_on])
    x = blocks.stored(x, 16)
    x = blocks.returned(x, 16)
    x = blocks.pick()(x, 16, activation="tanh")
    x = blocks.decorated(x, 16)
    x = blocks.partial_target(x, 16, "relu")
    x = blocks.relu_block(x, 16)
    x = blocks.fixed_inside(x)
    x = dyn.by_name(x, 8, "relu")
    x = getattr(dyn, "by_" + "name")(x, 8, "tanh")
    return keras.Model(inputs, layers.Dense(10)(layers.Flatten()(x)))
