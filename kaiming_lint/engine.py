"""The per-file pipeline, and running it over many files.

read bytes -> decode (PEP 263 / BOM) -> file-level skip -> prefilter -> parse -> analyze ->
judge -> ``# noqa`` -> positions (only when something is reported) -> findings (+ fixed bytes).
"""

from __future__ import annotations

import ast
import io
import os
import re
import stat
import tokenize
import warnings
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any

import libcst as cst
from libcst.metadata import CodeRange, MetadataWrapper, PositionProvider

from kaiming_lint import fix as fixing
from kaiming_lint import guard
from kaiming_lint.facts import Violation
from kaiming_lint.rules import judge, rule_for, selected_codes
from kaiming_lint.source_ref import SourceRef
from kaiming_lint.sources.notebook import lint_notebook
from kaiming_lint.sources.saved_model import lint_saved_model

UNREADABLE = "KAI900"
_FILE_SKIP = re.compile(
    r"^[ \t\f]*#[ \t]*kaiming-lint:[ \t]*noqa[ \t]*$", re.MULTILINE | re.IGNORECASE
)
_NOQA = re.compile(
    r"#\s*noqa(?::\s*(?P<codes>[A-Za-z]+[0-9]+(?:\s*,\s*[A-Za-z]+[0-9]+)*))?", re.IGNORECASE
)
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True)
class LintOptions:
    """What to check and how to fix; picklable, so worker processes get the same settings."""

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    fix_style: str = "kaiming"
    keras_version: str = "auto"  # the Keras the fix writes for: "auto", "2" or "3"
    strict_normalized: bool = False
    extra_relu_activations: frozenset[str] = frozenset()
    fix: bool = False  # compute the fixed file contents


@dataclass(frozen=True)
class Finding:
    """One reported problem, with 1-based lines and columns (end column exclusive)."""

    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    code: str
    name: str
    message: str
    fixable: bool
    fixed: bool = False
    source_line: str = ""  # the text of the first reported line, for stable fingerprints
    cell: int | None = None  # notebooks: the 1-based cell (markdown cells count), and the
    cell_line: int | None = None  # line and column in it; line/column above are in the file
    cell_column: int | None = None


@dataclass
class FileResult:
    """Everything learned about one file."""

    path: str
    findings: list[Finding] = field(default_factory=list)
    unknown: int = 0
    original: bytes = b""
    fixed: bytes | None = None  # the new contents, when fixes changed the file


class InternalError(RuntimeError):
    """Checking a file failed in kaiming-lint itself (not because of the file)."""


class _Unreadable(Exception):
    def __init__(self, reason: str, line: int, column: int) -> None:
        super().__init__(reason)
        self.reason, self.line, self.column = reason, line, column


def _analysis() -> tuple[Callable[..., Any], Callable[[str], bool]]:
    from kaiming_lint.pairing import analyze, mentions_kernel_layer

    return analyze, mentions_kernel_layer


def lint_bytes(
    data: bytes,
    path: str,
    options: LintOptions,
    fix_only: Callable[[Finding], bool] | None = None,
) -> FileResult:
    """Check one file's contents; ``path`` is only used in the findings.

    With ``options.fix``, ``fix_only`` (when given) chooses which findings are fixed.
    """
    result = FileResult(path=path, original=data)
    enabled = selected_codes(options.select, options.ignore)
    try:
        text, encoding = decode(data)
    except _Unreadable as problem:
        if UNREADABLE in enabled:
            result.findings.append(_unreadable(path, problem, ""))
        return result
    if _FILE_SKIP.search(text):
        return result
    if not enabled:
        return result
    analyze, mentions_kernel_layer = _analysis()
    if not mentions_kernel_layer(text):
        # Nothing to check, but a file that does not parse is still reported.
        problem = _syntax_problem(text) if UNREADABLE in enabled else None
        if problem is not None:
            return _report_unreadable(result, enabled, problem, _LINE_BREAK.split(text))
        return result
    lines = _LINE_BREAK.split(text)
    refusal = guard.refuse(text)
    if refusal is not None:
        problem = _Unreadable(
            f"could not parse the file: {refusal.reason}", refusal.line, refusal.column
        )
        return _report_unreadable(result, enabled, problem, lines)
    try:
        return _lint_text(result, text, encoding, lines, enabled, options, analyze, fix_only)
    except RecursionError:
        problem = _Unreadable("could not parse the file: it is nested too deeply to check", 1, 1)
        return _report_unreadable(result, enabled, problem, lines)


def _syntax_problem(text: str) -> _Unreadable | None:
    """Why a file with no layer to check does not parse, or None when it does.

    Python's own parser answers first (about ten times faster than libcst); what it rejects is
    confirmed with libcst, which may know newer syntax than the running Python.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(text, "<file>", "exec", ast.PyCF_ONLY_AST, dont_inherit=True)
        return None
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        pass
    refusal = guard.refuse(text)
    if refusal is not None:
        return _Unreadable(
            f"could not parse the file: {refusal.reason}", refusal.line, refusal.column
        )
    try:
        cst.parse_module(text)
    except cst.ParserSyntaxError as error:
        return _libcst_rejected(text, error)
    except RecursionError:
        return _Unreadable("could not parse the file: it is nested too deeply to check", 1, 1)
    return None


def _libcst_rejected(text: str, error: cst.ParserSyntaxError) -> _Unreadable:
    """The reason and position to report for a file libcst could not parse."""
    return _python_syntax_error(text) or _Unreadable(
        f"could not parse the file: invalid syntax at line {error.editor_line}",
        error.editor_line,
        error.editor_column,
    )


def _python_syntax_error(text: str) -> _Unreadable | None:
    """Python's own reason and position for a syntax error (libcst's are often vaguer).

    Only ever called on text libcst rejected; it is compiled to a syntax tree, never run.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # warnings about the code are not ours to print
            compile(text, "<file>", "exec", ast.PyCF_ONLY_AST, dont_inherit=True)
    except SyntaxError as error:
        if not error.lineno:
            return None
        return _Unreadable(
            f"could not parse the file: {error.msg} at line {error.lineno}",
            error.lineno,
            max(1, error.offset or 1),
        )
    except (ValueError, RecursionError, MemoryError):
        return None
    return None  # Python accepts it (newer syntax than libcst knows): keep libcst's answer


def _report_unreadable(
    result: FileResult, enabled: frozenset[str], problem: _Unreadable, lines: list[str]
) -> FileResult:
    if UNREADABLE in enabled:
        source_line = lines[problem.line - 1] if 1 <= problem.line <= len(lines) else ""
        result.findings = [_unreadable(result.path, problem, source_line)]
        result.fixed = None
    return result


def _lint_text(
    result: FileResult,
    text: str,
    encoding: str,
    lines: list[str],
    enabled: frozenset[str],
    options: LintOptions,
    analyze: Callable[..., Any],
    fix_only: Callable[[Finding], bool] | None = None,
) -> FileResult:
    path = result.path
    try:
        module = cst.parse_module(text)
    except cst.ParserSyntaxError as error:
        return _report_unreadable(result, enabled, _libcst_rejected(text, error), lines)
    facts = analyze(module, extra_relu_activations=options.extra_relu_activations)
    result.unknown = facts.unknown
    violations = judge(
        facts.layers,
        fix_style=options.fix_style,
        strict_normalized=options.strict_normalized,
        select=sorted(enabled),
    )
    violations = [v for v in violations if isinstance(v.layer.ref, SourceRef)]
    if not violations:
        return result
    positions = _positions(module)
    kept: list[tuple[Violation, Finding]] = []
    for violation in violations:
        finding = _finding(path, violation, positions, lines)
        first_line = positions[violation.layer.ref.call].start.line
        if not (
            _suppressed(lines, finding.line, finding.code)
            or _suppressed(lines, first_line, finding.code)
        ):
            kept.append((violation, finding))
    chosen = [v for v, f in kept if fix_only is None or fix_only(f)]
    if options.fix and chosen:
        outcome = fixing.apply_fixes(
            module, chosen, options.fix_style, text, keras_version_setting=options.keras_version
        )
        if outcome.code is not None:
            try:
                result.fixed = outcome.code.encode(encoding)
            except UnicodeEncodeError:
                outcome.applied = []
            applied = {id(v) for v in outcome.applied}
            kept = [
                (v, _with_fixed(f) if id(v) in applied and result.fixed is not None else f)
                for v, f in kept
            ]
    result.findings = sorted((f for _, f in kept), key=_order)
    return result


def lint_file(path: str, options: LintOptions) -> FileResult:
    """Read and check one file; an unreadable file is reported as KAI900."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):  # a fifo would block the read forever
            result = FileResult(path=path)
            reason = "could not read the file: not a regular file"
            result.findings.append(_unreadable(path, _Unreadable(reason, 1, 1), ""))
            return result
        with open(path, "rb") as stream:
            data = stream.read()
    except OSError as error:
        result = FileResult(path=path)
        reason = f"could not read the file: {error.strerror or error}"
        result.findings.append(_unreadable(path, _Unreadable(reason, 1, 1), ""))
        return result
    check = CHECKERS.get(os.path.splitext(path)[1].lower(), lint_bytes)
    try:
        return check(data, path, options)
    except Exception as error:  # a bug of ours: name the file it happened on
        raise InternalError(f"{path}: {type(error).__name__}: {error}") from error


# File suffix -> how to check a file's bytes; anything else is read as Python source.
# Readers for other formats register here. Directories are searched for the suffixes in
# discovery.SOURCE_SUFFIXES; a model JSON file (`model.to_json()`) is read when named explicitly.
CHECKERS: dict[str, Callable[[bytes, str, LintOptions], FileResult]] = {
    ".py": lint_bytes,
    ".ipynb": lint_notebook,
    ".keras": lint_saved_model,
    ".json": lint_saved_model,
}


def lint_files(
    paths: Sequence[str], options: LintOptions, jobs: int | None = None
) -> list[FileResult]:
    """Check every file, in ``jobs`` processes (default: all cores); results in ``paths`` order.

    A result keeps the file's bytes (``original``) only when fixes changed them, so memory
    does not grow with the number of files checked.
    """
    workers = jobs if jobs is not None else (os.cpu_count() or 1)
    if workers < 1:
        raise ValueError(f"jobs must be at least 1, got {workers}")
    if workers == 1 or len(paths) < 2:
        return _lint_batch(paths, options)
    workers = min(workers, len(paths))
    _analysis()  # imported once here: forked workers inherit it instead of each importing it
    results: list[FileResult] = [FileResult(path=path) for path in paths]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        submitted = [
            (batch, pool.submit(_lint_batch, [paths[i] for i in batch], options))
            for batch in _batches(paths, workers)
        ]
        for batch, future in submitted:
            for index, result in zip(batch, future.result(), strict=True):
                results[index] = result
    return results


_BATCHES_PER_WORKER = 32
_MAX_BATCH_FILES = 64


def _batches(paths: Sequence[str], workers: int) -> list[list[int]]:
    """Indices into ``paths``, grouped in batches of about the same size in bytes, largest first.

    Parsing time follows file size, and a few generated files can hold most of a tree's work:
    handing out the largest files first, and small files in groups, keeps every worker busy
    to the end without a round trip per small file.
    """
    sizes = [_size(path) for path in paths]
    budget = max(1, sum(sizes) // (workers * _BATCHES_PER_WORKER))
    batches: list[list[int]] = []
    batch: list[int] = []
    filled = 0
    for index in sorted(range(len(paths)), key=lambda i: -sizes[i]):
        batch.append(index)
        filled += sizes[index]
        if filled >= budget or len(batch) >= _MAX_BATCH_FILES:
            batches.append(batch)
            batch, filled = [], 0
    if batch:
        batches.append(batch)
    return batches


def _size(path: str) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0


def _lint_batch(paths: Sequence[str], options: LintOptions) -> list[FileResult]:
    results = []
    for path in paths:
        result = lint_file(path, options)
        if result.fixed is None:
            result.original = b""  # nobody needs it, and it would travel back from the worker
        results.append(result)
    return results


def decode(data: bytes) -> tuple[str, str]:
    """The file's text and the encoding it declares (PEP 263 line, BOM, else UTF-8)."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as error:
        raise _Unreadable(f"could not decode the file: {error.msg}", error.lineno or 1, 1) from None
    try:
        return data.decode(encoding), encoding
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        raise _Unreadable(
            f"could not decode the file as {encoding}: byte 0x{data[error.start]:02x} is invalid",
            line,
            column,
        ) from None


def _positions(module: cst.Module) -> Mapping[cst.CSTNode, CodeRange]:
    """Every node's range in the source, from one position-tracking code pass."""
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    try:
        # What wrapper.resolve(PositionProvider) computes, without the empty batched visit
        # of the whole tree it runs afterwards (which doubles the cost).
        return PositionProvider()._gen(wrapper)
    except AttributeError:  # a libcst without that internal: take the public road
        return wrapper.resolve(PositionProvider)


def _finding(path: str, violation: Violation, positions, lines: list[str]) -> Finding:
    ref: SourceRef = violation.layer.ref
    node: cst.CSTNode = ref.call
    if violation.target == "weight" and ref.weight_arg is not None:
        node = ref.weight_arg.value
    elif violation.target == "bias" and ref.bias_arg is not None:
        node = ref.bias_arg
    where = positions[node]
    rule = rule_for(violation.code)
    return Finding(
        path=path,
        line=where.start.line,
        column=where.start.column + 1,
        end_line=where.end.line,
        end_column=where.end.column + 1,
        code=violation.code,
        name=rule.name,
        message=violation.message,
        fixable=fixing.can_fix(violation),
        source_line=lines[where.start.line - 1] if where.start.line <= len(lines) else "",
    )


def _unreadable(path: str, problem: _Unreadable, source_line: str) -> Finding:
    return unreadable_finding(path, problem.reason, problem.line, problem.column, source_line)


def unreadable_finding(
    path: str, reason: str, line: int = 1, column: int = 1, source_line: str = ""
) -> Finding:
    """A KAI900 finding: the file (or a part of it) could not be read as what it claims to be."""
    return Finding(
        path=path,
        line=line,
        column=column,
        end_line=line,
        end_column=column + 1,
        code=UNREADABLE,
        name=rule_for(UNREADABLE).name,
        message=reason,
        fixable=False,
        source_line=source_line,
    )


def _suppressed(lines: list[str], line: int, code: str) -> bool:
    if not 1 <= line <= len(lines):
        return False
    for match in _NOQA.finditer(lines[line - 1]):
        codes = match.group("codes")
        if codes is None:
            return True
        if code in {c.strip().upper() for c in codes.split(",")}:
            return True
    return False


def _with_fixed(finding: Finding) -> Finding:
    return replace(finding, fixed=True)


def _order(finding: Finding) -> tuple[int, int, str]:
    return (finding.line, finding.column, finding.code)
