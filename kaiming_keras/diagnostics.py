"""Measure what Kaiming initialization promises: the signal variance at every layer.

``variance_report(model, x)`` runs ``x`` through ``model`` once and records, for every layer, the
variance of that layer's output over the batch and all output units. With ``y`` it also runs a
backward pass and records the variance of the gradient of the loss with respect to each layer's
output: the quantity He et al. (2015) analyse for the backward signal.

How layer outputs are captured: for the duration of the measurement, every leaf layer's ``call``
is wrapped (on the instance, then restored) so that its output is recorded as the model runs
eagerly. This works the same for Sequential, functional and subclassed models, on every Keras 3
backend, and needs no rebuilt "probe" model. The gradient with respect to a layer's output is the
gradient with respect to a zero tensor added to that output, taken with the backend's own autodiff
(TensorFlow ``GradientTape``, ``jax.grad``, ``torch.autograd.grad``).

Limits: nested models are expanded into their layers, but a layer that calls other layers inside
its own ``call`` (e.g. ``MultiHeadAttention``) is one row. A layer called several times (a shared
layer) gives one row per call. Layers that the forward pass never calls have no row. Rows follow
the model's layer order (``model.layers``, nested models expanded in place), which for Sequential
and functional models is the order the signal flows; for a subclassed model it is the order in
which ``__init__`` assigned the layers.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, overload

import keras
import numpy as np


@dataclass(frozen=True)
class VarianceRow:
    """One layer call: its output variance and, with targets, its output-gradient variance."""

    layer: str  # the layer's name; " (call N)" appended for the N-th call of a shared layer
    kind: str  # the layer's class name
    output_variance: float
    gradient_variance: float | None = None

    @property
    def output_std(self) -> float:
        return math.sqrt(self.output_variance)


class VarianceReport(Sequence[VarianceRow]):
    """The rows of a :func:`variance_report`, in model order; prints as a table, draws a plot."""

    def __init__(self, rows: Sequence[VarianceRow]) -> None:
        self._rows = tuple(rows)

    @overload
    def __getitem__(self, index: int) -> VarianceRow: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[VarianceRow]: ...
    def __getitem__(self, index: int | slice) -> VarianceRow | Sequence[VarianceRow]:
        return self._rows[index]

    def __len__(self) -> int:
        return len(self._rows)

    def __iter__(self) -> Iterator[VarianceRow]:
        return iter(self._rows)

    def __repr__(self) -> str:
        return f"VarianceReport({len(self._rows)} rows)"

    def __str__(self) -> str:
        return self.to_table()

    @property
    def has_gradients(self) -> bool:
        return any(row.gradient_variance is not None for row in self._rows)

    def to_dicts(self) -> list[dict[str, Any]]:
        """One plain dict per row (``gradient_variance`` only when a backward pass ran)."""
        dicts = [asdict(row) for row in self._rows]
        if not self.has_gradients:
            for item in dicts:
                del item["gradient_variance"]
        return dicts

    def to_table(self) -> str:
        """An aligned plain-text table, one line per row."""
        header = ["#", "layer", "kind", "output_variance"]
        if self.has_gradients:
            header.append("gradient_variance")
        lines = [header]
        for number, row in enumerate(self._rows, start=1):
            cells = [str(number), row.layer, row.kind, _number(row.output_variance)]
            if self.has_gradients:
                cells.append(_number(row.gradient_variance))
            lines.append(cells)
        widths = [max(len(line[col]) for line in lines) for col in range(len(header))]
        numeric = {0, 3, 4}
        rendered = []
        for line in lines:
            cells = [
                cell.rjust(width) if col in numeric else cell.ljust(width)
                for col, (cell, width) in enumerate(zip(line, widths, strict=True))
            ]
            rendered.append("  ".join(cells).rstrip())
        return "\n".join(rendered)

    def plot(self, path: str | Path, *, title: str | None = None) -> Path:
        """Write a PNG of variance against layer number (log scale); returns the path.

        Needs matplotlib (``pip install kaiming-keras[plot]``). Uses the Agg canvas directly, so
        it never touches pyplot's global backend.
        """
        figure_cls, canvas_cls = _matplotlib()
        path = Path(path)
        if path.suffix.lower() != ".png":
            raise ValueError(f"path: expected a file name ending in .png, got {str(path)!r}")
        panels = 2 if self.has_gradients else 1
        figure = figure_cls(figsize=(6.4 * panels, 4.2), dpi=100)
        canvas_cls(figure)
        depth = list(range(1, len(self._rows) + 1))
        series = [("output variance", [row.output_variance for row in self._rows])]
        if self.has_gradients:
            series.append(
                ("gradient variance", [_nan(row.gradient_variance) for row in self._rows])
            )
        for index, (label, values) in enumerate(series, start=1):
            axes = figure.add_subplot(1, panels, index)
            axes.plot(depth, values, marker="o", markersize=3)
            positive = [v for v in values if v > 0]  # NaN compares False
            if positive:
                axes.set_yscale("log")
                low, high = min(positive), max(positive)
                if high < 100 * low:
                    # At least two decades, so noise around a flat line does not look like a trend.
                    middle = math.sqrt(low * high)
                    axes.set_ylim(middle / 10, middle * 10)
            axes.set_xlabel("layer")
            axes.set_ylabel(label)
            axes.grid(True, which="both", alpha=0.3)
        if title:
            figure.suptitle(title)
        figure.tight_layout()
        figure.savefig(path, format="png")
        return path


def variance_report(
    model: keras.Model,
    x: Any,
    y: Any = None,
    *,
    loss: str | Callable[..., Any] | keras.losses.Loss | None = None,
) -> VarianceReport:
    """Run ``x`` through ``model`` and return the variance of every layer's output, in order.

    With ``y``, also run a backward pass of ``loss(y, model(x))`` and record the variance of the
    gradient of the loss with respect to each layer's output (not its kernel: the per-layer
    output gradient is what the He et al. backward analysis keeps constant). ``loss`` defaults to
    the model's compiled loss; Keras losses average over the batch, so every gradient carries the
    same 1/batch factor and only the ratios between layers are meaningful.

    The pass runs in inference mode (``training=False``): dropout is off, and normalization
    layers use their moving statistics, which at initialization leave the signal unchanged.
    Raises ValueError for a bad ``model``, ``x``, ``y`` or ``loss``.
    """
    if not isinstance(model, keras.Model):
        raise ValueError(f"model: expected a keras.Model, got {type(model).__name__}")
    _check_inputs("x", x)
    loss_fn = None
    if y is not None:
        _check_inputs("y", y)
        loss_fn = _resolve_loss(model, loss)
    elif loss is not None:
        raise ValueError("loss: only used with targets; pass y as well")
    if not model.built:
        model(_first_sample(x), training=False)

    leaves = _leaf_layers(model)
    if not leaves:
        raise ValueError("model: has no layers to measure")
    recorder = _Recorder()
    with recorder.attached(leaves):
        model(x, training=False)
        records = list(recorder.records)
        gradients = None
        if loss_fn is not None:
            gradients = _output_gradients(model, x, y, loss_fn, recorder, records)

    order = {id(layer): position for position, layer in enumerate(leaves)}
    calls: dict[int, int] = {}
    rows = []
    for index, (layer, output) in enumerate(records):
        calls[id(layer)] = calls.get(id(layer), 0) + 1
        name = layer.name if calls[id(layer)] == 1 else f"{layer.name} (call {calls[id(layer)]})"
        gradient = None if gradients is None else _variance(gradients[index])
        rows.append(
            (
                order[id(layer)],
                index,
                VarianceRow(name, type(layer).__name__, _variance(output), gradient),
            )
        )
    rows.sort(key=lambda item: (item[0], item[1]))
    return VarianceReport([row for _, _, row in rows])


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


def _leaf_layers(model: keras.Model) -> list[keras.layers.Layer]:
    """Every layer of ``model`` that is not a model itself, nested models expanded, each once."""
    leaves: dict[int, keras.layers.Layer] = {}
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            for inner in _leaf_layers(layer):
                leaves.setdefault(id(inner), inner)
        elif not isinstance(layer, keras.layers.InputLayer):
            leaves.setdefault(id(layer), layer)
    return list(leaves.values())


def _output_gradients(
    model: keras.Model,
    x: Any,
    y: Any,
    loss_fn: Callable[..., Any],
    recorder: _Recorder,
    records: list[tuple[keras.layers.Layer, list[Any]]],
) -> list[list[Any]]:
    """d loss / d (each recorded output), as zero probes added to the outputs."""
    specs = [
        [(tuple(tensor.shape), tensor.dtype) if _is_float(tensor) else None for tensor in flat]
        for _, flat in records
    ]

    def loss_of(probes: list[list[Any]]) -> Any:
        recorder.records.clear()
        recorder.probes = probes
        try:
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
        with tf.GradientTape() as tape:
            tape.watch(flat_probes)
            value = loss_of(probes)
        grads = _unflatten(tape.gradient(value, flat_probes), probes)
    elif backend == "jax":
        import jax

        grads = jax.grad(loss_of)(zeros())
    elif backend == "torch":
        import torch

        probes = zeros()
        flat_probes = [p.requires_grad_() for row in probes for p in row if p is not None]
        value = loss_of(probes)
        grads = _unflatten(torch.autograd.grad(value, flat_probes, allow_unused=True), probes)
    else:
        raise ValueError(
            f"y: gradients need the tensorflow, jax or torch backend, not {backend!r}; "
            "call without y for the forward pass only"
        )
    # A probe the loss does not depend on has no gradient: it is zero.
    return [
        [keras.ops.zeros(*spec) if g is None and spec is not None else g for g, spec in pair]
        for pair in (zip(row, srow, strict=True) for row, srow in zip(grads, specs, strict=True))
    ]


def _unflatten(flat: Sequence[Any], like: list[list[Any]]) -> list[list[Any]]:
    """Put per-probe gradients back into the per-row layout (``None`` where no probe)."""
    values = iter(flat)
    return [[None if p is None else next(values) for p in row] for row in like]


def _resolve_loss(model: keras.Model, loss: Any) -> Callable[..., Any]:
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


def _check_inputs(name: str, value: Any) -> None:
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


def _first_sample(x: Any) -> Any:
    return keras.tree.map_structure(lambda leaf: leaf[:1], x)


def _is_float(tensor: Any) -> bool:
    dtype = keras.backend.standardize_dtype(tensor.dtype)
    return "float" in dtype


def _variance(tensors: list[Any]) -> float:
    """Population variance over every element of every float tensor of one layer output."""
    arrays = [
        np.asarray(keras.ops.convert_to_numpy(t), dtype=np.float64).ravel()
        for t in tensors
        if t is not None and _is_float(t)
    ]
    if not arrays:
        return math.nan
    return float(np.var(np.concatenate(arrays)))


def _number(value: float | None) -> str:
    return "-" if value is None or math.isnan(value) else f"{value:.4g}"


def _nan(value: float | None) -> float:
    return math.nan if value is None else value


def _matplotlib() -> tuple[Any, Any]:
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError:
        raise ImportError(
            "VarianceReport.plot needs matplotlib: pip install kaiming-keras[plot]"
        ) from None
    return Figure, FigureCanvasAgg
