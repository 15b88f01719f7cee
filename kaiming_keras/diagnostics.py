"""Measure what Kaiming initialization promises: the signal variance at every layer.

``variance_report(model, x)`` runs ``x`` through ``model`` once and records, for every layer, the
variance of that layer's output over the batch and all output units. With ``y`` it also runs a
backward pass and records the variance of the gradient of the loss with respect to each layer's
output: the quantity He et al. (2015) analyse for the backward signal.

How outputs and gradients are captured, and what is seen (nested models, shared layers,
subclassed models): see ``kaiming_keras.capture``, shared with ``SignalMonitor``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, overload

import keras

from kaiming_keras.capture import capture, check_inputs, resolve_loss, variance


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
    check_inputs("x", x)
    loss_fn = None
    if y is not None:
        check_inputs("y", y)
        loss_fn = resolve_loss(model, loss)
    elif loss is not None:
        raise ValueError("loss: only used with targets; pass y as well")
    measured = capture(model, x, y, loss_fn)
    return VarianceReport(
        [
            VarianceRow(
                call.name,
                type(call.layer).__name__,
                variance(call.outputs),
                None if call.gradients is None else variance(call.gradients),
            )
            for call in measured.calls
        ]
    )


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
