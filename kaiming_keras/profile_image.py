"""The depth profile of one record as a small PNG, drawn with Pillow in a few milliseconds.

``SignalMonitor`` logs one such image per record. matplotlib would take 0.1-2 s per figure on a
loaded 2-core machine, more than the monitor's whole budget; Pillow (which matplotlib depends
on) draws these panels directly.
"""

from __future__ import annotations

import functools
import io
import math
from collections.abc import Sequence
from typing import Any

# (panel title, log scale)
Panel = tuple[str, bool]

_WIDTH, _HEIGHT = 260, 170  # one panel, in pixels
_LEFT, _RIGHT, _TOP, _BOTTOM = 44, 10, 30, 24
# A palette image (one byte a pixel) encodes three times faster than RGB.
_PALETTE = [(255, 255, 255), (31, 119, 180), (225, 225, 225), (90, 90, 90), (20, 20, 20)]
_BACKGROUND, _LINE, _GRID, _AXES, _TEXT = range(len(_PALETTE))


def profile_png(
    title: str, panels: Sequence[Panel], series: Sequence[Sequence[float]]
) -> tuple[bytes, int, int]:
    """Panels side by side, each one series against layer depth; returns PNG bytes, h, w."""
    from PIL import Image, ImageDraw

    width, height = _WIDTH * len(panels), _HEIGHT + 16
    image = Image.new("P", (width, height), _BACKGROUND)
    image.putpalette([channel for color in _PALETTE for channel in color])
    draw = ImageDraw.Draw(image)
    font = _font()
    draw.text((6, 2), title, fill=_TEXT, font=font)
    for index, ((name, log), values) in enumerate(zip(panels, series, strict=True)):
        _panel(draw, font, index * _WIDTH, 16, name, log, list(values))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue(), height, width


@functools.cache
def _font() -> Any:
    from PIL import ImageFont

    # The built-in bitmap font: no FreeType, fast. Pillow before 10.2 names it load_default().
    bitmap = getattr(ImageFont, "load_default_imagefont", None)
    return bitmap() if bitmap is not None else ImageFont.load_default()


def _panel(
    draw: Any, font: Any, x0: int, y0: int, name: str, log: bool, values: list[float]
) -> None:
    left, right = x0 + _LEFT, x0 + _WIDTH - _RIGHT
    top, bottom = y0 + _TOP - 12, y0 + _HEIGHT - _BOTTOM
    draw.text((left, y0 + 2), name, fill=_TEXT, font=font)
    if log:
        shown = [math.log10(v) if math.isfinite(v) and v > 0 else math.nan for v in values]
        finite = [v for v in shown if math.isfinite(v)]
        low = math.floor(min(finite)) if finite else -1
        high = math.ceil(max(finite)) if finite else 1
        if high - low < 2:  # at least two decades, so noise on a flat line looks flat
            low, high = low - 1, high + 1
        step = max(1, math.ceil((high - low) / 5))
        ticks: list[tuple[float, str]] = [(t, f"1e{t}") for t in range(low, high + 1, step)]
        bounds = (float(low), float(high))
    else:
        shown = [v if math.isfinite(v) else math.nan for v in values]
        bounds = (0.0, 1.0)
        ticks = [(t / 4, f"{t / 4:g}") for t in range(5)]

    low_y, high_y = bounds

    def to_y(value: float) -> float:
        return bottom - (value - low_y) / (high_y - low_y) * (bottom - top)

    for tick, label in ticks:
        y = to_y(tick)
        draw.line([(left, y), (right, y)], fill=_GRID)
        draw.text((x0 + 2, y - 6), label, fill=_TEXT, font=font)
    draw.rectangle([left, top, right, bottom], outline=_AXES)
    count = len(shown)

    def to_x(position: int) -> float:
        return left + 4 + (position / max(count - 1, 1)) * (right - left - 8)

    draw.text((left, bottom + 6), "layer 1", fill=_TEXT, font=font)
    draw.text((right - 36, bottom + 6), f"{count}", fill=_TEXT, font=font)
    previous = None
    for position, value in enumerate(shown):
        if not math.isfinite(value):
            previous = None
            continue
        point = (to_x(position), to_y(value))
        if previous is not None:
            draw.line([previous, point], fill=_LINE, width=2)
        draw.ellipse([point[0] - 2, point[1] - 2, point[0] + 2, point[1] + 2], fill=_LINE)
        previous = point
