"""Apply rule violations' fixes to a parsed module with libcst: the generic applier.

The fix of a violation is data (:class:`kaiming_lint.facts.Fix`); :mod:`kaiming_lint.actions`
turns each into changes of a :class:`~kaiming_lint.actions.Plan`, and one transformer writes
them all, adding the imports the new code needs. Every edit targets a node of the original
module by identity (the ``SourceRef`` the analysis recorded); everything else is left byte for
byte. The pipeline analyses the result again before anything is written.
"""

from __future__ import annotations

import builtins
import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field

import libcst as cst

from kaiming_lint.actions import NewValue, Plan, edit_for
from kaiming_lint.facts import NeededImport, Violation
from kaiming_lint.resolve import ModuleIndex, index_module
from kaiming_lint.rules._base import written
from kaiming_lint.source_ref import SourceRef
from kaiming_lint.symbols import canonical

_BUILTINS = frozenset(dir(builtins))


@dataclass
class FixResult:
    """The fixed source (None when nothing changed) and which violations it fixed."""

    code: str | None
    applied: list[Violation] = field(default_factory=list)
    withheld: str | None = None  # why nothing was fixed, when a fix could not be written safely


def can_fix(violation: Violation) -> bool:
    """Whether ``apply_fixes`` knows how to edit the source for this violation."""
    return edit_for(violation) is not None


def apply_fixes(
    module: cst.Module,
    violations: Sequence[Violation],
    original_code: str | None = None,
) -> FixResult:
    """Apply every fixable violation; return the new source, or None when nothing changed.

    ``original_code`` is ``module.code`` when the caller already has it (saves a code pass).
    """
    plan = Plan()
    for violation in violations:
        edit = edit_for(violation)
        if edit is not None:
            assert isinstance(violation.layer.ref, SourceRef)
            edit.plan(violation, violation.layer.ref, plan)
            plan.applied.append(violation)
    if not plan.applied:
        return FixResult(None)
    try:
        fixed = module.visit(_Transformer(plan, module))
    except FixWithheld as reason:
        return FixResult(None, withheld=str(reason))
    code = fixed.code
    if code == (module.code if original_code is None else original_code):
        return FixResult(None)
    return FixResult(code, plan.applied)


# --- Naming an imported class and the quote style -------------------------------------------


class FixWithheld(Exception):
    """The fix cannot be written safely in this file; the message says why."""


@dataclass
class _ImportedName:
    """How the file refers to a needed class, and the import to add when it cannot yet.

    ``expression`` None: write the initializer's Keras-string fallback instead (the file imports
    kaiming_keras only conditionally, and an unconditional import would make it required).
    """

    expression: str | None
    missing_import: str | None = None


@dataclass
class _FileNames:
    """What the naming decisions need to know about the whole file, computed once."""

    module: cst.Module
    names: set[str]  # every identifier spelled anywhere (a name absent here is bound nowhere)
    conditional_only: bool  # kaiming_keras is imported, but never unconditionally at top level
    # Top-level indices of star imports from other modules: they may bind any name. A star
    # import of kaiming_keras binds only its own names, never a free alias (``KaimingNormal_``).
    stars: list[int]
    _index: ModuleIndex | None = None

    @classmethod
    def of(cls, module: cst.Module, needed: NeededImport) -> _FileNames:
        modules = (needed.module, *needed.also_from)
        finder = _NameFinder(modules)
        module.visit(finder)
        top_level = any(
            _is_import_of(small, modules)
            for statement in module.body
            if isinstance(statement, cst.SimpleStatementLine)
            for small in statement.body
        )
        stars = [
            i
            for i, statement in enumerate(module.body)
            if isinstance(statement, cst.SimpleStatementLine)
            and any(_foreign_star(small, modules) for small in statement.body)
        ]
        return cls(module, finder.names, finder.imported and not top_level, stars)

    @property
    def index(self) -> ModuleIndex:
        if self._index is None:
            self._index = index_module(self.module)
        return self._index

    def find(self, needed: NeededImport, first_use: int) -> _ImportedName:
        """Reuse an import that binds ``needed`` on every path before top-level statement
        ``first_use`` and that nothing rebinds anywhere; else import it under a free name."""
        for position, statement in enumerate(self.module.body[:first_use]):
            found = _bound_on_every_path(statement, needed)
            if found is None:
                continue
            expression, qualname = found
            root = expression.split(".")[0]
            later_star = any(star > position for star in self.stars)
            if not later_star and self.index.only_imports(root, qualname):
                return _ImportedName(expression)
        if self.conditional_only:
            return _ImportedName(None)
        alias = _free_name(needed.name, self.names)
        self.names.add(alias)
        suffix = "" if alias == needed.name else f" as {alias}"
        return _ImportedName(alias, f"from {needed.module} import {needed.name}{suffix}\n")


def _free_name(name: str, taken: set[str]) -> str:
    """``name``, else ``name_``, ``name_2``, ...: the first spelled nowhere in the file."""
    candidates = itertools.chain((name, f"{name}_"), (f"{name}_{n}" for n in itertools.count(2)))
    return next(c for c in candidates if c not in taken and c not in _BUILTINS)


class _NameFinder(cst.CSTVisitor):
    """Every identifier in the file, and whether it imports one of ``modules`` anywhere."""

    def __init__(self, modules: Sequence[str]) -> None:
        super().__init__()
        self.modules = modules
        self.names: set[str] = set()
        self.imported = False

    def visit_Name(self, node: cst.Name) -> None:
        self.names.add(node.value)

    def visit_Import(self, node: cst.Import) -> None:
        self.imported = self.imported or _is_import_of(node, self.modules)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        self.imported = self.imported or _is_import_of(node, self.modules)


def _foreign_star(node: cst.BaseSmallStatement, modules: Sequence[str]) -> bool:
    return (
        isinstance(node, cst.ImportFrom)
        and isinstance(node.names, cst.ImportStar)
        and (node.module is None or bool(node.relative) or _dotted(node.module) not in modules)
    )


def _is_import_of(node: cst.CSTNode, modules: Sequence[str]) -> bool:
    roots = {module.split(".")[0] for module in modules}
    if isinstance(node, cst.ImportFrom) and node.module is not None and not node.relative:
        return _dotted(node.module).split(".")[0] in roots
    if isinstance(node, cst.Import):
        return any(_dotted(alias.name).split(".")[0] in roots for alias in node.names)
    return False


def _bound_on_every_path(statement: cst.CSTNode, needed: NeededImport) -> tuple[str, str] | None:
    """(how to name ``needed``, the qualified name imported) when every way through
    ``statement`` (an import, an if/elif/else, a try) imports it; star imports never count."""
    if isinstance(statement, cst.SimpleStatementLine):
        for small in statement.body:
            found = _name_from_import(small, needed)
            if found is not None:
                return found
        return None
    if isinstance(statement, cst.If):
        branches: list[cst.BaseSuite] = [statement.body]
        orelse: cst.If | cst.Else | None = statement.orelse
        while isinstance(orelse, cst.If):
            branches.append(orelse.body)
            orelse = orelse.orelse
        if orelse is None:
            return None  # no else: one path binds nothing
        branches.append(orelse.body)
        return _same_everywhere([_bound_in(branch, needed) for branch in branches])
    if isinstance(statement, cst.Try):
        if statement.finalbody is not None:
            found = _bound_in(statement.finalbody.body, needed)
            if found is not None:
                return found
        normal = _bound_in(statement.body, needed)
        if normal is None and statement.orelse is not None:
            normal = _bound_in(statement.orelse.body, needed)
        handlers = [_bound_in(handler.body, needed) for handler in statement.handlers]
        return _same_everywhere([normal, *handlers])
    return None


def _bound_in(suite: cst.BaseSuite, needed: NeededImport) -> tuple[str, str] | None:
    if isinstance(suite, cst.SimpleStatementSuite):
        return _bound_on_every_path(cst.SimpleStatementLine(body=suite.body), needed)
    for statement in suite.body:
        found = _bound_on_every_path(statement, needed)
        if found is not None:
            return found
    return None


def _same_everywhere(found: Sequence[tuple[str, str] | None]) -> tuple[str, str] | None:
    first = found[0]
    if first is None or any(
        other is None or other[0] != first[0] or canonical(other[1]) != canonical(first[1])
        for other in found
    ):
        return None
    return first


def _dotted(node: cst.BaseExpression) -> str:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{_dotted(node.value)}.{node.attr.value}"
    return ""


def _name_from_import(node: cst.BaseSmallStatement, needed: NeededImport) -> tuple[str, str] | None:
    """How an import statement lets the file name ``needed`` and what it imports, if it does."""
    if isinstance(node, cst.ImportFrom) and node.module is not None and not node.relative:
        module = _dotted(node.module)
        if module not in (needed.module, *needed.also_from):
            return None
        if isinstance(node.names, cst.ImportStar):
            return None  # binds no name we can check
        for alias in node.names:
            if _dotted(alias.name) == needed.name:
                qualname = f"{module}.{needed.name}"
                if alias.asname is not None:
                    return _dotted(alias.asname.name), qualname
                return needed.name, qualname
    if isinstance(node, cst.Import):
        for alias in node.names:
            if _dotted(alias.name) == needed.module:
                base = _dotted(alias.asname.name) if alias.asname is not None else needed.module
                return f"{base}.{needed.name}", needed.module
    return None


def _quote_of(module: cst.Module) -> str:
    """The quote character the file uses most for plain strings (double when it has none)."""
    counts = {'"': 0, "'": 0}

    class _Count(cst.CSTVisitor):
        def visit_SimpleString(self, node: cst.SimpleString) -> None:
            quote = node.quote[0]
            if quote in counts:
                counts[quote] += 1

    module.visit(_Count())
    return "'" if counts["'"] > counts['"'] else '"'


# --- Editing ---------------------------------------------------------------------------------


class _Transformer(cst.CSTTransformer):
    def __init__(self, plan: Plan, module: cst.Module) -> None:
        super().__init__()
        self.plan = plan
        self.module = module
        self.names: dict[NeededImport, _ImportedName] = {}  # found on first use
        self.files: _FileNames | None = None
        self.missing: list[str] = []  # import statements to add, in first-use order
        self._quote: str | None = None
        self.top_level: dict[int, int] = {}
        self.current_top = 0
        self.first_edit: int | None = None

    def visit_Module(self, node: cst.Module) -> bool:
        self.top_level = {id(statement): i for i, statement in enumerate(node.body)}
        return True

    def on_visit(self, node: cst.CSTNode) -> bool:
        index = self.top_level.get(id(node))
        if index is not None:
            self.current_top = index
        return super().on_visit(node)

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.Call:
        plan = self.plan
        edited = False
        args: list[cst.Arg] = []
        removed: list[tuple[int, cst.Arg]] = []
        for original, updated in zip(original_node.args, updated_node.args, strict=True):
            if id(original) in plan.remove:
                removed.append((len(args), updated))
                edited = True
                continue
            new = plan.replace.get(id(original))
            if new is not None:
                updated = updated.with_changes(value=self._expression(new))
                edited = True
            args.append(updated)
        addition = plan.additions.get(id(original_node))
        if addition is not None and removed:
            # The new argument takes the place (and layout) of the last one removed.
            position, slot = removed.pop()
            args.insert(position, _keyword_in(slot, addition.keyword, self._expression(addition)))
            addition = None
        for position, arg in reversed(removed):
            _close_gap(args, position, arg)
        if addition is not None:
            _append_keyword(args, updated_node, addition.keyword, self._expression(addition))
            edited = True
        if not edited:
            return updated_node
        if self.first_edit is None or self.current_top < self.first_edit:
            self.first_edit = self.current_top
        return updated_node.with_changes(args=args)

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        if not self.missing:
            return updated_node
        body = list(updated_node.body)
        position = _import_position(body, self.first_edit or 0)
        if self.files is not None and any(star >= position for star in self.files.stars):
            raise FixWithheld("a star import after the new import could rebind its name")
        body[position:position] = [cst.parse_statement(line) for line in self.missing]
        return updated_node.with_changes(body=body)

    @property
    def quote(self) -> str:
        if self._quote is None:  # a whole-tree pass: only when a string is written
            self._quote = _quote_of(self.module)
        return self._quote

    def _expression(self, new: NewValue) -> cst.BaseExpression:
        if new.constructor is not None:
            return _copy_constructor(new.constructor, new.seed_offset)
        value = new.initializer
        assert value is not None
        strings = value.string is not None or any(isinstance(v, str) for _, v in value.keywords)
        if value.constructor is not None:
            name = self._name(value.constructor)
            if name is None:
                if value.fallback is None:
                    raise FixWithheld(
                        f"{value.constructor.module} is imported only conditionally here, and"
                        f" {value.constructor.name}(...) has no Keras-string equivalent"
                    )
                return self._expression(NewValue(initializer=value.fallback))
        text = written(value, self.quote if strings else '"')
        if value.constructor is not None:
            text = str(name) + text[len(value.constructor.name) :]
        return cst.parse_expression(text)

    def _name(self, needed: NeededImport) -> str | None:
        """How the file names ``needed`` (None: write the Keras-string fallback); the import
        is added when the file has none that binds it before this use."""
        name = self.names.get(needed)
        if name is None:
            if self.files is None:
                self.files = _FileNames.of(self.module, needed)
            name = self.names[needed] = self.files.find(needed, self.current_top)
            if name.missing_import is not None:
                self.missing.append(name.missing_import)
        return name.expression


def _copy_constructor(constructor: cst.Call, offset: int) -> cst.Call:
    copy = constructor.deep_clone()
    if offset == 0:
        return copy
    args = []
    for arg in copy.args:
        if arg.keyword is not None and arg.keyword.value == "seed":
            assert isinstance(arg.value, cst.Integer)
            seed = int(arg.value.value, 0) + offset
            arg = arg.with_changes(value=cst.Integer(str(seed)))
        args.append(arg)
    return copy.with_changes(args=args)


def _close_gap(args: list[cst.Arg], position: int, removed: cst.Arg) -> None:
    """Drop ``removed`` (which stood at ``position``) keeping the others' layout."""
    if position < len(args):
        return  # a later argument follows: the previous comma and its layout stay as they are
    if position == 0:
        return  # it was the only argument
    previous = args[position - 1]
    if isinstance(removed.comma, cst.Comma):
        # Trailing-comma style: keep the previous comma (and its comment), close like before.
        if isinstance(previous.comma, cst.Comma):
            previous = previous.with_changes(
                comma=previous.comma.with_changes(
                    whitespace_after=_join(
                        previous.comma.whitespace_after, removed.comma.whitespace_after
                    )
                )
            )
    else:
        closing = removed.whitespace_after_arg
        kept = previous.comma.whitespace_after if isinstance(previous.comma, cst.Comma) else None
        previous = previous.with_changes(
            comma=cst.MaybeSentinel.DEFAULT,
            whitespace_after_arg=_join(kept, closing) if kept is not None else closing,
        )
    args[position - 1] = previous


def _join(
    kept: cst.BaseParenthesizableWhitespace, closing: cst.BaseParenthesizableWhitespace
) -> cst.BaseParenthesizableWhitespace:
    """Whitespace that keeps ``kept``'s comment but ends the way ``closing`` did."""
    if isinstance(kept, cst.ParenthesizedWhitespace):
        if isinstance(closing, cst.ParenthesizedWhitespace):
            return kept.with_changes(indent=closing.indent, last_line=closing.last_line)
        return kept
    return closing


def _keyword_in(slot: cst.Arg, keyword: str, value: cst.BaseExpression) -> cst.Arg:
    """A new keyword argument in the place and layout of a removed one, minus its comment:
    the comment annotated the argument that is gone."""
    equal = slot.equal if isinstance(slot.equal, cst.AssignEqual) else _tight_equal()
    comma = slot.comma
    if _one_per_line(comma):
        assert isinstance(comma, cst.Comma)
        comma = _without_comment(comma)
    after = slot.whitespace_after_arg
    if isinstance(after, cst.ParenthesizedWhitespace) and after.first_line.comment is not None:
        after = after.with_changes(
            first_line=after.first_line.with_changes(
                whitespace=cst.SimpleWhitespace(""), comment=None
            )
        )
    return slot.with_changes(
        keyword=cst.Name(keyword), value=value, equal=equal, comma=comma, whitespace_after_arg=after
    )


def _tight_equal() -> cst.AssignEqual:
    return cst.AssignEqual(
        whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")
    )


def _append_keyword(
    args: list[cst.Arg], call: cst.Call, keyword: str, value: cst.BaseExpression
) -> None:
    new = cst.Arg(keyword=cst.Name(keyword), value=value, equal=_tight_equal())
    if not args:
        args.append(new)
        return
    last = args[-1]
    separator = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
    if len(args) >= 2:
        previous = args[-2].comma
        if isinstance(previous, cst.Comma) and _one_per_line(previous):
            separator = _without_comment(previous)
    elif isinstance(call.whitespace_before_args, cst.ParenthesizedWhitespace) and (
        _one_per_line(last.comma)
        or isinstance(last.whitespace_after_arg, cst.ParenthesizedWhitespace)
    ):
        # One argument on its own line: the new one goes on the next line, indented alike.
        separator = cst.Comma(whitespace_after=call.whitespace_before_args)
    # The new argument takes over the old last one's ending (trailing comma, closing line).
    new = new.with_changes(comma=last.comma, whitespace_after_arg=last.whitespace_after_arg)
    args[-1] = last.with_changes(comma=separator, whitespace_after_arg=cst.SimpleWhitespace(""))
    args.append(new)


def _without_comment(comma: cst.Comma) -> cst.Comma:
    """The same separator, minus a comment that belongs to the argument before it."""
    layout = comma.whitespace_after
    assert isinstance(layout, cst.ParenthesizedWhitespace)
    first_line = layout.first_line.with_changes(whitespace=cst.SimpleWhitespace(""), comment=None)
    return comma.with_changes(whitespace_after=layout.with_changes(first_line=first_line))


def _one_per_line(comma: cst.Comma | cst.MaybeSentinel) -> bool:
    """A comma that ends its line: arguments are laid out one per line."""
    return isinstance(comma, cst.Comma) and isinstance(
        comma.whitespace_after, cst.ParenthesizedWhitespace
    )


def _import_position(body: Sequence[cst.BaseStatement], first_edit: int) -> int:
    """After the last top-level import that precedes the first edited statement.

    With no such import: after the module docstring.
    """
    position = 0
    if body and _is_docstring(body[0]):
        position = 1
    for index, statement in enumerate(body[: first_edit + 1]):
        if isinstance(statement, cst.SimpleStatementLine) and any(
            isinstance(small, (cst.Import, cst.ImportFrom)) for small in statement.body
        ):
            position = index + 1
    return position


def _is_docstring(statement: cst.BaseStatement) -> bool:
    return (
        isinstance(statement, cst.SimpleStatementLine)
        and len(statement.body) == 1
        and isinstance(statement.body[0], cst.Expr)
        and isinstance(statement.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
    )
