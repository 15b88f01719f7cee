"""Helpers shared by the model-tool tests."""

from __future__ import annotations

import keras
import numpy as np


def relu_input(shape: tuple[int, ...], seed: int) -> np.ndarray:
    """x = relu(z) with z ~ N(0, 1): what a layer after a ReLU layer receives."""
    z = np.random.default_rng(seed).standard_normal(shape)
    return np.maximum(z, 0.0).astype("float32")


def to_numpy(tensor) -> np.ndarray:
    return np.asarray(keras.ops.convert_to_numpy(tensor), dtype=np.float64)


def second_moment_ratio(layer: keras.layers.Layer, x: np.ndarray, border: int = 0) -> float:
    """E[y^2] / E[x^2] for y = layer(x): the gain in the signal's second moment.

    ``border`` drops that many positions at each end of every spatial axis of y, where
    padding leaves outputs with fewer inputs.
    """
    y = to_numpy(layer(x))
    if border:
        inner = (slice(None), *[slice(border, -border)] * (y.ndim - 2), slice(None))
        y = y[inner]
    return float(np.mean(y**2) / np.mean(x.astype(np.float64) ** 2))


def weights_of(model: keras.Model) -> list[np.ndarray]:
    return [np.array(w) for w in model.get_weights()]
