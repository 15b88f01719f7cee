"""The lint demo model before and after kaiming-lint's fixes: signal std at every layer.

Copies ``model.py`` to a temporary directory, runs ``kaiming-lint --fix`` on the copy, builds
both versions with the same global seed, and runs ``kaiming_keras.variance_report`` on both with
the same input batch. Writes a before/after PNG and prints a markdown table.

``--method initialize`` instead builds the model as written and re-draws its ReLU-fed kernels
in place with ``kaiming_keras.initialize``: the runtime counterpart of the fix, for a model whose
source you cannot change (the source keeps its mistakes for the next build).

    python examples/lint_demo/compare_variance.py --out lint_demo_variance.png
"""

from __future__ import annotations

import argparse
import importlib.util
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from types import ModuleType

import keras
import numpy as np

from kaiming_keras import variance_report

DEMO = Path(__file__).with_name("model.py")


def load_module(path: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def build(module: ModuleType, seed: int) -> keras.Model:
    keras.utils.set_random_seed(seed)
    return module.build_model()


def fixed_by_linter(seed: int) -> keras.Model:
    """Build the model from a copy of model.py that ``kaiming-lint --fix`` has rewritten."""
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "model_fixed.py"
        shutil.copyfile(DEMO, copy)
        result = subprocess.run(
            [sys.executable, "-m", "kaiming_lint", "--fix", "--exit-zero", str(copy)],
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(f"kaiming-lint --fix failed: {result.stderr.strip()}")
        return build(load_module(copy, "lint_demo_fixed"), seed)


def fixed_by_initialize(seed: int) -> keras.Model:
    """Build the model as written, then re-draw its ReLU layers with kaiming_keras.initialize."""
    from kaiming_keras import initialize

    model = build(load_module(DEMO, "lint_demo_model"), seed)
    initialize(model, seed=seed)
    return model


def markdown_table(before, after) -> str:
    lines = ["| # | layer | kind | std before | std after |", "|---:|---|---|---:|---:|"]
    for number, (old, new) in enumerate(zip(before, after, strict=True), start=1):
        lines.append(
            f"| {number} | {old.layer} | {old.kind} | {old.output_std:.3g} | {new.output_std:.3g} |"
        )
    return "\n".join(lines)


def plot(before, after, path: Path, method: str) -> None:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(8, 4.6), dpi=90)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    positions = range(1, len(before) + 1)
    axes.plot(positions, [row.output_std for row in before], marker="o", label="as written")
    label = "after kaiming-lint --fix" if method == "lint" else "after kaiming_keras.initialize"
    axes.plot(positions, [row.output_std for row in after], marker="o", label=label)
    axes.set_yscale("log")
    axes.set_xticks(list(positions))
    axes.set_xticklabels([f"{row.kind}" for row in before], rotation=60, ha="right", fontsize=8)
    axes.set_ylabel("std of the layer's output")
    axes.set_title("lint demo model: signal std per layer, same input and seed")
    axes.grid(True, which="both", alpha=0.3)
    axes.legend()
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, format="png")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--method", choices=("lint", "initialize"), default="lint")
    parser.add_argument("--samples", type=int, default=64, help="images in the probe batch")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=Path("lint_demo_variance.png"))
    parser.add_argument("--table", type=Path, help="also write the markdown table to this file")
    args = parser.parse_args(argv)
    if args.samples < 1:
        parser.error("--samples must be at least 1")

    x = np.random.default_rng(args.seed).standard_normal((args.samples, 32, 32, 3))
    x = x.astype("float32")
    before = variance_report(build(load_module(DEMO, "lint_demo_model"), args.seed), x)
    fixed = fixed_by_linter if args.method == "lint" else fixed_by_initialize
    after = variance_report(fixed(args.seed), x)
    plot(before, after, args.out, args.method)
    table = markdown_table(before, after)
    if args.table:
        args.table.parent.mkdir(parents=True, exist_ok=True)
        args.table.write_text(table + "\n", encoding="utf-8")
    print(table)
    print(f"\nwrote {args.out}")


if __name__ == "__main__":
    main()
