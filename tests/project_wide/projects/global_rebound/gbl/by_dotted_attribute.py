"""ACT is rebound by model.py (`gbl.by_dotted_attribute.ACT = ...`) before the block runs."""

from keras import layers

ACT = "relu"


def block(x):
    x = layers.Conv2D(8, 3)(x)  # unknown: rebound-name
    return layers.Activation(ACT)(x)
