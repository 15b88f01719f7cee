"""Beyond the issue's list: a comprehension variable named ``KaimingNormal``."""
# build: build()

import keras
from keras import layers


def build():
    hidden = [layers.Dense(8, activation="relu") for KaimingNormal in range(2)]  # expect: fixed
    model = keras.Sequential([keras.Input((4,)), *hidden])
    return model
