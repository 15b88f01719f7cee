"""A repository script using the installed nested project, with tanh."""

import keras

from app.blocks import block

x = block(keras.Input((32, 32, 3)), 8, activation="tanh")
