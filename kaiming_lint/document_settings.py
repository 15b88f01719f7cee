"""The ``[tool.kaiming-lint]`` settings for a document an editor or flake8 hands over.

The nearest pyproject.toml is found as the CLI finds it (``kaiming_lint.config``). Each lookup
stats every pyproject.toml from the document's directory up to the root; when none of them has
changed (path, size, modification time) since the last read, the cached settings are reused.
So an edited, created or deleted pyproject.toml takes effect at the next lint, with or without
the client's file-watching notifications.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from kaiming_lint.config import Config, ConfigError, load_config
from kaiming_lint.pipeline import LintOptions

Stamp = tuple[tuple[str, int, int], ...]


@dataclass(frozen=True)
class Settings:
    """The options to lint with, or the one-line reason the configuration is unusable."""

    options: LintOptions | None
    source: str | None  # the pyproject.toml read, if any
    error: str | None = None
    project_root: str | None = None  # the ``project-root`` key (absolute), if set


def options_from(config: Config) -> LintOptions:
    """The LintOptions the CLI builds from this configuration (no command-line overrides)."""
    return LintOptions(
        select=config.select,
        ignore=config.ignore,
        fix_style=config.fix_style,
        keras_version=config.keras_version,
        strict_normalized=config.strict_normalized,
        extra_relu_activations=config.extra_relu_activations,
        public_api=config.public_api,
    )


def settings_for(directory: str) -> Settings:
    """The settings for documents in ``directory``, read now."""
    try:
        config = load_config(start=directory)
    except ConfigError as error:
        return Settings(options=None, source=None, error=" ".join(str(error).split()))
    return Settings(
        options=options_from(config), source=config.source, project_root=config.project_root
    )


class SettingsCache:
    """Settings per directory, re-read when a pyproject.toml on the way up changes."""

    def __init__(self) -> None:
        self._cache: dict[str, tuple[Stamp, Settings]] = {}

    def for_path(self, path: str) -> Settings:
        directory = os.path.dirname(os.path.abspath(path))
        stamp = _stamp(directory)
        cached = self._cache.get(directory)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        settings = settings_for(directory)
        self._cache[directory] = (stamp, settings)
        return settings

    def clear(self) -> None:
        self._cache.clear()


def _stamp(directory: str) -> Stamp:
    entries = []
    while True:
        candidate = os.path.join(directory, "pyproject.toml")
        try:
            info = os.stat(candidate)
        except OSError:
            pass
        else:
            entries.append((candidate, info.st_size, info.st_mtime_ns))
        parent = os.path.dirname(directory)
        if parent == directory:
            return tuple(entries)
        directory = parent
