"""Project-wide analysis: find the project, index every module, judge parameters by call site.

1. **Root**: the ``project-root`` setting, else the nearest directory above the first path with
   a ``pyproject.toml``, else the git root, else the top of the package chain (the linted
   files' highest directory that has an ``__init__.py``, then its parent; only that package is
   indexed). With none of these, the files given are the project.
2. **Index**: every ``*.py`` and ``*.ipynb`` under the root (virtual environments, build
   output and caches left out) is summarised (:mod:`kaiming_lint.summary`), through the
   content-hash cache.
3. **Judge**: names resolve across modules (relative and absolute imports, ``__init__``
   re-exports, star imports and ``__all__``); each call site is bound to the function or class
   it calls; each parameter's value is the one every call agrees on, by fixed-point iteration
   (recursion and cycles terminate), or unknown with a reason. Functions that escape (used as a
   value, decorated, reached by ``getattr`` on their module) and, in a library, public names,
   take their parameters from callers the project cannot see.

The result is a :class:`ProjectView`: the index, and a judge that makes a module's
:class:`~kaiming_lint.project_view.ModuleView` (plain data) when the analysis first asks for it;
most analysed files never ask, and then no module is summarised for them. Each worker process
receives the view once and judges the views its files ask for.
"""

from __future__ import annotations

import ast
import functools
import os
import stat
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kaiming_lint import symbols
from kaiming_lint.project_cache import SummaryCache, Words
from kaiming_lint.project_scope import (
    WordIndex,
    bearing_modules,
    declares_other_encoding,
    identifiers,
    module_word,
    package_words,
    reach_words,
    refs_of,
)
from kaiming_lint.project_view import (
    DeferredView,
    ModuleView,
    ParamValue,
    ProjectUnavailable,
    RefKind,
    RefValue,
)
from kaiming_lint.results import PublicApi, Related, UnknownReason
from kaiming_lint.summary import (
    SUMMARY_VERSION,
    CallSite,
    FunctionSummary,
    ModuleSummary,
    ParamKind,
    ParamSpec,
    Place,
    SourceHints,
    summarize,
    unreadable_summary,
)
from kaiming_lint.terms import TDict, Term, TExpr, TLit, TParam, TRef, TStar, TTuple, TUnknown

__all__ = ["ProjectView", "build_view", "find_root"]

# Directories never indexed: environments, build output, caches, VCS.
SKIPPED_DIRECTORIES = frozenset(
    {
        ".git", ".hg", ".svn", ".venv", "venv", "env", ".env", "build", "dist", "site-packages",
        "__pycache__", ".tox", ".nox", ".mypy_cache", ".ruff_cache", ".pytest_cache",
        ".kaiming-lint-cache", "node_modules", ".eggs", ".ipynb_checkpoints",
    }
)  # fmt: skip
_OUTSIDE = UnknownReason.PARAMETER_FROM_OUTSIDE.value
_DISAGREE = UnknownReason.CALL_SITES_DISAGREE.value
_ARGUMENT = UnknownReason.UNKNOWN_ARGUMENT.value
_DYNAMIC = UnknownReason.DYNAMIC_ATTRIBUTE.value
_BUDGET = UnknownReason.BUDGET.value
_MAX_RESOLVE = 40


# What an absolute name is: ("keras", name) | ("module", m) | ("def", m, key) |
# ("constant", m, name, term) | ("opaque", name) | ("outside", name) | ("unknown", reason).
Resolved = tuple[Any, ...]


@dataclass
class ProjectView:
    """What the judge decided, by absolute path: the views judged so far, and the judge that
    makes any other module's view when it is first asked for."""

    root: str
    modules: dict[str, ModuleView] = field(default_factory=dict)
    overrides: dict[str, bytes] = field(default_factory=dict)  # editor buffers, by path
    linted: frozenset[str] = frozenset()  # the files the run checks (absolute)
    _judgement: _Judgement | None = field(default=None, compare=False, repr=False)
    # Analyses of other modules built while following layers, kept for the next file of the
    # same process (never pickled to workers).
    _memo: dict[object, object] = field(default_factory=dict, compare=False, repr=False)

    def __getstate__(self) -> dict[str, object]:
        state = dict(self.__dict__)
        state["_memo"] = {}
        return state

    def memo(self, key: object, make: Callable[[], object]) -> object:
        """The object made for ``key`` in this process, made once."""
        if key not in self._memo:
            self._memo[key] = make()
        return self._memo[key]

    def for_path(self, path: str) -> ModuleView | None:
        """The view of a linted file (None for a file the run does not check, or when the
        project could not be judged)."""
        key = os.path.abspath(path)
        if key not in self.linted or self._judgement is None:
            return self.modules.get(key)
        return self.peer_view(key)

    def peer_view(self, path: str) -> ModuleView | None:
        """The view of any module of the project (``path`` absolute); None: not a module."""
        found = self.modules.get(path)
        if found is not None or self._judgement is None:
            return found
        name = self._judgement.names.get(path)
        if name is None:
            return None
        _, is_package = self._judgement.modules.places[name]
        return DeferredView(name, is_package, path, functools.partial(self._judged, path))

    def _judged(self, path: str) -> ModuleView:
        if path not in self.modules:
            assert self._judgement is not None
            try:
                judged = self._judgement.views({self._judgement.names[path]})
            except (RecursionError, MemoryError) as error:
                self._judgement = None  # every file of this process is checked alone from now
                raise ProjectUnavailable(f"{type(error).__name__}: {error}") from error
            for where, view in judged.items():
                self.modules.setdefault(where, view)
        return self.modules[path]

    def settle(self) -> ProjectView:
        """Judge now the views of every linted module that the linter analyses (in one pass)."""
        if self._judgement is not None:
            chosen = {
                name
                for path, name in self._judgement.names.items()
                if path in self.linted and path not in self.modules
            }
            if chosen:
                self.modules.update(self._judgement.views(chosen, only_analysed=True))
        return self

    def read(self, path: str) -> bytes | None:
        """Another module's source, for following a layer's output into it (None: unreadable,
        or not a regular file)."""
        if path in self.overrides:
            return self.overrides[path]
        if not _regular(path):
            return None
        try:
            with open(path, "rb") as stream:
                return stream.read()
        except OSError:
            return None


# --- the root and the modules ----------------------------------------------------------------


@dataclass(frozen=True)
class Layout:
    root: str  # module names are dotted paths from here
    index_dirs: tuple[str, ...]  # what is indexed
    library: bool
    files: tuple[str, ...] = ()  # when no project was found: only these


def find_root(paths: Sequence[str], configured: str | None = None) -> Layout:
    first = os.path.abspath(paths[0]) if paths else os.getcwd()
    start = first if os.path.isdir(first) else os.path.dirname(first)
    if configured:
        root = os.path.abspath(configured)
        return Layout(root, (root,), _is_library(root))
    current = start
    while True:
        if os.path.isfile(os.path.join(current, "pyproject.toml")):
            return Layout(current, (current,), _is_library(current))
        parent = os.path.dirname(current)
        if parent == current:
            break
        current = parent
    git = _git_root(start)
    if git is not None:
        return Layout(git, (git,), _is_library(git))
    top = None
    current = start
    while os.path.isfile(os.path.join(current, "__init__.py")):
        top = current
        current = os.path.dirname(current)
    if top is not None:
        parent = os.path.dirname(top)
        return Layout(parent, (top,), _is_library(parent) or _installed(parent, top))
    files = tuple(os.path.abspath(p) for p in paths if os.path.isfile(p))
    common = os.path.commonpath([os.path.dirname(f) for f in files]) if files else start
    return Layout(common, (), False, files)


def _git_root(start: str) -> str | None:
    current = start
    while True:
        if os.path.exists(os.path.join(current, ".git")):
            return current
        parent = os.path.dirname(current)
        if parent == current:
            return None
        current = parent


def _is_library(root: str) -> bool:
    if os.path.isfile(os.path.join(root, "setup.py")) or os.path.isfile(
        os.path.join(root, "setup.cfg")
    ):
        return True
    pyproject = os.path.join(root, "pyproject.toml")
    if os.path.isfile(pyproject):
        try:
            import tomllib

            with open(pyproject, "rb") as stream:
                return "build-system" in tomllib.load(stream)
        except (OSError, ValueError):
            return True  # cannot tell: open is the safe side
    try:
        return any(name.endswith((".dist-info", ".egg-info")) for name in os.listdir(root))
    except OSError:
        return False


def _installed(parent: str, top: str) -> bool:
    name = os.path.basename(top)
    try:
        return any(
            entry.endswith(".dist-info") and entry.split("-")[0].lower() == name.lower()
            for entry in os.listdir(parent)
        ) or os.path.basename(parent) in ("site-packages", "dist-packages")
    except OSError:
        return False


def discover(layout: Layout) -> list[str]:
    if not layout.index_dirs:
        return list(layout.files)
    found: list[str] = []
    for directory in layout.index_dirs:
        for current, dirs, files in os.walk(directory):
            dirs[:] = sorted(
                d
                for d in dirs
                if d not in SKIPPED_DIRECTORIES
                and not d.startswith(".")
                and not d.endswith(".egg-info")
            )
            found.extend(
                os.path.join(current, name)
                for name in sorted(files)
                if name.endswith((".py", ".ipynb"))
            )
    return found


def module_name(path: str, root: str) -> tuple[str, bool]:
    """The dotted name of a module under ``root`` (``src/`` layouts too), and whether it is a
    package's ``__init__``."""
    relative = os.path.relpath(path, root)
    parts = relative.replace(os.sep, "/").split("/")
    if parts[0] == "src" and len(parts) > 1 and os.path.isdir(os.path.join(root, "src")):
        parts = parts[1:]
    stem, _, suffix = parts[-1].rpartition(".")
    if suffix == "ipynb":
        return "<notebook>" + "/".join(parts), False
    if stem == "__init__":
        return ".".join(parts[:-1]) or "__init__", True
    return ".".join([*parts[:-1], stem]), False


# --- indexing -------------------------------------------------------------------------------


def summary_of(data: bytes, path: str, module: str, is_package: bool) -> ModuleSummary | None:
    """One file's summary; None when it cannot be read as Python (it has no calls to offer)."""
    if path.endswith(".ipynb"):
        return _notebook_summary(data, path, module)
    try:
        tree = ast.parse(data)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return unreadable_summary(data.decode("utf-8", "replace"), module, path)
    hints = SourceHints.of(data, other_encoding=declares_other_encoding(data))
    try:
        return summarize(tree, module, path, is_package=is_package, hints=hints)
    except RecursionError:
        return unreadable_summary(data.decode("utf-8", "replace"), module, path)


def _notebook_summary(data: bytes, path: str, module: str) -> ModuleSummary | None:
    from kaiming_lint.sources.notebook import NotebookError, notebook_to_python

    try:
        src = notebook_to_python(data)
    except (NotebookError, ValueError, UnicodeDecodeError):
        return None
    if not src.is_python:
        return None
    python = src.python
    broken: list[str] = []
    try:
        tree = ast.parse(python)
    except (SyntaxError, ValueError, RecursionError):
        # Jupyter runs cells one by one: the cells that parse still run. Blank the others
        # (keeping their lines) and remember what they name.
        lines = python.splitlines(keepends=True)
        for cell in src.cells:
            text = src.cell_python(cell.index)
            try:
                ast.parse(text)
            except (SyntaxError, ValueError, RecursionError):
                broken.append(text)
                first = src.cell_start[cell.index]
                for number in range(first - 1, first - 1 + len(text.splitlines())):
                    lines[number] = "\n"
        try:
            tree = ast.parse("".join(lines))
        except (SyntaxError, ValueError, RecursionError):
            return unreadable_summary(python, module, path, notebook=True)

    def place(line: int, column: int) -> Place:
        where = src.cell_position(line)
        file_line, file_column = src.file_position(line, column)
        if where is None:
            return Place(file_line, file_column)
        return Place(file_line, file_column, where[0] + 1, where[1])

    try:
        summary = summarize(tree, module, path, place_of=place, notebook=True)
    except RecursionError:
        return unreadable_summary(python, module, path, notebook=True)
    if broken:
        summary.unreadable = unreadable_summary("".join(broken), module, path).unreadable
    return summary


class ModuleIndex(Mapping[str, ModuleSummary]):
    """The project's modules by dotted name, each summarised (through the cache) when first
    looked at, and every module's identifiers (``words``; None: always consulted)."""

    def __init__(self, cache: SummaryCache[ModuleSummary | None], overrides: Mapping[str, bytes]):
        self.cache = cache
        self.overrides = overrides
        self.places: dict[str, tuple[str, bool]] = {}  # name -> (path, is_package)
        self.words: dict[str, Words] = {}
        self._summaries: dict[str, ModuleSummary] = {}

    def add(self, path: str, name: str, is_package: bool) -> None:
        if name in self.places:
            return
        if path in self.overrides:
            words = identifiers(self.overrides[path], path)
        else:
            if not _regular(path):
                return  # a fifo named *.py would block the read
            try:
                words = self.cache.words(_path(path), functools.partial(identifiers, path=path))
            except OSError:
                return
        self.places[name] = (path, is_package)
        self.words[name] = words
        if path.endswith(".ipynb") and self.get(name) is None:
            del self.places[name], self.words[name]  # not a Python notebook: no module

    def __getitem__(self, name: str) -> ModuleSummary:
        found = self._summaries.get(name)
        if found is not None:
            return found
        path, is_package = self.places[name]
        if path in self.overrides:
            summary = summary_of(self.overrides[path], path, name, is_package)
        else:
            try:
                summary = self.cache.get(
                    _path(path),
                    name,
                    functools.partial(summary_of, path=path, module=name, is_package=is_package),
                )
            except OSError:
                summary = None
            if summary is None and not path.endswith(".ipynb"):
                summary = unreadable_summary("", name, path)  # removed or unreadable since
        if summary is None:
            raise KeyError(name)
        summary.path = path
        _localize(summary, self)
        self._summaries[name] = summary
        return summary

    def __contains__(self, name: object) -> bool:
        return name in self.places

    def __iter__(self) -> Iterator[str]:
        return iter(self.places)

    def __len__(self) -> int:
        return len(self.places)

    def close(self) -> None:
        self.cache.close()


def index(
    layout: Layout,
    *,
    cache_enabled: bool,
    extra: Iterable[str] = (),
    settings_key: str = "",
    overrides: Mapping[str, bytes] | None = None,
) -> ModuleIndex:
    """Every module of the project, by dotted name (the files in ``extra`` included); the
    caller closes it (which writes the cache's stat index).

    ``overrides`` maps absolute paths to contents that replace what is on disk (an editor's
    unsaved buffers); those are summarised afresh, never cached.
    """
    from kaiming_lint.project_cache import cache_directory

    paths = discover(layout)
    seen = set(paths)
    paths.extend(p for p in (os.path.abspath(e) for e in extra) if p not in seen)
    directory = (
        cache_directory(_path(layout.root), enabled=cache_enabled) if layout.index_dirs else None
    )
    cache: SummaryCache[ModuleSummary | None] = SummaryCache(
        directory, f"summary-v{SUMMARY_VERSION}|{settings_key}"
    )
    modules = ModuleIndex(cache, overrides or {})
    try:
        for path in paths:
            name, is_package = module_name(path, layout.root)
            modules.add(path, name, is_package)
    except BaseException:
        cache.close()
        raise
    return modules


def _regular(path: str) -> bool:
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False


def _path(path: str) -> Path:
    return Path(path)


# --- judging --------------------------------------------------------------------------------


@dataclass
class _Target:
    """A function the calls are bound to."""

    module: ModuleSummary
    function: FunctionSummary
    self_bound: bool = False  # called through its class: the first parameter is not passed


class Judge:
    def __init__(
        self,
        modules: Mapping[str, ModuleSummary],
        library: bool,
        public_api: PublicApi,
        cwd: str,
        active: Iterable[str] | None = None,
    ) -> None:
        """``active``: the modules whose calls, escapes and stores are bound (default: all)."""
        self.modules = modules
        self.modules_places: Mapping[str, tuple[str, bool]] = getattr(modules, "places", {})
        chosen = None if active is None else set(active)
        self.active = [modules[name] for name in modules if chosen is None or name in chosen]
        # The last part of each module (and package) name -> the full names: what a script's
        # sibling import (``from model import build``) may reach.
        self.tops: dict[str, list[str]] = {}
        for module_name in modules:
            parts = module_name.split(".")
            if len(parts) > 1 and not module_name.startswith("<"):
                for cut in range(1, len(parts)):
                    if ".".join(parts[:cut]) not in modules:  # not inside a package above
                        tail = ".".join(parts[cut:])
                        head = parts[cut]
                        full = ".".join(parts[: cut + 1])
                        if tail and full not in self.tops.setdefault(head, []):
                            self.tops[head].append(full)
        self.cwd = cwd
        self.library = library if public_api is PublicApi.AUTO else public_api is PublicApi.OPEN
        self._resolved: dict[str, Resolved] = {}
        self._prefixes: dict[str, tuple[str, list[str]] | None] = {}
        self._exports: dict[str, frozenset[str] | None] = {}
        self.escaped: dict[tuple[str, str], str] = {}
        self.calls: dict[tuple[str, str], list[tuple[CallSite, ModuleSummary, bool]]] = {}
        self.values: dict[tuple[str, str, str], Term | None] = {}
        self.open: set[tuple[str, str]] = set()
        self.mutated: dict[str, str] = {}  # "module.NAME" -> UnknownReason value
        self._uses: dict[str, dict[str, int]] | None = None

    def adopt(self, scout: Judge) -> None:
        """Keep what a scout over the same modules resolved (it holds until the stores are
        bound, and :meth:`prepare` clears it then)."""
        self._resolved.update(scout._resolved)
        self._exports.update(scout._exports)

    # names

    def module_prefix(self, name: str, depth: int = 0) -> tuple[str, list[str]] | None:
        """The longest project module ``name`` starts with, and the parts after it."""
        if depth == 0:
            if name not in self._prefixes:
                self._prefixes[name] = self._module_prefix(name, 0)
            found = self._prefixes[name]
            return None if found is None else (found[0], list(found[1]))
        return self._module_prefix(name, depth)

    def _module_prefix(self, name: str, depth: int) -> tuple[str, list[str]] | None:
        parts = name.split(".")
        for cut in range(len(parts), 0, -1):
            candidate = ".".join(parts[:cut])
            if candidate in self.modules:
                return candidate, parts[cut:]
        # ``import model`` from a script next to model.py (the script's directory is on
        # sys.path): the project's one module of that name, wherever it sits.
        tops = self.tops.get(parts[0], ()) if parts[0] else ()
        if len(tops) == 1 and tops[0] != parts[0] and depth < 3:
            return self.module_prefix(".".join([tops[0], *parts[1:]]), depth + 1)
        return None

    def sibling_candidates(self, name: str) -> list[str]:
        """The project names an unresolved ``name`` may mean when several directories hold a
        module named like its first part."""
        parts = name.split(".")
        tops = self.tops.get(parts[0], ()) if parts[0] else ()
        if len(tops) < 2:
            return []
        return [c for c in (".".join([top, *parts[1:]]) for top in tops) if c != name]

    def resolve(self, name: str, depth: int = 0) -> Resolved:
        """What an absolute name is: ("keras", name) | ("module", m) | ("def", m, key) |
        ("constant", m, name, term) | ("outside", name) | ("unknown", reason)."""
        if depth == 0 and name in self._resolved:
            return self._resolved[name]
        result = self._resolve(name, depth)
        if depth == 0:
            self._resolved[name] = result
        return result

    def _resolve(self, name: str, depth: int) -> Resolved:
        if depth > _MAX_RESOLVE:
            return ("unknown", _BUDGET)
        if symbols.classify(name) is not None:
            return ("keras", symbols.canonical(name))
        found = self.module_prefix(name)
        if found is None:
            return ("outside", name)
        module_name, rest = found
        if not rest:
            return ("module", module_name)
        module = self.modules[module_name]
        for cut in range(len(rest), 0, -1):
            key = ".".join(rest[:cut])
            if key in module.functions or key in module.classes:
                if cut == len(rest):
                    return ("def", module_name, key)
                return ("opaque", f"{module_name}.{key}")
        head = rest[0]
        term = module.names.get(head)
        if term is None:
            for star in module.stars:
                exports = self.exports(star)
                if exports is None:
                    return ("unknown", UnknownReason.STAR_IMPORT.value)
                if head in exports:
                    return self._resolve(".".join([star, *rest]), depth + 1)
            return ("unknown", _DYNAMIC)
        if isinstance(term, TRef):
            return self._resolve(".".join([term.name, *rest[1:]]), depth + 1)
        if len(rest) > 1:
            return ("unknown", _DYNAMIC)
        changed = self.mutated.get(f"{module_name}.{head}")
        if changed is not None:
            return ("unknown", changed)
        return ("constant", module_name, head, term)

    def exports(self, module_name: str, depth: int = 0) -> frozenset[str] | None:
        """The names ``from module import *`` binds; None when they cannot be known."""
        if module_name in self._exports:
            return self._exports[module_name]
        module = self.modules.get(module_name)
        if module is None or module.all_dynamic or depth > 10:
            return None
        self._exports[module_name] = frozenset()  # a cycle of star imports
        if module.all_names is not None:
            result: frozenset[str] | None = frozenset(module.all_names)
        else:
            names = {n for n in module.names if not n.startswith("_")}
            for star in module.stars:
                inner = self.exports(star, depth + 1)
                if inner is None:
                    names = set()
                    result = None
                    break
                names |= inner
            else:
                result = frozenset(names)
        self._exports[module_name] = result
        return result

    # call sites

    def effective_init(self, module_name: str, class_key: str, depth: int = 0) -> _Target | None:
        """The ``__init__`` a class's instantiation runs, when it is the project's own."""
        module = self.modules[module_name]
        own = module.functions.get(f"{class_key}.__init__")
        if own is not None:
            return _Target(module, own, True)
        if depth > 10:
            return None
        klass = module.classes.get(class_key)
        if klass is None:
            return None
        bases = [self.base(module, b) for b in klass.bases]
        project = [b for b in bases if b is not None]
        if len(klass.bases) == 1 and len(project) == 1:
            return self.effective_init(*project[0], depth + 1)
        for base in project:  # several bases: which __init__ runs is not followed
            target = self.effective_init(*base, depth + 1)
            if target is not None:
                self.escaped.setdefault((target.module.module, target.function.key), _OUTSIDE)
        return None

    def base(self, module: ModuleSummary, term: Term) -> tuple[str, str] | None:
        if not isinstance(term, TRef):
            return None
        resolved = self.resolve(term.name)
        if resolved[0] == "def" and resolved[2] in self.modules[resolved[1]].classes:
            return resolved[1], resolved[2]
        return None

    def bind_calls(self) -> None:
        for module in self.active:
            for name, _reason in module.escapes:
                self.escape(name)
            for name, reason in module.stores:
                resolved = self.resolve(name)
                if resolved[0] in ("constant", "def"):  # ops.ACT = ..., ops.act = lambda ...
                    self.mutated.setdefault(f"{resolved[1]}.{resolved[2]}", reason)
                    if resolved[0] == "def":
                        self.escape(name)
            if module.reflective:  # globals(), eval, exec: whatever the module reaches
                for key in module.functions:
                    self.escaped.setdefault((module.module, key), _DYNAMIC)
                for term in module.names.values():
                    if isinstance(term, TRef):
                        self.escape(term.name, _DYNAMIC)
        if any(module.unreadable for module in self.active):
            self.escape_unreadable()
        for module in self.active:
            for call in module.calls:
                target = self.callee(module, call)
                if target is None:
                    continue
                bound = (target.module.module, target.function.key)
                self.calls.setdefault(bound, []).append((call, module, target.self_bound))

    def escape_unreadable(self) -> None:
        """A file that does not parse may call any function it names by its top-level name,
        when it also spells its module's name, a module that re-exports it, or sits in a
        package a relative import reaches it through."""
        reach = reach_words(self, self.active)
        for broken in self.active:
            if not broken.unreadable:
                continue
            place = self.modules_places.get(broken.module)
            spelled = broken.unreadable | set(
                package_words(broken.module, place[1] if place else broken.is_package)
            )
            for module in self.active:
                module_reach = {module_word(module.module)} | reach.get((module.module, ""), set())
                for key, function in module.functions.items():
                    parts = key.split(".")
                    top = parts[0].split("#")[0]
                    if function.class_key is not None and parts[-1] != "__init__":
                        continue  # methods are never bound to calls; a constructor by its class
                    words = module_reach | reach.get((module.module, top), set())
                    if top in spelled and words & spelled:
                        self.escaped.setdefault((module.module, key), _OUTSIDE)

    def escape(self, name: str, reason: str = _OUTSIDE, depth: int = 0) -> None:
        if depth < 2:
            for candidate in self.sibling_candidates(name):
                self.escape(candidate, reason, depth + 1)
        resolved = self.resolve(name)
        if resolved[0] == "unknown":  # m.__dict__, m.missing: any function of m may be reached
            found = self.module_prefix(name)
            if found is not None and (
                not found[1] or found[1][0] not in self.modules[found[0]].names
            ):
                resolved = ("module", found[0])
        if resolved[0] == "module":
            module = self.modules[resolved[1]]
            for key in module.functions:
                self.escaped.setdefault((module.module, key), _DYNAMIC)
            for constant, term in module.names.items():  # setattr(m, "ACT", ...)
                if not isinstance(term, TRef):
                    self.mutated.setdefault(f"{module.module}.{constant}", _DYNAMIC)
        elif resolved[0] == "def":
            module = self.modules[resolved[1]]
            key = resolved[2]
            if key in module.classes:
                target = self.effective_init(module.module, key)
                if target is not None:
                    self.escaped.setdefault((target.module.module, target.function.key), reason)
            else:
                self.escaped.setdefault((module.module, key), reason)
        elif resolved[0] == "opaque":
            inner = self.module_prefix(resolved[1])
            if inner is not None:
                module = self.modules[inner[0]]
                key = ".".join(inner[1])
                for candidate in module.functions:
                    if candidate == key or candidate.startswith(key + "."):
                        self.escaped.setdefault((module.module, candidate), _OUTSIDE)

    def callee(self, module: ModuleSummary, call: CallSite) -> _Target | None:
        if call.super_of is not None:
            klass = module.classes.get(call.super_of)
            if klass is None:
                return None
            bases = [self.base(module, b) for b in klass.bases]
            project = [b for b in bases if b is not None]
            if len(klass.bases) == 1 and len(project) == 1:
                return self.effective_init(*project[0])
            for base in project:
                target = self.effective_init(*base)
                if target is not None:
                    self.escaped.setdefault((target.module.module, target.function.key), _OUTSIDE)
            return None
        if not isinstance(call.callee, TRef):
            return None
        for candidate in self.sibling_candidates(call.callee.name):
            self.escape(candidate)  # which of the same-named modules it is: not followed
        resolved = self.resolve(call.callee.name)
        if resolved[0] != "def":
            if resolved[0] == "opaque":
                self.escape(call.callee.name)  # Class.method(...) and the like
            return None
        target_module = self.modules[resolved[1]]
        key = resolved[2]
        if key in target_module.classes:
            return self.effective_init(target_module.module, key)
        function = target_module.functions[key]
        if function.class_key is not None:
            self.escaped.setdefault((target_module.module, key), _OUTSIDE)
            return None
        return _Target(target_module, function)

    # which names outside code may call

    def mark_open(self) -> None:
        if not self.library:
            return
        for module in self.active:
            if module.notebook:
                continue
            parts = module.module.split(".")
            in_package = module.is_package or ".".join(parts[:-1]) in self.modules
            private = any(part.startswith("_") and part != "__init__" for part in parts)
            if in_package and not private:
                for key, function in module.functions.items():
                    top = key.split(".")[0].split("#")[0]
                    public_class = function.class_key is None or not function.class_key.startswith(
                        "_"
                    )
                    if function.parent is None and not top.startswith("_") and public_class:
                        self.open.add((module.module, key))
            names: list[str] = list(module.all_names or ())
            if module.is_package:
                names.extend(n for n in module.names if not n.startswith("_"))
                exported = self.exports(module.module) or frozenset()
                names.extend(exported)
            for name in names:
                resolved = self.resolve(f"{module.module}.{name}")
                if resolved[0] == "def":
                    target = self.modules[resolved[1]]
                    for key in target.functions:
                        inside = key == resolved[2] or key.startswith(resolved[2] + ".")
                        if inside and target.functions[key].parent is None:
                            self.open.add((target.module, key))

    # parameter values

    def prepare(self) -> None:
        self.bind_calls()
        self._resolved.clear()  # constants found mutated resolve to unknown from here on
        self.mark_open()

    def solve(self, modules: Iterable[str]) -> None:
        relevant = self._depended_on(modules)
        keys = [(m, f, p.name) for m, f in relevant for p in self.modules[m].functions[f].params]
        for key in keys:
            self.values[key] = None
        budget = 8 * max(len(keys), 1)
        changed = True
        work = [(key, self.calls[key]) for key in relevant if key in self.calls]
        while changed and budget > 0:
            changed = False
            for (module_name, function_key), calls in work:
                if (module_name, function_key) in self.escaped or (
                    module_name,
                    function_key,
                ) in self.open:
                    continue
                module = self.modules[module_name]
                function = module.functions[function_key]
                new = self.join(module, function, calls)
                for param in function.params:
                    key = (module_name, function_key, param.name)
                    if new.get(param.name) != self.values.get(key):
                        self.values[key] = new.get(param.name)
                        changed = True
                        budget -= 1
        if budget <= 0:
            for key, value in self.values.items():
                if value is not None and not isinstance(value, TUnknown):
                    self.values[key] = TUnknown(_BUDGET)

    def _depended_on(self, modules: Iterable[str]) -> list[tuple[str, str]]:
        """The functions of ``modules`` and, transitively, the callers (and enclosing functions)
        whose parameters their call sites pass on."""
        seen: set[tuple[str, str]] = set()
        order: list[tuple[str, str]] = []
        stack = [(m, f) for m in modules for f in self.modules[m].functions]
        while stack:
            key = stack.pop()
            if key in seen:
                continue
            seen.add(key)
            order.append(key)
            module = self.modules[key[0]]
            parent = module.functions[key[1]].parent
            if parent is not None and parent in module.functions:
                stack.append((key[0], parent))
            for call, caller, _ in self.calls.get(key, ()):
                if call.caller is not None and call.caller in caller.functions:
                    stack.append((caller.module, call.caller))
        return order

    def join(
        self,
        module: ModuleSummary,
        function: FunctionSummary,
        calls: list[tuple[CallSite, ModuleSummary, bool]],
    ) -> dict[str, Term | None]:
        result: dict[str, Term | None] = {}
        for call, caller_module, self_bound in calls:
            bound = self.bind(module, function, call, caller_module, self_bound)
            for param in function.params:
                value = bound.get(param.name)
                if value is None:
                    continue
                result[param.name] = _join(result.get(param.name), value)
        return result

    def bind(
        self,
        module: ModuleSummary,
        function: FunctionSummary,
        call: CallSite,
        caller: ModuleSummary,
        self_bound: bool,
    ) -> dict[str, Term | None]:
        """Each parameter's value at one call (None: not known yet, an unfinished caller)."""
        params = list(function.params)
        if self_bound and params and params[0].kind is ParamKind.POSITIONAL:
            params = params[1:]
        positional = [p for p in params if p.kind is ParamKind.POSITIONAL]
        by_name = {p.name: p for p in params if p.kind in (ParamKind.POSITIONAL, ParamKind.KEYWORD)}
        var_positional = next((p for p in params if p.kind is ParamKind.VAR_POSITIONAL), None)
        var_keyword = next((p for p in params if p.kind is ParamKind.VAR_KEYWORD), None)
        values: dict[str, Term | None] = {}
        extra_positional: list[Term | None] = []
        extra_keywords: dict[str, Term | None] = {}
        unknown_positional: Term | None = None
        unknown_keywords: Term | None = None
        index = 0
        for arg in call.args:
            if isinstance(arg, TStar):
                spread = self.value(arg.value, caller, call.caller)
                if spread is None:
                    return {}
                if isinstance(spread, TTuple):
                    items: list[Term | None] = list(spread.items)
                else:
                    unknown_positional = _unknown_of(spread, _ARGUMENT)
                    break
            else:
                items = [self.value(arg, caller, call.caller)]
            for item in items:
                if index < len(positional):
                    values[positional[index].name] = item
                else:
                    extra_positional.append(item)
                index += 1
        for name, term in call.keywords:
            if name is None:
                assert isinstance(term, TStar)
                spread = self.value(term.value, caller, call.caller)
                if spread is None:
                    return {}
                if isinstance(spread, TDict):
                    for key, item in spread.items:
                        if key in by_name:
                            values[key] = item
                        else:
                            extra_keywords[key] = item
                else:
                    unknown_keywords = _unknown_of(spread, _ARGUMENT)
                continue
            value = self.value(term, caller, call.caller)
            if name in by_name:
                values[name] = value
            else:
                extra_keywords[name] = value
        if any(v is None for v in [*values.values(), *extra_positional, *extra_keywords.values()]):
            return {}  # a caller's parameter not decided yet
        for param in params:
            if param.name in values:
                continue
            if param.kind is ParamKind.VAR_POSITIONAL:
                values[param.name] = unknown_positional or TTuple(tuple(extra_positional))  # type: ignore[arg-type]
            elif param.kind is ParamKind.VAR_KEYWORD:
                values[param.name] = unknown_keywords or TDict(
                    tuple(sorted(extra_keywords.items()))  # type: ignore[arg-type]
                )
            elif param.kind is ParamKind.POSITIONAL and unknown_positional is not None:
                values[param.name] = unknown_positional
            elif unknown_keywords is not None:
                values[param.name] = unknown_keywords
            elif param.default is not None:
                values[param.name] = self.value(
                    param.default, module, function.parent, default=True
                )
            else:
                values[param.name] = TUnknown(_ARGUMENT)  # a call that would raise TypeError
        if var_positional is None and extra_positional:
            return {p.name: TUnknown(_ARGUMENT) for p in params}
        if var_keyword is None and extra_keywords:
            return {p.name: TUnknown(_ARGUMENT) for p in params}
        return values

    def value(
        self,
        term: Term,
        module: ModuleSummary,
        function: str | None,
        default: bool = False,
        depth: int = 0,
    ) -> Term | None:
        """A term with references and parameters replaced; None: a parameter not known yet."""
        if depth > _MAX_RESOLVE:
            return TUnknown(_BUDGET)
        if isinstance(term, TLit):
            return _Default(term.value) if default else term
        if isinstance(term, TUnknown):
            return term
        if isinstance(term, TParam):
            value = self.param_value(module.module, term.function, term.name)
            return None if value is None else _plain(value)
        if isinstance(term, TRef):
            return self.ref_value(term.name, depth)
        if isinstance(term, TExpr):
            env: list[tuple[str, Term]] = []
            for name, inner in term.env:
                resolved = self.value(inner, module, function, depth=depth + 1)
                if resolved is None:
                    return None
                env.append((name, _plain(resolved)))
            return TExpr(term.text, tuple(env), term.identity)
        if isinstance(term, TTuple):
            items = [self.value(t, module, function, depth=depth + 1) for t in term.items]
            if any(i is None for i in items):
                return None
            return TTuple(tuple(items))  # type: ignore[arg-type]
        if isinstance(term, TDict):
            pairs = [(k, self.value(t, module, function, depth=depth + 1)) for k, t in term.items]
            if any(v is None for _, v in pairs):
                return None
            return TDict(tuple(pairs))  # type: ignore[arg-type]
        return TUnknown(_ARGUMENT)

    def ref_value(self, name: str, depth: int = 0) -> Term:
        resolved = self.resolve(name)
        kind = resolved[0]
        if kind == "keras":
            symbol = symbols.classify(resolved[1])
            if (
                symbol is not None
                and symbol.kind is symbols.SymbolKind.ACTIVATION
                and "." not in symbol.name
            ):
                return TLit(symbol.name)  # "relu" and keras.activations.relu agree
            return TRef(resolved[1])
        if kind == "constant":
            module = self.modules[resolved[1]]
            value = self.value(resolved[3], module, None, depth=depth + 1)
            return TUnknown(_BUDGET) if value is None else _plain(value)
        if kind in ("def", "module", "opaque", "outside"):
            if kind == "outside" and name.startswith("builtins."):
                return TRef(name)
            return TRef(
                "<project>" + (resolved[1] if kind != "def" else f"{resolved[1]}.{resolved[2]}")
            )
        return TUnknown(resolved[1])

    def param_value(self, module_name: str, function_key: str, name: str) -> Term | None:
        key = (module_name, function_key)
        function = self.modules[module_name].functions.get(function_key)
        if function is None:
            return TUnknown(_OUTSIDE)
        if name in function.changed:
            return TUnknown(function.changed[name])
        if key in self.escaped:
            return TUnknown(self.escaped[key])
        if key in self.open or key not in self.calls:
            return TUnknown(_OUTSIDE)
        return self.values.get((module_name, function_key, name))

    # the view of one module

    def related_calls(self, module_name: str, function_key: str) -> tuple[Related, ...]:
        entries = self.calls.get((module_name, function_key), [])
        own = [(c, m) for c, m, _ in entries if m.module == module_name]
        other = [(c, m) for c, m, _ in entries if m.module != module_name]
        own.sort(key=lambda e: (e[0].place.line, e[0].place.column))
        other.sort(
            key=lambda e: (_display(e[1].path, self.cwd), e[0].place.line, e[0].place.column)
        )
        return tuple(
            Related(
                _display(m.path, self.cwd),
                c.place.line,
                c.place.column,
                f"call of {function_key.split('.')[-2] if function_key.endswith('.__init__') else function_key.split('.')[-1]}",
                c.place.cell,
                c.place.cell_line,
            )
            for c, m in [*own, *other]
        )

    def view(self, module_name: str) -> ModuleView:
        module = self.modules[module_name]
        view = ModuleView(module.module, module.is_package, os.path.abspath(module.path))
        for key, function in module.functions.items():
            related = self.related_calls(module_name, key)
            calls = self.calls.get((module_name, key), [])
            if related:
                view.calls[key] = related
            if (
                calls
                and (module_name, key) not in self.escaped
                and (module_name, key) not in self.open
            ):
                view.call_sites[key] = tuple(
                    (os.path.abspath(m.path), c.place.line, c.place.column) for c, m, _ in calls
                )
            for param in function.params:
                term = self.param_value(module_name, key, param.name)
                if term is None:
                    term = TUnknown(_OUTSIDE)  # reached only through unfinished recursion
                is_default = isinstance(term, _Default)
                view.params[(key, param.name)] = ParamValue(_plain(term), related, is_default)
            if (
                (module_name, key) not in self.escaped
                and (module_name, key) not in self.open
                and all(m.module == module_name for _, m, _ in calls)
            ):
                view.local_only = view.local_only | {key}
        for name in refs_of(module):
            view.refs[name] = self.ref(name)
            resolved = self.resolve(name)
            if resolved[0] == "def" and resolved[2] in self.modules[resolved[1]].functions:
                target = self.modules[resolved[1]]
                view.defs[name] = (os.path.abspath(target.path), resolved[2])
        prefix = f"{module_name}."
        view.mutated = {
            name[len(prefix) :]: reason
            for name, reason in self.mutated.items()
            if name.startswith(prefix) and "." not in name[len(prefix) :]
        }
        if module.stars:
            names: dict[str, str] = {}
            for star in module.stars:
                exports = self.exports(star)
                if exports is None:
                    names = {}
                    break
                for name in exports:
                    names[name] = f"{star}.{name}"
            view.star_names = (
                names
                if all(s in self.modules or symbols.classify(s) for s in module.stars)
                else None
            )
        return view

    def ref(self, name: str) -> RefValue:
        resolved = self.resolve(name)
        kind = resolved[0]
        if kind == "keras":
            return RefValue(RefKind.KERAS, resolved[1])
        if kind == "constant":
            module = self.modules[resolved[1]]
            value = self.value(resolved[3], module, None)
            line = module.name_lines.get(resolved[2], 1)
            origin = Related(
                _display(module.path, self.cwd), line, 1, f"definition of {resolved[2]}"
            )
            term = TUnknown(_BUDGET) if value is None else _plain(value)
            if isinstance(term, TRef) and symbols.classify(term.name) is not None:
                return RefValue(RefKind.KERAS, term.name, origin=origin)
            return RefValue(RefKind.CONSTANT, name, term, origin)
        if kind in ("def", "module", "opaque", "outside"):
            return RefValue(RefKind.OPAQUE, name)
        return RefValue(RefKind.UNKNOWN, name, reason=resolved[1])

    def external_uses(self, module_name: str) -> dict[str, int]:
        """How often each shared initializer the module uses is used by the other modules."""
        if self._uses is None:
            self._uses = self._count_uses()
        own = {identity for identity, per in self._uses.items() if module_name in per}
        return {
            identity: sum(n for m, n in self._uses[identity].items() if m != module_name)
            for identity in own
            if any(m != module_name for m in self._uses[identity])
        }

    def _count_uses(self) -> dict[str, dict[str, int]]:
        totals: dict[str, dict[str, int]] = {}
        for module in self.active:
            for name, count in module.init_uses:
                resolved = self.resolve(name)
                if resolved[0] != "constant":
                    continue
                identity = f"{resolved[1]}.{resolved[2]}"
                per = totals.setdefault(identity, {})
                per[module.module] = per.get(module.module, 0) + count
        return totals


_SIBLINGS: dict[tuple[int, str], frozenset[str]] = {}


def _siblings(directory: str, modules: Mapping[str, ModuleSummary]) -> frozenset[str]:
    """The names of the modules right in ``directory`` (as ``import name`` would find them)."""
    key = (id(modules), directory)
    found = _SIBLINGS.get(key)
    if found is None:
        prefix = directory + "."
        found = frozenset(
            name[len(prefix) :].partition(".")[0] for name in modules if name.startswith(prefix)
        )
        _SIBLINGS.clear()  # one project at a time
        _SIBLINGS[key] = found
    return found


def _localize(module: ModuleSummary, modules: Mapping[str, ModuleSummary]) -> None:
    """Rewrite ``blocks.f`` to ``train.blocks.f`` in ``train/run.py`` when ``train/blocks.py``
    is a module of the project and no top-level ``blocks`` is: a script's own directory comes
    first on ``sys.path``."""
    if module.is_package or "." not in module.module or module.module.startswith("<"):
        directory = ""
        if module.module.startswith("<notebook>"):
            folder = module.module[len("<notebook>") :].rpartition("/")[0]
            directory = folder.replace("/", ".")
        if not directory:
            return
    else:
        directory = module.module.rpartition(".")[0]
    if directory in modules:
        return  # a package's module: its absolute imports start at the top
    siblings = _siblings(directory, modules)
    # A neighbour is reached through an import (a module-level name) or a call or use of a
    # dotted name; when none starts with a neighbour's name there is nothing to rewrite.
    firsts = {t.name.partition(".")[0] for t in module.names.values() if isinstance(t, TRef)}
    firsts.update(
        c.callee.name.partition(".")[0] for c in module.calls if isinstance(c.callee, TRef)
    )
    firsts.update(name.partition(".")[0] for name, _ in module.escapes)
    if not (firsts & siblings):
        return

    def local(name: str) -> str:
        first = name.partition(".")[0]
        if first in modules or first not in siblings:
            return name
        return f"{directory}.{name}"

    def term(value: Term) -> Term:
        if isinstance(value, TRef):
            return TRef(local(value.name))
        if isinstance(value, TExpr):
            return TExpr(value.text, tuple((n, term(t)) for n, t in value.env), value.identity)
        if isinstance(value, TStar):
            return TStar(term(value.value), value.double)
        if isinstance(value, TTuple):
            return TTuple(tuple(term(t) for t in value.items))
        if isinstance(value, TDict):
            return TDict(tuple((k, term(t)) for k, t in value.items))
        return value

    module.names = {name: term(value) for name, value in module.names.items()}
    module.calls = [
        CallSite(
            term(c.callee),
            c.caller,
            c.place,
            tuple(term(a) for a in c.args),
            tuple((k, term(v)) for k, v in c.keywords),
            c.super_of,
            c.in_loop,
        )
        for c in module.calls
    ]
    module.escapes = [(local(name), reason) for name, reason in module.escapes]
    module.stores = [(local(name), reason) for name, reason in module.stores]
    module.init_uses = [(local(name), count) for name, count in module.init_uses]
    module.stars = tuple(local(star) for star in module.stars)
    for function in module.functions.values():
        function.params = tuple(
            ParamSpec(p.name, p.kind, None if p.default is None else term(p.default))
            for p in function.params
        )
    for klass in module.classes.values():
        klass.bases = tuple(term(b) for b in klass.bases)


@dataclass(frozen=True)
class _Default(TLit):
    """A literal that is a parameter's default (for messages: no call overrides it)."""


def _plain(term: Term) -> Term:
    return TLit(term.value) if isinstance(term, _Default) else term


def _join(current: Term | None, new: Term) -> Term:
    if isinstance(new, TUnknown):
        if isinstance(current, TUnknown) and current.reason != _DISAGREE:
            return current
        return new
    if current is None:
        return new
    if isinstance(current, TUnknown):
        return current
    if _same(current, new):
        return (
            current
            if isinstance(current, _Default) and isinstance(new, _Default)
            else _plain(current)
        )
    if (
        isinstance(current, TTuple)
        and isinstance(new, TTuple)
        and len(current.items) == len(new.items)
    ):
        return TTuple(tuple(_join(a, b) for a, b in zip(current.items, new.items, strict=True)))
    if isinstance(current, TDict) and isinstance(new, TDict):
        left, right = dict(current.items), dict(new.items)
        keys = sorted(set(left) | set(right))
        return TDict(
            tuple(
                (k, _join(left[k], right[k]) if k in left and k in right else TUnknown(_DISAGREE))
                for k in keys
            )
        )
    return TUnknown(_DISAGREE)


def _same(a: Term, b: Term) -> bool:
    return _plain(a) == _plain(b)


def _unknown_of(term: Term, reason: str) -> TUnknown:
    return term if isinstance(term, TUnknown) else TUnknown(reason)


@functools.lru_cache(maxsize=4096)
def _display(path: str, cwd: str) -> str:
    try:
        relative = os.path.relpath(path, cwd)
    except ValueError:
        return path
    return path if relative.startswith("..") else relative.replace(os.sep, "/")


def build_view(
    paths: Sequence[str],
    *,
    public_api: PublicApi = PublicApi.AUTO,
    configured_root: str | None = None,
    cache_enabled: bool = True,
    settings_key: str = "",
    overrides: Mapping[str, bytes] | None = None,
    whole: bool = False,
) -> ProjectView:
    """Index the project the files in ``paths`` belong to, for judging the views of those files.

    ``overrides``: absolute path -> contents that replace the file on disk (editor buffers).
    A view is judged when the analysis first asks for it (:meth:`ProjectView.settle` judges
    them all at once), with only the modules that can bear on it summarised
    (:mod:`kaiming_lint.project_scope`); ``whole`` summarises and binds every module instead,
    and judges the linted files' views at once (the same views, for testing that).
    """
    layout = find_root(paths, configured_root)
    buffers = {os.path.abspath(k): v for k, v in (overrides or {}).items()}
    modules = index(
        layout,
        cache_enabled=cache_enabled,
        extra=paths,
        settings_key=settings_key,
        overrides=buffers,
    )
    modules.close()  # writes the stat index; summaries read later are still cached
    judgement = _Judgement(modules, layout.library, public_api, whole)
    view = ProjectView(
        layout.root,
        overrides=dict(buffers),
        linted=frozenset(os.path.abspath(p) for p in paths),
        _judgement=judgement,
    )
    if whole:
        view.modules.update(
            judgement.views(set(judgement.names[p] for p in view.linted if p in judgement.names))
        )
    return view


class _Judgement:
    """Judges the views of chosen modules of an indexed project: each call a fresh
    :class:`Judge` over the modules that can bear on them (or, ``whole``, over all)."""

    def __init__(
        self, modules: ModuleIndex, library: bool, public_api: PublicApi, whole: bool
    ) -> None:
        self.modules = modules
        self.library = library
        self.public_api = public_api
        self.whole = whole
        self.cwd = os.getcwd()
        self.names = {os.path.abspath(path): name for name, (path, _) in modules.places.items()}
        self._words: WordIndex | None = None  # made when a first view is judged

    def views(self, chosen: set[str], *, only_analysed: bool = False) -> dict[str, ModuleView]:
        """The views of ``chosen`` and of their neighbours, by absolute path (``only_analysed``:
        only of the chosen modules the linter analyses, and their neighbours)."""
        modules = self.modules
        if only_analysed:
            # A file that names no kernel layer is not analysed: it needs no view of its own.
            chosen = {name for name in chosen if _may_analyse(modules, name)}
        if self.whole:
            active = None
        else:
            scout = Judge(modules, self.library, self.public_api, self.cwd, active=())
            if self._words is None:
                self._words = WordIndex(modules.words, modules.places)
            active = bearing_modules(scout, chosen, self._words)
        judge = Judge(modules, self.library, self.public_api, self.cwd, active=active)
        if not self.whole:
            judge.adopt(scout)
        judge.prepare()
        # The modules a linted module's layers may continue in: its callers and its callees.
        neighbours: set[str] = set()
        for (target, _key), calls in judge.calls.items():
            callers = {m.module for _, m, _ in calls}
            if target in chosen:
                neighbours |= callers
            if callers & chosen:
                neighbours.add(target)
        judge.solve(chosen | neighbours)
        views: dict[str, ModuleView] = {}
        for name in chosen | neighbours:
            module = modules[name]
            module_view = judge.view(name)
            module_view.external_uses = judge.external_uses(name)
            views[os.path.abspath(module.path)] = module_view
        return views


def _may_analyse(modules: ModuleIndex, name: str) -> bool:
    """Whether the linter analyses the module's text at all (it names a kernel layer).

    A kernel layer's name in the text lies inside one of its identifiers, so the identifiers
    answer without reading the file again."""
    from kaiming_lint.pairing import mentions_kernel_layer

    words = modules.words.get(name)
    if words is not None:
        return mentions_kernel_layer(words)
    path = modules.places[name][0]
    data = modules.overrides.get(path)
    if data is None:
        try:
            with open(path, "rb") as stream:
                data = stream.read()
        except OSError:
            return True
    return mentions_kernel_layer(data.decode("utf-8", "replace"))
