"""Direct calls keep the default; the reflective calls below pass tanh."""

import importlib
import sys

import keras

from refl import by_dunder_dict, by_eval, by_exec, by_importlib, by_sys_modules
from refl.by_globals import block as globals_block


def build():
    x = inputs = keras.Input((32, 32, 3))
    x = by_importlib.block(x)
    x = importlib.import_module("refl.by_importlib").block(x, "tanh")
    x = by_sys_modules.block(x)
    x = sys.modules["refl.by_sys_modules"].block(x, "tanh")
    x = by_dunder_dict.block(x)
    x = by_dunder_dict.__dict__["block"](x, "tanh")
    x = globals_block(x)
    x = globals()["globals_block"](x, "tanh")
    x = by_eval.block(x)
    x = eval("by_eval.block")(x, "tanh")
    x = by_exec.block(x)
    exec("x = by_exec.block(x, 'tanh')")
    return keras.Model(inputs, x)
