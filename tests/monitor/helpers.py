"""Small models and a reader for the monitor's event files."""

from __future__ import annotations

from pathlib import Path

import keras
import numpy as np


def mlp(depth: int, width: int, initializer, *, inputs: int = 16, seed: int = 0) -> keras.Model:
    """``depth`` ReLU Dense layers and a linear 4-way head, compiled with SGD; seeded per layer."""
    model = keras.Sequential([keras.Input((inputs,))])
    for index in range(depth):
        model.add(
            keras.layers.Dense(
                width,
                activation="relu",
                kernel_initializer=initializer(seed * 1000 + index),
                name=f"relu_{index + 1}",
            )
        )
    model.add(
        keras.layers.Dense(4, kernel_initializer=initializer(seed * 1000 + depth), name="head")
    )
    model.compile(
        optimizer=keras.optimizers.SGD(learning_rate=0.01),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    return model


def data(samples: int = 64, inputs: int = 16, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(samples, inputs)).astype("float32")
    y = rng.integers(0, 4, size=samples)
    return x, y


def read_events(log_dir: Path) -> tuple[dict[str, list[int]], dict[str, list[int]]]:
    """{scalar tag: steps}, {image tag: steps}, read with TensorBoard's own EventAccumulator."""
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    accumulator = EventAccumulator(str(log_dir), size_guidance={"scalars": 0, "images": 0})
    accumulator.Reload()
    tags = accumulator.Tags()
    scalars = {tag: [event.step for event in accumulator.Scalars(tag)] for tag in tags["scalars"]}
    images = {tag: [event.step for event in accumulator.Images(tag)] for tag in tags["images"]}
    return scalars, images


def scalar_values(log_dir: Path, tag: str) -> list[float]:
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    accumulator = EventAccumulator(str(log_dir), size_guidance={"scalars": 0})
    accumulator.Reload()
    return [event.value for event in accumulator.Scalars(tag)]
