"""Values as module summaries hold them: plain, picklable data, no libcst or ast nodes.

A summary describes each argument a call passes, each parameter default and each module
constant as a term. The judge (:mod:`kaiming_lint.project`) replaces references and parameters by
what they stand for, and the source analysis turns the resolved term back into a value it can
read (:func:`kaiming_lint.resolve.Resolver`). A leaf: it imports nothing of ours.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "TDict",
    "TExpr",
    "TLit",
    "TParam",
    "TRef",
    "TStar",
    "TTuple",
    "TUnknown",
    "Term",
]


@dataclass(frozen=True)
class TLit:
    """A literal: str, int, float, bool or None."""

    value: object


@dataclass(frozen=True)
class TRef:
    """An absolute dotted name (``app.blocks.conv_block``, ``keras.activations.relu``)."""

    name: str


@dataclass(frozen=True)
class TParam:
    """A parameter of a function of the same module: ``function`` is its key there."""

    function: str
    name: str


@dataclass(frozen=True)
class TExpr:
    """An expression kept as source text (a constructor call, a dict), with its free names."""

    text: str
    env: tuple[tuple[str, Term], ...] = ()
    identity: str | None = None  # the constant it is bound to ("pkg.inits.SHARED"), if any


@dataclass(frozen=True)
class TTuple:
    """The extra positional arguments a ``*args`` parameter receives."""

    items: tuple[Term, ...]


@dataclass(frozen=True)
class TDict:
    """The extra keyword arguments a ``**kwargs`` parameter receives."""

    items: tuple[tuple[str, Term], ...]


@dataclass(frozen=True)
class TStar:
    """``*value`` or ``**value`` spread into a call."""

    value: Term
    double: bool = False


@dataclass(frozen=True)
class TUnknown:
    """A value the analysis cannot know; ``reason`` is a results.UnknownReason value."""

    reason: str


Term = TLit | TRef | TParam | TExpr | TTuple | TDict | TStar | TUnknown
