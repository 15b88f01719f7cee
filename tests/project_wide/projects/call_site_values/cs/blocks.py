from keras import layers

from cs.inits import SHARED


def constant_kernel(x, units, init):
    # Every call passes "zeros": a constant kernel. The value is the callers', so no fix here.
    return layers.Dense(units, activation="relu", kernel_initializer=init)(x)  # expect: KAI004 via cs/model.py:11, cs/model.py:12 nofix


def biased(x, units, use_bias):
    # Every call passes use_bias=True, so the "ones" bias is used: removing it is right for all.
    return layers.Dense(units, activation="relu", kernel_initializer="he_normal", use_bias=use_bias, bias_initializer="ones")(x)  # expect: KAI003 via cs/model.py:13


def shared_here(x):
    return layers.Dense(16, activation="relu", kernel_initializer=SHARED)(x)  # expect: KAI005 via cs/inits.py:3 nofix
