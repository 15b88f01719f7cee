"""The figures behind SignalMonitor's default thresholds, on the examples' 30-layer plain ReLU MLP.

Trains ``train_deep_plain_net.py``'s net (30 ReLU Dense layers of width 128, digits, SGD with
momentum, batch 32) with each initializer and seed, with a ``SignalMonitor`` whose warnings are
switched off, and prints, per initializer, the range over seeds of what the warnings test: the
first-to-last output std factor (at step 0, and its extreme over training), the factor by which
the first layer's output gradient is below the last's, and the largest dead fraction of any layer.

    python examples/signal_monitor_defaults.py [--epochs 30] [--seeds 0 1 2 3 4]
"""

from __future__ import annotations

import argparse
import math
import warnings

import keras
from train_deep_plain_net import INITIALIZERS, build_plain_net, load_data

from kaiming_keras import SignalMonitor, SignalWarning


def figures(history) -> dict[str, float]:
    """Per record: std factor (last / first), gradient factor (last / first), max dead."""
    steps = sorted({row.step for row in history})
    out: dict[str, list[float]] = {"std0": [], "std": [], "gradient": [], "dead": []}
    for step in steps:
        rows = [row for row in history if row.step == step]
        std = rows[-1].output_std / rows[0].output_std
        out["std"].append(max(std, 1 / std))
        if step == steps[0]:
            out["std0"].append(max(std, 1 / std))
        out["gradient"].append(rows[-1].output_gradient_std / rows[0].output_gradient_std)
        out["dead"].append(max(r.dead_fraction for r in rows if not math.isnan(r.dead_fraction)))
    return {
        "std0": out["std0"][0],
        "std": max(out["std"]),
        "gradient": max(out["gradient"]),
        "dead": max(out["dead"]),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    parser.add_argument("--depth", type=int, default=30)
    parser.add_argument("--width", type=int, default=128)
    args = parser.parse_args(argv)
    x_train, _, y_train, _ = load_data()
    print(
        "| initializer | std factor at step 0 | std factor, extreme over training "
        "| gradient factor, max | dead fraction, max |"
    )
    print("|---|---:|---:|---:|---:|")
    for name in ("KaimingNormal", "GlorotUniform"):
        results = []
        for seed in args.seeds:
            keras.utils.set_random_seed(seed)
            model = build_plain_net(
                x_train.shape[1], args.depth, args.width, INITIALIZERS[name], seed
            )
            model.compile(
                optimizer=keras.optimizers.SGD(learning_rate=0.003, momentum=0.9),
                loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
            )
            monitor = SignalMonitor()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", SignalWarning)  # only the figures are wanted
                model.fit(x_train, y_train, batch_size=32, epochs=args.epochs, verbose=0,
                          callbacks=[monitor])  # fmt: skip
            results.append(figures(monitor.history))
        cells = [
            f"{min(r[key] for r in results):.3g} to {max(r[key] for r in results):.3g}"
            for key in ("std0", "std", "gradient", "dead")
        ]
        print(f"| {name} | " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main()
