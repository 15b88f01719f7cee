"""A star import of kaiming_keras, then the module rebinds ``KaimingNormal``."""
# build: build()
# xfail: markers kaiming: issue 12: needs the name checks (other worktree); until then the re-analysis withholds the fix (LecunNormal is caught)

import keras
from keras import layers

from kaiming_keras import *  # noqa: F403

KaimingNormal = keras.initializers.LecunNormal


def build():
    inputs = keras.Input((4,))
    x = layers.Dense(8, activation="relu")(inputs)  # expect: fixed
    return keras.Model(inputs, x)
