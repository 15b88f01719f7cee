"""Every bad argument, shape and dtype is a ValueError naming it, raised before any draw."""

from __future__ import annotations

import keras
import pytest

from kaiming_keras import KaimingNormal, KaimingUniform


def _describe(kwargs: dict) -> str:
    return ",".join(f"{key}={value!r}" for key, value in kwargs.items())


BAD_ARGUMENTS = [
    (KaimingNormal, {"mode": "fan_sum"}, "`mode`", "fan_avg"),
    (KaimingNormal, {"mode": None}, "`mode`", "fan_in"),
    (KaimingNormal, {"nonlinearity": "swish"}, "`nonlinearity`", "leaky_relu"),
    (KaimingNormal, {"nonlinearity": "ReLU"}, "`nonlinearity`", "relu"),
    (KaimingNormal, {"negative_slope": 0.1}, "`negative_slope`", "leaky_relu"),
    (
        KaimingNormal,
        {"nonlinearity": "leaky_relu", "negative_slope": float("nan")},
        "`negative_slope`",
        "finite",
    ),
    (
        KaimingNormal,
        {"nonlinearity": "leaky_relu", "negative_slope": "0.1"},
        "`negative_slope`",
        "finite",
    ),
    # Keras's LeakyReLU and ReLU layers refuse a negative slope; so do we.
    (
        KaimingNormal,
        {"nonlinearity": "leaky_relu", "negative_slope": -1},
        "`negative_slope`",
        ">= 0",
    ),
    (
        KaimingUniform,
        {"nonlinearity": "leaky_relu", "negative_slope": -0.01},
        "`negative_slope`",
        ">= 0",
    ),
    (KaimingNormal, {"negative_slope": -0.2}, "`negative_slope`", ">= 0"),
    (KaimingNormal, {"distribution": "uniform"}, "`distribution`", "truncated_normal"),
    (KaimingNormal, {"distribution": "untruncated_normal"}, "`distribution`", "normal"),
    (KaimingUniform, {"distribution": "normal"}, "`distribution`", "uniform"),
    (KaimingNormal, {"seed": -1}, "`seed`", "SeedGenerator"),
    (KaimingNormal, {"seed": 2**32}, "`seed`", "2**32"),
    (KaimingNormal, {"seed": 1.5}, "`seed`", "integer"),
    (KaimingNormal, {"seed": True}, "`seed`", "integer"),
    (KaimingUniform, {"seed": "42"}, "`seed`", "integer"),
    (KaimingNormal, {"input_axes": []}, "`input_axes`", "list of integer axes"),
    (KaimingNormal, {"input_axes": "01"}, "`input_axes`", "list of integer axes"),
    (KaimingNormal, {"input_axes": [0, 0]}, "`input_axes`", "repeat"),
    (KaimingUniform, {"output_axes": [1.0]}, "`output_axes`", "list of integer axes"),
]


@pytest.mark.parametrize(
    ("cls", "kwargs", "argument", "allowed"),
    BAD_ARGUMENTS,
    ids=[f"{c.__name__}-{_describe(k)}" for c, k, _, _ in BAD_ARGUMENTS],
)
def test_bad_constructor_argument(cls, kwargs, argument, allowed):
    with pytest.raises(ValueError, match="Invalid") as info:
        cls(**kwargs)
    message = str(info.value)
    assert argument in message
    assert allowed in message
    assert "\n" not in message


BAD_CALLS = [
    ({}, (0, 5), None, "`shape`", "zero-size fan"),
    ({}, (5, 0), None, "`shape`", "zero-size fan"),
    ({}, (3, 3, 0, 8), None, "`shape`", "zero-size fan"),
    ({"input_axes": [0, 1]}, (3, 0, 8, 8), None, "`shape`", "zero-size fan"),
    ({}, (4, -2), None, "`shape`", "non-negative integers"),
    ({}, (4, None), None, "`shape`", "non-negative integers"),
    ({}, 7, None, "`shape`", "non-negative integers"),
    ({"input_axes": [2]}, (4, 5), None, "`input_axes`", "-2 to 1"),
    ({"output_axes": [-3]}, (4, 5), None, "`output_axes`", "-2 to 1"),
    ({}, (4, 5), "int32", "`dtype`", "bfloat16"),
    ({}, (4, 5), "bool", "`dtype`", "float32"),
    ({}, (4, 5), "no_such_dtype", "`dtype`", "float64"),
]


@pytest.mark.parametrize("cls", [KaimingNormal, KaimingUniform])
@pytest.mark.parametrize(
    ("kwargs", "shape", "dtype", "argument", "allowed"),
    BAD_CALLS,
    ids=[f"shape={shape}-dtype={dtype}-{_describe(kw)}" for kw, shape, dtype, _, _ in BAD_CALLS],
)
def test_bad_call_raises_before_drawing(monkeypatch, cls, kwargs, shape, dtype, argument, allowed):
    def no_draw(*args, **kwargs):
        raise AssertionError("drew random numbers before validating")

    for name in ("normal", "uniform", "truncated_normal"):
        monkeypatch.setattr(keras.random, name, no_draw)
    with pytest.raises(ValueError, match="Invalid") as info:
        cls(seed=1, **kwargs)(shape, dtype=dtype)
    message = str(info.value)
    assert argument in message
    assert allowed in message


def test_seed_generator_state_untouched_by_a_rejected_call():
    generator = keras.random.SeedGenerator(3)
    before = keras.ops.convert_to_numpy(generator.state.value).tolist()
    with pytest.raises(ValueError, match="`shape`"):
        KaimingNormal(seed=generator)((0, 4))
    assert keras.ops.convert_to_numpy(generator.state.value).tolist() == before
