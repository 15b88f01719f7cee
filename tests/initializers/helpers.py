"""Helpers shared by the initializer tests (which run on every Keras backend)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import keras
import numpy as np
import pytest

from kaiming_keras import KaimingNormal, KaimingUniform

REPO_ROOT = Path(__file__).resolve().parents[2]
BACKEND = keras.backend.backend()

tensorflow_only = pytest.mark.skipif(
    BACKEND != "tensorflow", reason=f"needs the TensorFlow backend (running on {BACKEND})"
)


def to_numpy(tensor) -> np.ndarray:
    """The values of a backend tensor, as float64 numpy."""
    return np.asarray(keras.ops.convert_to_numpy(keras.ops.cast(tensor, "float32")), np.float64)


def run_python(code: str, *args: str, timeout: float = 120) -> dict:
    """Runs `code` in a fresh interpreter on this run's backend; returns the JSON it prints last."""
    env = {
        **os.environ,
        "KERAS_BACKEND": BACKEND,
        "TF_CPP_MIN_LOG_LEVEL": "3",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")])),
    }
    completed = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code), *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO_ROOT,
        timeout=timeout,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    return json.loads(completed.stdout.strip().splitlines()[-1])


SEEDED_DRAWS = {
    "normal": (lambda: KaimingNormal(seed=7), "float32"),
    "truncated": (lambda: KaimingNormal(distribution="truncated_normal", seed=7), "float32"),
    "uniform": (lambda: KaimingUniform(seed=7), "float32"),
    "float16": (lambda: KaimingNormal(seed=7), "float16"),
}
# One shape for most small draws: JAX compiles each new shape once, slowly.
DRAW_SHAPE = (64, 32)
SEEDED_KERNELS = 3  # the first three Dense layers of `seeded_model` have int seeds


def seeded_model() -> keras.Model:
    inputs = keras.Input((64,))
    x = keras.layers.Dense(32, activation="relu", kernel_initializer=KaimingNormal(seed=1))(inputs)
    x = keras.layers.Dense(
        32,
        activation="leaky_relu",
        kernel_initializer=KaimingUniform(nonlinearity="leaky_relu", negative_slope=0.2, seed=2),
    )(x)
    x = keras.layers.Dense(
        32, kernel_initializer=KaimingNormal(distribution="truncated_normal", seed=3)
    )(x)
    outputs = keras.layers.Dense(1, kernel_initializer="kaiming_normal")(x)
    return keras.Model(inputs, outputs)


FRESH_PROCESS = """
    import json, sys
    import keras
    import kaiming_keras  # registers the classes: no custom_objects below
    eager_modules = sorted(m for m in sys.modules if m.startswith("kaiming_keras"))
    from kaiming_keras import KaimingNormal, KaimingUniform

    to_list = lambda t: keras.ops.convert_to_numpy(keras.ops.cast(t, "float32")).tolist()
    loaded = keras.saving.load_model(sys.argv[1])
    rebuilt = keras.models.model_from_json(loaded.to_json())
    shape = (64, 32)
    draws = {
        "normal": KaimingNormal(seed=7)(shape),
        "truncated": KaimingNormal(distribution="truncated_normal", seed=7)(shape),
        "uniform": KaimingUniform(seed=7)(shape),
        "float16": KaimingNormal(seed=7)(shape, dtype="float16"),
    }
    print(json.dumps({
        "config": loaded.get_config(),
        "initializers": [type(layer.kernel_initializer).__name__ for layer in loaded.layers[1:]],
        "loaded": [to_list(w) for w in loaded.weights],
        "rebuilt": [to_list(w) for w in rebuilt.weights],
        "draws": {name: to_list(value) for name, value in draws.items()},
        "eager_modules": eager_modules,
    }))
"""
