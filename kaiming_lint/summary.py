"""Phase 1 of project-wide analysis: one module's summary, read with ``ast`` and never run.

A :class:`ModuleSummary` is plain data (picklable, cached by content hash): the module's
top-level names, each function's parameters and what its body does to them, every call of a
name that may be a function or class of the project with its arguments as terms
(:mod:`kaiming_lint.terms`), every other use of such a name (an escape), ``__all__`` and star
imports. The judge (:mod:`kaiming_lint.project`) reads summaries only.

Scope keys are those of :mod:`kaiming_lint.resolve` (``conv_block``, ``Head.__init__``,
``outer.inner``, ``f#2`` for a second ``f``), so the source analysis can ask for a parameter's
value by the scope it is in.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from enum import Enum

from kaiming_lint import knowledge, symbols
from kaiming_lint.results import UnknownReason
from kaiming_lint.terms import Term, TExpr, TLit, TParam, TRef, TStar, TUnknown

__all__ = [
    "CallSite",
    "ClassSummary",
    "FunctionSummary",
    "ModuleSummary",
    "ParamKind",
    "ParamSpec",
    "SourceHints",
    "summarize",
]

SUMMARY_VERSION = 6  # bump whenever what a summary holds changes (the cache key includes it)

_KERNEL_NAMES = frozenset(knowledge.KERNEL_LAYERS) | frozenset(
    alias for alias, name in knowledge.LAYER_ALIASES.items() if name in knowledge.KERNEL_LAYERS
)
_INIT_ARGUMENTS = frozenset(knowledge.KERNEL_LAYERS.values()) | {knowledge.BIAS_ARGUMENT}
_MUTATING_METHODS = frozenset(
    {"pop", "popitem", "update", "setdefault", "clear", "append", "extend", "insert", "remove"}
)
_UNKNOWN_ARGUMENT = TUnknown(UnknownReason.UNKNOWN_ARGUMENT.value)
_REBOUND = TUnknown(UnknownReason.REBOUND_NAME.value)
_FROM_OUTSIDE = UnknownReason.PARAMETER_FROM_OUTSIDE.value
_DYNAMIC = UnknownReason.DYNAMIC_ATTRIBUTE.value
_MAX_DEPTH = 20
_MAX_EXPRESSION = 2000  # longer literals and constructor calls are kept as unknown
# Names that reach any function of a module by name, not by a call the summary can read.
_REFLECTIVE_CALLS = frozenset(
    {"globals", "locals", "vars", "eval", "exec", "compile", "__import__"}
)
_REFLECTIVE_CHAINS = frozenset({"sys.modules"})
_IMPORTERS = frozenset({"importlib.import_module", "builtins.__import__", "importlib.__import__"})


class ParamKind(str, Enum):
    POSITIONAL = "positional"  # positional-only or positional-or-keyword
    KEYWORD = "keyword"  # keyword-only
    VAR_POSITIONAL = "*"
    VAR_KEYWORD = "**"


@dataclass(frozen=True)
class ParamSpec:
    name: str
    kind: ParamKind
    default: Term | None = None  # None: no default


@dataclass(frozen=True)
class SourceHints:
    """What a module's text may hold, read from its bytes: the summary does not look for what
    the text cannot hold (a file in another encoding may hold anything)."""

    walrus: bool = True  # ``:=``
    nonlocals: bool = True  # ``nonlocal``

    @classmethod
    def of(cls, data: bytes, *, other_encoding: bool = False) -> SourceHints:
        if other_encoding:  # ASCII bytes may spell other tokens
            return cls()
        return cls(walrus=b":=" in data, nonlocals=b"nonlocal" in data)


@dataclass
class FunctionSummary:
    key: str
    line: int
    params: tuple[ParamSpec, ...]
    class_key: str | None = None  # a method (not static) of this class: params[0] is self
    parent: str | None = None  # the enclosing function's key, for a nested function
    # Parameters the body rebinds or changes in place: name -> UnknownReason value.
    changed: dict[str, str] = field(default_factory=dict)
    classmethod: bool = False


@dataclass
class ClassSummary:
    key: str
    line: int
    bases: tuple[Term, ...]
    nested: bool = False


@dataclass(frozen=True)
class Place:
    """Where a call is: the line and column in the file (notebooks: in the ``.ipynb`` text),
    and for notebooks the 1-based cell and the line in it."""

    line: int
    column: int
    cell: int | None = None
    cell_line: int | None = None


@dataclass(frozen=True)
class CallSite:
    callee: Term  # a TRef (absolute), or TUnknown
    caller: str | None  # the key of the function the call is in (None: module or class body)
    place: Place
    args: tuple[Term, ...]  # positional; TStar for ``*value``
    keywords: tuple[tuple[str | None, Term], ...]  # None: ``**value`` (a TStar)
    super_of: str | None = None  # ``super().__init__(...)`` in a method of this class
    in_loop: bool = False


@dataclass
class ModuleSummary:
    module: str  # dotted name under the project root
    path: str
    is_package: bool
    names: dict[str, Term]  # module-level bindings
    name_lines: dict[str, int]  # the line of each module-level name bound once
    functions: dict[str, FunctionSummary]
    classes: dict[str, ClassSummary]
    calls: list[CallSite]
    escapes: list[tuple[str, str]]  # (absolute name, UnknownReason value)
    all_names: tuple[str, ...] | None  # a literal __all__
    all_dynamic: bool  # an __all__ that is not one literal list/tuple of strings
    stars: tuple[str, ...]  # absolute modules star-imported at module level
    init_uses: list[tuple[str, int]]  # (absolute name, uses) of initializer arguments
    notebook: bool = False
    # Absolute names assigned or changed in place from here (``m.ACT = ...``, ``CFG[k] = ...``).
    stores: list[tuple[str, str]] = field(default_factory=list)
    # globals(), eval, exec, sys.modules...: any name this module can reach may be called.
    reflective: bool = False
    # Identifiers of the parts that could not be parsed (their calls cannot be read).
    unreadable: frozenset[str] = frozenset()


# --- scopes ----------------------------------------------------------------------------------


@dataclass(eq=False)
class _Binding:
    kind: str  # "param", "import", "def", "value", "unknown"
    target: str = ""  # import: absolute name; def: the key; param: function key
    expr: ast.expr | None = None
    scope: _Scope | None = None


@dataclass(eq=False)
class _Scope:
    kind: str  # "module", "function", "class", "hidden" (lambda, comprehension)
    key: str | None
    parent: _Scope | None
    bindings: dict[str, list[_Binding]] = field(default_factory=dict)
    class_key: str | None = None  # for a method: its class
    module_star: bool = False

    def bind(self, name: str, binding: _Binding) -> None:
        self.bindings.setdefault(name, []).append(binding)


class _Summarizer:
    def __init__(
        self, module: str, path: str, is_package: bool, place_of: Callable[[int, int], Place]
    ) -> None:
        self.module = module
        self.path = path
        self.package = module if is_package else module.rpartition(".")[0]
        self.is_package = is_package
        self.place_of = place_of
        self.idents: dict[str, int] = {}
        self.functions: dict[str, FunctionSummary] = {}
        self.classes: dict[str, ClassSummary] = {}
        self.calls: list[CallSite] = []
        self.escapes: list[tuple[str, str]] = []
        self.init_uses: list[tuple[str, int]] = []
        self.stars: list[str] = []
        self.all_names: tuple[str, ...] | None = None
        self.all_dynamic = False
        self.cache: dict[tuple[_Scope, str], Term] = {}
        self.module_scope = _Scope("module", None, None)
        self.hints = SourceHints()
        self.name_lines: dict[str, int] = {}
        self.stores: list[tuple[str, str]] = []
        self.reflective = False

    # keys, as resolve.py gives them

    def ident(self, name: str) -> str:
        count = self.idents.get(name, 0)
        self.idents[name] = count + 1
        return name if count == 0 else f"{name}#{count + 1}"

    def absolute(self, module: str | None, level: int) -> str | None:
        if level == 0:
            return module
        parts = self.package.split(".") if self.package else []
        if level - 1 > len(parts):
            return None
        base = parts[: len(parts) - (level - 1)]
        if module:
            base.append(module)
        return ".".join(base) or None

    # pass 1: bindings and definitions, scope by scope

    def declare(self, body: list[ast.stmt], scope: _Scope) -> list[tuple[ast.AST, _Scope]]:
        """Bind the names ``body`` binds in ``scope``; returns the nested scopes to walk."""
        nested: list[tuple[ast.AST, _Scope]] = []
        for stmt in body:
            self.declare_stmt(stmt, scope, nested)
        return nested

    def declare_stmt(
        self, stmt: ast.stmt, scope: _Scope, nested: list[tuple[ast.AST, _Scope]]
    ) -> None:
        if self.hints.walrus:  # ``(x := v)`` anywhere in what this scope evaluates binds x here
            for evaluated in _outer_expressions(stmt):
                for sub in ast.walk(evaluated):
                    if isinstance(sub, ast.NamedExpr) and isinstance(sub.target, ast.Name):
                        scope.bind(sub.target.id, _Binding("unknown"))
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if scope.kind == "function" and self.hints.nonlocals:  # ``nonlocal x`` rebinds this x
                for node in ast.walk(stmt):
                    if isinstance(node, ast.Nonlocal):
                        for name in node.names:
                            scope.bind(name, _Binding("unknown"))
            prefix = "" if scope.kind == "module" else f"{scope.key}."
            key = self.ident(prefix + stmt.name)
            scope.bind(stmt.name, _Binding("def", key))
            if scope.kind == "module" and len(scope.bindings[stmt.name]) == 1:
                self.name_lines[stmt.name] = stmt.lineno
            inner = _Scope("function", key, scope)
            args = stmt.args
            positional = [*args.posonlyargs, *args.args]
            static = any(_last(d) == "staticmethod" for d in stmt.decorator_list)
            method = scope.kind == "class" and bool(positional) and not static
            if method:
                inner.class_key = scope.key
            defaults: list[ast.expr | None] = [None] * (len(positional) - len(args.defaults))
            defaults.extend(args.defaults)
            params: list[ParamSpec] = []
            for arg, default in zip(positional, defaults, strict=True):
                params.append(
                    ParamSpec(arg.arg, ParamKind.POSITIONAL, self.term_of(default, scope))
                )
            if args.vararg is not None:
                params.append(ParamSpec(args.vararg.arg, ParamKind.VAR_POSITIONAL))
            for arg, kw_default in zip(args.kwonlyargs, args.kw_defaults, strict=True):
                params.append(
                    ParamSpec(arg.arg, ParamKind.KEYWORD, self.term_of(kw_default, scope))
                )
            if args.kwarg is not None:
                params.append(ParamSpec(args.kwarg.arg, ParamKind.VAR_KEYWORD))
            for param in params:
                inner.bind(param.name, _Binding("param", key))
            self.functions[key] = FunctionSummary(
                key,
                stmt.lineno,
                tuple(params),
                class_key=scope.key if method else None,
                parent=scope.key if scope.kind == "function" else None,
                classmethod=any(_last(d) == "classmethod" for d in stmt.decorator_list),
            )
            if stmt.decorator_list:
                self.escapes.append((f"{self.module}.{key}", _FROM_OUTSIDE))
            nested.append((stmt, inner))
            return
        if isinstance(stmt, ast.ClassDef):
            prefix = "" if scope.kind == "module" else f"{scope.key}."
            key = self.ident(prefix + stmt.name)
            scope.bind(stmt.name, _Binding("def", key))
            if scope.kind == "module" and len(scope.bindings[stmt.name]) == 1:
                self.name_lines[stmt.name] = stmt.lineno
            inner = _Scope("class", key, scope)
            self.classes[key] = ClassSummary(key, stmt.lineno, (), nested=scope.kind != "module")
            if stmt.decorator_list:
                self.escapes.append((f"{self.module}.{key}", _FROM_OUTSIDE))
            nested.append((stmt, inner))
            return
        if isinstance(stmt, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            value = stmt.value if not isinstance(stmt, ast.AugAssign) else None
            for target in targets:
                self.bind_target(target, scope, value if isinstance(target, ast.Name) else None)
                if (
                    scope.kind == "module"
                    and isinstance(target, ast.Name)
                    and target.id == "__all__"
                ):
                    self.read_all(stmt)
            if isinstance(stmt, ast.AugAssign) and _is_all(stmt.target) and scope.kind == "module":
                self.all_dynamic = True
            if isinstance(stmt, ast.AnnAssign) and stmt.value is None:
                return
            for target in targets:
                if (
                    scope.kind == "module"
                    and isinstance(target, ast.Name)
                    and len(scope.bindings.get(target.id, ())) == 1
                ):
                    self.name_lines[target.id] = stmt.lineno
            return
        if isinstance(stmt, ast.Import):
            for alias in stmt.names:
                if alias.asname:
                    scope.bind(alias.asname, _Binding("import", symbols.canonical(alias.name)))
                    name = alias.asname
                else:
                    name = alias.name.split(".")[0]
                    scope.bind(name, _Binding("import", symbols.canonical(name)))
                if scope.kind == "module" and len(scope.bindings[name]) == 1:
                    self.name_lines[name] = stmt.lineno
            return
        if isinstance(stmt, ast.ImportFrom):
            base = self.absolute(stmt.module, stmt.level)
            for alias in stmt.names:
                if alias.name == "*":
                    if base is not None and scope.kind == "module":
                        self.stars.append(symbols.canonical(base))
                    scope.module_star = True
                    continue
                name = alias.asname or alias.name
                if base is None:
                    scope.bind(name, _Binding("unknown"))
                else:
                    imported = symbols.canonical(f"{base}.{alias.name}")
                    scope.bind(name, _Binding("import", imported))
                if scope.kind == "module" and len(scope.bindings[name]) == 1:
                    self.name_lines[name] = stmt.lineno
            return
        if isinstance(stmt, (ast.Global, ast.Nonlocal)):
            for name in stmt.names:
                scope.bind(name, _Binding("unknown"))
                self.module_scope.bind(name, _Binding("unknown"))
            return
        if isinstance(stmt, ast.Delete):
            for target in stmt.targets:
                self.bind_target(target, scope, None)
            return
        if isinstance(stmt, (ast.For, ast.AsyncFor)):
            self.bind_target(stmt.target, scope, None)
        elif isinstance(stmt, (ast.With, ast.AsyncWith)):
            for item in stmt.items:
                if item.optional_vars is not None:
                    self.bind_target(item.optional_vars, scope, None)
        elif isinstance(stmt, (ast.Try, getattr(ast, "TryStar", ast.Try))):
            for handler in getattr(stmt, "handlers", ()):
                if handler.name:
                    scope.bind(handler.name, _Binding("unknown"))
        elif isinstance(stmt, ast.Match):
            for case in stmt.cases:
                for node in ast.walk(case.pattern):
                    capture = getattr(node, "name", None) or getattr(node, "rest", None)
                    if isinstance(capture, str):
                        scope.bind(capture, _Binding("unknown"))
        for child in ast.iter_child_nodes(stmt):
            if isinstance(child, ast.stmt):
                self.declare_stmt(child, scope, nested)
            elif isinstance(child, (ast.ExceptHandler, ast.match_case)):
                for inner_stmt in child.body:
                    self.declare_stmt(inner_stmt, scope, nested)

    def bind_target(self, target: ast.expr, scope: _Scope, value: ast.expr | None) -> None:
        if isinstance(target, ast.Name):
            if value is not None:
                scope.bind(target.id, _Binding("value", expr=value, scope=scope))
            else:
                scope.bind(target.id, _Binding("unknown"))
        elif isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                self.bind_target(element, scope, None)
        elif isinstance(target, ast.Starred):
            self.bind_target(target.value, scope, None)

    def read_all(self, stmt: ast.stmt) -> None:
        value = getattr(stmt, "value", None)
        if (
            self.all_names is None
            and isinstance(value, (ast.List, ast.Tuple))
            and all(isinstance(e, ast.Constant) and isinstance(e.value, str) for e in value.elts)
        ):
            self.all_names = tuple(e.value for e in value.elts)  # type: ignore[attr-defined]
        else:
            self.all_dynamic = True

    # values

    def lookup(self, name: str, scope: _Scope, depth: int = 0) -> Term:
        for current in _visible_scopes(scope):
            bindings = current.bindings.get(name)
            if bindings:
                return self.of_bindings(name, bindings, current, depth)
            if current.kind == "module" and current.module_star:
                return TRef(f"{self.module}.{name}")  # the judge looks in the star imports
        return TRef(f"builtins.{name}")

    def candidates(self, expr: ast.expr, scope: _Scope) -> list[str]:
        """Every absolute name an ambiguous name or attribute chain may stand for: each of the
        imports and definitions binding its root, and what a project star import may bind."""
        parts: list[str] = []
        node = expr
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if not isinstance(node, ast.Name):
            return []
        suffix = "".join(f".{p}" for p in reversed(parts))
        for current in _visible_scopes(scope):
            bindings = current.bindings.get(node.id)
            if bindings or (current.kind == "module" and current.module_star):
                found = []
                for binding in bindings or ():
                    if binding.kind == "import":
                        found.append(binding.target + suffix)
                    elif binding.kind == "def":
                        found.append(f"{self.module}.{binding.target}{suffix}")
                if current.kind == "module":
                    found.extend(f"{star}.{node.id}{suffix}" for star in self.stars)
                return [symbols.canonical(name) for name in found]
        return []

    def star_variants(self, expr: ast.expr, scope: _Scope) -> list[str]:
        """What a module-level name may be instead, when a project star import can rebind it."""
        stars = [star for star in self.stars if not _outside(star)]
        if not stars:
            return []
        chain = _chain(expr)
        if chain is None:
            return []
        root, _, rest = chain.partition(".")
        current: _Scope | None = scope
        while current is not None and root not in current.bindings:
            current = current.parent
        if current is None or current.kind != "module":
            return []
        suffix = f".{rest}" if rest else ""
        return [f"{star}.{root}{suffix}" for star in stars]

    def of_bindings(self, name: str, bindings: list[_Binding], scope: _Scope, depth: int) -> Term:
        key = (scope, name)  # the scope itself: an id may be reused once a scope is gone
        if key in self.cache:
            return self.cache[key]
        self.cache[key] = _REBOUND  # a cycle (a = b; b = a)
        terms = [self.of_binding(name, b, scope, depth) for b in bindings]
        first = terms[0]
        result = first if all(t == first for t in terms[1:]) else _REBOUND
        if scope.kind == "module" and isinstance(result, (TExpr,)) and len(bindings) == 1:
            result = TExpr(result.text, result.env, f"{self.module}.{name}")
        self.cache[key] = result
        return result

    def of_binding(self, name: str, binding: _Binding, scope: _Scope, depth: int) -> Term:
        if binding.kind == "param":
            return TParam(binding.target, name)
        if binding.kind == "import":
            return TRef(binding.target)
        if binding.kind == "def":
            return TRef(f"{self.module}.{binding.target}")
        if binding.kind == "value" and binding.expr is not None and binding.scope is not None:
            if scope.kind == "module":
                return TRef(f"{self.module}.{name}")  # the judge reads the constant
            return self.term(binding.expr, binding.scope, depth + 1)
        return _REBOUND if binding.kind == "unknown" else _UNKNOWN_ARGUMENT

    def term_of(self, expr: ast.expr | None, scope: _Scope) -> Term | None:
        return None if expr is None else self.term(expr, scope)

    def term(self, expr: ast.expr, scope: _Scope, depth: int = 0) -> Term:
        if depth > _MAX_DEPTH:
            return TUnknown(UnknownReason.BUDGET.value)
        if isinstance(expr, ast.Constant):
            value = expr.value
            if value is None or isinstance(value, (str, int, float, bool)):
                return TLit(value)
            return _UNKNOWN_ARGUMENT
        if (
            isinstance(expr, ast.UnaryOp)
            and isinstance(expr.op, (ast.USub, ast.UAdd))
            and isinstance(expr.operand, ast.Constant)
            and isinstance(expr.operand.value, (int, float))
            and not isinstance(expr.operand.value, bool)
        ):
            value = expr.operand.value
            return TLit(-value if isinstance(expr.op, ast.USub) else value)
        if isinstance(expr, ast.Name):
            return self.lookup(expr.id, scope, depth)
        if isinstance(expr, ast.Attribute):
            base = self.term(expr.value, scope, depth + 1)
            if isinstance(base, TRef):
                return TRef(symbols.canonical(f"{base.name}.{expr.attr}"))
            return _UNKNOWN_ARGUMENT
        if isinstance(expr, ast.Call):
            # Kept only when the analysis can read it: a Keras constructor (an initializer, an
            # activation layer) or dict(...); any other call's value is not known statically.
            func = self.term(expr.func, scope, depth + 1)
            if not (
                isinstance(func, TRef)
                and (func.name == "builtins.dict" or symbols.classify(func.name) is not None)
            ):
                return _UNKNOWN_ARGUMENT
        if isinstance(expr, (ast.Call, ast.Dict, ast.List, ast.Tuple, ast.Set)):
            text = ast.unparse(expr)
            if len(text) > _MAX_EXPRESSION:
                return _UNKNOWN_ARGUMENT
            env: dict[str, Term] = {}
            for node in ast.walk(expr):
                if isinstance(
                    node,
                    (ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp,
                     ast.NamedExpr, ast.Await, ast.Yield, ast.YieldFrom),
                ):  # fmt: skip
                    return _UNKNOWN_ARGUMENT
                if isinstance(node, ast.Name) and node.id not in env:
                    env[node.id] = self.lookup(node.id, scope, depth + 1)
            return TExpr(text, tuple(sorted(env.items())))
        return _UNKNOWN_ARGUMENT

    # pass 2: calls and escapes

    def walk_body(self, body: list[ast.stmt], scope: _Scope, loop: bool = False) -> None:
        nested = self.declare(body, scope) if scope.kind != "module" else []
        for stmt in body:
            self.walk_stmt(stmt, scope, loop)
        for node, inner in nested:
            self.walk_definition(node, inner)

    def walk_definition(self, node: ast.AST, inner: _Scope) -> None:
        if isinstance(node, ast.ClassDef):
            summary = self.classes[inner.key or ""]
            summary.bases = tuple(self.term(b, inner.parent or inner) for b in node.bases)
            nested = self.declare(node.body, inner)
            for stmt in node.body:
                self.walk_stmt(stmt, inner, False)
            for child, child_scope in nested:
                self.walk_definition(child, child_scope)
            return
        assert isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        nested = self.declare(node.body, inner)
        function = self.functions[inner.key or ""]
        for param in function.params:
            if len(inner.bindings.get(param.name, ())) > 1:
                function.changed[param.name] = UnknownReason.REBOUND_NAME.value
        for stmt in node.body:
            self.walk_stmt(stmt, inner, False)
        for child, child_scope in nested:
            self.walk_definition(child, child_scope)

    def param_changed(self, target: ast.expr, where: _Scope) -> None:
        """``p.x = v``, ``p[k] = v``, ``del p.x``, ``p.update(...)``: when ``p`` is a function's
        parameter (in its body or in a closure inside it), its value is not the callers'."""
        if not isinstance(target, ast.Name):
            return
        for current in _visible_scopes(where):
            bindings = current.bindings.get(target.id)
            if bindings:
                if current.kind == "function" and any(b.kind == "param" for b in bindings):
                    function = self.functions.get(current.key or "")
                    if function is not None:
                        function.changed.setdefault(target.id, _DYNAMIC)
                return

    def walk_stmt(self, stmt: ast.stmt, scope: _Scope, loop: bool) -> None:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for expr in [*stmt.decorator_list, *stmt.args.defaults]:
                self.walk_expr(expr, scope, loop)
            for default in stmt.args.kw_defaults:
                if default is not None:
                    self.walk_expr(default, scope, loop)
            return
        if isinstance(stmt, ast.ClassDef):
            for expr in stmt.decorator_list:
                self.walk_expr(expr, scope, loop)
            for keyword in stmt.keywords:
                self.walk_expr(keyword.value, scope, loop)
            return  # the bases are read as bases, not as uses
        inner_loop = loop or isinstance(stmt, (ast.For, ast.AsyncFor, ast.While))
        for child in ast.iter_child_nodes(stmt):
            if isinstance(child, ast.stmt):
                self.walk_stmt(child, scope, inner_loop)
            elif isinstance(child, (ast.ExceptHandler, ast.match_case)):
                for _field, value in ast.iter_fields(child):
                    if isinstance(value, ast.expr):
                        self.walk_expr(value, scope, loop)
                for inner_stmt in child.body:
                    self.walk_stmt(inner_stmt, scope, inner_loop)
            elif isinstance(child, ast.expr):
                self.walk_expr(child, scope, loop)
            elif isinstance(child, ast.withitem):
                self.walk_expr(child.context_expr, scope, loop)
                if child.optional_vars is not None:  # ``with f() as cfg.x``: a store
                    self.walk_expr(child.optional_vars, scope, loop)

    def walk_expr(self, root: ast.expr, scope: _Scope, loop: bool) -> None:
        stack: list[tuple[ast.AST, _Scope, bool, bool]] = [(root, scope, loop, False)]
        while stack:
            node, where, in_loop, callee = stack.pop()
            if isinstance(node, ast.Lambda):
                hidden = _Scope("hidden", None, where)
                for arg in _lambda_names(node.args):
                    hidden.bind(arg, _Binding("unknown"))
                for default in [*node.args.defaults, *(d for d in node.args.kw_defaults if d)]:
                    stack.append((default, where, in_loop, False))
                stack.append((node.body, hidden, in_loop, False))
                continue
            if isinstance(node, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
                hidden = _Scope("hidden", None, where)
                for generator in node.generators:
                    self.bind_target(generator.target, hidden, None)
                for child in ast.iter_child_nodes(node):
                    stack.append((child, hidden, True, False))
                continue
            if isinstance(node, ast.comprehension):
                for child in ast.iter_child_nodes(node):
                    stack.append((child, where, True, False))
                continue
            if isinstance(node, ast.Call):
                if isinstance(node.func, ast.Attribute) and node.func.attr in _MUTATING_METHODS:
                    self.param_changed(node.func.value, where)
                self.record_call(node, where, in_loop)
                if not self.is_super_init(node.func):
                    stack.append((node.func, where, in_loop, True))
                for argument in node.args:
                    stack.append((argument, where, in_loop, False))
                for keyword in node.keywords:
                    stack.append((keyword.value, where, in_loop, False))
                continue
            if isinstance(node, (ast.Name, ast.Attribute)) and isinstance(node.ctx, ast.Load):
                chain = _chain(node)
                if chain is not None:
                    self.class_object_use(node, where)
                    if not callee:
                        term = self.term(node, where)
                        if isinstance(term, TRef) and not _outside(term.name):
                            reason = _DYNAMIC if _is_module_like(node) else _FROM_OUTSIDE
                            self.escapes.append((term.name, reason))
                            for name in self.star_variants(node, where):
                                self.escapes.append((name, _FROM_OUTSIDE))
                        elif isinstance(term, TUnknown):
                            for name in self.candidates(node, where):
                                if not _outside(name):
                                    self.escapes.append((name, _FROM_OUTSIDE))
                        if chain in _REFLECTIVE_CHAINS:
                            self.reflective = True
                    continue
            if isinstance(node, (ast.Attribute, ast.Subscript)) and isinstance(
                node.ctx, (ast.Store, ast.Del)
            ):
                self.param_changed(node.value, where)
                self.store(node, where)
                if _chain(node.value) is not None:  # m.ACT = v does not pass m anywhere
                    if isinstance(node, ast.Subscript):
                        stack.append((node.slice, where, in_loop, False))
                    continue
            for child in ast.iter_child_nodes(node):
                stack.append((child, where, in_loop, False))

    @staticmethod
    def is_super_init(func: ast.expr) -> bool:
        return (
            isinstance(func, ast.Attribute)
            and func.attr == "__init__"
            and isinstance(func.value, ast.Call)
            and isinstance(func.value.func, ast.Name)
            and func.value.func.id == "super"
            and not func.value.args
        )

    def class_object_use(self, node: ast.expr, scope: _Scope) -> None:
        """``cls``, ``type(self)``, ``self.__class__`` in a method: the class may be built
        with any arguments from inside, so its constructor's parameters are not the calls'."""
        method = _enclosing(scope, "function")
        if method is None or method.class_key is None:
            return
        first = next(
            (n for n, bs in method.bindings.items() if any(b.kind == "param" for b in bs)), None
        )
        function = self.functions.get(method.key or "")
        first = function.params[0].name if function is not None and function.params else first
        if (isinstance(node, ast.Attribute) and node.attr == "__class__") or (
            isinstance(node, ast.Name)
            and node.id == first
            and function is not None
            and function.classmethod
        ):
            self.escapes.append((f"{self.module}.{method.class_key}", _FROM_OUTSIDE))

    def store(self, node: ast.Attribute | ast.Subscript, scope: _Scope) -> None:
        """``m.NAME = v``, ``CFG[k] = v``, ``del CFG[k]``: that value is not its binding's."""
        target = node.value
        if isinstance(node, ast.Attribute):
            term = self.term(node, scope)
            reason = UnknownReason.REBOUND_NAME.value
        else:
            term = self.term(target, scope)
            reason = _DYNAMIC
        if isinstance(term, TRef) and not _outside(term.name):
            self.stores.append((term.name, reason))

    def record_call(self, node: ast.Call, scope: _Scope, in_loop: bool) -> None:
        func = node.func
        if isinstance(func, ast.Name) and func.id in _REFLECTIVE_CALLS:
            namespace = func.id in ("globals", "locals", "vars")
            if self.lookup(func.id, scope) == TRef(f"builtins.{func.id}") and not (
                namespace and (node.args or node.keywords)
            ):
                self.reflective = True
        if (
            isinstance(func, ast.Call)
            and isinstance(func.func, ast.Name)
            and func.func.id == "type"
            and func.args
        ):
            method = _enclosing(scope, "function")
            if method is not None and method.class_key is not None:
                self.escapes.append((f"{self.module}.{method.class_key}", _FROM_OUTSIDE))
        if (
            isinstance(func, ast.Attribute)
            and func.attr in _MUTATING_METHODS
            and isinstance(mutated := self.term(func.value, scope), TRef)
            and not _outside(mutated.name)
        ):
            self.stores.append((mutated.name, _DYNAMIC))  # CFG.update(...) from anywhere
        if self.is_super_init(func):
            method = _enclosing(scope, "function")
            if method is not None and method.class_key is not None:
                self.record_call_to(node, scope, in_loop, TRef(""), method.class_key)
            return
        callee = self.term(func, scope)
        if isinstance(callee, TRef) and callee.name in _IMPORTERS:
            argument = node.args[0] if node.args else None
            if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                self.escapes.append((argument.value, _DYNAMIC))
            else:
                self.reflective = True
        elif isinstance(callee, TUnknown) and isinstance(func, (ast.Name, ast.Attribute)):
            for name in self.candidates(func, scope):  # a name bound more than once
                if not _outside(name):
                    self.record_call_to(node, scope, in_loop, TRef(name))
            return
        if not isinstance(callee, TRef) or _outside(callee.name):
            self.record_init_uses(node, scope, in_loop)
            return
        self.record_call_to(node, scope, in_loop, callee)
        for name in self.star_variants(func, scope):
            self.record_call_to(node, scope, in_loop, TRef(name))  # a star import may rebind it

    def record_call_to(
        self,
        node: ast.Call,
        scope: _Scope,
        in_loop: bool,
        callee: Term,
        super_of: str | None = None,
    ) -> None:
        caller = _function_key(scope)
        args: list[Term] = []
        for arg in node.args:
            if isinstance(arg, ast.Starred):
                args.append(TStar(self.term(arg.value, scope)))
            else:
                args.append(self.term(arg, scope))
        keywords: list[tuple[str | None, Term]] = []
        for keyword in node.keywords:
            if keyword.arg is None:
                keywords.append((None, TStar(self.term(keyword.value, scope), double=True)))
            else:
                keywords.append((keyword.arg, self.term(keyword.value, scope)))
        self.calls.append(
            CallSite(
                callee,
                caller,
                self.place_of(node.lineno, node.col_offset + 1),
                tuple(args),
                tuple(keywords),
                super_of=super_of,
                in_loop=in_loop,
            )
        )

    def record_init_uses(self, node: ast.Call, scope: _Scope, in_loop: bool) -> None:
        if _last(node.func) not in _KERNEL_NAMES:
            return
        for keyword in node.keywords:
            if keyword.arg in _INIT_ARGUMENTS and isinstance(
                keyword.value, (ast.Name, ast.Attribute)
            ):
                term = self.term(keyword.value, scope)
                if isinstance(term, TRef):
                    self.init_uses.append((term.name, 2 if in_loop else 1))


# --- helpers ---------------------------------------------------------------------------------


def _last(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Call):
        return _last(node.func)
    return None


def _is_all(node: ast.expr) -> bool:
    return isinstance(node, ast.Name) and node.id == "__all__"


def _chain(node: ast.expr) -> str | None:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


def _is_module_like(node: ast.expr) -> bool:
    """A bare name used as a value: when it names a module, any of its functions may be reached
    (``getattr(module, name)``)."""
    return isinstance(node, ast.Name)


def _outside(name: str) -> bool:
    """A name that cannot be the project's own: builtins, Keras, TensorFlow."""
    return name.startswith("builtins.") or symbols.classify(name) is not None or name == ""


def _visible_scopes(scope: _Scope) -> Iterator[_Scope]:
    """The scopes a name used in ``scope`` is looked up in, innermost first (Python skips the
    bodies of enclosing classes)."""
    current: _Scope | None = scope
    while current is not None:
        if current.kind != "class" or current is scope:
            yield current
        current = current.parent


def _function_key(scope: _Scope) -> str | None:
    current: _Scope | None = scope
    while current is not None:
        if current.kind == "function":
            return current.key
        if current.kind in ("module", "class"):
            return None
        current = current.parent
    return None


def _enclosing(scope: _Scope, kind: str) -> _Scope | None:
    current: _Scope | None = scope
    while current is not None and current.kind != kind:
        current = current.parent
    return current


def _lambda_names(args: ast.arguments) -> Iterator[str]:
    for arg in [*args.posonlyargs, *args.args, *args.kwonlyargs]:
        yield arg.arg
    for star in (args.vararg, args.kwarg):
        if star is not None:
            yield star.arg


def _outer_expressions(stmt: ast.stmt) -> Iterator[ast.expr]:
    """The expressions of a statement evaluated in the scope the statement is in (for a
    ``def`` or ``class``: its decorators, defaults, annotations and bases, not its body)."""
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
        args = stmt.args
        yield from stmt.decorator_list
        yield from args.defaults
        yield from (d for d in args.kw_defaults if d is not None)
        every = [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]
        yield from (a.annotation for a in every if a is not None and a.annotation is not None)
        if stmt.returns is not None:
            yield stmt.returns
        return
    if isinstance(stmt, ast.ClassDef):
        yield from stmt.decorator_list
        yield from stmt.bases
        yield from (keyword.value for keyword in stmt.keywords)
        return
    for child in ast.iter_child_nodes(stmt):
        if isinstance(child, ast.expr):
            yield child
        elif isinstance(child, ast.withitem):
            yield child.context_expr
        elif isinstance(child, ast.ExceptHandler) and child.type is not None:
            yield child.type
        elif isinstance(child, ast.match_case) and child.guard is not None:
            yield child.guard


def _plain_place(line: int, column: int) -> Place:
    return Place(line, column)


def unreadable_summary(
    text: str, module: str, path: str, *, notebook: bool = False
) -> ModuleSummary:
    """The summary of a file (or cells) that does not parse: no calls can be read, so every
    function of the project it may name is taken to be called from outside."""
    return ModuleSummary(
        module=module,
        path=path,
        is_package=False,
        names={},
        name_lines={},
        functions={},
        classes={},
        calls=[],
        escapes=[],
        all_names=None,
        all_dynamic=True,
        stars=(),
        init_uses=[],
        notebook=notebook,
        unreadable=frozenset(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", text)),
    )


def summarize(
    tree: ast.Module,
    module: str,
    path: str,
    *,
    is_package: bool = False,
    place_of: Callable[[int, int], Place] = _plain_place,
    notebook: bool = False,
    hints: SourceHints | None = None,
) -> ModuleSummary:
    """The summary of one parsed module (``place_of`` maps a line and column to a Place;
    ``hints`` says what the source cannot hold, so it is not looked for)."""
    summarizer = _Summarizer(module, path, is_package, place_of)
    if hints is not None:
        summarizer.hints = hints
    scope = summarizer.module_scope
    nested = summarizer.declare(tree.body, scope)
    for stmt in tree.body:
        summarizer.walk_stmt(stmt, scope, False)
    for node, inner in nested:
        summarizer.walk_definition(node, inner)
    names: dict[str, Term] = {}
    for name, bindings in scope.bindings.items():
        if len(bindings) == 1 and bindings[0].kind == "value" and bindings[0].expr is not None:
            term = summarizer.term(bindings[0].expr, scope)
            if isinstance(term, TExpr):
                term = TExpr(term.text, term.env, f"{module}.{name}")
            names[name] = term
        elif all(b.kind == "value" for b in bindings):
            names[name] = _REBOUND
        else:
            names[name] = summarizer.of_bindings(name, bindings, scope, 0)
    return ModuleSummary(
        module=module,
        path=path,
        is_package=is_package,
        names=names,
        name_lines=summarizer.name_lines,
        functions=summarizer.functions,
        classes=summarizer.classes,
        calls=summarizer.calls,
        escapes=summarizer.escapes,
        all_names=summarizer.all_names,
        all_dynamic=summarizer.all_dynamic,
        stars=tuple(summarizer.stars),
        init_uses=summarizer.init_uses,
        notebook=notebook,
        stores=summarizer.stores,
        reflective=summarizer.reflective,
    )
