"""``KaimingNormal`` is imported only under ``if TYPE_CHECKING:``, so it is unbound at run time."""
# build: build()

from typing import TYPE_CHECKING

import keras
from keras import layers

if TYPE_CHECKING:
    from kaiming_keras import KaimingNormal


def build() -> "KaimingNormal | keras.Model":
    inputs = keras.Input((4,))
    x = layers.Dense(8, activation="relu")(inputs)  # expect: fixed
    return keras.Model(inputs, x)
