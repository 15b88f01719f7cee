"""KAI005: an initializer made in ``__init__`` from its parameter, shared by layers made in ``build``.

A copy in ``build`` would not see ``std``: the finding is not fixable (issue 12), the file stays.
"""
# build: build()

import keras
from keras import layers
from keras.initializers import RandomNormal


class Block(layers.Layer):
    def __init__(self, std=0.05):
        super().__init__()
        self.init = RandomNormal(stddev=std, seed=3)

    def build(self, input_shape):
        self.a = layers.Dense(4, kernel_initializer=self.init)  # expect: kept
        self.b = layers.Dense(4, kernel_initializer=self.init)  # expect: kept

    def call(self, x):
        return self.a(x) + self.b(x)


def build():
    inputs = keras.Input((4,))
    return keras.Model(inputs, Block()(inputs))
