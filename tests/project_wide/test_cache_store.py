"""The summary cache on its own (kaiming_lint.project_cache): what a run finds on disk.

The summary here records the bytes it was built from, so a stale summary shows up as the wrong
content, and every build is counted, so a cache that silently stops working shows up too.
"""

from __future__ import annotations

import hashlib
import logging
import multiprocessing
import os
import pickle
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from kaiming_lint import project_cache
from kaiming_lint.project_cache import (
    CACHE_DIR_NAME,
    ENV_VAR,
    FORMAT,
    INDEX_HEADER,
    INDEX_NAME,
    MAGIC,
    SummaryCache,
    cache_directory,
)

KEY = "v1|extra="
DAY = 86_400


@dataclass(frozen=True)
class Summary:
    module: str
    digest: str
    text: str


def summarise(module: str, data: bytes) -> Summary:
    return Summary(module, hashlib.sha256(data).hexdigest(), data.decode())


@dataclass
class Builder:
    """``build`` for one module, counting calls."""

    calls: list[str] = field(default_factory=list)

    def __call__(self, module: str) -> Callable[[bytes], Summary]:
        def build(data: bytes) -> Summary:
            self.calls.append(module)
            return summarise(module, data)

        return build


def write(path: Path, text: str, *, age: float = 0.0) -> Path:
    path.write_text(text, encoding="utf-8")
    if age:
        stamp = time.time() - age
        os.utime(path, (stamp, stamp))
    return path


def run(cache_dir: Path | None, files: dict[str, Path], key: str = KEY):
    """One lint run over ``files`` (module -> path): the summaries, the builds, the counters."""
    cache: SummaryCache[Summary] = SummaryCache(cache_dir, key)
    builder = Builder()
    summaries = {module: cache.get(path, module, builder(module)) for module, path in files.items()}
    cache.close()
    return summaries, builder.calls, cache.stats


def entries(cache_dir: Path) -> list[Path]:
    return sorted((cache_dir / f"v{FORMAT}").glob("??/*.pickle"))


def index_of(cache_dir: Path) -> dict[str, object]:
    data = (cache_dir / f"v{FORMAT}" / INDEX_NAME).read_bytes()
    assert data.startswith(INDEX_HEADER)
    return pickle.loads(data[len(INDEX_HEADER) :])


def everything_under(directory: Path) -> dict[str, bytes]:
    return {
        os.fspath(path.relative_to(directory)): path.read_bytes()
        for path in sorted(directory.rglob("*"))
        if path.is_file()
    }


@pytest.fixture
def project(tmp_path: Path) -> dict[str, Path]:
    root = tmp_path / "project"
    root.mkdir()
    return {
        "app.blocks": write(root / "blocks.py", "def block(x): ...\n"),
        "app.train": write(root / "train.py", "from .blocks import block\n"),
    }


@pytest.fixture
def cache_dir(tmp_path: Path) -> Path:
    return tmp_path / "cache"


def test_a_second_run_loads_every_summary_and_builds_none(project, cache_dir):
    first, built, stats = run(cache_dir, project)
    assert sorted(built) == sorted(project) and (stats.hits, stats.misses) == (0, 2)
    second, built, stats = run(cache_dir, project)
    assert built == [] and (stats.hits, stats.misses) == (0 + 2, 0)
    assert second == first == {m: summarise(m, p.read_bytes()) for m, p in project.items()}


def test_the_module_name_and_the_key_are_part_of_the_entry(project, cache_dir):
    run(cache_dir, project)
    same_bytes = {"other.blocks": project["app.blocks"]}
    summaries, built, _ = run(cache_dir, same_bytes)
    assert built == ["other.blocks"] and summaries["other.blocks"].module == "other.blocks"
    _, built, _ = run(cache_dir, project, key="v1|extra=swish")
    assert sorted(built) == sorted(project)
    _, built, _ = run(cache_dir, project)  # the first key's entries are still there
    assert built == []


def test_an_unchanged_file_is_not_read_once_older_than_the_racy_window(tmp_path, cache_dir):
    old = write(tmp_path / "old.py", "x = 1\n")
    time.sleep(2.2)
    fresh = write(tmp_path / "fresh.py", "y = 2\n")  # written just now: its stamp is not trusted
    files = {"old": old, "fresh": fresh}
    _, _, stats = run(cache_dir, files)
    assert stats.reads == 2
    summaries, built, stats = run(cache_dir, files)
    assert built == [] and stats.hits == 2
    assert stats.reads == 1  # only `fresh` was read (and hashed) again
    assert summaries == {m: summarise(m, p.read_bytes()) for m, p in files.items()}
    assert set(index_of(cache_dir)) == {os.fspath(old)}


def test_an_edit_of_the_same_size_and_mtime_gets_a_fresh_summary(tmp_path, cache_dir, monkeypatch):
    monkeypatch.setattr(project_cache, "RACY_NS", 0)  # every stamp is trusted: the stamp decides
    path = write(tmp_path / "blocks.py", "activation = 'relu'\n", age=DAY)
    files = {"blocks": path}
    run(cache_dir, files)
    assert set(index_of(cache_dir)) == {os.fspath(path)}
    before = path.stat()
    time.sleep(0.05)  # the edit comes later than the lint, at least one clock tick
    write(path, "activation = 'tanh'\n")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    summaries, built, _ = run(cache_dir, files)
    assert built == ["blocks"] and summaries["blocks"].text == "activation = 'tanh'\n"


def test_the_racy_rule_alone_catches_an_edit_within_the_same_tick(tmp_path, cache_dir, monkeypatch):
    # A file system whose stamp is only (size, mtime): a write in the same tick changes neither,
    # so only "do not trust a stamp taken within 2 s of the file's mtime" sees the edit.
    monkeypatch.setattr(project_cache, "_stamp", lambda s: (s.st_size, s.st_mtime_ns, 0, 0))
    path = write(tmp_path / "blocks.py", "activation = 'relu'\n")
    mtime = path.stat().st_mtime_ns
    files = {"blocks": path}
    run(cache_dir, files)
    write(path, "activation = 'tanh'\n")
    os.utime(path, ns=(mtime, mtime))
    summaries, built, _ = run(cache_dir, files)
    assert built == ["blocks"] and summaries["blocks"].text == "activation = 'tanh'\n"


def test_a_deleted_file_leaves_the_index_at_close(project, cache_dir, monkeypatch):
    monkeypatch.setattr(project_cache, "RACY_NS", 0)
    run(cache_dir, project)
    assert set(index_of(cache_dir)) == {os.fspath(p) for p in project.values()}
    project.pop("app.train").unlink()
    run(cache_dir, project)
    assert set(index_of(cache_dir)) == {os.fspath(project["app.blocks"])}


class Trap:
    """Unpickling this creates ``marker``: proof that a file was unpickled."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (self.marker,))


def truncate(path: Path, marker: Path) -> None:
    path.write_bytes(path.read_bytes()[:-7])


def garbage(path: Path, marker: Path) -> None:
    path.write_bytes(b"\x00\xffnot a pickle at all" * 3)


def empty(path: Path, marker: Path) -> None:
    path.write_bytes(b"")


def other_version(path: Path, marker: Path) -> None:
    path.write_bytes(MAGIC + b"entry %d\n" % (FORMAT + 1) + pickle.dumps(Trap(marker)))


def foreign_pickle(path: Path, marker: Path) -> None:
    path.write_bytes(pickle.dumps(Trap(marker)))


def another_entry(path: Path, marker: Path) -> None:
    # our header, but the identity of another module: never served for this one
    header = MAGIC + b"entry %d\n" % FORMAT
    other = (("0" * 64, "elsewhere", KEY), Summary("elsewhere", "0" * 64, "stale"))
    path.write_bytes(header + pickle.dumps(other))


@pytest.mark.parametrize(
    "corrupt", [truncate, garbage, empty, other_version, foreign_pickle, another_entry]
)
def test_a_corrupt_entry_is_rebuilt_and_overwritten(project, cache_dir, tmp_path, corrupt):
    files = {"app.blocks": project["app.blocks"]}
    run(cache_dir, files)
    (entry,) = entries(cache_dir)
    marker = tmp_path / "unpickled"
    corrupt(entry, marker)
    summaries, built, _ = run(cache_dir, files)
    assert built == ["app.blocks"]
    assert summaries["app.blocks"] == summarise("app.blocks", files["app.blocks"].read_bytes())
    assert not marker.exists(), "a file without our header was unpickled"
    _, built, _ = run(cache_dir, files)  # the rebuilt entry replaced the corrupt one
    assert built == [] and entries(cache_dir) == [entry]


def test_a_corrupt_stat_index_only_costs_reading_the_files_again(project, cache_dir, monkeypatch):
    monkeypatch.setattr(project_cache, "RACY_NS", 0)
    run(cache_dir, project)
    (cache_dir / f"v{FORMAT}" / INDEX_NAME).write_bytes(INDEX_HEADER + b"\x80garbage")
    summaries, built, stats = run(cache_dir, project)
    assert built == [] and stats.reads == 2 and stats.hits == 2
    assert summaries == {m: summarise(m, p.read_bytes()) for m, p in project.items()}


def hammer(cache_dir: str, root: str, name: str, rounds: int) -> tuple[int, list[str]]:
    """One of two processes: rounds of runs over shared files and files of its own."""
    wrong: list[str] = []
    builds = 0
    directory = Path(root)
    for round_ in range(rounds):
        own = directory / name
        own.mkdir(exist_ok=True)
        for i in range(10):  # new content every round: new entries while the other one reads
            write(own / f"m{i}.py", f"{name} round {round_} module {i}\n")
        files = {f"shared.m{i}": directory / "shared" / f"m{i}.py" for i in range(40)}
        files.update({f"{name}.m{i}": own / f"m{i}.py" for i in range(10)})
        cache: SummaryCache[Summary] = SummaryCache(Path(cache_dir), KEY)
        builder = Builder()
        for module, path in files.items():
            summary = cache.get(path, module, builder(module))
            if summary != summarise(module, path.read_bytes()):
                wrong.append(module)
        cache.close()
        builds += len(builder.calls)
    return builds, wrong


@pytest.mark.slow
def test_two_processes_sharing_the_cache_get_correct_summaries(tmp_path, cache_dir):
    shared = tmp_path / "shared"
    shared.mkdir()
    for i in range(40):
        write(shared / f"m{i}.py", f"shared module {i}\n" + "# padding\n" * i)
    rounds = 8
    context = multiprocessing.get_context("spawn")
    with context.Pool(2) as pool:
        results = pool.starmap(
            hammer, [(os.fspath(cache_dir), os.fspath(tmp_path), n, rounds) for n in ("a", "b")]
        )
    for builds, wrong in results:
        assert wrong == []
        # its own 10 files every round, the shared ones at most once (the other may write first)
        assert 10 * rounds <= builds <= 10 * rounds + 40
    assert not [p for p in cache_dir.rglob("*") if p.name.startswith(project_cache.TEMP_PREFIX)]
    files = {f"shared.m{i}": shared / f"m{i}.py" for i in range(40)}
    _, built, _ = run(cache_dir, files)
    assert built == []
    assert len(entries(cache_dir)) == 40 + 2 * 10 * rounds


def read_only_directories(tmp_path: Path) -> list[Path]:
    """Cache directories that cannot be written: under a regular file, and (unless root) 0o500."""
    regular = tmp_path / "a-file"
    regular.write_text("not a directory\n", encoding="utf-8")
    found = [regular / "cache"]
    if os.geteuid() != 0:  # root writes through any mode bits
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o500)
        found += [locked, locked / "cache"]
    return found


def test_a_cache_that_cannot_be_written_degrades_to_building(project, tmp_path, caplog):
    for directory in read_only_directories(tmp_path):
        before = everything_under(tmp_path)
        caplog.clear()
        with caplog.at_level(logging.DEBUG, logger=project_cache.__name__):
            for _ in range(2):
                summaries, built, _ = run(directory, project)
                assert sorted(built) == sorted(project)
                assert summaries == {m: summarise(m, p.read_bytes()) for m, p in project.items()}
        assert everything_under(tmp_path) == before, "something was written elsewhere"
        notes = [r for r in caplog.records if r.name == project_cache.__name__]
        assert len(notes) == 2 and all(r.levelno == logging.DEBUG for r in notes)  # one per run


def test_an_unreadable_file_raises_its_os_error(cache_dir, tmp_path):
    cache: SummaryCache[Summary] = SummaryCache(cache_dir, KEY)
    with pytest.raises(FileNotFoundError):
        cache.get(tmp_path / "missing.py", "missing", Builder()("missing"))
    with pytest.raises(IsADirectoryError):
        cache.get(tmp_path, "a_directory", Builder()("a_directory"))


def test_the_cache_ignores_itself_in_git(project, tmp_path):
    root = project["app.blocks"].parent
    subprocess.run(["git", "init", "-q", os.fspath(root)], check=True)
    run(cache_directory(root), project)
    cache = root / CACHE_DIR_NAME
    assert [
        line for line in (cache / ".gitignore").read_text().splitlines() if line[:1] != "#"
    ] == ["*"]
    assert (
        (cache / "CACHEDIR.TAG")
        .read_bytes()
        .startswith(b"Signature: 8a477f597d28d172789f06886806bc55")
    )
    status = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert sorted(status.splitlines()) == ["?? blocks.py", "?? train.py"]


def test_the_environment_variable_chooses_the_directory(project, tmp_path, monkeypatch):
    root = tmp_path / "project"
    monkeypatch.delenv(ENV_VAR, raising=False)
    assert cache_directory(root) == root / CACHE_DIR_NAME
    elsewhere = tmp_path / "elsewhere"
    monkeypatch.setenv(ENV_VAR, os.fspath(elsewhere))
    assert cache_directory(root) == elsewhere
    assert cache_directory(root, enabled=False) is None
    run(cache_directory(root), project)
    assert len(entries(elsewhere)) == 2 and not (root / CACHE_DIR_NAME).exists()


def test_a_disabled_cache_builds_everything_and_writes_nothing(project, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    before = everything_under(tmp_path)
    for _ in range(2):
        summaries, built, stats = run(None, project)
        assert sorted(built) == sorted(project) and stats.hits == 0
        assert summaries == {m: summarise(m, p.read_bytes()) for m, p in project.items()}
    assert everything_under(tmp_path) == before


def age(path: Path, days: float) -> None:
    stamp = time.time() - days * DAY
    os.utime(path, (stamp, stamp))


def test_entries_unused_for_30_days_are_pruned_once_a_day(tmp_path, cache_dir):
    files = {f"m{i}": write(tmp_path / f"m{i}.py", f"module {i}\n") for i in range(3)}
    run(cache_dir, files)
    by_module = {
        module: project_cache.SummaryCache(cache_dir, KEY)._entry(
            module, hashlib.sha256(path.read_bytes()).hexdigest()
        )
        for module, path in files.items()
    }
    assert sorted(by_module.values()) == entries(cache_dir)
    age(by_module["m0"], 31)
    age(by_module["m1"], 29)
    crashed = by_module["m2"].parent / f"{project_cache.TEMP_PREFIX}crashed"
    crashed.write_bytes(b"half an entry")
    age(crashed, 1)
    marker = cache_dir / f"v{FORMAT}" / project_cache.PRUNE_MARKER
    age(marker, 1.1)  # the last prune was more than a day ago
    run(cache_dir, {})
    assert entries(cache_dir) == sorted([by_module["m1"], by_module["m2"]])
    assert not crashed.exists()
    age(by_module["m1"], 31)
    run(cache_dir, {})  # pruned less than a day ago: nothing is scanned
    assert by_module["m1"].exists()
    age(marker, 1.1)
    run(cache_dir, {})
    assert entries(cache_dir) == [by_module["m2"]]


def test_a_hit_marks_an_old_entry_as_used(tmp_path, cache_dir):
    files = {"m": write(tmp_path / "m.py", "module\n")}
    run(cache_dir, files)
    (entry,) = entries(cache_dir)
    age(entry, 29)
    _, built, _ = run(cache_dir, files)
    assert built == [] and time.time() - entry.stat().st_mtime < DAY
    age(entry, 0.5)  # used recently: not touched again (no write per hit)
    mtime = entry.stat().st_mtime_ns
    run(cache_dir, files)
    assert entry.stat().st_mtime_ns == mtime


def test_the_main_process_writes_the_records_its_workers_saw(project, cache_dir, monkeypatch):
    monkeypatch.setattr(project_cache, "RACY_NS", 0)
    main: SummaryCache[Summary] = SummaryCache(cache_dir, KEY)
    for module, path in project.items():  # a worker per module, each with its own instance
        worker: SummaryCache[Summary] = SummaryCache(cache_dir, KEY)
        worker.get(path, module, Builder()(module))
        main.adopt(worker.seen)
    main.close()
    assert set(index_of(cache_dir)) == {os.fspath(p) for p in project.values()}
    _, built, stats = run(cache_dir, project)
    assert built == [] and stats.reads == 0
