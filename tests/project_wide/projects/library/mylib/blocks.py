"""Public names of a library: their parameters come from callers the project cannot see."""

from keras import layers

__all__ = ["Head", "_exported_private", "conv_block", "stem"]


def conv_block(x, filters, activation="relu"):
    x = layers.Conv2D(filters, 3)(x)  # unknown: parameter-from-outside
    return layers.Activation(activation)(x)


def _conv_relu(x, filters, activation):
    # Private: only the project calls it, and every call passes relu.
    x = layers.Conv2D(filters, 3)(x)  # expect: KAI001 via mylib/model.py:10, mylib/model.py:11
    return layers.Activation(activation)(x)


def _exported_private(x, units, activation):
    # Private by name, but listed in __all__: public.
    return layers.Dense(units, activation=activation)(x)  # unknown: parameter-from-outside


def stem(x):
    # Public, but the layer depends on no parameter: found today.
    return layers.Conv2D(32, 3, activation="relu")(x)  # expect: KAI001


class Head(layers.Layer):
    def __init__(self, units, activation=None, **kw):
        super().__init__(**kw)
        self.fc = layers.Dense(units, activation=activation)  # unknown: parameter-from-outside

    def call(self, x):
        return self.fc(x)


def outer(x, activation):
    # A nested function is private to its parent; the parent is public.
    def inner(y, act):
        return layers.Dense(16, activation=act)(y)  # unknown: parameter-from-outside

    return inner(x, activation)
