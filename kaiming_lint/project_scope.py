"""Which modules of the project can bear on the linted ones (design note §10).

The judge's facts about a function, a class or a constant of module ``M`` come from modules that
reach it: a call, an escape, a store, a use of ``M`` as a value. Python reaches another module's
names only through an import that spells the module's name, or the name of a module that
re-exports them (``from .blocks import conv`` makes ``model`` such a module), or, in a relative
import, the name of a package the file is in. So a module whose text holds none of the
*module words* that matter, and sits in none of those packages, cannot change a view, and only
the other modules are summarised. The words (``wanted``) grow to a fixed point:

* the linted modules and their neighbours (the modules that call them or that they call): every
  function, class and constant in them is demanded;
* the functions whose parameters reach a demanded function's calls (the callers' callers), and
  the functions and constants the arguments of those calls and the views' names resolve to;
* a demanded thing's module, and every module that binds a name to it (re-exports, subclasses),
  is wanted by its last name part.

A notebook, and a file that is not UTF-8 (or declares another encoding), is always consulted.
"""

from __future__ import annotations

import ast
import codecs
import re
import unicodedata
from collections.abc import Iterable, Mapping, Set
from typing import Any, Protocol

from kaiming_lint.project_cache import Words
from kaiming_lint.summary import CallSite, ModuleSummary
from kaiming_lint.terms import TDict, Term, TExpr, TRef, TStar, TTuple


class Judge(Protocol):
    """What the closure asks of :class:`kaiming_lint.project.Judge`: names and calls only."""

    modules: Mapping[str, ModuleSummary]

    def module_prefix(self, name: str, depth: int = 0) -> tuple[str, list[str]] | None: ...

    def resolve(self, name: str, depth: int = 0) -> tuple[Any, ...]: ...

    def callee(self, module: ModuleSummary, call: CallSite) -> Any: ...

    def effective_init(self, module_name: str, class_key: str, depth: int = 0) -> Any: ...


__all__ = ["WordIndex", "bearing_modules", "identifiers"]

_IDENTIFIER = re.compile(r"[^\W\d]\w*")
_ASCII_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")  # the same on ASCII text, faster
# Identifiers that name a module by a string: the strings' values count as the file's words.
_BY_STRING = ("import_module", "__import__")
_MAX_DEPTH = 10
_CODING = re.compile(rb"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)")


def identifiers(data: bytes, path: str) -> Words:
    """The identifiers in a file's text (strings and comments included), each once, joined by
    spaces; None when they cannot decide what the file names.

    Identifiers are NFKC-normalised, as Python reads them. In a file that imports modules by
    a string, the values of its string literals count too (``"pkg." "blocks"``, ``"\x62"``).
    """
    if path.endswith(".ipynb") or declares_other_encoding(data):
        return None  # Python reads it in another encoding: the words read here may be wrong
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if text.isascii():
        found = set(_ASCII_IDENTIFIER.findall(text))
    else:
        found = {unicodedata.normalize("NFKC", w) for w in _IDENTIFIER.findall(text)}
    if any(name in found for name in _BY_STRING):
        try:
            tree = ast.parse(text)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return " ".join(found)  # it does not parse: its calls are not read
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                found.update(_IDENTIFIER.findall(node.value))
    return " ".join(found)


def declares_other_encoding(data: bytes) -> bool:
    """Whether the file's first two lines declare an encoding other than UTF-8 (PEP 263), as
    ``# coding: utf-7`` or ``unicode_escape`` may make ASCII bytes spell other names."""
    for line in data.split(b"\n", 2)[:2]:
        found = _CODING.match(line)
        if found is not None:
            try:
                return codecs.lookup(found.group(1).decode("ascii")).name != "utf-8"
            except LookupError:
                return True
    return False


class WordIndex:
    """The modules that spell each word, in their identifiers or as a package they are in (what
    their relative imports reach), made once for a project; ``always``: the modules whose words
    are not known (they may name anything)."""

    def __init__(self, words: Mapping[str, Words], places: Mapping[str, tuple[str, bool]]) -> None:
        self.always = [name for name, found in words.items() if found is None]
        self.spelling: dict[str, list[str]] = {}
        for name, found in words.items():
            if found is None:
                continue
            is_package = places.get(name, ("", False))[1]
            for word in set(found.split()).union(package_words(name, is_package)):
                self.spelling.setdefault(word, []).append(name)


def bearing_modules(judge: Judge, chosen: Set[str], words: WordIndex) -> set[str]:
    """The modules whose summaries can change the views of ``chosen`` and of their neighbours.

    ``judge`` is used for resolving names and binding calls only (it is not the one that judges);
    ``words`` tells which modules spell a word.
    """
    return _Closure(judge, chosen, words).run()


def module_word(name: str) -> str:
    """The identifier an import of a module spells: the last part of its dotted name."""
    return name.rpartition(".")[2]


def package_words(name: str, is_package: bool) -> list[str]:
    """The packages a module is in (what its relative imports reach without naming them)."""
    parts = name.split(".")
    return parts if is_package else parts[:-1]


Entity = tuple[str, str]  # (module, function key | constant name | "" for the module itself)


def bound_entities(judge: Judge, name: str) -> list[Entity]:
    """What a module binding a name to ``name`` (an import, an alias, a base class) hands on."""
    if judge.module_prefix(name) is None:
        return []
    resolved = judge.resolve(name)
    if resolved[0] == "module":
        return [(resolved[1], "")]
    if resolved[0] not in ("def", "constant"):
        return []
    found = [(resolved[1], resolved[2].split(".")[0])]
    if resolved[0] == "def" and resolved[2] in judge.modules[resolved[1]].classes:
        target = judge.effective_init(resolved[1], resolved[2])
        if target is not None:  # ``Big(...)`` runs Head.__init__
            found.append((target.module.module, target.function.key))
    return found


def reach_words(judge: Judge, modules: Iterable[ModuleSummary]) -> dict[Entity, set[str]]:
    """For each module and top-level name: the module words a file must spell (or sit in) to
    reach it, over the binding ``modules``."""
    found: dict[Entity, set[str]] = {}
    for module in modules:
        names = [t.name for t in module.names.values() if isinstance(t, TRef)]
        names += [b.name for k in module.classes.values() for b in k.bases if isinstance(b, TRef)]
        for name in names:
            for entity in bound_entities(judge, name):
                found.setdefault(entity, set()).add(module_word(module.module))
        for star in module.stars:
            found.setdefault((star, ""), set()).add(module_word(module.module))
    return found


class _Closure:
    def __init__(self, judge: Judge, chosen: Set[str], words: WordIndex) -> None:
        self.judge = judge
        self.chosen = chosen
        self.wanted: set[str] = set()
        self.active: set[str] = set()
        self.demanded_modules: set[str] = set()
        self.demanded: set[Entity] = set()  # functions and constants the views depend on
        self.bound: dict[Entity, list[tuple[ModuleSummary, int]]] = {}  # calls, by callee
        self.binders: dict[Entity, list[str]] = {}  # modules that bind a name to it
        self.scan_queue: list[str] = []
        self.words = words
        for name in chosen:
            self.activate(name)

    def run(self) -> set[str]:
        for name in self.chosen:
            self.demand_module(name)
        while self.scan_queue:
            self.scan(self.scan_queue.pop())
        return self.active

    # growing the sets

    def activate(self, name: str) -> None:
        if name not in self.active and name in self.judge.modules:
            self.active.add(name)
            self.scan_queue.append(name)

    def want(self, module: str) -> None:
        word = module_word(module)
        if word in self.wanted:
            return
        if not self.wanted:  # the files whose words are not known may name anything
            for name in self.words.always:
                self.activate(name)
        self.wanted.add(word)
        for name in self.words.spelling.get(word, ()):
            self.activate(name)

    def demand_module(self, name: str) -> None:
        if name in self.demanded_modules or name not in self.judge.modules:
            return
        self.demanded_modules.add(name)
        self.activate(name)
        self.demand((name, ""))
        module = self.judge.modules[name]
        for key in module.names:
            self.demand((name, key))
        for ref in refs_of(module):
            self.demand_ref(ref)
        for key in module.functions:
            self.demand_function(module, key)

    def demand(self, entity: Entity) -> None:
        """Something of a module the views depend on: the module is wanted, and so is every
        module binding a name to it."""
        if entity in self.demanded:
            return
        self.demanded.add(entity)
        self.want(entity[0])
        if entity[1]:
            top = entity[1].split(".")[0].split("#")[0]
            self.demand((entity[0], top if top != entity[1] else ""))
        for binder in self.binders.get(entity, ()):
            self.demand((binder, ""))  # what star-imports or aliases the binder reaches it too

    def demand_function(self, module: ModuleSummary, key: str) -> None:
        pending = [(module, key)]
        while pending:
            module, key = pending.pop()
            entity = (module.module, key)
            if entity in self.demanded or key not in module.functions:
                continue
            self.demand(entity)
            function = module.functions[key]
            for param in function.params:
                if param.default is not None:
                    self.demand_term(param.default)
            if function.parent is not None:
                pending.append((module, function.parent))
            for caller, index in self.bound.get(entity, ()):
                pending.extend(self.reach(caller, index))

    def reach(self, caller: ModuleSummary, index: int) -> list[tuple[ModuleSummary, str]]:
        """A call of a demanded function: what its arguments name is demanded, and so is the
        function it is in."""
        call = caller.calls[index]
        for term in [*call.args, *(value for _, value in call.keywords)]:
            self.demand_term(term)
        if call.caller is not None and call.caller in caller.functions:
            return [(caller, call.caller)]
        return []

    def demand_term(self, term: Term) -> None:
        for ref in _term_refs(term):
            self.demand_ref(ref)

    def demand_ref(self, name: str, depth: int = 0) -> None:
        """A project name a view or a demanded call depends on: what it resolves to (a
        constant's value included), and the module it is written through."""
        found = self.judge.module_prefix(name)
        if found is None or depth > _MAX_DEPTH:
            return
        resolved = self.judge.resolve(name)
        if resolved[0] == "def":
            module = self.judge.modules[resolved[1]]
            self.demand((resolved[1], resolved[2]))
            if resolved[2] in module.functions:
                self.demand_function(module, resolved[2])
        elif resolved[0] == "constant":
            self.demand((resolved[1], resolved[2]))
            for ref in _term_refs(resolved[3]):
                self.demand_ref(ref, depth + 1)
        else:
            return
        self.want(found[0])  # ``pkg.ACT``: a store through ``pkg`` changes it too

    # one module's facts

    def scan(self, name: str) -> None:
        module = self.judge.modules[name]
        for term in module.names.values():
            if isinstance(term, TRef):
                self.bind_name(name, term.name)
        for klass in module.classes.values():
            for base in klass.bases:
                if isinstance(base, TRef):
                    self.bind_name(name, base.name)
        for star in module.stars:
            if star in self.judge.modules:
                self.bind(name, (star, ""))
        for index, call in enumerate(module.calls):
            target = self.judge.callee(module, call)
            if target is None:
                continue
            key = (target.module.module, target.function.key)
            self.bound.setdefault(key, []).append((module, index))
            if target.module.module in self.chosen:
                self.demand_module(name)
            if name in self.chosen:
                self.demand_module(target.module.module)
            if key in self.demanded:
                for caller, function_key in self.reach(module, index):
                    self.demand_function(caller, function_key)

    def bind_name(self, binder: str, name: str) -> None:
        for entity in bound_entities(self.judge, name):
            self.bind(binder, entity)

    def bind(self, binder: str, entity: Entity) -> None:
        self.binders.setdefault(entity, []).append(binder)
        if entity in self.demanded:
            self.demand((binder, ""))


def _term_refs(term: Term) -> list[str]:
    found: list[str] = []
    pending = [term]
    while pending:
        current = pending.pop()
        if isinstance(current, TRef):
            found.append(current.name)
        elif isinstance(current, TExpr):
            pending.extend(inner for _, inner in current.env)
        elif isinstance(current, TTuple):
            pending.extend(current.items)
        elif isinstance(current, TDict):
            pending.extend(inner for _, inner in current.items)
        elif isinstance(current, TStar):
            pending.append(current.value)
    return found


def refs_of(module: ModuleSummary) -> set[str]:
    """The absolute names a module refers to (builtins left out)."""
    found: set[str] = set()

    def visit(term: Term) -> None:
        if isinstance(term, TRef):
            found.add(term.name)
        elif isinstance(term, TExpr):
            for _, inner in term.env:
                visit(inner)
        elif isinstance(term, (TTuple,)):
            for inner in term.items:
                visit(inner)
        elif isinstance(term, TDict):
            for _, inner in term.items:
                visit(inner)
        elif isinstance(term, TStar):
            visit(term.value)

    for term in module.names.values():
        visit(term)
    for call in module.calls:
        visit(call.callee)
    for name, _ in module.escapes:
        found.add(name)
    for name, _ in module.init_uses:
        found.add(name)
    return {name for name in found if name and not name.startswith("builtins.")}
