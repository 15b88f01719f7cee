"""What is recorded: at step 0 the figures variance_report and a hand computation give; dead
units on layers built with a known fraction of negative biases; the probe taken from fit's data."""

from __future__ import annotations

import dataclasses
import math

import keras
import numpy as np
import pytest

from kaiming_keras import SignalMonitor, variance_report
from kaiming_keras.monitor import SignalRecord
from tests.monitor.helpers import data


def two_layer_mlp() -> tuple[keras.Model, list[np.ndarray]]:
    model = keras.Sequential(
        [
            keras.Input((6,)),
            keras.layers.Dense(5, activation="relu", name="hidden"),
            keras.layers.Dense(3, name="out"),
        ]
    )
    rng = np.random.default_rng(7)
    weights = [rng.normal(size=w.shape).astype("float32") for w in model.get_weights()]
    model.set_weights(weights)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="mean_squared_error")
    return model, weights


def first_record(model: keras.Model, probe, **kwargs) -> list[SignalRecord]:
    x = probe[0] if isinstance(probe, tuple) else probe
    y = np.zeros((len(x), model.outputs[0].shape[-1]), "float32")
    monitor = SignalMonitor(probe=probe, **kwargs)
    model.fit(x, y, batch_size=len(x), epochs=1, verbose=0, callbacks=[monitor])
    return [row for row in monitor.history if row.step == 0]


def test_step_zero_matches_variance_report_and_a_hand_computation():
    model, (w1, b1, w2, b2) = two_layer_mlp()
    x, _ = data(32, 6)
    y = np.random.default_rng(1).normal(size=(32, 3)).astype("float32")
    report = variance_report(model, x, y)

    rows = first_record(model, (x, y))

    assert [(r.layer, r.kind, r.depth, r.step) for r in rows] == [
        ("hidden", "Dense", 1, 0),
        ("out", "Dense", 2, 0),
    ]
    for row, reported in zip(rows, report, strict=True):
        assert row.output_std == pytest.approx(reported.output_std, rel=1e-5)
        assert row.output_gradient_std == pytest.approx(
            math.sqrt(reported.gradient_variance), rel=1e-5
        )
    # By hand: the forward pass, the MSE gradient and the kernel gradients.
    hidden = np.maximum(x @ w1 + b1, 0.0)
    out = hidden @ w2 + b2
    d_out = 2.0 * (out - y) / out.size
    d_hidden = (d_out @ w2.T) * (hidden > 0)
    expected = [
        (hidden, w1, x.T @ d_hidden, np.mean(np.all(hidden <= 0, axis=0))),
        (out, w2, hidden.T @ d_out, math.nan),
    ]
    for row, (output, kernel, kernel_grad, dead) in zip(rows, expected, strict=True):
        assert row.output_second_moment == pytest.approx(np.mean(output**2), rel=1e-5)
        assert row.kernel_std == pytest.approx(np.std(kernel), rel=1e-5)
        assert row.kernel_gradient_std == pytest.approx(np.std(kernel_grad), rel=1e-4)
        assert row.dead_fraction == pytest.approx(dead, nan_ok=True)


def biased_layer_model(negative: int, units: int = 20, *, separate_relu: bool = False):
    """Inputs in [-1, 1], kernel entries below 0.01: a unit's sign is its bias's sign."""
    rng = np.random.default_rng(3)
    dense = keras.layers.Dense(units, activation=None if separate_relu else "relu", name="biased")
    layers = [keras.Input((8,)), dense]
    if separate_relu:
        layers.append(keras.layers.ReLU())
    model = keras.Sequential([*layers, keras.layers.Dense(2, name="head")])
    bias = np.full(units, 1.0, "float32")
    bias[rng.permutation(units)[:negative]] = -1.0
    dense.set_weights([rng.uniform(-0.01, 0.01, size=(8, units)).astype("float32"), bias])
    model.compile("sgd", "mse")
    x = rng.uniform(-1, 1, size=(64, 8)).astype("float32")
    return model, x


@pytest.mark.parametrize("separate_relu", [False, True], ids=["own-activation", "ReLU-layer"])
@pytest.mark.parametrize("negative", [0, 5, 13])
def test_dead_fraction_is_the_fraction_of_negative_biases(negative, separate_relu):
    model, x = biased_layer_model(negative, separate_relu=separate_relu)
    # A tiny kernel and +-1 biases: the signal std is far from a Kaiming net's; only dead units
    # are of interest here.
    rows = first_record(model, x, dead_fraction=0.99, signal_factor=1e9)
    assert rows[0].layer == "biased"
    assert rows[0].dead_fraction == pytest.approx(negative / 20)
    assert math.isnan(rows[1].dead_fraction)  # the head reaches no ReLU


def test_dead_fraction_counts_conv_channels():
    conv = keras.layers.Conv2D(4, 3, activation="relu", padding="same", name="conv")
    model = keras.Sequential(
        [keras.Input((6, 6, 2)), conv, keras.layers.GlobalAveragePooling2D(), keras.layers.Dense(2)]
    )
    kernel = np.random.default_rng(0).uniform(-0.01, 0.01, size=(3, 3, 2, 4)).astype("float32")
    conv.set_weights([kernel, np.array([-1.0, 1.0, -1.0, -1.0], "float32")])
    model.compile("sgd", "mse")
    x = np.random.default_rng(1).uniform(-1, 1, size=(16, 6, 6, 2)).astype("float32")
    rows = first_record(model, x, dead_fraction=0.99)
    assert rows[0].dead_fraction == pytest.approx(0.75)


def test_leaky_relu_has_no_dead_units_figure():
    model = keras.Sequential(
        [keras.Input((4,)), keras.layers.Dense(8, activation="leaky_relu"), keras.layers.Dense(2)]
    )
    model.compile("sgd", "mse")
    rows = first_record(model, data(16, 4)[0])
    assert math.isnan(rows[0].dead_fraction)


def test_probe_without_targets_records_forward_figures_only():
    model, _ = two_layer_mlp()
    rows = first_record(model, data(16, 6)[0])
    assert all(row.output_std > 0 and row.kernel_std > 0 for row in rows)
    assert all(math.isnan(row.output_gradient_std) for row in rows)
    assert all(math.isnan(row.kernel_gradient_std) for row in rows)


def test_probe_defaults_to_a_training_batch_and_leaves_training_unchanged():
    x, y = data(64, 6)

    def train(callbacks):
        keras.utils.set_random_seed(5)
        model, _ = two_layer_mlp()
        model.fit(x, y[:, None] * np.ones(3), batch_size=16, epochs=3, verbose=0,
                  callbacks=callbacks)  # fmt: skip
        return model

    plain = train([])
    monitor = SignalMonitor(every_n_steps=2)
    monitored = train([monitor])

    for a, b in zip(plain.get_weights(), monitored.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)  # the shuffling and the updates did not change
    probe, targets = monitor._x, monitor._y
    assert probe.shape == (16, 6) and targets.shape == (16, 3)
    rows_of_x = {row.tobytes() for row in x}
    assert all(row.tobytes() in rows_of_x for row in probe)
    assert sorted({row.step for row in monitor.history}) == [0, 2, 4, 6, 8, 10, 12]
    assert all(not math.isnan(row.output_gradient_std) for row in monitor.history)


def test_a_generator_is_not_advanced():
    x, y = data(32, 6)
    produced = []

    def batches():
        for start in range(0, 32, 8):
            produced.append(start)
            yield x[start : start + 8], np.repeat(y[start : start + 8, None], 3, axis=1)

    model, _ = two_layer_mlp()
    monitor = SignalMonitor(every_n_steps=1)
    model.fit(batches(), epochs=1, steps_per_epoch=4, shuffle=False, verbose=0, callbacks=[monitor])
    assert produced == [0, 8, 16, 24]  # each batch drawn once, by Keras
    np.testing.assert_array_equal(monitor._x, x[:8])  # the batch Keras peeked first
    assert sorted({row.step for row in monitor.history}) == [0, 1, 2, 3, 4]


def test_history_rows_are_flat_records_and_plot(tmp_path):
    model, _ = two_layer_mlp()
    x, _ = data(16, 6)
    monitor = SignalMonitor(every_n_steps=1, probe=(x, np.zeros((16, 3), "float32")))
    model.fit(x, np.zeros((16, 3)), batch_size=8, epochs=2, verbose=0, callbacks=[monitor])
    rows = [dataclasses.asdict(row) for row in monitor.history]
    assert len(rows) == 2 * 5  # two layers at steps 0..4
    assert set(rows[0]) == {
        "step", "depth", "layer", "kind", "output_std", "output_second_moment",
        "dead_fraction", "output_gradient_std", "kernel_std", "kernel_gradient_std",
    }  # fmt: skip
    path = monitor.plot(tmp_path / "signals.png")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
