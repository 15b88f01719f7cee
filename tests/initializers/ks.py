"""The Kolmogorov-Smirnov machinery the statistical tests share (Keras 3 and Keras 2 classes).

The targets are written out from He's rule, independently of the code under test.
"""

from __future__ import annotations

import math

from scipy import stats

# A fixed seed makes each p-value a fixed number; a correct sampler passes far above this.
ALPHA = 1e-4
CUT_STD = 0.87962566103423978  # std of a standard normal truncated to [-2, 2]

# (id, kernel shape, axes overrides, fan_in, fan_out): fans written out from each layout.
SHAPES = [
    ("dense", (512, 256), {}, 512, 256),
    ("conv1d", (5, 64, 512), {}, 5 * 64, 5 * 512),
    ("conv2d", (3, 3, 96, 160), {}, 3 * 3 * 96, 3 * 3 * 160),
    ("conv3d", (3, 3, 3, 64, 96), {}, 27 * 64, 27 * 96),
    ("depthwise_axes", (3, 3, 96, 160), {"input_axes": [0, 1]}, 9, 9 * 160),
    ("einsum_axes", (256, 8, 64), {"input_axes": [0], "output_axes": [1, 2]}, 256, 512),
]
MODES = {
    "fan_in": lambda fi, fo: fi,
    "fan_out": lambda fi, fo: fo,
    "fan_avg": lambda fi, fo: (fi + fo) / 2,
}
NONLINEARITIES = [("relu", 0.0, 2.0), ("leaky_relu", 0.1, 2 / 1.01), ("leaky_relu", 0.3, 2 / 1.09)]


def target(distribution: str, std: float):
    """The frozen scipy distribution the weights must follow, for a weight std of `std`."""
    if distribution == "normal":
        return stats.norm(scale=std)
    if distribution == "truncated_normal":
        return stats.truncnorm(-2, 2, scale=std / CUT_STD)
    bound = math.sqrt(3) * std
    return stats.uniform(loc=-bound, scale=2 * bound)
