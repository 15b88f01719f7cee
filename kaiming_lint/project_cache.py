"""The persistent cache of module summaries (design note §9), generic over the summary type.

An entry holds the summary of one module, found by the SHA-256 of the file's bytes, the module's
dotted name and a key (the analysis version and the settings that change summaries). Layout::

    <cache>/.gitignore               "*": the cache ignores itself, like .ruff_cache
    <cache>/CACHEDIR.TAG             backup tools skip the directory
    <cache>/v1/<hh>/<name>.pickle    one entry per file; <name> hashes (content hash, module, key)
    <cache>/v1/stat-index.pickle     path -> (stat stamp, content hash, identifiers): unchanged
                                     files are not read
    <cache>/v1/last-prune            its mtime: when entries unused for 30 days were last removed

Every file is written to a temporary file in its own directory and moved into place with
``os.replace``, so it is complete or absent and two runs may share the cache without locks (the
last writer of an entry wins; both wrote the same summary). A file is unpickled only when it starts
with our magic and format version, and an entry that does not load, or loads as another entry, is
rebuilt. A directory that cannot be created or written turns the cache into a plain build.

A stat stamp is trusted only when the file's times were at least ``RACY_NS`` older than the moment
it was read ("racy git"): a later write within the same timestamp tick and of the same size would
otherwise be invisible to the stamp.

The index also keeps each file's identifiers (``words``), computed by the caller's function when
the file is read: what decides, without a summary, whether a module can bear on another.

Worker processes may use their own ``SummaryCache`` over the same directory for ``get`` only and
send ``seen`` back; the main process ``adopt``s those records and is the one that calls ``close``.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import pickle
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

CACHE_DIR_NAME = ".kaiming-lint-cache"
ENV_VAR = "KAIMING_LINT_CACHE_DIR"

FORMAT = 1  # bump when the layout or the entry encoding changes
MAGIC = b"kaiming-lint cache\x00"
ENTRY_HEADER = MAGIC + b"entry %d\n" % FORMAT
INDEX_HEADER = MAGIC + b"stat-index %d.2\n" % FORMAT
INDEX_NAME = "stat-index.pickle"
PRUNE_MARKER = "last-prune"
ENTRY_SUFFIX = ".pickle"
TEMP_PREFIX = ".tmp-"

DAY_NS = 86_400 * 10**9
RACY_NS = 2 * 10**9  # the coarsest common mtime granularity (FAT) is 2 s
UNUSED_NS = 30 * DAY_NS  # entries unused this long are pruned
PRUNE_EVERY_NS = DAY_NS
REFRESH_NS = DAY_NS  # a hit on an entry older than this refreshes its mtime
STALE_TEMP_NS = 3_600 * 10**9  # a temporary file this old was left by a crashed run

GITIGNORE = b"*\n"
CACHEDIR_TAG = (
    b"Signature: 8a477f597d28d172789f06886806bc55\n"
    b"# This file is a cache directory tag created by kaiming-lint.\n"
    b"# For information about cache directory tags, see https://bford.info/cachedir/\n"
)

_log = logging.getLogger(__name__)

T = TypeVar("T")

Stamp = tuple[int, int, int, int]  # size, mtime_ns, ctime_ns, inode


Words = str | None  # a file's identifiers, joined by spaces; None: it must always be consulted
_NO_WORDS: object = object()  # a record made without computing the words


@dataclass(frozen=True)
class StatRecord:
    """What the stat index knows about one path: its stamp when read, its content hash and
    (when computed) its identifiers."""

    stamp: Stamp
    digest: str
    words: object = _NO_WORDS  # Words, or _NO_WORDS


@dataclass
class CacheStats:
    """Counters for benchmarks: summaries loaded, summaries built, files read."""

    hits: int = 0
    misses: int = 0
    reads: int = 0


def cache_directory(project_root: Path, *, enabled: bool = True) -> Path | None:
    """$KAIMING_LINT_CACHE_DIR if set, else <root>/.kaiming-lint-cache; None when disabled."""
    if not enabled:
        return None
    configured = os.environ.get(ENV_VAR)
    if configured:
        return Path(configured)
    return project_root / CACHE_DIR_NAME


def _stamp(status: os.stat_result) -> Stamp:
    return (status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino)


def _trusted(status: os.stat_result, read_at_ns: int) -> bool:
    """Whether a write after ``read_at_ns`` would surely change the stamp (the racy-git rule)."""
    return read_at_ns - max(status.st_mtime_ns, status.st_ctime_ns) >= RACY_NS


def _loads(data: bytes, header: bytes) -> Any:
    """The object pickled after ``header``; ValueError for anything else (never unpickled)."""
    if not data.startswith(header):
        raise ValueError("not a cache file of this format")
    return pickle.loads(data[len(header) :])


class SummaryCache(Generic[T]):
    """Module summaries on disk, keyed by content hash, module name and ``key``.

    Args:
        directory: The cache directory (see ``cache_directory``); None disables the cache:
            every summary is built, nothing is read or written.
        key: The analysis version and the settings that change summaries, e.g. ``"v3|extra=swish"``.
    """

    def __init__(self, directory: Path | None, key: str) -> None:
        self.directory = directory
        self.key = key
        self.stats = CacheStats()
        self._root = None if directory is None else directory / f"v{FORMAT}"
        self._writable = directory is not None
        self._prepared = False
        self._previous: dict[str, StatRecord] | None = None
        self._seen: dict[str, StatRecord] = {}

    @property
    def enabled(self) -> bool:
        return self._root is not None

    @property
    def seen(self) -> Mapping[str, StatRecord]:
        """The trusted stat records of the files summarised so far (for ``adopt``)."""
        return self._seen

    def adopt(self, records: Mapping[str, StatRecord]) -> None:
        """Keep another instance's records (a worker's ``seen``) in the index this one writes."""
        self._seen.update(records)

    def words(self, path: Path, compute: Callable[[bytes], Words]) -> Words:
        """The identifiers of the file at ``path``: from the stat index when the file is
        unchanged, else ``compute(bytes)`` (kept in the index). An unreadable file raises."""
        if self._root is None:
            return compute(self._read(path)[0])
        name = os.fspath(path.absolute())
        known = self._record(name)
        if known is not None and known.words is not _NO_WORDS:
            self._seen[name] = known
            return known.words  # type: ignore[return-value]
        data, status = self._read(path)
        read_at = time.time_ns()
        words = compute(data)
        digest = hashlib.sha256(data).hexdigest()
        if _trusted(status, read_at):
            self._seen[name] = StatRecord(_stamp(status), digest, words)
        else:
            self._seen.pop(name, None)
        return words

    def _record(self, name: str) -> StatRecord | None:
        """The record of ``name`` whose stamp is the file's now (this run's, else the index's)."""
        stamp = _stamp(os.stat(name))
        for records in (self._seen, self._index()):
            known = records.get(name)
            if known is not None and known.stamp == stamp:
                return known
        return None

    def get(self, path: Path, module: str, build: Callable[[bytes], T]) -> T:
        """The summary of the file at ``path`` (``module`` is its dotted name).

        From the cache when an entry for (sha256 of the bytes, module, key) exists and loads;
        else ``build(bytes)``, stored and returned. An unreadable file raises its OSError.
        """
        if self._root is None:
            self.stats.misses += 1
            return build(self._read(path)[0])
        name = os.fspath(path.absolute())
        known = self._record(name)
        if known is not None:
            found = self._load(module, known.digest)
            if found is not None:
                self._seen[name] = known
                self.stats.hits += 1
                return found[0]
        data, status = self._read(path)
        read_at = time.time_ns()
        digest = hashlib.sha256(data).hexdigest()
        if _trusted(status, read_at):
            words = known.words if known is not None and known.digest == digest else _NO_WORDS
            self._seen[name] = StatRecord(_stamp(status), digest, words)
        else:
            self._seen.pop(name, None)
        found = self._load(module, digest)
        if found is not None:
            self.stats.hits += 1
            return found[0]
        self.stats.misses += 1
        summary = build(data)
        self._store(module, digest, summary)
        return summary

    def close(self) -> None:
        """Write the stat index of the files seen in this run; prune unused entries once a day."""
        if self._root is None or not self._writable or not self._prepare():
            return
        if self._seen == self._index():
            self._prune()
            return  # nothing changed since the index was written
        index = {
            name: (record.stamp, record.digest)
            if record.words is _NO_WORDS
            else (record.stamp, record.digest, record.words)
            for name, record in self._seen.items()
        }
        payload = INDEX_HEADER + pickle.dumps(index, protocol=pickle.HIGHEST_PROTOCOL)
        self._write(self._root / INDEX_NAME, payload)
        self._prune()

    # -- reading ------------------------------------------------------------------------------

    def _read(self, path: Path) -> tuple[bytes, os.stat_result]:
        with open(path, "rb") as file:
            status = os.fstat(file.fileno())
            data = file.read()
        self.stats.reads += 1
        return data, status

    def _index(self) -> dict[str, StatRecord]:
        if self._previous is None:
            self._previous = self._load_index()
        return self._previous

    def _load_index(self) -> dict[str, StatRecord]:
        assert self._root is not None
        try:
            raw = _loads((self._root / INDEX_NAME).read_bytes(), INDEX_HEADER)
            return {
                name: StatRecord(
                    tuple(entry[0]), entry[1], entry[2] if len(entry) == 3 else _NO_WORDS
                )
                for name, entry in raw.items()
                if isinstance(name, str)
                and len(entry) in (2, 3)
                and len(entry[0]) == 4
                and isinstance(entry[1], str)
                and (len(entry) == 2 or entry[2] is None or isinstance(entry[2], str))
            }
        except Exception:  # absent, corrupt or foreign: every file is read and hashed again
            return {}

    def _entry(self, module: str, digest: str) -> Path:
        assert self._root is not None
        name = hashlib.sha256(f"{digest}\0{module}\0{self.key}".encode()).hexdigest()
        return self._root / name[:2] / f"{name}{ENTRY_SUFFIX}"

    def _load(self, module: str, digest: str) -> tuple[T] | None:
        """The stored summary (in a 1-tuple, as a summary may be None), or None when absent."""
        path = self._entry(module, digest)
        try:
            with open(path, "rb") as file:
                modified = os.fstat(file.fileno()).st_mtime_ns
                data = file.read()
        except OSError:
            return None
        try:
            identity, summary = _loads(data, ENTRY_HEADER)
        except Exception:  # truncated, garbage, another format, a class that no longer unpickles
            return None
        if identity != (digest, module, self.key):
            return None
        if self._writable and time.time_ns() - modified > REFRESH_NS:
            with contextlib.suppress(OSError):
                os.utime(path)
        return (summary,)

    # -- writing ------------------------------------------------------------------------------

    def _store(self, module: str, digest: str, summary: T) -> None:
        if not self._writable or not self._prepare():
            return
        payload = pickle.dumps(((digest, module, self.key), summary), pickle.HIGHEST_PROTOCOL)
        path = self._entry(module, digest)
        try:
            path.parent.mkdir(exist_ok=True)
        except OSError as error:
            self._give_up(error)
            return
        self._write(path, ENTRY_HEADER + payload)

    def _prepare(self) -> bool:
        """Create the directory, its .gitignore and CACHEDIR.TAG once; False if it cannot be."""
        if self._prepared:
            return True
        assert self.directory is not None and self._root is not None
        try:
            self._root.mkdir(parents=True, exist_ok=True)
            for name, content in ((".gitignore", GITIGNORE), ("CACHEDIR.TAG", CACHEDIR_TAG)):
                if not (self.directory / name).exists():
                    self._write(self.directory / name, content, quiet=False)
        except OSError as error:
            self._give_up(error)
            return False
        self._prepared = True
        return True

    def _write(self, path: Path, content: bytes, *, quiet: bool = True) -> None:
        """Write ``path`` atomically; an OSError disables writing (raised when not ``quiet``)."""
        try:
            descriptor, temporary = tempfile.mkstemp(prefix=TEMP_PREFIX, dir=path.parent)
            try:
                with os.fdopen(descriptor, "wb") as file:
                    file.write(content)
                os.replace(temporary, path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)
                raise
        except OSError as error:
            if not quiet:
                raise
            self._give_up(error)

    def _give_up(self, error: OSError) -> None:
        if self._writable:
            _log.debug("kaiming-lint: not caching summaries in %s: %s", self.directory, error)
        self._writable = False

    # -- pruning ------------------------------------------------------------------------------

    def _prune(self) -> None:
        """Remove entries unused for 30 days, and crashed runs' temporary files, once a day."""
        assert self._root is not None
        marker = self._root / PRUNE_MARKER
        now = time.time_ns()
        try:
            if now - marker.stat().st_mtime_ns < PRUNE_EVERY_NS:
                return
        except FileNotFoundError:
            pass
        except OSError:
            return
        self._write(marker, b"")
        for path, modified in self._files():
            if path.name.startswith(TEMP_PREFIX):
                limit = STALE_TEMP_NS
            elif path.name.endswith(ENTRY_SUFFIX) and path.parent != self._root:
                limit = UNUSED_NS
            else:
                continue
            if now - modified > limit:
                with contextlib.suppress(OSError):
                    path.unlink()

    def _files(self) -> Iterator[tuple[Path, int]]:
        """Every file in the format directory and in its shard directories, with its mtime."""
        assert self._root is not None
        pending = [os.fspath(self._root)]
        top = True
        while pending:
            directory = pending.pop()
            try:
                with os.scandir(directory) as found:
                    entries = list(found)
            except OSError:
                continue
            for entry in entries:
                try:
                    if entry.is_dir(follow_symlinks=False):
                        if top:
                            pending.append(entry.path)
                    elif entry.is_file(follow_symlinks=False):
                        yield Path(entry.path), entry.stat().st_mtime_ns
                except OSError:
                    continue
            top = False
