"""Apply rule violations' fixes to a parsed module with libcst, and write files safely.

Every edit targets a node of the original module by identity (the ``SourceRef`` the analysis
recorded); everything else is left byte for byte. The result is re-parsed before it is
returned, and a file is replaced atomically only when its text changed.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field

import libcst as cst

from kaiming_lint import keras_version, knowledge
from kaiming_lint.facts import Violation
from kaiming_lint.source_ref import SourceRef

KAIMING_CLASS = "KaimingNormal"
KAIMING_MODULE = knowledge.KAIMING_MODULES[0]
KERAS_HE_STRING = "he_normal"


@dataclass
class FixResult:
    """The fixed source (None when nothing changed) and which violations it fixed."""

    code: str | None
    applied: list[Violation] = field(default_factory=list)


def can_fix(violation: Violation) -> bool:
    """Whether ``apply_fixes`` knows how to edit the source for this violation."""
    fix = violation.fix
    ref = violation.layer.ref
    if fix is None or not isinstance(ref, SourceRef):
        return False
    if fix.action == "set_weight":
        if ref.weight_arg is not None:
            return True
        return not any(arg.star for arg in ref.call.args)
    if fix.action == "remove_bias":
        return ref.bias_arg is not None and _removable(ref.call, ref.bias_arg)
    if fix.action == "split_shared":
        arg, constructor = _shared_parts(violation, ref)
        if arg is None or constructor is None:
            return False
        init = violation.layer.weight if violation.target == "weight" else violation.layer.bias
        return init is None or init.seed is None or _seed_arg(constructor) is not None
    return False


def apply_fixes(
    module: cst.Module,
    violations: Sequence[Violation],
    fix_style: str,
    original_code: str | None = None,
    keras_version_setting: str = "auto",
) -> FixResult:
    """Apply every fixable violation; return the new source, or None when nothing changed.

    ``original_code`` is ``module.code`` when the caller already has it (saves a code pass).
    ``keras_version_setting`` ("auto", "2", "3") picks the module KaimingNormal comes from.
    """
    target = keras_version.kaiming_module(module, keras_version_setting)
    if target is None:  # Keras 2 and Keras 3 names in one file: write what both know
        fix_style = "keras"
    plan = _Plan(fix_style)
    for violation in violations:
        if can_fix(violation):
            plan.include(violation)
    if not plan.applied:
        return FixResult(None)
    kaiming = _KaimingName.find(module, target or KAIMING_MODULE)
    fixed = module.visit(_Transformer(plan, kaiming, module))
    code = fixed.code
    if code == (module.code if original_code is None else original_code) or not _parses(code):
        return FixResult(None)
    return FixResult(code, plan.applied)


def _parses(code: str) -> bool:
    try:
        cst.parse_module(code)
    except cst.ParserSyntaxError:
        return False
    return True


def write_atomically(path: str, data: bytes) -> None:
    """Replace ``path`` with ``data`` through a temporary file in the same directory.

    A symbolic link stays a link: the file it points to is replaced.
    """
    path = os.path.realpath(path)
    directory = os.path.dirname(path)
    mode = os.stat(path).st_mode & 0o7777
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=".kaiming-lint-", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


# --- Planning --------------------------------------------------------------------------------


@dataclass
class _NewWeight:
    """An initializer expression to write: He for a slope, or a copy of a shared constructor."""

    slope: float = 0.0
    constructor: cst.Call | None = None
    seed_offset: int = 0
    keyword: str = ""


class _Plan:
    def __init__(self, fix_style: str) -> None:
        self.fix_style = fix_style
        self.replace: dict[int, _NewWeight] = {}  # id(Arg) -> its new value
        self.additions: dict[int, _NewWeight] = {}  # id(Call) -> a weight argument to add
        self.remove: set[int] = set()  # id(Arg) to drop
        self.applied: list[Violation] = []

    def include(self, violation: Violation) -> None:
        fix = violation.fix
        ref: SourceRef = violation.layer.ref
        assert fix is not None
        if fix.action == "set_weight":
            new = _NewWeight(slope=fix.negative_slope, keyword=violation.layer.weight_arg)
            if ref.weight_arg is not None:
                self.replace[id(ref.weight_arg)] = new  # wins over a split of the same arg
            else:
                self.additions[id(ref.call)] = new
        elif fix.action == "remove_bias":
            assert ref.bias_arg is not None
            self.remove.add(id(ref.bias_arg))
        else:
            arg, constructor = _shared_parts(violation, ref)
            assert arg is not None and constructor is not None
            existing = self.replace.get(id(arg))
            if existing is None or existing.constructor is not None:
                self.replace[id(arg)] = _NewWeight(
                    constructor=constructor, seed_offset=fix.use_index
                )
        self.applied.append(violation)


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


# --- Naming KaimingNormal and the quote style ------------------------------------------------


@dataclass
class _KaimingName:
    """How the file can refer to KaimingNormal, and the import to add when it cannot yet."""

    expression: str
    missing_import: str | None

    @classmethod
    def find(cls, module: cst.Module, target: str = KAIMING_MODULE) -> _KaimingName:
        taken = False  # the file binds the name KaimingNormal to something else
        for statement in module.body:
            if not isinstance(statement, cst.SimpleStatementLine):
                continue
            for small in statement.body:
                name = _name_from_import(small, target)
                if name is not None:
                    return cls(name, missing_import=None)
                taken = taken or KAIMING_CLASS in _names_bound_by(small)
        if taken:
            return cls(f"{target}.{KAIMING_CLASS}", f"import {target}\n")
        return cls(KAIMING_CLASS, f"from {target} import {KAIMING_CLASS}\n")


def _names_bound_by(node: cst.BaseSmallStatement) -> set[str]:
    names: set[str] = set()
    if isinstance(node, (cst.Import, cst.ImportFrom)) and not isinstance(
        node.names, cst.ImportStar
    ):
        for alias in node.names:
            bound = alias.asname.name if alias.asname is not None else alias.name
            names.add(_dotted(bound).split(".")[0])
    elif isinstance(node, cst.Assign):
        names.update(_dotted(target.target) for target in node.targets)
    return names


def _dotted(node: cst.BaseExpression) -> str:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{_dotted(node.value)}.{node.attr.value}"
    return ""


def _name_from_import(node: cst.BaseSmallStatement, target: str) -> str | None:
    if isinstance(node, cst.ImportFrom) and node.module is not None and not node.relative:
        module = _dotted(node.module)
        keras3 = knowledge.KAIMING_KERAS3_MODULES
        if module != target and not (module in keras3 and target in keras3):
            return None  # another Keras's KaimingNormal (or not ours): not reused
        if isinstance(node.names, cst.ImportStar):
            return KAIMING_CLASS
        for alias in node.names:
            if _dotted(alias.name) == KAIMING_CLASS:
                if alias.asname is not None:
                    return _dotted(alias.asname.name)
                return KAIMING_CLASS
    if isinstance(node, cst.Import):
        for alias in node.names:
            if _dotted(alias.name) == target:
                base = _dotted(alias.asname.name) if alias.asname is not None else target
                return f"{base}.{KAIMING_CLASS}"
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
    def __init__(self, plan: _Plan, kaiming: _KaimingName, module: cst.Module) -> None:
        super().__init__()
        self.plan = plan
        self.kaiming = kaiming
        self.module = module
        self._quote: str | None = None
        self.top_level: dict[int, int] = {}
        self.current_top = 0
        self.first_edit: int | None = None
        self.needs_import = False

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
        if not self.needs_import or self.kaiming.missing_import is None:
            return updated_node
        statement = cst.parse_statement(self.kaiming.missing_import)
        body = list(updated_node.body)
        body.insert(_import_position(body, self.first_edit or 0), statement)
        return updated_node.with_changes(body=body)

    @property
    def quote(self) -> str:
        if self._quote is None:  # a whole-tree pass: only when a string is written
            self._quote = _quote_of(self.module)
        return self._quote

    def _expression(self, new: _NewWeight) -> cst.BaseExpression:
        if new.constructor is not None:
            return _copy_constructor(new.constructor, new.seed_offset)
        if self.plan.fix_style == "keras":
            return cst.SimpleString(f"{self.quote}{KERAS_HE_STRING}{self.quote}")
        self.needs_import = True
        q = self.quote
        slope = f"nonlinearity={q}leaky_relu{q}, negative_slope={new.slope!r}" if new.slope else ""
        return cst.parse_expression(f"{self.kaiming.expression}({slope})")


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


def _join(kept: cst.BaseParenthesizableWhitespace, closing: cst.BaseParenthesizableWhitespace):
    """Whitespace that keeps ``kept``'s comment but ends the way ``closing`` did."""
    if isinstance(kept, cst.ParenthesizedWhitespace):
        if isinstance(closing, cst.ParenthesizedWhitespace):
            return kept.with_changes(indent=closing.indent, last_line=closing.last_line)
        return kept
    return closing


def _keyword_in(slot: cst.Arg, keyword: str, value: cst.BaseExpression) -> cst.Arg:
    equal = slot.equal if isinstance(slot.equal, cst.AssignEqual) else _tight_equal()
    return slot.with_changes(keyword=cst.Name(keyword), value=value, equal=equal)


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


def _import_position(body: list[cst.BaseStatement], first_edit: int) -> int:
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
