"""Which Keras a file is written for, from its imports; and so which module the fix imports.

A file is read as:

- Keras 2 when it imports a path only Keras 2 has (`tf_keras`, `keras.engine`,
  `keras.layers.core`, `tensorflow.python.keras`, ...);
- Keras 3 when it imports a path only Keras 3 has (`keras.ops`, `keras.src`, ...), or plain
  `keras` and nothing Keras-2-only;
- "whatever `tf.keras` is" when it reaches Keras only through TensorFlow (`import tensorflow as
  tf`, `from tensorflow import keras`);
- mixed when it has both Keras 2 and Keras 3 paths: no Kaiming import fits every layer then.

The facts (which paths mean what) are data in `knowledge.py`. Imports anywhere in the file count
(inside `try`, `if`, functions), relative imports do not. Nothing is imported or executed.
"""

from __future__ import annotations

import enum

import libcst as cst

from kaiming_lint import knowledge
from kaiming_lint.results import KerasVersion


class KerasFlavor(enum.Enum):
    """The Keras a file is written for."""

    KERAS2 = "2"
    KERAS3 = "3"
    TF_KERAS = "tf"  # only through tf.keras: Keras 3, or Keras 2 with TF_USE_LEGACY_KERAS=1
    MIXED = "mixed"
    NONE = "none"  # no Keras import at all


def _dotted(node: cst.BaseExpression) -> str:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{_dotted(node.value)}.{node.attr.value}"
    return ""


class _ImportedPaths(cst.CSTVisitor):
    def __init__(self) -> None:
        self.paths: list[str] = []

    def visit_Import(self, node: cst.Import) -> bool:
        self.paths.extend(_dotted(alias.name) for alias in node.names)
        return False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        if node.relative or node.module is None:
            return False
        module = _dotted(node.module)
        self.paths.append(module)
        if not isinstance(node.names, cst.ImportStar):
            self.paths.extend(f"{module}.{_dotted(alias.name)}" for alias in node.names)
        return False


def imported_paths(module: cst.Module) -> list[str]:
    """Every absolute module path the file imports, and `M.name` for each `from M import name`."""
    visitor = _ImportedPaths()
    module.visit(visitor)
    return visitor.paths


def _within(path: str, prefix: str) -> bool:
    return path == prefix or path.startswith(prefix + ".")


class _Path(enum.Enum):
    KERAS2_ONLY = "2"
    KERAS3_ONLY = "3"
    TENSORFLOW = "tf"
    PLAIN_KERAS = "keras"  # Keras 3, unless a Keras-2-only path says it is Keras 2's `keras`


_PREFIXES: tuple[tuple[tuple[str, ...], _Path], ...] = (
    (knowledge.KERAS2_ONLY_MODULES, _Path.KERAS2_ONLY),
    (knowledge.KERAS3_ONLY_MODULES, _Path.KERAS3_ONLY),
    (knowledge.TF_KERAS_MODULES, _Path.TENSORFLOW),
    ((knowledge.KERAS_MODULE,), _Path.PLAIN_KERAS),
)


def _kind(path: str) -> _Path | None:
    """What one imported path says, by the longest matching entry of knowledge."""
    best: tuple[int, _Path] | None = None
    for prefixes, kind in _PREFIXES:
        for prefix in prefixes:
            if _within(path, prefix) and (best is None or len(prefix) > best[0]):
                best = (len(prefix), kind)
    return best[1] if best is not None else None


def detect(module: cst.Module) -> KerasFlavor:
    """The Keras `module` is written for, from its imports."""
    kinds = {kind for path in imported_paths(module) if (kind := _kind(path)) is not None}
    if _Path.KERAS2_ONLY in kinds:
        return KerasFlavor.MIXED if _Path.KERAS3_ONLY in kinds else KerasFlavor.KERAS2
    if kinds & {_Path.KERAS3_ONLY, _Path.PLAIN_KERAS}:
        return KerasFlavor.KERAS3
    if _Path.TENSORFLOW in kinds:
        return KerasFlavor.TF_KERAS
    return KerasFlavor.NONE


def kaiming_module(module: cst.Module, setting: KerasVersion = KerasVersion.AUTO) -> str | None:
    """The module the default fix imports KaimingNormal from; None when no one module fits.

    `setting` is the `keras-version` configuration value: "auto" (read the imports), "2" or
    "3". A file with no Keras import gets the Keras 3 module; a mixed file gets None.
    """
    setting = KerasVersion(setting)
    if setting is not KerasVersion.AUTO:
        return knowledge.KAIMING_MODULE_FOR_KERAS[setting.value]
    flavor = detect(module)
    if flavor is KerasFlavor.MIXED:
        return None
    if flavor is KerasFlavor.NONE:
        return knowledge.KAIMING_MODULE_FOR_KERAS[KerasFlavor.KERAS3.value]
    return knowledge.KAIMING_MODULE_FOR_KERAS[flavor.value]
