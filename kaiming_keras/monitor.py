"""Watch the Kaiming claim during training: per-layer signal statistics, in TensorBoard.

``SignalMonitor`` is a Keras callback. At the start of training and every ``every_n_steps``
training steps it runs one fixed probe batch through the model with ``kaiming_keras.capture``
(the machinery behind ``variance_report``), compiled once into its own function, outside the
training step (which is not changed), and records for
every kernel layer the statistics He et al. (2015) reason about. It writes them to TensorBoard,
keeps them in ``history``, and warns (``SignalWarning``) when they show the failure Kaiming
initialization prevents.

What is seen: every call of every leaf layer that has a trainable ``*kernel`` weight (Dense,
convolutions, EinsumDense, a custom layer with a ``kernel``...), the same in Sequential,
functional and subclassed models, in ``model.layers`` order (nested models expanded). Inside a
subclassed model's ``call`` the layers it calls are seen, each call of a shared layer as its own
row; plain functions applied there (``keras.ops.relu(x)``) are not layers and are not seen, so a
layer's dead units are known only when its own ``activation`` is ReLU-family (in Sequential and
functional models, the next layers in the graph count as well).
"""

from __future__ import annotations

import math
import sys
import types
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import keras
import numpy as np

from kaiming_keras.capture import (
    capture,
    check_inputs,
    first_sample,
    is_float,
    leaf_layers,
    resolve_loss,
)

__all__ = ["SignalMonitor", "SignalRecord", "SignalWarning"]

# The statistics of one row, in the order they are logged; TensorBoard tags are "<stat>/<layer>".
STATISTICS = (
    "output_std",
    "output_second_moment",
    "dead_fraction",
    "output_gradient_std",
    "kernel_std",
    "kernel_gradient_std",
)
# The run directory under ``log_dir``, next to Keras's TensorBoard callback's "train"/"validation".
RUN = "signals"
PROFILE_TAG = "profile"


class SignalWarning(UserWarning):
    """A per-layer signal statistic shows a problem with the network's initialization."""


@dataclass(frozen=True)
class SignalRecord:
    """One kernel layer's statistics at one training step (a row of ``SignalMonitor.history``).

    NaN where a figure does not apply: ``dead_fraction`` for a layer whose output reaches no
    ReLU with zero slope, the gradient figures for a probe without targets.
    """

    step: int  # training steps completed (the optimizer's iterations)
    depth: int  # 1-based position among the kernel-layer calls, in model order
    layer: str  # the layer's name; " (call N)" for the N-th call of a shared layer
    kind: str  # the layer's class name
    output_std: float
    output_second_moment: float
    dead_fraction: float  # units <= 0 at every position of every probe sample, before the ReLU
    output_gradient_std: float  # std of d loss / d output
    kernel_std: float
    kernel_gradient_std: float  # std of d loss / d kernel, on the probe batch


class SignalMonitor(keras.callbacks.Callback):
    """Records per-layer signal statistics during training, for TensorBoard, and diagnoses them.

    At the start of training and then every ``every_n_steps`` training steps (and once at the
    end), one fixed probe batch runs through the model in inference mode, outside the compiled
    training step, and each kernel layer gets a `SignalRecord`: its output's std and second
    moment, its dead units, the std of the loss gradient with respect to its output, and the std
    of its kernel and of the kernel's gradient. The flat rows are in ``history``
    (``pandas.DataFrame(monitor.history)``) and ``plot(path)`` draws them.

    With ``log_dir``, they are written as TensorBoard event files in ``log_dir/signals`` (one
    scalar per statistic and layer, tagged ``"<statistic>/<depth>_<layer>"``, the first-to-last
    factors under ``"signal/"``, and an image of the depth profile, tag ``"profile"``, at every
    record), with TensorBoard's record writer and protos and no TensorFlow: the files are the same
    on every backend.

    A `SignalWarning` is issued, once per problem and training run, when the output std changes
    by more than ``signal_factor`` from the first kernel layer to the last, when more than
    ``dead_fraction`` of some layer's units are dead, or when the output gradient at the first
    kernel layer is more than ``gradient_factor`` below the last one's. The defaults are silent
    on a 30-layer Kaiming-initialized ReLU MLP and loud on the same net initialized with Glorot.

    Examples:

    >>> monitor = kaiming_keras.SignalMonitor(log_dir="logs", every_n_steps=100)
    >>> model.fit(x, y, callbacks=[monitor])
    >>> monitor.plot("signals.png")

    Args:
        log_dir: directory for TensorBoard event files (``log_dir/signals``); None keeps the
            history in memory only.
        every_n_steps: record every this many training steps (a positive int).
        probe: the batch to measure on: inputs, or ``(x, y)`` (or ``(x, y, sample_weight)``,
            the weights unused) for the gradient figures. None takes a batch of the data given
            to ``fit`` (the first of a fresh pass over it; for a generator, the batch Keras
            peeked), without changing the training.
        loss: the loss for the gradients; None uses the model's compiled loss.
        signal_factor: warn when the last kernel layer's output std is more than this factor
            above or below the first's.
        dead_fraction: warn when more than this fraction of a layer's units are dead.
        gradient_factor: warn when the first kernel layer's output gradient std is more than
            this factor below the last's.
        images: also log the profile image (drawn with Pillow) when ``log_dir`` is given.

    Reference:
        He et al., 2015, "Delving Deep into Rectifiers", section 2.2.
    """

    def __init__(
        self,
        log_dir: str | Path | None = None,
        every_n_steps: int = 100,
        probe: Any = None,
        *,
        loss: Any = None,
        signal_factor: float = 100.0,
        dead_fraction: float = 0.8,
        gradient_factor: float = 100.0,
        images: bool = True,
    ) -> None:
        super().__init__()
        if isinstance(every_n_steps, bool) or not isinstance(every_n_steps, int):
            raise ValueError(
                f"every_n_steps: expected a positive int, got {type(every_n_steps).__name__}"
            )
        if every_n_steps <= 0:
            raise ValueError(f"every_n_steps: expected a positive int, got {every_n_steps}")
        for name, value in (("signal_factor", signal_factor), ("gradient_factor", gradient_factor)):
            if not isinstance(value, int | float) or isinstance(value, bool) or not value > 1:
                raise ValueError(f"{name}: expected a number above 1, got {value!r}")
        if (
            not isinstance(dead_fraction, int | float)
            or isinstance(dead_fraction, bool)
            or not 0 <= dead_fraction < 1
        ):
            raise ValueError(f"dead_fraction: expected a number in [0, 1), got {dead_fraction!r}")
        self.log_dir = None if log_dir is None else Path(log_dir)
        self.every_n_steps = every_n_steps
        self.loss = loss
        self.signal_factor = float(signal_factor)
        self.dead_fraction = float(dead_fraction)
        self.gradient_factor = float(gradient_factor)
        self.images = images
        self.history: list[SignalRecord] = []
        self._probe = None if probe is None else _split_probe(probe)
        if self.log_dir is not None:
            _tensorboard()
            if images:
                _pillow()
        self._writer: Any = None
        self._x: Any = None
        self._y: Any = None
        self._loss_fn: Any = None
        self._relu_fed: dict[str, bool] = {}
        self._measurement: _Measurement | None = None
        self._step = 0  # training steps done (the optimizer's iterations)
        self._base = 0  # the steps done before the current epoch
        self._next = 0
        self._warned: set[str] = set()

    # --- Keras callback hooks --------------------------------------------------------------

    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        model = self.model
        training = None
        if self._probe is None or not model.built:
            training = _training_batch(model, required=self._probe is None)
        probe = self._probe if self._probe is not None else training
        assert probe is not None  # _training_batch raised when it found none and one was needed
        self._x, self._y = probe
        _check_probe(model, self._x, None if training is None else training[0])
        if self._y is not None and _batch_size(self._y) != _batch_size(self._x):
            raise ValueError(
                f"probe: x has {_batch_size(self._x)} samples but y has {_batch_size(self._y)}"
            )
        self._loss_fn = None if self._y is None else resolve_loss(model, self.loss)
        self._relu_fed = _dead_units_apply(model)
        self._warned = set()
        self._base = self._step = _iterations(model)
        if self.log_dir is not None and self._writer is None:
            from kaiming_keras.events import EventWriter

            self._writer = EventWriter(self.log_dir / RUN)
        self._record(model)

    # The batch-begin hook, not batch-end: a callback with a batch-end hook makes Keras convert
    # the logs after every step on the training thread (no async dispatch), a cost even when
    # nothing is recorded. ``batch`` is the number of steps already done in this epoch.
    def on_train_batch_begin(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        self._step = self._base + batch
        if self._step >= self._next:
            self._record(self.model)

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        self._base = self._step = _iterations(self.model)

    def on_train_end(self, logs: dict[str, Any] | None = None) -> None:
        try:
            self._step = _iterations(self.model)
            if not self.history or self.history[-1].step != self._step:
                self._record(self.model)
        finally:
            if self._writer is not None:
                self._writer.close()
                self._writer = None

    # --- Results ---------------------------------------------------------------------------

    def plot(self, path: str | Path, *, title: str | None = None) -> Path:
        """Write a PNG of the recorded depth profiles, one line per record; returns the path.

        Needs matplotlib (``pip install kaiming-keras[monitor]``).
        """
        path = Path(path)
        if path.suffix.lower() != ".png":
            raise ValueError(f"path: expected a file name ending in .png, got {str(path)!r}")
        if not self.history:
            raise ValueError("plot: nothing recorded yet; train with this callback first")
        figure = _history_figure(self.history, title)
        path.parent.mkdir(parents=True, exist_ok=True)
        figure.savefig(path, format="png")
        return path

    # --- Measuring -------------------------------------------------------------------------

    def _record(self, model: keras.Model) -> None:
        step = self._step
        self._next = (step // self.every_n_steps + 1) * self.every_n_steps
        measurement = self._measurement
        if (
            measurement is None
            or measurement.model is not model
            or measurement.loss_fn is not self._loss_fn
        ):
            measurement = self._measurement = _Measurement(model, self._loss_fn, self._relu_fed)
        first = not self.history
        try:
            rows = measurement(self._x, self._y, step)
        except Exception as error:
            if not first:
                raise
            detail = str(error).strip().splitlines()[0] if str(error).strip() else ""
            raise ValueError(
                f"probe: the model or its loss cannot run on it ({type(error).__name__}: {detail})"
            ) from error
        self.history.extend(rows)
        if self._writer is not None:
            self._write(rows, step)
        for message in self._diagnose(rows, step):
            warnings.warn(message, SignalWarning, stacklevel=2)

    def _write(self, rows: list[SignalRecord], step: int) -> None:
        from tensorboard.compat.proto import summary_pb2

        digits = max(2, len(str(len(rows))))
        values = []
        for row in rows:
            label = f"{row.depth:0{digits}d}_{_tag_name(row.layer)}"
            for stat in STATISTICS:
                value = getattr(row, stat)
                if math.isfinite(value):
                    values.append(
                        summary_pb2.Summary.Value(tag=f"{stat}/{label}", simple_value=value)
                    )
        for name, value in _factors(rows).items():
            if math.isfinite(value):
                values.append(summary_pb2.Summary.Value(tag=f"signal/{name}", simple_value=value))
        if self.images and rows:
            png, height, width = _profile_png(rows, step)
            image = summary_pb2.Summary.Image(
                height=height, width=width, colorspace=3, encoded_image_string=png
            )
            values.append(summary_pb2.Summary.Value(tag=PROFILE_TAG, image=image))
        self._writer.add_summary(summary_pb2.Summary(value=values), step)

    def _diagnose(self, rows: list[SignalRecord], step: int) -> list[str]:
        """The messages for the problems these rows show that were not reported yet."""
        if len(rows) < 2:
            return []
        first, last = rows[0], rows[-1]
        problems: dict[str, str] = {}
        factors = _factors(rows)
        ratio = factors["std_factor"]
        if not math.isfinite(ratio) or not 1 / self.signal_factor <= ratio <= self.signal_factor:
            how = f"shrinks {1 / ratio:.3g}x" if ratio < 1 else f"grows {ratio:.3g}x"
            if not math.isfinite(ratio):
                how = "is lost"
            problems["signal"] = (
                f"at step {step} the signal {how} from the first kernel layer {first.layer!r} "
                f"(output std {first.output_std:.3g}) to the last, {last.layer!r} "
                f"(std {last.output_std:.3g}), beyond signal_factor={self.signal_factor:g}: "
                "the layers are not scaled for their activations; call "
                "kaiming_keras.initialize(model) before training, or run kaiming-lint on the "
                "model's source (KAI001, KAI002)"
            )
        dead = [row for row in rows if row.dead_fraction > self.dead_fraction]
        if dead:
            worst = max(dead, key=lambda row: row.dead_fraction)
            others = f" (and {len(dead) - 1} more layers)" if len(dead) > 1 else ""
            problems["dead"] = (
                f"at step {step} {worst.dead_fraction:.0%} of the units of layer {worst.layer!r} "
                f"are dead{others}, beyond dead_fraction={self.dead_fraction:g}: they are "
                "negative for every probe sample, so their ReLU passes no signal and no "
                "gradient; start ReLU layers with zero biases and He-scaled kernels "
                "(kaiming_keras.initialize(model); kaiming-lint KAI003, KAI004), and if it "
                "appears during training, lower the learning rate"
            )
        gradient = factors["gradient_factor"]
        if math.isfinite(first.output_gradient_std) and (
            not math.isfinite(gradient) or gradient > self.gradient_factor
        ):
            problems["gradient"] = (
                f"at step {step} the loss gradient at the first kernel layer {first.layer!r} "
                f"(std {first.output_gradient_std:.3g}) is {gradient:.3g}x below the last's, "
                f"{last.layer!r} (std {last.output_gradient_std:.3g}), beyond "
                f"gradient_factor={self.gradient_factor:g}: the early layers barely train; call "
                "kaiming_keras.initialize(model) before training, or run kaiming-lint on the "
                "model's source (KAI001, KAI002)"
            )
        messages = [
            f"SignalMonitor: {text}" for key, text in problems.items() if key not in self._warned
        ]
        self._warned.update(problems)
        return messages


# --- The measurement -----------------------------------------------------------------------


class _Measurement:
    """The probe measurement for one model, compiled once (``tf.function``, ``jax.jit``).

    It returns one row of `STATISTICS` per kernel-layer call, computed inside the compiled
    function, so a record costs one call and one transfer. PyTorch runs it eagerly.
    """

    def __init__(self, model: keras.Model, loss_fn: Any, relu_fed: dict[str, bool]) -> None:
        self.model = model
        self.loss_fn = loss_fn
        self.relu_fed = relu_fed
        self.kernels = {id(layer): _kernels(layer) for layer in leaf_layers(model)}
        unique = {id(v): v for vs in self.kernels.values() for v in vs}
        self.variables = list(unique.values()) if loss_fn is not None else []
        self.rows: list[tuple[str, str]] = []  # (name, kind) per row, set when traced
        backend = keras.backend.backend()
        self.backend = backend
        if backend == "tensorflow":
            import tensorflow as tf

            self._run = tf.function(self._statistics, autograph=False)
        elif backend == "jax":
            import jax

            state_variables = list(model.variables)
            self._state_variables = state_variables

            def stateless(x: Any, y: Any, values: list[Any]) -> Any:
                return self._statistics(x, y, list(zip(state_variables, values, strict=True)))

            self._run = jax.jit(stateless)
        else:
            self._run = self._statistics

    def __call__(self, x: Any, y: Any, step: int) -> list[SignalRecord]:
        if self.backend == "jax":
            table = self._run(x, y, [v.value for v in self._state_variables])
        else:
            table = self._run(x, y)
        table = np.asarray(keras.ops.convert_to_numpy(table), dtype=np.float64)
        return [
            SignalRecord(step, depth, name, kind, *map(float, values))
            for depth, ((name, kind), values) in enumerate(zip(self.rows, table, strict=True), 1)
        ]

    def _statistics(self, x: Any, y: Any, state: list[tuple[Any, Any]] | None = None) -> Any:
        ops = keras.ops
        given = {id(variable): value for variable, value in state or ()}
        measured = capture(self.model, x, y, self.loss_fn, self.variables, state)
        gradient_of = dict(
            zip(map(id, self.variables), measured.variable_gradients or [], strict=False)
        )
        nan = ops.convert_to_tensor(math.nan, dtype="float32")
        rows, table = [], []
        for call in measured.calls:
            own = self.kernels.get(id(call.layer))
            if not own:
                continue
            outputs = _flat_floats(call.outputs)
            kernel = _flat_floats([given.get(id(v), v.value) for v in own])
            dead = nan
            if self.relu_fed.get(call.layer.name):
                dead = _dead_fraction(call.layer, call.outputs, nan)
            gradient = kernel_gradient = nan
            if call.gradients is not None:
                gradient = ops.std(_flat_floats(call.gradients))
                kernel_gradient = ops.std(_flat_floats([gradient_of[id(v)] for v in own]))
            rows.append((call.name, type(call.layer).__name__))
            table.append(
                ops.stack(
                    [
                        ops.std(outputs),
                        ops.mean(ops.square(outputs)),
                        dead,
                        gradient,
                        ops.std(kernel),
                        kernel_gradient,
                    ]
                )
            )
        self.rows = rows
        if not table:
            return ops.zeros((0, len(STATISTICS)))
        return ops.stack(table)


def _flat_floats(tensors: Sequence[Any]) -> Any:
    """Every element of every float tensor, as one float32 vector."""
    parts = [
        keras.ops.reshape(keras.ops.cast(t, "float32"), (-1,))
        for t in tensors
        if t is not None and is_float(t)
    ]
    if not parts:
        return keras.ops.convert_to_tensor([math.nan], dtype="float32")
    return parts[0] if len(parts) == 1 else keras.ops.concatenate(parts)


def _iterations(model: keras.Model) -> int:
    iterations = getattr(getattr(model, "optimizer", None), "iterations", None)
    return 0 if iterations is None else int(np.asarray(iterations.numpy()))


def _kernels(layer: keras.layers.Layer) -> list[keras.Variable]:
    return [v for v in layer.trainable_weights if v.name.split("/")[-1].endswith("kernel")]


def _dead_fraction(layer: keras.layers.Layer, outputs: list[Any], nan: Any) -> Any:
    """Fraction of the output units that are <= 0 at every position of every sample."""
    tensor = next((t for t in outputs if is_float(t)), None)
    if tensor is None or len(tensor.shape) < 2:
        return nan
    ops = keras.ops
    if getattr(layer, "data_format", None) == "channels_first":
        tensor = ops.moveaxis(tensor, 1, -1)
    units = tensor.shape[-1]
    dead = ops.all(ops.reshape(tensor, (-1, units)) <= 0, axis=0)
    return ops.mean(ops.cast(dead, "float32"))


def _dead_units_apply(model: keras.Model) -> dict[str, bool]:
    """Layer name -> whether its output reaches a ReLU with zero negative slope."""
    from kaiming_keras.model import _pairings

    layers = leaf_layers(model)
    try:
        pairings = _pairings(model, layers)
    except Exception:  # a model whose config cannot be read: own activations only
        pairings = {}
    return {
        name: pairing == "relu" and step is not None and step.slope == 0
        for name, (pairing, step) in pairings.items()
    }


def _factors(rows: Sequence[SignalRecord]) -> dict[str, float]:
    """Last-over-first output std; first-below-last output gradient std."""
    if len(rows) < 2:
        return {"std_factor": math.nan, "gradient_factor": math.nan}
    first, last = rows[0], rows[-1]
    with np.errstate(divide="ignore", invalid="ignore"):
        std = np.float64(last.output_std) / np.float64(first.output_std)
        gradient = np.float64(last.output_gradient_std) / np.float64(first.output_gradient_std)
    return {"std_factor": float(std), "gradient_factor": float(gradient)}


# --- The probe -----------------------------------------------------------------------------


def _split_probe(probe: Any) -> tuple[Any, Any]:
    x, y, _ = keras.utils.unpack_x_y_sample_weight(probe)
    check_inputs("probe", x)
    x = keras.tree.map_structure(np.asarray, x)
    return x, None if y is None else keras.tree.map_structure(np.asarray, y)


def _training_batch(model: keras.Model, *, required: bool) -> tuple[Any, Any] | None:
    """A batch of the data ``model.fit`` is iterating, read without disturbing the training.

    Keras does not pass the data to callbacks: this finds ``fit``'s epoch iterator on the call
    stack and reads one batch from a fresh pass of its data adapter (with the global NumPy and
    torch random states restored, so the training's shuffling is unchanged). A Python generator
    is never advanced: the batch Keras already peeked from it is used.
    """
    frame: types.FrameType | None = sys._getframe(1)
    try:
        while frame is not None:
            if frame.f_locals.get("self") is model:
                for value in frame.f_locals.values():
                    adapter = getattr(value, "data_adapter", None)
                    if adapter is not None and hasattr(adapter, "get_numpy_iterator"):
                        return _split_probe(_first_batch(adapter))
            frame = frame.f_back
    finally:
        del frame
    if not required:
        return None
    raise ValueError(
        "probe: none given and no training data found (it is read from Model.fit); "
        "pass SignalMonitor(probe=(x, y))"
    )


def _first_batch(adapter: Any) -> Any:
    peeked = getattr(adapter, "_first_batches", None)
    if peeked:
        return peeked[0]
    if type(adapter).__name__ == "GeneratorDataAdapter":
        raise ValueError(
            "probe: the training data is a Python generator, which SignalMonitor will not "
            "advance; pass SignalMonitor(probe=(x, y))"
        )
    numpy_state = np.random.get_state()
    torch = sys.modules.get("torch")
    torch_state = torch.random.get_rng_state() if torch is not None else None
    try:
        return next(iter(adapter.get_numpy_iterator()))
    finally:
        np.random.set_state(numpy_state)
        if torch is not None and torch_state is not None:
            torch.random.set_rng_state(torch_state)


def _check_probe(model: keras.Model, x: Any, reference: Any) -> None:
    """A one-line ValueError unless ``x`` fits the model's inputs (or the training data's)."""
    try:
        inputs = model.inputs
    except (AttributeError, ValueError):
        inputs = None
    if inputs:
        expected = [tuple(tensor.shape) for tensor in inputs]
    elif reference is not None:
        expected = [(None, *np.shape(leaf)[1:]) for leaf in keras.tree.flatten(reference)]
    else:
        expected = None
    if expected is not None:
        shapes = [tuple(np.shape(leaf)) for leaf in keras.tree.flatten(x)]
        fits = len(shapes) == len(expected) and all(
            len(got) == len(want)
            and all(w is None or w == g for g, w in zip(got, want, strict=True))
            for got, want in zip(shapes, expected, strict=True)
        )
        if not fits:
            shown = shapes[0] if len(shapes) == 1 else shapes
            want = expected[0] if len(expected) == 1 else expected
            raise ValueError(f"probe: expected inputs of shape {want}, got {shown}")
    if not model.built:
        model(first_sample(x if reference is None else reference), training=False)


def _batch_size(value: Any) -> int:
    return int(np.shape(keras.tree.flatten(value)[0])[0])


def _tag_name(layer: str) -> str:
    return layer.replace(" (call ", "_call").replace(")", "")


# --- Drawing -------------------------------------------------------------------------------

_PANELS = (
    ("output_std", "output std", True),
    ("output_gradient_std", "output gradient std", True),
    ("dead_fraction", "dead fraction", False),
)


def _profile_png(rows: Sequence[SignalRecord], step: int) -> tuple[bytes, int, int]:
    """The depth profile at one record, as PNG bytes, height and width."""
    from kaiming_keras.profile_image import profile_png

    panels = [(label + (" (log)" if log else ""), log) for _, label, log in _PANELS]
    series = [[getattr(row, stat) for row in rows] for stat, _, _ in _PANELS]
    return profile_png(f"step {step}", panels, series)


def _history_figure(history: Sequence[SignalRecord], title: str | None) -> Any:
    figure_cls, canvas_cls = _matplotlib()
    steps = sorted({row.step for row in history})
    figure = figure_cls(figsize=(13, 3.8), dpi=100)
    canvas_cls(figure)
    from matplotlib import colormaps

    colors = colormaps["viridis"]
    for index, (stat, label, log) in enumerate(_PANELS, start=1):
        axes = figure.add_subplot(1, len(_PANELS), index)
        for position, step in enumerate(steps):
            rows = [row for row in history if row.step == step]
            shade = colors(position / max(len(steps) - 1, 1))
            mark = position in (0, len(steps) - 1)
            axes.plot(
                [row.depth for row in rows],
                [getattr(row, stat) for row in rows],
                color=shade,
                linewidth=1.6 if mark else 0.8,
                label=f"step {step}" if mark else None,
            )
        _style(axes, label, log)
        axes.legend(fontsize=7)
    if title:
        figure.suptitle(title)
    figure.tight_layout()
    return figure


def _style(axes: Any, label: str, log: bool) -> None:
    if log:
        axes.set_yscale("log")
    else:
        axes.set_ylim(-0.02, 1.02)
    axes.set_xlabel("kernel layer", fontsize=8)
    axes.set_ylabel(label, fontsize=8)
    axes.tick_params(labelsize=7)
    axes.grid(True, which="both", alpha=0.3)


def _matplotlib() -> tuple[Any, Any]:
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError:
        raise ImportError(
            "SignalMonitor's images and plot need matplotlib: pip install 'kaiming-keras[monitor]'"
        ) from None
    return Figure, FigureCanvasAgg


def _pillow() -> None:
    try:
        import PIL  # noqa: F401
    except ImportError:
        raise ImportError(
            "SignalMonitor's profile images need Pillow: pip install 'kaiming-keras[monitor]'"
        ) from None


def _tensorboard() -> None:
    try:
        import tensorboard  # noqa: F401
    except ImportError:
        raise ImportError(
            "SignalMonitor(log_dir=...) writes TensorBoard event files and needs tensorboard: "
            "pip install 'kaiming-keras[monitor]'"
        ) from None
