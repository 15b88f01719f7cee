"""Beyond the issue's list: a comprehension variable named ``KaimingNormal``."""
# build: build()
# xfail: layers,runs,audit,markers kaiming: issue 12 (beyond its list): KaimingNormal is inserted where a comprehension variable binds the name

import keras
from keras import layers


def build():
    hidden = [layers.Dense(8, activation="relu") for KaimingNormal in range(2)]  # expect: fixed
    model = keras.Sequential([keras.Input((4,)), *hidden])
    return model
