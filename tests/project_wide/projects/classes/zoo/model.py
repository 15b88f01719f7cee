import keras

from zoo.heads import BaseHead, Head, MixedHead, TanhHead, Tower


def build():
    inputs = keras.Input((32, 32, 3))
    x = keras.layers.Flatten()(inputs)
    x = keras.layers.Reshape((32, 32, 3))(x)
    y = Head(256, activation="relu")(keras.layers.Flatten()(x))
    y = Head(128, activation="relu")(y)
    x = Tower(16)(x)
    y = MixedHead(64, activation="relu")(y)
    y = MixedHead(64)(y)
    y = BaseHead(32)(y)
    y = TanhHead(32)(y)
    return keras.Model(inputs, keras.layers.Dense(10)(y))
