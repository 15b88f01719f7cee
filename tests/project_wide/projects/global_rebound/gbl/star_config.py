"""CFG is mutated (in this module and in model.py) before the layers unpack it with **CFG."""

from keras import layers

CFG = {"activation": "relu"}
LOCAL_CFG = {"activation": "relu"}
UPDATED_CFG = {"activation": "relu"}


def block(x):
    x = layers.Conv2D(8, 3)(x)  # unknown: dynamic-attribute
    return layers.Activation(**CFG)(x)


def local_block(x):
    x = layers.Conv2D(8, 3)(x)  # unknown: dynamic-attribute
    return layers.Activation(**LOCAL_CFG)(x)


def set_local_tanh():
    LOCAL_CFG["activation"] = "tanh"


def updated_block(x):
    x = layers.Conv2D(8, 3)(x)  # unknown: dynamic-attribute
    return layers.Activation(**UPDATED_CFG)(x)


def conv_from_config(x):
    return layers.Conv2D(8, 3, **CFG)(x)  # unknown: dynamic-attribute
