"""KAI001 relu-default-init."""

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
    kind,
    paired_slope,
)


class ReluDefaultInit(Rule):
    code = "KAI001"
    name = "relu-default-init"
    summary = "A kernel layer feeding a ReLU keeps Keras's default GlorotUniform initializer"
    fixable = True
    autofix = "adds the argument"
    documentation = """\
## What it does
Finds kernel layers (`Dense`, `Conv2D`, ...) whose output feeds a ReLU-family activation but
that pass no weight initializer, so Keras uses its default, `GlorotUniform`.

## Why is this bad?
Glorot initialization keeps the variance of a linear layer's output equal to its input's.
A ReLU zeroes half of its input, halving the signal's second moment at every layer: with
Glorot weights the signal shrinks by about a factor of 2 per layer, and deep ReLU networks
start with vanishing activations and gradients. He (Kaiming) initialization doubles the
weight variance (`2 / fan_in`) to compensate, so every layer starts at the same scale.

## Example
```python
from keras import layers

hidden = layers.Dense(256, activation="relu")
```

## Use instead
```python
from keras import layers
from kaiming_keras import KaimingNormal

hidden = layers.Dense(256, activation="relu", kernel_initializer=KaimingNormal())
```
With `fix-style = "keras"` the fix writes `kernel_initializer="he_normal"` instead.
A leaky pairing gets `KaimingNormal(nonlinearity="leaky_relu", negative_slope=...)` with
the activation's slope.
"""
    valid = (
        Valid(
            'from keras import layers\n\nhidden = layers.Dense(256, activation="relu", kernel_initializer="he_normal")\n'
        ),
        Valid('from keras import layers\n\nlogits = layers.Dense(10, activation="softmax")\n'),
    )
    invalid = (
        Invalid(
            'from keras import layers\n\nhidden = layers.Dense(256, activation="relu")\n',
            at=((3, 10),),
            fixed="from keras import layers\nfrom kaiming_keras import KaimingNormal\n\n"
            'hidden = layers.Dense(256, activation="relu", kernel_initializer=KaimingNormal())\n',
        ),
        Invalid(
            "import keras\n\nmodel = keras.Sequential(\n    [\n        keras.layers.Conv2D(32, 3),\n"
            "        keras.layers.LeakyReLU(negative_slope=0.2),\n    ]\n)\n",
            at=((5, 9),),
            fixed="import keras\nfrom kaiming_keras import KaimingNormal\n\nmodel = keras.Sequential(\n    [\n"
            '        keras.layers.Conv2D(32, 3, kernel_initializer=KaimingNormal(nonlinearity="leaky_relu", '
            "negative_slope=0.2)),\n"
            "        keras.layers.LeakyReLU(negative_slope=0.2),\n    ]\n)\n",
        ),
        # The name means something else in the file: the fix imports it under a free name.
        Invalid(
            "from keras import layers\n\nKaimingNormal = 8\n"
            'hidden = layers.Dense(KaimingNormal, activation="relu")\n',
            at=((4, 10),),
            fixed="from keras import layers\nfrom kaiming_keras import KaimingNormal as KaimingNormal_\n\n"
            "KaimingNormal = 8\n"
            'hidden = layers.Dense(KaimingNormal, activation="relu", kernel_initializer=KaimingNormal_())\n',
        ),
        # kaiming_keras is an optional dependency here: the fix writes the Keras string.
        Invalid(
            "from keras import layers\n\ntry:\n    from kaiming_keras import KaimingNormal\n"
            "except ImportError:\n    KaimingNormal = None\n\n"
            'hidden = layers.Dense(256, activation="relu")\n',
            at=((8, 10),),
            fixed="from keras import layers\n\ntry:\n    from kaiming_keras import KaimingNormal\n"
            "except ImportError:\n    KaimingNormal = None\n\n"
            'hidden = layers.Dense(256, activation="relu", kernel_initializer="he_normal")\n',
        ),
    )

    def check(self, layers: Sequence[LayerFacts], settings: Settings) -> Iterator[Violation]:
        for layer in layers:
            slope = paired_slope(layer, settings)
            if slope is None or layer.weight is not None:
                continue
            yield Violation(
                code=self.code,
                message=(
                    f"{feeds_phrase(layer)} but keeps the default "
                    f"{knowledge.DEFAULT_WEIGHT_INITIALIZER} {kind(layer)} initializer; "
                    f"use {he_replacement(slope, settings)}"
                ),
                layer=layer,
                target="layer",
                fix=he_fix(slope, settings),
            )
