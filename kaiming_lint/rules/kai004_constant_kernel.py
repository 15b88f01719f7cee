"""KAI004 constant-kernel."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from kaiming_lint import knowledge
from kaiming_lint.facts import LayerFacts, Violation
from kaiming_lint.rules._base import (
    Invalid,
    Rule,
    Settings,
    Valid,
    he_fix,
    he_replacement,
    kind,
    paired_slope,
)


class ConstantKernel(Rule):
    code = "KAI004"
    name = "constant-kernel"
    summary = "A kernel layer's weights start from a constant, so its units never differ"
    fixable = True
    autofix = "replaces the value when the layer feeds a ReLU"
    documentation = """\
## What it does
Finds kernel layers, whatever activation follows, whose weight initializer is a constant:
`"zeros"`, `"ones"`, `Zeros()`, `Ones()`, `Constant(c)`, `tf.zeros_initializer()`, ...

## Why is this bad?
With identical weights every unit of the layer computes the same function and receives the
same gradient, so the units stay identical through training: the layer behaves like a
single unit, whatever its width. With zeros, a ReLU network also gets zero gradients.
Random initialization is what breaks this symmetry.

## Example
```python
from keras import layers

hidden = layers.Dense(64, activation="relu", kernel_initializer="zeros")
```

## Use instead
```python
from keras import layers
from kaiming_keras import KaimingNormal

hidden = layers.Dense(64, activation="relu", kernel_initializer=KaimingNormal())
```
The fix is applied only when the layer feeds a ReLU; otherwise the message names a random
initializer to use (the default `GlorotUniform` suits layers not followed by a ReLU).
"""
    valid = (
        Valid(
            'from keras import layers\n\nhidden = layers.Dense(64, activation="relu", kernel_initializer="he_uniform")\n'
        ),
        Valid(
            'from keras import layers\n\nhidden = layers.Dense(64, activation="relu", '
            'kernel_initializer="he_uniform", bias_initializer="zeros")\n'
        ),
    )
    invalid = (
        Invalid(
            'from keras import layers\n\nhidden = layers.Dense(64, activation="relu", kernel_initializer="zeros")\n',
            at=((3, 65),),
            fixed="from keras import layers\nfrom kaiming_keras import KaimingNormal\n\n"
            'hidden = layers.Dense(64, activation="relu", kernel_initializer=KaimingNormal())\n',
        ),
        Invalid(
            "from keras import layers, initializers\n\n"
            "head = layers.Dense(1, kernel_initializer=initializers.Ones())\n",
            at=((3, 43),),
        ),
    )

    def check(self, layers: Sequence[LayerFacts], settings: Settings) -> Iterator[Violation]:
        for layer in layers:
            weight = layer.weight
            if weight is None or weight.category != knowledge.CONSTANT:
                continue
            slope = paired_slope(layer, settings)
            head = (
                f"{layer.layer} starts its {kind(layer)} weights from a constant "
                f"({weight.label}), so all its units stay identical"
            )
            if slope is None:
                yield Violation(
                    code=self.code,
                    message=f"{head}; use a random initializer such as the default GlorotUniform",
                    layer=layer,
                    target="weight",
                )
            else:
                yield Violation(
                    code=self.code,
                    message=(
                        f"{head}; it feeds {layer.feeds.label if layer.feeds else 'ReLU'}, "
                        f"use {he_replacement(slope, settings)}"
                    ),
                    layer=layer,
                    target="weight",
                    fix=he_fix(slope, settings),
                )
