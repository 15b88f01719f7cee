"""A script (not in a package) that uses the package through its __init__."""

import keras
from keras import layers

import nets
from nets import *
from nets.blocks import conv_tanh


def build():
    inputs = keras.Input((32, 32, 3))
    x = conv_relu(inputs, 16, "relu")
    x = nets.conv_relu(x, 16, activation="relu")
    x = conv_tanh(x, 16, "relu")
    x = layers.Flatten()(x)
    x = dense_head(x, 64)
    return keras.Model(inputs, layers.Dense(10)(x))
