"""Fixtures for the kaiming-lint command-line tests."""

from .lint_helpers import cli, write

__all__ = ["cli", "write"]
