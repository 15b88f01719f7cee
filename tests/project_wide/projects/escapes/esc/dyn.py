"""Reached through getattr on the module too: any function of it may be called with anything."""

from keras import layers


def by_name(x, filters, activation):
    x = layers.Conv2D(filters, 3)(x)  # unknown: dynamic-attribute
    return layers.Activation(activation)(x)
