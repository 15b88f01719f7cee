"""KAI005 shared-initializer."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from kaiming_lint.facts import Fix, FixAction, Init, LayerFacts, Violation
from kaiming_lint.rules._base import Invalid, Rule, Settings, Valid, kind


class SharedInitializer(Rule):
    code = "KAI005"
    name = "shared-initializer"
    summary = "One random-initializer object is passed to more than one layer"
    fixable = True
    autofix = "one copy of the constructor per use, seeds `seed`, `seed + 1`, ..."
    documentation = """\
## What it does
Finds one random-initializer object, bound to a name, attribute or constant, that is passed
to more than one layer (or to one layer built in a loop). Dict configs and strings are not
reported (each layer builds its own initializer from them), nor are `KaimingNormal` /
`KaimingUniform` without a seed, which draw fresh numbers on every call.

## Why is this bad?
A Keras initializer object with an int seed, or with none (it fixes a seed when it is first
used), returns the same numbers on every call. Layers of the same shape that share it start
with identical weights, and layers of different shapes start correlated - silently, so the
network has fewer independent units than it seems.

## Example
```python
from keras import layers, initializers

init = initializers.HeNormal(seed=7)
first = layers.Dense(64, activation="relu", kernel_initializer=init)
second = layers.Dense(64, activation="relu", kernel_initializer=init)
```

## Use instead
```python
from keras import layers, initializers

init = initializers.HeNormal(seed=7)
first = layers.Dense(64, activation="relu", kernel_initializer=initializers.HeNormal(seed=7))
second = layers.Dense(64, activation="relu", kernel_initializer=initializers.HeNormal(seed=8))
```
The fix gives every use its own copy of the constructor call; seeded copies get the seeds
`seed`, `seed + 1`, ... A seeded initializer shared inside a loop is reported but not fixed.
"""
    valid = (
        Valid(
            "from keras import layers, initializers\n\n"
            'first = layers.Dense(64, activation="relu", kernel_initializer=initializers.HeNormal(seed=7))\n'
            'second = layers.Dense(64, activation="relu", kernel_initializer=initializers.HeNormal(seed=8))\n'
        ),
        Valid(
            'from keras import layers\n\ninit = "he_normal"\n'
            'first = layers.Dense(64, activation="relu", kernel_initializer=init)\n'
            'second = layers.Dense(64, activation="relu", kernel_initializer=init)\n'
        ),
    )
    invalid = (
        Invalid(
            "from keras import layers, initializers\n\ninit = initializers.HeNormal(seed=7)\n"
            'first = layers.Dense(64, activation="relu", kernel_initializer=init)\n'
            'second = layers.Dense(64, activation="relu", kernel_initializer=init)\n',
            at=((4, 64), (5, 65)),
            fixed="from keras import layers, initializers\n\ninit = initializers.HeNormal(seed=7)\n"
            'first = layers.Dense(64, activation="relu", kernel_initializer=initializers.HeNormal(seed=7))\n'
            'second = layers.Dense(64, activation="relu", kernel_initializer=initializers.HeNormal(seed=8))\n',
        ),
    )

    def check(self, layers: Sequence[LayerFacts], settings: Settings) -> Iterator[Violation]:
        for target in ("weight", "bias"):
            groups: dict[str, list[LayerFacts]] = {}
            for layer in layers:
                init = layer.weight if target == "weight" else layer.bias
                if init is not None and _shares_a_stream(init):
                    assert init.binding is not None
                    groups.setdefault(init.binding, []).append(layer)
            for uses in groups.values():
                elsewhere = max(_uses_elsewhere(layer, target) for layer in uses)
                if sum(layer.uses for layer in uses) + elsewhere < 2:
                    continue
                for index, layer in enumerate(uses):
                    init = layer.weight if target == "weight" else layer.bias
                    assert init is not None
                    what = kind(layer) if target == "weight" else "bias"
                    # A seeded copy inside a loop would still repeat its seed every iteration.
                    fixable = not (layer.uses > 1 and init.seed is not None)
                    yield Violation(
                        code=self.code,
                        message=(
                            f"{layer.layer} shares the {what} initializer object {init.label} "
                            f"with {_others(uses, layer, elsewhere)}, so they start from the same random "
                            "numbers; give each layer its own initializer"
                        ),
                        layer=layer,
                        target="weight" if target == "weight" else "bias",
                        fix=Fix(FixAction.SPLIT_SHARED, use_index=index) if fixable else None,
                    )


def _shares_a_stream(init: Init) -> bool:
    return (
        init.random_object
        and init.binding is not None
        and not (init.fresh_per_call and init.seed is None)
    )


def _others(uses: list[LayerFacts], layer: LayerFacts, elsewhere: int) -> str:
    count = sum(other.uses for other in uses) - 1
    here = "another layer" if count == 1 else f"{count} other layers"
    if not elsewhere:
        return here
    there = f"{elsewhere} layer{'s' if elsewhere > 1 else ''} in other modules"
    return there if count == 0 else f"{here} and {there}"


def _uses_elsewhere(layer: LayerFacts, target: str) -> int:
    init = layer.weight if target == "weight" else layer.bias
    return init.uses_elsewhere if init is not None else 0
