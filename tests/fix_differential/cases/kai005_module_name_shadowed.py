"""KAI005: a module-level initializer built from ``scale``; the function has its own ``scale``.

A copy in ``build`` would read the parameter: the finding is not fixable (issue 12), the file stays.
"""
# build: build()

import keras
from keras import layers

scale = 0.05
INIT = keras.initializers.RandomUniform(minval=-scale, maxval=scale, seed=7)


def build(scale=3):
    inputs = keras.Input((4,))
    a = layers.Dense(4, kernel_initializer=INIT)(inputs)  # expect: kept
    b = layers.Dense(4, kernel_initializer=INIT)(inputs)  # expect: kept
    return keras.Model(inputs, layers.Concatenate()([a, b]) * scale)
