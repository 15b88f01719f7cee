"""Run as `python train/run.py`: `blocks` is train/blocks.py."""

import keras
from blocks import agreed, block

x = keras.Input((16,))
x = block(x, "tanh")
x = keras.layers.Flatten()(x)
x = agreed(x, "relu")
