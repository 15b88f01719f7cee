"""KAI002 relu-non-he-init."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from kaiming_lint import knowledge
from kaiming_lint.facts import LayerFacts, Violation
from kaiming_lint.rules._base import (
    Invalid,
    Rule,
    Settings,
    Valid,
    feeds_phrase,
    he_fix,
    he_replacement,
    is_he_for,
    kind,
    paired_slope,
)


class ReluNonHeInit(Rule):
    code = "KAI002"
    name = "relu-non-he-init"
    summary = "A kernel layer feeding a ReLU uses a non-He weight initializer"
    fixable = True
    autofix = "replaces the value"
    documentation = """\
## What it does
Finds kernel layers whose output feeds a ReLU-family activation and whose weight initializer
is not He-compatible: Glorot/Xavier, LeCun, `RandomNormal`/`RandomUniform`/`TruncatedNormal`
with a fixed scale, `VarianceScaling` with a scale other than 2, `Orthogonal()` without a
`sqrt(2)` gain, or `Identity()`. A `VarianceScaling` whose scale is `2 / (1 + slope**2)` for
the paired leaky slope is accepted.

## Why is this bad?
ReLU discards the negative half of its input, so the next layer sees half the second moment
the weights were scaled for. Any initializer not built for that (gain `sqrt(2)`, or
`sqrt(2 / (1 + slope**2))` for a leaky ReLU) makes the signal shrink or grow geometrically
with depth; fixed-scale initializers ignore the fan-in altogether.

## Example
```python
from keras import layers

conv = layers.Conv2D(64, 3, activation="relu", kernel_initializer="glorot_normal")
```

## Use instead
```python
from keras import layers
from kaiming_keras import KaimingNormal

conv = layers.Conv2D(64, 3, activation="relu", kernel_initializer=KaimingNormal())
```
With `fix-style = "keras"` the fix writes `"he_normal"`.
"""
    valid = (
        Valid(
            "from keras import layers, initializers\n\n"
            'conv = layers.Conv2D(64, 3, activation="relu", kernel_initializer=initializers.HeUniform())\n'
        ),
        Valid(
            "from keras import layers, initializers\n\n"
            'dense = layers.Dense(8, activation="relu", kernel_initializer=initializers.VarianceScaling('
            'scale=2.0, mode="fan_out"))\n'
        ),
        Valid(
            'from keras import layers\n\nlogits = layers.Dense(10, kernel_initializer="glorot_uniform")\n'
        ),
    )
    invalid = (
        Invalid(
            'from keras import layers\n\nconv = layers.Conv2D(64, 3, activation="relu", '
            "kernel_initializer='glorot_normal')\n",
            at=((3, 67),),
            fixed="from keras import layers\nfrom kaiming_keras import KaimingNormal\n\n"
            'conv = layers.Conv2D(64, 3, activation="relu", kernel_initializer=KaimingNormal())\n',
        ),
        Invalid(
            "from keras import layers, initializers\n\n"
            'dense = layers.Dense(8, activation="relu", '
            "kernel_initializer=initializers.RandomNormal(stddev=0.05))\n",
            at=((3, 63),),
            fixed='from keras import layers, initializers\nfrom kaiming_keras import KaimingNormal\n\ndense = layers.Dense(8, activation="relu", kernel_initializer=KaimingNormal())\n',
        ),
    )

    def check(self, layers: Sequence[LayerFacts], settings: Settings) -> Iterator[Violation]:
        for layer in layers:
            slope = paired_slope(layer, settings)
            weight = layer.weight
            if slope is None or weight is None or weight.category != knowledge.NON_HE:
                continue
            if is_he_for(weight, slope):
                continue
            yield Violation(
                code=self.code,
                message=(
                    f"{feeds_phrase(layer)} but its {kind(layer)} initializer {weight.label} "
                    f"is not He; use {he_replacement(slope, settings)}"
                ),
                layer=layer,
                target="weight",
                fix=he_fix(slope, settings),
            )
