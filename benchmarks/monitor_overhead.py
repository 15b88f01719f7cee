"""What SignalMonitor costs: training throughput with and without it, in the same run.

    python benchmarks/monitor_overhead.py [--epochs 10] [--repeats 3] [--every 100]

Two models on scikit-learn's digits, batch 32 (43 steps an epoch): the examples' 30-layer plain
ReLU MLP of width 128 (examples/train_deep_plain_net.py) and a small CNN (three 3x3 convolutions
on the 8x8 images). Each model is trained by a warm-up fit without and one with the monitor (Keras
compiles its training step, the monitor compiles its measurement; both once), then by timed fits
of ``--epochs`` epochs that alternate between the two, so a slow spell on a shared machine hits
both. The monitor writes its TensorBoard files and images to a temporary directory, as it would
in use. The table shows the median steps per second and their ratio; the compile is shown apart.
Run it with KERAS_BACKEND set to compare backends.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import keras

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "examples"))

from train_deep_plain_net import INITIALIZERS, build_plain_net, load_data

from kaiming_keras import SignalMonitor

BATCH = 32


def small_cnn() -> keras.Model:
    kaiming = INITIALIZERS["KaimingNormal"]
    layers = [keras.Input((8, 8, 1))]
    for index, filters in enumerate((32, 32, 64)):
        layers.append(
            keras.layers.Conv2D(
                filters, 3, padding="same", activation="relu", kernel_initializer=kaiming(index)
            )
        )
        if index == 1:
            layers.append(keras.layers.MaxPooling2D())
    layers += [keras.layers.GlobalAveragePooling2D(), keras.layers.Dense(10)]
    return keras.Sequential(layers)


def compiled(model: keras.Model) -> keras.Model:
    model.compile(
        optimizer=keras.optimizers.SGD(learning_rate=0.003, momentum=0.9),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    return model


def timed_fit(model, x, y, epochs: int, callbacks: list) -> float:
    started = time.perf_counter()
    model.fit(x, y, batch_size=BATCH, epochs=epochs, verbose=0, callbacks=callbacks)
    return time.perf_counter() - started


def measure(name, model, x, y, args, log_dir: Path) -> tuple[str, float, float, float, float]:
    monitor = SignalMonitor(log_dir=log_dir / name, every_n_steps=args.every)
    plain_warmup = timed_fit(model, x, y, 1, [])
    monitored_warmup = timed_fit(model, x, y, 1, [monitor])
    plain, monitored = [], []
    for repeat in range(args.repeats):
        order = [("plain", []), ("monitored", [monitor])]
        if repeat % 2:
            order.reverse()
        for label, callbacks in order:
            seconds = timed_fit(model, x, y, args.epochs, callbacks)
            (plain if label == "plain" else monitored).append(seconds)
    steps = args.epochs * -(-len(x) // BATCH)
    plain_rate = steps / statistics.median(plain)
    monitored_rate = steps / statistics.median(monitored)
    return (
        name,
        plain_rate,
        monitored_rate,
        monitored_rate / plain_rate,
        monitored_warmup - plain_warmup,
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=10, help="epochs per timed fit")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--every", type=int, default=100, help="the monitor's every_n_steps")
    args = parser.parse_args(argv)
    for name in ("epochs", "repeats", "every"):
        if getattr(args, name) < 1:
            parser.error(f"--{name} must be at least 1")

    x_train, _, y_train, _ = load_data()
    models = {
        "MLP 30x128": (
            compiled(build_plain_net(64, 30, 128, INITIALIZERS["KaimingNormal"], 0)),
            x_train,
        ),
        "CNN 3 conv": (compiled(small_cnn()), x_train.reshape(-1, 8, 8, 1)),
    }
    backend = keras.backend.backend()
    print(f"backend {backend}, every_n_steps={args.every}, {args.epochs} epochs x {args.repeats}")
    print()
    print("| model | steps/s without | steps/s with SignalMonitor | ratio | one-off compile (s) |")
    print("|---|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as log_dir:
        for name, (model, x) in models.items():
            keras.utils.set_random_seed(0)
            row = measure(name, model, x, y_train, args, Path(log_dir))
            print(f"| {row[0]} | {row[1]:.1f} | {row[2]:.1f} | {row[3]:.3f} | {row[4]:.1f} |")


if __name__ == "__main__":
    main()
