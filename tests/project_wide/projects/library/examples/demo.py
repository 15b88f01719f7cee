"""An example script of the library: not in a package, so its own functions are private."""

import keras

import mylib


def tail(x, activation):
    return keras.layers.Dense(8, activation=activation)(x)  # expect: KAI001 via examples/demo.py:14


def main():
    x = mylib.conv_block(keras.Input((32, 32, 3)), 8, activation="tanh")
    return tail(keras.layers.Flatten()(x), "relu")
