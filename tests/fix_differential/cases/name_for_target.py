"""Beyond the issue's list: a ``for`` loop target named ``KaimingNormal``."""
# build: build()
# xfail: layers,runs,audit,markers kaiming: issue 12 (beyond its list): KaimingNormal is inserted where a for-loop target binds the name

import keras
from keras import layers


def build():
    model = keras.Sequential([keras.Input((4,))])
    for KaimingNormal in ("glorot_uniform", "lecun_normal"):
        model.add(layers.Dense(8, activation="relu"))  # expect: fixed
        model.add(layers.Dense(8, kernel_initializer=KaimingNormal))  # expect: kept
    return model
