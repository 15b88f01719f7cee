"""analyze() reads any valid Python without raising, and stays unknown where it cannot see."""

from __future__ import annotations

import pytest

from kaiming_lint.pairing import mentions_kernel_layer

ODD_SNIPPETS = [
    "",
    '"""Only a docstring mentioning Dense."""',
    "import keras\nDense = keras.layers.Dense\nDense = Dense\nDense(4)",
    "import keras\na = b\nb = a\nkeras.layers.Dense(4, activation=a)",
    "import keras\nx = keras.layers.Dense(4)(x := 3)",
    "import keras\nkeras.layers.Dense(*args)",
    "import keras\nlambda x: keras.layers.Dense(4)(x)",
    "import keras\nasync def f(x):\n    x = await keras.layers.Dense(4)(x)\n    return x",
    "import keras\ndef f(x):\n    x = keras.layers.Dense(4)(x)\n    yield x",
    "import keras\ndef f(x):\n    while True:\n        x = keras.layers.Dense(4)(x)\n        if x:\n            break\n    return x",
    "import keras\nmatch y:\n    case 1:\n        z = keras.layers.Dense(4)\n    case _:\n        pass",
    "import keras\nclass A:\n    @staticmethod\n    def f():\n        return keras.layers.Dense(4)",
    "import keras\nglobal_dense = [keras.layers.Dense(4) for _ in range(3)]",
    "from keras import layers\n(layers.Dense(4))(x)",
    "from keras import layers\nm = keras.Sequential([*blocks, layers.Dense(4), layers.ReLU()])",
    "from keras import layers\ndef f(x):\n    x = layers.Dense(4)(x)\n    del x",
    "from keras import layers\ndef f(x):\n    try:\n        x = layers.Dense(4)(x)\n    except ValueError:\n        x = g(x)\n    return layers.ReLU()(x)",
]


@pytest.mark.parametrize("source", ODD_SNIPPETS)
def test_odd_code_does_not_raise(facts, source):
    result = facts(source)
    assert all(f.pairing in ("relu", "normalized", "none", "unknown") for f in result.layers)
    assert result.unknown == sum(f.pairing == "unknown" for f in result.layers)


def test_a_very_long_expression_after_a_layer(one):
    chain = " + ".join(["x"] * 1200)  # deeper than the recursion limit
    layer = one(
        f"from keras import layers\ndef f(x):\n    x = layers.Dense(4)(x)\n    y = {chain}\n"
    )
    assert layer.pairing in ("none", "unknown")


def test_branches_that_do_not_touch_the_value_are_one_path(one):
    branches = "".join(f"    if c{i}:\n        print({i})\n" for i in range(40))
    source = (
        "from keras import layers\ndef f(x):\n    x = layers.Dense(4)(x)\n"
        + branches
        + "    return layers.ReLU()(x)\n"
    )
    assert one(source).pairing == "relu"


def test_too_many_paths_give_up_as_unknown(one):
    branches = "".join(f"    if c{i}:\n        x = layers.Dropout(0.1)(x)\n" for i in range(40))
    source = (
        "from keras import layers\ndef f(x):\n    x = layers.Dense(4)(x)\n"
        + branches
        + "    return layers.ReLU()(x)\n"
    )
    assert one(source).pairing == "unknown"


def test_a_handler_using_the_value_is_unknown(one):
    source = (
        "from keras import layers\ndef f(x):\n    x = layers.Dense(4)(x)\n    try:\n"
        "        y = layers.ReLU()(x)\n    except ValueError:\n        y = g(x)\n    return y\n"
    )
    assert one(source).pairing == "unknown"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("layers.Dense(4)", True),
        ("L.DepthwiseConv2D(3)", True),
        ("Convolution2D", True),
        ("SeparableConvolution1D", True),
        ("LocallyConnected2D", True),
        ("EinsumDense", True),
        ("import numpy as np\nprint(np.dense)", False),
        ("conv2d = torch.nn.functional.conv2d", False),
    ],
)
def test_prefilter(text, expected):
    assert mentions_kernel_layer(text) is expected
