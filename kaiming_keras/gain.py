"""The gain of a nonlinearity and the fans of a weight shape: the two numbers He's rule needs.

Nothing here draws random numbers or imports Keras; the initializers combine the two as
``std = gain / sqrt(fan)``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from numbers import Integral, Real

from kaiming_lint import knowledge

# Keras's `leaky_relu` activation (the string "leaky_relu" and `keras.activations.leaky_relu`)
# uses this slope, so a Keras model that names the activation gets the right gain by default.
DEFAULT_LEAKY_SLOPE = knowledge.KERAS_LEAKY_RELU_SLOPE

# The gains are Keras facts shared with the linter: kaiming_lint.knowledge holds them.
_FIXED_GAINS: dict[str, float] = knowledge.NONLINEARITY_GAINS
_SLOPED = knowledge.SLOPED_NONLINEARITY

KNOWN_NONLINEARITIES: tuple[str, ...] = (*_FIXED_GAINS, _SLOPED)
"""Every name `calculate_gain` accepts."""

FAN_MODES: tuple[str, ...] = ("fan_in", "fan_out", "fan_avg")
"""Every `mode` the initializers accept."""


def _is_real(value: object) -> bool:
    return isinstance(value, Real) and not isinstance(value, bool)


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    """Returns the recommended gain for a nonlinearity.

    The gain is the factor that keeps the variance of a layer's output equal to the variance
    of its input when the weights are drawn with ``std = gain / sqrt(fan)``:

    | nonlinearity                                   | gain                        |
    |------------------------------------------------|-----------------------------|
    | `linear`, `conv1d/2d/3d`, `conv_transpose1d/2d/3d`, `sigmoid` | 1            |
    | `tanh`                                         | 5 / 3                       |
    | `relu`, `relu6`                                | sqrt(2)                     |
    | `leaky_relu`                                   | sqrt(2 / (1 + slope ** 2))  |
    | `selu`                                         | 3 / 4                       |

    Examples:

    >>> calculate_gain("relu")
    1.4142135623730951
    >>> calculate_gain("leaky_relu", 0.1)
    1.4071950894605838

    Args:
        nonlinearity: One of the names in the table above (lower case).
        param: The negative slope, for `"leaky_relu"` only. Defaults to 0.2, the slope of
            Keras's own `leaky_relu` activation, so `activation="leaky_relu"` and
            `calculate_gain("leaky_relu")` agree. (PyTorch defaults to 0.01; pass it
            explicitly if you need that.) Must be `None` for every other nonlinearity.

    Returns:
        The gain, a positive Python float.

    Raises:
        ValueError: for an unknown name, or a `param` that is not a finite number >= 0 or is
            given for a nonlinearity that takes none.

    Reference:
        - [He et al., 2015](https://arxiv.org/abs/1502.01852), "Delving Deep into Rectifiers".
    """
    if not isinstance(nonlinearity, str) or nonlinearity not in KNOWN_NONLINEARITIES:
        raise ValueError(
            f"Invalid `nonlinearity`: {nonlinearity!r}. "
            f"Expected one of: {', '.join(KNOWN_NONLINEARITIES)}."
        )
    if nonlinearity != _SLOPED:
        if param is not None:
            raise ValueError(
                f"Invalid `param`: {param!r}. Only nonlinearity='leaky_relu' takes a "
                f"negative slope; for {nonlinearity!r} leave `param` as None."
            )
        return _FIXED_GAINS[nonlinearity]
    slope = DEFAULT_LEAKY_SLOPE if param is None else param
    if not _is_real(slope) or not math.isfinite(slope) or slope < 0:
        # Keras's LeakyReLU refuses a negative slope too.
        raise ValueError(
            f"Invalid `param` (negative slope): {param!r}. Expected a finite number >= 0."
        )
    return knowledge.he_gain(float(slope))


def normalize_axes(axes: Sequence[int] | None, name: str) -> list[int] | None:
    """Validates an `input_axes`/`output_axes` argument; returns it as a list of ints or None.

    Raises:
        ValueError: if `axes` is not None or a non-empty sequence of distinct integers.
    """
    if axes is None:
        return None
    if (
        isinstance(axes, (str, bytes))
        or not isinstance(axes, Sequence)
        or not axes
        or not all(isinstance(a, Integral) and not isinstance(a, bool) for a in axes)
    ):
        raise ValueError(
            f"Invalid `{name}`: {axes!r}. Expected None or a non-empty list of integer axes."
        )
    values = [int(a) for a in axes]
    if len(set(values)) != len(values):
        raise ValueError(f"Invalid `{name}`: {axes!r}. Axes must not repeat.")
    return values


def _shape_tuple(shape: Sequence[int]) -> tuple[int, ...]:
    try:
        dims = tuple(shape)
    except TypeError:
        dims = None
    if dims is None or not all(
        isinstance(d, Integral) and not isinstance(d, bool) and d >= 0 for d in dims
    ):
        raise ValueError(
            f"Invalid `shape`: {shape!r}. Expected a sequence of non-negative integers."
        )
    return tuple(int(d) for d in dims)


def _product_over(shape: tuple[int, ...], axes: list[int], name: str) -> int:
    rank = len(shape)
    product = 1
    for axis in axes:
        if not -rank <= axis < rank:
            raise ValueError(
                f"Invalid `{name}`: axis {axis} is out of range for shape {shape} "
                f"(allowed: {-rank} to {rank - 1})."
            )
        product *= shape[axis]
    return product


def compute_fans(
    shape: Sequence[int],
    input_axes: Sequence[int] | None = None,
    output_axes: Sequence[int] | None = None,
) -> tuple[int, int]:
    """Returns `(fan_in, fan_out)` of a weight tensor in Keras's layouts.

    - Dense `(in, out)`: `fan_in = in`, `fan_out = out`.
    - ConvND `(*kernel, in, out)`: `fan_in = prod(kernel) * in`, `fan_out = prod(kernel) * out`.
    - A vector `(n,)`: both fans are `n`; a scalar: both are 1.

    `input_axes` (`output_axes`) replace the rule above for `fan_in` (`fan_out`): the fan is the
    product of the sizes of those axes. Use them where the shape misleads, e.g. EinsumDense
    kernels, or a depthwise kernel `(kh, kw, channels, multiplier)` whose true fan-in is
    `kh * kw` (`input_axes=[0, 1]`).

    Examples:

    >>> compute_fans((3, 3, 64, 128))
    (576, 1152)
    >>> compute_fans((3, 3, 64, 1), input_axes=[0, 1])
    (9, 9)

    Raises:
        ValueError: if `shape` is not a sequence of non-negative integers, an axis is out of
            range, or either fan is zero (the shape has a zero-size fan).
    """
    dims = _shape_tuple(shape)
    in_axes = normalize_axes(input_axes, "input_axes")
    out_axes = normalize_axes(output_axes, "output_axes")
    if len(dims) == 0:
        fan_in = fan_out = 1
    elif len(dims) == 1:
        fan_in = fan_out = dims[0]
    else:
        receptive = math.prod(dims[:-2])
        fan_in = receptive * dims[-2]
        fan_out = receptive * dims[-1]
    if in_axes is not None:
        fan_in = _product_over(dims, in_axes, "input_axes")
    if out_axes is not None:
        fan_out = _product_over(dims, out_axes, "output_axes")
    if fan_in == 0 or fan_out == 0:
        raise ValueError(
            f"Invalid `shape`: {dims} has a zero-size fan (fan_in={fan_in}, "
            f"fan_out={fan_out}). Every axis that counts toward a fan must be at least 1."
        )
    return fan_in, fan_out


def fan_for_mode(fan_in: int, fan_out: int, mode: str) -> float:
    """Returns the fan `mode` selects: `fan_in`, `fan_out`, or their mean for `fan_avg`."""
    if mode == "fan_in":
        return float(fan_in)
    if mode == "fan_out":
        return float(fan_out)
    if mode == "fan_avg":
        return (fan_in + fan_out) / 2.0
    raise ValueError(f"Invalid `mode`: {mode!r}. Expected one of: {', '.join(FAN_MODES)}.")
