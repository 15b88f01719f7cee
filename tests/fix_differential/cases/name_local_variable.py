"""``KaimingNormal`` is a local variable of the building function."""
# build: build()
# xfail: layers,runs,audit,markers kaiming: issue 12: KaimingNormal is inserted where a local variable binds the name

import keras
from keras import layers


def build():
    KaimingNormal = 8
    inputs = keras.Input((4,))
    x = layers.Dense(KaimingNormal, activation="relu")(inputs)  # expect: fixed
    return keras.Model(inputs, x)
