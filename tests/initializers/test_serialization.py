"""Configs, registration, strings, and whole models saved and reloaded without custom_objects."""

from __future__ import annotations

import importlib
import inspect
import json

import keras
import numpy as np
import pytest

import kaiming_keras
from kaiming_keras import KaimingNormal, KaimingUniform

from .helpers import DRAW_SHAPE, SEEDED_KERNELS, seeded_model, to_numpy

EVERY_ARGUMENT = {
    "mode": "fan_avg",
    "nonlinearity": "leaky_relu",
    "negative_slope": 0.1,
    "seed": 9,
    "input_axes": [0, 1],
    "output_axes": [2],
}
INSTANCES = [
    pytest.param(lambda: KaimingNormal(), id="normal-default"),
    pytest.param(
        lambda: KaimingNormal(distribution="truncated_normal", **EVERY_ARGUMENT), id="normal-all"
    ),
    pytest.param(lambda: KaimingUniform(**EVERY_ARGUMENT), id="uniform-all"),
    pytest.param(lambda: KaimingNormal(seed=keras.random.SeedGenerator(4)), id="seed-generator"),
    pytest.param(lambda: KaimingUniform(nonlinearity="tanh", seed=0), id="uniform-tanh"),
]


@pytest.mark.parametrize("cls", [KaimingNormal, KaimingUniform])
def test_config_holds_every_constructor_argument(cls):
    parameters = set(inspect.signature(cls.__init__).parameters) - {"self"}
    assert set(cls().get_config()) == parameters


@pytest.mark.parametrize("make", INSTANCES)
def test_from_config_rebuilds_an_equal_initializer(make):
    initializer = make()
    rebuilt = type(initializer).from_config(initializer.get_config())
    assert rebuilt == initializer
    assert rebuilt.get_config() == initializer.get_config()
    json.dumps(initializer.get_config())  # JSON-serializable as is


@pytest.mark.parametrize("make", INSTANCES)
def test_keras_serialize_deserialize_round_trip(make):
    initializer = make()
    config = keras.initializers.serialize(initializer)
    assert config["registered_name"] == f"kaiming_keras>{type(initializer).__name__}"
    restored = keras.initializers.deserialize(json.loads(json.dumps(config)))
    assert type(restored) is type(initializer)
    assert restored == initializer
    assert keras.initializers.get(config) == initializer


def test_seed_kinds_survive_the_round_trip():
    assert KaimingNormal.from_config(KaimingNormal().get_config()).seed is None
    assert KaimingNormal.from_config(KaimingNormal(seed=12).get_config()).seed == 12
    restored = KaimingNormal.from_config(
        json.loads(json.dumps(KaimingNormal(seed=keras.random.SeedGenerator(4)).get_config()))
    )
    assert isinstance(restored.seed, keras.random.SeedGenerator)
    replay = KaimingNormal(seed=keras.random.SeedGenerator(4))
    np.testing.assert_array_equal(to_numpy(restored(DRAW_SHAPE)), to_numpy(replay(DRAW_SHAPE)))


def test_seeded_round_trip_draws_identical_values():
    initializer = KaimingUniform(seed=21, mode="fan_out")
    restored = keras.initializers.deserialize(keras.initializers.serialize(initializer))
    np.testing.assert_array_equal(to_numpy(initializer(DRAW_SHAPE)), to_numpy(restored(DRAW_SHAPE)))


@pytest.mark.parametrize(
    ("name", "cls"),
    [
        ("kaiming_normal", KaimingNormal),
        ("kaiming_uniform", KaimingUniform),
        ("KaimingNormal", KaimingNormal),
        ("KaimingUniform", KaimingUniform),
    ],
)
def test_strings_resolve(name, cls):
    assert keras.initializers.get(name) == cls()
    layer = keras.layers.Dense(4, kernel_initializer=name)
    assert type(layer.kernel_initializer) is cls


def test_public_api():
    assert kaiming_keras.__version__ == "0.1.0"
    assert set(kaiming_keras.__all__) <= set(dir(kaiming_keras))
    assert isinstance(KaimingNormal(), keras.initializers.VarianceScaling)
    with pytest.raises(AttributeError, match="no_such_name"):
        kaiming_keras.no_such_name  # noqa: B018


@pytest.mark.parametrize(
    ("name", "module"),
    [
        ("initialize", "kaiming_keras.model"),
        ("audit", "kaiming_keras.model"),
        ("variance_report", "kaiming_keras.diagnostics"),
    ],
)
def test_model_tools_are_re_exported(name, module):
    assert getattr(kaiming_keras, name) is getattr(importlib.import_module(module), name)


def test_import_loads_only_the_initializer_modules(fresh_process):
    assert fresh_process.result["eager_modules"] == [
        "kaiming_keras",
        "kaiming_keras.gain",
        "kaiming_keras.initializers",
        "kaiming_keras.rule",
    ]


def test_model_json_round_trip_rebuilds_seeded_weights():
    model = seeded_model()
    rebuilt = keras.models.model_from_json(model.to_json())
    assert rebuilt.to_json() == model.to_json()
    for a, b in zip(model.weights[: 2 * SEEDED_KERNELS], rebuilt.weights, strict=False):
        np.testing.assert_array_equal(to_numpy(a), to_numpy(b))


def test_saved_model_loads_in_a_fresh_process(fresh_process):
    model, there = fresh_process.model, fresh_process.result
    assert there["config"] == json.loads(json.dumps(model.get_config()))
    assert there["initializers"] == [
        "KaimingNormal",
        "KaimingUniform",
        "KaimingNormal",
        "KaimingNormal",
    ]
    for mine, loaded in zip(model.weights, there["loaded"], strict=True):
        np.testing.assert_array_equal(to_numpy(mine), np.asarray(loaded, np.float32))


def test_seeded_model_rebuilt_from_its_config_in_a_fresh_process_has_identical_weights(
    fresh_process,
):
    model, there = fresh_process.model, fresh_process.result
    for mine, rebuilt in zip(model.weights[: 2 * SEEDED_KERNELS], there["rebuilt"], strict=False):
        np.testing.assert_array_equal(to_numpy(mine), np.asarray(rebuilt, np.float32))
    # The unseeded last layer draws afresh.
    assert not np.array_equal(
        to_numpy(model.weights[-2]), np.asarray(there["rebuilt"][-2], np.float32)
    )
