"""Bad arguments: a one-line ValueError naming the argument and what is allowed."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from kaiming_keras import SignalMonitor
from tests.monitor.helpers import data


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"every_n_steps": 0}, r"^every_n_steps: expected a positive int, got 0$"),
        ({"every_n_steps": -5}, r"^every_n_steps: expected a positive int, got -5$"),
        ({"every_n_steps": 2.5}, r"^every_n_steps: expected a positive int, got float$"),
        ({"every_n_steps": True}, r"^every_n_steps: expected a positive int, got bool$"),
        ({"signal_factor": 1}, r"^signal_factor: expected a number above 1, got 1$"),
        ({"gradient_factor": "10"}, r"^gradient_factor: expected a number above 1"),
        ({"dead_fraction": 1.0}, r"^dead_fraction: expected a number in \[0, 1\), got 1.0$"),
        ({"probe": np.zeros((0, 4))}, r"^probe: expected a batch with at least one sample"),
    ],
)
def test_bad_constructor_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        SignalMonitor(**kwargs)


def model_and_data():
    model = keras.Sequential([keras.Input((6,)), keras.layers.Dense(3, activation="relu")])
    model.compile("sgd", "mse")
    x, _ = data(16, 6)
    return model, x, np.zeros((16, 3))


@pytest.mark.parametrize(
    ("probe", "message"),
    [
        (np.zeros((4, 5), "float32"), "probe: expected inputs of shape (None, 6), got (4, 5)"),
        (
            np.zeros((4, 6, 1), "float32"),
            "probe: expected inputs of shape (None, 6), got (4, 6, 1)",
        ),
        ((np.zeros((4, 6)), np.zeros((3, 3))), "probe: x has 4 samples but y has 3"),
        ((np.zeros((4, 6)), np.zeros((4, 5))), "probe: the model or its loss cannot run on it"),
    ],
)
def test_probe_of_the_wrong_shape(probe, message):
    model, x, y = model_and_data()
    with pytest.raises(ValueError) as error:
        model.fit(x, y, verbose=0, callbacks=[SignalMonitor(probe=probe)])
    assert str(error.value).startswith(message)
    assert "\n" not in str(error.value)


def test_probe_of_the_wrong_shape_for_a_subclassed_model():
    class Net(keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = keras.layers.Dense(3)

        def call(self, x):
            return self.dense(x)

    model = Net()
    model.compile("sgd", "mse")
    x, _ = data(16, 6)
    with pytest.raises(
        ValueError, match=r"^probe: expected inputs of shape \(None, 6\), got \(2, 7\)$"
    ) as error:
        model.fit(x, np.zeros((16, 3)), verbose=0,
                  callbacks=[SignalMonitor(probe=np.zeros((2, 7), "float32"))])  # fmt: skip
    assert "\n" not in str(error.value)


def test_plot_needs_a_png_and_a_record(tmp_path):
    monitor = SignalMonitor()
    with pytest.raises(ValueError, match=r"^plot: nothing recorded yet"):
        monitor.plot(tmp_path / "a.png")
    with pytest.raises(ValueError, match=r"^path: expected a file name ending in .png"):
        monitor.plot(tmp_path / "a.svg")


def test_exported_from_the_package():
    import kaiming_keras
    from kaiming_keras import monitor

    assert kaiming_keras.SignalMonitor is monitor.SignalMonitor
    assert kaiming_keras.SignalWarning is monitor.SignalWarning
    assert issubclass(kaiming_keras.SignalWarning, UserWarning)
    assert issubclass(kaiming_keras.SignalMonitor, keras.callbacks.Callback)
