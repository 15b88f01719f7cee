"""Custom layers whose constructor arguments come from where they are instantiated."""

import keras
from keras import layers


class Head(keras.layers.Layer):
    def __init__(self, units, activation=None, **kw):
        super().__init__(**kw)
        self.fc = layers.Dense(units, activation=activation)  # expect: KAI001 via zoo/model.py:10, zoo/model.py:11

    def call(self, x):
        return self.fc(x)


class Tower(keras.layers.Layer):
    def __init__(self, filters, act="relu", **kw):
        super().__init__(**kw)
        self.act = act
        self.conv = layers.Conv2D(filters, 3, padding="same")  # expect: KAI001 via zoo/model.py:12

    def call(self, x):
        return layers.Activation(self.act)(self.conv(x))


class MixedHead(keras.layers.Layer):
    def __init__(self, units, activation=None, **kw):
        super().__init__(**kw)
        self.fc = layers.Dense(units, activation=activation)  # unknown: call-sites-disagree

    def call(self, x):
        return self.fc(x)


class BaseHead(keras.layers.Layer):
    def __init__(self, units, activation="relu", **kw):
        super().__init__(**kw)
        self.fc = layers.Dense(units, activation=activation)  # unknown: call-sites-disagree

    def call(self, x):
        return self.fc(x)


class TanhHead(BaseHead):
    def __init__(self, units, **kw):
        # The super() call is a call site of BaseHead.__init__ too.
        super().__init__(units, activation="tanh", **kw)
