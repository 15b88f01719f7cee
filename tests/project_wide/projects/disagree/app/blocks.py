"""Blocks whose call sites pass different or unreadable values: every layer here stays unknown."""

from keras import layers


def mixed_block(x, filters, activation="relu"):
    x = layers.Conv2D(filters, 3)(x)  # unknown: call-sites-disagree
    return layers.Activation(activation)(x)


def default_or_relu(x, filters, activation=None):
    # One call leaves the default (None: the identity, then the model's next layer), one passes relu.
    x = layers.Conv2D(filters, 3)(x)  # unknown: call-sites-disagree
    return layers.Activation(activation)(x)


def from_user_input(x, units, activation):
    return layers.Dense(units, activation=activation)(x)  # unknown: unknown-argument


def from_star_args(x, units, activation="relu"):
    return layers.Dense(units, activation=activation)(x)  # unknown: unknown-argument


def from_unknown_kwargs(x, units, activation="relu"):
    return layers.Dense(units, activation=activation)(x)  # unknown: unknown-argument


def leaky_slopes(x, units, slope):
    # Both calls pair with a leaky ReLU, but with different slopes: the He gain differs.
    x = layers.Dense(units)(x)  # unknown: call-sites-disagree
    return layers.LeakyReLU(negative_slope=slope)(x)


def init_from_callers(x, units, init):
    # The callers pass two different non-He initializers: no single verdict, no single fix.
    return layers.Dense(units, activation="relu", kernel_initializer=init)(x)  # unknown: call-sites-disagree
