"""float16, bfloat16, float32 and float64, and the floatx default."""

from __future__ import annotations

import math

import keras
import numpy as np
import pytest

from kaiming_keras import KaimingNormal, KaimingUniform

from .helpers import to_numpy

# JAX without x64 turns float64 into float32, with a warning; the tests expect that.
pytestmark = pytest.mark.filterwarnings("ignore:Explicitly requested dtype float64:UserWarning")

SHAPE = (512, 256)
MAKERS = [
    pytest.param(lambda: KaimingNormal(seed=2), id="normal"),
    pytest.param(lambda: KaimingNormal(distribution="truncated_normal", seed=2), id="truncated"),
    pytest.param(lambda: KaimingUniform(seed=2), id="uniform"),
]


def backend_dtype(name):
    """The dtype this backend gives a tensor of `name` (JAX without x64 has no float64)."""
    return keras.backend.standardize_dtype(keras.ops.zeros((1,), dtype=name).dtype)


@pytest.mark.parametrize("make", MAKERS)
@pytest.mark.parametrize("dtype", ["float16", "bfloat16", "float32", "float64"])
def test_dtype_and_scale(make, dtype):
    values = make()(SHAPE, dtype=dtype)
    assert keras.backend.standardize_dtype(values.dtype) == backend_dtype(dtype)
    array = to_numpy(values)
    assert np.all(np.isfinite(array))
    # 100k values estimate the std to about 0.3%; bfloat16 rounding adds well under 1%.
    assert array.std() == pytest.approx(math.sqrt(2 / SHAPE[0]), rel=0.02)


@pytest.mark.parametrize("make", MAKERS)
def test_default_dtype_is_floatx(make):
    previous = keras.config.floatx()
    try:
        keras.config.set_floatx("float16")
        assert keras.backend.standardize_dtype(make()(SHAPE).dtype) == "float16"
    finally:
        keras.config.set_floatx(previous)
    assert keras.backend.standardize_dtype(make()(SHAPE).dtype) == previous


def test_dtype_objects_are_accepted():
    dtype = keras.ops.zeros((1,), dtype="float16").dtype
    assert (
        keras.backend.standardize_dtype(KaimingNormal(seed=1)(SHAPE, dtype=dtype).dtype)
        == "float16"
    )


@pytest.mark.parametrize("policy", ["float16", "mixed_bfloat16", "float64"])
def test_layers_with_dtype_policies_build(policy):
    layer = keras.layers.Dense(SHAPE[1], kernel_initializer="kaiming_normal", dtype=policy)
    layer.build((None, SHAPE[0]))
    variable_dtype = keras.DTypePolicy(policy).variable_dtype
    assert layer.kernel.dtype == variable_dtype
    assert keras.backend.standardize_dtype(layer.kernel.value.dtype) == backend_dtype(
        variable_dtype
    )
