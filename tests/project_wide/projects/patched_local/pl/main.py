"""Replaces ops.act before the model is built: the Dense in ops.build feeds tanh."""

import keras
from keras import layers

from pl import ops

ops.act = lambda x: layers.Activation("tanh")(x)
inputs = keras.Input((8,))
model = keras.Model(inputs, ops.build(inputs))
