"""kaiming_keras is imported in one branch only: an optional dependency must not become required."""
# build: build()
# forbid-added: ^(from kaiming_keras|import kaiming_keras)

import os

import keras
from keras import layers

if os.environ.get("USE_KAIMING_KERAS"):
    from kaiming_keras import KaimingNormal

    DEFAULT_INIT = KaimingNormal()
else:
    DEFAULT_INIT = "he_normal"


def build():
    inputs = keras.Input((4,))
    x = layers.Dense(8, activation="relu", kernel_initializer=DEFAULT_INIT)(inputs)
    x = layers.Dense(8, activation="relu")(x)  # expect: fixed
    return keras.Model(inputs, x)
