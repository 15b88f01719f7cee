"""Where the reported nodes of a parsed module lie in its source text.

libcst's ``PositionProvider`` runs a position-tracking code generation of the module: it counts
lines and columns at every token and builds a range for every node, which on a big file is
about half of a lint. Findings need the ranges of a few nodes only. :func:`positions` runs the
plain code generation instead, noting for the wanted nodes only the token index where each
range starts and ends (at the same hooks, with the same precedence, as ``PositionProvider``),
then turns those indices into lines and columns by counting the tokens before them the way
``PositionProvider`` counts them. The ranges are therefore the same, byte for byte.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import cast

import libcst as cst
from libcst._nodes.internal import CodegenState
from libcst.metadata import CodePosition, CodeRange, MetadataWrapper, PositionProvider
from libcst.metadata.position_provider import NEWLINE_RE

__all__ = ["all_positions", "positions"]


def all_positions(module: cst.Module) -> Mapping[cst.CSTNode, CodeRange]:
    """Every node's range in the source, from one position-tracking pass over the module."""
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    try:
        # What wrapper.resolve(PositionProvider) computes, without the empty batched visit
        # of the whole tree it runs afterwards (which doubles the cost).
        # libcst types the values as lazy; this provider computes every range eagerly.
        return cast(Mapping[cst.CSTNode, CodeRange], PositionProvider()._gen(wrapper))
    except AttributeError:  # a libcst without that internal: take the public road
        return wrapper.resolve(PositionProvider)


def positions(module: cst.Module, nodes: Iterable[cst.CSTNode]) -> Mapping[cst.CSTNode, CodeRange]:
    """The ranges of ``nodes`` in ``module``'s source, as ``PositionProvider`` gives them."""
    wanted = set(nodes)
    if not wanted:
        return {}
    state = _MarkingState(
        default_indent=module.default_indent,
        default_newline=module.default_newline,
        wanted=wanted,
    )
    try:
        module._codegen(state)
    except _Hoisted:  # a range taken from a child's: only the whole-module pass has those
        return all_positions(module)
    return _ranges(state.tokens, state.marks)


class _Hoisted(Exception):
    """A wanted node takes its start or end from a child node (statements do)."""


class _MarkingState(CodegenState):
    """Plain code generation that notes the token spans of the wanted nodes."""

    def __init__(self, default_indent: str, default_newline: str, wanted: set[cst.CSTNode]) -> None:
        super().__init__(default_indent=default_indent, default_newline=default_newline)
        self.wanted = wanted
        self.marks: dict[cst.CSTNode, tuple[int, int]] = {}  # node -> (first, end) token index
        self.pending: list[int] = []  # token index at before_codegen, for wanted nodes

    def before_codegen(self, node: cst.CSTNode) -> None:
        if node in self.wanted:
            self.pending.append(len(self.tokens))

    def after_codegen(self, node: cst.CSTNode) -> None:
        if node in self.wanted:
            first = self.pending.pop()
            # A syntactic range, recorded inside the node's codegen, takes precedence.
            self.marks.setdefault(node, (first, len(self.tokens)))

    @contextmanager
    def record_syntactic_position(
        self,
        node: cst.CSTNode,
        *,
        start_node: cst.CSTNode | None = None,
        end_node: cst.CSTNode | None = None,
    ) -> Iterator[None]:
        if node not in self.wanted:
            yield
            return
        if start_node is not None or end_node is not None:
            raise _Hoisted
        first = len(self.tokens)
        try:
            yield
        finally:
            self.marks[node] = (first, len(self.tokens))

    def pop_trailing_newline(self) -> None:
        # PositionProvider has recorded every range when the module drops its last newline.
        pass


def _ranges(
    tokens: list[str], marks: dict[cst.CSTNode, tuple[int, int]]
) -> dict[cst.CSTNode, CodeRange]:
    """Token indices as lines and columns, counted token by token like PositionProvider."""
    where: dict[int, CodePosition] = {}
    line, column, done = 1, 0, 0
    for index in sorted({i for span in marks.values() for i in span}):
        line, column = _advance(line, column, tokens[done:index])
        done = index
        where[index] = CodePosition(line, column)
    return {node: CodeRange(where[first], where[end]) for node, (first, end) in marks.items()}


def _advance(line: int, column: int, tokens: list[str]) -> tuple[int, int]:
    """The (line, column) after ``tokens``, from (line, column) before them."""
    code = "".join(tokens)
    if "\r" in code:  # "\r" ending one token and "\n" starting the next are two line breaks
        for token in tokens:
            segments = NEWLINE_RE.split(token)
            if len(segments) == 1:
                column += len(token)
            else:
                line += len(segments) - 1
                column = len(segments[-1])
        return line, column
    breaks = code.count("\n")
    if not breaks:
        return line, column + len(code)
    return line + breaks, len(code) - code.rfind("\n") - 1
