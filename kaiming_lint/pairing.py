"""Which kernel layer feeds which activation: the analysis behind every kaiming-lint rule.

``analyze(module)`` finds every Keras kernel-layer construction in a parsed file and follows the
layer's output (spec forms 1-7): its own ``activation=``, the next elements of a ``Sequential``
list, the next ``model.add(...)``, the functional API within one body (``x = L(...)(x)`` then
``x = ReLU()(x)``, ``tf.nn.relu(L(...)(x))``), layers bound to a name or ``self.attr`` and called
later, and the values of names bound once. Transparent steps (dropout, pooling, reshapes,
Concatenate) are passed through; a normalization layer turns the pairing into "normalized".
It also follows a local helper whose body only returns the layer (``def conv(f): return
Conv2D(f, 3)``: each call site is a use), a helper step (``def relu(x): return ReLU()(x)``), and a
parameter's default when no call in the file passes that parameter.

Exactness comes first; anything not seen exactly is "unknown", which is never reported:

* Branches: every path through ``if``/``for``/``while`` that reads or rebinds the value is
  followed (a loop body zero, one and two times); the pairing holds only when every path agrees.
  Statements that never mention the value are one path. Past a budget of paths: "unknown".
* Fan-out: a value used by several consumers (``skip = x`` ... ``x = ReLU()(x)``) pairs only
  when every consumer gives the same answer; ReLU on one branch and ``Add`` on another is
  "unknown" - reporting it would judge a layer by one of its consumers only.
* A value that escapes (``return``, stored in a container or attribute, passed to user code) or
  is never used is "unknown"; a known non-ReLU step (``Add``, ``x + y``, ``tanh``, another Keras
  layer, a model's output) makes it "none". Method calls on a layer object (``conv.build(s)``)
  are not uses.
* Layers of a model that the same body then unconditionally overwrites with
  ``model.load_weights(...)``/``model.set_weights(...)`` are left out: their start never matters.
* ``uses`` is 2 for a layer built in a loop or comprehension, or by a helper called more than
  once - unless its weight initializer object is built in the same loop (a fresh one per pass).

The walk touches statements and expressions only (no metadata providers), see
:mod:`kaiming_lint.resolve` for how names are resolved.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from dataclasses import dataclass

import libcst as cst

from kaiming_lint import knowledge, symbols
from kaiming_lint.facts import Init, LayerFacts, Pairing
from kaiming_lint.flow import Flow, Use, find, target_names, walk
from kaiming_lint.origins import OUTPUT
from kaiming_lint.paths import Outcomes, PathState, Step, StepKind
from kaiming_lint.peers import Peers, Project, call_places
from kaiming_lint.project_view import LayerOrigins, ModuleView, Origin, OriginKind
from kaiming_lint.resolve import (
    KERNEL_CALL_NAMES,
    Def,
    Frame,
    ModuleIndex,
    Node,
    Resolver,
    Scope,
    ScopeKind,
    Site,
    Statement,
    Sym,
    child_nodes,
    index_module,
    last_name,
)
from kaiming_lint.results import UnknownReason
from kaiming_lint.source_ref import SourceRef
from kaiming_lint.symbols import SymbolKind
from kaiming_lint.unknown_reasons import activation_reason, layer_reason, object_reason
from kaiming_lint.values import Argument, Interpreter, call_arguments

__all__ = ["ModuleFacts", "analyze", "mentions_kernel_layer"]

# Substrings covering every kernel-layer name and alias (Conv2D also covers DepthwiseConv2D).
_PREFILTER = re.compile(
    "|".join(
        sorted(
            name
            for name in KERNEL_CALL_NAMES
            if not any(other != name and other in name for other in KERNEL_CALL_NAMES)
        )
    )
)
_MAX_HOPS = 16  # layer -> bound name -> helper -> function called -> its callers ... (the step budget bounds the work)
_ESCAPES = UnknownReason.VALUE_ESCAPES
# Attributes of a layer object that hand out its output or call it.
_OUTPUT_ATTRIBUTES = frozenset({"output", "outputs", "call", "__call__", "get_output_at"})


def mentions_kernel_layer(text: str) -> bool:
    """Cheap prefilter: does the text mention any kernel-layer name or alias at all?"""
    return _PREFILTER.search(text) is not None


@dataclass
class ModuleFacts:
    """The kernel layers of one module, in source order."""

    layers: list[LayerFacts]
    unknown: int  # kernel layers whose pairing is "unknown" (for --statistics)


def analyze(
    module: cst.Module,
    extra_relu_activations: frozenset[str] = frozenset(),
    context: ModuleView | None = None,
    project: Project | None = None,
) -> ModuleFacts:
    """Find every Keras kernel layer built in ``module`` and what its output feeds.

    ``context`` is the project-wide view of this module: parameter values from the call
    sites, names imported from the project; without it the module is analysed alone.
    ``project`` (the whole ProjectView) lets a layer's output be followed into the other
    modules of the project.
    """
    extra = frozenset(extra_relu_activations)
    peers = None
    if context is not None and project is not None:

        def build(other: cst.Module, view: ModuleView, peers: Peers) -> Follower:
            return _follower(other, extra, view, peers)

        # One set of parsed peers per project and settings, for every file of this process.
        shared = project.memo(("peers", extra), lambda: Peers(project, build))
        assert isinstance(shared, Peers)
        peers = shared
    analysis = _follower(module, extra, context, peers)
    index, resolver = analysis.index, analysis.resolver
    layers: list[LayerFacts] = []
    for site in index.sites:
        name = symbols.layer_name(resolver.symbol(site.call.func, site.scope))
        if name is None or name not in knowledge.KERNEL_LAYERS:
            continue
        facts = analysis.layer(site, name)
        if facts is not None:
            layers.append(facts)
    return ModuleFacts(layers, sum(1 for facts in layers if facts.pairing is Pairing.UNKNOWN))


def _follower(
    module: cst.Module,
    extra: frozenset[str],
    context: ModuleView | None,
    peers: Peers | None,
) -> Follower:
    index = index_module(module)
    resolver = Resolver(index, context)
    return Follower(index, resolver, Interpreter(resolver, extra), module, peers)


class Follower:
    def __init__(
        self,
        index: ModuleIndex,
        resolver: Resolver,
        interpreter: Interpreter,
        module: cst.Module | None = None,
        peers: Peers | None = None,
    ) -> None:
        self.index = index
        self.resolver = resolver
        self.values = interpreter
        self.blocks = index.blocks
        self.module = module
        self.peers = peers
        self._arg_origins: tuple[tuple[Origin, ...], tuple[Origin, ...]] = ((), ())
        self._active: set[tuple[object, ...]] = set()  # continuations on the current path
        self._site_scope: Scope | None = None  # the scope of the layer being analysed

    def find(
        self,
        body: list[Statement],
        scope: Scope,
        matches: Callable[[cst.CSTNode], bool],
        nested: bool = False,
    ) -> list[Use]:
        inner = None
        if nested:
            inner = dict(self.index.scopes)
            inner.update((key, info.scope) for key, info in self.index.classes.items())
        return list(find(body, scope, matches, self.blocks, inner))

    # --- one layer -------------------------------------------------------------------------

    def layer(self, site: Site, name: str) -> LayerFacts | None:
        found = self.resolver.collect()
        try:
            facts = self._layer(site, name)
        finally:
            self.resolver.release()
        if facts is not None and self.resolver.context is not None:
            facts.origins = LayerOrigins(tuple(found), *self._arg_origins)
            shared = self.resolver.context.external_uses
            weight = facts.weight
            if weight is not None and weight.binding in shared:
                facts.weight = dataclasses.replace(weight, uses_elsewhere=shared[weight.binding])
        return facts

    def _layer(self, site: Site, name: str) -> LayerFacts | None:
        call, scope = site.call, site.scope
        self._site_scope = scope
        if scope.overwritten and self._exempt(site):
            return None
        positional = knowledge.POSITIONAL_PARAMETERS.get(name, ())
        args, complete = call_arguments(call, positional, scope, self.values)
        weight_arg = knowledge.KERNEL_LAYERS[name]
        weight_origins = self.resolver.collect()
        weight, weight_ctor, weight_node = self._init(args.get(weight_arg), complete)
        self.resolver.release()
        bias_origins = self.resolver.collect()
        bias, bias_ctor, bias_node = self._init(args.get(knowledge.BIAS_ARGUMENT), complete)
        self.resolver.release()
        self._arg_origins = (tuple(weight_origins), tuple(bias_origins))
        use_bias: bool | None = True if complete else None
        if knowledge.USE_BIAS_ARGUMENT in args:
            given = args[knowledge.USE_BIAS_ARGUMENT]
            use_bias = self.values.boolean(given.value, given.scope)
        if knowledge.ACTIVATION_ARGUMENT in args:
            given = args[knowledge.ACTIVATION_ARGUMENT]
            own = self.values.activation(given.value, given.scope)
        else:
            own = Step(StepKind.IDENTITY) if complete else Step(StepKind.UNKNOWN)
        outcomes = Outcomes()
        uses = 2 if site.in_loop else 1
        try:
            uses = self._pair(site, own, outcomes, uses)
        except RecursionError:  # absurdly deep code: give up on this layer, not the file
            outcomes.add(Pairing.UNKNOWN, reason=UnknownReason.BUDGET)
        if weight_ctor is not None and id(weight_ctor) in self.index.loop_values:
            uses = 1  # the object is built anew on every pass of the loop, like the layer
        pairing, feeds = outcomes.result()
        ref = SourceRef(call, weight_node, bias_node, weight_ctor, bias_ctor)
        facts = LayerFacts(
            layer=name,
            weight_arg=weight_arg,
            weight=weight,
            bias=bias,
            use_bias=use_bias,
            pairing=pairing,
            feeds=feeds,
            uses=uses,
            ref=ref,
        )
        facts.reason = layer_reason(facts, outcomes, call, scope, self.values)
        return facts

    def _pair(self, site: Site, own: Step, outcomes: Outcomes, uses: int) -> int:
        """Record where the layer's output goes; returns how many layers the site builds."""
        call, scope = site.call, site.scope
        if own.kind is StepKind.IDENTITY:
            uses = max(
                uses,
                self.follow_object(Use(call, site.ancestors, site.frames, scope), outcomes, 0),
            )
        else:
            if own.kind is StepKind.RELU:
                outcomes.add(Pairing.RELU, own.label, own.slope)
            elif own.kind is StepKind.OTHER:
                outcomes.add(Pairing.NONE)
            else:
                name = symbols.layer_name(self.resolver.symbol(call.func, scope)) or ""
                outcomes.add(
                    Pairing.UNKNOWN, reason=activation_reason(call, name, scope, self.values)
                )
            if isinstance(site.ancestors[-1] if site.ancestors else None, cst.Return):
                # a helper returning the layer: how many layers its callers build
                uses = max(
                    uses,
                    self.follow_helper(
                        Use(call, site.ancestors, site.frames, scope), Outcomes(), 0
                    ),
                )
        return uses

    def _init(
        self, given: Argument | None, complete: bool
    ) -> tuple[Init | None, cst.Call | None, cst.Arg | None]:
        """The initializer given for a parameter; absent: None, or unknown behind ``**kwargs``."""
        if given is None:
            return (None if complete else Init("unknown", "**kwargs")), None, None
        init, ctor = self.values.initializer(given.value, given.scope)
        return init, ctor, given.arg

    # --- where a layer object goes -----------------------------------------------------------

    def follow_object(self, use: Use, outcomes: Outcomes, hops: int) -> int:
        """Follow a layer object from one occurrence; returns how many layers it stands for."""
        ancestors = use.ancestors
        parent = ancestors[-1] if ancestors else None
        node = use.node
        if isinstance(parent, cst.Call) and parent.func is node:
            self.follow_tensor(
                Use(parent, ancestors[:-1], use.frames, use.scope), PathState.PLAIN, outcomes, hops
            )
            return 1
        if isinstance(parent, cst.Element) and len(ancestors) >= 4:
            container, arg, call = ancestors[-2], ancestors[-3], ancestors[-4]
            if (
                isinstance(container, (cst.List, cst.Tuple))
                and isinstance(arg, cst.Arg)
                and isinstance(call, cst.Call)
                and self._is_sequential(call, arg, use.scope)
            ):
                position = next(
                    i for i, element in enumerate(container.elements) if element.value is node
                )
                state = self.follow_list(container, position + 1, use.scope, outcomes)
                if state is not None:
                    self.after_sequential(
                        Use(call, ancestors[:-4], use.frames, use.scope), state, outcomes
                    )
                return 1
        if (
            isinstance(parent, cst.Arg)
            and len(ancestors) == 3
            and isinstance(ancestors[0], cst.Expr)
            and (model := self._add_target(ancestors[1])) is not None
        ):
            self.follow_adds(model, use.frames, use.scope, PathState.PLAIN, outcomes)
            return 1
        if (
            isinstance(parent, (cst.Assign, cst.AnnAssign))
            and parent.value is node
            and hops < _MAX_HOPS
        ):
            return self.follow_binding(parent, use, outcomes, hops)
        if isinstance(parent, cst.Return) and len(ancestors) == 1 and hops < _MAX_HOPS:
            return self.follow_helper(use, outcomes, hops)
        if (
            isinstance(parent, cst.Attribute)
            and parent.value is node
            and parent.attr.value not in _OUTPUT_ATTRIBUTES
        ):
            return 1  # conv.build(shape), conv.trainable = False: no values flow
        followed = isinstance(parent, (cst.Assign, cst.AnnAssign, cst.Return))
        # passed to a function, stored in a container; or too long a chain to follow
        reason = UnknownReason.BUDGET if followed and hops >= _MAX_HOPS else _ESCAPES
        outcomes.add(Pairing.UNKNOWN, reason=reason)
        return 1

    def _is_sequential(self, call: cst.Call, arg: cst.Arg, scope: Scope) -> bool:
        positional_first = arg.keyword is None and not arg.star and call.args[0] is arg
        by_keyword = arg.keyword is not None and arg.keyword.value == "layers"
        if not (positional_first or by_keyword):
            return False
        symbol = self.resolver.symbol(call.func, scope)
        return (
            symbol is not None and symbol.kind is SymbolKind.MODEL and symbol.name == "Sequential"
        )

    @staticmethod
    def _add_target(call: cst.CSTNode) -> str | None:
        if (
            isinstance(call, cst.Call)
            and isinstance(call.func, cst.Attribute)
            and call.func.attr.value == "add"
            and isinstance(call.func.value, cst.Name)
            and len(call.args) == 1
            and call.args[0].keyword is None
            and not call.args[0].star
        ):
            return call.func.value.value
        return None

    def object_step(self, expr: cst.BaseExpression, scope: Scope) -> Step:
        """A layer object used as a model step (a Sequential element, a model.add argument)."""
        value = self.resolver.resolve(expr, scope)
        if isinstance(value, Node) and isinstance(value.expr, cst.Call):
            return self.values.layer_object(value.expr, value.scope)
        return Step(StepKind.UNKNOWN)

    def _model_step(
        self, expr: cst.BaseExpression, scope: Scope, state: PathState, outcomes: Outcomes
    ) -> PathState | None:
        """Apply the layer object ``expr`` as the model's next step."""
        step = self.object_step(expr, scope)
        reason = None
        if step.kind is StepKind.MERGE:
            step, reason = Step(StepKind.UNKNOWN), _ESCAPES  # a merge of one input
        elif step.kind is StepKind.UNKNOWN:
            reason = object_reason(expr, scope, self.values)
        return outcomes.step(step, state, reason)

    def follow_list(
        self, container: cst.List | cst.Tuple, start: int, scope: Scope, outcomes: Outcomes
    ) -> PathState | None:
        state = PathState.PLAIN
        for element in container.elements[start:]:
            if isinstance(element, cst.StarredElement):
                outcomes.add(Pairing.UNKNOWN, reason=UnknownReason.UNKNOWN_ARGUMENT)
                return None
            after = self._model_step(element.value, scope, state, outcomes)
            if after is None:
                return None
            state = after
        return state

    def after_sequential(self, use: Use, state: PathState, outcomes: Outcomes) -> None:
        """The list ended: go on with ``model.add`` calls when the model is bound to a name."""
        parent = use.ancestors[-1] if use.ancestors else None
        if (
            isinstance(parent, cst.Assign)
            and len(use.ancestors) == 1
            and len(parent.targets) == 1
            and isinstance(parent.targets[0].target, cst.Name)
        ):
            model = parent.targets[0].target.value
            self.follow_adds(model, use.frames, use.scope, state, outcomes)
        else:
            outcomes.add(Pairing.NONE)  # the model's output

    def follow_adds(
        self, model: str, frames: list[Frame], scope: Scope, state: PathState, outcomes: Outcomes
    ) -> None:
        """``model.add(L)`` then the next ``model.add(...)`` calls, straight-line in one block."""
        flat, index = frames[-1]
        for stmt in flat[index + 1 :]:
            if (
                isinstance(stmt, cst.Expr)
                and isinstance(stmt.value, cst.Call)
                and self._add_target(stmt.value) == model
            ):
                after = self._model_step(stmt.value.args[0].value, scope, state, outcomes)
                if after is None:
                    return
                state = after
            elif _rebinds(stmt, model):
                outcomes.add(Pairing.NONE)
                return
            elif _mentions_bare(stmt, model):
                # passed on, or used in a branch: not straight-line
                outcomes.add(Pairing.UNKNOWN, reason=_ESCAPES)
                return
        if len(frames) == 1 and self._local_model(model, scope):
            outcomes.add(Pairing.NONE)  # the model's output
        else:
            outcomes.add(Pairing.UNKNOWN, reason=_ESCAPES)  # the model is not built here

    def _local_model(self, model: str, scope: Scope) -> bool:
        value = self.resolver.name(model, scope)
        if not (isinstance(value, Node) and isinstance(value.expr, cst.Call)):
            return False
        symbol = self.resolver.symbol(value.expr.func, value.scope)
        return symbol is not None and symbol.kind is SymbolKind.MODEL

    def follow_binding(
        self, assign: cst.Assign | cst.AnnAssign, use: Use, outcomes: Outcomes, hops: int
    ) -> int:
        """``conv = Conv2D(...)`` / ``self.fc = Dense(...)``: follow every later use."""
        targets = (
            [t.target for t in assign.targets]
            if isinstance(assign, cst.Assign)
            else [assign.target]
        )
        if len(targets) != 1:
            outcomes.add(Pairing.UNKNOWN, reason=_ESCAPES)  # `a = b = Conv2D(...)`
            return 1
        target = targets[0]
        scope = use.scope
        uses: list[Use] = []
        if isinstance(target, cst.Name):
            if len(scope.bindings.get(target.value, ())) != 1:
                outcomes.add(Pairing.UNKNOWN, reason=UnknownReason.REBOUND_NAME)
                return 1
            name = target.value
            uses = list(
                self.find(scope.body, scope, lambda n: isinstance(n, cst.Name) and n.value == name)
            )
        elif (
            isinstance(target, cst.Attribute)
            and isinstance(target.value, cst.Name)
            and scope.klass is not None
            and target.value.value == scope.self_name
        ):
            attr = target.attr.value
            if len(scope.klass.attrs.get(attr, ())) != 1:
                outcomes.add(Pairing.UNKNOWN, reason=UnknownReason.REBOUND_NAME)
                return 1
            for method in scope.klass.methods:
                uses.extend(self.find(method.body, method, _attribute_of(method.self_name, attr)))
        uses = [u for u in uses if not isinstance(u.ancestors[-1], cst.AssignTarget)]
        if not uses:
            # stored elsewhere (`d[k] = Conv2D(...)`), or never used here
            outcomes.add(Pairing.UNKNOWN, reason=_ESCAPES)
            return 1
        for found in uses:
            self.follow_object(found, outcomes, hops + 1)
            if outcomes.done:
                break
        return 1

    def follow_helper(self, use: Use, outcomes: Outcomes, hops: int) -> int:
        """``def conv(f): return Conv2D(f, 3)``: follow the calls of the helper in this file."""
        scope = use.scope
        node = scope.node
        if not (
            scope.kind is ScopeKind.FUNCTION
            and isinstance(node, cst.FunctionDef)
            and len(scope.body) == 1
            and not node.decorators
            and scope.klass is None
            and scope.parent is not None
            and len(scope.parent.bindings.get(node.name.value, ())) == 1
        ):
            outcomes.add(Pairing.UNKNOWN, reason=_ESCAPES)  # returned from code not followed
            return 1
        calls = self._calls_of(node, scope.parent)
        if calls is None:
            outcomes.add(Pairing.UNKNOWN, reason=_ESCAPES)  # never called, or passed around
            return 1
        self._emit_output(scope)
        built = 0
        sites = outcomes.fork(UnknownReason.CALL_SITES_DISAGREE)
        for follower, found in calls:
            call = found.ancestors[-1]
            in_loop = any(
                isinstance(a, (cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp))
                for a in found.ancestors
            ) or _in_loop(found.frames)
            built += 2 if in_loop else 1
            with sites.alternative():
                follower.follow_object(
                    Use(call, found.ancestors[:-1], found.frames, found.scope), outcomes, hops + 1
                )
        return min(built, 2)

    # --- where a tensor goes ---------------------------------------------------------------

    def follow_tensor(
        self, use: Use, state: PathState, outcomes: Outcomes, hops: int, returned: bool = False
    ) -> None:
        """The tensor ``use.node`` and everything it reaches.

        ``use.node`` is a layer applied to an input, or (``returned``) a call of a function of
        the file that returns the tensor.
        """
        flat, index = use.frames[-1]
        stmt = flat[index]
        if not isinstance(stmt, cst.BaseSmallStatement) or (
            use.ancestors and use.ancestors[0] is not stmt
        ):
            outcomes.add(Pairing.UNKNOWN, reason=_ESCAPES)  # in an if test, a for header ...
            return
        flow = Flow(self, use.scope, outcomes, use.node, state, hops, returned)
        tracked = flow.small(stmt, {})
        if tracked:
            flow.after(use.frames, tracked)

    def follow_return(self, scope: Scope, state: PathState, outcomes: Outcomes, hops: int) -> None:
        """A function returns the value: follow it from every call of the function in the file.

        Only for plain, undecorated functions that are called by name and never passed around.
        """
        node = scope.node
        owner = scope.parent
        if (
            hops >= _MAX_HOPS
            or scope.kind is not ScopeKind.FUNCTION
            or scope.klass is not None
            or owner is None
            or not isinstance(node, cst.FunctionDef)
            or node.decorators
        ):
            reason = UnknownReason.BUDGET if hops >= _MAX_HOPS else _ESCAPES
            outcomes.add(Pairing.UNKNOWN, reason=reason)
            return
        calls = self._calls_of(node, owner)
        if not calls:
            outcomes.add(Pairing.UNKNOWN, reason=_ESCAPES)  # never called, or passed around
            return
        self._emit_output(scope)
        key = ("return", id(scope), state, id(outcomes))
        if key in self._active:
            return  # met again on its own path: it adds nothing new (the least fixed point)
        self._active.add(key)
        try:
            self._follow_calls(calls, state, outcomes, hops)
        finally:
            self._active.discard(key)

    def _emit_output(self, scope: Scope) -> None:
        context = self.resolver.context
        if context is not None and scope is self._site_scope:
            # The layer's own function hands its output to its callers: they decide it.
            related = context.calls.get(scope.ident, ())
            self.resolver.emit(Origin(OriginKind.CALLS, OUTPUT, related, function=scope.ident))

    def _follow_calls(
        self, calls: list[tuple[Follower, Use]], state: PathState, outcomes: Outcomes, hops: int
    ) -> None:
        sites = outcomes.fork(UnknownReason.CALL_SITES_DISAGREE)
        for follower, found in calls:
            call = found.ancestors[-1]
            with sites.alternative():
                follower.follow_tensor(
                    Use(call, found.ancestors[:-1], found.frames, found.scope),
                    state,
                    outcomes,
                    hops + 1,
                    returned=True,
                )
            if outcomes.done:
                return

    def follow_into(
        self,
        call: cst.Call,
        arg: cst.Arg,
        scope: Scope,
        state: PathState,
        outcomes: Outcomes,
        hops: int,
    ) -> bool:
        """The tensor is passed to a plain function of this module: follow it from the
        parameter through the function's body (what the function returns goes on at every call
        of the function). False when that cannot be done exactly."""
        if hops >= _MAX_HOPS:
            return False
        value = self.resolver.resolve(call.func, scope)
        owner: Follower = self
        if isinstance(value, Sym) and value.qualname.startswith("<project>"):
            found = self._remote_def(value.qualname[len("<project>") :])
            if found is None:
                return False
            owner, node = found
        elif isinstance(value, Def) and isinstance(value.node, cst.FunctionDef):
            node = value.node
        else:
            return False
        callee = owner.index.scopes.get(id(node))
        if callee is None or node.decorators or callee.klass is not None:
            return False
        params = node.params
        positional = [*params.posonly_params, *params.params]
        if arg.keyword is not None:
            names = {p.name.value for p in [*params.params, *params.kwonly_params]}
            if arg.keyword.value not in names:
                return False
            name = arg.keyword.value
        else:
            index = 0
            for other in call.args:
                if other is arg:
                    break
                if other.keyword is not None or other.star:
                    return False
                index += 1
            if index >= len(positional):
                return False
            name = positional[index].name.value
        key = ("into", id(callee), name, state, id(outcomes))
        if key in owner._active:
            return True  # met again on its own path: nothing new
        owner._active.add(key)
        try:
            flow = Flow(owner, callee, outcomes, None, state, hops + 1, returned=True)
            flow.run(callee.body, 0, {name: state}, lambda tracked: None)
        finally:
            owner._active.discard(key)
        return True

    def _remote_def(self, qualname: str) -> tuple[Follower, cst.FunctionDef] | None:
        """A function of another module of the project, parsed, with that module's analysis."""
        context = self.resolver.context
        if context is None or self.peers is None or qualname not in context.defs:
            return None
        path, key = context.defs[qualname]
        if "." in key:
            return None  # a method or a nested function: not reached from outside by name
        peer = self.peers.get(path)
        if not isinstance(peer, Follower):
            return None
        # The name must stand for that one definition in its module: bound once, never
        # rebound (``global``, a second ``def``, a try-import) or assigned from elsewhere.
        value = peer.resolver.name(key, peer.index.module_scope)
        if not isinstance(value, Def) or not isinstance(value.node, cst.FunctionDef):
            return None
        return peer, value.node

    def calls_at(self, name: str, places: list[tuple[int, int]]) -> list[Use] | None:
        """The calls of ``name`` (or ``x.name``) at these (line, byte column) places."""
        if self.module is None:
            return None
        scopes = [self.index.module_scope]
        found = [
            use
            for use in self.find(
                scopes[0].body,
                scopes[0],
                lambda n: isinstance(n, (cst.Name, cst.Attribute)) and last_name(n) == name,
                nested=True,
            )
            if use.ancestors
            and isinstance(use.ancestors[-1], cst.Call)
            and use.ancestors[-1].func is use.node
        ]
        by_place = call_places(self.module, [use.ancestors[-1] for use in found])
        wanted = []
        for place in places:
            call = by_place.get(place)
            use = next((u for u in found if u.ancestors[-1] is call), None)
            if use is None:
                return None  # the file changed, or the call is written in another way
            wanted.append(use)
        return wanted

    def _calls_of(self, node: cst.FunctionDef, owner: Scope) -> list[tuple[Follower, Use]] | None:
        """Every call ``name(...)`` of a function, or None if it is also used otherwise (or,
        with a project-wide view, called from another module too)."""
        context = self.resolver.context
        if context is not None:
            scope = self.index.scopes.get(id(node))
            if scope is None:
                return None
            if scope.ident not in context.local_only:
                return self._remote_calls(node, owner, scope.ident)
        local = self._local_calls(node, owner)
        return None if local is None else [(self, use) for use in local]

    def _remote_calls(
        self, node: cst.FunctionDef, owner: Scope, key: str
    ) -> list[tuple[Follower, Use]] | None:
        """The calls of a function from every module, when the judge saw all of them."""
        context = self.resolver.context
        assert context is not None
        places = context.call_sites.get(key)
        if not places or self.peers is None:
            return None
        by_path: dict[str, list[tuple[int, int]]] = {}
        for path, line, column in places:
            by_path.setdefault(path, []).append((line, column))
        found: list[tuple[Follower, Use]] = []
        for path, here in by_path.items():
            peer = self.peers.get(path)
            if not isinstance(peer, Follower):
                return None
            uses = peer.calls_at(node.name.value, here)
            if uses is None:
                return None
            found.extend((peer, use) for use in uses)
        return found

    def _local_calls(self, node: cst.FunctionDef, owner: Scope) -> list[Use] | None:
        name = node.name.value
        every = [
            found
            for found in self.find(
                owner.body,
                owner,
                lambda n: isinstance(n, cst.Name) and n.value == name,
                nested=True,
            )
            if isinstance(value := self.resolver.name(name, found.scope), Def)
            and value.node is node
        ]
        calls = [
            found
            for found in every
            if found.ancestors
            and isinstance(found.ancestors[-1], cst.Call)
            and found.ancestors[-1].func is found.node
        ]
        return calls if calls and len(calls) == len(every) else None

    def _exempt(self, site: Site) -> bool:
        """The layer belongs to a model this body overwrites later with load/set_weights."""
        scope, ancestors = site.scope, site.ancestors
        position = site.frames[0][1]
        parent = ancestors[-1] if ancestors else None
        if isinstance(parent, cst.Call) and parent.func is site.call:
            return self._functional_exempt(scope, position)
        model = None
        if (
            isinstance(parent, cst.Arg)
            and len(ancestors) == 3
            and isinstance(ancestors[0], cst.Expr)
        ):
            model = self._add_target(ancestors[1])
        elif (
            isinstance(parent, cst.Element)
            and len(ancestors) == 5
            and isinstance(ancestors[0], cst.Assign)
            and ancestors[0].value is ancestors[1]
            and len(ancestors[0].targets) == 1
            and isinstance(ancestors[0].targets[0].target, cst.Name)
        ):
            model = ancestors[0].targets[0].target.value
        return model is not None and scope.overwritten.get(model, -1) > position

    def _functional_exempt(self, scope: Scope, position: int) -> bool:
        """Every functional model this body builds is overwritten after ``position``."""
        models = []
        for name, bindings in scope.bindings.items():
            value = self.resolver.name(name, scope)
            if (
                len(bindings) == 1
                and isinstance(value, Node)
                and isinstance(value.expr, cst.Call)
                and (symbol := self.resolver.symbol(value.expr.func, scope)) is not None
                and symbol.kind is SymbolKind.MODEL
                and symbol.name != "Sequential"
            ):
                models.append(name)
        return bool(models) and all(scope.overwritten.get(model, -1) > position for model in models)


# --- small helpers ---------------------------------------------------------------------------


def _attribute_of(owner: str | None, attr: str) -> Callable[[cst.CSTNode], bool]:
    """Matches ``owner.attr`` (``self.fc`` in a method whose first parameter is ``self``)."""

    def matches(node: cst.CSTNode) -> bool:
        return (
            isinstance(node, cst.Attribute)
            and node.attr.value == attr
            and isinstance(node.value, cst.Name)
            and node.value.value == owner
        )

    return matches


def _rebinds(stmt: Statement, name: str) -> bool:
    if isinstance(stmt, cst.Assign):
        return any(name in target_names(t.target) for t in stmt.targets)
    if isinstance(stmt, (cst.AnnAssign, cst.AugAssign)):
        return name in target_names(stmt.target)
    return False


def _mentions_bare(stmt: Statement, name: str) -> bool:
    """Whether ``name`` occurs other than as ``name.attr`` (method calls on a model are fine)."""
    if isinstance(stmt, cst.BaseCompoundStatement):
        return any(isinstance(n, cst.Name) and n.value == name for n in walk(stmt))
    stack: list[cst.CSTNode] = [stmt]
    while stack:
        current = stack.pop()
        if isinstance(current, cst.Attribute) and isinstance(current.value, cst.Name):
            continue
        if isinstance(current, cst.Name) and current.value == name:
            return True
        stack.extend(child_nodes(current))
    return False


def _in_loop(frames: list[Frame]) -> bool:
    return any(isinstance(flat[index], (cst.For, cst.While)) for flat, index in frames[:-1])
