"""Calls of the rebound functions: each Dense goes through tanh, not ReLU."""

import keras
from keras import layers

from rb import acts
from rb.acts import assigned, imported, kept, redefined, setup
from rb.tanh import tanh_act


def build():
    acts.patched = tanh_act
    setup()
    inputs = keras.Input((8,))
    a = redefined(layers.Dense(8)(inputs))  # unknown: call-to-user-code
    b = assigned(layers.Dense(8)(inputs))  # unknown: call-to-user-code
    c = imported(layers.Dense(8)(inputs))  # unknown: call-to-user-code
    d = acts.set_globally(layers.Dense(8)(inputs))  # unknown: call-to-user-code
    e = acts.patched(layers.Dense(8)(inputs))  # unknown: call-to-user-code
    f = kept(layers.Dense(8)(inputs))  # expect: KAI001 cross-module
    return keras.Model(inputs, layers.Concatenate()([a, b, c, d, e, f]))
