"""How the signal travels through a deep plain ReLU network, for four initializers.

Builds the same plain ReLU MLP (default: 50 Dense layers of width 256, no normalization, no
residuals) once per initializer, feeds every copy the same standard-normal batch, and measures
the standard deviation of each layer's output with ``kaiming_keras.variance_report``.

Kaiming/He keeps it flat; Glorot and LeCun (variance 1/fan for these square layers) halve the
second moment at every ReLU layer, so the std shrinks by ~1/sqrt(2) per layer.

    python examples/deep_relu_variance.py --out docs/figures/deep_relu_variance.png
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import keras
import numpy as np

from kaiming_keras import KaimingNormal, variance_report

INITIALIZERS = {
    "KaimingNormal": lambda seed: KaimingNormal(seed=seed),
    "HeNormal": lambda seed: keras.initializers.HeNormal(seed=seed),
    "GlorotUniform": lambda seed: keras.initializers.GlorotUniform(seed=seed),
    "LecunNormal": lambda seed: keras.initializers.LecunNormal(seed=seed),
}
REPORTED_LAYERS = (1, 10, 25, 50)


def build_mlp(layers: int, width: int, make_initializer, seed: int) -> keras.Model:
    """A plain ReLU MLP; layer i draws its kernel with seed ``seed + i``."""
    model = keras.Sequential([keras.Input((width,))])
    for index in range(layers):
        model.add(
            keras.layers.Dense(
                width,
                activation="relu",
                kernel_initializer=make_initializer(seed + index),
                name=f"relu_{index + 1}",
            )
        )
    return model


def measure(layers: int, width: int, samples: int, seed: int) -> dict[str, list[float]]:
    """Per-layer output std for every initializer, same input, same seeds."""
    x = np.random.default_rng(seed).standard_normal((samples, width)).astype("float32")
    stds = {}
    for name, make_initializer in INITIALIZERS.items():
        model = build_mlp(layers, width, make_initializer, seed)
        stds[name] = [row.output_std for row in variance_report(model, x)]
    return stds


def markdown_table(stds: dict[str, list[float]], layers: int) -> str:
    depths = sorted({d for d in REPORTED_LAYERS if d <= layers} | {layers})
    lines = [
        "| initializer | "
        + " | ".join(f"std at layer {d}" for d in depths)
        + " | std ratio per layer |",
        "|---|" + "---:|" * (len(depths) + 1),
    ]
    for name, values in stds.items():
        cells = [f"{values[d - 1]:.3g}" for d in depths]
        # geometric mean of std(layer i+1) / std(layer i): 1 keeps the signal, 0.707 = 1/sqrt(2)
        per_layer = (values[-1] / values[0]) ** (1 / (layers - 1)) if layers > 1 else 1.0
        lines.append(f"| {name} | " + " | ".join(cells) + f" | {per_layer:.3f} |")
    return "\n".join(lines)


def plot(stds: dict[str, list[float]], path: Path, width: int, samples: int) -> None:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(6.4, 4.2), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    for name, values in stds.items():
        axes.plot(range(1, len(values) + 1), values, label=name, linewidth=1.8)
    axes.set_yscale("log")
    axes.set_xlabel("layer")
    axes.set_ylabel("std of the layer's output")
    axes.set_title(f"Plain ReLU MLP, width {width}, {samples} samples")
    axes.grid(True, which="both", alpha=0.3)
    axes.legend()
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, format="png")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--layers", type=int, default=50, help="number of ReLU layers")
    parser.add_argument("--width", type=int, default=256, help="units per layer (and input size)")
    parser.add_argument("--samples", type=int, default=1024, help="batch size of the probe input")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=Path("deep_relu_variance.png"))
    parser.add_argument("--table", type=Path, help="also write the markdown table to this file")
    args = parser.parse_args(argv)
    for name in ("layers", "width", "samples"):
        if getattr(args, name) < 1:
            parser.error(f"--{name} must be at least 1")

    started = time.perf_counter()
    stds = measure(args.layers, args.width, args.samples, args.seed)
    table = markdown_table(stds, args.layers)
    plot(stds, args.out, args.width, args.samples)
    if args.table:
        args.table.parent.mkdir(parents=True, exist_ok=True)
        args.table.write_text(table + "\n", encoding="utf-8")
    print(table)
    print(f"\nwrote {args.out} in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
