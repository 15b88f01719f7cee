"""Kwargs held in an attribute set once in ``__init__``, read by a ReLU and a linear layer.

Issue 12: a value the layers disagree about is not edited; the finding says why it is not fixable.
"""
# build: build()

import keras
from keras import layers


class Net(keras.Model):
    def __init__(self):
        super().__init__()
        self.kw = dict(kernel_initializer="glorot_uniform")
        self.hidden = layers.Dense(8, activation="relu", **self.kw)  # expect: kept
        self.out = layers.Dense(2, **self.kw)  # expect: kept

    def call(self, x):
        return self.out(self.hidden(x))


def build():
    net = Net()
    net(keras.ops.zeros((1, 4)))
    return net
