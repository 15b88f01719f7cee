from keras import layers

from .config import ACT


def conv(x, act):
    # app.py reaches this function only through two star imports, and passes "tanh".
    x = layers.Conv2D(8, 3)(x)  # unknown: call-sites-disagree
    return layers.Activation(act)(x)


def conv_cfg(x):
    # patch.py rebinds ACT through the same two star imports (pkg.ACT = ...).
    x = layers.Conv2D(8, 3)(x)  # unknown: rebound-name
    return layers.Activation(ACT)(x)
