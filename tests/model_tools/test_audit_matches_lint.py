"""The linter on a model's source and audit() on the model it builds give the same findings.

Each model file defines a zero-argument ``build_model()``: the example files that do (such as
examples/lint_demo/model.py), plus a few written here for the graph forms both must follow.
Findings are compared as (code, layer class) pairs: the linter locates a finding by line, audit
by layer name, and both messages start with the layer's class.
"""

from __future__ import annotations

import ast
import importlib.util
import sys
import textwrap
from collections import Counter
from pathlib import Path

import pytest

from kaiming_keras import audit
from kaiming_lint.results import LintOptions
from kaiming_lint.runner import lint_file

ROOT = Path(__file__).resolve().parents[2]


def has_build_model(path: Path) -> bool:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return any(
        isinstance(node, ast.FunctionDef)
        and node.name == "build_model"
        and not node.args.args
        and not node.args.posonlyargs
        for node in tree.body
    )


EXAMPLE_FILES = sorted(p for p in (ROOT / "examples").rglob("*.py") if has_build_model(p))

SOURCES = {
    "functional_concat": """
        import keras
        from keras import layers

        def build_model():
            inputs = keras.Input((16,))
            a = layers.Dense(8)(inputs)
            b = layers.Dense(8, kernel_initializer="he_normal", bias_initializer="ones")(inputs)
            x = layers.Concatenate()([a, b])
            x = layers.LeakyReLU(negative_slope=0.2)(x)
            s = layers.Add()([layers.Dense(16)(x), x])
            x = layers.ReLU()(s)
            return keras.Model(inputs, layers.Dense(2, activation="softmax")(x))
    """,
    "sequential_add": """
        import keras
        from keras import initializers, layers

        def build_model():
            model = keras.Sequential()
            model.add(keras.Input((8, 8, 3)))
            model.add(layers.Conv2D(8, 3, kernel_initializer=initializers.VarianceScaling(scale=1.0)))
            model.add(layers.Activation("relu"))
            model.add(layers.DepthwiseConv2D(3, depthwise_initializer="zeros"))
            model.add(layers.Dropout(0.1))
            model.add(layers.ReLU())
            model.add(layers.SeparableConv2D(8, 1, activation="relu"))
            model.add(layers.GlobalAveragePooling2D())
            model.add(layers.Dense(10, activation="softmax"))
            return model
    """,
    "shared_objects": """
        import keras
        from keras import initializers, layers

        SEEDED = initializers.HeNormal(seed=3)

        def build_model():
            unseeded = initializers.GlorotUniform()
            return keras.Sequential([
                keras.Input((4,)),
                layers.Dense(8, activation="relu", kernel_initializer=SEEDED),
                layers.Dense(8, activation="relu", kernel_initializer=SEEDED),
                layers.Dense(8, kernel_initializer=unseeded),
                layers.Dense(8, kernel_initializer=unseeded),
            ])
    """,
    "clean": """
        import keras
        from keras import layers
        from kaiming_keras import KaimingNormal

        def build_model():
            return keras.Sequential([
                keras.Input((4,)),
                layers.Dense(8, activation="relu", kernel_initializer=KaimingNormal()),
                layers.Dense(8, use_bias=False),
                layers.BatchNormalization(),
                layers.ReLU(),
                layers.Dense(1),
            ])
    """,
}


def load_build_model(path: Path):
    name = f"_model_under_test_{path.stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[name]
    return module.build_model


def lint_pairs(path: Path) -> Counter:
    result = lint_file(str(path), LintOptions())
    return Counter((f.code, f.message.split()[0]) for f in result.findings)


def audit_pairs(path: Path) -> Counter:
    findings = audit(load_build_model(path)())
    return Counter((f.code, f.message.split()[0]) for f in findings)


def test_there_is_an_example_model_to_compare():
    assert ROOT / "examples" / "lint_demo" / "model.py" in EXAMPLE_FILES


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_example_files_agree(path):
    assert audit_pairs(path) == lint_pairs(path)


@pytest.mark.parametrize("name", list(SOURCES))
def test_written_models_agree(tmp_path, name):
    path = tmp_path / f"{name}.py"
    path.write_text(textwrap.dedent(SOURCES[name]), encoding="utf-8")
    expected = lint_pairs(path)
    assert audit_pairs(path) == expected
    assert (sum(expected.values()) == 0) == (name == "clean")
