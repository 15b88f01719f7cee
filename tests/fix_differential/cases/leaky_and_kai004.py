"""A leaky pairing, a constant kernel feeding a ReLU, and a constant kernel that does not."""
# build: build()

import keras
from keras import layers


def build():
    inputs = keras.Input((4,))
    x = layers.Dense(8, kernel_initializer="glorot_uniform")(inputs)  # expect: fixed
    x = layers.LeakyReLU(negative_slope=0.2)(x)
    x = layers.Dense(8, activation="relu", kernel_initializer="ones")(x)  # expect: fixed
    x = layers.Dense(2, kernel_initializer=keras.initializers.Constant(0.5))(x)  # expect: kept
    return keras.Model(inputs, x)
