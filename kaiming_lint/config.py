"""``[tool.kaiming-lint]`` settings from pyproject.toml, checked key by key."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from kaiming_lint.results import FIX_STYLES, KERAS_VERSIONS, FixStyle, KerasVersion, PublicApi

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

SECTION = "kaiming-lint"
# Like ruff's: directories that are never one's own source code.
DEFAULT_EXCLUDE: tuple[str, ...] = (
    ".git",
    ".hg",
    ".svn",
    ".venv",
    "venv",
    ".direnv",
    "__pypackages__",
    "_build",
    "buck-out",
    "build",
    "dist",
    "node_modules",
    "site-packages",
    "__pycache__",
    ".tox",
    ".nox",
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
    ".eggs",
    "*.egg-info",
    ".ipynb_checkpoints",
)


class ConfigError(ValueError):
    """A configuration problem; the message names the file and key."""


@dataclass(frozen=True)
class Config:
    """The settings in effect, with where they came from."""

    source: str | None = None  # the pyproject.toml read, if any
    root: str = "."  # the directory exclude globs are relative to
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    exclude: tuple[str, ...] = DEFAULT_EXCLUDE
    extend_exclude: tuple[str, ...] = ()
    fix_style: FixStyle = FixStyle.KAIMING
    keras_version: KerasVersion = KerasVersion.AUTO
    extra_relu_activations: frozenset[str] = field(default_factory=frozenset)
    strict_normalized: bool = False
    public_api: PublicApi = PublicApi.AUTO
    project_root: str | None = None  # absolute; None: found from the paths linted

    @property
    def excludes(self) -> tuple[str, ...]:
        return self.exclude + self.extend_exclude


def find_pyproject(start: str) -> str | None:
    """The nearest pyproject.toml at or above ``start`` that has a [tool.kaiming-lint] table."""
    directory = os.path.abspath(start)
    if not os.path.isdir(directory):
        directory = os.path.dirname(directory)
    while True:
        candidate = os.path.join(directory, "pyproject.toml")
        if os.path.isfile(candidate) and SECTION in _read(candidate).get("tool", {}):
            return candidate
        parent = os.path.dirname(directory)
        if parent == directory:
            return None
        directory = parent


def load_config(path: str | None = None, *, start: str = ".") -> Config:
    """Settings from ``path`` (--config), else from the nearest pyproject.toml above ``start``."""
    if path is not None:
        if not os.path.isfile(path):
            raise ConfigError(f"--config: no such file: {path}")
        source: str | None = path
    else:
        source = find_pyproject(start)
    if source is None:
        return Config()
    table = _read(source).get("tool", {}).get(SECTION, {})
    if not isinstance(table, dict):
        raise ConfigError(f"{source}: [tool.{SECTION}] must be a table")
    values: dict[str, Any] = {}
    for key, raw in table.items():
        parse = _KEYS.get(key)
        if parse is None:
            known = ", ".join(sorted(_KEYS))
            raise ConfigError(
                f"{source}: unknown key {key!r} in [tool.{SECTION}]; known keys: {known}"
            )
        attribute, convert = parse
        try:
            values[attribute] = convert(raw)
        except ValueError as error:
            raise ConfigError(f"{source}: [tool.{SECTION}] {key}: {error}") from None
    root = os.path.dirname(os.path.abspath(source))
    if "project_root" in values:
        # Relative to the directory of the file that says it, like exclude globs.
        project_root = os.path.normpath(os.path.join(root, values["project_root"]))
        if not os.path.isdir(project_root):
            raise ConfigError(
                f"{source}: [tool.{SECTION}] project-root: not a directory: {project_root}"
            )
        values["project_root"] = project_root
    return Config(source=source, root=root, **values)


def _read(path: str) -> dict[str, Any]:
    try:
        with open(path, "rb") as stream:
            return tomllib.load(stream)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: invalid TOML: {error}") from None
    except OSError as error:
        raise ConfigError(f"{path}: cannot read: {error.strerror or error}") from None


def _strings(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValueError(f"expected a list of strings, got {value!r}")
    return tuple(value)


def _codes(value: Any) -> tuple[str, ...]:
    from kaiming_lint.rules import parse_codes

    return parse_codes(_strings(value), argument="codes")


def _fix_style(value: Any) -> FixStyle:
    if value not in FIX_STYLES:
        raise ValueError(f"expected one of {', '.join(map(repr, FIX_STYLES))}, got {value!r}")
    return FixStyle(value)


def _keras_version(value: Any) -> KerasVersion:
    if value not in KERAS_VERSIONS:
        raise ValueError(f"expected one of {', '.join(map(repr, KERAS_VERSIONS))}, got {value!r}")
    return KerasVersion(value)


def _public_api(value: Any) -> PublicApi:
    allowed = tuple(member.value for member in PublicApi)
    if value not in allowed:
        raise ValueError(f"expected one of {', '.join(map(repr, allowed))}, got {value!r}")
    return PublicApi(value)


def _path(value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise ValueError(f"expected a directory path, got {value!r}")
    return value


def _boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"expected true or false, got {value!r}")
    return value


_KEYS: dict[str, tuple[str, Callable[[Any], Any]]] = {
    "select": ("select", _codes),
    "ignore": ("ignore", _codes),
    "exclude": ("exclude", _strings),
    "extend-exclude": ("extend_exclude", _strings),
    "fix-style": ("fix_style", _fix_style),
    "keras-version": ("keras_version", _keras_version),
    "extra-relu-activations": ("extra_relu_activations", lambda v: frozenset(_strings(v))),
    "strict-normalized": ("strict_normalized", _boolean),
    "public-api": ("public_api", _public_api),
    "project-root": ("project_root", _path),
}
