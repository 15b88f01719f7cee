"""kaiming-lint as a flake8 plugin: ``flake8 --select KAI`` reports what ``kaiming-lint`` does.

Registered under the ``flake8.extension`` entry point with the prefix ``KAI``. flake8 is not
imported here (flake8 imports us), so the base install does not need it. Each file is checked
through ``kaiming_lint.pipeline`` with the ``[tool.kaiming-lint]`` settings of its nearest
pyproject.toml. flake8 reports a 0-based column offset plus one, so the offset given here is the
CLI's 1-based column minus one, and both print the same ``line:column``.

A file Python cannot parse never reaches a flake8 AST plugin: flake8 reports it as E999 itself.
"""

from __future__ import annotations

import ast
import os
from collections.abc import Iterator, Sequence
from typing import Any

from kaiming_lint import __version__
from kaiming_lint.document_settings import SettingsCache
from kaiming_lint.pipeline import Document, check

_SETTINGS = SettingsCache()  # one per flake8 process (and per worker)


class ConfigurationError(ValueError):
    """[tool.kaiming-lint] cannot be used; flake8 stops with this one-line reason."""


class KaimingLintChecker:
    """The flake8 checker: one instance per file, findings from ``run``."""

    name = "kaiming-lint"
    version = __version__

    def __init__(self, tree: ast.AST, filename: str, lines: Sequence[str]) -> None:
        self.filename = filename
        self.lines = lines
        path = filename if filename not in ("-", "stdin") else "stdin.py"
        settings = _SETTINGS.for_path(os.path.abspath(path))
        if settings.options is None:  # raised here, flake8 reports it as a one-line error
            raise ConfigurationError(settings.error)
        self.options = settings.options

    def run(self) -> Iterator[tuple[int, int, str, type[Any]]]:
        outcome = check(Document(self.filename, "".join(self.lines)), self.options)
        for finding in outcome.findings:
            yield finding.line, finding.column - 1, f"{finding.code} {finding.message}", type(self)
