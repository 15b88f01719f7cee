import keras
from keras import layers

import pkg.blocks as pb
from pkg import blocks
from pkg.blocks import conv_relu as cr
from pkg.config import ACT, CONV_KW, GLOROT

from ..blocks import conv_relu, make_dense
from . import heads


def build():
    inputs = keras.Input((32, 32, 3))
    x = inputs
    x = conv_relu(x, 16, "relu")
    x = cr(x, 16, "relu")
    x = pb.conv_relu(x, 16, activation="relu")
    x = blocks.conv_relu(x, 16, ACT)
    x = layers.Flatten()(x)
    x = make_dense(64)(x)
    x = layers.ReLU()(x)
    x = layers.Dense(64, activation=ACT, kernel_initializer=GLOROT)(x)  # expect: KAI002 via pkg/config.py:3, pkg/config.py:4
    x = layers.Reshape((8, 8, 1))(x)
    x = layers.Conv2D(8, **CONV_KW)(x)  # expect: KAI001 via pkg/config.py:5 nofix
    x = heads.head(layers.Flatten()(x))
    return keras.Model(inputs, x)
