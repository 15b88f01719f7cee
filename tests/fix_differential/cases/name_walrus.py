"""Beyond the issue's list: an assignment expression binds ``KaimingNormal``."""
# build: build()

import keras
from keras import layers


def build():
    if (KaimingNormal := 8) > 4:
        inputs = keras.Input((4,))
        x = layers.Dense(KaimingNormal, activation="relu")(inputs)  # expect: fixed
        return keras.Model(inputs, x)
    return None
