"""The verdict on one initializer, from its class name and the arguments it was built with.

Shared by every producer of facts (source analysis, saved-model configs, ``kaiming_keras.audit``)
so that they judge the same initializer the same way. Neither libcst nor Keras is imported.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from kaiming_lint import knowledge
from kaiming_lint.facts import Category, Init

# The verdict categories of knowledge.INITIALIZER_CLASSES, as the facts name them.
_CATEGORIES: dict[str, Category] = {
    knowledge.HE: "he",
    knowledge.CONSTANT: "constant",
    knowledge.NON_HE: "non_he",
}
# How close a variance scale must be to 2 to count as He.
HE_TOLERANCE = 1e-6


def number(value: object) -> float | None:
    """A real number argument, or None for anything else (booleans included)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def short(value: float) -> str:
    """A number for messages: 2.0, 1.980198, 0.1."""
    return repr(round(value, 6))


def is_he_scale(scale: float) -> bool:
    return math.isclose(scale, knowledge.HE_SCALE, rel_tol=HE_TOLERANCE)


def kaiming_scale(params: Mapping[str, object]) -> float | None:
    """The variance scale KaimingNormal/KaimingUniform draw with for these arguments."""
    nonlinearity = params.get("nonlinearity", "relu")
    slope = number(params.get("negative_slope", 0.0))
    if slope is None or not isinstance(nonlinearity, str):
        return None
    # KaimingNormal(negative_slope=s) reads as a leaky pairing too.
    if nonlinearity == "leaky_relu" or (nonlinearity == "relu" and slope):
        return knowledge.he_scale(slope)
    return knowledge.NONLINEARITY_SCALES.get(nonlinearity)


def judge_initializer(name: str, params: Mapping[str, object], label: str) -> Init:
    """Category, variance scale, constant value and label of initializer class ``name``.

    ``label`` is how the value was written; the argument that decides the verdict is appended
    (``VarianceScaling(scale=1.0)``, ``Constant(value=0.1)``).
    """
    category = knowledge.INITIALIZER_CLASSES.get(name)
    if category is None:
        return Init("unknown", label)
    scale: float | None = None
    value: float | None = None
    if name in knowledge.FRESH_PER_CALL_INITIALIZERS:
        scale = kaiming_scale(params)
        if scale is None:
            return Init("unknown", label)
        slope = number(params.get("negative_slope"))
        if slope:
            label = f"{label}(negative_slope={short(slope)})"
        category = knowledge.HE if is_he_scale(scale) else knowledge.NON_HE
    elif category == knowledge.HE:
        scale = knowledge.HE_SCALE
    elif category == knowledge.VARIANCE_SCALING:
        scale = number(params.get("scale", knowledge.DEFAULT_VARIANCE_SCALE))
        if scale is None:
            return Init("unknown", label)
        label = f"{label}(scale={short(scale)})"
        category = knowledge.HE if is_he_scale(scale) else knowledge.NON_HE
    elif category == knowledge.ORTHOGONAL:
        gain = number(params.get("gain", knowledge.DEFAULT_ORTHOGONAL_GAIN))
        if gain is None:
            return Init("unknown", label)
        scale = gain**2
        label = f"{label}(gain={short(gain)})"
        category = knowledge.HE if is_he_scale(scale) else knowledge.NON_HE
    elif name in knowledge.ZERO_INITIALIZERS:
        value = 0.0
    elif name in knowledge.VALUE_CONSTANT_INITIALIZERS:
        value = number(params.get("value", 0.0))
        if value is not None:
            label = f"{label}(value={short(value)})"
    else:
        value = knowledge.CONSTANT_VALUES.get(name)
    return Init(_CATEGORIES[category], label, scale, constant_value=value)
