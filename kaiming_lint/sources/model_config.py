"""Kernel-layer facts from a serialized Keras model: a `.keras` file's config or `to_json()`.

Reads the configs Keras 3 and Keras 2 write (Sequential, Functional with inbound nodes, models
nested in models) as plain dicts: no Keras, no libcst. Every kernel layer becomes a
``LayerFacts`` named after the layer, paired through its own ``activation`` and through the
graph (the next layer of a Sequential, the consumers of a functional layer's outputs).

What a config cannot say:

- Whether an initializer argument was given. Keras writes every initializer, defaults
  included, so a weight initializer equal to the default (``GlorotUniform`` with no seed) is
  read as "not given" (KAI001) and a ``Zeros`` bias as the default.
- Whether two layers shared one initializer object: each layer has its own copy of the config.
  Two random initializers of the same class with the same configuration and the same int seed
  draw the same numbers, so they are given the same ``binding`` and KAI005 reports them, as
  if one object had been shared. Unseeded copies are indistinguishable from separate objects
  and are not reported from a config (``kaiming_keras.audit`` sees object identity on a live
  model).
- Which Keras class a user's own layer class derives from: only Keras's class names count as
  kernel layers here (``kaiming_keras.audit`` passes the rest in ``kinds``).
- Pairings formed in a subclassed model's ``call``: such a model has no graph config.
"""

from __future__ import annotations

import dataclasses
import io
import json
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from os import PathLike
from typing import IO, Any

from kaiming_lint import knowledge
from kaiming_lint.facts import Activation, Init, LayerFacts, Pairing
from kaiming_lint.paths import (
    IDENTITY_STEP,
    OTHER_STEP,
    Outcomes,
    PathState,
    Step,
    StepKind,
    function_step,
    layer_step,
)
from kaiming_lint.results import UnknownReason
from kaiming_lint.verdicts import judge_initializer, number

KERAS_CONFIG_MEMBER = "config.json"
# A live model's get_config() holds tuples where its JSON form holds lists.
_SEQUENCES = (list, tuple)


class ModelConfigError(ValueError):
    """A file or dict that is not a readable Keras model config."""


# --- Reading files ---------------------------------------------------------------------------


def read_keras_file(
    path: str | PathLike[str] | IO[bytes], *, name: str | None = None
) -> dict[str, Any]:
    """The model config stored in a `.keras` archive (its ``config.json``), as a dict.

    ``path`` may also be a binary file object; ``name`` is then what error messages call it.
    """
    where = name if name is not None else str(path)
    try:
        with zipfile.ZipFile(path) as archive:
            raw = archive.read(KERAS_CONFIG_MEMBER)
    except (zipfile.BadZipFile, KeyError) as error:
        raise ModelConfigError(
            f"{where}: not a Keras v3 archive with a {KERAS_CONFIG_MEMBER} ({error})"
        ) from error
    return _parse_json(raw, where)


def read_model_json(path: str | PathLike[str]) -> dict[str, Any]:
    """The model config in a JSON file written from ``model.to_json()`` (Keras 2 or 3)."""
    with open(path, "rb") as handle:
        return _parse_json(handle.read(), str(path))


def config_from_bytes(data: bytes, path: str) -> dict[str, Any]:
    """The model config in a file's bytes: a `.keras` archive, or model JSON for any other name.

    For callers that already hold the file's contents, such as the saved-model source.
    """
    if path.lower().endswith(".keras"):
        return read_keras_file(io.BytesIO(data), name=path)
    return _parse_json(data, path)


def _parse_json(raw: bytes, where: str) -> dict[str, Any]:
    try:
        value = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ModelConfigError(f"{where}: not valid UTF-8 JSON ({error})") from error
    if not isinstance(value, dict):
        raise ModelConfigError(f"{where}: expected a JSON object, got {type(value).__name__}")
    return value


# --- The layer graph -------------------------------------------------------------------------


@dataclass
class _Node:
    """One (non-model) layer of the flattened graph."""

    name: str
    class_name: str
    config: dict[str, Any]
    successors: list[str] = field(default_factory=list)


@dataclass
class _Graph:
    nodes: dict[str, _Node] = field(default_factory=dict)
    # Inner models contribute no node: edges go to their first layers and from their last.
    model_ports: dict[str, tuple[list[str], list[str]]] = field(default_factory=dict)

    def connect(self, sources: Iterable[str], targets: Iterable[str]) -> None:
        target_list = list(targets)
        for source in sources:
            successors = self.nodes[source].successors
            successors.extend(t for t in target_list if t not in successors)


def _model_body(config: Mapping[str, Any]) -> tuple[str | None, Any] | None:
    """(class_name, inner config) when ``config`` is a model, in any of its serialized forms."""
    inner = config.get("config")
    if isinstance(inner, Mapping) and isinstance(inner.get("layers"), _SEQUENCES):
        return config.get("class_name"), inner
    if isinstance(inner, _SEQUENCES):  # early Keras 2 Sequential: the config is the layer list
        return config.get("class_name"), {"layers": inner}
    if isinstance(config.get("layers"), _SEQUENCES):  # model.get_config() output
        return None, config
    return None


def _is_functional(class_name: str | None, body: Mapping[str, Any]) -> bool:
    if "input_layers" in body or "output_layers" in body:
        return True
    if class_name == "Sequential":
        return False
    return any(isinstance(layer, Mapping) and "inbound_nodes" in layer for layer in body["layers"])


def _entry_name(entry: Mapping[str, Any], fallback: str) -> str:
    config = entry.get("config")
    name = entry.get("name")
    if not isinstance(name, str) and isinstance(config, Mapping):
        name = config.get("name")
    return name if isinstance(name, str) else fallback


def _add_entry(graph: _Graph, entry: Mapping[str, Any], name: str) -> tuple[list[str], list[str]]:
    """Adds a layer (or a whole inner model) under ``name``; returns its entry and exit nodes."""
    body = _model_body(entry)
    if body is not None:
        ports = _add_model(graph, body[0], body[1])
        graph.model_ports[name] = ports
        return ports
    config = entry.get("config")
    graph.nodes[name] = _Node(
        name=name,
        class_name=_class_name(entry),
        config=dict(config) if isinstance(config, Mapping) else {},
    )
    return [name], [name]


def _class_name(entry: Mapping[str, Any]) -> str:
    """The layer's class; a user-registered class keeps its "package>Name" form, so a class
    of the user's own that shares a Keras name is not taken for Keras's."""
    class_name = str(entry.get("class_name", ""))
    registered = entry.get("registered_name")
    if isinstance(registered, str) and ">" in registered:
        return registered
    return class_name


def _add_model(
    graph: _Graph, class_name: str | None, body: Mapping[str, Any]
) -> tuple[list[str], list[str]]:
    entries = [e for e in body["layers"] if isinstance(e, Mapping)]
    if _is_functional(class_name, body):
        return _add_functional(graph, body, entries)
    first: list[str] = []
    previous: list[str] | None = None
    for index, entry in enumerate(entries):
        name = _unique(graph, _entry_name(entry, f"layer_{index}"))
        starts, ends = _add_entry(graph, entry, name)
        if previous is None:
            first = starts
        else:
            graph.connect(previous, starts)
        previous = ends
    return first, previous or []


def _add_functional(
    graph: _Graph, body: Mapping[str, Any], entries: list[Mapping[str, Any]]
) -> tuple[list[str], list[str]]:
    ports: dict[str, tuple[list[str], list[str]]] = {}
    keys: dict[str, str] = {}
    for index, entry in enumerate(entries):
        local = _entry_name(entry, f"layer_{index}")
        keys[local] = _unique(graph, local)
        ports[local] = _add_entry(graph, entry, keys[local])
    for entry_index, entry in enumerate(entries):
        local = _entry_name(entry, f"layer_{entry_index}")
        for producer in _producers(entry.get("inbound_nodes")):
            if producer in ports:
                graph.connect(ports[producer][1], ports[local][0])
    inputs = _port_names(body.get("input_layers"))
    outputs = _port_names(body.get("output_layers"))
    if not inputs:
        inputs = [local for local in ports if not _producers_of(entries, local)]
    starts = [node for name in inputs if name in ports for node in ports[name][0]]
    ends = [node for name in outputs if name in ports for node in ports[name][1]]
    return starts, ends


def _producers_of(entries: list[Mapping[str, Any]], local: str) -> list[str]:
    for index, entry in enumerate(entries):
        if _entry_name(entry, f"layer_{index}") == local:
            return list(_producers(entry.get("inbound_nodes")))
    return []


def _unique(graph: _Graph, name: str) -> str:
    """Layer names repeat across inner models; keep each node's key distinct."""
    if name not in graph.nodes and name not in graph.model_ports:
        return name
    suffix = 1
    while f"{name}#{suffix}" in graph.nodes or f"{name}#{suffix}" in graph.model_ports:
        suffix += 1
    return f"{name}#{suffix}"


def _port_names(value: Any) -> list[str]:
    """Layer names in ``input_layers`` / ``output_layers``: [name, i, j] or a list of them."""
    if not isinstance(value, _SEQUENCES) or not value:
        return []
    if isinstance(value[0], str):
        return [value[0]]
    return [name for item in value for name in _port_names(item)]


def _producers(inbound_nodes: Any) -> Iterator[str]:
    """Names of the layers whose outputs a functional layer consumes (Keras 3 and Keras 2)."""
    if not isinstance(inbound_nodes, _SEQUENCES):
        return
    for node in inbound_nodes:
        if isinstance(node, Mapping):  # Keras 3: {"args": [...], "kwargs": {...}}
            yield from _tensor_sources(node.get("args"))
            yield from _tensor_sources(node.get("kwargs"))
        elif isinstance(
            node, _SEQUENCES
        ):  # Keras 2: [[name, node_index, tensor_index, kwargs], ...]
            for item in node:
                if isinstance(item, _SEQUENCES) and item and isinstance(item[0], str):
                    yield item[0]


def _tensor_sources(value: Any) -> Iterator[str]:
    if isinstance(value, Mapping):
        if value.get("class_name") == "__keras_tensor__":
            history = (value.get("config") or {}).get("keras_history")
            if isinstance(history, _SEQUENCES) and history and isinstance(history[0], str):
                yield history[0]
            return
        for item in value.values():
            yield from _tensor_sources(item)
    elif isinstance(value, _SEQUENCES):
        for item in value:
            yield from _tensor_sources(item)


def build_graph(config: Mapping[str, Any]) -> _Graph:
    """The flattened layer graph of a model config (wrapped, bare, or a `.keras` config)."""
    if not isinstance(config, Mapping):
        raise ModelConfigError(f"expected a model config dict, got {type(config).__name__}")
    body = _model_body(config)
    if body is None:
        raise ModelConfigError("not a Keras model config: no list of layers found")
    graph = _Graph()
    _add_model(graph, body[0], body[1])
    return graph


# --- Activations and pairing -----------------------------------------------------------------


def canonical_class(class_name: str) -> str:
    """A Keras layer class name with aliases resolved ("Convolution2D" -> "Conv2D")."""
    return knowledge.LAYER_ALIASES.get(class_name, class_name)


def _slope_from(config: Mapping[str, Any], default: float) -> float:
    for keyword in knowledge.SLOPE_KEYWORDS:
        value = config.get(keyword)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
    return default


def _function_name(value: Any) -> str | None:
    """The name of an activation function as serialized: "relu", or Keras 3's function dict."""
    if isinstance(value, str):
        return value.rsplit(">", 1)[-1].rsplit(".", 1)[-1]
    if isinstance(value, Mapping) and isinstance(value.get("config"), str):
        return _function_name(value["config"])
    return None


def activation_of(value: Any, extra_relu: frozenset[str] = frozenset()) -> Activation | str | None:
    """An ``activation`` field: a ReLU-family Activation, "identity", or None (anything else)."""
    step = _activation_step(value, extra_relu)
    if step.kind is StepKind.RELU:
        return Activation(step.label, step.slope)
    return "identity" if step.kind is StepKind.IDENTITY else None


def _activation_step(value: Any, extra_relu: frozenset[str]) -> Step:
    """What an ``activation`` field does to the layer's output (a name, or a layer config)."""
    if value is None:
        return IDENTITY_STEP
    if isinstance(value, Mapping) and isinstance(value.get("config"), Mapping):
        step = _layer_step(canonical_class(_class_name(value)), value["config"], extra_relu)
        return step if step.kind in (StepKind.RELU, StepKind.IDENTITY) else OTHER_STEP
    name = _function_name(value)
    if name is None:
        return OTHER_STEP
    relu_slopes = {**dict.fromkeys(extra_relu, 0.0), **knowledge.RELU_FUNCTIONS}
    step = function_step(name, name, relu_slopes)
    return step if step.kind in (StepKind.RELU, StepKind.IDENTITY) else OTHER_STEP


def _prelu_slope(config: Mapping[str, Any]) -> float | None:
    init = config.get("alpha_initializer")
    name, args = _initializer_parts(init) if init is not None else ("Zeros", {})
    if name in knowledge.ZERO_INITIALIZERS:
        return 0.0
    if name in knowledge.VALUE_CONSTANT_INITIALIZERS:
        return number(args.get("value"))
    return None


def _layer_step(kind: str, config: Mapping[str, Any], extra_relu: frozenset[str]) -> Step:
    """What a layer does to a signal passing through, read from its config by the shared core."""

    def slope(layer: str, default: float) -> float | None:
        return _prelu_slope(config) if layer == "PReLU" else _slope_from(config, default)

    def activation() -> Step:
        return _activation_step(config.get(knowledge.ACTIVATION_ARGUMENT), extra_relu)

    return layer_step(kind, slope, activation)


def _follow(
    graph: _Graph,
    start: str,
    kinds: Mapping[str, str],
    extra_relu: frozenset[str],
) -> tuple[Pairing, Activation | None]:
    """Where the output of node ``start`` goes: through transparent steps to a ReLU or not.

    A layer whose output takes several paths (several consumers, a Concatenate) is paired
    only when all paths reach the same verdict (the core's ``Outcomes``, as in the linter).
    """
    outcomes = Outcomes()
    first = graph.nodes[start].successors
    if not first:
        return Pairing.NONE, None  # the model's output
    seen: set[tuple[str, PathState]] = set()
    stack = [(successor, PathState.PLAIN) for successor in reversed(first)]
    while stack and not outcomes.done:
        key, state = stack.pop()
        if (key, state) in seen:
            continue
        seen.add((key, state))
        node = graph.nodes[key]
        kind = kinds.get(key) or canonical_class(node.class_name)
        # An unknown step: a ReLU layer whose slope does not read, else a layer that runs code
        # of its own (Lambda, a wrapper, a custom class): the core's default reason.
        reason = UnknownReason.UNKNOWN_ARGUMENT if kind in knowledge.RELU_LAYERS else None
        after = outcomes.step(_layer_step(kind, node.config, extra_relu), state, reason)
        if after is None:
            continue
        if not node.successors:
            outcomes.add(Pairing.NONE)
        stack.extend((successor, after) for successor in reversed(node.successors))
    return outcomes.result()


def pairings_from_config(
    config: Mapping[str, Any],
    *,
    kinds: Mapping[str, str] | None = None,
    extra_relu_activations: Iterable[str] = (),
) -> dict[str, tuple[Pairing, Activation | None]]:
    """For every layer in the model's graph, by name: the ReLU step its output reaches, if any.

    A layer's own ``activation`` decides first; with none (or "linear") the graph does.
    ``kinds`` maps layer names to the Keras class they are (for subclasses of Keras layers).
    """
    graph = build_graph(config)
    extra = frozenset(extra_relu_activations)
    kinds = dict(kinds or {})
    result: dict[str, tuple[Pairing, Activation | None]] = {}
    for key, node in graph.nodes.items():
        own = activation_of(node.config.get(knowledge.ACTIVATION_ARGUMENT), extra)
        if isinstance(own, Activation):
            result[key] = (Pairing.RELU, own)
        elif own == "identity":
            result[key] = _follow(graph, key, kinds, extra)
        else:
            result[key] = (Pairing.NONE, None)
    return result


# --- Initializers ----------------------------------------------------------------------------


def _initializer_parts(value: Any) -> tuple[str, dict[str, Any]]:
    """(class name, arguments) of a serialized initializer: a string or a class_name/config dict."""
    if isinstance(value, str):
        return knowledge.INITIALIZER_STRINGS.get(value, value), {}
    if isinstance(value, Mapping):
        registered = value.get("registered_name")
        name = registered if isinstance(registered, str) else value.get("class_name", "")
        name = str(name).rsplit(">", 1)[-1]
        args = value.get("config")
        return name, dict(args) if isinstance(args, Mapping) else {}
    return "", {}


def _int_seed(args: Mapping[str, Any]) -> int | None:
    seed = args.get("seed")
    return seed if isinstance(seed, int) and not isinstance(seed, bool) else None


def init_from_config(value: Any) -> Init:
    """Judges a serialized initializer the way the linter judges the constructor call."""
    name, args = _initializer_parts(value)
    judged = judge_initializer(name, args, name or "<unknown>")
    seed = _int_seed(args)
    random_object = name in knowledge.RANDOM_INITIALIZERS
    binding = None
    if random_object and seed is not None:
        # Same class, same arguments, same int seed: the same numbers, as one shared object.
        binding = "config:" + json.dumps([name, args], sort_keys=True, default=str)
    return dataclasses.replace(
        judged,
        random_object=random_object,
        seed=seed,
        fresh_per_call=name in knowledge.FRESH_PER_CALL_INITIALIZERS and seed is None,
        binding=binding,
    )


def _is_default_weight(value: Any) -> bool:
    name, args = _initializer_parts(value)
    return (
        name == knowledge.DEFAULT_WEIGHT_INITIALIZER
        and _int_seed(args) is None
        and not any(args.get(axis) is not None for axis in ("input_axes", "output_axes"))
    )


def _is_default_bias(value: Any) -> bool:
    """Zeros, or a Constant of 0: Keras's default bias."""
    if value is None:
        return True
    name, args = _initializer_parts(value)
    if name in knowledge.ZERO_INITIALIZERS:
        return True
    return name in knowledge.VALUE_CONSTANT_INITIALIZERS and number(args.get("value")) == 0.0


# --- Facts -----------------------------------------------------------------------------------


def layer_facts(
    kind: str,
    config: Mapping[str, Any],
    *,
    name: str | None,
    pairing: Pairing,
    feeds: Activation | None,
) -> LayerFacts:
    """The facts of one kernel layer of Keras class ``kind`` from its config."""
    weight_arg = knowledge.KERNEL_LAYERS[kind]
    weight_value = config.get(weight_arg)
    bias_value = config.get(knowledge.BIAS_ARGUMENT)
    if kind == "EinsumDense":
        use_bias: bool | None = config.get("bias_axes") is not None
    else:
        flag = config.get(knowledge.USE_BIAS_ARGUMENT, True)
        use_bias = flag if isinstance(flag, bool) else None
    return LayerFacts(
        layer=kind,
        weight_arg=weight_arg,
        weight=None if _is_default_weight(weight_value) else init_from_config(weight_value),
        bias=None if _is_default_bias(bias_value) else init_from_config(bias_value),
        use_bias=use_bias,
        pairing=pairing,
        feeds=feeds if pairing in (Pairing.RELU, Pairing.NORMALIZED) else None,
        name=name if name is not None else config.get("name"),
    )


def facts_from_config(
    config: Mapping[str, Any],
    *,
    kinds: Mapping[str, str] | None = None,
    extra_relu_activations: Iterable[str] = (),
) -> list[LayerFacts]:
    """One ``LayerFacts`` per kernel layer of a serialized model, in the config's order.

    ``config`` is what ``model.get_config()``, ``model.to_json()`` or a `.keras` file's
    ``config.json`` hold (Keras 3 or Keras 2). ``kinds`` maps layer names to the Keras kernel
    class they derive from, for layers of user classes (``kaiming_keras.audit`` supplies it);
    otherwise a layer is a kernel layer when its class name is one of Keras's.
    """
    graph = build_graph(config)
    pairings = pairings_from_config(
        config, kinds=kinds, extra_relu_activations=extra_relu_activations
    )
    kinds = kinds or {}
    facts = []
    for key, node in graph.nodes.items():
        kind = kinds.get(key) or canonical_class(node.class_name)
        if kind not in knowledge.KERNEL_LAYERS:
            continue
        pairing, feeds = pairings[key]
        facts.append(
            layer_facts(
                kind, node.config, name=node.config.get("name", key), pairing=pairing, feeds=feeds
            )
        )
    return facts
