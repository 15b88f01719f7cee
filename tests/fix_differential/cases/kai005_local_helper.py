"""KAI005: the constructor reads a local of the function that made it; layers are made elsewhere."""
# build: build()

import keras
from keras import layers


def make_init():
    spread = 0.1
    return keras.initializers.TruncatedNormal(stddev=spread, seed=11)


SHARED = keras.initializers.TruncatedNormal(stddev=0.1, seed=11)


def build():
    spread = "not a number"
    inputs = keras.Input((4,))
    a = layers.Dense(4, kernel_initializer=SHARED)(inputs)  # expect: fixed
    b = layers.Dense(4, kernel_initializer=SHARED)(a)  # expect: fixed
    return keras.Model(inputs, layers.Dense(2, name=spread.replace(" ", "_"))(b))
