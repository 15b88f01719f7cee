"""How fast is kaiming-lint, against bare parsing and against Fixit, on small and large trees?

Two sections, both measured in the same run:

1. **Keras layers** (about 185 files): the non-test ``.py`` files of the installed Keras
   package's ``src/layers`` and ``src/applications`` (found without importing Keras), measured
   in this process, best of ``--repeat`` runs: (a) ``libcst.parse_module`` over every file,
   (b) ``kaiming_lint.sources.python.lint_bytes`` (decode + the pipeline) over every file, their ratio (target at most 2),
   the analysis alone, and the start-up time of ``kaiming-lint --version``; then one changed
   file of the whole installed Keras package copied as a project (its modules import one
   another), warm cache, against the same file alone.

2. **Corpus** (``--files``, default 2000): the non-test ``.py`` files of the installed
   ``keras`` and ``tensorflow`` packages, sorted by path and sampled at even steps (so the same
   installation always gives the same corpus), copied to a temporary directory. Every
   configuration runs once, in a fresh Python process that reports its wall time, CPU time
   and peak resident memory (its own, and the largest of its worker processes):

   - ``ast.parse`` and bare ``libcst.parse_module`` over every file (read from disk, 1 process);
   - ``kaiming-lint --jobs 1`` and ``--jobs 2`` (the command line, in-process, output
     discarded); files the substring prefilter skips count toward files/s;
   - Fixit 2 with one trivial rule (``VisitCalls`` below: visits every call, reports
     nothing), serial and on 2 processes; skipped with a message when Fixit is not installed;
   - ``kaiming-lint`` on ``--scale`` (default 4) copies of the corpus, for the memory peak.

   It also times a CPU-bound loop in 1 and 2 processes: the speed-up the machine itself
   allows while the benchmark runs (other work on a shared machine lowers it).

    python benchmarks/lint_speed.py [--files 2000] [--skip-fixit] [--skip-keras] [--repeat 3]
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import io
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import libcst as cst

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))

try:
    from fixit import LintRule
except ImportError:  # Fixit is a benchmark-only extra; the Fixit rows are skipped without it
    LintRule = None

if LintRule is not None:

    class VisitCalls(LintRule):
        """The cheapest rule worth running: visit every call and report nothing."""

        def visit_Call(self, node: cst.Call) -> None:
            pass


CORPUS_PACKAGES = ("keras", "tensorflow")
FIXIT_RULE = "lint_speed:VisitCalls"  # this module, imported by name in Fixit's workers


# ---------------------------------------------------------------- section 1: Keras layers


def package_dir(name: str) -> Path | None:
    """Where an installed top-level package lives, found without importing it."""
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def keras_sources() -> list[Path]:
    """The non-test .py files of Keras's src/layers and src/applications."""
    package = package_dir("keras")
    if package is None:
        raise SystemExit("keras is not installed in this environment; nothing to measure")
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


def startup(repeat: int) -> tuple[float, float] | None:
    cli = shutil.which("kaiming-lint", path=str(Path(sys.executable).parent))
    command = [cli, "--version"] if cli else [sys.executable, "-m", "kaiming_lint", "--version"]
    if subprocess.run(command, capture_output=True, cwd=ROOT).returncode != 0:
        return None

    def run(args: list[str]) -> Callable[[], None]:
        return lambda: subprocess.run(args, capture_output=True, check=True, cwd=ROOT)

    return best_of(repeat, run(command)), best_of(repeat, run([sys.executable, "-c", "pass"]))


def keras_section(repeat: int) -> None:
    from kaiming_lint.pairing import analyze, mentions_kernel_layer
    from kaiming_lint.results import LintOptions
    from kaiming_lint.sources.python import lint_bytes

    options = LintOptions()
    with tempfile.TemporaryDirectory() as tmp:
        sources = []
        for index, path in enumerate(keras_sources()):
            copy = Path(tmp) / f"{index:03d}_{path.name}"
            shutil.copyfile(path, copy)
            sources.append((str(copy), copy.read_bytes()))
    lines = sum(data.count(b"\n") for _, data in sources)
    texts = [data.decode("utf-8") for _, data in sources]

    parse_time = best_of(repeat, lambda: [cst.parse_module(text) for text in texts])
    lint_time = best_of(repeat, lambda: [lint_bytes(data, name, options) for name, data in sources])
    # The analysis alone, on the files the prefilter lets through (parsed beforehand).
    modules = [cst.parse_module(text) for text in texts if mentions_kernel_layer(text)]
    passed_parse = best_of(
        repeat, lambda: [cst.parse_module(t) for t in texts if mentions_kernel_layer(t)]
    )
    analyze_time = best_of(repeat, lambda: [analyze(module) for module in modules])

    # Project-wide: index every file (ast), judge, then lint each with its module view.
    # "cold" builds every summary; "warm" reads them from the cache a previous run wrote.
    from dataclasses import replace

    from kaiming_lint.project import build_view

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for name, data in sources:
            (folder / Path(name).name).write_bytes(data)
        (folder / "pyproject.toml").write_text("[project]\nname = 'bench'\n", encoding="utf-8")
        copies = [(str(folder / Path(name).name), data) for name, data in sources]
        paths = [name for name, _ in copies]
        os.environ["KAIMING_LINT_CACHE_DIR"] = str(folder / ".cache")

        def project_wide(cache: bool) -> None:
            view = build_view(paths, cache_enabled=cache)
            with_view = replace(options, project=view)
            for name, data in copies:
                lint_bytes(data, name, with_view)

        cold_time = best_of(repeat, lambda: project_wide(False))
        project_wide(True)
        warm_time = best_of(repeat, lambda: project_wide(True))
        del os.environ["KAIMING_LINT_CACHE_DIR"]

    print(f"## Keras layers: {len(sources)} files, {lines} lines (best of {repeat})")
    print(f"(a) libcst.parse_module:          {parse_time:7.3f} s")
    print(f"(b) kaiming-lint (lint_bytes):       {lint_time:7.3f} s")
    print(f"ratio (b)/(a): {lint_time / parse_time:.2f}  (target <= 2.0)")
    print(f"(c) project-wide, no cache:          {cold_time:7.3f} s")
    print(f"(d) project-wide, warm cache:        {warm_time:7.3f} s")
    print(
        f"ratio (c)/(a): {cold_time / parse_time:.2f}, (d)/(a): {warm_time / parse_time:.2f}"
        "  (target <= 1.0)"
    )
    print(f"lint: {len(sources) / lint_time:.0f} files/s, {lines / lint_time:.0f} lines/s")
    print(
        f"prefilter keeps {len(modules)} files; parsing them {passed_parse:.3f} s, "
        f"analyze() on them {analyze_time:.3f} s "
        f"(analysis/parse {analyze_time / passed_parse:.2f})"
    )
    times = startup(repeat)
    if times is None:
        print("startup: the kaiming-lint command is not available")
    else:
        cli_time, python_time = times
        print(
            f"startup: kaiming-lint --version {cli_time * 1000:.0f} ms, "
            f"python -c pass {python_time * 1000:.0f} ms "
            f"(+{(cli_time - python_time) * 1000:.0f} ms)"
        )


def connected_section(repeat: int) -> None:
    """One changed file of a project whose modules import one another: the installed Keras
    package copied as a project, warm cache, against the same file checked alone."""
    keras_dir = package_dir("keras")
    if keras_dir is None:
        print("connected project: keras is not installed")
        return
    print()
    print("## One changed file of a connected project (the keras package, warm cache)")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "project"
        shutil.copytree(keras_dir, root / "keras", ignore=shutil.ignore_patterns("__pycache__"))
        (root / "pyproject.toml").write_text("[project]\nname = 'connected'\n", encoding="utf-8")
        os.environ["KAIMING_LINT_CACHE_DIR"] = str(Path(tmp) / "cache")
        files = sum(1 for _ in (root / "keras").rglob("*.py"))
        for relative in ("keras/src/layers/core/dense.py", "keras/src/applications/resnet.py"):
            target = root / relative
            command_time([str(target)], 1)  # fills the cache
            target.write_bytes(target.read_bytes() + b"\n# changed\n")
            one = command_time([str(target)], repeat)
            alone = command_time(["--no-project", str(target)], repeat)
            print(
                f"{relative} of {files} files: {one:.2f} s vs {alone:.2f} s for the file alone: "
                f"{one / alone:.2f}x (target <= 3)"
            )
        del os.environ["KAIMING_LINT_CACHE_DIR"]


# ---------------------------------------------------------------- section 2: the corpus


def is_test_file(relative: Path) -> bool:
    name = relative.name
    return (
        name.endswith("_test.py")
        or name.startswith("test_")
        or any(part in ("test", "tests", "testing") for part in relative.parts[:-1])
    )


def corpus_sources(count: int) -> list[Path]:
    """``count`` non-test source files of CORPUS_PACKAGES, sampled at even steps by path."""
    found: list[Path] = []
    for name in CORPUS_PACKAGES:
        folder = package_dir(name)
        if folder is None:
            continue
        found.extend(
            path
            for path in sorted(folder.rglob("*.py"))
            if not is_test_file(path.relative_to(folder))
        )
    if len(found) < count:
        raise SystemExit(
            f"--files {count}: only {len(found)} non-test files in {', '.join(CORPUS_PACKAGES)}"
        )
    return [found[i * len(found) // count] for i in range(count)]


def copy_corpus(sources: Sequence[Path], folder: Path, copies: int) -> list[str]:
    """Copy the sources ``copies`` times under ``folder``; the copies' paths, in order."""
    paths = []
    for copy in range(copies):
        target = folder / f"copy{copy}"
        target.mkdir(parents=True)
        for index, source in enumerate(sources):
            path = target / f"{index:05d}_{source.name}"
            shutil.copyfile(source, path)
            paths.append(str(path))
    return paths


@dataclass(frozen=True)
class Measurement:
    label: str
    jobs: int
    files: int
    lines: int
    seconds: float
    cpu: float  # user + system, this process and its workers
    main_mb: float
    worker_mb: float | None

    def row(self) -> str:
        worker = f"{self.worker_mb:.0f}" if self.worker_mb else "-"
        return (
            f"| {self.label} | {self.jobs} | {self.files} | {self.seconds:.1f} | {self.cpu:.1f} | "
            f"{self.files / self.seconds:.0f} | {self.lines / self.seconds:.0f} | "
            f"{self.main_mb:.0f} | {worker} |"
        )


HEADER = (
    "| configuration | processes | files | wall s | CPU s | files/s | lines/s "
    "| peak RSS main MB | peak RSS worker MB |\n"
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
)


def measure(
    kind: str, label: str, paths: Sequence[str], lines: int, jobs: int, scratch: Path
) -> Measurement:
    """Run one configuration in a fresh interpreter (so its memory peak is its own)."""
    listing = scratch / "paths.txt"
    listing.write_text("\n".join(paths), encoding="utf-8")
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(HERE), str(ROOT), env.get("PYTHONPATH", "")) if p
    )
    command = [sys.executable, __file__, "--measure", kind, "--jobs", str(jobs)]
    done = subprocess.run(
        [*command, "--paths-from", str(listing)], capture_output=True, text=True, env=env
    )
    if done.returncode != 0:
        raise SystemExit(f"{label} (--jobs {jobs}) failed:\n{done.stderr[-2000:]}")
    report = json.loads(done.stdout.strip().splitlines()[-1])
    return Measurement(label, jobs, len(paths), lines, **report)


def run_configuration(kind: str, paths: list[str], jobs: int) -> None:
    """In the child process: run one configuration and print its numbers as one JSON line."""
    work = configuration(kind, paths, jobs)
    start_cpu = resource.getrusage(resource.RUSAGE_SELF)
    start = time.perf_counter()
    work()
    seconds = time.perf_counter() - start
    mine = resource.getrusage(resource.RUSAGE_SELF)
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (
        mine.ru_utime
        + mine.ru_stime
        - start_cpu.ru_utime
        - start_cpu.ru_stime
        + workers.ru_utime
        + workers.ru_stime
    )
    print(
        json.dumps(
            {
                "seconds": seconds,
                "cpu": cpu,
                "main_mb": mine.ru_maxrss / 1024,  # Linux reports KiB
                "worker_mb": workers.ru_maxrss / 1024 or None,
            }
        )
    )


def configuration(kind: str, paths: list[str], jobs: int) -> Callable[[], None]:
    if kind in ("ast", "libcst"):
        import ast

        parse = ast.parse if kind == "ast" else cst.parse_module

        def parse_all() -> None:
            for path in paths:
                parse(Path(path).read_bytes())  # each tree is dropped at once, as a linter would

        return parse_all
    if kind.startswith("kaiming-lint"):
        from kaiming_lint import runner  # noqa: F401  (loaded before the clock starts)
        from kaiming_lint.cli import main

        extra = {
            "kaiming-lint": [],
            "kaiming-lint-no-project": ["--no-project"],
            "kaiming-lint-no-cache": ["--no-cache"],
        }[kind]

        def lint() -> None:
            with contextlib.redirect_stdout(io.StringIO()):
                status = main(
                    ["--jobs", str(jobs), "--exit-zero", "--format", "json", *extra, *paths]
                )
            if status != 0:
                raise SystemExit(f"kaiming-lint exited with {status}")

        return lint
    if kind == "fixit":
        from fixit.api import fixit_paths
        from fixit.ftypes import Options, QualifiedRule

        module, name = FIXIT_RULE.split(":")
        options = Options(rules=[QualifiedRule(module, name)])

        def fixit() -> None:
            results = fixit_paths([Path(p) for p in paths], options=options, parallel=jobs > 1)
            errors = [r for r in results if r.error is not None]
            if errors:
                raise SystemExit(f"Fixit failed on {errors[0].path}: {errors[0].error[1]}")

        return fixit
    raise SystemExit(f"--measure: unknown configuration {kind!r}")


def command_time(args: list[str], repeat: int = 3) -> float:
    """Best wall time of ``python -m kaiming_lint ARGS`` in a fresh process, start-up included."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    command = [sys.executable, "-m", "kaiming_lint", "--exit-zero", "--format", "json", *args]
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(command, capture_output=True, env=env, check=True)
        best = min(best, time.perf_counter() - start)
    return best


def machine_speedup(seconds: float = 1.5) -> float:
    """How much faster two CPU-bound processes finish two loops than one process does."""
    loop = (
        f"import time\nend = time.process_time() + {seconds}\nwhile time.process_time() < end: pass"
    )
    command = [sys.executable, "-c", loop]

    def wall(count: int) -> float:
        start = time.perf_counter()
        processes = [subprocess.Popen(command) for _ in range(count)]
        for process in processes:
            process.wait()
        return time.perf_counter() - start

    return 2 * wall(1) / wall(2)


def corpus_section(files: int, scale: int, skip_fixit: bool) -> None:
    sources = corpus_sources(files)
    lines = sum(path.read_bytes().count(b"\n") for path in sources)
    fixit = not skip_fixit and LintRule is not None
    if not skip_fixit and LintRule is None:
        print("Fixit is not installed (pip install fixit): the Fixit rows are skipped.")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        paths = copy_corpus(sources, folder / "corpus", 1)
        scaled = copy_corpus(sources, folder / f"corpus{scale}x", scale) if scale > 1 else []
        ceiling_before = machine_speedup()
        load_before = os.getloadavg()[0]
        # The corpus is one project (a pyproject.toml at its top): project-wide analysis
        # indexes all of it; its summary cache is kept in the scratch folder.
        (folder / "corpus" / "pyproject.toml").write_text("[project]\nname = 'corpus'\n")
        os.environ["KAIMING_LINT_CACHE_DIR"] = str(folder / "summary-cache")
        one_file = paths[len(paths) // 2]
        plan: list[tuple[str, str, list[str], int, int]] = [
            ("ast", "ast.parse", paths, lines, 1),
            ("libcst", "libcst.parse_module", paths, lines, 1),
            ("kaiming-lint-no-project", "kaiming-lint --no-project", paths, lines, 1),
            ("kaiming-lint-no-cache", "kaiming-lint, cold (no cache)", paths, lines, 1),
            ("kaiming-lint", "kaiming-lint, writes the cache", paths, lines, 1),
            ("kaiming-lint", "kaiming-lint", paths, lines, 1),
            ("kaiming-lint", "kaiming-lint", paths, lines, 2),
        ]
        if fixit:
            plan += [
                ("fixit", "Fixit, 1 trivial rule", paths, lines, 1),
                ("fixit", "Fixit, 1 trivial rule", paths, lines, 2),
            ]
        if scaled:
            plan += [
                ("kaiming-lint", f"kaiming-lint, corpus x{scale}", scaled, lines * scale, 1),
                ("kaiming-lint", f"kaiming-lint, corpus x{scale}", scaled, lines * scale, 2),
            ]
        results: dict[tuple[str, int], Measurement] = {}
        for kind, label, chosen, count, jobs in plan:
            results[(label, jobs)] = measure(kind, label, chosen, count, jobs, folder)
        # One changed file of the project, the way pre-commit runs it: the command line in a
        # fresh process (start-up included), warm cache, against the same file checked alone.
        Path(one_file).write_bytes(Path(one_file).read_bytes() + b"\n# changed\n")
        single = command_time([one_file])
        single_alone = command_time(["--no-project", one_file])
        ceiling_after = machine_speedup()
        load_after = os.getloadavg()[0]
        del os.environ["KAIMING_LINT_CACHE_DIR"]

    print()
    print(
        f"## Corpus: {files} non-test files of {' + '.join(CORPUS_PACKAGES)}, {lines} lines "
        f"(Python {sys.version.split()[0]}, {os.cpu_count()} cores)"
    )
    print(HEADER)
    for result in results.values():
        print(result.row())
    print()
    one, two = results[("kaiming-lint", 1)], results[("kaiming-lint", 2)]
    print(
        f"kaiming-lint 2 processes vs 1: {one.seconds / two.seconds:.2f}x faster (target >= 1.7); "
        f"the machine allowed {ceiling_before:.2f}x / {ceiling_after:.2f}x on a CPU-bound loop "
        f"before / after (1-minute load {load_before:.1f} / {load_after:.1f})"
    )
    alone = results[("kaiming-lint --no-project", 1)]
    cold = results[("kaiming-lint, cold (no cache)", 1)]
    writing = results[("kaiming-lint, writes the cache", 1)]
    print(
        f"project-wide vs --no-project, whole corpus: cold {cold.seconds / alone.seconds:.2f}x, "
        f"cold writing the cache {writing.seconds / alone.seconds:.2f}x, warm "
        f"{one.seconds / alone.seconds:.2f}x (target cold <= 1.3)"
    )
    print(
        f"one changed file of {len(paths)}, warm cache, command line: {single:.2f} s vs "
        f"{single_alone:.2f} s for the file alone: {single / single_alone:.2f}x (target <= 3)"
    )
    floor = results[("libcst.parse_module", 1)]
    print(f"kaiming-lint 1 process vs bare libcst parse: {floor.seconds / one.seconds:.2f}x faster")
    if fixit:
        serial, parallel = (results[("Fixit, 1 trivial rule", jobs)] for jobs in (1, 2))
        print(
            f"kaiming-lint vs Fixit (1 trivial rule): {serial.seconds / one.seconds:.1f}x faster "
            f"serial, {parallel.seconds / two.seconds:.1f}x on 2 processes (target >= 3)"
        )
    if scaled:
        for jobs in (1, 2):
            big = results[(f"kaiming-lint, corpus x{scale}", jobs)]
            small = results[("kaiming-lint", jobs)]
            worker = (
                f", worker {small.worker_mb:.0f} -> {big.worker_mb:.0f} MB"
                if small.worker_mb and big.worker_mb
                else ""
            )
            print(
                f"memory, {jobs} process(es), corpus x1 -> x{scale}: "
                f"main {small.main_mb:.0f} -> {big.main_mb:.0f} MB{worker}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="Keras section: runs (best kept)")
    parser.add_argument("--files", type=int, default=2000, help="corpus size (default 2000)")
    parser.add_argument("--scale", type=int, default=4, help="corpus copies for the memory rows")
    parser.add_argument("--skip-fixit", action="store_true", help="leave out the Fixit rows")
    parser.add_argument("--skip-keras", action="store_true", help="leave out section 1")
    parser.add_argument("--skip-corpus", action="store_true", help="leave out section 2")
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    parser.add_argument("--jobs", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("--paths-from", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        paths = Path(args.paths_from).read_text(encoding="utf-8").splitlines()
        run_configuration(args.measure, paths, args.jobs)
        return
    for flag, value, least in (("--repeat", args.repeat, 1), ("--files", args.files, 1)):
        if value < least:
            parser.error(f"{flag} must be at least {least}, got {value}")
    if args.scale < 1:
        parser.error(f"--scale must be at least 1, got {args.scale}")
    if not args.skip_keras:
        keras_section(args.repeat)
        connected_section(args.repeat)
    if not args.skip_corpus:
        corpus_section(args.files, args.scale, args.skip_fixit)


if __name__ == "__main__":
    main()
