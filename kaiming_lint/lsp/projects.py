"""The project-wide view of each project with open documents, as the editor's buffers show it.

A document is linted with the :class:`~kaiming_lint.project.ProjectView` of its project, so the
editor reports what ``kaiming-lint`` on the command line reports (parameters judged from every
call site in the project). One view is built per project (its root and the settings that change
the judging) for all of its open documents at once, with every open buffer that differs from the
file on disk in place of that file. It is rebuilt only when something it was built from changes:
an open buffer, the set of open documents, or a file on disk (a save, or a watched-file event).
The content-hash summary cache makes a rebuild cost about the changed files' work.

A document that is not a ``file:`` URI (untitled buffers) has no view: it is linted alone.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlparse

from kaiming_lint.project import ProjectView, build_view, find_root
from kaiming_lint.results import LintOptions, PublicApi


@dataclass(frozen=True)
class ProjectKey:
    """What a view is built for: documents with the same key share one view."""

    root: str  # the project root; a file that belongs to no project is its own "root"
    configured_root: str | None
    public_api: PublicApi
    settings_key: str  # the settings that change module summaries (as the CLI passes them)


@dataclass(frozen=True)
class Member:
    """An open document of a project: its path and its buffer as the file's bytes."""

    path: str
    data: bytes
    notebook: bool  # a notebook's buffer is rebuilt from its cells: never equal to the file


@dataclass
class _Built:
    state: tuple[object, ...]
    view: ProjectView
    generation: int


def key_for(
    uri: str, path: str, options: LintOptions, project_root: str | None
) -> ProjectKey | None:
    """The project a document belongs to; None for documents that are not files."""
    if urlparse(uri).scheme != "file" or not path.endswith((".py", ".ipynb")):
        return None
    path = os.path.abspath(path)
    layout = find_root([path], project_root)
    root = layout.root if layout.index_dirs else path
    settings_key = ",".join(sorted(options.extra_relu_activations))
    return ProjectKey(root, project_root, options.public_api, settings_key)


class Projects:
    """The views of the projects with open documents, rebuilt only when their inputs change."""

    def __init__(self) -> None:
        self._built: dict[ProjectKey, _Built] = {}
        self._disk = 0  # bumped when files on disk may have changed
        self._generation = 0

    def disk_changed(self) -> None:
        """Files on disk changed (a save, a watched-file event): views are rebuilt when used."""
        self._disk += 1

    def forget(self, key: ProjectKey) -> None:
        self._built.pop(key, None)

    def view(self, key: ProjectKey, members: Sequence[Member]) -> tuple[ProjectView, int]:
        """The view of ``key``'s project for these open documents, and its generation (a
        number that changes whenever the view is rebuilt)."""
        ordered = sorted(members, key=lambda m: m.path)
        state = (self._disk, tuple((m.path, m.data) for m in ordered))
        built = self._built.get(key)
        if built is not None and built.state == state:
            return built.view, built.generation
        view = build_view(
            [m.path for m in ordered],
            public_api=key.public_api,
            configured_root=key.configured_root,
            settings_key=key.settings_key,
            overrides={m.path: m.data for m in ordered if _unsaved(m)},
        )
        self._generation += 1
        self._built[key] = _Built(state, view, self._generation)
        return view, self._generation


def _unsaved(member: Member) -> bool:
    """Whether the buffer differs from the file on disk (so it must replace it)."""
    if member.notebook:
        return True
    try:
        with open(member.path, "rb") as stream:
            return stream.read() != member.data
    except OSError:
        return True
