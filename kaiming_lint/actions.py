"""The fix actions, each implemented once: whether it applies at a source location, and the edit.

A rule's violation carries its fix as data (:class:`kaiming_lint.facts.Fix`: an action of the
closed :class:`~kaiming_lint.facts.FixAction` vocabulary, its parameters, the imports it needs).
Here every action has one :class:`Edit`: ``applies`` says whether the source nodes the analysis
recorded (:class:`~kaiming_lint.source_ref.SourceRef`) allow it, and ``plan`` records what to
change in a :class:`Plan`, which :mod:`kaiming_lint.fix` then writes in one pass. A new action
is a new member of ``FixAction`` and a new ``Edit`` in ``EDITS``; nothing else changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

import libcst as cst

from kaiming_lint.facts import FixAction, NewInitializer, Violation
from kaiming_lint.source_ref import SourceRef

__all__ = ["EDITS", "Edit", "NewValue", "Plan", "edit_for"]


@dataclass
class NewValue:
    """A value to write for an argument: a new initializer, or a copy of a shared constructor."""

    initializer: NewInitializer | None = None
    constructor: cst.Call | None = None
    seed_offset: int = 0  # the copy's seed is the original's plus this
    keyword: str = ""  # the argument's name, when it is added


@dataclass
class Plan:
    """Every change to make, by node identity in the original module."""

    replace: dict[int, NewValue] = field(default_factory=dict)  # id(Arg) -> its new value
    additions: dict[int, NewValue] = field(default_factory=dict)  # id(Call) -> argument to add
    remove: set[int] = field(default_factory=set)  # id(Arg) to drop
    applied: list[Violation] = field(default_factory=list)


class Edit:
    """One fix action: where it applies, and what it changes."""

    action: ClassVar[FixAction]

    def applies(self, violation: Violation, ref: SourceRef) -> bool:
        """Whether the source at ``ref`` allows this edit for ``violation``."""
        raise NotImplementedError

    def plan(self, violation: Violation, ref: SourceRef, plan: Plan) -> None:
        """Record the change (only called when ``applies``)."""
        raise NotImplementedError


class SetWeight(Edit):
    """Write the weight initializer: replace the argument's value, or add the argument."""

    action = FixAction.SET_WEIGHT

    def applies(self, violation: Violation, ref: SourceRef) -> bool:
        if violation.fix is None or violation.fix.value is None:
            return False
        if ref.weight_arg is not None:
            return True
        return not any(arg.star for arg in ref.call.args)  # **kwargs might hold it already

    def plan(self, violation: Violation, ref: SourceRef, plan: Plan) -> None:
        assert violation.fix is not None
        new = NewValue(initializer=violation.fix.value, keyword=violation.layer.weight_arg)
        if ref.weight_arg is not None:
            plan.replace[id(ref.weight_arg)] = new  # wins over a split of the same argument
        else:
            plan.additions[id(ref.call)] = new


class RemoveBias(Edit):
    """Drop the ``bias_initializer`` argument (Keras's default is zeros)."""

    action = FixAction.REMOVE_BIAS

    def applies(self, violation: Violation, ref: SourceRef) -> bool:
        return ref.bias_arg is not None and _removable(ref.call, ref.bias_arg)

    def plan(self, violation: Violation, ref: SourceRef, plan: Plan) -> None:
        assert ref.bias_arg is not None
        plan.remove.add(id(ref.bias_arg))


class SplitShared(Edit):
    """Give this use of a shared initializer object its own copy of the constructor call."""

    action = FixAction.SPLIT_SHARED

    def applies(self, violation: Violation, ref: SourceRef) -> bool:
        arg, constructor = _shared_parts(violation, ref)
        if arg is None or constructor is None:
            return False
        layer = violation.layer
        init = layer.weight if violation.target == "weight" else layer.bias
        return init is None or init.seed is None or _seed_arg(constructor) is not None

    def plan(self, violation: Violation, ref: SourceRef, plan: Plan) -> None:
        assert violation.fix is not None
        arg, constructor = _shared_parts(violation, ref)
        assert arg is not None and constructor is not None
        existing = plan.replace.get(id(arg))
        if existing is None or existing.constructor is not None:
            plan.replace[id(arg)] = NewValue(
                constructor=constructor, seed_offset=violation.fix.use_index
            )


EDITS: dict[FixAction, Edit] = {
    edit.action: edit for edit in (SetWeight(), RemoveBias(), SplitShared())
}


def edit_for(violation: Violation) -> Edit | None:
    """The edit that fixes ``violation`` at its source location, or None when none applies."""
    fix, ref = violation.fix, violation.layer.ref
    if fix is None or not isinstance(ref, SourceRef):
        return None
    edit = EDITS[fix.action]
    return edit if edit.applies(violation, ref) else None


def _shared_parts(violation: Violation, ref: SourceRef) -> tuple[cst.Arg | None, cst.Call | None]:
    if violation.target == "bias":
        return ref.bias_arg, ref.bias_constructor
    return ref.weight_arg, ref.weight_constructor


def _removable(call: cst.Call, arg: cst.Arg) -> bool:
    """A keyword can always go; a positional argument only when no positional one follows."""
    if arg.keyword is not None:
        return True
    index = next((i for i, a in enumerate(call.args) if a is arg), None)
    if index is None:
        return False
    return all(a.keyword is not None or a.star for a in call.args[index + 1 :])


def _seed_arg(constructor: cst.Call) -> cst.Arg | None:
    for arg in constructor.args:
        if arg.keyword is not None and arg.keyword.value == "seed":
            if isinstance(arg.value, cst.Integer):
                return arg
            return None
    return None
