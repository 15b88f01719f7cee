"""Beyond the issue's list: ``with ... as KaimingNormal`` binds the name in the function."""
# build: build()
# xfail: layers,runs,audit,markers kaiming: issue 12 (beyond its list): KaimingNormal is inserted where a with ... as target binds the name

import contextlib

import keras
from keras import layers


def build():
    with contextlib.nullcontext("glorot_uniform") as KaimingNormal:
        inputs = keras.Input((4,))
        x = layers.Dense(8, activation="relu")(inputs)  # expect: fixed
        return keras.Model(inputs, layers.Dense(2, kernel_initializer=KaimingNormal)(x))
