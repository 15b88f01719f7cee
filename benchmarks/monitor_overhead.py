"""What SignalMonitor costs: training throughput with and without it, in the same run.

    python benchmarks/monitor_overhead.py [--epochs 10] [--repeats 3] [--every 100]

Two models on scikit-learn's digits, batch 32 (43 steps an epoch): the examples' 30-layer plain
ReLU MLP of width 128 (examples/train_deep_plain_net.py) and a small CNN (three 3x3 convolutions
on the 8x8 images). Each model is trained by a warm-up fit without and one with the monitor (Keras
compiles its training step, the monitor compiles its measurement; both once), then by timed fits
of ``--epochs`` epochs that alternate between the two, so a slow spell on a shared machine hits
both. The monitor writes its TensorBoard files and images to a temporary directory, as it would
in use. The table shows the median steps per second and their ratio (wall clock, and process CPU
time, which a busy shared machine disturbs less), the share of the monitored fits' wall time
spent inside the monitor's hooks (clocked directly, after the queued steps have finished: the
figure that noise cannot hide), and the
one-off compile of the measurement (the first start-of-training record less a later one).
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


class TimedMonitor(SignalMonitor):
    """SignalMonitor that clocks the time spent in its own hooks."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.begin_seconds: list[float] = []  # each fit's start-of-training record
        self.spent = 0.0  # all hooks, since the last reset

    def _clocked(self, hook, *args) -> float:
        started = time.perf_counter()
        hook(*args)
        seconds = time.perf_counter() - started
        self.spent += seconds
        return seconds

    def on_train_begin(self, logs=None) -> None:
        self.begin_seconds.append(self._clocked(super().on_train_begin, logs))

    def on_train_batch_begin(self, batch, logs=None) -> None:
        if self._base + batch >= self._next:
            # JAX dispatches steps asynchronously: let the queued steps finish off the clock, or
            # their compute would be counted as the record's.
            keras.ops.convert_to_numpy(self.model.optimizer.iterations.value)
        self._clocked(super().on_train_batch_begin, batch, logs)

    def on_epoch_end(self, epoch, logs=None) -> None:
        self._clocked(super().on_epoch_end, epoch, logs)

    def on_train_end(self, logs=None) -> None:
        self._clocked(super().on_train_end, logs)


def timed_fit(model, x, y, epochs: int, callbacks: list) -> tuple[float, float]:
    """Wall-clock and process CPU seconds of one fit."""
    wall, cpu = time.perf_counter(), time.process_time()
    model.fit(x, y, batch_size=BATCH, epochs=epochs, verbose=0, callbacks=callbacks)
    return time.perf_counter() - wall, time.process_time() - cpu


def measure(name, model, x, y, args, log_dir: Path) -> list[str]:
    monitor = TimedMonitor(log_dir=log_dir / name, every_n_steps=args.every)
    timed_fit(model, x, y, 1, [])
    timed_fit(model, x, y, 1, [monitor])
    runs: dict[str, list[tuple[float, float]]] = {"plain": [], "monitored": []}
    inside = []
    for repeat in range(args.repeats):
        order = ["plain", "monitored"] if repeat % 2 == 0 else ["monitored", "plain"]
        for label in order:
            monitor.spent = 0.0
            seconds = timed_fit(model, x, y, args.epochs, [monitor] if label == "monitored" else [])
            runs[label].append(seconds)
            if label == "monitored":
                inside.append(monitor.spent / seconds[0])
    steps = args.epochs * -(-len(x) // BATCH)
    wall = {label: statistics.median(s[0] for s in values) for label, values in runs.items()}
    cpu = {label: statistics.median(s[1] for s in values) for label, values in runs.items()}
    compile_seconds = monitor.begin_seconds[0] - statistics.median(monitor.begin_seconds[1:])
    return [
        name,
        f"{steps / wall['plain']:.1f}",
        f"{steps / wall['monitored']:.1f}",
        f"{wall['plain'] / wall['monitored']:.3f}",
        f"{cpu['plain'] / cpu['monitored']:.3f}",
        f"{100 * statistics.median(inside):.1f}%",
        f"{compile_seconds:.1f}",
    ]


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
    print(
        "| model | steps/s without | steps/s with SignalMonitor | throughput ratio (wall) "
        "| ratio (CPU time) | time inside the monitor | one-off compile (s) |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as log_dir:
        for name, (model, x) in models.items():
            keras.utils.set_random_seed(0)
            print("| " + " | ".join(measure(name, model, x, y_train, args, Path(log_dir))) + " |")


if __name__ == "__main__":
    main()
