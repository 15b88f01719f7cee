"""Seeds: int -> same values everywhere; None -> fresh per call; SeedGenerator -> a sequence."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from kaiming_keras import KaimingNormal, KaimingUniform

from .helpers import DRAW_SHAPE, SEEDED_DRAWS, to_numpy

SHAPE = DRAW_SHAPE
INITIALIZERS = [
    pytest.param(lambda **kw: KaimingNormal(**kw), id="normal"),
    pytest.param(lambda **kw: KaimingNormal(distribution="truncated_normal", **kw), id="truncated"),
    pytest.param(lambda **kw: KaimingUniform(**kw), id="uniform"),
]


@pytest.mark.parametrize("make", INITIALIZERS)
def test_int_seed_repeats_and_differs_between_seeds(make):
    first = to_numpy(make(seed=7)(SHAPE))
    np.testing.assert_array_equal(first, to_numpy(make(seed=7)(SHAPE)))
    initializer = make(seed=7)
    np.testing.assert_array_equal(to_numpy(initializer(SHAPE)), to_numpy(initializer(SHAPE)))
    assert not np.array_equal(first, to_numpy(make(seed=8)(SHAPE)))


@pytest.mark.parametrize("make", INITIALIZERS)
def test_unseeded_gives_fresh_values_on_every_call(make):
    initializer = make()
    assert not np.array_equal(to_numpy(initializer(SHAPE)), to_numpy(initializer(SHAPE)))


def test_two_dense_layers_sharing_one_unseeded_instance_get_different_kernels():
    shared = KaimingNormal()
    first = keras.layers.Dense(32, kernel_initializer=shared)
    second = keras.layers.Dense(32, kernel_initializer=shared)
    first.build((None, 64))
    second.build((None, 64))
    assert not np.array_equal(to_numpy(first.kernel), to_numpy(second.kernel))


@pytest.mark.parametrize("make", INITIALIZERS)
def test_unseeded_is_reproducible_after_set_random_seed(make):
    keras.utils.set_random_seed(11)
    initializer = make()
    first = [to_numpy(initializer(SHAPE)), to_numpy(make()(SHAPE))]
    keras.utils.set_random_seed(11)
    initializer = make()
    second = [to_numpy(initializer(SHAPE)), to_numpy(make()(SHAPE))]
    np.testing.assert_array_equal(first[0], second[0])
    np.testing.assert_array_equal(first[1], second[1])


def test_models_built_after_set_random_seed_match():
    def build():
        keras.utils.set_random_seed(3)
        return keras.Sequential(
            [
                keras.Input((64,)),
                keras.layers.Dense(32, activation="relu", kernel_initializer="kaiming_normal"),
                keras.layers.Dense(32, activation="relu", kernel_initializer="kaiming_uniform"),
            ]
        )

    for a, b in zip(build().weights, build().weights, strict=True):
        np.testing.assert_array_equal(to_numpy(a), to_numpy(b))


@pytest.mark.parametrize("make", INITIALIZERS)
def test_seed_generator_gives_a_reproducible_sequence(make):
    initializer = make(seed=keras.random.SeedGenerator(5))
    first, second = to_numpy(initializer(SHAPE)), to_numpy(initializer(SHAPE))
    assert not np.array_equal(first, second)
    replay = make(seed=keras.random.SeedGenerator(5))
    np.testing.assert_array_equal(first, to_numpy(replay(SHAPE)))
    np.testing.assert_array_equal(second, to_numpy(replay(SHAPE)))


def test_int_seed_gives_the_same_values_in_a_fresh_process(fresh_process):
    there = fresh_process.result["draws"]
    assert set(there) == set(SEEDED_DRAWS)
    for name, (make, dtype) in SEEDED_DRAWS.items():
        here = to_numpy(make()(DRAW_SHAPE, dtype=dtype))
        np.testing.assert_array_equal(np.asarray(there[name], np.float32), here)
