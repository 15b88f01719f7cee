"""A private module: its public-looking names are public only when re-exported."""

from keras import layers


def conv_a(x, filters, activation):
    x = layers.Conv2D(filters, 3)(x)  # expect: KAI001 via mylib/model.py:12
    return layers.Activation(activation)(x)


def conv_b(x, filters, activation):
    # Re-exported by mylib/__init__.py: public.
    x = layers.Conv2D(filters, 3)(x)  # unknown: parameter-from-outside
    return layers.Activation(activation)(x)
