import keras

from mylib import _impl
from mylib.blocks import Head, _conv_relu, _exported_private, conv_block, outer, stem


def build():
    inputs = keras.Input((32, 32, 3))
    x = stem(inputs)
    x = _conv_relu(x, 16, "relu")
    x = _conv_relu(x, 16, activation="relu")
    x = _impl.conv_a(x, 16, "relu")
    x = _impl.conv_b(x, 16, "relu")
    x = conv_block(x, 16)
    x = keras.layers.Flatten()(x)
    x = _exported_private(x, 32, "relu")
    x = outer(x, "relu")
    x = Head(32, activation="relu")(x)
    return keras.Model(inputs, keras.layers.Dense(10)(x))
