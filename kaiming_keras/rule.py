"""He's rule as plain Python: the validated arguments, the gain, and the std for a shape.

Both initializer families use it, the Keras 3 classes (`kaiming_keras.initializers`) and the
Keras 2 classes (`kaiming_keras.keras2`), so they accept and refuse the same arguments and draw
with the same standard deviation. Nothing here imports Keras or draws random numbers.
"""

from __future__ import annotations

import json
import math
import random as python_random
from collections.abc import Sequence
from dataclasses import dataclass
from numbers import Integral, Real
from typing import Any

from kaiming_keras.gain import FAN_MODES, calculate_gain, compute_fans, fan_for_mode, normalize_axes

FLOAT_DTYPES: tuple[str, ...] = ("float16", "bfloat16", "float32", "float64")
"""The dtypes the initializers draw."""

NORMAL_DISTRIBUTIONS: tuple[str, ...] = ("normal", "truncated_normal")
UNIFORM_DISTRIBUTIONS: tuple[str, ...] = ("uniform",)

# The standard deviation of a standard normal cut at +-2: the truncated draw divides by it so
# that its variance is still gain**2 / fan.
TRUNCATED_STD = 0.87962566103423978
CUT = 2.0
SQRT2 = math.sqrt(2.0)
SQRT3 = math.sqrt(3.0)
# P(Z < -2) for a standard normal Z: the truncated draw inverts the CDF on [P(Z<-2), P(Z<2)].
TAIL = 0.5 * math.erfc(CUT / SQRT2)
SEED_LIMIT = 2**32
# Unseeded draws take a fresh seed from Python's `random` (which Keras's `set_random_seed`
# seeds), so every backend accepts it as a plain seed.
_FRESH_SEED_LIMIT = 2**31


def is_int_seed(seed: Any) -> bool:
    """Whether `seed` is a valid integer seed, in [0, 2**32)."""
    return isinstance(seed, Integral) and not isinstance(seed, bool) and 0 <= int(seed) < SEED_LIMIT


def fresh_seed() -> int:
    """A new seed for one unseeded draw, from Python's (Keras-seeded) `random` module."""
    return python_random.randrange(_FRESH_SEED_LIMIT)


def check_float_dtype(name: str | None, given: Any) -> str:
    """Returns `name` if it is a float dtype the initializers draw; raises ValueError otherwise."""
    if name not in FLOAT_DTYPES:
        raise ValueError(f"Invalid `dtype`: {given!r}. Expected one of: {', '.join(FLOAT_DTYPES)}.")
    return name


def _check_slope(negative_slope: Any) -> float:
    if (
        not isinstance(negative_slope, Real)
        or isinstance(negative_slope, bool)
        or not math.isfinite(negative_slope)
        or negative_slope < 0
    ):
        # Keras's LeakyReLU and ReLU layers refuse a negative slope too.
        raise ValueError(
            f"Invalid `negative_slope`: {negative_slope!r}. Expected a finite number >= 0."
        )
    return float(negative_slope)


@dataclass(frozen=True)
class HeRule:
    """The arguments every Kaiming initializer takes, validated, and the std they give."""

    mode: str
    nonlinearity: str
    negative_slope: float
    distribution: str
    input_axes: list[int] | None
    output_axes: list[int] | None
    gain: float

    @classmethod
    def validated(
        cls,
        owner: str,
        distributions: tuple[str, ...],
        *,
        mode: Any,
        nonlinearity: Any,
        negative_slope: Any,
        distribution: Any,
        input_axes: Any,
        output_axes: Any,
    ) -> HeRule:
        """Checks every argument; raises a one-line ValueError naming the first bad one.

        `owner` is the initializer's class name (for messages); `distributions` the values
        of `distribution` it allows.
        """
        if mode not in FAN_MODES:
            raise ValueError(f"Invalid `mode`: {mode!r}. Expected one of: {', '.join(FAN_MODES)}.")
        if distribution not in distributions:
            raise ValueError(
                f"Invalid `distribution` for {owner}: {distribution!r}. "
                f"Expected one of: {', '.join(distributions)}."
            )
        slope = _check_slope(negative_slope)
        if nonlinearity == "leaky_relu":
            gain = calculate_gain(nonlinearity, slope)
        elif slope != 0:
            raise ValueError(
                f"Invalid `negative_slope`: {negative_slope!r}. It only applies to "
                f"nonlinearity='leaky_relu'; with nonlinearity={nonlinearity!r} it must be 0."
            )
        else:
            gain = calculate_gain(nonlinearity)
        return cls(
            mode=mode,
            nonlinearity=nonlinearity,
            negative_slope=slope,
            distribution=distribution,
            input_axes=normalize_axes(input_axes, "input_axes"),
            output_axes=normalize_axes(output_axes, "output_axes"),
            gain=gain,
        )

    def std(
        self,
        shape: Sequence[int],
        input_axes: Sequence[int] | None = None,
        output_axes: Sequence[int] | None = None,
    ) -> float:
        """`gain / sqrt(fan)` for a weight of `shape`; the axes default to the rule's own."""
        fan_in, fan_out = compute_fans(
            shape,
            self.input_axes if input_axes is None else input_axes,
            self.output_axes if output_axes is None else output_axes,
        )
        return self.gain / math.sqrt(fan_for_mode(fan_in, fan_out, self.mode))

    def config(self) -> dict[str, Any]:
        """The constructor arguments (all but `seed`), as `get_config` returns them."""
        return {
            "mode": self.mode,
            "nonlinearity": self.nonlinearity,
            "negative_slope": self.negative_slope,
            "distribution": self.distribution,
            "input_axes": self.input_axes,
            "output_axes": self.output_axes,
        }


class HeInitializerMixin:
    """Equality, hashing and repr from `get_config()`, for both initializer families."""

    seed: Any

    def get_config(self) -> dict[str, Any]:
        raise NotImplementedError

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self.get_config() == other.get_config()

    def __hash__(self) -> int:
        return hash((type(self).__name__, json.dumps(self.get_config(), sort_keys=True)))

    def __repr__(self) -> str:
        config = {**self.get_config(), "seed": self.seed}
        arguments = ", ".join(f"{key}={value!r}" for key, value in config.items())
        return f"{type(self).__name__}({arguments})"
