"""Every helper here is also used as a value, so not every call of it is visible."""

import functools

from keras import layers


def passed_on(x, filters, activation="relu"):
    x = layers.Conv2D(filters, 3)(x)  # unknown: parameter-from-outside
    return layers.Activation(activation)(x)


def stored(x, filters, activation="relu"):
    x = layers.Conv2D(filters, 3)(x)  # unknown: parameter-from-outside
    return layers.Activation(activation)(x)


BLOCKS = {"stored": stored}


def returned(x, filters, activation="relu"):
    x = layers.Conv2D(filters, 3)(x)  # unknown: parameter-from-outside
    return layers.Activation(activation)(x)


def pick():
    return returned


def registry(fn):
    BLOCKS[fn.__name__] = fn
    return fn


@registry
def decorated(x, filters, activation="relu"):
    x = layers.Conv2D(filters, 3)(x)  # unknown: parameter-from-outside
    return layers.Activation(activation)(x)


def partial_target(x, filters, activation):
    x = layers.Conv2D(filters, 3)(x)  # unknown: parameter-from-outside
    return layers.Activation(activation)(x)


relu_block = functools.partial(partial_target, activation="relu")


def never_called(x, filters, activation="relu"):
    # No call in the project: whoever calls it is outside the analysis.
    x = layers.Conv2D(filters, 3)(x)  # unknown: parameter-from-outside
    return layers.Activation(activation)(x)


def fixed_inside(x):
    # Escapes too, but the layer does not depend on any parameter: found today.
    return layers.Conv2D(8, 3, activation="relu")(x)  # expect: KAI001


HELPERS = [fixed_inside]
