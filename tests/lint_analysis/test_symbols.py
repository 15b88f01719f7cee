"""symbols.classify: qualified names (as audit sees them on live objects) to Keras symbols."""

from __future__ import annotations

import pytest

from kaiming_lint.symbols import Symbol, SymbolKind, canonical, classify, layer_name


@pytest.mark.parametrize(
    ("qualname", "expected"),
    [
        ("keras.src.layers.convolutional.conv2d.Conv2D", Symbol(SymbolKind.LAYER, "Conv2D")),
        ("tf_keras.src.layers.core.dense.Dense", Symbol(SymbolKind.LAYER, "Dense")),
        ("tensorflow.keras.layers.Convolution2D", Symbol(SymbolKind.LAYER, "Convolution2D")),
        ("keras.Sequential", Symbol(SymbolKind.MODEL, "Sequential")),
        ("keras.src.models.sequential.Sequential", Symbol(SymbolKind.MODEL, "Sequential")),
        ("keras.initializers.he_normal", Symbol(SymbolKind.INITIALIZER, "he_normal")),
        (
            "tensorflow.compat.v1.keras.initializers.Orthogonal",
            Symbol(SymbolKind.INITIALIZER, "Orthogonal"),
        ),
        ("tensorflow.zeros_initializer", Symbol(SymbolKind.INITIALIZER, "zeros_initializer")),
        (
            "kaiming_keras.initializers.KaimingUniform",
            Symbol(SymbolKind.INITIALIZER, "KaimingUniform"),
        ),
        ("tensorflow.nn.leaky_relu", Symbol(SymbolKind.ACTIVATION, "leaky_relu")),
        ("keras.ops.nn.relu6", Symbol(SymbolKind.ACTIVATION, "relu6")),
        ("keras.layers", Symbol(SymbolKind.MODULE, "keras.layers")),
        ("tensorflow", Symbol(SymbolKind.MODULE, "tensorflow")),
    ],
)
def test_classify(qualname, expected):
    assert classify(qualname) == expected


@pytest.mark.parametrize(
    "qualname", ["mylib.layers.Dense", "tensorflow.reshape", "torch.nn.Conv2d", "keras.utils.Foo"]
)
def test_names_outside_keras_are_not_symbols(qualname):
    assert classify(qualname) is None


def test_canonical_roots():
    assert canonical("tensorflow.python.keras.layers.Dense") == "keras.layers.Dense"
    assert canonical("kerasx.layers.Dense") == "kerasx.layers.Dense"


def test_layer_name_maps_aliases():
    assert layer_name(Symbol(SymbolKind.LAYER, "SeparableConvolution1D")) == "SeparableConv1D"
    assert layer_name(Symbol(SymbolKind.INITIALIZER, "HeNormal")) is None
