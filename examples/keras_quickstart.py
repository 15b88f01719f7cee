"""Quickstart: He-initialize a Keras model, train a step, save, reload, and check nothing changed.

pip install -e .[tensorflow]
python examples/keras_quickstart.py
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import keras
import numpy as np

import kaiming_keras  # registers KaimingNormal/KaimingUniform and the "kaiming_*" strings
from kaiming_keras import KaimingNormal


def as_json(config: dict) -> str:
    return json.dumps(config, sort_keys=True)


def build_model() -> keras.Model:
    return keras.Sequential(
        [
            keras.Input((20,)),
            # A seeded instance: the same kernel in every process.
            keras.layers.Dense(64, activation="relu", kernel_initializer=KaimingNormal(seed=0)),
            # The registered string: a fresh KaimingNormal() (new values on every build).
            keras.layers.Dense(64, activation="relu", kernel_initializer="kaiming_normal"),
            # A leaky ReLU gets the gain for its slope.
            keras.layers.Dense(
                32,
                kernel_initializer=KaimingNormal(nonlinearity="leaky_relu", negative_slope=0.2),
            ),
            keras.layers.LeakyReLU(negative_slope=0.2),
            keras.layers.Dense(1),
        ],
        name="quickstart",
    )


def main() -> None:
    print(
        f"kaiming_keras {kaiming_keras.__version__} on Keras {keras.__version__} "
        f"({keras.backend.backend()} backend)"
    )
    model = build_model()
    first = model.layers[0].kernel
    print(
        f"layer 1 kernel std {np.std(keras.ops.convert_to_numpy(first)):.4f}, "
        f"He target sqrt(2/20) = {np.sqrt(2 / 20):.4f}"
    )

    rng = np.random.default_rng(0)
    x = rng.standard_normal((256, 20)).astype("float32")
    y = rng.standard_normal((256, 1)).astype("float32")
    model.compile(optimizer="adam", loss="mse")
    loss = model.train_on_batch(x, y)
    print(f"trained one step on random data, loss {float(np.ravel(loss)[0]):.4f}")

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "quickstart.keras"
        model.save(path)
        print(f"saved to {path.name}; reloading with keras.saving.load_model (no custom_objects)")
        reloaded = keras.saving.load_model(path)

    # Compared as JSON: Keras keeps some shapes as tuples in memory and lists on disk.
    assert as_json(reloaded.get_config()) == as_json(model.get_config()), "configs differ"
    for saved, loaded in zip(model.weights, reloaded.weights, strict=True):
        np.testing.assert_array_equal(
            keras.ops.convert_to_numpy(saved), keras.ops.convert_to_numpy(loaded)
        )
    initializers = [
        type(layer.kernel_initializer).__name__
        for layer in reloaded.layers
        if hasattr(layer, "kernel_initializer")
    ]
    print(
        f"reloaded: configs equal, {len(model.weights)} weight tensors equal; "
        f"kernel initializers {initializers}"
    )
    np.testing.assert_allclose(reloaded.predict(x, verbose=0), model.predict(x, verbose=0))
    print("predictions match")


if __name__ == "__main__":
    main()
