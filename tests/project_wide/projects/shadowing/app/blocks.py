from keras import layers


def conv_block(x, filters, activation):
    x = layers.Conv2D(filters, 3)(x)  # expect: KAI001 via app/model.py:27
    return layers.Activation(activation)(x)


def rebinds(x, filters, activation):
    # The parameter is rebound in the body: the call sites no longer decide it alone.
    if filters > 64:
        activation = "tanh"
    x = layers.Conv2D(filters, 3)(x)  # unknown: rebound-name
    return layers.Activation(activation)(x)


def decided_here(x):
    # The layer's own activation decides it: found without looking at any caller.
    return layers.Conv2D(8, 3, activation="relu")(x)  # expect: KAI001
