"""Builds the model from the blocks; every call passes (or defaults to) ReLU."""

import keras
from keras import layers

from app.blocks import apply_block, conv_block, dense_unit, own_relu, spelled_two_ways
from app.blocks import branched, looped, two_local_calls


def build():
    inputs = keras.Input((32, 32, 3))
    x = inputs
    x = conv_block(x, 32)
    x = conv_block(x, 64, activation="relu")
    x = apply_block(x, 64, activation="relu")
    x = apply_block(x, 128, activation="relu")
    x = layers.Flatten()(x)
    x = dense_unit(x, 128, "relu")
    x = dense_unit(x, 64, "relu")
    x = spelled_two_ways(x, 64, "relu")
    x = spelled_two_ways(x, 64, keras.activations.relu)
    x = own_relu(x)
    x = layers.Reshape((8, 8, 1))(x)
    x = two_local_calls(x)
    outputs = layers.Dense(10, activation="softmax")(layers.Flatten()(x))
    return keras.Model(inputs, outputs)


ACT = "relu"


def deeper(x, wide):
    # A call in a loop is one call site; calls on both branches of an if both count.
    for filters in (32, 64, 128):
        x = looped(x, filters, ACT)
    if wide:
        x = branched(layers.Flatten()(x), 256, "relu")
    else:
        x = branched(layers.Flatten()(x), 64, activation=ACT)
    return x
