"""`KaimingNormal` and `KaimingUniform`: He initialization as a serializable Keras 3 initializer."""

from __future__ import annotations

import inspect
from collections.abc import Sequence
from typing import Any, ClassVar

import keras

from kaiming_keras import rule
from kaiming_keras.rule import FLOAT_DTYPES, TRUNCATED_STD, HeInitializerMixin, HeRule

__all__ = ["FLOAT_DTYPES", "KERAS_INJECTS_AXES", "TRUNCATED_STD", "KaimingNormal", "KaimingUniform"]

KERAS_INJECTS_AXES: bool = (
    "input_axes" in inspect.signature(keras.initializers.VarianceScaling.__init__).parameters
)
"""Whether this Keras's VarianceScaling has `input_axes`/`output_axes` (Keras 3.15+).

Only such a Keras makes EinsumDense and MultiHeadAttention pass their kernels' axes to a
VarianceScaling initializer. On older releases the initializers keep the two arguments
themselves, and an EinsumDense kernel's fans come from its shape unless you pass the axes
(or run `kaiming_keras.initialize(model)`, which reads them from the equation).
"""


def _validate_seed(seed: Any) -> int | keras.random.SeedGenerator | None:
    if isinstance(seed, dict):
        seed = keras.saving.deserialize_keras_object(seed)
    if seed is None or isinstance(seed, keras.random.SeedGenerator):
        return seed
    if rule.is_int_seed(seed):
        return int(seed)
    raise ValueError(
        f"Invalid `seed`: {seed!r}. Expected None, an integer in [0, 2**32), "
        "or a keras.random.SeedGenerator."
    )


def _validate_dtype(dtype: Any) -> str:
    if dtype is None:
        dtype = keras.config.floatx()
    try:
        name = keras.backend.standardize_dtype(dtype)
    except (ValueError, TypeError):
        name = None
    return rule.check_float_dtype(name, dtype)


class _Kaiming(HeInitializerMixin, keras.initializers.VarianceScaling):
    """What `KaimingNormal` and `KaimingUniform` share: arguments, fans, seeds, config."""

    _DISTRIBUTIONS: tuple[str, ...] = ()
    # The `distribution` VarianceScaling stores for each of ours (it has no "normal").
    _KERAS_DISTRIBUTIONS: ClassVar[dict[str, str]] = {
        "normal": "untruncated_normal",
        "truncated_normal": "truncated_normal",
        "uniform": "uniform",
    }

    def __init__(
        self,
        mode: str = "fan_in",
        nonlinearity: str = "relu",
        negative_slope: float = 0.0,
        distribution: str = "normal",
        seed: int | keras.random.SeedGenerator | None = None,
        input_axes: Sequence[int] | None = None,
        output_axes: Sequence[int] | None = None,
    ) -> None:
        he = HeRule.validated(
            type(self).__name__,
            self._DISTRIBUTIONS,
            mode=mode,
            nonlinearity=nonlinearity,
            negative_slope=negative_slope,
            distribution=distribution,
            input_axes=input_axes,
            output_axes=output_axes,
        )
        seed = _validate_seed(seed)
        axes = {"input_axes": he.input_axes, "output_axes": he.output_axes}
        super().__init__(
            scale=he.gain**2,
            mode=mode,
            distribution=self._KERAS_DISTRIBUTIONS[distribution],
            seed=seed,
            **(axes if KERAS_INJECTS_AXES else {}),
        )
        self._he = he
        self.input_axes = he.input_axes
        self.output_axes = he.output_axes
        self.nonlinearity = he.nonlinearity
        self.negative_slope = he.negative_slope
        self.distribution = distribution
        self.gain = he.gain
        # VarianceScaling pins an unseeded instance to one random seed; ours stays unseeded
        # and draws a fresh seed per call. EinsumDense clones us with this attribute.
        self.seed = seed

    def __call__(self, shape: Sequence[int], dtype: Any = None) -> Any:
        """Returns a tensor of `shape` and `dtype` (default `keras.config.floatx()`)."""
        dtype = _validate_dtype(dtype)
        std = self._he.std(shape, self.input_axes, self.output_axes)
        seed = self.seed
        if seed is None:
            seed = rule.fresh_seed()
        return self._draw(tuple(int(d) for d in shape), std, dtype, seed)

    def _draw(self, shape: tuple[int, ...], std: float, dtype: str, seed: Any) -> Any:
        raise NotImplementedError

    def get_config(self) -> dict[str, Any]:
        """Returns every constructor argument; `from_config` rebuilds an equal initializer."""
        seed = self.seed
        if isinstance(seed, keras.random.SeedGenerator):
            seed = keras.saving.serialize_keras_object(seed)
        return {
            **self._he.config(),
            "seed": seed,
            "input_axes": self.input_axes,
            "output_axes": self.output_axes,
        }


@keras.saving.register_keras_serializable(package="kaiming_keras")
class KaimingNormal(_Kaiming):
    """Kaiming (He) normal initializer: zero-mean Gaussian weights with std `gain / sqrt(fan)`.

    With `distribution="normal"` (the default) the weights are drawn from an *untruncated*
    normal distribution, as in He et al.:

    `w ~ N(0, std**2)`, `std = gain / sqrt(fan)`

    With `distribution="truncated_normal"` values beyond two standard deviations are cut off
    and the standard deviation is raised to `std / 0.87962566103423978`, so the variance is
    still `gain**2 / fan`. (Keras's `HeNormal` is this truncated variant with the ReLU gain.)

    `fan` is chosen by `mode`: the number of inputs feeding one unit (`"fan_in"`, keeps the
    forward signal's variance), of outputs fed by one unit (`"fan_out"`, keeps the gradients'
    variance), or their mean (`"fan_avg"`). For a Dense kernel `(in, out)` `fan_in = in`; for a
    ConvND kernel `(*kernel, in, out)` `fan_in = prod(kernel) * in`. `gain` is
    `calculate_gain(nonlinearity, negative_slope)`: `sqrt(2)` for ReLU.

    Unlike Keras's initializers, an unseeded instance draws fresh values on every call, so two
    layers that share it get different kernels; `keras.utils.set_random_seed` makes the
    sequence reproducible. An integer seed gives the same values for the same shape and dtype
    in any process.

    Examples:

    >>> # Standalone usage:
    >>> initializer = KaimingNormal(seed=0)
    >>> values = initializer(shape=(256, 128))

    >>> # Usage in a Keras layer:
    >>> layer = keras.layers.Dense(128, activation="relu", kernel_initializer=KaimingNormal())
    >>> # After `import kaiming_keras`, the string works too:
    >>> layer = keras.layers.Dense(128, activation="relu", kernel_initializer="kaiming_normal")

    >>> # A leaky ReLU with slope 0.1, variance kept for the backward pass:
    >>> initializer = KaimingNormal(mode="fan_out", nonlinearity="leaky_relu", negative_slope=0.1)

    Args:
        mode: One of `"fan_in"` (default), `"fan_out"`, `"fan_avg"`.
        nonlinearity: The activation that follows the layer, one of
            `kaiming_keras.gain.KNOWN_NONLINEARITIES` (e.g. `"relu"`, `"leaky_relu"`,
            `"tanh"`, `"linear"`). Defaults to `"relu"`.
        negative_slope: The slope of `"leaky_relu"` for negative inputs (`0.0` gives the ReLU
            gain). Must be 0 for any other nonlinearity.
        distribution: `"normal"` (untruncated, default) or `"truncated_normal"`.
        seed: `None` (fresh values on every call), an integer in `[0, 2**32)` (the same values
            on every call), or a `keras.random.SeedGenerator` (a reproducible sequence).
        input_axes: Optional list of axes whose sizes multiply to the fan-in, replacing the
            layout rule (e.g. `[0, 1]` for a depthwise kernel). EinsumDense and
            MultiHeadAttention fill it in when it is `None`.
        output_axes: Optional list of axes whose sizes multiply to the fan-out.

    Raises:
        ValueError: when an argument, or the `shape`/`dtype` of a call, is invalid; raised
            before anything is drawn.

    Reference:
        - [He et al., 2015](https://arxiv.org/abs/1502.01852), "Delving Deep into Rectifiers:
          Surpassing Human-Level Performance on ImageNet Classification".
    """

    _DISTRIBUTIONS = rule.NORMAL_DISTRIBUTIONS

    def __init__(
        self,
        mode: str = "fan_in",
        nonlinearity: str = "relu",
        negative_slope: float = 0.0,
        distribution: str = "normal",
        seed: int | keras.random.SeedGenerator | None = None,
        input_axes: Sequence[int] | None = None,
        output_axes: Sequence[int] | None = None,
    ) -> None:
        super().__init__(
            mode=mode,
            nonlinearity=nonlinearity,
            negative_slope=negative_slope,
            distribution=distribution,
            seed=seed,
            input_axes=input_axes,
            output_axes=output_axes,
        )

    def _draw(self, shape: tuple[int, ...], std: float, dtype: str, seed: Any) -> Any:
        if self.distribution == "normal":
            return keras.random.normal(shape, mean=0.0, stddev=std, dtype=dtype, seed=seed)
        # Inverse-CDF sampling cuts exactly at 2 std on every backend (Keras's PyTorch
        # truncated_normal can leave values past the cut).
        work_dtype = "float64" if dtype == "float64" else "float32"
        u = keras.random.uniform(
            shape, minval=rule.TAIL, maxval=1.0 - rule.TAIL, dtype=work_dtype, seed=seed
        )
        z = rule.SQRT2 * keras.ops.erfinv(2.0 * u - 1.0)
        z = keras.ops.clip(z, -rule.CUT, rule.CUT)
        return keras.ops.cast(z * (std / TRUNCATED_STD), dtype)


@keras.saving.register_keras_serializable(package="kaiming_keras")
class KaimingUniform(_Kaiming):
    """Kaiming (He) uniform initializer: weights from `U(-bound, bound)`, variance `gain**2 / fan`.

    `w ~ U(-bound, bound)`, `bound = gain * sqrt(3 / fan)`

    `fan`, `gain`, seeds and axes work as in `KaimingNormal`: `fan` is chosen by `mode`
    (`"fan_in"`, `"fan_out"` or `"fan_avg"`), `gain = calculate_gain(nonlinearity,
    negative_slope)`, and an unseeded instance draws fresh values on every call. Keras's
    `HeUniform` is this initializer with the ReLU gain, but pinned to one seed when unseeded.

    Examples:

    >>> # Standalone usage:
    >>> initializer = KaimingUniform(seed=0)
    >>> values = initializer(shape=(3, 3, 64, 128))

    >>> # Usage in a Keras layer:
    >>> layer = keras.layers.Conv2D(128, 3, activation="relu", kernel_initializer=KaimingUniform())
    >>> # After `import kaiming_keras`, the string works too:
    >>> layer = keras.layers.Conv2D(128, 3, activation="relu", kernel_initializer="kaiming_uniform")

    Args:
        mode: One of `"fan_in"` (default), `"fan_out"`, `"fan_avg"`.
        nonlinearity: The activation that follows the layer (see `KaimingNormal`). Defaults to
            `"relu"`.
        negative_slope: The slope of `"leaky_relu"` for negative inputs. Must be 0 for any
            other nonlinearity.
        distribution: Only `"uniform"`, the default. It is accepted so that both initializers
            take the same arguments; use `KaimingNormal` for a normal distribution.
        seed: `None` (fresh values on every call), an integer in `[0, 2**32)` (the same values
            on every call), or a `keras.random.SeedGenerator` (a reproducible sequence).
        input_axes: Optional list of axes whose sizes multiply to the fan-in.
        output_axes: Optional list of axes whose sizes multiply to the fan-out.

    Raises:
        ValueError: when an argument, or the `shape`/`dtype` of a call, is invalid; raised
            before anything is drawn.

    Reference:
        - [He et al., 2015](https://arxiv.org/abs/1502.01852), "Delving Deep into Rectifiers:
          Surpassing Human-Level Performance on ImageNet Classification".
    """

    _DISTRIBUTIONS = rule.UNIFORM_DISTRIBUTIONS

    def __init__(
        self,
        mode: str = "fan_in",
        nonlinearity: str = "relu",
        negative_slope: float = 0.0,
        distribution: str = "uniform",
        seed: int | keras.random.SeedGenerator | None = None,
        input_axes: Sequence[int] | None = None,
        output_axes: Sequence[int] | None = None,
    ) -> None:
        super().__init__(
            mode=mode,
            nonlinearity=nonlinearity,
            negative_slope=negative_slope,
            distribution=distribution,
            seed=seed,
            input_axes=input_axes,
            output_axes=output_axes,
        )

    def _draw(self, shape: tuple[int, ...], std: float, dtype: str, seed: Any) -> Any:
        bound = rule.SQRT3 * std
        return keras.random.uniform(shape, minval=-bound, maxval=bound, dtype=dtype, seed=seed)


# String names for `kernel_initializer=`: `keras.initializers.get` looks a bare string up in
# the global custom objects before its own table.
keras.saving.get_custom_objects().update(
    {
        "kaiming_normal": KaimingNormal,
        "kaiming_uniform": KaimingUniform,
        "KaimingNormal": KaimingNormal,
        "KaimingUniform": KaimingUniform,
    }
)
