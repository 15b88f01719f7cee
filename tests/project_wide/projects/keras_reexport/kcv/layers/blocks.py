"""Layers through the re-exporting backend module (absolute import)."""

from kcv.backend import keras, ops


def conv_relu(x, filters):
    x = keras.layers.Conv2D(filters, 3, padding="same")(x)  # expect: KAI001 cross-module
    return ops.relu(x)


def dense_relu(x, units):
    return keras.layers.Dense(units, activation="relu", bias_initializer="ones")(x)  # expect: KAI001, KAI003 cross-module
