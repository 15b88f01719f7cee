"""Rebinds and mutates the blocks' globals, then builds the model: every block runs with tanh."""

import keras

import gbl.by_dotted_attribute
from gbl import by_attribute, by_setattr, star_config
from gbl.star_config import CFG, UPDATED_CFG


def build():
    by_attribute.ACT = "tanh"
    gbl.by_dotted_attribute.ACT = "tanh"
    setattr(by_setattr, "ACT", "tanh")
    CFG["activation"] = "tanh"
    UPDATED_CFG.update(activation="tanh")
    star_config.set_local_tanh()
    x = inputs = keras.Input((32, 32, 3))
    x = by_attribute.block(x)
    x = gbl.by_dotted_attribute.block(x)
    x = by_setattr.block(x)
    x = star_config.block(x)
    x = star_config.local_block(x)
    x = star_config.updated_block(x)
    x = star_config.conv_from_config(x)
    return keras.Model(inputs, x)
