"""The values follow the exact target distribution (Kolmogorov-Smirnov, fixed seeds)."""

from __future__ import annotations

import math

import keras
import numpy as np
import pytest
from scipy import stats

from kaiming_keras import KaimingNormal, KaimingUniform

from .helpers import to_numpy
from .ks import ALPHA, CUT_STD, MODES, NONLINEARITIES, SHAPES, target


def make(distribution: str, **kwargs):
    if distribution == "uniform":
        return KaimingUniform(**kwargs)
    return KaimingNormal(distribution=distribution, **kwargs)


def sample(distribution, shape, seed=1234, **kwargs):
    return to_numpy(make(distribution, seed=seed, **kwargs)(shape)).ravel()


@pytest.mark.parametrize("distribution", ["normal", "truncated_normal", "uniform"])
@pytest.mark.parametrize(
    ("name", "shape", "axes", "fan_in", "fan_out"), SHAPES, ids=[s[0] for s in SHAPES]
)
def test_every_layout_matches_target(distribution, name, shape, axes, fan_in, fan_out):
    values = sample(distribution, shape, **axes)
    assert values.size >= 100_000
    std = math.sqrt(2.0 / fan_in)
    assert stats.kstest(values, target(distribution, std).cdf).pvalue > ALPHA


@pytest.mark.parametrize("distribution", ["normal", "truncated_normal", "uniform"])
@pytest.mark.parametrize("mode", list(MODES))
@pytest.mark.parametrize(("nonlinearity", "slope", "gain_squared"), NONLINEARITIES)
def test_modes_and_slopes_match_target(distribution, mode, nonlinearity, slope, gain_squared):
    shape, fan_in, fan_out = (3, 3, 96, 160), 9 * 96, 9 * 160  # the conv2d layout
    values = sample(distribution, shape, mode=mode, nonlinearity=nonlinearity, negative_slope=slope)
    std = math.sqrt(gain_squared / MODES[mode](fan_in, fan_out))
    assert stats.kstest(values, target(distribution, std).cdf).pvalue > ALPHA


@pytest.mark.parametrize("distribution", ["normal", "truncated_normal", "uniform"])
@pytest.mark.parametrize("factor", [0.95, 1.05])
def test_ks_rejects_a_std_five_percent_off(distribution, factor):
    # The acceptance tests above have power: a 5% error in the std is rejected.
    values = sample(distribution, (512, 256))
    std = math.sqrt(2.0 / 512)
    assert stats.kstest(values, target(distribution, std * factor).cdf).pvalue < ALPHA


def test_ks_tells_keras_truncated_he_normal_from_the_untruncated_target():
    values = to_numpy(keras.initializers.HeNormal(seed=1234)((512, 256))).ravel()
    assert stats.kstest(values, target("normal", math.sqrt(2.0 / 512)).cdf).pvalue < ALPHA


def test_default_normal_has_gaussian_tails():
    values = sample("normal", (512, 256))
    std = math.sqrt(2.0 / 512)
    beyond = np.mean(np.abs(values) > 2 * std)
    expected = 2 * stats.norm.sf(2)  # 4.55%
    tolerance = 5 * math.sqrt(expected * (1 - expected) / values.size)
    assert abs(beyond - expected) < tolerance


def test_truncated_normal_has_no_values_past_the_cut_and_keeps_the_variance():
    values = sample("truncated_normal", (512, 256))
    std = math.sqrt(2.0 / 512)
    cut = 2 * std / CUT_STD
    assert np.abs(values).max() <= cut * (1 + 1e-6)
    assert np.abs(values).max() > 0.999 * cut
    assert values.var() == pytest.approx(std**2, rel=0.01)


def test_uniform_stays_inside_its_bound():
    values = sample("uniform", (512, 256))
    bound = math.sqrt(3) * math.sqrt(2.0 / 512)
    assert np.abs(values).max() <= bound
    assert np.abs(values).max() > 0.999 * bound


def test_means_are_zero():
    for distribution in ["normal", "truncated_normal", "uniform"]:
        values = sample(distribution, (512, 256))
        std = math.sqrt(2.0 / 512)
        assert abs(values.mean()) < 5 * std / math.sqrt(values.size)
