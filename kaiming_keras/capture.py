"""One eager pass through a model with every layer's output recorded; with targets, a backward pass.

The machinery shared by ``variance_report`` (a one-off measurement) and ``SignalMonitor`` (the same
measurement repeated during training).

How layer outputs are captured: for the duration of the measurement, every leaf layer's ``call``
is wrapped (on the instance, then restored) so that its output is recorded as the model runs
eagerly. This works the same for Sequential, functional and subclassed models, on every Keras 3
backend, and needs no rebuilt "probe" model. The gradient with respect to a layer's output is the
gradient with respect to a zero tensor added to that output, taken with the backend's own autodiff
(TensorFlow ``GradientTape``, ``jax.grad``, ``torch.autograd.grad``); gradients with respect to
variables (kernels) come from the same backward pass (on JAX, through ``keras.StatelessScope``).

Limits: nested models are expanded into their layers, but a layer that calls other layers inside
its own ``call`` (e.g. ``MultiHeadAttention``) is one call. A layer called several times (a shared
layer) gives one call per use. Layers that the forward pass never calls have no call. Calls are
ordered by the model's layer order (``model.layers``, nested models expanded in place), which for
Sequential and functional models is the order the signal flows; for a subclassed model it is the
order in which ``__init__`` assigned the layers.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import keras
import numpy as np


@dataclass(frozen=True)
class LayerCall:
    """One call of one leaf layer during the forward pass."""

    layer: keras.layers.Layer
    name: str  # the layer's name; " (call N)" appended for the N-th call of a shared layer
    outputs: list[Any]  # the call's output tensors, flattened
    gradients: list[Any] | None  # d loss / d each output (None entries for non-float outputs)


@dataclass(frozen=True)
class Capture:
    """What one measurement saw: the layer calls in model order, and the variables' gradients."""

    calls: list[LayerCall]
    variable_gradients: list[Any] | None  # one per requested variable, with a backward pass


def capture(
    model: keras.Model,
    x: Any,
    y: Any = None,
    loss_fn: Callable[..., Any] | None = None,
    variables: Sequence[keras.Variable] = (),
    state: Sequence[tuple[keras.Variable, Any]] | None = None,
) -> Capture:
    """Run ``x`` through ``model`` (``training=False``), recording every leaf layer's output.

    With ``loss_fn`` (and ``y``), also the gradient of ``mean(loss_fn(y, model(x)))`` with respect
    to every recorded output and to each of ``variables``. ``state`` pairs variables with the
    values to use for them (a ``keras.StatelessScope`` mapping), so that the whole measurement is
    a pure function of its arguments and can be compiled (``jax.jit``). The inputs are not
    validated here.
    """
    if not model.built:
        model(first_sample(x), training=False)
    leaves = leaf_layers(model)
    if not leaves:
        raise ValueError("model: has no layers to measure")
    recorder = _Recorder()
    with recorder.attached(leaves):
        with _scope(state):
            model(x, training=False)
        records = list(recorder.records)
        gradients = variable_gradients = None
        if loss_fn is not None:
            gradients, variable_gradients = _gradients(
                model, x, y, loss_fn, recorder, records, list(variables), list(state or ())
            )

    order = {id(layer): position for position, layer in enumerate(leaves)}
    uses: dict[int, int] = {}
    calls = []
    for index, (layer, output) in enumerate(records):
        uses[id(layer)] = uses.get(id(layer), 0) + 1
        name = layer.name if uses[id(layer)] == 1 else f"{layer.name} (call {uses[id(layer)]})"
        grads = None if gradients is None else gradients[index]
        calls.append((order[id(layer)], index, LayerCall(layer, name, output, grads)))
    calls.sort(key=lambda item: (item[0], item[1]))
    return Capture([call for _, _, call in calls], variable_gradients)


class _Recorder:
    """Wraps leaf layers' ``call`` to record outputs, and to add the zero probes for gradients."""

    def __init__(self) -> None:
        self.records: list[tuple[keras.layers.Layer, list[Any]]] = []
        self.probes: list[list[Any]] | None = None

    def attached(self, layers: Sequence[keras.layers.Layer]) -> _Attached:
        return _Attached(self, layers)

    def wrap(self, layer: keras.layers.Layer, original: Callable[..., Any]) -> Callable[..., Any]:
        def recording_call(*args: Any, **kwargs: Any) -> Any:
            output = original(*args, **kwargs)
            flat = keras.tree.flatten(output)
            if self.probes is not None:
                probes = self.probes[len(self.records)]
                flat = [
                    tensor if probe is None else tensor + probe
                    for tensor, probe in zip(flat, probes, strict=True)
                ]
                output = keras.tree.pack_sequence_as(output, flat)
            self.records.append((layer, flat))
            return output

        return recording_call


class _Attached:
    """Context manager: instance-level ``call`` wrappers in, and back out even on error."""

    # Quantized layers run ``quantized_call`` instead of ``call``.
    _METHODS = ("call", "quantized_call")

    def __init__(self, recorder: _Recorder, layers: Sequence[keras.layers.Layer]) -> None:
        self.recorder = recorder
        self.layers = layers
        self.saved: list[tuple[keras.layers.Layer, str, Any]] = []

    def __enter__(self) -> _Recorder:
        for layer in self.layers:
            for method in self._METHODS:
                if method == "quantized_call" and getattr(layer, "quantization_mode", None) is None:
                    continue
                self.saved.append((layer, method, layer.__dict__.get(method)))
                object.__setattr__(layer, method, self.recorder.wrap(layer, getattr(layer, method)))
        return self.recorder

    def __exit__(self, *exc: object) -> None:
        for layer, method, previous in reversed(self.saved):
            if previous is None:
                object.__delattr__(layer, method)
            else:
                object.__setattr__(layer, method, previous)
        self.saved.clear()


def leaf_layers(model: keras.Model) -> list[keras.layers.Layer]:
    """Every layer of ``model`` that is not a model itself, nested models expanded, each once."""
    leaves: dict[int, keras.layers.Layer] = {}
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            for inner in leaf_layers(layer):
                leaves.setdefault(id(inner), inner)
        elif not isinstance(layer, keras.layers.InputLayer):
            leaves.setdefault(id(layer), layer)
    return list(leaves.values())


def _gradients(
    model: keras.Model,
    x: Any,
    y: Any,
    loss_fn: Callable[..., Any],
    recorder: _Recorder,
    records: list[tuple[keras.layers.Layer, list[Any]]],
    variables: list[keras.Variable],
    state: list[tuple[keras.Variable, Any]],
) -> tuple[list[list[Any]], list[Any]]:
    """d loss / d (each recorded output), as zero probes added to the outputs; d loss / d vars."""
    specs = [
        [(tuple(tensor.shape), tensor.dtype) if is_float(tensor) else None for tensor in flat]
        for _, flat in records
    ]

    def loss_of(probes: list[list[Any]], values: list[Any] | None = None) -> Any:
        recorder.records.clear()
        recorder.probes = probes
        mapping = state
        if values is not None:
            varied = {id(variable) for variable in variables}
            mapping = [pair for pair in state if id(pair[0]) not in varied]
            mapping += list(zip(variables, values, strict=True))
        try:
            with _scope(mapping):
                prediction = model(x, training=False)
        finally:
            recorder.probes = None
        return keras.ops.mean(loss_fn(y, prediction))

    def zeros() -> list[list[Any]]:
        return [[None if spec is None else keras.ops.zeros(*spec) for spec in row] for row in specs]

    backend = keras.backend.backend()
    flat_probes: list[Any]
    if backend == "tensorflow":
        import tensorflow as tf

        probes = zeros()
        flat_probes = [p for row in probes for p in row if p is not None]
        targets = [variable.value for variable in variables]
        with tf.GradientTape() as tape:
            tape.watch(flat_probes + targets)
            value = loss_of(probes)
        flat = tape.gradient(value, flat_probes + targets)
        grads = _unflatten(flat[: len(flat_probes)], probes)
        variable_grads = list(flat[len(flat_probes) :])
    elif backend == "jax":
        import jax

        if variables:
            given = {id(variable): value for variable, value in state}
            values = [given.get(id(variable), variable.value) for variable in variables]
            grads, variable_grads = jax.grad(loss_of, argnums=(0, 1))(zeros(), values)
        else:
            grads, variable_grads = jax.grad(loss_of)(zeros()), []
    elif backend == "torch":
        import torch

        probes = zeros()
        flat_probes = [p.requires_grad_() for row in probes for p in row if p is not None]
        targets = [variable.value for variable in variables]
        with torch.enable_grad():
            value = loss_of(probes)
            flat = torch.autograd.grad(value, flat_probes + targets, allow_unused=True)
        grads = _unflatten(flat[: len(flat_probes)], probes)
        variable_grads = list(flat[len(flat_probes) :])
    else:
        raise ValueError(
            f"y: gradients need the tensorflow, jax or torch backend, not {backend!r}; "
            "call without y for the forward pass only"
        )
    # A probe (or variable) the loss does not depend on has no gradient: it is zero.
    output_grads = [
        [keras.ops.zeros(*spec) if g is None and spec is not None else g for g, spec in pair]
        for pair in (zip(row, srow, strict=True) for row, srow in zip(grads, specs, strict=True))
    ]
    variable_grads = [
        keras.ops.zeros(variable.shape, variable.dtype) if g is None else g
        for g, variable in zip(variable_grads, variables, strict=True)
    ]
    return output_grads, variable_grads


def _scope(state: Sequence[tuple[keras.Variable, Any]] | None) -> Any:
    if not state:
        return contextlib.nullcontext()
    return keras.StatelessScope(state_mapping=list(state))


def _unflatten(flat: Sequence[Any], like: list[list[Any]]) -> list[list[Any]]:
    """Put per-probe gradients back into the per-row layout (``None`` where no probe)."""
    values = iter(flat)
    return [[None if p is None else next(values) for p in row] for row in like]


def resolve_loss(model: keras.Model, loss: Any) -> Callable[..., Any]:
    """``loss`` (a name or callable; None: the model's compiled loss) as a callable."""
    if loss is None:
        loss = getattr(model, "loss", None)
        if loss is None:
            raise ValueError("loss: the model is not compiled with a loss; pass loss=")
        if isinstance(loss, dict | list | tuple):
            raise ValueError("loss: the model has one loss per output; pass a single loss=")
    if isinstance(loss, str):
        try:
            return keras.losses.get(loss)
        except ValueError:
            raise ValueError(f"loss: unknown Keras loss {loss!r}") from None
    if callable(loss):
        return loss
    raise ValueError(f"loss: expected a loss name or a callable, got {type(loss).__name__}")


def check_inputs(name: str, value: Any) -> None:
    """A one-line ValueError unless ``value`` is a batch (or a structure of batches)."""
    if value is None:
        raise ValueError(f"{name}: expected an array (or a list/dict of arrays), got None")
    for leaf in keras.tree.flatten(value):
        shape = getattr(leaf, "shape", None)
        if shape is None:
            shape = np.shape(leaf)
        if len(shape) == 0 or shape[0] == 0:
            raise ValueError(
                f"{name}: expected a batch with at least one sample, got shape {tuple(shape)}"
            )


def first_sample(x: Any) -> Any:
    return keras.tree.map_structure(lambda leaf: leaf[:1], x)


def is_float(tensor: Any) -> bool:
    dtype = keras.backend.standardize_dtype(tensor.dtype)
    return "float" in dtype


def float_values(tensors: Sequence[Any]) -> np.ndarray:
    """Every element of every float tensor in ``tensors``, as one float64 vector."""
    arrays = [
        np.asarray(keras.ops.convert_to_numpy(t), dtype=np.float64).ravel()
        for t in tensors
        if t is not None and is_float(t)
    ]
    return np.concatenate(arrays) if arrays else np.zeros(0)


def variance(tensors: Sequence[Any]) -> float:
    """Population variance over every element of every float tensor of one layer output."""
    values = float_values(tensors)
    return float(np.var(values)) if values.size else math.nan
