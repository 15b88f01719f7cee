import keras

from app.blocks import conv_block, rebinds


class FakeLayers:
    """Not Keras: a local `layers` of the user's own."""

    def Dense(self, units, activation=None):
        return lambda x: x


def variant(x, conv_block):
    # This `conv_block` is the parameter, not the imported function: not one of its calls.
    return conv_block(x, 8, "tanh")


def other_block(x, filters, activation):
    return x


def build():
    layers = FakeLayers()
    inputs = keras.Input((32, 32, 3))
    x = layers.Dense(64, activation="relu")(inputs)
    x = variant(x, other_block)
    x = conv_block(x, 16, "relu")
    x = rebinds(x, 128, "relu")
    return keras.Model(inputs, x)
