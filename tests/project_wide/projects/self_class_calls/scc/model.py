"""The direct calls keep the ReLU default; the calls made from inside the classes pass tanh."""

import keras

from scc.heads import FromClassmethod, FromDunderClass, FromTypeOfSelf


def build():
    inputs = keras.Input((16,))
    x = FromClassmethod(8)(inputs)
    x = FromClassmethod.small_tanh()(x)
    x = FromTypeOfSelf(8)(x)
    x = FromTypeOfSelf(8).tanh_copy()(x)
    x = FromDunderClass(8)(x)
    x = FromDunderClass(8).tanh_copy()(x)
    return keras.Model(inputs, x)
