"""How fast is kaiming-lint compared with bare libcst parsing of the same files?

Copies the non-test ``.py`` files of the installed Keras package's ``src/layers`` and
``src/applications`` (found without importing Keras) into a temporary directory, then measures in
one process, best of N runs each:

(a) ``libcst.parse_module`` over every file (bytes read beforehand; only parsing is timed);
(b) the full per-file lint in-process (``kaiming_lint.engine.lint_bytes`` when it exists, else
    prefilter + parse + analyze).

It prints wall times, the ratio (b)/(a), files/s and lines/s, and the start-up time of
``kaiming-lint --version`` against ``python -c pass``. The target is a ratio of at most 2.

    python benchmarks/lint_speed.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import importlib.util
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import libcst as cst

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kaiming_lint.pairing import analyze, mentions_kernel_layer  # noqa: E402


def keras_sources() -> list[Path]:
    """The non-test .py files of Keras's src/layers and src/applications."""
    spec = importlib.util.find_spec("keras")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("keras is not installed in this environment; nothing to measure")
    package = Path(next(iter(spec.submodule_search_locations)))
    files: list[Path] = []
    for part in ("layers", "applications"):
        folder = package / "src" / part
        files.extend(
            path
            for path in sorted(folder.rglob("*.py"))
            if not path.name.endswith("_test.py") and "test" not in path.parent.name
        )
    return files


def best_of(repeat: int, run: Callable[[], None]) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def lint_function() -> tuple[str, Callable[[bytes, str], object]]:
    """The per-file lint entry point: the engine's when it exists, else the analysis alone."""
    try:
        from kaiming_lint.engine import LintOptions, lint_bytes
    except ImportError:
        from kaiming_lint.pairing import analyze, mentions_kernel_layer

        def analysis_only(data: bytes, path: str) -> object:
            text = data.decode("utf-8")
            if not mentions_kernel_layer(text):
                return None
            return analyze(cst.parse_module(text))

        return "prefilter + parse + analyze", analysis_only
    options = LintOptions()
    return "engine.lint_bytes", lambda data, path: lint_bytes(data, path, options)


def startup(repeat: int) -> tuple[float, float] | None:
    cli = shutil.which("kaiming-lint", path=str(Path(sys.executable).parent))
    command = [cli, "--version"] if cli else [sys.executable, "-m", "kaiming_lint", "--version"]
    if subprocess.run(command, capture_output=True, cwd=ROOT).returncode != 0:
        return None

    def run(args: list[str]) -> Callable[[], None]:
        return lambda: subprocess.run(args, capture_output=True, check=True, cwd=ROOT)

    return best_of(repeat, run(command)), best_of(repeat, run([sys.executable, "-c", "pass"]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (best kept)")
    args = parser.parse_args()
    if args.repeat < 1:
        parser.error(f"--repeat must be at least 1, got {args.repeat}")

    with tempfile.TemporaryDirectory() as tmp:
        sources = []
        for index, path in enumerate(keras_sources()):
            copy = Path(tmp) / f"{index:03d}_{path.name}"
            shutil.copyfile(path, copy)
            sources.append((str(copy), copy.read_bytes()))
        lines = sum(data.count(b"\n") for _, data in sources)
        texts = [data.decode("utf-8") for _, data in sources]
        label, lint = lint_function()

        parse_time = best_of(args.repeat, lambda: [cst.parse_module(text) for text in texts])
        lint_time = best_of(args.repeat, lambda: [lint(data, name) for name, data in sources])
        # The analysis alone, on the files the prefilter lets through (parsed beforehand).
        modules = [cst.parse_module(text) for text in texts if mentions_kernel_layer(text)]
        passed_parse = best_of(
            args.repeat,
            lambda: [cst.parse_module(t) for t in texts if mentions_kernel_layer(t)],
        )
        analyze_time = best_of(args.repeat, lambda: [analyze(module) for module in modules])

    print(f"files: {len(sources)}, lines: {lines}")
    print(f"(a) libcst.parse_module:   {parse_time:7.3f} s")
    print(f"(b) kaiming-lint ({label}): {lint_time:7.3f} s")
    print(f"ratio (b)/(a): {lint_time / parse_time:.2f}  (target <= 2.0)")
    print(f"lint: {len(sources) / lint_time:.0f} files/s, {lines / lint_time:.0f} lines/s")
    print(
        f"prefilter keeps {len(modules)} files; parsing them {passed_parse:.3f} s, "
        f"analyze() on them {analyze_time:.3f} s "
        f"(analysis/parse {analyze_time / passed_parse:.2f})"
    )
    times = startup(args.repeat)
    if times is None:
        print("startup: the kaiming-lint command is not available")
    else:
        cli_time, python_time = times
        print(
            f"startup: kaiming-lint --version {cli_time * 1000:.0f} ms, "
            f"python -c pass {python_time * 1000:.0f} ms "
            f"(+{(cli_time - python_time) * 1000:.0f} ms)"
        )


if __name__ == "__main__":
    main()
