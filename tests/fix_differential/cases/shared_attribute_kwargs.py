"""Kwargs held in an attribute set once in ``__init__``, read by a ReLU and a linear layer."""
# build: build()
# xfail: layers,markers: issue 12: a kwargs dict in an attribute, read by a ReLU and a linear layer, is rewritten for both

import keras
from keras import layers


class Net(keras.Model):
    def __init__(self):
        super().__init__()
        self.kw = dict(kernel_initializer="glorot_uniform")
        self.hidden = layers.Dense(8, activation="relu", **self.kw)  # expect: fixed
        self.out = layers.Dense(2, **self.kw)  # expect: kept

    def call(self, x):
        return self.out(self.hidden(x))


def build():
    net = Net()
    net(keras.ops.zeros((1, 4)))
    return net
