"""Building blocks whose activation comes from the caller (see model.py next to this file).

`kaiming-lint examples/project_demo/` reports the Conv2D in `conv_block`: every call in the
project passes "relu", so the layer feeds a ReLU, and it keeps Keras's default GlorotUniform.
The message names the calls; `--fix` adds the He initializer here, once, for all of them.
"""

from keras import layers


def conv_block(x, filters, activation):
    x = layers.Conv2D(filters, 3, padding="same")(x)  # expect: KAI001
    return layers.Activation(activation)(x)


def head(x, units, activation="softmax"):
    return layers.Dense(units, activation=activation)(x)
