"""The event files are TensorBoard's: read back with its own reader, with the expected tags and
steps, on TensorFlow (in process) and on JAX and PyTorch (each in its own process)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import keras
import pytest

from kaiming_keras import SignalMonitor
from tests.monitor.helpers import data, read_events, scalar_values

ROOT = Path(__file__).resolve().parents[2]
STATS = (
    "output_std",
    "output_second_moment",
    "dead_fraction",
    "output_gradient_std",
    "kernel_std",
    "kernel_gradient_std",
)

# 48 samples in batches of 8: 6 steps an epoch, 2 epochs; records at 0, 4, 8 and the end (12).
SCRIPT = """
import json, sys
if sys.argv[2] == "no-tensorflow":
    sys.modules["tensorflow"] = None  # the writer must not need TensorFlow
import keras
import numpy as np
import kaiming_keras

keras.utils.set_random_seed(0)
rng = np.random.default_rng(0)
x = rng.normal(size=(48, 6)).astype("float32")
y = rng.integers(0, 3, size=48)
model = keras.Sequential([
    keras.Input((6,)),
    keras.layers.Dense(8, activation="relu", name="hidden"),
    keras.layers.Dense(8, name="linear"),
    keras.layers.ReLU(),
    keras.layers.Dense(3, name="head"),
])
model.compile("sgd", keras.losses.SparseCategoricalCrossentropy(from_logits=True))
monitor = kaiming_keras.SignalMonitor(log_dir=sys.argv[1], every_n_steps=4)
model.fit(x, y, batch_size=8, epochs=2, verbose=0, callbacks=[monitor])
print(json.dumps({
    "backend": keras.backend.backend(),
    "tensorflow": sys.modules.get("tensorflow") is not None,
    "steps": sorted({row.step for row in monitor.history}),
    "output_std": [row.output_std for row in monitor.history if row.layer == "hidden"],
}))
"""


def expected_tags() -> set[str]:
    labels = ["01_hidden", "02_linear", "03_head"]
    tags = {f"{stat}/{label}" for stat in STATS for label in labels}
    tags -= {"dead_fraction/03_head"}  # the head feeds no ReLU: not applicable, not logged
    return tags | {"signal/std_factor", "signal/gradient_factor"}


def check_log(log_dir: Path, steps: list[int]) -> None:
    scalars, images = read_events(log_dir / "signals")
    assert set(scalars) == expected_tags()
    assert all(recorded == steps for recorded in scalars.values()), scalars
    assert images == {"profile": steps}


def test_event_files_on_tensorflow(tmp_path):
    keras.utils.set_random_seed(0)
    env = {"KERAS_BACKEND": "tensorflow"}  # the same script as the other backends, in process
    assert keras.backend.backend() == env["KERAS_BACKEND"]
    namespace: dict = {}
    argv, sys.argv = sys.argv, ["script", str(tmp_path), "tensorflow"]
    try:
        from contextlib import redirect_stdout
        from io import StringIO

        out = StringIO()
        with redirect_stdout(out):
            exec(SCRIPT, namespace)
    finally:
        sys.argv = argv
    result = json.loads(out.getvalue().strip().splitlines()[-1])
    assert result["steps"] == [0, 4, 8, 12]
    check_log(tmp_path, [0, 4, 8, 12])
    # The scalars are the history's figures.
    logged = scalar_values(tmp_path / "signals", "output_std/01_hidden")
    assert logged == pytest.approx(result["output_std"], rel=1e-6)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("backend", "tensorflow"), [("jax", "no-tensorflow"), ("torch", "tensorflow")]
)
def test_event_files_on_other_backends(tmp_path, backend, tensorflow):
    env = {**os.environ, "KERAS_BACKEND": backend, "TF_CPP_MIN_LOG_LEVEL": "3"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(tmp_path), tensorflow],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    data_ = json.loads(result.stdout.strip().splitlines()[-1])
    assert data_["backend"] == backend
    if tensorflow == "no-tensorflow":
        assert data_["tensorflow"] is False  # the writer needs no TensorFlow
    assert data_["steps"] == [0, 4, 8, 12]
    check_log(tmp_path, [0, 4, 8, 12])
    logged = scalar_values(tmp_path / "signals", "output_std/01_hidden")
    assert logged == pytest.approx(data_["output_std"], rel=1e-6)


def test_no_log_dir_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    x, y = data(32, 6)
    model = keras.Sequential([keras.Input((6,)), keras.layers.Dense(4, activation="relu")])
    model.compile("sgd", "mse")
    monitor = SignalMonitor(every_n_steps=2)
    model.fit(x, y.reshape(-1, 1).repeat(4, axis=1), batch_size=8, verbose=0, callbacks=[monitor])
    assert sorted({row.step for row in monitor.history}) == [0, 2, 4]
    assert list(tmp_path.iterdir()) == []
