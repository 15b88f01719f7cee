import keras
from keras import layers

from cs.blocks import biased, constant_kernel, shared_here
from cs.inits import SHARED


def build():
    inputs = keras.Input((64,))
    x = layers.Dense(16, activation="relu", kernel_initializer=SHARED)(inputs)  # expect: KAI005 via cs/inits.py:3 nofix
    x = constant_kernel(x, 32, "zeros")
    x = constant_kernel(x, 32, init="zeros")
    x = biased(x, 32, True)
    x = shared_here(x)
    return keras.Model(inputs, layers.Dense(10)(x))
