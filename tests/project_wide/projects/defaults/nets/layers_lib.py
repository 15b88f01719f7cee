"""Helpers whose parameters keep their defaults at every call in the project."""

from keras import layers


def conv_relu(x, filters, activation="relu"):
    # No call passes activation: the default, relu, holds.
    return layers.Conv2D(filters, 3, activation=activation)(x)  # expect: KAI001 via nets/model.py:20, nets/model.py:21


def conv_then_relu(x, filters, activation=None):
    # The default None is the identity, so the ReLU after it is what the layer feeds.
    x = layers.Conv2D(filters, 3, activation=activation)(x)  # expect: KAI001 via nets/model.py:22
    return layers.ReLU()(x)


def glorot_dense(x, units, kernel_initializer="glorot_uniform"):
    return layers.Dense(units, activation="relu", kernel_initializer=kernel_initializer)(x)  # expect: KAI002 via nets/model.py:24 nofix


def biased_dense(x, units, use_bias=True, bias_initializer="ones"):
    return layers.Dense(units, activation="relu", kernel_initializer="he_normal", use_bias=use_bias, bias_initializer=bias_initializer)(x)  # expect: KAI003 via nets/model.py:25 nofix


def unbiased_dense(x, units, use_bias=False):
    # use_bias keeps its default False: the nonzero bias initializer is never used.
    return layers.Dense(units, activation="relu", kernel_initializer="he_normal", use_bias=use_bias, bias_initializer="ones")(x)


def same_file_default(x, units, activation="relu"):
    # Called only from this module and never passed activation: found today.
    return layers.Dense(units, activation=activation)(x)  # expect: KAI001 via nets/layers_lib.py:36, nets/layers_lib.py:37


def head(x):
    x = same_file_default(x, 64)
    return same_file_default(x, 32)
