"""End to end: `kaiming-lint --fix` on a model file, then build the fixed model with Keras and
check every layer that feeds a ReLU now starts He-initialized with zero biases."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from .lint_helpers import REPO, run_subprocess

pytestmark = pytest.mark.slow

MODEL_FILE = '''\
"""Several initialization problems in one model."""

import json

import keras
from keras import initializers, layers

shared = initializers.GlorotUniform(seed=3)

model = keras.Sequential(
    [
        keras.Input((8, 8, 3)),
        layers.Conv2D(4, 3, activation="relu"),
        layers.Conv2D(
            4,
            3,
            kernel_initializer=shared,
            bias_initializer="ones",  # a warm start
        ),
        layers.LeakyReLU(negative_slope=0.2),
        layers.Flatten(),
        layers.Dense(16, activation="relu", kernel_initializer="zeros"),
        layers.Dense(16, activation="relu", kernel_initializer=shared, bias_initializer=initializers.RandomNormal()),
        layers.Dense(3),
    ]
)

# Every layer that feeds a ReLU, with its initializer configs, for the test to inspect.
FEEDS_RELU = {"conv2d", "conv2d_1", "dense", "dense_1"}
report = {
    layer.name: {
        "kernel": keras.initializers.serialize(layer.kernel_initializer),
        "bias": keras.initializers.serialize(layer.bias_initializer),
    }
    for layer in model.layers
    if layer.name in FEEDS_RELU
}
print(json.dumps(report))
'''

HE_CLASSES = {"KaimingNormal", "HeNormal"}


def kaiming_keras_available() -> bool:
    probe = subprocess.run(
        [sys.executable, "-c", "import kaiming_keras; kaiming_keras.KaimingNormal()"],
        cwd=REPO,
        capture_output=True,
        check=False,
        timeout=300,
    )
    return probe.returncode == 0


def test_fixed_model_file_builds_with_he_kernels_and_zero_biases(tmp_path):
    path = tmp_path / "model.py"
    path.write_text(MODEL_FILE)
    style = "kaiming" if kaiming_keras_available() else "keras"
    fixed = run_subprocess("--fix", "--fix-style", style, "model.py", cwd=tmp_path)
    assert fixed.returncode == 0, fixed.stdout.decode() + fixed.stderr.decode()
    # KAI001; KAI002+KAI003+KAI005 twice (shared, biased); KAI004.
    assert "Found 8 findings (8 fixed, 0 remaining)." in fixed.stdout.decode()
    assert run_subprocess("model.py", cwd=tmp_path).returncode == 0

    built = subprocess.run(
        [sys.executable, str(path)],
        cwd=tmp_path,
        env={"PYTHONPATH": str(REPO), "KERAS_BACKEND": "tensorflow", "TF_CPP_MIN_LOG_LEVEL": "3"},
        capture_output=True,
        check=False,
        timeout=600,
    )
    assert built.returncode == 0, built.stderr.decode()[-2000:]
    report = json.loads(built.stdout.decode().strip().splitlines()[-1])
    assert set(report) == {"conv2d", "conv2d_1", "dense", "dense_1"}
    for name, configs in report.items():
        kernel = configs["kernel"]
        class_name = kernel["class_name"].rsplit(">", 1)[-1]
        assert class_name in HE_CLASSES, (name, kernel)
        assert configs["bias"]["class_name"] == "Zeros", (name, configs["bias"])
    leaky = report["conv2d_1"]["kernel"]["config"]
    if style == "kaiming":
        assert leaky["nonlinearity"] == "leaky_relu"
        assert leaky["negative_slope"] == pytest.approx(0.2)
