"""SignalWarning: loud on a 30-layer Glorot ReLU net, silent on the same net with Kaiming init,
one warning per problem, each naming the layer, the figure and what to do."""

from __future__ import annotations

import warnings

import keras
import pytest

from kaiming_keras import KaimingNormal, SignalMonitor, SignalWarning
from tests.monitor.helpers import data, mlp
from tests.monitor.test_statistics import biased_layer_model

INITIALIZERS = {
    "kaiming": lambda seed: KaimingNormal(seed=seed),
    "glorot": lambda seed: keras.initializers.GlorotUniform(seed=seed),
}


def train_deep(name: str, seed: int) -> list[str]:
    """Two epochs of the issue's 30 x 128 ReLU MLP; the SignalWarning messages."""
    keras.utils.set_random_seed(seed)
    model = mlp(30, 128, INITIALIZERS[name], inputs=64, seed=seed)
    x, y = data(128, 64, seed=seed)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.fit(x, y, batch_size=32, epochs=2, verbose=0,
                  callbacks=[SignalMonitor(every_n_steps=4)])  # fmt: skip
    return [str(w.message) for w in caught if issubclass(w.category, SignalWarning)]


@pytest.mark.slow
@pytest.mark.parametrize("seed", [0, 1])
def test_kaiming_30_layers_is_silent(seed):
    assert train_deep("kaiming", seed) == []


@pytest.mark.slow
@pytest.mark.parametrize("seed", [0, 1])
def test_glorot_30_layers_warns_once_per_problem(seed):
    messages = train_deep("glorot", seed)
    assert len(messages) == 2, messages  # records at steps 0, 4, 8: still one per problem
    signal, gradient = messages
    assert "signal shrinks" in signal and "at step 0" in signal
    assert "'relu_1'" in signal and "'head'" in signal  # the first and last kernel layers
    assert "kaiming_keras.initialize(model)" in signal and "KAI002" in signal
    shrink = float(signal.split("shrinks ")[1].split("x")[0])
    assert shrink > 1e3  # 0.707 per layer over 30 layers: ~2**15
    assert "loss gradient at the first kernel layer 'relu_1'" in gradient
    assert float(gradient.split(" is ")[1].split("x")[0]) > 1e3
    assert all("\n" not in message for message in messages)


def test_dead_units_warning_names_the_layer():
    model, x = biased_layer_model(negative=17)  # 85% of 20 units
    with pytest.warns(SignalWarning, match=r"85% of the units of layer 'biased' are dead") as w:
        model.fit(x, x[:, :2], batch_size=64, epochs=1, verbose=0,
                  callbacks=[SignalMonitor(every_n_steps=1)])  # fmt: skip
    (message,) = [str(item.message) for item in w if issubclass(item.category, SignalWarning)]
    assert "dead_fraction=0.8" in message and "KAI003" in message


def test_thresholds_are_configurable():
    model, x = biased_layer_model(negative=10)  # 50%: under the default
    with warnings.catch_warnings():
        warnings.simplefilter("error", SignalWarning)
        model.fit(x, x[:, :2], verbose=0, callbacks=[SignalMonitor()])
    with pytest.warns(SignalWarning, match="50% of the units"):
        model.fit(x, x[:, :2], verbose=0, callbacks=[SignalMonitor(dead_fraction=0.4)])
    with pytest.warns(SignalWarning, match="signal_factor=1.01"):
        model.fit(x, x[:, :2], verbose=0, callbacks=[SignalMonitor(signal_factor=1.01)])
