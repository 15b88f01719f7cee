"""KAI005: a module-level initializer built from ``scale``; the function has its own ``scale``."""
# build: build()
# xfail: layers: issue 12: KAI005 copies a constructor into a scope where its names mean something else (the range silently changes)

import keras
from keras import layers

scale = 0.05
INIT = keras.initializers.RandomUniform(minval=-scale, maxval=scale, seed=7)


def build(scale=3):
    inputs = keras.Input((4,))
    a = layers.Dense(4, kernel_initializer=INIT)(inputs)  # expect: fixed
    b = layers.Dense(4, kernel_initializer=INIT)(inputs)  # expect: fixed
    return keras.Model(inputs, layers.Concatenate()([a, b]) * scale)
