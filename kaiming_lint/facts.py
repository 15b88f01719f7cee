"""The facts the rules judge: one record per kernel layer, free of libcst and of Keras.

The linter builds these from source code (``kaiming_lint.pairing``); ``kaiming_keras.audit``
and the saved-model reader build them from layer configs. The rules in ``kaiming_lint.rules``
judge only these records, so every producer reaches the same verdicts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Literal


class Pairing(str, Enum):
    """How a kernel layer's output reaches the next non-transparent step."""

    RELU = "relu"  # a ReLU-family activation, through transparent steps only
    NORMALIZED = "normalized"  # a ReLU, but through a normalization layer
    NONE = "none"  # a known step that is not a ReLU
    UNKNOWN = "unknown"  # the paths disagree, or one could not be followed: never reported

    def __str__(self) -> str:
        return self.value


# What an initializer value resolves to; see knowledge.INITIALIZER_CLASSES.
Category = Literal["he", "constant", "non_he", "unknown"]
Target = Literal["layer", "weight", "bias"]


@dataclass(frozen=True)
class Activation:
    """A ReLU-family step that a kernel layer's output reaches."""

    label: str  # as written, for messages: "ReLU", "'relu'", "tf.nn.relu", "LeakyReLU"
    slope: float = 0.0  # negative slope; 0 for ReLU, ReLU6 and a fresh PReLU


@dataclass(frozen=True)
class Init:
    """An initializer value, resolved without running it."""

    category: Category
    label: str  # for messages: "GlorotUniform", "'glorot_uniform'", "VarianceScaling(scale=1.0)"
    # The variance scale it draws with (VarianceScaling's `scale`, an Orthogonal gain squared,
    # 2.0 for HeNormal); None when it has none. Lets a rule accept leaky-He for a slope.
    scale: float | None = None
    # A constructed random-initializer object (not a string or a dict config): sharing one
    # between layers shares its random stream (KAI005).
    random_object: bool = False
    seed: int | None = None  # the int seed it was built with, if any
    fresh_per_call: bool = False  # KaimingNormal/KaimingUniform with no seed
    # Identity of the name, attribute or constant the object is bound to, when the value was
    # reached through one; two layers with the same binding share one object.
    binding: str | None = None
    # For a constant initializer: the value every weight starts from, when it is known.
    constant_value: float | None = None
    # Layers of other modules that use the same object (a constant of the project).
    uses_elsewhere: int = 0


@dataclass
class LayerFacts:
    """One kernel layer, as far as the analysis could resolve it."""

    layer: str  # canonical Keras class name: "Conv2D"
    weight_arg: str  # "kernel_initializer", "depthwise_initializer" or "pointwise_initializer"
    weight: Init | None  # None: argument not given (Keras's default GlorotUniform)
    bias: Init | None  # None: argument not given (Keras's default zeros)
    use_bias: bool | None  # None: could not tell
    pairing: Pairing
    feeds: Activation | None = None  # the ReLU step, for pairing "relu" and "normalized"
    uses: int = 1  # how many layers this one call site builds (2 when inside a loop body)
    name: str | None = None  # the Keras layer name, when known (audit, saved models)
    # Why it stays undecided (a results.UnknownReason value), for an unknown pairing or an
    # argument that did not resolve; None when everything resolved.
    reason: str | None = None
    # What the project-wide analysis used to decide it (kaiming_lint.project.Origins).
    origins: Any = field(default=None, compare=False, repr=False)
    ref: Any = field(default=None, compare=False, repr=False)  # producer's handle: nodes, names

    def __post_init__(self) -> None:
        # Producers outside the package (kaiming_keras.audit, tests) may name it as a string.
        self.pairing = Pairing(self.pairing)


class FixAction(str, Enum):
    """The closed vocabulary of edits a fix is made of (each edit lives in kaiming_lint.actions)."""

    SET_WEIGHT = "set_weight"  # write the weight initializer (replace the value, or add it)
    REMOVE_BIAS = "remove_bias"  # drop bias_initializer (Keras's default is zeros)
    SPLIT_SHARED = "split_shared"  # give this use its own copy of a shared constructor call

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class NeededImport:
    """A name a fix's new code refers to, and the module it is imported from.

    An existing import of ``name`` from ``module`` or from one of ``also_from`` is reused.
    """

    module: str
    name: str
    also_from: tuple[str, ...] = ()


@dataclass(frozen=True)
class NewInitializer:
    """An initializer value a fix writes: a Keras string, or a call of an imported class."""

    string: str | None = None  # "he_normal", quoted the way the file quotes its strings
    constructor: NeededImport | None = None  # the class to call ...
    keywords: tuple[tuple[str, str | float], ...] = ()  # ... with these keyword arguments
    # The same initializer as a Keras string, written instead of ``constructor`` in a file that
    # imports kaiming_keras only conditionally (an optional dependency must stay optional).
    fallback: NewInitializer | None = None

    @property
    def imports(self) -> tuple[NeededImport, ...]:
        return (self.constructor,) if self.constructor is not None else ()


@dataclass(frozen=True)
class Fix:
    """What to change, as data: an action, its parameters, and the imports it needs."""

    action: FixAction
    negative_slope: float = 0.0  # for set_weight: the paired slope
    use_index: int = 0  # for split_shared: which use of the shared object this is (0-based)
    value: NewInitializer | None = None  # for set_weight: what to write

    @property
    def imports(self) -> tuple[NeededImport, ...]:
        return self.value.imports if self.value is not None else ()


@dataclass(frozen=True)
class Violation:
    """A rule's verdict on one layer."""

    code: str
    message: str
    layer: LayerFacts = field(compare=False)
    target: Target  # where it is reported: the layer call, the weight value, the bias argument
    fix: Fix | None = None
