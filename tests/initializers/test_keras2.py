"""Keras 2: `kaiming_keras.keras2` on tf_keras, and `kaiming_keras.tf` following `tf.keras`.

The same statistics and argument checks as the Keras 3 classes; tf_keras layers take the
initializers as objects and strings; models save and load in `.keras` and `.h5` in a fresh
process with nothing but `import kaiming_keras.keras2`.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import tensorflow as tf
import tf_keras
from scipy import stats

from kaiming_keras import keras2
from kaiming_keras.keras2 import KaimingNormal, KaimingUniform

from .helpers import run_python
from .ks import ALPHA, MODES, NONLINEARITIES, SHAPES, target
from .test_validation import BAD_ARGUMENTS

DISTRIBUTIONS = ["normal", "truncated_normal", "uniform"]


def make(distribution: str, **kwargs):
    if distribution == "uniform":
        return KaimingUniform(**kwargs)
    return KaimingNormal(distribution=distribution, **kwargs)


def sample(distribution, shape, seed=1234, **kwargs) -> np.ndarray:
    values = make(distribution, seed=seed, **kwargs)(shape)
    return np.asarray(tf.cast(values, tf.float64)).ravel()


# --- The statistics: the same targets as tests/initializers/test_distribution.py ------------


@pytest.mark.parametrize("distribution", DISTRIBUTIONS)
@pytest.mark.parametrize(
    ("name", "shape", "axes", "fan_in", "fan_out"), SHAPES, ids=[s[0] for s in SHAPES]
)
def test_every_layout_matches_target(distribution, name, shape, axes, fan_in, fan_out):
    values = sample(distribution, shape, **axes)
    assert values.size >= 100_000
    assert stats.kstest(values, target(distribution, math.sqrt(2.0 / fan_in)).cdf).pvalue > ALPHA


@pytest.mark.parametrize("distribution", DISTRIBUTIONS)
@pytest.mark.parametrize("mode", list(MODES))
@pytest.mark.parametrize(("nonlinearity", "slope", "gain_squared"), NONLINEARITIES)
def test_modes_and_slopes_match_target(distribution, mode, nonlinearity, slope, gain_squared):
    shape, fan_in, fan_out = (3, 3, 96, 160), 9 * 96, 9 * 160
    values = sample(distribution, shape, mode=mode, nonlinearity=nonlinearity, negative_slope=slope)
    std = math.sqrt(gain_squared / MODES[mode](fan_in, fan_out))
    assert stats.kstest(values, target(distribution, std).cdf).pvalue > ALPHA


@pytest.mark.parametrize("distribution", DISTRIBUTIONS)
@pytest.mark.parametrize("factor", [0.95, 1.05])
def test_ks_rejects_a_std_five_percent_off(distribution, factor):
    values = sample(distribution, (512, 256))
    std = math.sqrt(2.0 / 512) * factor
    assert stats.kstest(values, target(distribution, std).cdf).pvalue < ALPHA


def test_truncated_normal_stays_inside_the_cut():
    values = sample("truncated_normal", (512, 256))
    cut = 2 * math.sqrt(2.0 / 512) / 0.87962566103423978
    assert cut * 0.999 < np.abs(values).max() <= cut * (1 + 1e-6)


@pytest.mark.parametrize("dtype", ["float16", "bfloat16", "float32", "float64"])
@pytest.mark.parametrize("distribution", DISTRIBUTIONS)
def test_float_dtypes(dtype, distribution):
    values = make(distribution, seed=2)((512, 256), dtype=dtype)
    assert values.dtype == tf.as_dtype(dtype)
    std = float(tf.math.reduce_std(tf.cast(values, tf.float64)))
    assert std == pytest.approx(math.sqrt(2.0 / 512), rel=0.02)


def test_floatx_is_the_default_dtype():
    assert KaimingNormal(seed=1)((4, 4)).dtype == tf.as_dtype(tf_keras.backend.floatx())


# --- Arguments: the Keras 3 classes' table of bad arguments, on the Keras 2 classes ---------


@pytest.mark.parametrize(
    ("cls_name", "kwargs", "argument", "allowed"),
    [(c.__name__, k, a, allowed) for c, k, a, allowed in BAD_ARGUMENTS if "seed" not in k],
)
def test_bad_constructor_argument(cls_name, kwargs, argument, allowed):
    with pytest.raises(ValueError, match="Invalid") as info:
        getattr(keras2, cls_name)(**kwargs)
    message = str(info.value)
    assert argument in message
    assert allowed in message
    assert "\n" not in message


@pytest.mark.parametrize("seed", [-1, 2**32, 1.5, True, "42", object()])
def test_bad_seed(seed):
    with pytest.raises(ValueError, match=r"Invalid `seed`.*integer in \[0, 2\*\*32\)"):
        KaimingNormal(seed=seed)


@pytest.mark.parametrize(
    ("shape", "dtype", "argument"),
    [((0, 4), None, "`shape`"), ((4, 4), "int32", "`dtype`"), ((4, 4), "bool", "`dtype`")],
)
def test_bad_call(shape, dtype, argument):
    with pytest.raises(ValueError, match=argument):
        KaimingNormal()(shape, dtype=dtype)


def test_calculate_gain_is_the_shared_one():
    assert keras2.calculate_gain("leaky_relu", 0.1) == math.sqrt(2 / 1.01)


# --- Seeds ------------------------------------------------------------------------------------


@pytest.mark.parametrize("distribution", DISTRIBUTIONS)
def test_int_seed_repeats_and_unseeded_is_fresh(distribution):
    seeded = make(distribution, seed=7)
    np.testing.assert_array_equal(seeded((64, 32)), make(distribution, seed=7)((64, 32)))
    assert not np.array_equal(seeded((64, 32)), make(distribution, seed=8)((64, 32)))
    unseeded = make(distribution)
    assert not np.array_equal(unseeded((64, 32)), unseeded((64, 32)))


def test_unseeded_draws_repeat_after_set_random_seed():
    runs = []
    for _ in range(2):
        tf_keras.utils.set_random_seed(5)
        runs.append(np.asarray(KaimingNormal()((64, 32))))
    np.testing.assert_array_equal(*runs)


def test_two_layers_sharing_one_unseeded_instance_get_different_kernels():
    shared = KaimingNormal()
    first, second = (tf_keras.layers.Dense(32, kernel_initializer=shared) for _ in range(2))
    first.build((None, 64))
    second.build((None, 64))
    assert not np.array_equal(first.kernel.numpy(), second.kernel.numpy())


# --- tf_keras layers, objects and strings -----------------------------------------------------


@pytest.mark.parametrize(
    ("layer", "input_shape", "fan_in"),
    [
        (lambda init: tf_keras.layers.Dense(256, kernel_initializer=init), (None, 512), 512),
        (
            lambda init: tf_keras.layers.Conv2D(160, 3, kernel_initializer=init),
            (None, 8, 8, 96),
            9 * 96,
        ),
    ],
    ids=["Dense", "Conv2D"],
)
@pytest.mark.parametrize("init", ["object", "kaiming_normal", "KaimingNormal"])
def test_tf_keras_layers_take_object_and_string(layer, input_shape, fan_in, init):
    built = layer(KaimingNormal(seed=5) if init == "object" else init)
    built.build(input_shape)
    assert isinstance(built.kernel_initializer, KaimingNormal)
    values = built.kernel.numpy().ravel()
    assert stats.kstest(values, stats.norm(scale=math.sqrt(2.0 / fan_in)).cdf).pvalue > ALPHA


def test_uniform_string_alias():
    layer = tf_keras.layers.Dense(8, kernel_initializer="kaiming_uniform")
    assert isinstance(layer.kernel_initializer, KaimingUniform)


def test_config_round_trip_and_registered_name():
    initializer = KaimingNormal(mode="fan_out", nonlinearity="leaky_relu", negative_slope=0.1)
    assert KaimingNormal.from_config(initializer.get_config()) == initializer
    assert tf_keras.saving.get_registered_name(KaimingNormal) == "kaiming_keras>KaimingNormal"
    rebuilt = tf_keras.initializers.deserialize(tf_keras.initializers.serialize(initializer))
    assert rebuilt == initializer


# --- Saved and loaded with the model, in a fresh process ----------------------------------------

SAVE = """
    import json, sys
    import tf_keras
    from kaiming_keras.keras2 import KaimingNormal, KaimingUniform

    inputs = tf_keras.Input((64,))
    x = tf_keras.layers.Dense(32, activation="relu", kernel_initializer=KaimingNormal(seed=1))(inputs)
    x = tf_keras.layers.Dense(
        32,
        kernel_initializer=KaimingUniform(nonlinearity="leaky_relu", negative_slope=0.2, seed=2),
    )(x)
    x = tf_keras.layers.LeakyReLU(0.2)(x)
    x = tf_keras.layers.Dense(
        32, activation="relu", kernel_initializer=KaimingNormal(distribution="truncated_normal")
    )(x)
    outputs = tf_keras.layers.Dense(1, kernel_initializer="kaiming_normal")(x)
    model = tf_keras.Model(inputs, outputs)
    model.compile(loss="mse")
    model.save(sys.argv[1] + "/m.keras")
    model.save(sys.argv[1] + "/m.h5")
    print(json.dumps({
        "configs": [layer.kernel_initializer.get_config() for layer in model.layers[1:]
                    if hasattr(layer, "kernel_initializer")],
        "weights": [w.tolist() for w in model.get_weights()],
    }))
"""

LOAD = """
    import json, sys
    sys.modules["keras"] = None  # a Keras 2 environment: no Keras 3 to import
    import tf_keras
    import kaiming_keras.keras2  # registers the classes: no custom_objects below

    try:
        from kaiming_keras import KaimingNormal
        result = {"error": None}
    except ImportError as exc:
        result = {"error": str(exc)}
    for name in ("m.keras", "m.h5"):
        model = tf_keras.models.load_model(sys.argv[1] + "/" + name)
        dense = [layer for layer in model.layers if hasattr(layer, "kernel_initializer")]
        result[name] = {
            "classes": [type(layer.kernel_initializer).__module__ + "."
                        + type(layer.kernel_initializer).__name__ for layer in dense],
            "configs": [layer.kernel_initializer.get_config() for layer in dense],
            "weights": [w.tolist() for w in model.get_weights()],
        }
    print(json.dumps(result))
"""


@pytest.mark.slow
def test_model_saves_and_loads_in_keras_and_h5_without_custom_objects(tmp_path):
    saved = run_python(SAVE, str(tmp_path))
    loaded = run_python(LOAD, str(tmp_path))
    # Without Keras 3, kaiming_keras.keras2 still works; the Keras 3 API says what to install.
    assert "kaiming-keras[tensorflow]" in loaded["error"]
    assert "kaiming_keras.keras2" in loaded["error"]
    assert "\n" not in loaded["error"]
    for name in ("m.keras", "m.h5"):
        result = loaded[name]
        assert result["classes"] == [
            "kaiming_keras.keras2.KaimingNormal",
            "kaiming_keras.keras2.KaimingUniform",
            "kaiming_keras.keras2.KaimingNormal",
            "kaiming_keras.keras2.KaimingNormal",
        ]
        assert result["configs"] == saved["configs"], name
        for original, restored in zip(saved["weights"], result["weights"], strict=True):
            np.testing.assert_array_equal(original, restored)
    # The first kernel is He's: std sqrt(2 / 64).
    assert np.std(saved["weights"][0]) == pytest.approx(math.sqrt(2 / 64), rel=0.1)


# --- Environments -------------------------------------------------------------------------------

FOLLOW = """
    import json
    import tensorflow as tf
    import kaiming_keras.tf as ktf

    layer = tf.keras.layers.Dense(256, kernel_initializer=ktf.KaimingNormal(seed=3))
    layer.build((None, 512))
    print(json.dumps({
        "major": ktf.KERAS_MAJOR,
        "module": type(ktf.KaimingNormal()).__module__,
        "std": float(tf.math.reduce_std(layer.kernel)),
    }))
"""


@pytest.mark.slow
@pytest.mark.parametrize(("legacy", "major"), [("1", 2), ("0", 3)])
def test_kaiming_keras_tf_follows_tf_keras(monkeypatch, legacy, major):
    monkeypatch.setenv("TF_USE_LEGACY_KERAS", legacy)
    result = run_python(FOLLOW)
    assert result["major"] == major
    expected = "kaiming_keras.keras2" if major == 2 else "kaiming_keras.initializers"
    assert result["module"] == expected
    assert result["std"] == pytest.approx(math.sqrt(2 / 512), rel=0.02)
