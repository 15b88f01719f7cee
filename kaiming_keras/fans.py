"""The true fans of a built Keras layer: how many inputs each output sums, and vice versa.

Keras's ``compute_fans`` reads fans off a kernel's shape as if every kernel were a Dense or
ConvND kernel ``(*kernel, in, out)``. That is wrong for:

- a depthwise kernel ``(*kernel, channels, multiplier)``: each output sums only
  ``prod(kernel)`` inputs (one channel), not ``prod(kernel) * channels``;
- a transposed convolution ``(*kernel, out, in)``: the shape's last two axes are swapped, and
  with strides each output sums on average ``in * prod(kernel) / prod(strides)`` inputs;
- an EinsumDense kernel (and so MultiHeadAttention's projections): the summed axes are those
  the equation contracts, wherever they sit in the shape.

``fan_out`` counts, on average, how many outputs each input reaches (what the backward pass
sums), so strided convolutions divide it by ``prod(strides)``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import keras

FAN_MODES: tuple[str, ...] = ("fan_in", "fan_out")


@dataclass(frozen=True)
class WeightFans:
    """The fans of one weight of a layer.

    Attributes:
        path: The weight's attribute path on the layer: "kernel", "pointwise_kernel",
            "output_dense.kernel", ...
        fan_in: How many inputs each output of this weight sums (an average for strided
            transposed convolutions).
        fan_out: How many outputs each input reaches, on average.
        final: Whether this weight produces the layer's output (the part an activation after
            the layer sees); False for a separable layer's depthwise part and for attention's
            query/key/value projections.
    """

    path: str
    fan_in: float
    fan_out: float
    final: bool = True

    def fan(self, mode: str) -> float:
        """The fan ``mode`` ("fan_in" or "fan_out") selects."""
        if mode not in FAN_MODES:
            raise ValueError(f"Invalid `mode`: {mode!r}. Expected one of: {', '.join(FAN_MODES)}.")
        return self.fan_in if mode == "fan_in" else self.fan_out


def _shape(layer: Any, attribute: str) -> tuple[int, ...]:
    weight = getattr(layer, attribute, None)
    if weight is None:
        raise ValueError(
            f"Layer {layer.name!r} is not built (it has no `{attribute}` yet); "
            "build the model first, e.g. by calling it on data or `model.build(input_shape)`."
        )
    return tuple(int(d) for d in weight.shape)


def _strides(layer: Any, rank: int) -> int:
    strides = getattr(layer, "strides", 1)
    if isinstance(strides, int):
        return strides**rank
    return math.prod(int(s) for s in strides)


def _einsum_fans(equation: str, kernel_shape: tuple[int, ...]) -> tuple[int, int]:
    """Fans of an einsum kernel: the axes it contracts with the input, and those it adds."""
    inputs, output = equation.replace(" ", "").split("->")
    input_spec, kernel_spec = inputs.split(",")
    input_spec, kernel_spec, output = (
        s.replace("...", "") for s in (input_spec, kernel_spec, output)
    )
    if len(kernel_spec) != len(kernel_shape):
        raise ValueError(
            f"EinsumDense equation {equation!r} does not match its kernel shape {kernel_shape}."
        )
    fan_in = fan_out = 1
    for letter, size in zip(kernel_spec, kernel_shape, strict=True):
        if letter in input_spec and letter not in output:
            fan_in *= size
        elif letter in output and letter not in input_spec:
            fan_out *= size
    return fan_in, fan_out


def _einsum_dense(layer: Any, prefix: str = "", final: bool = True) -> WeightFans:
    fan_in, fan_out = _einsum_fans(layer.equation, _shape(layer, "kernel"))
    return WeightFans(f"{prefix}kernel", fan_in, fan_out, final)


def _depthwise(layer: Any, attribute: str, final: bool) -> WeightFans:
    shape = _shape(layer, attribute)
    receptive = math.prod(shape[:-2])
    multiplier = shape[-1]
    return WeightFans(
        attribute, receptive, receptive * multiplier / _strides(layer, len(shape) - 2), final
    )


def layer_fans(layer: Any) -> list[WeightFans]:
    """The fans of each weight of a built kernel layer that a He initialization draws.

    Raises:
        ValueError: for a layer kind this module does not know, or an unbuilt layer.
    """
    layers = keras.layers
    if isinstance(layer, layers.MultiHeadAttention):
        parts = [
            (layer.query_dense, "query_dense.", False),
            (layer.key_dense, "key_dense.", False),
            (layer.value_dense, "value_dense.", False),
            (layer.output_dense, "output_dense.", True),
        ]
        return [_einsum_dense(dense, prefix, final) for dense, prefix, final in parts]
    if isinstance(layer, layers.EinsumDense):
        return [_einsum_dense(layer)]
    if isinstance(layer, layers.Dense):
        fan_in, fan_out = _shape(layer, "kernel")[-2:]
        return [WeightFans("kernel", fan_in, fan_out)]
    if isinstance(layer, (layers.SeparableConv1D, layers.SeparableConv2D)):
        pointwise = _shape(layer, "pointwise_kernel")
        return [
            _depthwise(layer, "depthwise_kernel", final=False),
            WeightFans("pointwise_kernel", pointwise[-2], pointwise[-1]),
        ]
    if isinstance(layer, (layers.DepthwiseConv1D, layers.DepthwiseConv2D)):
        return [_depthwise(layer, "kernel", final=True)]
    if isinstance(layer, (layers.Conv1DTranspose, layers.Conv2DTranspose, layers.Conv3DTranspose)):
        shape = _shape(layer, "kernel")  # (*kernel, out, in)
        receptive = math.prod(shape[:-2])
        out_channels, in_channels = shape[-2], shape[-1]
        return [
            WeightFans(
                "kernel",
                in_channels * receptive / _strides(layer, len(shape) - 2),
                out_channels * receptive,
            )
        ]
    if isinstance(layer, (layers.Conv1D, layers.Conv2D, layers.Conv3D)):
        shape = _shape(layer, "kernel")  # (*kernel, in / groups, out)
        receptive = math.prod(shape[:-2])
        groups = int(getattr(layer, "groups", 1) or 1)
        return [
            WeightFans(
                "kernel",
                receptive * shape[-2],
                receptive * shape[-1] / groups / _strides(layer, len(shape) - 2),
            )
        ]
    raise ValueError(
        f"Layer {layer.name!r} of class {type(layer).__name__} has no known fan rule; "
        "expected Dense, EinsumDense, ConvND, ConvNDTranspose, DepthwiseConvND, "
        "SeparableConvND or MultiHeadAttention."
    )


def true_fans(layer: Any) -> tuple[float, float]:
    """``(fan_in, fan_out)`` of the weight that produces the layer's output."""
    final = [fans for fans in layer_fans(layer) if fans.final]
    return final[-1].fan_in, final[-1].fan_out
