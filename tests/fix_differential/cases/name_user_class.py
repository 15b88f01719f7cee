"""The module defines its own ``KaimingNormal`` (a config helper), unrelated to kaiming_keras."""
# build: build()

import keras
from keras import layers


class KaimingNormal:
    def __init__(self, depth):
        self.depth = depth


def build():
    depth = KaimingNormal(2).depth
    model = keras.Sequential([keras.Input((4,))])
    for _ in range(depth):
        model.add(layers.Dense(8, activation="relu"))  # expect: fixed
    return model
