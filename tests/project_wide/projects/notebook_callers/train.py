import keras

from nbk.blocks import notebook_disagrees


def build():
    inputs = keras.Input((32, 32, 3))
    return keras.Model(inputs, notebook_disagrees(inputs, 8))
