"""Helpers that forward *args and **kwargs to the layer or to the next helper."""

from keras import layers


def conv_act(x, filters, **kwargs):
    # The callers' keyword arguments never carry an initializer, use_bias or activation.
    # A fix would add an argument to a call that spreads **kwargs: reported, not fixed.
    x = layers.Conv2D(filters, 3, **kwargs)(x)  # expect: KAI001 via fwd/ops.py:24, fwd/net.py:12 nofix
    return layers.ReLU()(x)


def dense_act(x, *args, **kwargs):
    x = layers.Dense(*args, **kwargs)(x)  # expect: KAI001 via fwd/net.py:15, fwd/net.py:16 nofix
    return layers.ReLU()(x)


def dense_kwargs_init(x, units, **kwargs):
    x = layers.Dense(units, **kwargs)(x)  # unknown: call-sites-disagree
    return layers.ReLU()(x)


def wrap(*args, **kwargs):
    return conv_act(*args, **kwargs)


def mutating(x, filters, **kwargs):
    kwargs["kernel_initializer"] = kwargs.get("init", "glorot_uniform")
    kwargs.pop("init", None)
    x = layers.Conv2D(filters, 3, **kwargs)(x)  # unknown: dynamic-attribute
    return layers.ReLU()(x)
