"""Which fixes may be written at all: shared values, and names a copied constructor relies on.

Two facts the edits cannot see from one layer alone:

- **Shared values.** An edit changes one node of the source. When that node is read by several
  layers (a ``dict(...)`` or ``{...}`` of kwargs spread into several calls, a helper's layer call
  used at several sites), the edit changes every one of them. It is allowed only when every
  layer that reads the node is reported, and not silenced with ``# noqa``, with the same fix.
- **Copied constructors** (KAI005). A copy of ``RandomNormal(stddev=std, seed=3)`` is written at
  the layer's argument, in another scope than the original. It is allowed only when every name
  in the constructor is bound to the same thing there, and bound once (or only by imports), so
  the copy evaluates to what the original did.

``withheld`` returns, for each violation that must not be fixed, the reason, worded for the
finding's message ("not fixable: ...").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence

import libcst as cst
from libcst.metadata import (
    Assignment,
    BaseAssignment,
    BuiltinAssignment,
    ImportAssignment,
    MetadataWrapper,
    Scope,
    ScopeProvider,
)

from kaiming_lint.actions import edit_for
from kaiming_lint.facts import Fix, FixAction, LayerFacts, Violation
from kaiming_lint.source_ref import SourceRef

__all__ = ["withheld"]

LineOf = Callable[[cst.CSTNode], int]

# Expressions that bind names of their own: a copy of them is not checked name by name.
_BINDING_EXPRESSIONS = (
    cst.Lambda,
    cst.NamedExpr,
    cst.ListComp,
    cst.SetComp,
    cst.DictComp,
    cst.GeneratorExp,
)


def withheld(
    module: cst.Module,
    layers: Sequence[LayerFacts],
    fixing: Sequence[Violation],
    silenced: Iterable[Violation],
    line_of: LineOf,
) -> dict[int, str]:
    """id(violation) -> why its fix must not be written, for the violations in ``fixing``.

    ``fixing`` are the violations whose fixes would be written together; ``silenced`` those a
    ``# noqa`` comment suppresses (they never agree to a shared edit).
    """
    reasons: dict[int, str] = {}
    quiet = {id(v) for v in silenced}
    _check_copies(module, fixing, reasons)
    readers = _readers(layers)
    while True:  # a withheld fix can make a shared value's other readers disagree in turn
        agreeing = [v for v in fixing if id(v) not in reasons]
        changed = False
        for violation in agreeing:
            reason = _shared_reason(violation, agreeing, readers, quiet, silenced, line_of)
            if reason is not None:
                reasons[id(violation)] = reason
                changed = True
        if not changed:
            return reasons


# --- shared values -----------------------------------------------------------------------------


def _edited_node(violation: Violation) -> tuple[str, cst.CSTNode] | None:
    """What the violation's edit changes: ("weight"/"bias"/"call", the node), if it has one."""
    ref = violation.layer.ref
    if violation.fix is None or not isinstance(ref, SourceRef) or edit_for(violation) is None:
        return None
    action = violation.fix.action
    if action is FixAction.REMOVE_BIAS:
        return ("bias", ref.bias_arg) if ref.bias_arg is not None else None
    if action is FixAction.SPLIT_SHARED and violation.target == "bias":
        return ("bias", ref.bias_arg) if ref.bias_arg is not None else None
    if ref.weight_arg is not None:
        return ("weight", ref.weight_arg)
    return ("call", ref.call)  # the argument is added to the layer call


def _readers(layers: Sequence[LayerFacts]) -> dict[tuple[str, int], list[LayerFacts]]:
    found: dict[tuple[str, int], list[LayerFacts]] = {}
    for layer in layers:
        ref = layer.ref
        if not isinstance(ref, SourceRef):
            continue
        for part, node in (("weight", ref.weight_arg), ("bias", ref.bias_arg), ("call", ref.call)):
            if node is not None:
                found.setdefault((part, id(node)), []).append(layer)
    return found


def _shared_reason(
    violation: Violation,
    agreeing: Sequence[Violation],
    readers: Mapping[tuple[str, int], list[LayerFacts]],
    quiet: set[int],
    silenced: Iterable[Violation],
    line_of: LineOf,
) -> str | None:
    edited = _edited_node(violation)
    if edited is None:
        return None
    part, node = edited
    others = [r for r in readers.get((part, id(node)), []) if r is not violation.layer]
    if not others:
        return None
    assert violation.fix is not None
    wanted = violation.fix
    for other in others:
        if _agrees(other, part, node, wanted, agreeing):
            continue
        where = f"the {other.layer} on line {line_of(other.ref.call)}"
        value = "argument" if part != "call" else "layer call"
        if any(_agrees(other, part, node, wanted, [v]) for v in silenced if id(v) in quiet):
            why = f"{where} also reads this {value} and its finding is silenced with noqa"
        else:
            why = f"{where} also reads this {value} and is not reported with the same fix"
        return f"{why}; changing it would change that layer too"
    return None


def _agrees(
    layer: LayerFacts, part: str, node: cst.CSTNode, wanted: Fix, among: Iterable[Violation]
) -> bool:
    return any(
        v.layer is layer and v.fix == wanted and _edited_node(v) == (part, node) for v in among
    )


# --- copied constructors -------------------------------------------------------------------------


def _check_copies(module: cst.Module, fixing: Sequence[Violation], reasons: dict[int, str]) -> None:
    copies = [v for v in fixing if v.fix is not None and v.fix.action is FixAction.SPLIT_SHARED]
    if not copies:
        return
    scopes = MetadataWrapper(module, unsafe_skip_copy=True).resolve(ScopeProvider)
    for violation in copies:
        ref = violation.layer.ref
        if not isinstance(ref, SourceRef):
            continue
        if violation.target == "bias":
            arg, constructor = ref.bias_arg, ref.bias_constructor
        else:
            arg, constructor = ref.weight_arg, ref.weight_constructor
        if arg is None or constructor is None:
            continue
        reason = _copy_reason(constructor, scopes.get(arg.value), scopes)
        if reason is not None:
            reasons[id(violation)] = reason


def _copy_reason(
    constructor: cst.Call,
    there: Scope | None,
    scopes: Mapping[cst.CSTNode, Scope | None],
) -> str | None:
    """Why a copy of ``constructor`` in scope ``there`` might not mean the same, if it might not."""
    names = _NameCollector()
    constructor.visit(names)
    if names.binds:
        return "the shared initializer's constructor binds names of its own; it is not copied"
    for name in names.found:
        here = scopes.get(name)
        if here is None or there is None:
            return f"cannot tell what `{name.value}` means where the copy would go"
        original, copied = _bindings(here, name.value), _bindings(there, name.value)
        if {id(b) for b in original} != {id(b) for b in copied}:
            return (
                f"`{name.value}` in the shared initializer means something else (or nothing) "
                "where each layer would get its own copy"
            )
        if len(original) > 1 and not all(
            isinstance(b, (ImportAssignment, BuiltinAssignment)) for b in original
        ):
            return f"`{name.value}` is bound more than once; a copy might not see the same value"
        if not original or not all(
            isinstance(b, (Assignment, BuiltinAssignment)) for b in original
        ):
            return f"cannot tell what `{name.value}` means where the copy would go"
    return None


def _bindings(scope: Scope, name: str) -> set[BaseAssignment]:
    return set(scope[name])


class _NameCollector(cst.CSTVisitor):
    """The names a constructor reads (not attribute names or keywords), and whether it binds."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[cst.Name] = []
        self.binds = False

    def on_visit(self, node: cst.CSTNode) -> bool:
        if isinstance(node, _BINDING_EXPRESSIONS):
            self.binds = True
            return False
        return super().on_visit(node)

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        node.value.visit(self)
        return False

    def visit_Arg(self, node: cst.Arg) -> bool:
        node.value.visit(self)
        return False

    def visit_Name(self, node: cst.Name) -> None:
        self.found.append(node)
