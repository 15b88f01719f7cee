"""KaimingNormal/KaimingUniform over generated arguments, shapes and dtypes: every invalid
combination is a ValueError naming an invalid argument before anything is drawn; every
valid one gives finite values of the requested shape and dtype."""

from __future__ import annotations

import math

import keras
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kaiming_keras import KaimingNormal, KaimingUniform
from kaiming_keras.gain import FAN_MODES, KNOWN_NONLINEARITIES
from kaiming_keras.initializers import FLOAT_DTYPES

from .budget import fuzz_settings


def tagged(valid: st.SearchStrategy, invalid: st.SearchStrategy) -> st.SearchStrategy:
    """(value, is_valid) pairs, valid values three times as often."""
    return st.one_of(
        valid.map(lambda v: (v, True)),
        valid.map(lambda v: (v, True)),
        valid.map(lambda v: (v, True)),
        invalid.map(lambda v: (v, False)),
    )


junk = st.one_of(st.none(), st.integers(), st.text(max_size=6), st.lists(st.integers(), max_size=2))
modes = tagged(st.sampled_from(FAN_MODES), junk.filter(lambda v: v not in FAN_MODES))
nonlinearities = tagged(
    st.sampled_from(KNOWN_NONLINEARITIES), junk.filter(lambda v: v not in KNOWN_NONLINEARITIES)
)
slopes = st.one_of(
    st.just(0.0),
    st.floats(-10, 10, allow_nan=False),
    st.sampled_from([math.nan, math.inf, "0.1", None]),
)
seeds = tagged(
    st.one_of(st.none(), st.integers(0, 2**32 - 1)),
    st.one_of(
        st.integers(max_value=-1),
        st.integers(min_value=2**32),
        st.floats(),
        st.booleans(),
        st.text(max_size=3),
    ),
)
shapes = tagged(
    st.lists(st.integers(1, 12), min_size=2, max_size=4).map(tuple),
    st.one_of(
        st.lists(st.integers(-3, 12), min_size=2, max_size=4)
        .filter(lambda s: min(s) <= 0)
        .map(tuple),
        st.lists(st.one_of(st.none(), st.text(max_size=1)), min_size=2, max_size=3).map(tuple),
        st.integers(1, 8),
    ),
)
dtypes = tagged(
    st.sampled_from((None, *FLOAT_DTYPES)),
    st.sampled_from(["int32", "bool", "uint8", "float8", "complex64"]),
)


@pytest.fixture(autouse=True)
def no_draw_on_error(monkeypatch):
    """Drawing is allowed only once validation is over: record every draw."""
    draws = []
    for name in ("normal", "uniform", "truncated_normal"):
        real = getattr(keras.random, name)

        def spy(*args, _real=real, **kwargs):
            draws.append(kwargs.get("shape", args[0] if args else None))
            return _real(*args, **kwargs)

        monkeypatch.setattr(keras.random, name, spy)
    return draws


@fuzz_settings(60)
@given(
    st.sampled_from([KaimingNormal, KaimingUniform]),
    modes,
    nonlinearities,
    slopes,
    seeds,
    shapes,
    dtypes,
)
def test_invalid_is_a_named_value_error_and_valid_is_finite(
    no_draw_on_error, cls, mode, nonlinearity, slope, seed, shape, dtype
):
    no_draw_on_error.clear()
    slope_valid = slope == 0.0 or (
        nonlinearity == ("leaky_relu", True)
        and isinstance(slope, float)
        and math.isfinite(slope)
        and slope >= 0
    )
    arguments = {
        "`mode`": mode,
        "`nonlinearity`": nonlinearity,
        "`negative_slope`": (slope, slope_valid),
        "`seed`": seed,
    }
    bad = {name for name, (_, ok) in arguments.items() if not ok}
    try:
        initializer = cls(
            mode=mode[0], nonlinearity=nonlinearity[0], negative_slope=slope, seed=seed[0]
        )
    except ValueError as error:
        message = str(error)
        assert bad, f"valid arguments refused: {message}"
        assert any(name in message for name in bad | {"`param`"}), message
        assert "Expect" in message or "only" in message.lower() or "leave" in message, message
        return
    assert not bad, f"accepted invalid {bad}"
    call_bad = not shape[1] or not dtype[1]
    try:
        values = initializer(shape[0], dtype=dtype[0])
    except ValueError as error:
        assert call_bad, f"valid call refused: {error}"
        assert ("`shape`" in str(error)) or ("`dtype`" in str(error)), error
        assert no_draw_on_error == [], "drew before refusing"
        return
    assert not call_bad, f"accepted shape={shape[0]!r} dtype={dtype[0]!r}"
    assert tuple(values.shape) == shape[0]
    assert keras.backend.standardize_dtype(values.dtype) == (dtype[0] or keras.config.floatx())
    assert np.isfinite(keras.ops.convert_to_numpy(keras.ops.cast(values, "float32"))).all()
