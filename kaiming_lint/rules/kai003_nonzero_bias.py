"""KAI003 relu-nonzero-bias."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from kaiming_lint.facts import Fix, FixAction, LayerFacts, Violation
from kaiming_lint.rules._base import (
    Invalid,
    Rule,
    Settings,
    Valid,
    feeds_phrase,
    is_zeros,
    paired_slope,
)


class ReluNonzeroBias(Rule):
    code = "KAI003"
    name = "relu-nonzero-bias"
    summary = "A kernel layer feeding a ReLU starts its bias from something other than zeros"
    fixable = True
    autofix = "removes the argument (Keras's default is zeros)"
    documentation = """\
## What it does
Finds kernel layers that feed a ReLU-family activation, use a bias, and set
`bias_initializer` to anything but zeros (ones, a constant, a random initializer).
A layer whose `use_bias` is not known to be true (a parameter, a name bound elsewhere,
`**kwargs`) is not reported: whether it has a bias at all cannot be decided.

## Why is this bad?
He initialization assumes zero biases: the pre-activations are then symmetric around zero
and the ReLU keeps half of the signal's second moment. A positive constant bias shifts every
unit into the linear regime, a negative one kills units at the start (dead ReLUs), and a
random bias adds variance the weights' scale does not account for.

## Example
```python
from keras import layers

hidden = layers.Dense(128, activation="relu", bias_initializer="ones")
```

## Use instead
```python
from keras import layers

hidden = layers.Dense(128, activation="relu")
```
The fix removes the argument: Keras's default bias initializer is zeros.
"""
    valid = (
        Valid(
            'from keras import layers\n\nhidden = layers.Dense(128, activation="relu", '
            'kernel_initializer="he_normal", bias_initializer="zeros")\n'
        ),
        Valid(
            'from keras import layers\n\nhidden = layers.Dense(128, activation="relu", '
            'kernel_initializer="he_normal", use_bias=False, bias_initializer="ones")\n'
        ),
        # use_bias comes from the caller: whether a bias exists at all is not known here.
        Valid(
            "from keras import layers\n\n\ndef hidden(units, use_bias):\n"
            '    return layers.Dense(units, activation="relu", kernel_initializer="he_normal", '
            'use_bias=use_bias, bias_initializer="ones")\n'
        ),
    )
    invalid = (
        Invalid(
            'from keras import layers\n\nhidden = layers.Dense(128, activation="relu", '
            'kernel_initializer="he_normal", bias_initializer="ones")\n',
            at=((3, 79),),
            fixed='from keras import layers\n\nhidden = layers.Dense(128, activation="relu", '
            'kernel_initializer="he_normal")\n',
        ),
        Invalid(
            "from keras import layers, initializers\n\nhidden = layers.Dense(\n    128,\n"
            '    activation="relu",\n    kernel_initializer="he_normal",\n'
            "    bias_initializer=initializers.Constant(0.1),  # warm start\n)\n",
            at=((7, 5),),
            fixed="from keras import layers, initializers\n\nhidden = layers.Dense(\n    128,\n"
            '    activation="relu",\n    kernel_initializer="he_normal",\n)\n',
        ),
    )

    def check(self, layers: Sequence[LayerFacts], settings: Settings) -> Iterator[Violation]:
        for layer in layers:
            bias = layer.bias
            # use_bias None: a parameter, a name or **kwargs may turn the bias off; undecided.
            if paired_slope(layer, settings) is None or bias is None or layer.use_bias is not True:
                continue
            if is_zeros(bias):
                continue
            if bias.category == "unknown":
                continue
            yield Violation(
                code=self.code,
                message=(
                    f"{feeds_phrase(layer)} but its bias initializer {bias.label} is not zeros; "
                    "remove bias_initializer (Keras's default is zeros)"
                ),
                layer=layer,
                target="bias",
                fix=Fix(FixAction.REMOVE_BIAS),
            )
