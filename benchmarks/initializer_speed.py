"""How fast KaimingNormal draws, against HeNormal and a bare keras.random.normal, in one run.

    python benchmarks/initializer_speed.py [--repeats 25] [--warmup 3]

Every candidate draws the same shape and its result is converted to numpy, so the work is done
before the clock stops. The candidates take turns within each repeat, in a rotating order (so
a slow spell on a shared machine hits all of them), and the table shows the median time per
draw and its ratio to the bare draw. Run it with KERAS_BACKEND set to compare backends.
"""

from __future__ import annotations

import argparse
import math
import statistics
import time
from collections.abc import Callable

import keras

from kaiming_keras import KaimingNormal

SHAPES = {"Dense 4096x4096": (4096, 4096), "Conv 3x3x512x512": (3, 3, 512, 512)}
SEED = 1


def candidates(shape: tuple[int, ...]) -> dict[str, Callable[[], object]]:
    """Zero-argument callables that each draw one He-scaled kernel of `shape`."""
    fan_in = math.prod(shape[:-1])
    std = math.sqrt(2.0 / fan_in)
    seeded = KaimingNormal(seed=SEED)
    unseeded = KaimingNormal()
    truncated = KaimingNormal(distribution="truncated_normal", seed=SEED)
    he_normal = keras.initializers.HeNormal(seed=SEED)
    return {
        "keras.random.normal": lambda: keras.random.normal(shape, stddev=std, seed=SEED),
        "KaimingNormal(seed=1)": lambda: seeded(shape),
        "KaimingNormal()": lambda: unseeded(shape),
        "HeNormal(seed=1)": lambda: he_normal(shape),  # truncated, like the next one
        "KaimingNormal(truncated)": lambda: truncated(shape),
    }


def time_once(draw: Callable[[], object]) -> float:
    start = time.perf_counter()
    keras.ops.convert_to_numpy(draw())
    return time.perf_counter() - start


def measure(repeats: int, warmup: int) -> list[tuple[str, str, float]]:
    rows = []
    for label, shape in SHAPES.items():
        draws = candidates(shape)
        for draw in draws.values():
            for _ in range(warmup):
                time_once(draw)
        names = list(draws)
        times: dict[str, list[float]] = {name: [] for name in names}
        for repeat in range(repeats):
            shift = repeat % len(names)  # rotate who goes first
            for name in names[shift:] + names[:shift]:
                times[name].append(time_once(draws[name]))
        rows.extend((label, name, statistics.median(t)) for name, t in times.items())
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=25, help="timed calls per candidate")
    parser.add_argument("--warmup", type=int, default=3, help="untimed calls first")
    args = parser.parse_args()
    if args.repeats < 1 or args.warmup < 0:
        parser.error("--repeats must be >= 1 and --warmup >= 0")
    rows = measure(args.repeats, args.warmup)
    print(
        f"backend: {keras.backend.backend()}, keras {keras.__version__}, median of {args.repeats}"
    )
    print(f"{'kernel':<18} {'initializer':<26} {'median ms':>10} {'vs bare':>8}")
    baseline = {}
    for label, name, seconds in rows:
        baseline.setdefault(label, seconds)  # the bare draw comes first for each shape
        ratio = seconds / baseline[label]
        print(f"{label:<18} {name:<26} {seconds * 1e3:>10.2f} {ratio:>8.3f}")


if __name__ == "__main__":
    main()
