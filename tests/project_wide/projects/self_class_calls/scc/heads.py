"""Each head is also built by a call the analysis must count: cls(...), type(self)(...), ..."""

import keras
from keras import layers


class FromClassmethod(keras.layers.Layer):
    def __init__(self, units, activation="relu"):
        super().__init__()
        self.dense = layers.Dense(units)  # unknown: parameter-from-outside
        self.act = layers.Activation(activation)

    def call(self, x):
        return self.act(self.dense(x))

    @classmethod
    def small_tanh(cls):
        return cls(4, "tanh")


class FromTypeOfSelf(keras.layers.Layer):
    def __init__(self, units, activation="relu"):
        super().__init__()
        self.dense = layers.Dense(units)  # unknown: parameter-from-outside
        self.act = layers.Activation(activation)

    def call(self, x):
        return self.act(self.dense(x))

    def tanh_copy(self):
        return type(self)(4, "tanh")


class FromDunderClass(keras.layers.Layer):
    def __init__(self, units, activation="relu"):
        super().__init__()
        self.dense = layers.Dense(units)  # unknown: parameter-from-outside
        self.act = layers.Activation(activation)

    def call(self, x):
        return self.act(self.dense(x))

    def tanh_copy(self):
        return self.__class__(4, "tanh")
