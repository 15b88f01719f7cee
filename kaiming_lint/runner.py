"""Running the pipeline over files: reading, choosing a source by suffix, batches, processes,
and writing fixed files atomically. The only layer that touches the file system.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace

from kaiming_lint.pipeline import unreadable_finding
from kaiming_lint.results import FileResult, InternalError, LintOptions
from kaiming_lint.sources.notebook import lint_notebook
from kaiming_lint.sources.python import lint_bytes
from kaiming_lint.sources.saved_model import lint_saved_model

__all__ = ["CHECKERS", "check_data", "lint_file", "lint_files", "write_atomically"]

Checker = Callable[[bytes, str, LintOptions], FileResult]

# File suffix -> the source that checks a file's bytes; anything else is read as Python.
# A new input format registers here. Directories are searched for the suffixes in
# discovery.SOURCE_SUFFIXES; a model JSON file (`model.to_json()`) is read when named explicitly.
CHECKERS: dict[str, Checker] = {
    ".py": lint_bytes,
    ".ipynb": lint_notebook,
    ".keras": lint_saved_model,
    ".json": lint_saved_model,
}


def lint_file(path: str, options: LintOptions) -> FileResult:
    """Read and check one file; an unreadable file is reported as KAI900."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):  # a fifo would block the read forever
            return _unreadable(path, "could not read the file: not a regular file")
        with open(path, "rb") as stream:
            data = stream.read()
    except OSError as error:
        return _unreadable(path, f"could not read the file: {error.strerror or error}")
    try:
        return check_data(data, path, options)
    except Exception as error:  # a bug of ours: name the file it happened on
        raise InternalError(f"{path}: {type(error).__name__}: {error}") from error


def check_data(data: bytes, path: str, options: LintOptions) -> FileResult:
    """Check a file's bytes with the source its suffix names (Python when none does)."""
    return CHECKERS.get(os.path.splitext(path)[1].lower(), lint_bytes)(data, path, options)


def _unreadable(path: str, reason: str) -> FileResult:
    return FileResult(path=path, findings=[unreadable_finding(path, reason)])


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
    # The project view goes to each worker once, when it starts (a forked worker inherits it),
    # not with every batch: it holds the project's index, for views judged on demand.
    sent = replace(options, project=None)
    results: list[FileResult] = [FileResult(path=path) for path in paths]
    with ProcessPoolExecutor(
        max_workers=workers, initializer=_receive_project, initargs=(options.project,)
    ) as pool:
        submitted = [
            (batch, pool.submit(_lint_batch, [paths[i] for i in batch], sent, True))
            for batch in _batches(paths, workers)
        ]
        for batch, future in submitted:
            for index, result in zip(batch, future.result(), strict=True):
                results[index] = result
    return results


_WORKER_PROJECT: object = None  # in a worker process: the project view it was started with


def _receive_project(project: object) -> None:
    global _WORKER_PROJECT
    _WORKER_PROJECT = project


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


def _lint_batch(
    paths: Sequence[str], options: LintOptions, in_worker: bool = False
) -> list[FileResult]:
    if in_worker:
        options = replace(options, project=_WORKER_PROJECT)
    results = []
    for path in paths:
        result = lint_file(path, options)
        if result.fixed is None:
            result.original = b""  # nobody needs it, and it would travel back from the worker
        results.append(result)
    return results


def write_atomically(path: str, data: bytes) -> None:
    """Replace ``path``'s contents with ``data``; on any error the file is left as it was.

    A symbolic link stays a link: the file it points to is written. The new contents go to a
    temporary file in the same directory first (so a full disk or an unwritable directory fails
    there, before the file is touched). A file with one link is then replaced by that temporary
    file (``os.replace``: readers see the old or the new file, never a mix). A file with other
    hard links must keep its inode, or the other names would keep the old text: once the
    temporary copy is written and read back, the file itself is rewritten in place, and should
    that write fail, the old contents are written back.
    """
    path = os.path.realpath(path)
    directory = os.path.dirname(path)
    status = os.stat(path)
    mode = status.st_mode & 0o7777
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=".kaiming-lint-", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        if status.st_nlink > 1:
            _write_in_place(path, temporary, data)
            os.unlink(temporary)
        else:
            os.chmod(temporary, mode)
            os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def _write_in_place(path: str, temporary: str, data: bytes) -> None:
    """Rewrite a hard-linked file's own inode with ``data`` (already safe in ``temporary``)."""
    with open(temporary, "rb") as stream:
        if stream.read() != data:
            raise OSError(errno.EIO, f"the temporary copy {temporary} does not read back")
    with open(path, "rb") as stream:
        old = stream.read()
    with open(path, "r+b") as stream:  # opened before truncating: permissions fail here
        try:
            stream.truncate(0)
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        except BaseException:
            stream.seek(0)
            stream.truncate(0)
            stream.write(old)
            stream.flush()
            raise
