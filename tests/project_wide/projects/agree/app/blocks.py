"""Blocks whose activation comes from the call sites: every call in the project agrees."""

from keras import layers


def conv_block(x, filters, activation="relu"):
    x = layers.Conv2D(filters, 3, padding="same")(x)  # expect: KAI001 via app/model.py:13, app/model.py:14
    return layers.Activation(activation)(x)


def apply_block(x, filters, activation):
    x = layers.Conv2D(filters, 1)(x)  # expect: KAI001 via app/model.py:15, app/model.py:16
    return layers.Activation(activation)(x)


def dense_unit(x, units, activation):
    return layers.Dense(units, activation)(x)  # expect: KAI001 via app/model.py:18, app/model.py:19


def spelled_two_ways(x, units, activation):
    # "relu" and keras.activations.relu are the same ReLU: the call sites agree on the verdict.
    return layers.Dense(units, activation=activation)(x)  # expect: KAI001 via app/model.py:20, app/model.py:21


def local_pair(x, filters, act):
    x = layers.Conv2D(filters, 3)(x)  # expect: KAI001 via app/blocks.py:31, app/blocks.py:32
    return layers.Activation(act)(x)


def two_local_calls(x):
    x = local_pair(x, 8, "relu")
    return local_pair(x, 16, act="relu")


def own_relu(x):
    # Decided inside the function: found today.
    return layers.Dense(64, activation="relu")(x)  # expect: KAI001


def looped(x, filters, activation):
    x = layers.Conv2D(filters, 3, padding="same")(x)  # expect: KAI001 via app/model.py:35
    return layers.Activation(activation)(x)


def branched(x, units, activation):
    return layers.Dense(units, activation=activation)(x)  # expect: KAI001 via app/model.py:37, app/model.py:39
