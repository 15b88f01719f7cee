"""Which names are Keras kernel layers: every import form and alias, and what is not Keras."""

from __future__ import annotations

import pytest

RELU_AFTER = "\nx = {call}(x)\nx = tf.nn.relu(x)\n"


@pytest.mark.parametrize(
    ("imports", "call"),
    [
        ("import keras", "keras.layers.Dense(4)"),
        ("from keras import layers", "layers.Dense(4)"),
        ("from keras.layers import Dense as D", "D(4)"),
        ("from keras.layers import Dense", "Dense(4)"),
        ("", "tf.keras.layers.Dense(4)"),
        ("from tensorflow import keras", "keras.layers.Dense(4)"),
        ("from tensorflow.keras import layers as L", "L.Dense(4)"),
        ("K = tf.keras", "K.layers.Dense(4)"),
        ("layers = tf.keras.layers", "layers.Dense(4)"),
        ("import tf_keras", "tf_keras.layers.Dense(4)"),
        ("import keras", "keras.layers.core.Dense(4)"),
        ("import keras", "keras.layers.convolutional.Conv2D(4, 3)"),
        ("import keras", "keras.src.layers.core.dense.Dense(4)"),
        ("from keras.src.layers import Conv2D", "Conv2D(4, 3)"),
        ("import tensorflow.compat.v1 as v1", "v1.keras.layers.Dense(4)"),
        ("from keras.layers import Convolution2D", "Convolution2D(4, 3)"),
        ("from keras.layers import *", "Dense(4)"),
        (
            "try:\n    from keras import layers\nexcept ImportError:\n"
            "    from tensorflow.keras import layers",
            "layers.Dense(4)",
        ),
        (
            "if tf.__version__ > '2':\n    import keras\nelse:\n    from tensorflow import keras",
            "keras.layers.Dense(4)",
        ),
    ],
)
def test_every_import_path_reaches_the_keras_layer(one, imports, call):
    layer = one("import tensorflow as tf\n" + imports + RELU_AFTER.format(call=call))
    assert layer.pairing == "relu"
    assert layer.layer in ("Dense", "Conv2D")


def test_aliases_map_to_the_canonical_class(one):
    layer = one("from keras.layers import SeparableConvolution2D\nSeparableConvolution2D(4, 3)")
    assert layer.layer == "SeparableConv2D"
    assert layer.weight_arg == "pointwise_initializer"


def test_depthwise_layers_check_the_depthwise_initializer(one):
    assert one("import keras\nkeras.layers.DepthwiseConv2D(3)").weight_arg == (
        "depthwise_initializer"
    )


def test_import_inside_a_function(one):
    layer = one(
        """
        def build(x):
            from tensorflow.keras import layers
            x = layers.Conv2D(8, 3)(x)
            return layers.ReLU()(x)
        """
    )
    assert layer.pairing == "relu"


@pytest.mark.parametrize(
    "source",
    [
        # the user's own class with a Keras name
        "class Dense:\n    pass\nDense(4)",
        # imported from somewhere else
        "from mylib.layers import Dense\nDense(4)",
        "from .layers import Dense\nDense(4)",
        # a star import from an unknown module may bind anything
        "from mylib import *\nDense(4)",
        # bound to Keras in one branch and to something else in another
        "try:\n    from keras.layers import Dense\nexcept ImportError:\n"
        "    from mylib import Dense\nDense(4)",
        # rebound to something unknown
        "from keras import layers\nlayers = make_layers()\nlayers.Dense(4)",
        # a function parameter
        "def build(layers):\n    return layers.Dense(4)",
    ],
)
def test_names_that_are_not_keras_are_not_layers(layers, source):
    assert layers(source) == []


def test_a_local_class_shadows_an_import_in_its_scope(layers):
    source = """
        from keras.layers import Dense
        def build():
            class Dense:
                pass
            return Dense(4)
        model = Dense(4, activation="relu")
        """
    found = layers(source)
    assert [f.pairing for f in found] == ["relu"]


def test_layers_are_reported_in_source_order(layers):
    source = """
        import keras
        a = keras.layers.Conv1D(1, 1)
        b = keras.layers.Dense(1)
        c = keras.layers.Conv3D(1, 1)
        """
    assert [f.layer for f in layers(source)] == ["Conv1D", "Dense", "Conv3D"]


def test_the_call_node_is_the_original_module_node(facts):
    import libcst as cst

    from kaiming_lint.pairing import analyze

    module = cst.parse_module("import keras\nkeras.layers.Dense(4, kernel_initializer='zeros')\n")
    found = analyze(module).layers[0]
    statement = module.body[1].body[0]
    assert found.ref.call is statement.value
    assert found.ref.weight_arg is statement.value.args[1]


def test_a_comprehension_variable_hides_an_outer_constant(one):
    layer = one(
        """
        import keras
        act = "relu"
        dense = [keras.layers.Dense(4, activation=act) for act in choices][0]
        """
    )
    assert layer.pairing == "unknown"


def test_a_global_rebound_in_a_function_is_unknown(one):
    layer = one(
        """
        import keras
        act = "relu"
        def configure():
            global act
            act = "tanh"
        keras.layers.Dense(4, activation=act)
        """
    )
    assert layer.pairing == "unknown"
