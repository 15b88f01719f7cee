"""The training script: values from the command line are not known statically."""

import argparse

import keras
from keras import layers

from app import blocks


def build(args):
    inputs = keras.Input((32, 32, 3))
    x = blocks.mixed_block(inputs, 32)
    x = blocks.mixed_block(x, 32, activation="tanh")
    x = blocks.default_or_relu(x, 16)
    x = blocks.default_or_relu(x, 16, activation="relu")
    x = layers.Flatten()(x)
    x = blocks.from_user_input(x, 64, args.activation)
    extra = (64, "relu") if args.wide else (32, "tanh")
    x = blocks.from_star_args(x, *extra)
    x = blocks.from_unknown_kwargs(x, 64, **vars(args))
    x = blocks.leaky_slopes(x, 32, 0.1)
    x = blocks.leaky_slopes(x, 32, 0.3)
    x = blocks.init_from_callers(x, 32, "glorot_uniform")
    x = blocks.init_from_callers(x, 32, "lecun_normal")
    outputs = layers.Dense(10)(x)
    return keras.Model(inputs, outputs)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--activation", default="relu")
    parser.add_argument("--wide", action="store_true")
    build(parser.parse_args())
