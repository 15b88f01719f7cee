"""What every rule shares: the settings it is judged with, and the message wording."""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import ClassVar

from kaiming_lint import knowledge
from kaiming_lint.facts import (
    Fix,
    FixAction,
    Init,
    LayerFacts,
    NeededImport,
    NewInitializer,
    Pairing,
    Violation,
)
from kaiming_lint.results import FixStyle, Severity


@dataclass(frozen=True)
class Settings:
    """The options a rule's verdict depends on."""

    fix_style: FixStyle = FixStyle.KAIMING
    strict_normalized: bool = False
    kaiming_module: str = knowledge.KAIMING_MODULE_FOR_KERAS["3"]  # for the file's Keras


@dataclass(frozen=True)
class Valid:
    """An example the rule must not report."""

    code: str


@dataclass(frozen=True)
class Invalid:
    """An example the rule must report, at exactly these (1-based) lines and columns.

    ``fixed`` is the exact text ``--fix`` gives; None when the finding has no fix (the text
    must then stay as it is).
    """

    code: str
    at: tuple[tuple[int, int], ...]
    fixed: str | None = None


class Rule:
    """One check over kernel-layer facts, with its documentation and code examples.

    The examples are documentation and tests at once (one parametrized test runs them all).
    """

    code: ClassVar[str]
    name: ClassVar[str]
    summary: ClassVar[str]
    documentation: ClassVar[str]
    fixable: ClassVar[bool]
    autofix: ClassVar[str]  # what the fix does, for the rule table
    severity: ClassVar[Severity] = Severity.WARNING
    valid: ClassVar[tuple[Valid, ...]] = ()
    invalid: ClassVar[tuple[Invalid, ...]] = ()

    def check(self, layers: Sequence[LayerFacts], settings: Settings) -> Iterator[Violation]:
        """Yield a violation for each layer this rule finds fault with."""
        return iter(())

    def __repr__(self) -> str:
        return f"<{self.code} {self.name}>"


# --- Judgements shared by several rules ------------------------------------------------------


def paired_slope(layer: LayerFacts, settings: Settings) -> float | None:
    """The negative slope of the ReLU the layer feeds, or None when no ReLU finding applies."""
    if layer.feeds is None:
        return None
    if layer.pairing is Pairing.RELU or (
        layer.pairing is Pairing.NORMALIZED and settings.strict_normalized
    ):
        return layer.feeds.slope
    return None


def is_he_for(init: Init, slope: float) -> bool:
    """He-compatible, or a variance scale matching He for this slope (leaky-He)."""
    if init.category == knowledge.HE:
        return True
    return init.scale is not None and math.isclose(
        init.scale, knowledge.he_scale(slope), rel_tol=1e-3
    )


def is_zeros(init: Init) -> bool:
    """A constant initializer whose value is zero (Keras's default bias)."""
    return init.category == knowledge.CONSTANT and init.constant_value == 0.0


def kind(layer: LayerFacts) -> str:
    """'kernel', 'depthwise' or 'pointwise': the weights the layer's activation sees."""
    return layer.weight_arg.removesuffix("_initializer")


def feeds_phrase(layer: LayerFacts) -> str:
    """'Conv2D feeds ReLU' (or 'feeds ReLU through normalization')."""
    assert layer.feeds is not None
    through = " through normalization" if layer.pairing is Pairing.NORMALIZED else ""
    return f"{layer.layer} feeds {layer.feeds.label}{through}"


def he_import(settings: Settings) -> NeededImport:
    """The class a "kaiming" fix writes, and where it is imported from: named here only."""
    module = settings.kaiming_module
    keras3 = knowledge.KAIMING_KERAS3_MODULES
    # An import of the same Keras's class is reused; another Keras's never is.
    also = tuple(other for other in keras3 if other != module) if module in keras3 else ()
    return NeededImport(module, knowledge.KAIMING_INITIALIZER, also_from=also)


def he_initializer(slope: float, settings: Settings) -> NewInitializer:
    """The He initializer a fix writes for a ReLU with this negative slope."""
    if settings.fix_style is FixStyle.KERAS:
        return NewInitializer(string=knowledge.KERAS_HE_STRING)
    if slope:
        keywords = (("nonlinearity", "leaky_relu"), ("negative_slope", slope))
        return NewInitializer(constructor=he_import(settings), keywords=keywords)
    return NewInitializer(
        constructor=he_import(settings),
        fallback=NewInitializer(string=knowledge.KERAS_HE_STRING),
    )


def he_fix(slope: float, settings: Settings) -> Fix:
    """Set the weight initializer to He for this slope."""
    value = he_initializer(slope, settings)
    return Fix(FixAction.SET_WEIGHT, negative_slope=slope, value=value)


def he_replacement(slope: float, settings: Settings) -> str:
    """The initializer a fix writes, as the message shows it."""
    return written(he_initializer(slope, settings))


def written(value: NewInitializer, quote: str = '"') -> str:
    """Source text for a new initializer value (``quote``: the file's quote character)."""
    if value.string is not None:
        return f"{quote}{value.string}{quote}"
    assert value.constructor is not None
    arguments = ", ".join(
        f"{key}={quote}{item}{quote}" if isinstance(item, str) else f"{key}={item!r}"
        for key, item in value.keywords
    )
    return f"{value.constructor.name}({arguments})"
