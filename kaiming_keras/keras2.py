"""`KaimingNormal`, `KaimingUniform` and `calculate_gain` for Keras 2 (`tf_keras`).

The same initializers as `kaiming_keras`'s Keras 3 classes (the same arguments, validation,
gain and fans, from `kaiming_keras.rule`), as subclasses of `tf_keras.initializers.
VarianceScaling`, drawn with TensorFlow's stateless random ops. Importing this module registers
them with tf_keras's serialization under the package "kaiming_keras", and the strings
`"kaiming_normal"` / `"kaiming_uniform"`, so a tf_keras model that uses them saves and loads
(`.keras` and `.h5`) without `custom_objects`.

Examples:

>>> import tf_keras
>>> from kaiming_keras.keras2 import KaimingNormal
>>> layer = tf_keras.layers.Dense(128, activation="relu", kernel_initializer=KaimingNormal())
>>> layer = tf_keras.layers.Dense(128, activation="relu", kernel_initializer="kaiming_normal")

Differences from the Keras 3 classes: `seed` is `None` or an integer (tf_keras has no
`SeedGenerator`), and the model-level tools (`initialize`, `audit`, `variance_report`) are
Keras 3 only. tf_keras's EinsumDense does not pass its axes to an
initializer: give `input_axes`/`output_axes` yourself for an einsum kernel.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

try:
    import tensorflow as tf
    import tf_keras
except ModuleNotFoundError as missing:
    if missing.name not in ("tensorflow", "tf_keras"):
        raise
    raise ImportError(
        "kaiming_keras.keras2 needs TensorFlow and tf_keras (Keras 2): "
        "pip install 'kaiming-keras[keras2]'"
    ) from missing

from kaiming_keras import rule
from kaiming_keras.gain import calculate_gain
from kaiming_keras.rule import HeInitializerMixin, HeRule

__all__ = ["KaimingNormal", "KaimingUniform", "calculate_gain"]


def _validate_seed(seed: Any) -> int | None:
    if seed is None:
        return None
    if rule.is_int_seed(seed):
        return int(seed)
    raise ValueError(f"Invalid `seed`: {seed!r}. Expected None or an integer in [0, 2**32).")


def _validate_dtype(dtype: Any) -> tf.DType:
    if dtype is None:
        dtype = tf_keras.backend.floatx()
    try:
        name = tf.as_dtype(dtype).name
    except TypeError:
        name = None
    return tf.as_dtype(rule.check_float_dtype(name, dtype))


def _stateless_seed(seed: int) -> tf.Tensor:
    # A 64-bit seed pair for TensorFlow's stateless ops: the same values in any process.
    return tf.constant([seed, 0], dtype=tf.int64)


class _Kaiming(HeInitializerMixin, tf_keras.initializers.VarianceScaling):
    """What the Keras 2 `KaimingNormal` and `KaimingUniform` share."""

    _DISTRIBUTIONS: tuple[str, ...] = ()
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
        seed: int | None = None,
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
        super().__init__(
            scale=he.gain**2, mode=mode, distribution=self._KERAS_DISTRIBUTIONS[distribution]
        )
        self._he = he
        self.input_axes = he.input_axes
        self.output_axes = he.output_axes
        self.nonlinearity = he.nonlinearity
        self.negative_slope = he.negative_slope
        self.distribution = distribution
        self.gain = he.gain
        self.seed = seed

    def __call__(self, shape: Sequence[int], dtype: Any = None, **kwargs: Any) -> tf.Tensor:
        """Returns a tensor of `shape` and `dtype` (default `tf_keras.backend.floatx()`)."""
        if kwargs:
            raise ValueError(
                f"Invalid keyword arguments for {type(self).__name__}: {sorted(kwargs)}. "
                "Partitioned variables and DTensor layouts are not supported."
            )
        dtype = _validate_dtype(dtype)
        std = self._he.std(shape, self.input_axes, self.output_axes)
        seed = rule.fresh_seed() if self.seed is None else self.seed
        return self._draw(tuple(int(d) for d in shape), std, dtype, _stateless_seed(seed))

    def _draw(self, shape: tuple[int, ...], std: float, dtype: tf.DType, seed: Any) -> tf.Tensor:
        raise NotImplementedError

    def get_config(self) -> dict[str, Any]:
        """Returns every constructor argument; `from_config` rebuilds an equal initializer."""
        return {
            **self._he.config(),
            "seed": self.seed,
            "input_axes": self.input_axes,
            "output_axes": self.output_axes,
        }

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> _Kaiming:
        return cls(**config)


@tf_keras.saving.register_keras_serializable(package="kaiming_keras")
class KaimingNormal(_Kaiming):
    """Kaiming (He) normal initializer for tf_keras: weights with std `gain / sqrt(fan)`.

    `w ~ N(0, std**2)`, `std = gain / sqrt(fan)`; with `distribution="truncated_normal"`
    the values are cut at two standard deviations and the std raised so the variance is still
    `gain**2 / fan`. As `kaiming_keras.KaimingNormal`, for Keras 2.

    Examples:

    >>> initializer = KaimingNormal(seed=0)
    >>> values = initializer(shape=(256, 128))
    >>> layer = tf_keras.layers.Dense(128, activation="relu", kernel_initializer=initializer)

    Args:
        mode: `"fan_in"` (default), `"fan_out"` or `"fan_avg"`.
        nonlinearity: The activation after the layer (`"relu"` by default; see
            `calculate_gain`).
        negative_slope: The slope of `"leaky_relu"` (>= 0); must be 0 otherwise.
        distribution: `"normal"` (untruncated, default) or `"truncated_normal"`.
        seed: `None` (fresh values on every call; reproducible after
            `tf_keras.utils.set_random_seed`) or an integer in `[0, 2**32)` (the same values on
            every call, in any process).
        input_axes: Optional axes whose sizes multiply to the fan-in.
        output_axes: Optional axes whose sizes multiply to the fan-out.

    Reference:
        - [He et al., 2015](https://arxiv.org/abs/1502.01852), "Delving Deep into Rectifiers".
    """

    _DISTRIBUTIONS = rule.NORMAL_DISTRIBUTIONS

    def __init__(
        self,
        mode: str = "fan_in",
        nonlinearity: str = "relu",
        negative_slope: float = 0.0,
        distribution: str = "normal",
        seed: int | None = None,
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

    def _draw(self, shape: tuple[int, ...], std: float, dtype: tf.DType, seed: Any) -> tf.Tensor:
        if self.distribution == "normal":
            return tf.random.stateless_normal(shape, seed, stddev=std, dtype=dtype)
        # Inverse-CDF sampling cuts exactly at 2 std, as the Keras 3 class does.
        work = tf.float64 if dtype == tf.float64 else tf.float32
        u = tf.random.stateless_uniform(
            shape, seed, minval=rule.TAIL, maxval=1.0 - rule.TAIL, dtype=work
        )
        z = tf.clip_by_value(rule.SQRT2 * tf.math.erfinv(2.0 * u - 1.0), -rule.CUT, rule.CUT)
        return tf.cast(z * (std / rule.TRUNCATED_STD), dtype)


@tf_keras.saving.register_keras_serializable(package="kaiming_keras")
class KaimingUniform(_Kaiming):
    """Kaiming (He) uniform initializer for tf_keras: `U(-bound, bound)`, variance `gain**2 / fan`.

    `bound = gain * sqrt(3 / fan)`. As `kaiming_keras.KaimingUniform`, for Keras 2.

    Examples:

    >>> initializer = KaimingUniform(seed=0)
    >>> values = initializer(shape=(3, 3, 64, 128))

    Args:
        mode: `"fan_in"` (default), `"fan_out"` or `"fan_avg"`.
        nonlinearity: The activation after the layer (`"relu"` by default).
        negative_slope: The slope of `"leaky_relu"` (>= 0); must be 0 otherwise.
        distribution: Only `"uniform"`, the default.
        seed: `None` (fresh values on every call) or an integer in `[0, 2**32)`.
        input_axes: Optional axes whose sizes multiply to the fan-in.
        output_axes: Optional axes whose sizes multiply to the fan-out.

    Reference:
        - [He et al., 2015](https://arxiv.org/abs/1502.01852), "Delving Deep into Rectifiers".
    """

    _DISTRIBUTIONS = rule.UNIFORM_DISTRIBUTIONS

    def __init__(
        self,
        mode: str = "fan_in",
        nonlinearity: str = "relu",
        negative_slope: float = 0.0,
        distribution: str = "uniform",
        seed: int | None = None,
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

    def _draw(self, shape: tuple[int, ...], std: float, dtype: tf.DType, seed: Any) -> tf.Tensor:
        bound = rule.SQRT3 * std
        return tf.random.stateless_uniform(shape, seed, minval=-bound, maxval=bound, dtype=dtype)


# String names for `kernel_initializer=`: tf_keras looks a bare string up in the global custom
# objects before its own table.
tf_keras.saving.get_custom_objects().update(
    {
        "kaiming_normal": KaimingNormal,
        "kaiming_uniform": KaimingUniform,
        "KaimingNormal": KaimingNormal,
        "KaimingUniform": KaimingUniform,
    }
)
