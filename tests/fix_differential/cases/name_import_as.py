"""Beyond the issue's list: ``import ... as KaimingNormal`` of another module, in the function."""
# build: build()

import keras
from keras import layers


def build():
    import math as KaimingNormal

    inputs = keras.Input((4,))
    x = layers.Dense(int(KaimingNormal.sqrt(64)), activation="relu")(inputs)  # expect: fixed
    return keras.Model(inputs, x)
