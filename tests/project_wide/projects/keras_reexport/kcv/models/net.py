"""A model through the re-exporting backend (relative import), and a look-alike that is not Keras."""

from ..backend import keras
from ..backend.fake import Dense
from ..layers.blocks import conv_relu, dense_relu


def build():
    inputs = keras.Input((32, 32, 3))
    x = keras.layers.Conv2D(32, 3, activation="relu")(inputs)  # expect: KAI001 cross-module
    x = conv_relu(x, 64)
    x = keras.layers.Flatten()(x)
    x = dense_relu(x, 64)
    x = Dense(32, activation="relu")(x)
    return keras.Model(inputs, keras.layers.Dense(10)(x))
