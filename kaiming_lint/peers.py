"""Other modules of the project, analysed on demand: where a layer's output crosses a module.

When a function returns a layer (or its output) to callers in other modules, or a tensor is
passed to a function defined in another module, the analysis goes on in that module: its
source is read and parsed once per run, with its own :class:`~kaiming_lint.project_view.ModuleView`
(from the :class:`~kaiming_lint.project.ProjectView`), and the call sites the judge recorded are
found again in its syntax tree by line and column. Anything that cannot be found exactly (a
notebook caller, a file that changed, a module without a view) leaves the layer unknown.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

import libcst as cst

from kaiming_lint.decode import Unreadable, decode
from kaiming_lint.parsing import parse
from kaiming_lint.positions import positions
from kaiming_lint.project_view import ModuleView

__all__ = ["Peers", "Project", "byte_column", "call_places"]


class Project(Protocol):
    """What the peers need of the project-wide view."""

    def peer_view(self, path: str) -> ModuleView | None: ...

    def read(self, path: str) -> bytes | None: ...

    def memo(self, key: object, make: Callable[[], object]) -> object: ...


class Peers:
    """The parsed other modules of one run, by absolute path (None: could not be read)."""

    def __init__(
        self,
        project: Project,
        build: Callable[[cst.Module, ModuleView, Peers], object],
    ) -> None:
        self.project = project
        self.build = build  # makes the analysis (a pairing.Follower) of a parsed module
        self.loaded: dict[str, object | None] = {}

    def get(self, path: str) -> object | None:
        """The analysis of the module at ``path`` (absolute, as the views give it)."""
        if path in self.loaded:
            return self.loaded[path]
        self.loaded[path] = None  # a cycle while loading: not followed
        follower = self._load(path)
        self.loaded[path] = follower
        return follower

    def _load(self, path: str) -> object | None:
        if not path.endswith(".py"):
            return None  # notebook callers: their positions are the .ipynb file's
        view = self.project.peer_view(path)
        if view is None:
            return None
        data = self.project.read(path)
        if data is None:
            return None
        try:
            text, _ = decode(data)
            module = parse(text)
        except (Unreadable, RecursionError):
            return None
        return self.build(module, view, self)


def byte_column(line_text: str, column: int) -> int:
    """A 0-based character column as the 1-based UTF-8 byte column ``ast`` counts."""
    return len(line_text[:column].encode("utf-8")) + 1


def call_places(
    module: cst.Module, calls: Sequence[cst.CSTNode]
) -> dict[tuple[int, int], cst.CSTNode]:
    """The calls by (line, 1-based byte column) of their start, as the summaries record them."""
    lines = module.code.splitlines()
    found: dict[tuple[int, int], cst.CSTNode] = {}
    for call, span in positions(module, calls).items():
        line = span.start.line
        text = lines[line - 1] if 0 < line <= len(lines) else ""
        found[(line, byte_column(text, span.start.column))] = call
    return found
