"""A model built from the blocks of blocks.py: run it with `python examples/project_demo/model.py`."""

import keras
from blocks import conv_block, head
from keras import layers


def build() -> keras.Model:
    inputs = keras.Input((32, 32, 3))
    x = conv_block(inputs, 16, "relu")
    x = conv_block(x, 32, activation="relu")
    x = layers.GlobalAveragePooling2D()(x)
    return keras.Model(inputs, head(x, 10))


if __name__ == "__main__":
    model = build()
    convs = [layer for layer in model.layers if isinstance(layer, layers.Conv2D)]
    print("project_demo:", [type(c.kernel_initializer).__name__ for c in convs])
