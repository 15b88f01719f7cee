"""Why a kernel layer stays undecided, and whether that matters (``--show-unknown``, ``--statistics``).

The walk (:mod:`kaiming_lint.flow`, :mod:`kaiming_lint.pairing`) gives every path it cannot follow
a reason as it goes (see :class:`kaiming_lint.paths.Outcomes`). What it cannot say by itself is
*why* a value did not resolve: an ``activation=`` argument, the callee of ``act(x)``, an
initializer. That is read here, from the resolver's bindings, after the fact (only for what
stayed unknown, so a decided file pays nothing):

* a parameter whose default does not apply (its callers are not all seen): ``parameter-from-outside``
  (``*args``/``**kwargs`` parameters too);
* a name bound more than once (or by ``for``/``with``/``except``, ``global``): ``rebound-name``;
* a name that only a star import from outside Keras could bind: ``star-import``;
* ``getattr(...)``, ``obj.attr`` of an unknown ``obj``, ``d[key]``, ``self.attr`` never assigned
  in the class: ``dynamic-attribute``;
* ``a if c else b``: ``branches-disagree``;
* ``**kwargs`` that do not resolve, literals of the wrong type, unknown initializer strings and
  dict configs: ``unknown-argument``;
* a function or class of the user's own, of another library, a ``Lambda``, or a module of the
  user's package (``from .blocks import act``): ``call-to-user-code`` when the tensor goes into
  it, ``unknown-argument`` when it gives an initializer or a flag.

:func:`undecided` says which undecided layers a user should see: those some rule could report
if the unknown part were known.
"""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst

from kaiming_lint import knowledge, symbols
from kaiming_lint.facts import LayerFacts, Pairing
from kaiming_lint.paths import Outcomes
from kaiming_lint.resolve import (
    UNKNOWN,
    Binding,
    BindingKind,
    Lit,
    Node,
    Scope,
    ScopeKind,
    Sym,
    child_nodes,
)
from kaiming_lint.results import UnknownReason
from kaiming_lint.symbols import SymbolKind
from kaiming_lint.values import Interpreter, call_arguments

__all__ = [
    "activation_reason",
    "argument_reason",
    "layer_reason",
    "object_reason",
    "step_reason",
    "undecided",
]

_MAX_DEPTH = 12
# Builtins that reach values by a name computed at run time.
_DYNAMIC = frozenset(
    {"builtins.getattr", "builtins.vars", "builtins.globals", "builtins.locals", "builtins.eval"}
)
_USER_CODE = UnknownReason.CALL_TO_USER_CODE
# Nodes whose children may hold statements.
_BLOCKS = (
    cst.BaseCompoundStatement,
    cst.BaseSuite,
    cst.SimpleStatementLine,
    cst.Else,
    cst.ExceptHandler,
    cst.Finally,
)
_ARGUMENT = UnknownReason.UNKNOWN_ARGUMENT


# --- a layer -----------------------------------------------------------------------------------


def layer_reason(
    facts: LayerFacts, outcomes: Outcomes, call: cst.Call, scope: Scope, interpreter: Interpreter
) -> UnknownReason | None:
    """Why the layer built by ``call`` is not fully decided; None when everything resolved.

    An unknown pairing gives the reason its paths recorded; otherwise the first of the weight
    initializer, the bias initializer and ``use_bias`` that did not resolve gives its reason.
    """
    if facts.pairing is Pairing.UNKNOWN:
        return outcomes.reason or UnknownReason.VALUE_ESCAPES
    pending = []
    if facts.weight is not None and facts.weight.category == "unknown":
        pending.append(facts.weight_arg)
    if facts.bias is not None and facts.bias.category == "unknown":
        pending.append(knowledge.BIAS_ARGUMENT)
    if facts.use_bias is None:
        pending.append(knowledge.USE_BIAS_ARGUMENT)
    if not pending:
        return None
    positional = knowledge.POSITIONAL_PARAMETERS.get(facts.layer, ())
    args, _ = call_arguments(call, positional, scope, interpreter)
    for name in pending:
        if name in args:
            return argument_reason(args[name].value, args[name].scope, interpreter, _ARGUMENT)
    return _ARGUMENT  # behind *args or **kwargs that do not resolve


def activation_reason(
    call: cst.Call, layer: str, scope: Scope, interpreter: Interpreter
) -> UnknownReason:
    """Why the ``activation=`` of the kernel layer built by ``call`` is not known."""
    positional = knowledge.POSITIONAL_PARAMETERS.get(layer, ())
    args, _ = call_arguments(call, positional, scope, interpreter)
    given = args.get(knowledge.ACTIVATION_ARGUMENT)
    if given is None:
        return _ARGUMENT  # it may be behind *args or **kwargs
    return object_reason(given.value, given.scope, interpreter)


def undecided(facts: LayerFacts, strict_normalized: bool = True) -> bool:
    """Whether some rule could report the layer if what stayed unknown were known.

    * an unknown pairing matters unless no ReLU finding is possible whatever it is: a He
      weight initializer and no nonzero bias in use (none given, zeros, or ``use_bias=False``);
    * a ReLU (or, with ``strict_normalized``, a normalized) pairing matters when the weight
      initializer did not resolve (KAI001/KAI002/KAI004 hang on it), the bias initializer did
      not while a bias may be used (KAI003), or ``use_bias`` did not while a nonzero bias is
      given (KAI003 needs it decided);
    * a "none" pairing is decided: no ReLU finding can hang on it.

    KAI004 and KAI005 do not depend on the pairing; an unresolved initializer is never
    reported by them either, so it counts here only next to a ReLU.
    """
    bias = facts.bias
    if facts.pairing is Pairing.NONE:
        return False
    nonzero_bias = bias is not None and not _is_zeros(facts)
    if facts.pairing is Pairing.UNKNOWN:
        he = facts.weight is not None and facts.weight.category == knowledge.HE
        return not (he and (not nonzero_bias or facts.use_bias is False))
    if facts.pairing is Pairing.NORMALIZED and not strict_normalized:
        return False
    weight_open = facts.weight is not None and facts.weight.category == "unknown"
    bias_open = bias is not None and bias.category == "unknown" and facts.use_bias is not False
    use_bias_open = facts.use_bias is None and nonzero_bias
    return weight_open or bias_open or use_bias_open


def _is_zeros(facts: LayerFacts) -> bool:
    bias = facts.bias
    return bias is not None and bias.category == knowledge.CONSTANT and bias.constant_value == 0.0


# --- a step ------------------------------------------------------------------------------------


def step_reason(call: cst.Call, scope: Scope, interpreter: Interpreter) -> UnknownReason:
    """Why it is not known what ``call`` does to a tensor passed to it (``act(x)``, ``F()(x)``)."""
    func = call.func
    if isinstance(func, cst.Call):
        return _layer_object_reason(func, scope, interpreter)
    value = interpreter.resolver.resolve(func, scope)
    if isinstance(value, Sym):
        symbol = symbols.classify(value.qualname)
        if (
            symbol is not None
            and symbol.kind is SymbolKind.ACTIVATION
            and symbol.name in interpreter.relu_names
        ):
            return _slope_reason(call, ("x", "negative_slope"), scope, interpreter)
    return object_reason(func, scope, interpreter)


def object_reason(
    expr: cst.BaseExpression, scope: Scope, interpreter: Interpreter
) -> UnknownReason:
    """Why ``expr``, used as a step (an activation, a layer object), is not known."""
    value = interpreter.resolver.resolve(expr, scope)
    if isinstance(value, Node) and isinstance(value.expr, cst.Call):
        return _layer_object_reason(value.expr, value.scope, interpreter)
    return argument_reason(expr, scope, interpreter, _USER_CODE)


def _layer_object_reason(ctor: cst.Call, scope: Scope, interpreter: Interpreter) -> UnknownReason:
    """Why the object ``ctor`` builds is not a known step."""
    name = symbols.layer_name(interpreter.resolver.symbol(ctor.func, scope))
    if name is None:
        return _callee_reason(ctor.func, scope, interpreter, _USER_CODE, 0)
    if name in knowledge.RELU_LAYERS:
        return _slope_reason(
            ctor, knowledge.POSITIONAL_PARAMETERS.get(name, ()), scope, interpreter
        )
    if name == knowledge.ACTIVATION_LAYER:
        args, _ = call_arguments(ctor, (knowledge.ACTIVATION_ARGUMENT,), scope, interpreter)
        given = args.get(knowledge.ACTIVATION_ARGUMENT)
        if given is None:
            return _ARGUMENT
        return object_reason(given.value, given.scope, interpreter)
    return _USER_CODE  # Lambda, wrappers, a bare Layer: they run code of their own


def _slope_reason(
    call: cst.Call, positional: tuple[str, ...], scope: Scope, interpreter: Interpreter
) -> UnknownReason:
    args, _ = call_arguments(call, positional, scope, interpreter)
    for keyword in knowledge.SLOPE_KEYWORDS:
        if keyword in args:
            given = args[keyword]
            return argument_reason(given.value, given.scope, interpreter, _ARGUMENT)
    return _ARGUMENT


# --- a value -----------------------------------------------------------------------------------


def argument_reason(
    expr: cst.BaseExpression,
    scope: Scope,
    interpreter: Interpreter,
    other: UnknownReason = _ARGUMENT,
    depth: int = 0,
) -> UnknownReason:
    """Why the value of ``expr`` is not known; ``other`` when it is code or data we cannot read.

    ``other`` is ``call-to-user-code`` for a step (the tensor goes into it), else
    ``unknown-argument``.
    """
    if depth > _MAX_DEPTH:
        return other
    value = interpreter.resolver.resolve(expr, scope)
    if value is UNKNOWN:
        return _unresolved(expr, scope, interpreter, other, depth)
    if isinstance(value, Lit):
        return _ARGUMENT  # a literal of the wrong kind, an initializer name we do not know
    if isinstance(value, Node):
        node = value.expr
        if isinstance(node, cst.Call):
            return _call_reason(node, value.scope, interpreter, other, depth)
        if isinstance(node, cst.IfExp):
            return UnknownReason.BRANCHES_DISAGREE
        if isinstance(node, cst.Subscript):
            return UnknownReason.DYNAMIC_ATTRIBUTE
        if isinstance(node, cst.Dict):
            return _ARGUMENT
    return other  # a function or class of the user's own, a name of another library


def _call_reason(
    call: cst.Call, scope: Scope, interpreter: Interpreter, other: UnknownReason, depth: int
) -> UnknownReason:
    """Why the value a call returns (an initializer, an activation) is not known."""
    value = interpreter.resolver.resolve(call.func, scope)
    if not isinstance(value, Sym):
        return _callee_reason(call.func, scope, interpreter, other, depth)
    if value.qualname in _DYNAMIC:
        return UnknownReason.DYNAMIC_ATTRIBUTE
    symbol = symbols.classify(value.qualname)
    if symbol is not None and symbol.kind is SymbolKind.LAYER:
        return _layer_object_reason(call, scope, interpreter)
    for arg in call.args:
        if arg.star:
            return _ARGUMENT
        if interpreter.resolver.resolve(arg.value, scope) is UNKNOWN:
            return _unresolved(arg.value, scope, interpreter, _ARGUMENT, depth + 1)
    return other


def _callee_reason(
    func: cst.BaseExpression,
    scope: Scope,
    interpreter: Interpreter,
    other: UnknownReason,
    depth: int,
) -> UnknownReason:
    """The callee is not Keras: user code, ``getattr(...)``, or a name that does not resolve."""
    value = interpreter.resolver.resolve(func, scope)
    if value is UNKNOWN:
        return _unresolved(func, scope, interpreter, other, depth + 1)
    if isinstance(value, Node) and isinstance(value.expr, cst.Call):
        made_by = interpreter.resolver.resolve(value.expr.func, value.scope)
        if isinstance(made_by, Sym) and made_by.qualname in _DYNAMIC:
            return UnknownReason.DYNAMIC_ATTRIBUTE
    return other


def _unresolved(
    expr: cst.BaseExpression,
    scope: Scope,
    interpreter: Interpreter,
    other: UnknownReason,
    depth: int,
) -> UnknownReason:
    """The resolver found nothing for ``expr``: why, from the bindings of its names."""
    if isinstance(expr, cst.Name):
        owner, bindings = _bindings_of(expr.value, scope)
        if not bindings:
            return UnknownReason.STAR_IMPORT if owner is not None and owner.foreign_star else other
        return _binding_reason(expr.value, owner, bindings, interpreter, other, depth)
    if isinstance(expr, cst.Attribute):
        base = expr.value
        klass = scope.klass
        if isinstance(base, cst.Name) and base.value == scope.self_name and klass is not None:
            attrs = klass.attrs.get(expr.attr.value) or klass.scope.bindings.get(expr.attr.value)
            if not attrs:
                return UnknownReason.DYNAMIC_ATTRIBUTE  # inherited, or set from outside
            return _binding_reason(None, None, attrs, interpreter, other, depth)
        while isinstance(base, cst.Attribute):
            base = base.value
        if isinstance(base, cst.Name):
            owner, bindings = _bindings_of(base.value, scope)
            if not bindings and owner is not None and owner.foreign_star:
                return UnknownReason.STAR_IMPORT
        return UnknownReason.DYNAMIC_ATTRIBUTE
    if isinstance(expr, cst.Subscript):
        return UnknownReason.DYNAMIC_ATTRIBUTE
    return other


def _binding_reason(
    name: str | None,
    owner: Scope | None,
    bindings: list[Binding],
    interpreter: Interpreter,
    other: UnknownReason,
    depth: int,
) -> UnknownReason:
    if len(bindings) > 1:
        return UnknownReason.REBOUND_NAME
    binding = bindings[0]
    if binding.kind is BindingKind.PARAM:
        return UnknownReason.PARAMETER_FROM_OUTSIDE
    if binding.kind is BindingKind.VALUE and binding.expr is not None and binding.scope:
        return argument_reason(binding.expr, binding.scope, interpreter, other, depth + 1)
    if binding.kind is BindingKind.UNKNOWN and name is not None and owner is not None:
        if _star_parameter(name, owner):
            return UnknownReason.PARAMETER_FROM_OUTSIDE
        if _imported_from_own_package(name, owner):
            return other
        return UnknownReason.REBOUND_NAME  # a for/with/except target, global, del
    return other


def _bindings_of(name: str, scope: Scope) -> tuple[Scope | None, list[Binding]]:
    """The scope whose bindings of ``name`` the resolver reads, and those bindings."""
    current: Scope | None = scope
    while current is not None:
        if current.kind is ScopeKind.CLASS and current is not scope:
            current = current.parent
            continue
        found = current.bindings.get(name)
        if found:
            return current, found
        if current.kind is ScopeKind.MODULE:
            return current, []
        current = current.parent
    return None, []


def _star_parameter(name: str, scope: Scope) -> bool:
    node = scope.node
    if not isinstance(node, cst.FunctionDef):
        return False
    params = node.params
    return any(
        isinstance(star, cst.Param) and star.name.value == name
        for star in (params.star_arg, params.star_kwarg)
    )


def _imported_from_own_package(name: str, scope: Scope) -> bool:
    """``from .blocks import name`` (a relative import) binds ``name`` in this scope."""
    for node in _statements(scope.body):
        if isinstance(node, cst.ImportFrom) and (node.relative or node.module is None):
            if isinstance(node.names, cst.ImportStar):
                continue
            for alias in node.names:
                target = alias.asname.name if alias.asname is not None else alias.name
                if isinstance(target, cst.Name) and target.value == name:
                    return True
    return False


def _statements(
    body: list[cst.BaseSmallStatement | cst.BaseCompoundStatement],
) -> Iterator[cst.CSTNode]:
    """The statements of a body and of the blocks inside it, not of nested definitions."""
    stack: list[cst.CSTNode] = list(reversed(body))
    while stack:
        node = stack.pop()
        if isinstance(node, (cst.FunctionDef, cst.ClassDef)):
            continue
        yield node
        if isinstance(node, _BLOCKS):
            stack.extend(reversed(list(child_nodes(node))))
