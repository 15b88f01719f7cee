"""He et al. (2015), Fig. 3, at CPU scale: a deep plain ReLU net trains with Kaiming init only.

A plain MLP (default: 30 ReLU Dense layers of width 128 and a linear 10-way output; no
normalization, no residuals) is trained on scikit-learn's bundled digits data set (8x8 images,
10 classes, no download) once per initializer and seed. Everything except the initializer is the
same for every run: the data split, the seeds, SGD with momentum 0.9, the learning rate, the
batch size and the number of epochs. Each initializer draws every kernel of the net (the output
layer too); biases start at zero.

Prints a markdown table with the median (and min-max over seeds) of the final test accuracy and
training loss, and draws the median training-loss and test-accuracy curves to a PNG.

    python examples/train_deep_plain_net.py --out docs/figures/train_deep_plain_net.png

With ``--monitor LOGDIR`` every run also carries a ``kaiming_keras.SignalMonitor`` that logs the
per-layer signal to ``LOGDIR/<initializer>-seed<seed>`` for TensorBoard (``tensorboard --logdir
LOGDIR``) and prints its ``SignalWarning``s; ``examples/plot_signal_logs.py LOGDIR`` draws them.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
import warnings
from pathlib import Path

import keras
import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

from kaiming_keras import KaimingNormal, SignalMonitor, SignalWarning

INITIALIZERS = {
    "KaimingNormal": lambda seed: KaimingNormal(seed=seed),
    "GlorotUniform": lambda seed: keras.initializers.GlorotUniform(seed=seed),
    "HeNormal": lambda seed: keras.initializers.HeNormal(seed=seed),
    "LecunNormal": lambda seed: keras.initializers.LecunNormal(seed=seed),
}
DEFAULT_INITIALIZERS = ("KaimingNormal", "GlorotUniform")
CLASSES = 10


def load_data(seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Digits, split 75/25 (stratified), standardized with the training set's statistics."""
    features, labels = load_digits(return_X_y=True)
    x_train, x_test, y_train, y_test = train_test_split(
        features.astype("float32"), labels, test_size=0.25, stratify=labels, random_state=seed
    )
    mean = x_train.mean(axis=0)
    # Some border pixels are always 0 in the training split: leave those unscaled, or a test
    # image with ink there would be scaled by 1/epsilon.
    std = x_train.std(axis=0)
    std[std == 0] = 1.0
    return (x_train - mean) / std, (x_test - mean) / std, y_train, y_test


def build_plain_net(inputs: int, depth: int, width: int, make_initializer, seed: int):
    """``depth`` ReLU Dense layers ("relu_1"...) then a linear output ("logits").

    Layer i draws with seed ``seed*1000+i``.
    """
    model = keras.Sequential([keras.Input((inputs,))])
    for index in range(depth):
        model.add(
            keras.layers.Dense(
                width,
                activation="relu",
                kernel_initializer=make_initializer(seed * 1000 + index),
                name=f"relu_{index + 1}",
            )
        )
    initializer = make_initializer(seed * 1000 + depth)
    model.add(keras.layers.Dense(CLASSES, kernel_initializer=initializer, name="logits"))
    return model


def train_one(data, name: str, seed: int, args: argparse.Namespace) -> dict[str, list[float]]:
    """Train one net; returns per-epoch training loss, test loss and test accuracy."""
    x_train, x_test, y_train, y_test = data
    make_initializer = INITIALIZERS[name]
    keras.utils.set_random_seed(seed)  # the shuffling order
    model = build_plain_net(x_train.shape[1], args.depth, args.width, make_initializer, seed)
    model.compile(
        optimizer=keras.optimizers.SGD(learning_rate=args.lr, momentum=0.9),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    callbacks = []
    if args.monitor is not None:
        log_dir = args.monitor / f"{name}-seed{seed}"
        callbacks.append(SignalMonitor(log_dir=log_dir, every_n_steps=args.monitor_every))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", SignalWarning)
        history = model.fit(
            x_train,
            y_train,
            batch_size=args.batch_size,
            epochs=args.epochs,
            validation_data=(x_test, y_test),
            verbose=0,
            callbacks=callbacks,
        ).history
    for warning in caught:
        if issubclass(warning.category, SignalWarning):
            print(f"{name} seed {seed}: SignalWarning: {warning.message}", file=sys.stderr)
        else:
            warnings.warn_explicit(
                warning.message, warning.category, warning.filename, warning.lineno
            )
    return {
        "loss": history["loss"],
        "test_loss": history["val_loss"],
        "test_accuracy": history["val_accuracy"],
    }


def summarize(values: list[float]) -> str:
    finite = [v for v in values if math.isfinite(v)]
    if not finite:
        return "nan"
    median = float(np.median(values)) if len(finite) == len(values) else math.nan
    return f"{median:.3f} ({min(finite):.3f}-{max(finite):.3f})"


def markdown_table(results: dict[str, list[dict[str, list[float]]]]) -> str:
    lines = [
        "| initializer | final test accuracy: median (min-max) "
        "| final training loss: median (min-max) | final test loss: median (min-max) |",
        "|---|---:|---:|---:|",
    ]
    for name, runs in results.items():
        cells = [
            summarize([run[key][-1] for run in runs])
            for key in ("test_accuracy", "loss", "test_loss")
        ]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def plot(results, path: Path, args: argparse.Namespace) -> None:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(11, 4.2), dpi=90)
    FigureCanvasAgg(figure)
    panels = {
        "loss": figure.add_subplot(1, 2, 1),
        "test_accuracy": figure.add_subplot(1, 2, 2),
    }
    for name, runs in results.items():
        for key, axes in panels.items():
            curves = np.array([run[key] for run in runs], dtype=float)
            epochs = np.arange(1, curves.shape[1] + 1)
            (line,) = axes.plot(epochs, np.median(curves, axis=0), label=name, linewidth=1.8)
            axes.fill_between(
                epochs, curves.min(axis=0), curves.max(axis=0), color=line.get_color(), alpha=0.2
            )
    panels["loss"].set_yscale("log")
    panels["loss"].set_ylabel("training loss")
    panels["test_accuracy"].set_ylabel("test accuracy")
    panels["test_accuracy"].axhline(1 / CLASSES, color="gray", linestyle=":", label="chance")
    for axes in panels.values():
        axes.set_xlabel("epoch")
        axes.grid(True, alpha=0.3)
        axes.legend()
    figure.suptitle(
        f"{args.depth}-layer plain ReLU MLP on digits: SGD momentum 0.9, lr {args.lr}; "
        f"median and min-max of {len(args.seeds)} seeds"
    )
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, format="png")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--depth", type=int, default=30, help="number of ReLU layers")
    parser.add_argument("--width", type=int, default=128, help="units per ReLU layer")
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    parser.add_argument("--lr", type=float, default=0.003, help="SGD learning rate (all inits)")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument(
        "--inits",
        nargs="+",
        choices=sorted(INITIALIZERS),
        default=list(DEFAULT_INITIALIZERS),
        help="initializers to compare",
    )
    parser.add_argument("--out", type=Path, default=Path("train_deep_plain_net.png"))
    parser.add_argument("--table", type=Path, help="also write the markdown table to this file")
    parser.add_argument(
        "--monitor",
        type=Path,
        metavar="LOGDIR",
        help="log every run's per-layer signal with SignalMonitor to LOGDIR/<init>-seed<seed>",
    )
    parser.add_argument(
        "--monitor-every", type=int, default=100, help="SignalMonitor's every_n_steps"
    )
    args = parser.parse_args(argv)
    for name in ("depth", "width", "epochs", "batch_size", "monitor_every"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1")
    if args.lr <= 0:
        parser.error("--lr must be positive")
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    started = time.perf_counter()
    data = load_data()
    results = {
        name: [train_one(data, name, seed, args) for seed in args.seeds] for name in args.inits
    }
    table = markdown_table(results)
    plot(results, args.out, args)
    if args.table:
        args.table.parent.mkdir(parents=True, exist_ok=True)
        args.table.write_text(table + "\n", encoding="utf-8")
    print(table)
    print(f"\nwrote {args.out} in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
