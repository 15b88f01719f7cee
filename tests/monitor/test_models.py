"""Sequential, functional and subclassed models: which layer calls the monitor sees."""

from __future__ import annotations

import math

import keras
import numpy as np
import pytest

from kaiming_keras import SignalMonitor
from tests.monitor.helpers import data, read_events


@keras.saving.register_keras_serializable("tests_monitor")
class Tower(keras.Model):
    """A subclassed model: a ReLU layer, a plain function's ReLU, a shared layer used twice."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.stem = keras.layers.Dense(8, activation="relu", name="stem")
        self.mix = keras.layers.Dense(8, name="mix")
        self.shared = keras.layers.Dense(8, activation="relu", name="shared")
        self.norm = keras.layers.LayerNormalization(name="norm")
        self.head = keras.layers.Dense(3, name="head")

    def call(self, x):
        x = self.stem(x)
        x = keras.ops.relu(self.mix(x))  # a function, not a layer: not seen
        x = self.shared(self.shared(x))
        return self.head(self.norm(x))


def test_subclassed_model_rows(tmp_path):
    x, y = data(32, 5)
    model = Tower()
    model.compile("sgd", keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    monitor = SignalMonitor(log_dir=tmp_path, every_n_steps=2)
    model.fit(x, y % 3, batch_size=8, epochs=1, verbose=0, callbacks=[monitor])

    step0 = [row for row in monitor.history if row.step == 0]
    # Kernel layers only (LayerNormalization has none), in __init__ order, one row per call.
    assert [row.layer for row in step0] == ["stem", "mix", "shared", "shared (call 2)", "head"]
    assert [row.depth for row in step0] == [1, 2, 3, 4, 5]
    dead = {row.layer: row.dead_fraction for row in step0}
    assert not math.isnan(dead["stem"]) and not math.isnan(dead["shared (call 2)"])
    # keras.ops.relu inside call() is invisible: "mix" is not known to feed a ReLU.
    assert math.isnan(dead["mix"]) and math.isnan(dead["head"])
    # Both calls of the shared layer share its kernel figures, not its output figures.
    first, second = step0[2], step0[3]
    assert first.kernel_std == second.kernel_std
    assert first.output_std != second.output_std
    scalars, _ = read_events(tmp_path / "signals")
    assert "output_std/04_shared_call2" in scalars
    assert sorted({row.step for row in monitor.history}) == [0, 2, 4]


def test_functional_model_with_branches():
    inputs = keras.Input((5,))
    left = keras.layers.Dense(6, name="left")(inputs)
    right = keras.layers.Dense(6, activation="relu", name="right")(inputs)
    merged = keras.layers.ReLU(name="relu")(keras.layers.Add()([left, right]))
    outputs = keras.layers.Dense(2, name="out")(merged)
    model = keras.Model(inputs, outputs)
    model.compile("sgd", "mse")
    x, _ = data(16, 5)
    monitor = SignalMonitor(every_n_steps=100)
    model.fit(x, np.zeros((16, 2)), verbose=0, callbacks=[monitor])
    step0 = [row for row in monitor.history if row.step == 0]
    assert [row.layer for row in step0] == ["left", "right", "out"]
    # "left" reaches the ReLU only through Add, together with "right": not a plain ReLU input.
    assert math.isnan(step0[0].dead_fraction)
    assert not math.isnan(step0[1].dead_fraction)


def test_nested_sequential_is_expanded():
    inner = keras.Sequential(
        [keras.Input((5,)), keras.layers.Dense(6, activation="relu", name="inner")], name="block"
    )
    model = keras.Sequential([keras.Input((5,)), inner, keras.layers.Dense(2, name="out")])
    model.compile("sgd", "mse")
    x, _ = data(16, 5)
    monitor = SignalMonitor()
    model.fit(x, np.zeros((16, 2)), verbose=0, callbacks=[monitor])
    assert [row.layer for row in monitor.history if row.step == 0] == ["inner", "out"]


@pytest.mark.parametrize("steps_per_execution", [1, 3])
def test_steps_count_training_steps(steps_per_execution):
    x, _ = data(48, 5)
    model = keras.Sequential([keras.Input((5,)), keras.layers.Dense(2)])
    model.compile("sgd", "mse", steps_per_execution=steps_per_execution)
    monitor = SignalMonitor(every_n_steps=4)
    model.fit(x, np.zeros((48, 2)), batch_size=4, verbose=0, callbacks=[monitor])  # 12 steps
    steps = sorted({row.step for row in monitor.history})
    assert steps == ([0, 4, 8, 12] if steps_per_execution == 1 else [0, 6, 9, 12])
    # A second fit continues from the optimizer's iterations.
    model.fit(x, np.zeros((48, 2)), batch_size=4, verbose=0, callbacks=[monitor])
    assert max(row.step for row in monitor.history) == 24
