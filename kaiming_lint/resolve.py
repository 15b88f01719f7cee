"""What does a name in a parsed file stand for? Imports, aliases and constants, without running it.

:func:`index_module` walks a module once (statements and the expressions inside them, never the
whitespace) and records, per scope, every name binding, every ``self.attr`` assignment of a
class, and every call that may construct a kernel layer, with the statements and expression
nodes around it. :class:`Resolver` then answers "what is this expression?" lazily:

* a qualified name reached through imports (``Sym``: ``tf.keras.layers.Dense`` -> ``keras.layers.Dense``),
* a literal (``Lit``), or an expression bound to a name (``Node``, with the binding's identity),
* a user's own function or class (``Def``), or ``UNKNOWN``.

A name bound several times in one scope resolves only when every binding gives the same answer
(``try: from keras import layers`` / ``except ImportError: from tensorflow.keras import layers``);
otherwise it is unknown. Binding order is not considered (names are meant to be bound once).
Star imports: ``from <keras module> import *`` makes unbound names resolve inside that module;
a star import from anything else makes every name the file does not bind itself unknown.
"""

from __future__ import annotations

import builtins
import dataclasses
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from enum import Enum

import libcst as cst

from kaiming_lint import knowledge, symbols
from kaiming_lint.project_view import ModuleView, Origin, OriginKind, RefKind
from kaiming_lint.results import UnknownReason
from kaiming_lint.terms import TDict, Term, TExpr, TLit, TRef, TTuple, TUnknown

# Call names that may construct a kernel layer: checked by the last name before resolving.
KERNEL_CALL_NAMES: frozenset[str] = frozenset(knowledge.KERNEL_LAYERS) | frozenset(
    alias for alias, name in knowledge.LAYER_ALIASES.items() if name in knowledge.KERNEL_LAYERS
)
_BUILTINS = frozenset(dir(builtins))
_MAX_DEPTH = 30

Statement = cst.BaseSmallStatement | cst.BaseCompoundStatement
# A position in a flattened block: the block's statements and the index of one of them.
Frame = tuple[list[Statement], int]


# --- Values ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sym:
    """A qualified name reached through imports, canonical (``keras.layers.Dense``)."""

    qualname: str


@dataclass(frozen=True)
class Lit:
    """A literal constant: str, int, float, bool or None."""

    value: object


@dataclass(frozen=True, eq=False)
class Node:
    """An expression to interpret further, in the scope it belongs to."""

    expr: cst.BaseExpression
    scope: Scope
    binding: str | None = None  # identity of the name/attribute it was reached through

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Node) and other.expr is self.expr

    def __hash__(self) -> int:
        return id(self.expr)


@dataclass(frozen=True, eq=False)
class Def:
    """A function or class the file defines itself (never a Keras object)."""

    node: cst.FunctionDef | cst.ClassDef
    scope: Scope


class _Unknown:
    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN = _Unknown()
Value = Sym | Lit | Node | Def | _Unknown


# --- Bindings and scopes ---------------------------------------------------------------------


class BindingKind(Enum):
    """What a name is bound to at one place."""

    IMPORT = "import"
    VALUE = "value"
    DEF = "def"
    PARAM = "param"
    RESOLVED = "resolved"  # a value the project-wide judge decided (``value``)
    UNKNOWN = "unknown"


class ScopeKind(Enum):
    """The kind of body a scope is."""

    MODULE = "module"
    FUNCTION = "function"
    CLASS = "class"


@dataclass(frozen=True, eq=False)
class Binding:
    """One place a name is bound: to an import, an expression, a definition, or unknown."""

    kind: BindingKind
    qualname: str | None = None  # import: the qualified name; param: the parameter's name
    expr: cst.BaseExpression | None = None  # value: the expression; param: its default
    scope: Scope | None = None  # where `expr` is evaluated
    node: cst.FunctionDef | cst.ClassDef | None = None  # def: the definition; param: its function
    position: int = -1  # param: index among the positional parameters, -1 keyword-only
    value: object = None  # resolved: the Value


_UNKNOWN_BINDING = Binding(BindingKind.UNKNOWN)
_VAR_POSITIONAL = -2  # Binding.position of a ``*args`` parameter
_VAR_KEYWORD = -3  # ... and of a ``**kwargs`` parameter


@dataclass(eq=False)
class ClassInfo:
    """A class body: its ``self.attr = value`` assignments across all its methods."""

    name: str
    node: cst.ClassDef
    scope: Scope
    attrs: dict[str, list[Binding]] = field(default_factory=dict)
    methods: list[Scope] = field(default_factory=list)


@dataclass(eq=False)
class Scope:
    """A module, function or class body and the names bound in it."""

    kind: ScopeKind
    ident: str  # stable identity for binding strings: "module", "build", "Net.__init__"
    parent: Scope | None
    body: list[Statement]
    bindings: dict[str, list[Binding]] = field(default_factory=dict)
    node: cst.CSTNode | None = None
    klass: ClassInfo | None = None  # the class, for a method (or the class body itself)
    self_name: str | None = None  # the method's first parameter
    # Statements `name.load_weights(...)`/`name.set_weights(...)` directly in this body.
    overwritten: dict[str, int] = field(default_factory=dict)
    keras_stars: list[str] = field(default_factory=list)
    foreign_star: bool = False

    def bind(self, name: str, binding: Binding) -> None:
        self.bindings.setdefault(name, []).append(binding)


@dataclass(eq=False)
class Site:
    """A call that may construct a kernel layer, and where it sits."""

    call: cst.Call
    ancestors: list[cst.CSTNode]  # from the statement down to the call's parent
    frames: list[Frame]  # from the scope's body down to the statement holding the call
    scope: Scope
    in_loop: bool


@dataclass(eq=False)
class ModuleIndex:
    """Everything :func:`index_module` found in one module."""

    module_scope: Scope
    sites: list[Site]
    classes: dict[int, ClassInfo]  # id(ClassDef) -> info
    scopes: dict[int, Scope]  # id(FunctionDef) -> scope
    blocks: dict[int, list[Statement]]  # id(suite) -> its flattened statements (shared cache)
    name_uses: dict[str, int]  # identifier -> how many Name nodes spell it (outside defs' names)
    name_calls: dict[str, list[cst.Call]]  # identifier -> the calls `identifier(...)`
    loop_values: set[int]  # ids of values assigned inside a loop body (a new one per pass)

    def bindings_of(self, name: str) -> Iterator[Binding]:
        """Every binding of ``name`` in every scope of the module (``global``, ``del``,
        comprehension and ``with``/``for``/``except`` targets included, as unknown bindings)."""
        scopes = [self.module_scope, *self.scopes.values()]
        scopes.extend(info.scope for info in self.classes.values())
        for scope in scopes:
            yield from scope.bindings.get(name, ())

    def only_imports(self, name: str, qualname: str) -> bool:
        """Whether every binding of ``name`` anywhere in the module imports ``qualname``."""
        expected = symbols.canonical(qualname)
        return all(
            binding.kind is BindingKind.IMPORT
            and binding.qualname is not None
            and symbols.canonical(binding.qualname) == expected
            for binding in self.bindings_of(name)
        )


# --- Walking ---------------------------------------------------------------------------------

_SKIPPED_FIELD_PARTS = (
    "whitespace",
    "lpar",
    "rpar",
    "comma",
    "semicolon",
    "operator",
    "equal",
    "colon",
    "bracket",
    "brace",
    "leading_lines",
    "lines_after_decorators",
    "header",
    "footer",
    "asynchronous",
    "relative",
    "newline",
    "dot",
    "annotation",
    "returns",
    "arrow",
)
_FIELDS: dict[type, tuple[str, ...]] = {}


def child_nodes(node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    """The child nodes that can hold expressions, skipping whitespace, tokens and annotations."""
    names = _FIELDS.get(type(node))
    if names is None:
        names = tuple(
            f.name
            for f in dataclasses.fields(node)
            if not any(part in f.name for part in _SKIPPED_FIELD_PARTS)
        )
        _FIELDS[type(node)] = names
    for name in names:
        value = getattr(node, name)
        if isinstance(value, cst.CSTNode):
            yield value
        elif isinstance(value, (tuple, list)):
            for item in value:
                if isinstance(item, cst.CSTNode):
                    yield item


def dotted(node: cst.BaseExpression) -> str | None:
    """``a.b.c`` for a chain of names and attributes, else None."""
    parts = []
    while isinstance(node, cst.Attribute):
        parts.append(node.attr.value)
        node = node.value
    if not isinstance(node, cst.Name):
        return None
    parts.append(node.value)
    return ".".join(reversed(parts))


def last_name(node: cst.BaseExpression) -> str | None:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return node.attr.value
    return None


def block(suite: cst.CSTNode, cache: dict[int, list[Statement]]) -> list[Statement]:
    """The statements of a suite or module, with simple statement lines split into parts."""
    found = cache.get(id(suite))
    if found is not None:
        return found
    flat: list[Statement] = []
    body = getattr(suite, "body", ())
    for stmt in body:
        if isinstance(stmt, cst.SimpleStatementLine):
            flat.extend(stmt.body)
        else:
            flat.append(stmt)
    cache[id(suite)] = flat
    return flat


_COMPREHENSIONS = (cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp)
_OVERWRITE_METHODS = frozenset({"load_weights", "set_weights"})


class _Indexer:
    def __init__(self) -> None:
        self.blocks: dict[int, list[Statement]] = {}
        self.sites: list[Site] = []
        self.classes: dict[int, ClassInfo] = {}
        self.scopes: dict[int, Scope] = {}
        self.idents: dict[str, int] = {}
        # Names a kernel-layer call may use: the Keras names, plus aliases bound in this file
        # (`from keras.layers import Dense as D`, `Dense2 = layers.Dense`), seen before use.
        self.candidates: set[str] = set(KERNEL_CALL_NAMES)
        self.name_uses: dict[str, int] = {}
        self.name_calls: dict[str, list[cst.Call]] = {}
        self.loop_values: set[int] = set()

    def ident(self, name: str) -> str:
        count = self.idents.get(name, 0)
        self.idents[name] = count + 1
        return name if count == 0 else f"{name}#{count + 1}"

    def walk_block(
        self, suite: cst.CSTNode, scope: Scope, frames: list[Frame], loop: bool
    ) -> list[Statement]:
        flat = block(suite, self.blocks)
        for index, stmt in enumerate(flat):
            frames.append((flat, index))
            self.walk_stmt(stmt, scope, frames, loop)
            frames.pop()
        return flat

    def walk_stmt(self, stmt: Statement, scope: Scope, frames: list[Frame], loop: bool) -> None:
        if isinstance(stmt, cst.FunctionDef):
            self.walk_function(stmt, scope, frames, loop)
        elif isinstance(stmt, cst.ClassDef):
            self.walk_class(stmt, scope, frames, loop)
        elif isinstance(stmt, cst.If):
            self.walk_expr(stmt.test, scope, frames, loop)
            self.walk_block(stmt.body, scope, frames, loop)
            orelse = stmt.orelse
            while isinstance(orelse, cst.If):
                self.walk_expr(orelse.test, scope, frames, loop)
                self.walk_block(orelse.body, scope, frames, loop)
                orelse = orelse.orelse
            if orelse is not None:
                self.walk_block(orelse.body, scope, frames, loop)
        elif isinstance(stmt, (cst.For, cst.While)):
            if isinstance(stmt, cst.For):
                self.bind_target(stmt.target, scope)
                self.walk_expr(stmt.iter, scope, frames, loop)
            else:
                self.walk_expr(stmt.test, scope, frames, loop)
            self.walk_block(stmt.body, scope, frames, True)
            if stmt.orelse is not None:
                self.walk_block(stmt.orelse.body, scope, frames, loop)
        elif isinstance(stmt, (cst.Try, cst.TryStar)):
            self.walk_block(stmt.body, scope, frames, loop)
            for handler in stmt.handlers:
                if handler.name is not None:
                    self.bind_target(handler.name.name, scope)
                if handler.type is not None:
                    self.walk_expr(handler.type, scope, frames, loop)
                self.walk_block(handler.body, scope, frames, loop)
            for extra in (stmt.orelse, stmt.finalbody):
                if extra is not None:
                    self.walk_block(extra.body, scope, frames, loop)
        elif isinstance(stmt, cst.With):
            for item in stmt.items:
                self.walk_expr(item.item, scope, frames, loop)
                if item.asname is not None:
                    self.bind_target(item.asname.name, scope)
            self.walk_block(stmt.body, scope, frames, loop)
        elif isinstance(stmt, cst.BaseSmallStatement):
            self.walk_small(stmt, scope, frames, loop)
        else:  # match statements and anything newer: walk the expressions, bind nothing known
            if isinstance(stmt, cst.Match):
                for case in stmt.cases:
                    self.bind_captures(case.pattern, scope)
            for child in child_nodes(stmt):
                if isinstance(child, cst.BaseSuite):
                    self.walk_block(child, scope, frames, loop)
                elif isinstance(child, cst.BaseExpression):
                    self.walk_expr(child, scope, frames, loop)

    def walk_function(
        self, node: cst.FunctionDef, scope: Scope, frames: list[Frame], loop: bool
    ) -> None:
        scope.bind(node.name.value, Binding(BindingKind.DEF, node=node, scope=scope))
        for decorator in node.decorators:
            self.walk_expr(decorator.decorator, scope, frames, loop)
        prefix = "" if scope.kind is ScopeKind.MODULE else f"{scope.ident}."
        inner = Scope(
            ScopeKind.FUNCTION, self.ident(prefix + node.name.value), scope, [], node=node
        )
        params = node.params
        all_params = [
            *params.posonly_params,
            *params.params,
            *params.kwonly_params,
        ]
        positional_count = len(params.posonly_params) + len(params.params)
        for position, param in enumerate(all_params):
            binding = Binding(
                BindingKind.PARAM,
                qualname=param.name.value,
                expr=param.default,
                scope=scope,
                node=node,
                position=position if position < positional_count else -1,
            )
            inner.bind(param.name.value, binding)
            if param.default is not None:
                self.walk_expr(param.default, scope, frames, loop)
        for star, marker in ((params.star_arg, _VAR_POSITIONAL), (params.star_kwarg, _VAR_KEYWORD)):
            if isinstance(star, cst.Param):
                inner.bind(
                    star.name.value,
                    Binding(
                        BindingKind.PARAM,
                        qualname=star.name.value,
                        scope=scope,
                        node=node,
                        position=marker,
                    ),
                )
        if scope.kind is ScopeKind.CLASS and scope.klass is not None:
            positional = [*params.posonly_params, *params.params]
            static = any(last_name(d.decorator) == "staticmethod" for d in node.decorators)
            if positional and not static:
                inner.klass = scope.klass
                inner.self_name = positional[0].name.value
                scope.klass.methods.append(inner)
        self.scopes[id(node)] = inner
        inner.body = self.walk_block(node.body, inner, [], False)

    def walk_class(self, node: cst.ClassDef, scope: Scope, frames: list[Frame], loop: bool) -> None:
        scope.bind(node.name.value, Binding(BindingKind.DEF, node=node, scope=scope))
        for base in (*node.bases, *node.keywords):
            self.walk_expr(base.value, scope, frames, loop)
        for decorator in node.decorators:
            self.walk_expr(decorator.decorator, scope, frames, loop)
        prefix = "" if scope.kind is ScopeKind.MODULE else f"{scope.ident}."
        inner = Scope(ScopeKind.CLASS, self.ident(prefix + node.name.value), scope, [], node=node)
        info = ClassInfo(inner.ident, node, inner)
        inner.klass = info
        self.classes[id(node)] = info
        inner.body = self.walk_block(node.body, inner, [], False)

    def bind_target(self, target: cst.CSTNode, scope: Scope, value: Binding | None = None) -> None:
        if isinstance(target, cst.Name):
            scope.bind(target.value, value or _UNKNOWN_BINDING)
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self.bind_target(element.value, scope)
        elif isinstance(target, cst.StarredElement):
            self.bind_target(target.value, scope)
        elif (
            isinstance(target, cst.Attribute)
            and isinstance(target.value, cst.Name)
            and scope.self_name == target.value.value
            and scope.klass is not None
        ):
            scope.klass.attrs.setdefault(target.attr.value, []).append(value or _UNKNOWN_BINDING)

    def bind_captures(self, pattern: cst.CSTNode, scope: Scope) -> None:
        """A match pattern's capture names (``case x``, ``case [*rest]``, ``case {**rest}``)."""
        for node in (pattern, *child_nodes(pattern)):
            if node is not pattern:
                self.bind_captures(node, scope)
            elif isinstance(node, (cst.MatchAs, cst.MatchStar)) and node.name is not None:
                self.bind_target(node.name, scope)
            elif isinstance(node, cst.MatchMapping) and node.rest is not None:
                self.bind_target(node.rest, scope)

    def walk_small(
        self, stmt: cst.BaseSmallStatement, scope: Scope, frames: list[Frame], loop: bool
    ) -> None:
        if isinstance(stmt, cst.Assign):
            binding = Binding(BindingKind.VALUE, expr=stmt.value, scope=scope)
            if loop:
                self.loop_values.add(id(stmt.value))
            aliased = last_name(stmt.value) in self.candidates
            for target in stmt.targets:
                self.bind_target(target.target, scope, binding)
                if aliased and isinstance(target.target, cst.Name):
                    self.candidates.add(target.target.value)
        elif isinstance(stmt, cst.AnnAssign):
            if stmt.value is not None:
                self.bind_target(
                    stmt.target, scope, Binding(BindingKind.VALUE, expr=stmt.value, scope=scope)
                )
        elif isinstance(stmt, cst.AugAssign):
            self.bind_target(stmt.target, scope)
        elif isinstance(stmt, cst.Import):
            for alias in stmt.names:
                name = dotted(alias.name) or ""
                if alias.asname is not None:
                    self.bind_target(
                        alias.asname.name, scope, Binding(BindingKind.IMPORT, qualname=name)
                    )
                    self.add_alias(name, alias.asname.name)
                else:
                    head = name.split(".")[0]
                    scope.bind(head, Binding(BindingKind.IMPORT, qualname=head))
            return
        elif isinstance(stmt, cst.ImportFrom):
            self.bind_import_from(stmt, scope)
            return
        elif isinstance(stmt, (cst.Global, cst.Nonlocal)):
            # The function may rebind the outer name: unknown here and out there.
            outer: Scope | None = scope
            while outer is not None:
                if (
                    outer is scope
                    or outer.kind is ScopeKind.MODULE
                    or isinstance(stmt, cst.Nonlocal)
                ):
                    for item in stmt.names:
                        outer.bind(item.name.value, _UNKNOWN_BINDING)
                outer = outer.parent
            return
        elif isinstance(stmt, cst.Del):
            self.bind_target(stmt.target, scope)
        elif (
            isinstance(stmt, cst.Expr)
            and len(frames) == 1
            and isinstance(stmt.value, cst.Call)
            and isinstance(stmt.value.func, cst.Attribute)
            and stmt.value.func.attr.value in _OVERWRITE_METHODS
            and isinstance(stmt.value.func.value, cst.Name)
        ):
            scope.overwritten.setdefault(stmt.value.func.value.value, frames[0][1])
        self.walk_expr(stmt, scope, frames, loop)

    def bind_import_from(self, stmt: cst.ImportFrom, scope: Scope) -> None:
        module = dotted(stmt.module) if stmt.module is not None else None
        if stmt.relative or module is None:
            # A module of the user's own package: resolved by the project-wide view, if any.
            if isinstance(stmt.names, cst.ImportStar):
                scope.foreign_star = True
                return
            prefix = "." * len(stmt.relative) + (f"{module}." if module else "")
            for alias in stmt.names:
                name = dotted(alias.name) or ""
                target = alias.asname.name if alias.asname is not None else alias.name
                self.bind_target(target, scope, Binding(BindingKind.IMPORT, qualname=prefix + name))
            return
        if isinstance(stmt.names, cst.ImportStar):
            if symbols.classify(module) is not None:
                scope.keras_stars.append(symbols.canonical(module))
            else:
                scope.foreign_star = True
            return
        for alias in stmt.names:
            name = dotted(alias.name) or ""
            target = alias.asname.name if alias.asname is not None else alias.name
            self.bind_target(
                target, scope, Binding(BindingKind.IMPORT, qualname=f"{module}.{name}")
            )
            self.add_alias(name, target)

    def add_alias(self, imported: str, target: cst.CSTNode) -> None:
        if imported.rpartition(".")[2] in self.candidates and isinstance(target, cst.Name):
            self.candidates.add(target.value)

    def walk_expr(self, root: cst.CSTNode, scope: Scope, frames: list[Frame], loop: bool) -> None:
        # Iterative walk with an explicit ancestor stack; only kernel-layer calls are recorded.
        ancestors: list[cst.CSTNode] = []
        stack: list[tuple[cst.CSTNode, int, bool]] = [(root, 0, loop)]
        while stack:
            node, depth, in_loop = stack.pop()
            del ancestors[depth:]
            if isinstance(node, cst.Name):
                self.name_uses[node.value] = self.name_uses.get(node.value, 0) + 1
                continue
            if isinstance(node, cst.Call):
                name = last_name(node.func)
                if name is not None and name in self.candidates:
                    self.sites.append(Site(node, list(ancestors), list(frames), scope, in_loop))
                if isinstance(node.func, cst.Name):
                    self.name_calls.setdefault(node.func.value, []).append(node)
            elif isinstance(node, (cst.NamedExpr, cst.CompFor)):
                # Comprehension variables get no scope of their own here: binding them as
                # unknown in the enclosing scope keeps a same-named outer constant unresolved.
                self.bind_target(node.target, scope)
            elif isinstance(node, _COMPREHENSIONS):
                in_loop = True
            elif isinstance(node, cst.Lambda):
                continue  # its parameters shadow names; layers built in lambdas stay unseen
            ancestors.append(node)
            children = list(child_nodes(node))
            for child in reversed(children):
                stack.append((child, depth + 1, in_loop))


def index_module(module: cst.Module) -> ModuleIndex:
    """Walk a module once and collect its scopes, bindings and kernel-layer call sites."""
    indexer = _Indexer()
    scope = Scope(ScopeKind.MODULE, "module", None, [], node=module)
    scope.body = indexer.walk_block(module, scope, [], False)
    return ModuleIndex(
        scope,
        indexer.sites,
        indexer.classes,
        indexer.scopes,
        indexer.blocks,
        indexer.name_uses,
        indexer.name_calls,
        indexer.loop_values,
    )


# --- Resolving -------------------------------------------------------------------------------


def _same(values: Sequence[Value]) -> Value:
    first = values[0]
    for other in values[1:]:
        if other is UNKNOWN or other != first:
            return UNKNOWN
    return first


class Resolver:
    """Resolves expressions to values, caching name lookups per scope."""

    def __init__(self, index: ModuleIndex, context: ModuleView | None = None) -> None:
        self.index = index
        self.context = context
        self._names: dict[tuple[int, str], Value] = {}
        # What the project-wide view contributed: per cached name, and per open collection.
        self._name_origins: dict[tuple[int, str], list[Origin]] = {}
        self._collecting: list[list[Origin]] = []
        self._terms: dict[object, Value] = {}

    # --- what the project contributed ----------------------------------------------------

    def collect(self) -> list[Origin]:
        """Start recording the project values resolved from now on (until :meth:`release`)."""
        found: list[Origin] = []
        self._collecting.append(found)
        return found

    def release(self) -> None:
        found = self._collecting.pop()
        if self._collecting:
            self._collecting[-1].extend(found)

    def emit(self, origin: Origin) -> None:
        """Record what the project contributed (for the open :meth:`collect`)."""
        if self._collecting:
            self._collecting[-1].append(origin)

    def resolve(self, expr: cst.BaseExpression, scope: Scope, depth: int = 0) -> Value:
        if depth > _MAX_DEPTH:
            return UNKNOWN
        if isinstance(expr, cst.Name):
            if expr.value in ("None", "True", "False"):
                return Lit({"None": None, "True": True, "False": False}[expr.value])
            return self.name(expr.value, scope, depth)
        if isinstance(expr, cst.Attribute):
            base = expr.value
            if (
                isinstance(base, cst.Name)
                and scope.self_name == base.value
                and scope.klass is not None
            ):
                return self.attribute(scope.klass, expr.attr.value, depth)
            resolved = self.resolve(base, scope, depth + 1)
            if isinstance(resolved, Sym):
                qualname = symbols.canonical(f"{resolved.qualname}.{expr.attr.value}")
                if self.context is not None:
                    return self.project_name(qualname)
                return Sym(qualname)
            return UNKNOWN
        if isinstance(expr, (cst.SimpleString, cst.ConcatenatedString)):
            value = expr.evaluated_value
            return Lit(value) if isinstance(value, str) else UNKNOWN
        if isinstance(expr, (cst.Integer, cst.Float)):
            return Lit(expr.evaluated_value)
        return Node(expr, scope)

    def name(self, name: str, scope: Scope, depth: int = 0) -> Value:
        key = (id(scope), name)
        cached = self._names.get(key)
        if cached is not None:
            if self._collecting and key in self._name_origins:
                self._collecting[-1].extend(self._name_origins[key])
            return cached
        self._names[key] = UNKNOWN  # guards against cycles (a = b; b = a)
        if self.context is None:
            value = self._lookup(name, scope, depth)
        else:
            found = self.collect()
            try:
                value = self._lookup(name, scope, depth)
            finally:
                self.release()
            if found:
                self._name_origins[key] = found
        self._names[key] = value
        return value

    def _lookup(self, name: str, scope: Scope, depth: int) -> Value:
        current: Scope | None = scope
        while current is not None:
            if current.kind is ScopeKind.CLASS and current is not scope:
                current = current.parent
                continue
            bindings = current.bindings.get(name)
            if bindings:
                if (
                    current.kind is ScopeKind.MODULE
                    and self.context is not None
                    and name in self.context.mutated
                ):
                    reason = self.context.mutated[name]
                    self.emit(Origin(OriginKind.DEFINITION, name, (), reason))
                    return UNKNOWN
                return self._bindings(bindings, f"{current.ident}:{name}", depth)
            if current.kind is ScopeKind.MODULE:
                if current.foreign_star:
                    stars = self.context.star_names if self.context is not None else None
                    if stars is None:
                        return UNKNOWN
                    if name in stars:
                        return self.project_name(stars[name])
                for star in current.keras_stars:
                    candidate = f"{star}.{name}"
                    if symbols.classify(candidate) is not None:
                        return Sym(candidate)
            current = current.parent
        if name in _BUILTINS:
            return Sym(f"builtins.{name}")
        return UNKNOWN

    def attribute(self, klass: ClassInfo, attr: str, depth: int = 0) -> Value:
        bindings = klass.attrs.get(attr) or klass.scope.bindings.get(attr)
        if not bindings:
            return UNKNOWN  # maybe inherited, or set from outside
        return self._bindings(bindings, f"class {klass.name}:self.{attr}", depth)

    def _bindings(self, bindings: list[Binding], ident: str, depth: int) -> Value:
        values: list[Value] = []
        for binding in bindings:
            if binding.kind is BindingKind.IMPORT and binding.qualname:
                values.append(self._imported(binding.qualname))
            elif binding.kind is BindingKind.RESOLVED:
                if binding.value is UNKNOWN and binding.qualname:  # why the judge could not tell
                    self.emit(Origin(OriginKind.DEFINITION, ident, (), binding.qualname))
                values.append(binding.value)  # type: ignore[arg-type]
            elif binding.kind is BindingKind.VALUE and binding.expr is not None and binding.scope:
                value = self.resolve(binding.expr, binding.scope, depth + 1)
                if isinstance(value, Node) and value.binding is None:
                    value = Node(value.expr, value.scope, ident)
                values.append(value)
            elif binding.kind is BindingKind.DEF and binding.node is not None and binding.scope:
                values.append(Def(binding.node, binding.scope))
            elif binding.kind is BindingKind.PARAM:
                if self.context is not None:
                    value = self._param(binding)
                else:
                    value = self._default(binding, depth)
                if isinstance(value, Node) and value.binding is None:
                    value = Node(value.expr, value.scope, ident)
                values.append(value)
            else:
                return UNKNOWN
        same = _same(values)
        if same is UNKNOWN and len(values) > 1 and self.context is not None:
            self.emit(Origin(OriginKind.DEFINITION, ident, (), UnknownReason.REBOUND_NAME.value))
        return same

    # --- names of the project (with a ModuleView) -------------------------------------------

    def _imported(self, qualname: str) -> Value:
        if qualname.startswith("."):
            if self.context is None:
                return UNKNOWN  # a module of the user's own package
            absolute = _absolute(qualname, self.context.module, self.context.is_package)
            return UNKNOWN if absolute is None else self.project_name(absolute)
        name = symbols.canonical(qualname)
        return Sym(name) if self.context is None else self.project_name(name)

    def project_name(self, qualname: str) -> Value:
        """What an absolute name stands for, as the project-wide view resolved it."""
        assert self.context is not None
        refs = self.context.refs
        ref = refs.get(qualname)
        rest: list[str] = []
        if ref is None:
            parts = qualname.split(".")
            for cut in range(len(parts) - 1, 0, -1):
                ref = refs.get(".".join(parts[:cut]))
                if ref is not None:
                    rest = parts[cut:]
                    break
        if ref is None:
            return Sym(qualname)
        if ref.kind is RefKind.KERAS:
            if ref.origin is not None:
                self.emit(Origin(OriginKind.DEFINITION, qualname.rpartition(".")[2], (ref.origin,)))
            return Sym(symbols.canonical(".".join([ref.name, *rest])))
        if ref.kind is RefKind.OPAQUE:
            return Sym("<project>" + qualname)  # the project's own: never Keras
        if ref.kind is RefKind.CONSTANT and not rest and ref.term is not None:
            label = qualname.rpartition(".")[2]
            reason = ref.term.reason if isinstance(ref.term, TUnknown) else None
            self.emit(
                Origin(
                    OriginKind.DEFINITION,
                    label,
                    (ref.origin,) if ref.origin is not None else (),
                    reason,
                )
            )
            return self.term_value(ref.term)
        reason = ref.reason or UnknownReason.DYNAMIC_ATTRIBUTE.value
        self.emit(Origin(OriginKind.DEFINITION, qualname.rpartition(".")[2], (), reason))
        return UNKNOWN

    def _param(self, param: Binding) -> Value:
        assert self.context is not None
        function = param.node
        scope = self.index.scopes.get(id(function)) if function is not None else None
        if scope is None or param.qualname is None:
            return UNKNOWN
        value = self.context.params.get((scope.ident, param.qualname))
        if value is None:
            self.emit(
                Origin(
                    OriginKind.CALLS, param.qualname, (), UnknownReason.PARAMETER_FROM_OUTSIDE.value
                )
            )
            return UNKNOWN
        term = value.term
        reason = term.reason if isinstance(term, TUnknown) else None
        default = None
        if value.default and isinstance(term, TLit):
            default = repr(term.value)
        self.emit(
            Origin(OriginKind.CALLS, param.qualname, value.calls, reason, default, scope.ident)
        )
        return self.term_value(term)

    def term_value(self, term: Term) -> Value:
        """A resolved term as a value this resolver can read further."""
        cached = self._terms.get(term)
        if cached is not None:
            return cached
        value = self._term_value(term)
        self._terms[term] = value
        return value

    def _term_value(self, term: Term) -> Value:
        if isinstance(term, TLit):
            return Lit(term.value)
        if isinstance(term, TRef):
            return Sym(term.name if term.name.startswith("<") else symbols.canonical(term.name))
        if isinstance(term, TUnknown):
            return UNKNOWN
        env: tuple[tuple[str, Term], ...]
        identity: str | None = None
        if isinstance(term, TExpr):
            text, env, identity = term.text, term.env, term.identity
        elif isinstance(term, TTuple):
            names = [f"_kaiming_item{i}" for i in range(len(term.items))]
            text = "(" + "".join(f"{n}, " for n in names) + ")"
            env = tuple(zip(names, term.items, strict=True))
        elif isinstance(term, TDict):
            names = [f"_kaiming_item{i}" for i in range(len(term.items))]
            text = (
                "{"
                + ", ".join(f"{k!r}: {n}" for (k, _), n in zip(term.items, names, strict=True))
                + "}"
            )
            env = tuple(zip(names, (t for _, t in term.items), strict=True))
        else:
            return UNKNOWN
        try:
            expr = cst.parse_expression(text)
        except (cst.ParserSyntaxError, RecursionError):
            return UNKNOWN
        scope = Scope(ScopeKind.MODULE, f"<project {identity or text}>", None, [])
        for name, inner in env:
            reason = inner.reason if isinstance(inner, TUnknown) else None
            scope.bind(
                name, Binding(BindingKind.RESOLVED, qualname=reason, value=self.term_value(inner))
            )
        return (
            self.resolve(expr, scope)
            if not isinstance(expr, (cst.Call, cst.Dict, cst.Tuple, cst.List))
            else Node(expr, scope, identity)
        )

    def _default(self, param: Binding, depth: int) -> Value:
        """A parameter's default, when every call of its function in this file leaves it out.

        Only for functions that are called by name and never used otherwise (not methods,
        not passed around); a call with ``*args``/``**kwargs`` may pass anything.
        """
        function, scope = param.node, param.scope
        if param.expr is None or function is None or scope is None or scope.kind is ScopeKind.CLASS:
            return UNKNOWN
        name = function.name.value
        calls = self.index.name_calls.get(name, [])
        if not calls or self.index.name_uses.get(name, 0) != len(calls):
            return UNKNOWN
        for call in calls:
            positional = 0
            for arg in call.args:
                if arg.star or (arg.keyword is not None and arg.keyword.value == param.qualname):
                    return UNKNOWN
                if arg.keyword is None:
                    positional += 1
            if 0 <= param.position < positional:
                return UNKNOWN
        return self.resolve(param.expr, scope, depth + 1)

    def symbol(self, expr: cst.BaseExpression, scope: Scope) -> symbols.Symbol | None:
        """The Keras symbol an expression names (through aliases), else None."""
        value = self.resolve(expr, scope)
        if isinstance(value, Sym):
            return symbols.classify(value.qualname)
        return None


def _absolute(relative: str, module: str, is_package: bool) -> str | None:
    """``..blocks.f`` imported in ``pkg.models.net``: ``pkg.blocks.f``."""
    level = len(relative) - len(relative.lstrip("."))
    parts = module.split(".") if is_package else module.split(".")[:-1]
    if level - 1 > len(parts):
        return None
    base = parts[: len(parts) - (level - 1)]
    rest = relative[level:]
    return ".".join([*base, rest]) if rest else (".".join(base) or None)
