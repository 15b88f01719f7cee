"""Beyond the issue's list: a ``for`` loop target named ``KaimingNormal``."""
# build: build()

import keras
from keras import layers


def build():
    model = keras.Sequential([keras.Input((4,))])
    for KaimingNormal in ("glorot_uniform", "lecun_normal"):
        model.add(layers.Dense(8, activation="relu"))  # expect: fixed
        model.add(layers.Dense(8, kernel_initializer=KaimingNormal))  # expect: kept
    return model
