"""Only the names in __all__ are re-exported by `from nets.blocks import *`."""

from keras import layers

__all__ = ["conv_relu"]


def conv_relu(x, filters, activation):
    x = layers.Conv2D(filters, 3, padding="same")(x)  # expect: KAI001 via scripts/train.py:13, scripts/train.py:14
    return layers.Activation(activation)(x)


def conv_tanh(x, filters, activation):
    # Not in __all__: `from nets import *` does not bind it; train.py imports it by its path.
    x = layers.Conv2D(filters, 3, padding="same")(x)  # expect: KAI001 via scripts/train.py:15
    return layers.Activation(activation)(x)
