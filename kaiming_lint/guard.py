"""Refuse source that no Python can compile and that would crash the parser.

libcst's native parser overflows its stack (the process dies) on very deep nesting, far
beyond what CPython itself accepts. These checks run before it and name the problem the
way Python would, with its position.
"""

from __future__ import annotations

import io
import re
import tokenize
from dataclasses import dataclass
from itertools import accumulate

# CPython's tokenizer refuses more than 200 nested brackets.
MAX_BRACKET_DEPTH = 200
# CPython's parser gives up (RecursionError or MemoryError) well before this many prefix
# operators or lambdas in a row; libcst's parser crashes at a few thousand.
MAX_PREFIX_RUN = 1000

_BRACKET = re.compile(r"[(\[{)\]}]")
_NOT_BRACKET = re.compile(r"[^(\[{)\]}]+")
_OPENERS = "([{"
_STEP = {"(": 1, "[": 1, "{": 1, ")": -1, "]": -1, "}": -1}
_PREFIX = r"(?:[-+~]|\bnot\b|\bawait\b|\blambda\b[^:\n]*:)"
_PREFIX_RUN = re.compile(rf"(?:{_PREFIX}[ \t]*)+")
_ONE_PREFIX = re.compile(_PREFIX)


@dataclass(frozen=True)
class Refusal:
    """Why the source is refused, and where (1-based line and column)."""

    reason: str
    line: int
    column: int


def refuse(text: str) -> Refusal | None:
    """The first reason ``text`` cannot be parsed safely, or None when it can be."""
    null = text.find("\0")
    if null >= 0:
        return Refusal("source code cannot contain null bytes", *_position(text, null))
    deep = _deep_bracket(text)
    if deep is not None:
        return deep
    return _long_prefix_run(text)


def _long_prefix_run(text: str) -> Refusal | None:
    # A run of more than MAX_PREFIX_RUN operators needs a line longer than that.
    offset = 0
    for line in text.splitlines(keepends=True):
        if len(line) > MAX_PREFIX_RUN:
            for run in _PREFIX_RUN.finditer(line):  # runs do not overlap: one linear pass
                if len(run.group()) > MAX_PREFIX_RUN and (
                    len(_ONE_PREFIX.findall(run.group())) > MAX_PREFIX_RUN
                ):
                    return Refusal(
                        "expression too complex: "
                        f"more than {MAX_PREFIX_RUN} prefix operators in a row",
                        *_position(text, offset + run.start()),
                    )
        offset += len(line)
    return None


def _deep_bracket(text: str) -> Refusal | None:
    # Counting every bracket (strings and comments included) is fast and finds no false
    # depth as long as it stays within the limit; only beyond it are tokens counted exactly.
    if sum(text.count(opener) for opener in _OPENERS) <= MAX_BRACKET_DEPTH:
        return None
    brackets = _NOT_BRACKET.sub("", text)
    if max(accumulate(map(_STEP.__getitem__, brackets)), default=0) <= MAX_BRACKET_DEPTH:
        return None
    depth = 0
    for match in _BRACKET.finditer(text):
        depth += 1 if match.group() in _OPENERS else -1
        if depth > MAX_BRACKET_DEPTH:
            return _deep_bracket_tokens(text, match.start())
    return None


def _deep_bracket_tokens(text: str, first_deep: int) -> Refusal | None:
    reason = f"too many nested parentheses (more than {MAX_BRACKET_DEPTH})"
    depth = 0
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type != tokenize.OP:
                continue
            if token.string in _OPENERS:
                depth += 1
                if depth > MAX_BRACKET_DEPTH:
                    line, column = token.start
                    return Refusal(reason, line, column + 1)
            elif token.string in ")]}":
                depth -= 1
    except (tokenize.TokenError, SyntaxError):
        # Not tokenizable (an unclosed string, say): the raw depth is all there is, and
        # handing the text to the parser could crash it.
        return Refusal(reason, *_position(text, first_deep))
    return None


def _position(text: str, offset: int) -> tuple[int, int]:
    line_start = max(text.rfind("\n", 0, offset), text.rfind("\r", 0, offset)) + 1
    line = text.count("\n", 0, offset) + 1
    if "\r" in text:  # count lone CRs as line breaks too
        line = len(re.findall(r"\r\n|\r|\n", text[:offset])) + 1
    return line, offset - line_start + 1
