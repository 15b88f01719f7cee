"""The `kaiming-lint` command line: options, files, output and exit status.

Only argparse-level modules load at import; libcst and the pipeline load after the arguments
are parsed, so `--version` and `--help` start instantly.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, NoReturn

from kaiming_lint import __version__
from kaiming_lint.results import FIX_STYLES, FORMATS

if TYPE_CHECKING:
    from kaiming_lint.config import Config
    from kaiming_lint.results import FileResult, LintOptions

PROGRAM = "kaiming-lint"
SERVER = "server"  # `kaiming-lint server` runs the language server; `./server` is a path
EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class UsageError(Exception):
    """A bad option, configuration or path: one line on stderr, exit status 2."""


@dataclass(frozen=True)
class RunSettings:
    """What the project-wide phase needs beyond LintOptions, from the command line and config."""

    project_root: str | None  # `project-root`, absolute; None: find it from the paths
    no_cache: bool  # --no-cache: read and write no summary cache
    no_project: bool  # --no-project: each file alone, no project-wide analysis
    paths: tuple[str, ...]  # the paths given ('-' left out)


def run_settings(args: argparse.Namespace, config: Config) -> RunSettings:
    """The RunSettings of a parsed command line and the configuration it found."""
    return RunSettings(
        project_root=config.project_root,
        no_cache=args.no_cache,
        no_project=args.no_project,
        paths=tuple(p for p in args.paths or ["."] if p != "-"),
    )


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def _jobs(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {value!r}") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {number}")
    return number


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=PROGRAM,
        description="Find Keras layers feeding a ReLU that are not He (Kaiming) initialized.",
        epilog=(
            "'kaiming-lint server' starts the language server (pip install "
            "'kaiming-keras[server]'); to lint a directory named server, write ./server. "
            "Exit status: 0 no findings left, 1 findings left, 2 usage or configuration error, "
            "or a fixed file that could not be written."
        ),
    )
    parser.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="files or directories (searched for *.py, *.ipynb, *.keras); '-' reads stdin",
    )
    parser.add_argument("--fix", action="store_true", help="apply fixes in place")
    parser.add_argument(
        "--diff", action="store_true", help="print fixes as a unified diff and change nothing"
    )
    parser.add_argument(
        "--select",
        metavar="CODES",
        help="comma-separated rule codes or prefixes to check (replaces the configured select)",
    )
    parser.add_argument(
        "--ignore",
        metavar="CODES",
        help="comma-separated rule codes or prefixes to skip (added to the configured ignore)",
    )
    parser.add_argument(
        "--format", choices=FORMATS, default="text", help="output format (default: text)"
    )
    parser.add_argument(
        "--fix-style",
        choices=FIX_STYLES,
        help="KaimingNormal() (default) or the string 'he_normal'",
    )
    parser.add_argument(
        "--explain",
        metavar="RULE",
        help="print a rule's documentation (by code or name, e.g. KAI001 or relu-default-init)",
    )
    parser.add_argument(
        "--exit-zero", action="store_true", help="exit 0 even when findings are left"
    )
    parser.add_argument(
        "--statistics",
        action="store_true",
        help="count findings per rule and unknown pairings per reason (text format)",
    )
    parser.add_argument(
        "--show-unknown",
        action="store_true",
        help="also list each kernel layer left undecided, with the reason (text and json)",
    )
    parser.add_argument(
        "--no-cache",
        action="store_true",
        help="neither read nor write the module summaries in .kaiming-lint-cache/",
    )
    parser.add_argument(
        "--no-project",
        action="store_true",
        help="check each file alone: no call sites or names from the rest of the project",
    )
    parser.add_argument(
        "--config", metavar="FILE", help="read [tool.kaiming-lint] from this pyproject.toml"
    )
    parser.add_argument(
        "--jobs", type=_jobs, metavar="N", help="worker processes (default: all cores)"
    )
    parser.add_argument(
        "--stdin-filename", metavar="PATH", help="the name to report for '-' (stdin)"
    )
    parser.add_argument("--version", action="version", version=f"{PROGRAM} {__version__}")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    arguments = sys.argv[1:] if argv is None else list(argv)
    if arguments[:1] == [SERVER]:
        from kaiming_lint.lsp import main as serve

        return serve(arguments[1:])
    try:
        return _run(build_parser().parse_args(arguments))
    except UsageError as error:
        _fail(str(error))
    except KeyboardInterrupt:
        return 130
    except Exception as error:
        _fail(f"internal error: {type(error).__name__}: {error}")
    return EXIT_ERROR


def _fail(message: str) -> None:
    print(f"{PROGRAM}: error: {' '.join(message.split())}", file=sys.stderr)


def _run(args: argparse.Namespace) -> int:
    if args.explain is not None:
        return _explain(args.explain)

    from kaiming_lint.config import ConfigError, load_config
    from kaiming_lint.rules import parse_codes

    paths = args.paths or ["."]
    start = next((p for p in paths if p != "-"), ".")
    try:
        config = load_config(args.config, start=start if os.path.exists(start) else ".")
    except ConfigError as error:
        raise UsageError(str(error)) from None
    try:
        select = parse_codes(args.select, argument="--select") if args.select else config.select
        ignore = config.ignore + parse_codes(args.ignore, argument="--ignore")
    except ValueError as error:
        raise UsageError(str(error)) from None

    from kaiming_lint import runner
    from kaiming_lint.discovery import MissingPath, source_files
    from kaiming_lint.results import LintOptions
    from kaiming_lint.sources.python import lint_bytes

    options = LintOptions(
        select=select,
        ignore=ignore,
        fix_style=args.fix_style or config.fix_style,
        keras_version=config.keras_version,
        strict_normalized=config.strict_normalized,
        extra_relu_activations=config.extra_relu_activations,
        fix=args.fix or args.diff,
        public_api=config.public_api,
        list_unknown=args.show_unknown,
    )
    file_paths = [p for p in paths if p != "-"]
    try:
        files = source_files(file_paths, config.excludes, config.root)
    except MissingPath as error:
        raise UsageError(f"path does not exist: {error}") from None
    stdin = sys.stdin.buffer.read() if "-" in paths else None
    stdin_name = args.stdin_filename or "-"
    options = _with_project(options, files, run_settings(args, config), (stdin_name, stdin))
    results = runner.lint_files(files, options, jobs=args.jobs)
    stdin_result = None
    if stdin is not None:
        stdin_result = lint_bytes(stdin, stdin_name, options)
        results.append(stdin_result)
    return _finish(args, results, stdin_result, options)


def _with_project(
    options: LintOptions,
    files: list[str],
    settings: RunSettings,
    stdin: tuple[str, bytes | None] = ("-", None),
) -> LintOptions:
    """The options with the project-wide view of the project the Python files belong to.

    Text read from stdin under ``--stdin-filename x.py`` (and not also read from disk) is a
    module of the project with that text, as an editor's unsaved buffer is."""
    python = [f for f in files if f.endswith((".py", ".ipynb"))]
    buffers: dict[str, bytes] = {}
    name, data = stdin
    on_disk = {os.path.abspath(f) for f in python}
    if data is not None and name.endswith(".py") and os.path.abspath(name) not in on_disk:
        python.append(name)
        buffers[name] = data
    if not python or settings.no_project:
        return options
    from dataclasses import replace

    from kaiming_lint.project import build_view

    try:
        view = build_view(
            python,
            public_api=options.public_api,
            configured_root=settings.project_root,
            cache_enabled=not settings.no_cache,
            settings_key=",".join(sorted(options.extra_relu_activations)),
            overrides=buffers,
        )
    except (RecursionError, MemoryError, OSError) as error:
        # Checking each file alone is still exact: only the project's facts are missing.
        print(
            f"{PROGRAM}: warning: project-wide analysis skipped ({type(error).__name__}: "
            f"{error}); each file is checked alone",
            file=sys.stderr,
        )
        return options
    return replace(options, project=view)


def _finish(
    args: argparse.Namespace,
    results: list[FileResult],
    stdin_result: FileResult | None,
    options: LintOptions,
) -> int:
    from kaiming_lint.report import remaining, render

    if args.diff:
        _print_diffs(results)
        left = [f for result in results for f in result.findings]
        if left:
            fixable = sum(f.fixable for f in left)
            print(f"Would fix {fixable} of {len(left)} findings.", file=sys.stderr)
        return EXIT_CLEAN if args.exit_zero or not left else EXIT_FINDINGS

    report_stream = sys.stdout
    failures: list[tuple[str, str]] = []
    written = 0
    if args.fix:
        written, failures = _write_fixes(results, stdin_result, options)
        if stdin_result is not None:
            report_stream = sys.stderr  # stdout carries the fixed source
    report = render(
        args.format,
        results,
        statistics=args.statistics,
        fixing=args.fix,
        show_unknown=args.show_unknown,
    )
    report_stream.write(report)
    if failures and args.format == "text":  # a clean run keeps ruff's one summary line
        could_not = f"{_files(len(failures))} could not be written"
        report_stream.write(f"{_files(written)} written, {could_not}.\n")
    report_stream.flush()
    if failures:
        return EXIT_ERROR
    if args.exit_zero or not remaining(results):
        return EXIT_CLEAN
    return EXIT_FINDINGS


def _files(count: int) -> str:
    return f"{count} file{'' if count == 1 else 's'}"


def _write_fixes(
    results: list[FileResult], stdin_result: FileResult | None, options: LintOptions
) -> tuple[int, list[tuple[str, str]]]:
    """Write every fixed file; a file that cannot be written is left whole and the run goes on.

    Returns how many files were written and (path, reason) for each that was not. Each failure
    is one line on stderr, and the file's findings count as not fixed.
    """
    from dataclasses import replace

    from kaiming_lint.runner import check_data, write_atomically

    written = 0
    failures: list[tuple[str, str]] = []
    for result in results:
        if result is stdin_result:
            sys.stdout.buffer.write(result.fixed if result.fixed is not None else result.original)
            sys.stdout.buffer.flush()
        elif result.fixed is not None:
            try:
                write_atomically(result.path, result.fixed)
            except OSError as error:
                reason = error.strerror or str(error)
                failures.append((result.path, reason))
                _fail(f"cannot write {result.path}: {reason}; the file is left as it was")
                # Report what the file still holds: its findings as checked, none fixed.
                unfixed = check_data(result.original, result.path, replace(options, fix=False))
                result.fixed = None
                result.findings = unfixed.findings
                result.unknowns, result.reasons = unfixed.unknowns, unfixed.reasons
            else:
                written += 1
    return written, failures


def _print_diffs(results: list[FileResult]) -> None:
    import difflib

    from kaiming_lint.decode import decode

    for result in results:
        if result.fixed is None:
            continue
        before, _ = decode(result.original)
        after, _ = decode(result.fixed)
        sys.stdout.writelines(
            difflib.unified_diff(
                before.splitlines(keepends=True),
                after.splitlines(keepends=True),
                fromfile=f"a/{result.path}",
                tofile=f"b/{result.path}",
            )
        )
    sys.stdout.flush()


def _explain(code: str) -> int:
    from kaiming_lint.rules import rule_named

    try:
        rule = rule_named(code)
    except ValueError as error:
        raise UsageError(f"--explain: {error}") from None
    fix = "Autofix available." if rule.fixable else "No autofix."
    print(f"# {rule.code} ({rule.name})\n\n{rule.summary}. {fix}\n\n{rule.documentation}", end="")
    return EXIT_CLEAN
