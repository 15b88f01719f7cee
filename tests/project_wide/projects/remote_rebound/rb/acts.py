"""Functions whose name is rebound in their module (the last binding is the one called)."""

from keras import layers

from rb.tanh import tanh_act


def redefined(x):
    return layers.ReLU()(x)


def redefined(x):  # noqa: F811
    return layers.Activation("tanh")(x)


def assigned(x):
    return layers.ReLU()(x)


assigned = tanh_act  # noqa: F811

try:
    from rb.tanh import imported
except ImportError:

    def imported(x):
        return layers.ReLU()(x)


def set_globally(x):
    return layers.ReLU()(x)


def setup():
    global set_globally
    set_globally = tanh_act


def patched(x):
    return layers.ReLU()(x)


def kept(x):
    return layers.ReLU()(x)
