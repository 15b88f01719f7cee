"""Beyond the issue's list: an assignment expression binds ``KaimingNormal``."""
# build: build()
# xfail: layers,runs,audit,markers kaiming: issue 12 (beyond its list): KaimingNormal is inserted where an assignment expression (:=) binds the name

import keras
from keras import layers


def build():
    if (KaimingNormal := 8) > 4:
        inputs = keras.Input((4,))
        x = layers.Dense(KaimingNormal, activation="relu")(inputs)  # expect: fixed
        return keras.Model(inputs, x)
    return None
