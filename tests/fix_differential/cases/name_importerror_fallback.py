"""A try/except ImportError fallback binds ``KaimingNormal`` to None when the import fails."""
# build: build()

import keras
from keras import layers

try:
    from kaiming_keras_not_installed import KaimingNormal
except ImportError:
    KaimingNormal = None


def build():
    inputs = keras.Input((4,))
    x = layers.Dense(8, activation="relu")(inputs)  # expect: fixed
    return keras.Model(inputs, x)
