"""A class body (run at import) makes a ReLU layer above the kaiming_keras import."""
# build: build()

import keras
from keras import layers


class Blocks:
    hidden = layers.Dense(8, activation="relu")  # expect: fixed


from kaiming_keras import KaimingUniform  # noqa: E402


def build():
    inputs = keras.Input((4,))
    x = layers.Dense(4, activation="relu", kernel_initializer=KaimingUniform())(inputs)
    return keras.Model(inputs, Blocks.hidden(x))
