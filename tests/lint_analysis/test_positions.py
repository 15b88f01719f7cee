"""Positions computed for the reported nodes only are exactly libcst's PositionProvider's."""

from __future__ import annotations

from pathlib import Path

import keras
import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, PositionProvider

from kaiming_lint.positions import positions

REPO = Path(__file__).resolve().parents[2]
KERAS_SRC = Path(keras.__file__).resolve().parent / "src"


def _python_files() -> list[Path]:
    ours = sorted(p for d in ("examples", "tests") for p in (REPO / d).rglob("*.py"))
    theirs = sorted(KERAS_SRC.rglob("*.py"))[::16]  # a spread of Keras's own sources
    return ours + theirs


def _reported_kinds(module: cst.Module) -> list[cst.CSTNode]:
    """Every node of a kind a finding can point at: calls, arguments, argument values."""
    found: list[cst.CSTNode] = []

    class Collect(cst.CSTVisitor):
        def visit_Call(self, node: cst.Call) -> None:
            found.append(node)

        def visit_Arg(self, node: cst.Arg) -> None:
            found.extend((node, node.value))

    module.visit(Collect())
    return found


def _reference(module: cst.Module) -> dict[cst.CSTNode, object]:
    return dict(MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider))


def _assert_same(module: cst.Module, nodes: list[cst.CSTNode]) -> None:
    expected = _reference(module)
    got = positions(module, nodes)
    assert set(got) == set(nodes)
    wrong = [
        (module.code_for_node(n)[:60], got[n], expected[n]) for n in nodes if got[n] != expected[n]
    ]
    assert not wrong, wrong[:5]


HOSTILE = {
    "crlf": "from keras import layers\r\n\r\ndef f(x):\r\n    return layers.Dense(\r\n"
    '        8,\r\n        activation="relu",  # note\r\n        bias_initializer="ones",\r\n'
    "    )(x)\r\n",
    "lone-cr": 'import keras\r\rx = keras.layers.Dense(4, activation="relu")\rs = """a\rb"""\r'
    'y = keras.layers.Dense(4, kernel_initializer="ones")\r',
    "mixed-newlines": "import keras\r\nx = keras.layers.Dense(\n    4,\r\n    use_bias=True)\n"
    's = """one\r\ntwo\rthree\nfour"""; y = keras.layers.Conv2D(1, 3)\r\n',
    "tabs": "import keras\nclass Net:\n\tdef build(self):\n\t\tif True:\n\t\t\tself.d = keras.layers.Dense(\n"
    '\t\t\t\t8, activation="relu",\n\t\t\t\tkernel_initializer="glorot_uniform")\n',
    "non-ascii": 'import keras\n# résumé: ünïcödé 漢字 🎉\nname = "naïve 🎉"; d = keras.layers.Dense(\n'
    '    8, name="couche_été_🎉", activation="relu")\n',
    "no-trailing-newline": 'import keras\nd = keras.layers.Dense(8, activation="relu")',
    "continuation": 'import keras\nd = keras.layers.Dense(8, \\\n    activation="relu") \\\n'
    "    if True else None\n",
    "form-feed": "import keras\n\x0c\ndef f():\n    \x0c\n    return keras.layers.Dense(8)\n",
    "deep": "import keras\n"
    + "".join("    " * i + f"def f{i}(x):\n" for i in range(40))
    + "    " * 40
    + 'return [{"k": (keras.layers.Dense(\n'
    + "    " * 41
    + '8, activation="relu"),)}]\n',
    "decorated-and-strings": "import keras\n\n@decorate(keras.layers.Dense(1))\ndef g():\n"
    '    """Doc\n    string."""\n    return f"{keras.layers.Dense(2)!r:>{3}}" + """\n'
    'tail"""\n',
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_layouts(name):
    module = cst.parse_module(HOSTILE[name])
    nodes = _reported_kinds(module)
    assert nodes
    _assert_same(module, nodes)
    for node in nodes:  # one node alone: the counting starts far from any other mark
        _assert_same(module, [node])


def test_same_as_position_provider_over_many_files():
    files = _python_files()
    assert len(files) > 200, files  # the repository's own code and a spread of Keras's
    compared = 0
    for path in files:
        try:
            module = cst.parse_module(path.read_bytes())
        except cst.ParserSyntaxError:
            continue  # a deliberately broken fixture: nothing to report positions in
        nodes = _reported_kinds(module)
        if not nodes:
            continue
        _assert_same(module, nodes)
        _assert_same(module, [nodes[-1]])  # a single finding, late in the file
        compared += len(nodes)
    assert compared > 30_000


def test_nodes_whose_range_comes_from_a_child_fall_back_to_the_whole_pass():
    """Statements take their ranges from children; asking for them still gives libcst's."""
    module = cst.parse_module('import keras\n\n\n@dec\ndef f():\n    """d."""\n    return 1\n')
    every = list(_reference(module))
    _assert_same(module, every)


def test_no_nodes_asked_costs_nothing():
    assert positions(cst.parse_module("x = 1\n"), []) == {}
