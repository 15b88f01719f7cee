"""Helpers for the analysis tests: parse a snippet, run analyze(), look at the facts."""

from __future__ import annotations

import textwrap
from collections.abc import Callable

import libcst as cst
import pytest

from kaiming_lint.facts import LayerFacts
from kaiming_lint.pairing import ModuleFacts, analyze


def run(source: str, extra: frozenset[str] = frozenset()) -> ModuleFacts:
    return analyze(cst.parse_module(textwrap.dedent(source)), extra)


@pytest.fixture
def facts() -> Callable[..., ModuleFacts]:
    """analyze() over a dedented snippet."""
    return run


@pytest.fixture
def layers() -> Callable[..., list[LayerFacts]]:
    """The kernel layers analyze() finds in a dedented snippet."""
    return lambda source, extra=frozenset(): run(source, extra).layers


@pytest.fixture
def one() -> Callable[..., LayerFacts]:
    """The single kernel layer of a snippet (fails if there is not exactly one)."""

    def single(source: str, extra: frozenset[str] = frozenset()) -> LayerFacts:
        found = run(source, extra).layers
        assert len(found) == 1, [f.layer for f in found]
        return found[0]

    return single
