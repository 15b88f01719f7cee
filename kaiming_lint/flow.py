"""Following one tensor value through the statements of a body, along every path.

The pieces of :mod:`kaiming_lint.pairing` that walk code: :class:`Flow` runs the statements after
a tensor is made and records what consumes it in :class:`Outcomes`; :func:`find` lists where an
expression (a layer object, a function name) occurs in a body, with what surrounds it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Protocol

import libcst as cst

from kaiming_lint.facts import Pairing
from kaiming_lint.paths import Outcomes, PathState, Step, StepKind
from kaiming_lint.resolve import Frame, Scope, Statement, block, child_nodes
from kaiming_lint.results import UnknownReason
from kaiming_lint.unknown_reasons import step_reason
from kaiming_lint.values import Interpreter

_BRANCHES = UnknownReason.BRANCHES_DISAGREE
_ESCAPES = UnknownReason.VALUE_ESCAPES


class Follower(Protocol):
    """What a :class:`Flow` needs from the analysis that started it."""

    values: Interpreter
    blocks: dict[int, list[Statement]]

    def follow_return(
        self, scope: Scope, state: PathState, outcomes: Outcomes, hops: int
    ) -> None: ...

    def follow_into(
        self,
        call: cst.Call,
        arg: cst.Arg,
        scope: Scope,
        state: PathState,
        outcomes: Outcomes,
        hops: int,
    ) -> bool: ...


@dataclass
class Use:
    """An occurrence of a layer object (or tensor) and where it sits."""

    node: cst.CSTNode
    ancestors: list[cst.CSTNode]
    frames: list[Frame]
    scope: Scope


class Flow:
    """Follows one tensor through the statements after it, along every path."""

    def __init__(
        self,
        analysis: Follower,
        scope: Scope,
        outcomes: Outcomes,
        start: cst.CSTNode | None,
        state: PathState,
        hops: int,
        returned: bool = False,
    ) -> None:
        self.analysis = analysis
        self.hops = hops
        self.returned = returned
        self.scope = scope
        self.outcomes = outcomes
        self.start = start
        self.start_state = state
        self.blocks = analysis.blocks

    # expressions

    def ev(self, node: cst.CSTNode, tracked: dict[str, PathState]) -> PathState | None:
        """Evaluate an expression: record the consumers of tracked values; the state it carries."""
        if node is self.start:
            # Run again (a loop): the call consumes the previous value on the way - a kernel
            # layer (a known non-ReLU step), or a function of the file's own (unknown).
            args = self.start.args if isinstance(self.start, cst.Call) else ()
            passed = [
                (arg, state) for arg in args if (state := self.ev(arg.value, tracked)) is not None
            ]
            if passed:
                if not self.returned:
                    self.outcomes.add(Pairing.NONE)
                elif not (
                    isinstance(self.start, cst.Call)
                    and len(passed) == 1
                    and not passed[0][0].star
                    and self.analysis.follow_into(
                        self.start,
                        passed[0][0],
                        self.scope,
                        passed[0][1],
                        self.outcomes,
                        self.hops,
                    )
                ):
                    self.outcomes.add(Pairing.UNKNOWN, reason=UnknownReason.CALL_TO_USER_CODE)
            return self.start_state
        if isinstance(node, cst.Name):
            return tracked.get(node.value)
        if isinstance(node, cst.Call):
            return self._call(node, tracked)
        if isinstance(node, cst.Attribute):
            self.ev(node.value, tracked)  # x.shape reads no values
            return None
        if isinstance(node, (cst.BinaryOperation, cst.UnaryOperation)):
            operands = (
                (node.left, node.right)
                if isinstance(node, cst.BinaryOperation)
                else (node.expression,)
            )
            if any(self.ev(operand, tracked) is not None for operand in operands):
                self.outcomes.add(Pairing.NONE)  # a sum or product changes the variance
            return None
        if isinstance(node, (cst.BaseString, cst.Integer, cst.Float, cst.Imaginary, cst.Ellipsis)):
            if isinstance(node, cst.FormattedString) and self.mentions(node, tracked):
                self.outcomes.add(Pairing.UNKNOWN, reason=_ESCAPES)
            return None
        if isinstance(
            node, (cst.Lambda, cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp)
        ):
            if self.mentions(node, tracked):
                self.outcomes.add(Pairing.UNKNOWN, reason=_ESCAPES)
            return None
        carried = False
        for child in child_nodes(node):
            if self.ev(child, tracked) is not None:
                carried = True
        if carried:
            # stored in a container, indexed, compared...
            self.outcomes.add(Pairing.UNKNOWN, reason=_ESCAPES)
        return None

    def _call(self, node: cst.Call, tracked: dict[str, PathState]) -> PathState | None:
        if self.ev(node.func, tracked) is not None:
            self.outcomes.add(Pairing.UNKNOWN, reason=_ESCAPES)
            return None
        states: list[PathState] = []
        carriers: list[cst.Arg] = []
        listed = False
        for arg in node.args:
            value = arg.value
            if isinstance(value, (cst.List, cst.Tuple)) and not arg.star:
                for element in value.elements:
                    state = self.ev(element.value, tracked)
                    if state is not None:
                        states.append(state)
                        listed = True
            else:
                state = self.ev(value, tracked)
                if state is not None:
                    states.append(state)
                    carriers.append(arg)
        if not states:
            return None
        if len(set(states)) != 1:
            # the value, and the value after a normalization, meet in one call
            self.outcomes.add(Pairing.UNKNOWN, reason=UnknownReason.CONSUMERS_DISAGREE)
            return None
        values = self.analysis.values
        step = values.step(node, self.scope)
        reason = None
        if listed and step.kind not in (StepKind.MERGE, StepKind.OTHER, StepKind.UNKNOWN):
            step, reason = Step(StepKind.UNKNOWN), _ESCAPES  # a list passed to a one-input step
        elif step.kind is StepKind.UNKNOWN:
            if (
                not listed
                and len(carriers) == 1
                and not carriers[0].star
                and self.analysis.follow_into(
                    node, carriers[0], self.scope, states[0], self.outcomes, self.hops
                )
            ):
                return None  # followed inside the function; its return goes on at its calls
            reason = step_reason(node, self.scope, values)
        return self.outcomes.step(step, states[0], reason)

    def mentions(self, node: cst.CSTNode, tracked: dict[str, PathState]) -> bool:
        for found in walk(node):
            if found is self.start or (isinstance(found, cst.Name) and found.value in tracked):
                return True
        return False

    # statements

    def small(
        self, stmt: cst.BaseSmallStatement, tracked: dict[str, PathState]
    ) -> dict[str, PathState] | None:
        """Run one small statement; the tracked names after it, or None when the path ends."""
        if isinstance(stmt, (cst.Assign, cst.AnnAssign)):
            if stmt.value is None:
                return tracked
            state = self.ev(stmt.value, tracked)
            targets = (
                [t.target for t in stmt.targets] if isinstance(stmt, cst.Assign) else [stmt.target]
            )
            result = dict(tracked)
            for target in targets:
                if isinstance(target, cst.Name):
                    if state is not None:
                        result[target.value] = state
                    else:
                        result.pop(target.value, None)
                else:
                    if state is not None:
                        # stored in an attribute or unpacked
                        self.outcomes.add(Pairing.UNKNOWN, reason=_ESCAPES)
                        return None
                    for name in target_names(target):
                        result.pop(name, None)
            return result
        if isinstance(stmt, cst.AugAssign):
            result = dict(tracked)
            if self.ev(stmt.value, tracked) is not None or (
                isinstance(stmt.target, cst.Name) and stmt.target.value in tracked
            ):
                self.outcomes.add(Pairing.NONE)
            for name in target_names(stmt.target):
                result.pop(name, None)
            return result
        if isinstance(stmt, cst.Expr):
            self.ev(stmt.value, tracked)
            return tracked
        if isinstance(stmt, cst.Return):
            state = self.ev(stmt.value, tracked) if stmt.value is not None else None
            if state is not None:
                self.analysis.follow_return(self.scope, state, self.outcomes, self.hops)
            return None
        if isinstance(stmt, cst.Raise):
            return None
        if isinstance(stmt, (cst.Break, cst.Continue)):
            self.outcomes.add(Pairing.UNKNOWN, reason=_BRANCHES)
            return None
        if isinstance(stmt, cst.Del):
            result = dict(tracked)
            for name in target_names(stmt.target):
                result.pop(name, None)
            return result
        if isinstance(stmt, (cst.Import, cst.ImportFrom, cst.Global, cst.Nonlocal, cst.Pass)):
            return tracked
        if self.mentions(stmt, tracked):
            self.outcomes.add(Pairing.UNKNOWN, reason=_ESCAPES)  # assert, print >> ...
            return None
        return tracked

    def run(
        self,
        flat: list[Statement],
        start: int,
        tracked: dict[str, PathState],
        then: Callable[[dict[str, PathState]], None],
    ) -> None:
        """Run ``flat[start:]``, then continue with ``then`` if the path is still alive."""
        outcomes = self.outcomes
        for position in range(start, len(flat)):
            if outcomes.done or not tracked:
                return
            outcomes.budget -= 1
            stmt = flat[position]
            if isinstance(stmt, cst.BaseSmallStatement):
                result = self.small(stmt, tracked)
                if result is None:
                    return
                tracked = result
                continue

            def rest(after: dict[str, PathState], position: int = position) -> None:
                self.run(flat, position + 1, after, then)

            self.compound(stmt, tracked, rest)
            return
        if tracked and not outcomes.done:
            then(tracked)

    def compound(
        self,
        stmt: Statement,
        tracked: dict[str, PathState],
        then: Callable[[dict[str, PathState]], None],
    ) -> None:
        if not self.mentions(stmt, tracked):
            then(tracked)  # it neither reads nor rebinds the value: one path, not many
            return
        if isinstance(stmt, cst.If):
            branch: cst.If | cst.Else | None = stmt
            fork = self.outcomes.fork(_BRANCHES)
            while isinstance(branch, cst.If):
                if self.ev(branch.test, tracked) is not None:
                    self.outcomes.add(Pairing.UNKNOWN, reason=_ESCAPES)  # the value is tested
                    return
                with fork.alternative():
                    self.run(block(branch.body, self.blocks), 0, dict(tracked), then)
                branch = branch.orelse
            with fork.alternative():
                if branch is None:
                    then(dict(tracked))
                else:
                    self.run(block(branch.body, self.blocks), 0, dict(tracked), then)
        elif isinstance(stmt, (cst.For, cst.While)):
            self.loop(stmt, tracked, then)
        elif isinstance(stmt, cst.With):
            inner = dict(tracked)
            for item in stmt.items:
                if self.ev(item.item, tracked) is not None:
                    self.outcomes.add(Pairing.UNKNOWN, reason=_ESCAPES)
                    return
                if item.asname is not None:
                    for name in target_names(item.asname.name):
                        inner.pop(name, None)
            self.run(block(stmt.body, self.blocks), 0, inner, then)
        elif isinstance(stmt, (cst.Try, cst.TryStar)):
            if any(self.mentions(handler, tracked) for handler in stmt.handlers):
                self.outcomes.add(Pairing.UNKNOWN, reason=_BRANCHES)  # an exception's path
                return
            tails = [part for part in (stmt.orelse, stmt.finalbody) if part is not None]

            def tail(
                after: dict[str, PathState], remaining: list[cst.Else | cst.Finally] = tails
            ) -> None:
                if remaining:
                    self.run(
                        block(remaining[0].body, self.blocks),
                        0,
                        after,
                        lambda t: tail(t, remaining[1:]),
                    )
                else:
                    then(after)

            self.run(block(stmt.body, self.blocks), 0, tracked, tail)
        elif isinstance(stmt, (cst.FunctionDef, cst.ClassDef)):
            if self.mentions(stmt, tracked):
                self.outcomes.add(Pairing.UNKNOWN, reason=_ESCAPES)  # used in a closure
                return
            after = dict(tracked)
            after.pop(stmt.name.value, None)
            then(after)
        else:
            if self.mentions(stmt, tracked):
                self.outcomes.add(Pairing.UNKNOWN, reason=_BRANCHES)  # match, and newer forms
                return
            then(tracked)

    def loop(
        self,
        stmt: cst.For | cst.While,
        tracked: dict[str, PathState],
        then: Callable[[dict[str, PathState]], None],
    ) -> None:
        header = stmt.iter if isinstance(stmt, cst.For) else stmt.test
        if self.ev(header, tracked) is not None:
            self.outcomes.add(Pairing.UNKNOWN, reason=_ESCAPES)  # iterated over, or tested
            return
        targets = target_names(stmt.target) if isinstance(stmt, cst.For) else []
        body = block(stmt.body, self.blocks)

        def leave(after: dict[str, PathState]) -> None:
            if stmt.orelse is not None:
                self.run(block(stmt.orelse.body, self.blocks), 0, after, then)
            else:
                then(after)

        def enter(before: dict[str, PathState]) -> dict[str, PathState]:
            inner = dict(before)
            for name in targets:
                inner.pop(name, None)
            return inner

        def again(after: dict[str, PathState]) -> None:
            passes = self.outcomes.fork(_BRANCHES)
            with passes.alternative():
                self.run(body, 0, enter(after), leave)  # a second pass, then out
            with passes.alternative():
                leave(after)

        entered = self.outcomes.fork(_BRANCHES)
        with entered.alternative():
            self.run(body, 0, enter(tracked), again)
        with entered.alternative():
            leave(dict(tracked))  # no iteration at all

    def after(self, frames: list[Frame], tracked: dict[str, PathState]) -> None:
        """Continue after the statement at ``frames[-1]``, then out of the enclosing blocks."""
        flat, index = frames[-1]
        outer = frames[:-1]

        def leave(after: dict[str, PathState]) -> None:
            if not outer:
                return  # the end of the body: the value is not used any more
            owner_flat, owner_index = outer[-1]
            owner = owner_flat[owner_index]
            if isinstance(owner, (cst.For, cst.While)) and flat is block(owner.body, self.blocks):
                targets = target_names(owner.target) if isinstance(owner, cst.For) else []
                again = {k: v for k, v in after.items() if k not in targets}
                passes = self.outcomes.fork(_BRANCHES)
                with passes.alternative():
                    self.run(flat, 0, again, lambda t: self.after(outer, t))
                with passes.alternative():
                    self.after(outer, after)
            else:
                self.after(outer, after)

        self.run(flat, index + 1, tracked, leave)


# --- helpers ----------------------------------------------------------------------------------


def target_names(target: cst.CSTNode) -> list[str]:
    if isinstance(target, cst.Name):
        return [target.value]
    if isinstance(target, (cst.Tuple, cst.List)):
        return [name for element in target.elements for name in target_names(element.value)]
    if isinstance(target, cst.StarredElement):
        return target_names(target.value)
    return []


def walk(node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(child_nodes(current))


def is_label(node: cst.CSTNode, ancestors: list[cst.CSTNode]) -> bool:
    """A Name that is an attribute's or keyword's label, not a variable (``a.conv``, ``conv=``)."""
    parent = ancestors[-1] if ancestors else None
    return (isinstance(parent, cst.Attribute) and parent.attr is node) or (
        isinstance(parent, cst.Arg) and parent.keyword is node
    )


def find(
    body: list[Statement],
    scope: Scope,
    matches: Callable[[cst.CSTNode], bool],
    cache: dict[int, list[Statement]],
    nested: dict[int, Scope] | None = None,
) -> Iterator[Use]:
    """Occurrences of matching expression nodes in a body.

    Nested functions and classes are searched only when ``nested`` maps their nodes to their
    scopes (each occurrence then carries its own scope and frames).
    """

    def in_block(flat: list[Statement], frames: list[Frame], scope: Scope) -> Iterator[Use]:
        for index, stmt in enumerate(flat):
            frames.append((flat, index))
            yield from in_stmt(stmt, frames, scope)
            frames.pop()

    def in_stmt(
        stmt: Statement | cst.If | cst.Else | cst.ExceptHandler | cst.Finally,
        frames: list[Frame],
        scope: Scope,
    ) -> Iterator[Use]:
        if isinstance(stmt, cst.BaseSmallStatement):
            yield from in_expr(stmt, frames, scope)
            return
        if isinstance(stmt, (cst.FunctionDef, cst.ClassDef)):
            inner = nested.get(id(stmt)) if nested is not None else None
            if inner is not None:
                yield from in_block(inner.body, [], inner)
            return
        for child in child_nodes(stmt):
            if isinstance(child, cst.BaseSuite):
                yield from in_block(block(child, cache), frames, scope)
            elif isinstance(child, (cst.If, cst.Else, cst.ExceptHandler, cst.Finally)):
                yield from in_stmt(child, frames, scope)
            else:
                yield from in_expr(child, frames, scope)

    def in_expr(root: cst.CSTNode, frames: list[Frame], scope: Scope) -> Iterator[Use]:
        ancestors: list[cst.CSTNode] = []
        stack: list[tuple[cst.CSTNode, int]] = [(root, 0)]
        while stack:
            node, depth = stack.pop()
            del ancestors[depth:]
            if matches(node) and not is_label(node, ancestors):
                yield Use(node, list(ancestors), list(frames), scope)
                continue
            ancestors.append(node)
            for child in reversed(list(child_nodes(node))):
                stack.append((child, depth + 1))

    yield from in_block(body, [], scope)
