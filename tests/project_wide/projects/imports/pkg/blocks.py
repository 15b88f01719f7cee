from keras import layers


def conv_relu(x, filters, activation):
    x = layers.Conv2D(filters, 3, padding="same")(x)  # expect: KAI001 via pkg/models/net.py:16, pkg/models/net.py:17, pkg/models/net.py:18, pkg/models/net.py:19
    return layers.Activation(activation)(x)


def make_dense(units):
    # A layer factory: the layer is applied, and paired, where the factory is called.
    return layers.Dense(units)  # expect: KAI001 via pkg/models/net.py:21
