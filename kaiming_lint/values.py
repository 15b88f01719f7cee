"""Read resolved expressions as Keras things: activations, activation steps, initializers, numbers.

Everything returns "unknown" rather than guess: a value is judged only when it resolves exactly
through literals, imports and names bound once (see :mod:`kaiming_lint.resolve`).
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import libcst as cst

from kaiming_lint import knowledge, symbols
from kaiming_lint.facts import Init
from kaiming_lint.paths import (
    IDENTITY_STEP,
    UNKNOWN_STEP,
    Step,
    StepKind,
    function_step,
    layer_step,
)
from kaiming_lint.resolve import UNKNOWN, Def, Lit, Node, Resolver, Scope, Sym, dotted
from kaiming_lint.symbols import SymbolKind
from kaiming_lint.verdicts import judge_initializer


@dataclass(frozen=True)
class Argument:
    """An argument value found for a parameter: where it came from and in which scope."""

    value: cst.BaseExpression
    scope: Scope
    arg: cst.Arg | None  # the Arg node, when the value is written as an argument


def call_arguments(
    call: cst.Call, positional: tuple[str, ...], scope: Scope, interpreter: Interpreter
) -> tuple[dict[str, Argument], bool]:
    """Map a call's arguments to parameter names; the flag says some could not be read.

    ``**name`` is followed when it resolves to a dict literal or ``dict(...)`` bound once.
    """
    found: dict[str, Argument] = {}
    complete = True
    index = 0
    for arg in call.args:
        if arg.star == "*":
            items = interpreter.star_items(arg.value, scope)
            if items is None:
                complete = False
                continue
            for item in items:
                if index < len(positional):
                    found.setdefault(positional[index], item)
                index += 1
        elif arg.star == "**":
            extra = interpreter.kwargs_dict(arg.value, scope)
            if extra is None:
                complete = False
            else:
                for key, value in extra.items():
                    found.setdefault(key, value)
        elif arg.keyword is not None:
            found[arg.keyword.value] = Argument(arg.value, scope, arg)
        else:
            if index < len(positional):
                found[positional[index]] = Argument(arg.value, scope, arg)
            index += 1
    return found, complete


class Interpreter:
    """Reads activations, steps and initializers through a :class:`Resolver`."""

    def __init__(self, resolver: Resolver, extra_relu: frozenset[str] = frozenset()) -> None:
        self.resolver = resolver
        self.relu_names: dict[str, float] = {
            **{name: 0.0 for name in extra_relu},
            **knowledge.RELU_FUNCTIONS,
        }

    # --- numbers and flags -------------------------------------------------------------------

    def number(self, expr: cst.BaseExpression, scope: Scope, depth: int = 0) -> float | None:
        """The value of a simple numeric expression, computed exactly; None if not constant."""
        if depth > 20:
            return None
        if isinstance(expr, (cst.Integer, cst.Float)):
            return float(expr.evaluated_value)
        if isinstance(expr, cst.UnaryOperation):
            inner = self.number(expr.expression, scope, depth + 1)
            if inner is None:
                return None
            if isinstance(expr.operator, cst.Minus):
                return -inner
            return inner if isinstance(expr.operator, cst.Plus) else None
        if isinstance(expr, cst.BinaryOperation):
            return self._binary(expr, scope, depth)
        if isinstance(expr, cst.Call) and len(expr.args) == 1 and not expr.args[0].keyword:
            func = self.resolver.resolve(expr.func, scope)
            if isinstance(func, Sym) and func.qualname in knowledge.SQRT_FUNCTIONS:
                inner = self.number(expr.args[0].value, scope, depth + 1)
                return math.sqrt(inner) if inner is not None and inner >= 0 else None
            return None
        if isinstance(expr, (cst.Name, cst.Attribute)):
            value = self.resolver.resolve(expr, scope)
            literal = value.value if isinstance(value, Lit) else None
            if isinstance(literal, (int, float)) and not isinstance(literal, bool):
                return float(literal)
            if isinstance(value, Node):
                return self.number(value.expr, value.scope, depth + 1)
        return None

    def _binary(self, expr: cst.BinaryOperation, scope: Scope, depth: int) -> float | None:
        left = self.number(expr.left, scope, depth + 1)
        right = self.number(expr.right, scope, depth + 1)
        if left is None or right is None:
            return None
        operator = expr.operator
        try:
            if isinstance(operator, cst.Add):
                return left + right
            if isinstance(operator, cst.Subtract):
                return left - right
            if isinstance(operator, cst.Multiply):
                return left * right
            if isinstance(operator, cst.Divide):
                return left / right
            if isinstance(operator, cst.Power):
                result = left**right
                return result if isinstance(result, float) else None
        except (ArithmeticError, ValueError):
            return None
        return None

    def literal(self, expr: cst.BaseExpression, scope: Scope) -> object:
        """A literal a name or expression resolves to, or the UNKNOWN marker."""
        value = self.resolver.resolve(expr, scope)
        return value.value if isinstance(value, Lit) else UNKNOWN

    def boolean(self, expr: cst.BaseExpression, scope: Scope) -> bool | None:
        value = self.literal(expr, scope)
        return value if isinstance(value, bool) else None

    def kwargs_dict(self, expr: cst.BaseExpression, scope: Scope) -> dict[str, Argument] | None:
        """The entries of ``**expr`` when it is a dict literal or ``dict(k=v)`` bound once."""
        value = self.resolver.resolve(expr, scope)
        if not isinstance(value, Node):
            return None
        node, where = value.expr, value.scope
        entries: dict[str, Argument] = {}
        if isinstance(node, cst.Dict):
            for element in node.elements:
                if not isinstance(element, cst.DictElement):
                    return None
                key = self.literal(element.key, where)
                if not isinstance(key, str):
                    return None
                entries[key] = Argument(element.value, where, None)
            return entries
        if isinstance(node, cst.Call) and self._is_builtin_dict(node.func, where):
            for arg in node.args:
                if arg.keyword is None or arg.star:
                    return None
                entries[arg.keyword.value] = Argument(arg.value, where, arg)
            return entries
        return None

    def star_items(self, expr: cst.BaseExpression, scope: Scope) -> list[Argument] | None:
        """The elements of ``*expr`` when it is a tuple or list literal bound once."""
        value = self.resolver.resolve(expr, scope)
        if not isinstance(value, Node) or not isinstance(value.expr, (cst.Tuple, cst.List)):
            return None
        items = []
        for element in value.expr.elements:
            if isinstance(element, cst.StarredElement):
                return None
            items.append(Argument(element.value, value.scope, None))
        return items

    def _is_builtin_dict(self, func: cst.BaseExpression, scope: Scope) -> bool:
        value = self.resolver.resolve(func, scope)
        return isinstance(value, Sym) and value.qualname == "builtins.dict"

    # --- activations and steps -----------------------------------------------------------

    def activation(self, expr: cst.BaseExpression, scope: Scope) -> Step:
        """An ``activation=`` value (or an Activation layer's argument)."""
        value = self.resolver.resolve(expr, scope)
        if isinstance(value, Lit):
            if value.value is None:
                return IDENTITY_STEP
            if isinstance(value.value, str):
                return self._function(value.value, value.value, None, scope)
            return UNKNOWN_STEP
        if isinstance(value, Sym):
            symbol = symbols.classify(value.qualname)
            if symbol is not None and symbol.kind is SymbolKind.ACTIVATION:
                label = dotted(expr) if isinstance(expr, (cst.Name, cst.Attribute)) else None
                return self._function(symbol.name, label or symbol.name, None, scope)
            return UNKNOWN_STEP
        if isinstance(value, Node) and isinstance(value.expr, cst.Call):
            return self.layer_object(value.expr, value.scope)
        return UNKNOWN_STEP

    def _function(self, name: str, label: str, call: cst.Call | None, scope: Scope) -> Step:
        """An activation function (by name), maybe applied as ``call``."""
        slope: float | None = None
        if name in self.relu_names and call is not None:
            slope = self._slope(call, ("x", "negative_slope"), self.relu_names[name], scope)
            if slope is None:
                return UNKNOWN_STEP
        return function_step(name, label, self.relu_names, slope)

    def _slope(
        self, call: cst.Call, positional: tuple[str, ...], default: float, scope: Scope
    ) -> float | None:
        """The negative slope ``call`` sets (``negative_slope=``/``alpha=``), else ``default``.

        None when it cannot be read: a slope that is not a number, or arguments that hide it.
        """
        args, complete = call_arguments(call, positional, scope, self)
        given = [args[k] for k in knowledge.SLOPE_KEYWORDS if k in args]
        if given:
            return self.number(given[0].value, given[0].scope)
        return default if complete else None

    def layer_object(self, ctor: cst.Call, scope: Scope) -> Step:
        """A layer instance built by ``ctor``, used as a step (``ReLU()``, ``Dropout(0.5)``)."""
        name = symbols.layer_name(self.resolver.symbol(ctor.func, scope))
        if name is None:
            return UNKNOWN_STEP

        def slope(layer: str, default: float) -> float | None:
            if layer == "PReLU":  # it learns its slope, from alpha_initializer (zeros)
                return default
            positional = knowledge.POSITIONAL_PARAMETERS.get(layer, ())
            return self._slope(ctor, positional, default, scope)

        def activation() -> Step:
            args, _ = call_arguments(ctor, ("activation",), scope, self)
            if "activation" not in args:
                return UNKNOWN_STEP
            return self.activation(args["activation"].value, args["activation"].scope)

        return layer_step(name, slope, activation)

    def step(self, call: cst.Call, scope: Scope, depth: int = 0) -> Step:
        """What ``call`` does to a tensor passed to it: ``ReLU()(x)``, ``tf.nn.relu(x)``, ``act(x)``."""
        func = call.func
        if isinstance(func, cst.Call):
            return self.layer_object(func, scope)
        value = self.resolver.resolve(func, scope)
        if isinstance(value, Sym):
            symbol = symbols.classify(value.qualname)
            if symbol is None:
                return UNKNOWN_STEP
            if symbol.kind is SymbolKind.ACTIVATION:
                label = dotted(func) or symbol.name
                return self._function(symbol.name, label, call, scope)
            if symbol.kind is SymbolKind.LAYER and symbol.name.islower():
                if symbol.name in knowledge.TRANSPARENT_MERGE_FUNCTIONS:
                    return Step(StepKind.MERGE, symbol.name)
                return Step(StepKind.OTHER, symbol.name)
            if symbol.kind is SymbolKind.MODEL:
                return Step(
                    StepKind.OTHER, symbol.name
                )  # Model(inputs, outputs): the model's output
            return UNKNOWN_STEP
        if isinstance(value, Node) and isinstance(value.expr, cst.Call):
            return self.layer_object(value.expr, value.scope)
        if isinstance(value, Def) and isinstance(value.node, cst.FunctionDef):
            return self._helper_step(value.node, depth)
        return UNKNOWN_STEP

    def _helper_step(self, node: cst.FunctionDef, depth: int) -> Step:
        """``def relu(x): return layers.ReLU()(x)``: the step its one returned call makes."""
        scope = self.resolver.index.scopes.get(id(node))
        params = [*node.params.posonly_params, *node.params.params]
        if scope is None or not params or len(scope.body) != 1 or depth > 5:
            return UNKNOWN_STEP
        returned = scope.body[0]
        if not isinstance(returned, cst.Return) or not isinstance(returned.value, cst.Call):
            return UNKNOWN_STEP
        inner = returned.value
        first = params[0].name.value
        direct = [
            arg
            for arg in inner.args
            if isinstance(arg.value, cst.Name) and arg.value.value == first and not arg.star
        ]
        if len(direct) != 1 or (isinstance(inner.func, cst.Name) and inner.func.value == first):
            return UNKNOWN_STEP
        return self.step(inner, scope, depth + 1)

    # --- initializers ----------------------------------------------------------------------

    def initializer(self, expr: cst.BaseExpression, scope: Scope) -> tuple[Init, cst.Call | None]:
        """An initializer value, and the constructor call it is bound to (if reached by name)."""
        value = self.resolver.resolve(expr, scope)
        if isinstance(value, Lit) and isinstance(value.value, str):
            return self._from_string(value.value), None
        if isinstance(value, Sym):
            symbol = symbols.classify(value.qualname)
            if symbol is not None and symbol.kind is SymbolKind.INITIALIZER:
                return judge_initializer(symbol.name, {}, symbol.name), None
            return _unknown(expr), None
        if not isinstance(value, Node):
            return _unknown(expr), None
        node, where = value.expr, value.scope
        if isinstance(node, cst.Dict):
            return self._from_dict(node, where, value.binding), None
        if not isinstance(node, cst.Call):
            return _unknown(expr), None
        if self._is_builtin_dict(node.func, where):
            return self._from_config(self.kwargs_dict(node, where), value.binding), None
        symbol = self.resolver.symbol(node.func, where)
        if symbol is None or symbol.kind is not SymbolKind.INITIALIZER:
            return _unknown(expr), None
        name = symbol.name
        positional = knowledge.INITIALIZER_POSITIONAL_PARAMETERS.get(name, ("seed",))
        args, complete = call_arguments(node, positional, where, self)
        if not complete:
            return _unknown(expr), None
        params = {key: self._param(arg) for key, arg in args.items()}
        init = judge_initializer(name, params, name)
        seed = params.get("seed")
        seed_absent = "seed" not in params or seed is None
        random_object = name in knowledge.RANDOM_INITIALIZERS
        init = dataclasses.replace(
            init,
            random_object=random_object,
            seed=seed if isinstance(seed, int) and not isinstance(seed, bool) else None,
            fresh_per_call=name in knowledge.FRESH_PER_CALL_INITIALIZERS and seed_absent,
            binding=value.binding,
        )
        return init, node if value.binding is not None else None

    def _param(self, arg: Argument) -> object:
        number = self.number(arg.value, arg.scope)
        if number is not None:
            if isinstance(arg.value, cst.Integer) or (
                number.is_integer() and isinstance(self.literal(arg.value, arg.scope), int)
            ):
                return int(number)
            return number
        return self.literal(arg.value, arg.scope)

    def _from_string(self, text: str) -> Init:
        name = knowledge.INITIALIZER_STRINGS.get(text)
        if name is None:
            return Init("unknown", repr(text))
        return judge_initializer(name, {}, repr(text))

    def _from_dict(self, node: cst.Dict, scope: Scope, binding: str | None) -> Init:
        entries: dict[str, Argument] = {}
        for element in node.elements:
            if not isinstance(element, cst.DictElement):
                return Init("unknown", "dict config")
            key = self.literal(element.key, scope)
            if isinstance(key, str):
                entries[key] = Argument(element.value, scope, None)
        return self._from_config(entries, binding)

    def _from_config(self, entries: dict[str, Argument] | None, binding: str | None) -> Init:
        if entries is None or "class_name" not in entries:
            return Init("unknown", "dict config")
        class_name = self.literal(entries["class_name"].value, entries["class_name"].scope)
        if not isinstance(class_name, str):
            return Init("unknown", "dict config")
        name = knowledge.INITIALIZER_STRINGS.get(class_name, class_name)
        params: dict[str, object] = {}
        if "config" in entries:
            config = entries["config"]
            inner = self.kwargs_dict(config.value, config.scope)
            if inner is None:
                return Init("unknown", f"{{'class_name': {class_name!r}}}")
            params = {key: self._param(arg) for key, arg in inner.items()}
        init = judge_initializer(name, params, f"{{'class_name': {class_name!r}}}")
        return dataclasses.replace(init, binding=binding)


def _unknown(expr: cst.BaseExpression) -> Init:
    return Init("unknown", dotted(expr) or type(expr).__name__)


__all__ = ["IDENTITY_STEP", "UNKNOWN_STEP", "Argument", "Def", "Interpreter", "Step"]
