"""Model-level tools: `initialize` redraws a built model's ReLU layers with He's rule, `audit`
checks a model's initializers with kaiming-lint's rules.

Both read the model the way the saved-model reader reads a `.keras` file: the layer graph of
``model.get_config()`` (the next layer of a Sequential, the consumers of a functional layer)
through ``kaiming_lint.sources.model_config``, so the linter, `audit` and `initialize` agree on
which layer feeds which ReLU. A subclassed model has no graph config: there a layer's own
``activation`` is all that is known.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from numbers import Integral
from typing import Any

import keras
import numpy as np

from kaiming_keras.fans import FAN_MODES, layer_fans
from kaiming_lint import knowledge
from kaiming_lint.facts import Activation, Init, LayerFacts, Pairing
from kaiming_lint.rules import judge, rule_for
from kaiming_lint.sources.model_config import (
    activation_of,
    facts_from_config,
    init_from_config,
    layer_facts,
    pairings_from_config,
)

__all__ = ["Finding", "InitializeReport", "InitializedWeight", "audit", "initialize"]


# --- Walking a live model --------------------------------------------------------------------


def _check_model(model: Any) -> None:
    if not isinstance(model, keras.Model):
        raise ValueError(f"Invalid `model`: expected a keras.Model, got {type(model).__name__}.")


def _walk(model: keras.layers.Layer) -> list[keras.layers.Layer]:
    """Every layer inside the model once, depth first (attention layers' projections excluded)."""
    found: dict[int, keras.layers.Layer] = {}

    def visit(owner: keras.layers.Layer) -> None:
        children = owner.layers if isinstance(owner, keras.Model) else getattr(owner, "_layers", [])
        for layer in children:
            if id(layer) in found:
                continue
            found[id(layer)] = layer
            if not isinstance(layer, keras.layers.MultiHeadAttention):
                visit(layer)

    visit(model)
    return list(found.values())


def keras_kind(layer: keras.layers.Layer) -> str | None:
    """The Keras kernel-layer class (or attention class) a layer is or derives from."""
    for cls in type(layer).__mro__:
        if not cls.__module__.startswith(("keras.", "tf_keras.")):
            continue
        name = knowledge.LAYER_ALIASES.get(cls.__name__, cls.__name__)
        if name in knowledge.KERNEL_LAYERS or name in knowledge.ATTENTION_LAYERS:
            return name
    return None


def _kinds(layers: list[keras.layers.Layer]) -> dict[str, str]:
    return {layer.name: kind for layer in layers if (kind := keras_kind(layer))}


def _graph_config(model: keras.Model) -> dict[str, Any] | None:
    """The model's config when it describes a layer graph (Sequential, functional)."""
    try:
        config = model.get_config()
    except (NotImplementedError, TypeError):
        return None
    if isinstance(config, Mapping) and isinstance(config.get("layers"), list):
        return dict(config)
    return None


def _own_pairing(layer: keras.layers.Layer) -> tuple[Pairing, Activation | None]:
    """Pairing from a layer's own `activation` only: all a subclassed model tells."""
    try:
        config = layer.get_config()
    except NotImplementedError:
        return Pairing.UNKNOWN, None
    step = activation_of(config.get(knowledge.ACTIVATION_ARGUMENT))
    if isinstance(step, Activation):
        return Pairing.RELU, step
    return (Pairing.UNKNOWN, None) if step == "identity" else (Pairing.NONE, None)


def _pairings(
    model: keras.Model, layers: list[keras.layers.Layer]
) -> dict[str, tuple[Pairing, Activation | None]]:
    config = _graph_config(model)
    pairings = pairings_from_config(config, kinds=_kinds(layers)) if config is not None else {}
    for layer in layers:
        pairings.setdefault(layer.name, _own_pairing(layer))
    return pairings


# --- audit -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    """One problem `audit` found: a kaiming-lint rule code, the layer's name, and why."""

    code: str
    layer: str
    message: str
    rule: str  # the rule's name, e.g. "relu-default-init"

    def __str__(self) -> str:
        return f"{self.layer}: {self.code} {self.message}"


def _live_facts(model: keras.Model) -> list[LayerFacts]:
    layers = _walk(model)
    kinds = _kinds(layers)
    config = _graph_config(model)
    if config is not None:
        facts = facts_from_config(config, kinds=kinds)
    else:
        facts = []
        for layer in layers:
            kind = kinds.get(layer.name)
            if kind in knowledge.KERNEL_LAYERS:
                pairing, feeds = _own_pairing(layer)
                facts.append(
                    layer_facts(
                        kind, layer.get_config(), name=layer.name, pairing=pairing, feeds=feeds
                    )
                )
    return _bind_shared_objects(facts, {layer.name: layer for layer in layers})


def _bind_shared_objects(
    facts: list[LayerFacts], layers: Mapping[str, keras.layers.Layer]
) -> list[LayerFacts]:
    """Marks initializer objects that several live layers share (KAI005).

    A config shows sharing only through equal int seeds; a live model shows the objects
    themselves, so an unseeded object passed to two layers is caught too.
    """
    for target, argument in (("weight", None), ("bias", knowledge.BIAS_ARGUMENT)):
        holders: dict[int, list[int]] = {}
        objects: dict[int, Any] = {}
        for index, fact in enumerate(facts):
            layer = layers.get(fact.name or "")
            obj = getattr(layer, argument or fact.weight_arg, None) if layer is not None else None
            if obj is not None and not isinstance(obj, (str, Mapping)):
                holders.setdefault(id(obj), []).append(index)
                objects[id(obj)] = obj
        for obj_id, indices in holders.items():
            if len(indices) < 2:
                continue
            for index in indices:
                fact = facts[index]
                init = getattr(fact, target)
                if init is None:
                    # Read as Keras's default, but Keras builds a default per layer: this
                    # object was passed explicitly.
                    init = _explicit_init(objects[obj_id])
                if init.random_object and init.binding is None:
                    setattr(fact, target, dataclasses.replace(init, binding=f"object:{obj_id}"))
    return facts


def _explicit_init(initializer: Any) -> Init:
    try:
        config = initializer.get_config()
    except (AttributeError, NotImplementedError):
        config = {}
    return init_from_config({"class_name": type(initializer).__name__, "config": config})


def audit(model: keras.Model, *, strict_normalized: bool = False) -> list[Finding]:
    """Checks a built or loaded model with kaiming-lint's rules (KAI001-KAI005).

    The runtime twin of the linter, for a model whose source you do not have (a `.keras`
    file): each kernel layer that feeds a ReLU-family activation (its own `activation`, or the
    next layers through dropout, pooling, reshapes, concatenation) is judged on its
    initializer config.

    Differences from the linter, because a model does not remember how it was written:
    a weight initializer equal to Keras's default (`GlorotUniform` without a seed) counts as
    "not given" (KAI001, never KAI002); KAI005 reports layers that share one initializer
    object, and layers whose random initializers have the same class, configuration and int
    seed (they draw the same numbers). In a subclassed model only a layer's own `activation`
    is known.

    Args:
        model: A Keras model (Sequential, functional or subclassed).
        strict_normalized: Also report layers whose path to the ReLU passes a normalization
            layer (the linter's `strict-normalized`).

    Returns:
        One `Finding` per problem, in rule order; empty when the model is clean.
    """
    _check_model(model)
    if not isinstance(strict_normalized, bool):
        raise ValueError(
            f"Invalid `strict_normalized`: {strict_normalized!r}. Expected True or False."
        )
    violations = judge(_live_facts(model), strict_normalized=strict_normalized)
    return [
        Finding(
            code=violation.code,
            layer=violation.layer.name or violation.layer.layer,
            message=violation.message,
            rule=rule_for(violation.code).name,
        )
        for violation in violations
    ]


# --- initialize ------------------------------------------------------------------------------


@dataclass(frozen=True)
class InitializedWeight:
    """One weight `initialize` redrew."""

    layer: str  # the layer's name
    kind: str  # its Keras class
    weight: str  # "kernel", "pointwise_kernel", "output_dense.kernel", ...
    fan: float  # the true fan used
    gain: float
    std_before: float  # measured
    std_after: float  # measured


@dataclass(frozen=True)
class InitializeReport:
    """What `initialize` changed, weight by weight; prints as a table."""

    rows: tuple[InitializedWeight, ...]
    mode: str

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[InitializedWeight]:
        return iter(self.rows)

    @property
    def layers(self) -> list[str]:
        """Names of the layers changed, in order, each once."""
        return list(dict.fromkeys(row.layer for row in self.rows))

    def __str__(self) -> str:
        header = ("layer", "kind", "weight", self.mode, "gain", "std before", "std after")
        body = [
            (
                row.layer,
                row.kind,
                row.weight,
                f"{row.fan:g}",
                f"{row.gain:.4f}",
                f"{row.std_before:.4g}",
                f"{row.std_after:.4g}",
            )
            for row in self.rows
        ]
        if not body:
            return "initialize: no layer feeds a ReLU-family activation; nothing changed"
        widths = [max(len(line[i]) for line in (header, *body)) for i in range(len(header))]

        def render(line: tuple[str, ...]) -> str:
            return "  ".join(
                cell.ljust(width) for cell, width in zip(line, widths, strict=True)
            ).rstrip()

        return "\n".join(
            [render(header), render(tuple("-" * w for w in widths))]
            + [render(line) for line in body]
        )


def _variable(layer: keras.layers.Layer, path: str) -> Any:
    owner: Any = layer
    for part in path.split("."):
        owner = getattr(owner, part)
    return owner


def _std(variable: Any) -> float:
    return float(np.std(np.asarray(keras.ops.convert_to_numpy(variable), dtype=np.float64)))


def _check_arguments(model: Any, mode: Any, seed: Any) -> None:
    _check_model(model)
    if mode not in FAN_MODES:
        raise ValueError(f"Invalid `mode`: {mode!r}. Expected one of: {', '.join(FAN_MODES)}.")
    if seed is not None and (
        not isinstance(seed, Integral) or isinstance(seed, bool) or not 0 <= int(seed) < 2**32
    ):
        raise ValueError(f"Invalid `seed`: {seed!r}. Expected None or an integer in [0, 2**32).")
    if not model.built:
        raise ValueError(
            f"Model {model.name!r} is not built; build it first (call it on data, or "
            "`model.build(input_shape)`, or create it with a `keras.Input`)."
        )


def initialize(
    model: keras.Model, mode: str = "fan_in", seed: int | None = None
) -> InitializeReport:
    """Redraws every layer that feeds a ReLU-family activation with He's rule, in place.

    For each kernel layer (Dense, EinsumDense, ConvND, ConvNDTranspose, DepthwiseConvND,
    SeparableConvND, and MultiHeadAttention's output projection) whose output reaches a ReLU,
    ReLU6, LeakyReLU, PReLU or `Activation("relu")` - through its own `activation` or the next
    layers of the graph, passing dropout, pooling, reshapes and concatenation - the weights
    are drawn from an untruncated normal with ``std = gain / sqrt(fan)`` and the bias is set to
    zero. The gain is ``sqrt(2 / (1 + slope**2))`` for the activation's negative slope; the
    fan is the layer's *true* fan (see `kaiming_keras.fans`), which Keras's `HeNormal` gets
    wrong for depthwise and transposed convolutions. A separable layer's depthwise part is
    redrawn with gain 1 (it feeds the pointwise part linearly). Other layers are untouched.

    New random numbers are drawn (calling a layer's own initializer again would reproduce
    its original weights); an int `seed` makes the result reproducible.

    Args:
        model: A built Keras model (Sequential, functional or subclassed).
        mode: "fan_in" (keeps the forward signal's scale) or "fan_out" (the gradient's).
        seed: None for fresh randomness, or an int in [0, 2**32).

    Returns:
        An `InitializeReport`: one row per redrawn weight with the fan used and the measured
        standard deviation before and after.

    Raises:
        ValueError: for an invalid argument, or a model that is not built.
    """
    _check_arguments(model, mode, seed)
    layers = _walk(model)
    pairings = _pairings(model, layers)
    generator = keras.random.SeedGenerator(seed)
    rows: list[InitializedWeight] = []
    for layer in layers:
        kind = keras_kind(layer)
        pairing, feeds = pairings.get(layer.name, ("unknown", None))
        if kind is None or pairing != "relu" or feeds is None:
            continue
        he_gain = knowledge.he_gain(feeds.slope)
        attention = kind in knowledge.ATTENTION_LAYERS
        for fans in layer_fans(layer):
            if attention and not fans.final:
                continue  # query/key/value feed the attention softmax, not the ReLU
            gain = he_gain if fans.final else 1.0
            variable = _variable(layer, fans.path)
            fan = fans.fan(mode)
            std = gain / math.sqrt(fan)
            before = _std(variable)
            variable.assign(
                keras.random.normal(
                    tuple(variable.shape), stddev=std, dtype=variable.dtype, seed=generator
                )
            )
            rows.append(
                InitializedWeight(layer.name, kind, fans.path, fan, gain, before, _std(variable))
            )
        bias = _variable(layer, "output_dense.bias") if attention else getattr(layer, "bias", None)
        if bias is not None:
            bias.assign(keras.ops.zeros(tuple(bias.shape), dtype=bias.dtype))
    return InitializeReport(rows=tuple(rows), mode=mode)
