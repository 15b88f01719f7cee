"""Calls every block with its ReLU default, then through the modules that rebind the name."""

import keras

from imr import checking, module_alias, second_import, star_import, try_import
from imr import uses_checking, uses_module_alias, uses_second_import, uses_star_import
from imr import uses_try_import


def build():
    x = inputs = keras.Input((32, 32, 3))
    x = second_import.block(x)
    x = star_import.block(x)
    x = module_alias.block(x)
    x = try_import.block(x)
    x = checking.block(x)
    x = uses_second_import.build(x)
    x = uses_star_import.build(x)
    x = uses_module_alias.build(x)
    x = uses_try_import.build(x)
    x = uses_checking.build(x)
    return keras.Model(inputs, x)
