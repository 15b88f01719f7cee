"""KAI005 where copying is safe (control): every name of the constructor means the same thing."""
# build: build()

import keras
from keras import layers

SHARED = keras.initializers.RandomNormal(stddev=0.02, seed=5)


def build():
    inputs = keras.Input((4,))
    a = layers.Dense(4, kernel_initializer=SHARED)(inputs)  # expect: fixed
    b = layers.Dense(4, kernel_initializer=SHARED)(inputs)  # expect: fixed
    return keras.Model(inputs, layers.Concatenate()([a, b]))
