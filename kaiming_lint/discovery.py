"""Which files to check: directories searched for source files, excluded names pruned."""

from __future__ import annotations

import fnmatch
import os
import stat
from collections.abc import Sequence

SOURCE_SUFFIXES = (".py", ".ipynb", ".keras")


class MissingPath(FileNotFoundError):
    """A path given on the command line does not exist."""


def source_files(paths: Sequence[str], excludes: Sequence[str], root: str = ".") -> list[str]:
    """Files named directly, and the source files (SOURCE_SUFFIXES) under directories, in a stable order.

    A glob in ``excludes`` matches a file or directory by its name or by its path relative to
    ``root``; excluded directories are not entered. Files named directly are always checked.
    """
    found: list[str] = []
    for path in paths:
        if os.path.isdir(path):
            found.extend(_walk(path, excludes, root))
        elif os.path.lexists(path):
            found.append(path)  # a file, or something the checker reports as unreadable
        else:
            raise MissingPath(path)
    return found


def _walk(top: str, excludes: Sequence[str], root: str) -> list[str]:
    files: list[str] = []
    for directory, subdirectories, names in os.walk(top):
        subdirectories[:] = sorted(
            name
            for name in subdirectories
            if not _excluded(os.path.join(directory, name), name, excludes, root)
        )
        for name in sorted(names):
            path = os.path.join(directory, name)
            if (
                name.endswith(SOURCE_SUFFIXES)
                and not _special(path)
                and not _excluded(path, name, excludes, root)
            ):
                files.append(os.path.normpath(path))
    return files


def _special(path: str) -> bool:
    """A fifo, socket or device: reading it could block forever, and it holds no source.

    A link that cannot be followed is not special: checking it reports why it is unreadable.
    """
    try:
        return not stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False


def _excluded(path: str, name: str, excludes: Sequence[str], root: str) -> bool:
    relative = os.path.relpath(os.path.abspath(path), os.path.abspath(root)).replace(os.sep, "/")
    return any(
        fnmatch.fnmatchcase(name, pattern) or fnmatch.fnmatchcase(relative, pattern.rstrip("/"))
        for pattern in excludes
    )
