"""Classify a fully qualified dotted name as a Keras (or TensorFlow) object.

``classify("tensorflow.keras.layers.Conv2D")`` says "a layer class named Conv2D", whatever import
path or alias reached it. The names themselves come from :mod:`kaiming_lint.knowledge`; this
module only knows how Keras lays out its modules. It imports neither libcst nor Keras, so
``kaiming_keras.audit`` can classify the module paths of live objects with it too.
"""

from __future__ import annotations

from enum import Enum
from functools import lru_cache
from typing import NamedTuple

from kaiming_lint import knowledge


class SymbolKind(str, Enum):
    """What a Keras (or TensorFlow) name denotes."""

    LAYER = "layer"
    MODEL = "model"
    INITIALIZER = "initializer"
    ACTIVATION = "activation"
    MODULE = "module"

    def __str__(self) -> str:
        return self.value


# The canonical spelling every Keras root is rewritten to.
KERAS = "keras"
_KAIMING = "kaiming_keras"
_MODEL_CLASSES = frozenset({"Sequential", "Model", "Functional"})
# Keras-root-relative module prefixes and what the names under them are.
_KERAS_SECTIONS: dict[str, SymbolKind] = {
    "layers": SymbolKind.LAYER,
    "models": SymbolKind.MODEL,
    "initializers": SymbolKind.INITIALIZER,
    **{
        module.split(".")[0]: SymbolKind.ACTIVATION for module in knowledge.KERAS_ACTIVATION_MODULES
    },
}
# Longest roots first, so "tensorflow.keras" wins over a bare "tensorflow".
_ROOTS = sorted(knowledge.KERAS_ROOTS, key=len, reverse=True)


class Symbol(NamedTuple):
    """What a qualified name is: its kind and its canonical Keras name."""

    kind: SymbolKind
    name: str  # "Conv2D", "relu", "HeNormal", "Sequential"; for modules the canonical path


@lru_cache(maxsize=65536)
def canonical(qualname: str) -> str:
    """Rewrite any Keras import root to ``keras`` (``tf_keras.layers`` -> ``keras.layers``)."""
    for root in _ROOTS:
        if qualname == root:
            return KERAS
        if qualname.startswith(root) and qualname[len(root)] == ".":
            return KERAS + qualname[len(root) :]
    if qualname.startswith(_KAIMING + "."):
        parts = qualname.split(".")
        if len(parts) > 2 and ".".join(parts[:-1]) in knowledge.KAIMING_MODULES:
            return f"{_KAIMING}.{parts[-1]}"
    return qualname


@lru_cache(maxsize=65536)
def classify(qualname: str) -> Symbol | None:
    """The Keras/TensorFlow object a qualified name denotes, or None for anything else.

    Modules that lead to such objects (``keras``, ``keras.layers``, ``tensorflow.nn``) classify
    as kind "module", so a caller can tell "part of Keras" from "unrelated".
    """
    name = canonical(qualname)
    parts = name.split(".")
    if parts[0] == KERAS:
        return _classify_keras(parts[1:], name)
    if parts[0] == _KAIMING:
        return Symbol(SymbolKind.INITIALIZER, parts[1]) if len(parts) == 2 else _module(name)
    return _classify_tensorflow(name)


def layer_name(symbol: Symbol | None) -> str | None:
    """The canonical class name of a layer symbol (aliases mapped), else None."""
    if symbol is None or symbol.kind is not SymbolKind.LAYER:
        return None
    return knowledge.LAYER_ALIASES.get(symbol.name, symbol.name)


def _classify_keras(rest: list[str], name: str) -> Symbol | None:
    if not rest:
        return _module(name)
    last = rest[-1]
    if len(rest) == 1 and last in _MODEL_CLASSES:
        return Symbol(SymbolKind.MODEL, last)
    kind = _KERAS_SECTIONS.get(rest[0])
    if kind is None:
        return None
    # Everything between the section and the last name must be a (lowercase) submodule:
    # keras.layers.core.Dense, keras.src.layers.convolutional.conv2d.Conv2D.
    if len(rest) == 1 or not all(part.islower() for part in rest[1:-1]):
        return _module(name) if len(rest) == 1 else None
    if kind is SymbolKind.MODEL:
        return Symbol(SymbolKind.MODEL, last) if last in _MODEL_CLASSES else None
    # Lowercase names under layers are functions (concatenate, add) or submodules; callers
    # only act on the names knowledge.py lists.
    return Symbol(kind, last)


def _classify_tensorflow(name: str) -> Symbol | None:
    module, _, last = name.rpartition(".")
    if module in knowledge.TENSORFLOW_ACTIVATION_MODULES:
        return Symbol(SymbolKind.ACTIVATION, last)
    if module in knowledge.TENSORFLOW_INITIALIZER_MODULES and last in (
        knowledge.INITIALIZER_CLASSES
    ):
        return Symbol(SymbolKind.INITIALIZER, last)
    if name == knowledge.TENSORFLOW_MODULE or name in _TENSORFLOW_MODULE_PREFIXES:
        return _module(name)
    return None


# Every module that leads to a TensorFlow activation or initializer module (and those modules).
_TENSORFLOW_MODULE_PREFIXES = frozenset(
    ".".join(parts[:cut])
    for module in knowledge.TENSORFLOW_ACTIVATION_MODULES + knowledge.TENSORFLOW_INITIALIZER_MODULES
    for parts in [module.split(".")]
    for cut in range(1, len(parts) + 1)
)


def _module(name: str) -> Symbol:
    return Symbol(SymbolKind.MODULE, name)
