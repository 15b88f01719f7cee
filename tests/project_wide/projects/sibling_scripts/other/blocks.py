"""A second blocks.py: `import blocks` in other/use.py (run as a script) reaches this one."""

from keras import layers


def conv(x, activation="relu"):
    x = layers.Conv2D(8, 3)(x)  # expect: KAI001 via other/use.py:3
    return layers.Activation(activation)(x)
