"""Beyond the issue's list: ``import ... as KaimingNormal`` of another module, in the function."""
# build: build()
# xfail: layers,runs,audit,markers kaiming: issue 12 (beyond its list): KaimingNormal is inserted where an import of another module as KaimingNormal binds the name

import keras
from keras import layers


def build():
    import math as KaimingNormal

    inputs = keras.Input((4,))
    x = layers.Dense(int(KaimingNormal.sqrt(64)), activation="relu")(inputs)  # expect: fixed
    return keras.Model(inputs, x)
