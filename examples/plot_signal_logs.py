"""Draw SignalMonitor's TensorBoard logs: per-layer output std over training, runs side by side.

Reads the event files that ``train_deep_plain_net.py --monitor LOGDIR`` wrote (one run directory
per initializer and seed, each with a ``signals`` run) with TensorBoard's own reader, and draws,
for every run, the output std of each kernel layer at every recorded step (one line per step,
dark to light over training) and the first-to-last factor over training. Prints a markdown table
of the same logged figures.

    python examples/plot_signal_logs.py LOGDIR --out docs/figures/signal_monitor.png
"""

from __future__ import annotations

import argparse
import math
import re
from pathlib import Path

TAG = re.compile(r"^output_std/(\d+)_(.+)$")


def read_run(run_dir: Path) -> dict[int, list[float]]:
    """{step: [output std of kernel layer 1, 2, ...]} from one run's event files."""
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    accumulator = EventAccumulator(str(run_dir), size_guidance={"scalars": 0})
    accumulator.Reload()
    by_depth: dict[int, dict[int, float]] = {}
    for tag in accumulator.Tags()["scalars"]:
        match = TAG.match(tag)
        if match:
            by_depth[int(match.group(1))] = {
                event.step: event.value for event in accumulator.Scalars(tag)
            }
    if not by_depth:
        raise SystemExit(f"{run_dir}: no output_std scalars (is it a SignalMonitor log?)")
    steps = sorted(set.intersection(*(set(values) for values in by_depth.values())))
    return {step: [by_depth[d][step] for d in sorted(by_depth)] for step in steps}


def find_runs(log_dir: Path) -> dict[str, dict[int, list[float]]]:
    runs = {
        signals.parent.name: read_run(signals)
        for signals in sorted(log_dir.glob("*/signals"))
        if signals.is_dir()
    }
    if not runs:
        raise SystemExit(f"{log_dir}: no <run>/signals directories")
    return runs


def markdown_table(runs: dict[str, dict[int, list[float]]]) -> str:
    lines = [
        "| run | step | std at layer 1 | layer 10 | layer 20 | last hidden | output | "
        "output / layer 1 |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, profiles in runs.items():
        steps = sorted(profiles)
        shown = sorted({steps[0], steps[len(steps) // 2], steps[-1]})
        for step in shown:
            stds = profiles[step]
            picks = [stds[i] if i < len(stds) else math.nan for i in (0, 9, 19)]
            cells = [*picks, stds[-2], stds[-1], stds[-1] / stds[0]]
            lines.append(f"| {name} | {step} | " + " | ".join(f"{v:.3g}" for v in cells) + " |")
    return "\n".join(lines)


def plot(runs: dict[str, dict[int, list[float]]], path: Path) -> None:
    from matplotlib import colormaps
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(5.2 * len(runs), 7.4), dpi=90)
    FigureCanvasAgg(figure)
    colors = colormaps["viridis"]
    low = min(min(stds) for profiles in runs.values() for stds in profiles.values())
    high = max(max(stds) for profiles in runs.values() for stds in profiles.values())
    ratios = {
        name: [profiles[s][-2] / profiles[s][0] for s in sorted(profiles)]
        for name, profiles in runs.items()
    }
    ratio_low = min(min(min(r), 1.0) for r in ratios.values())
    ratio_high = max(max(max(r), 1.0) for r in ratios.values())
    for column, (name, profiles) in enumerate(runs.items()):
        steps = sorted(profiles)
        axes = figure.add_subplot(2, len(runs), column + 1)
        for position, step in enumerate(steps):
            stds = profiles[step]
            edge = position in (0, len(steps) - 1)
            axes.plot(
                range(1, len(stds) + 1),
                stds,
                color=colors(position / max(len(steps) - 1, 1)),
                linewidth=1.8 if edge else 0.7,
                label=f"step {step}" if edge else None,
            )
        axes.set_yscale("log")
        axes.set_ylim(low / 2, high * 2)
        axes.set_title(name)
        axes.set_xlabel("kernel layer")
        axes.set_ylabel("output std (logged)")
        axes.grid(True, which="both", alpha=0.3)
        axes.legend(fontsize=8)
        factors = figure.add_subplot(2, len(runs), len(runs) + column + 1)
        factors.plot(steps, ratios[name], marker="o")
        factors.set_yscale("log")
        factors.set_ylim(ratio_low / 2, ratio_high * 2)
        factors.set_xlabel("training step")
        factors.set_ylabel("last hidden layer std / first")
        factors.axhline(1.0, color="gray", linestyle=":")
        factors.grid(True, which="both", alpha=0.3)
    figure.suptitle("SignalMonitor logs: per-layer output std over training")
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, format="png")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("log_dir", type=Path, help="the --monitor LOGDIR of train_deep_plain_net")
    parser.add_argument("--out", type=Path, default=Path("signal_monitor.png"))
    parser.add_argument("--table", type=Path, help="also write the markdown table to this file")
    args = parser.parse_args(argv)
    if not args.log_dir.is_dir():
        parser.error(f"{args.log_dir}: not a directory")
    runs = find_runs(args.log_dir)
    table = markdown_table(runs)
    plot(runs, args.out)
    if args.table:
        args.table.parent.mkdir(parents=True, exist_ok=True)
        args.table.write_text(table + "\n", encoding="utf-8")
    print(table)
    print(f"\nwrote {args.out}")


if __name__ == "__main__":
    main()
