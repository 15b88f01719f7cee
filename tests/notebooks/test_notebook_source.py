"""Notebook cells as Python text, positions back in the notebook, and fixes written back."""

from __future__ import annotations

import ast
import difflib
import json

import pytest

from kaiming_lint.sources.notebook import NotebookError, apply_fixed_python, notebook_to_python

from .notebook_helpers import IMPORTS, MODEL, TIMED, code, dump, markdown, notebook, sample

LAYOUTS = [
    {"indent": 1, "ensure_ascii": False},  # how Jupyter writes notebooks
    {"indent": 2, "ensure_ascii": False},
    {"indent": 4, "ensure_ascii": True},
]


def _python_lines(src) -> list[str]:
    return src.python.splitlines()


@pytest.mark.parametrize("layout", LAYOUTS)
def test_writing_back_unfixed_python_gives_the_same_bytes(layout) -> None:
    raw = sample(**layout)
    src = notebook_to_python(raw)
    assert apply_fixed_python(raw, src, src.python) == raw


def test_magics_shell_and_help_lines_are_masked_and_the_text_parses() -> None:
    src = notebook_to_python(sample())
    ast.parse(src.python)
    lines = _python_lines(src)
    for magic in ("%matplotlib inline", "!pip install -q kaiming-keras", "layers.Dense?", "%%time"):
        assert magic not in lines
    assert (
        'dense = layers.Dense(64, activation="relu", kernel_initializer="glorot_uniform")' in lines
    )
    assert "conv = layers.Conv2D(8, 3, activation='relu')" in lines  # %%time body is Python
    assert "%not a magic" in lines  # inside a string: left alone
    assert "echo layers.Dense(3, activation='relu')" not in src.python  # %%bash cell left out


@pytest.mark.parametrize(
    ("line", "masked"),
    [
        ("x = !ls", True),
        ("files = %sx ls", True),
        ("?layers.Dense", True),
        ("layers.Dense??", True),
        ("  %time model.fit(x)", True),
        ("a = b % c", False),
        ("ok = a != b", False),
        ("# what?", False),
        ("s = 'why?'", False),
    ],
)
def test_which_lines_are_masked(line: str, masked: bool) -> None:
    body = f"if True:\n{line}" if line.startswith(" ") else line
    src = notebook_to_python(dump(notebook([code(body)])))
    assert (line not in _python_lines(src)) is masked
    ast.parse(src.python)


def test_a_magic_continued_with_a_backslash_is_masked_whole() -> None:
    src = notebook_to_python(dump(notebook([code("%time f(1, \\\n   2)\nx = 1")])))
    assert "2)" not in src.python and _python_lines(src)[2] == "x = 1"
    ast.parse(src.python)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_every_python_line_maps_to_its_cell_line_and_its_place_in_the_file(layout) -> None:
    raw = sample(**layout)
    text = raw.decode()
    file_lines = text.splitlines()
    document = json.loads(text)
    src = notebook_to_python(raw)
    checked = 0
    for number, line in enumerate(_python_lines(src), start=1):
        where = src.cell_position(number)
        if where is None:  # the line between two cells
            continue
        cell, cell_line = where
        cell_text = "".join(document["cells"][cell]["source"]).splitlines()[cell_line - 1]
        if line != cell_text:  # a masked line
            continue
        for column in range(1, len(line) + 1):
            file_line, file_column = src.file_position(number, column)
            rest = file_lines[file_line - 1][file_column - 1 :]
            expected = json.dumps(line[column - 1 :], ensure_ascii=layout["ensure_ascii"])[1:-1]
            assert rest.startswith(expected), (number, column, rest)
        checked += 1
    assert checked == 8


def test_cells_are_numbered_among_all_cells() -> None:
    src = notebook_to_python(sample())
    lines = _python_lines(src)
    number = lines.index("conv = layers.Conv2D(8, 3, activation='relu')") + 1
    assert src.cell_position(number) == (4, 5)  # 0-based cell 4 (the markdown counts), line 5


def _fix(src, old: str, new: str) -> str:
    assert old in src.python
    return src.python.replace(old, new)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_a_fix_changes_only_the_source_of_the_changed_cell(layout) -> None:
    raw = sample(**layout)
    src = notebook_to_python(raw)
    fixed = apply_fixed_python(
        raw,
        src,
        _fix(src, 'kernel_initializer="glorot_uniform"', "kernel_initializer=KaimingNormal()"),
    )

    before, after = json.loads(raw), json.loads(fixed)
    changed = after["cells"][2].pop("source")
    before["cells"][2].pop("source")
    assert after == before  # outputs, metadata, other cells: all equal
    assert "".join(changed) == MODEL.replace(
        'kernel_initializer="glorot_uniform"', "kernel_initializer=KaimingNormal()"
    )
    old_lines, new_lines = raw.decode().splitlines(True), fixed.decode().splitlines(True)
    edits = [
        op
        for op in difflib.SequenceMatcher(a=old_lines, b=new_lines).get_opcodes()
        if op[0] != "equal"
    ]
    assert len(edits) == 1 and edits[0][0] == "replace"
    _, i1, i2, j1, j2 = edits[0]
    assert (i2 - i1, j2 - j1) == (1, 1)
    assert "KaimingNormal()" in new_lines[j1] and "glorot_uniform" in old_lines[i1]
    assert fixed.endswith(b"}\n")


def test_an_added_line_gets_the_indentation_of_its_neighbours_and_magics_come_back() -> None:
    raw = sample()
    src = notebook_to_python(raw)
    fixed_python = _fix(
        src,
        "from keras import layers\n",
        "from keras import layers\nfrom kaiming_keras import KaimingNormal\n",
    )
    fixed = apply_fixed_python(raw, src, fixed_python).decode()
    assert json.loads(fixed)["cells"][1]["source"] == [
        "%matplotlib inline\n",
        "import keras\n",
        "from keras import layers\n",
        "from kaiming_keras import KaimingNormal",
    ]
    added = next(line for line in fixed.splitlines() if "kaiming_keras" in line)
    neighbour = next(line for line in fixed.splitlines() if '"import keras' in line)
    assert len(added) - len(added.lstrip()) == len(neighbour) - len(neighbour.lstrip())


def test_masked_lines_are_restored_in_a_fixed_cell() -> None:
    raw = sample()
    src = notebook_to_python(raw)
    fixed_python = _fix(
        src, "activation='relu')", "activation='relu', kernel_initializer='he_normal')"
    )
    cell = json.loads(apply_fixed_python(raw, src, fixed_python))["cells"][4]["source"]
    assert "".join(cell) == TIMED.replace(
        "activation='relu')", "activation='relu', kernel_initializer='he_normal')"
    )


def test_lines_a_fix_did_not_touch_keep_their_original_escapes() -> None:
    # Some writers escape "/" and non-ASCII characters; unchanged lines must stay as they were.
    raw = (
        b'{"cells": [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": null,'
        b' "source": ["path = \\"a\\/b\\u00e9\\"\\n", "d = layers.Dense(2, activation=\\"relu\\")"]}],'
        b' "metadata": {}, "nbformat": 4, "nbformat_minor": 5}'
    )
    src = notebook_to_python(raw)
    fixed = apply_fixed_python(raw, src, _fix(src, "Dense(2,", "Dense(3,"))
    assert (
        b'["path = \\"a\\/b\\u00e9\\"\\n", "d = layers.Dense(3, activation=\\"relu\\")"]' in fixed
    )
    assert not fixed.endswith(b"\n")  # no final newline added


def test_a_source_written_as_one_string_stays_one_string() -> None:
    document = notebook([code("")])
    document["cells"][0]["source"] = "import keras\nd = keras.layers.Dense(2)"
    raw = dump(document)
    src = notebook_to_python(raw)
    fixed = json.loads(apply_fixed_python(raw, src, _fix(src, "Dense(2)", "Dense(4)")))
    assert fixed["cells"][0]["source"] == "import keras\nd = keras.layers.Dense(4)"


def test_fixed_python_without_the_cell_markers_is_refused() -> None:
    raw = dump(notebook([code(IMPORTS), code(MODEL)]))
    src = notebook_to_python(raw)
    with pytest.raises(ValueError, match="marker"):
        apply_fixed_python(raw, src, "import keras\n")


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b'{"cells": [', "invalid JSON"),
        (b"[1, 2]", "no 'cells' list"),
        (b'{"worksheets": [], "nbformat": 3}', "format 3"),
        (b'{"cells": [{"cell_type": "code", "source": 5}]}', "cell 1: 'source' is not text"),
        (b'{"cells": []}\xff', "UTF-8"),
    ],
)
def test_a_file_that_is_not_a_notebook_is_a_clear_error(raw: bytes, message: str) -> None:
    with pytest.raises(NotebookError, match=message):
        notebook_to_python(raw)


def test_invalid_json_names_the_line() -> None:
    with pytest.raises(NotebookError) as error:
        notebook_to_python(b'{\n "cells": [\n  oops\n ]\n}')
    assert error.value.line == 3


def test_a_notebook_in_another_language_is_not_python() -> None:
    assert not notebook_to_python(dump(notebook([code("x <- 1")], language="R"))).is_python
    assert notebook_to_python(sample()).is_python


def test_markdown_only_notebook_has_no_python() -> None:
    src = notebook_to_python(dump(notebook([markdown("layers.Dense(3, activation='relu')")])))
    assert src.python == "" and src.cells == ()


def test_line_numbers_count_only_python_line_breaks() -> None:
    # A form feed or a Unicode line separator inside a string does not start a new line.
    raw = dump(notebook([code("s = 'a\u2028b\fc'\nd = 1\n")]))
    src = notebook_to_python(raw)
    assert src.python.split("\n")[1] == "d = 1"
    assert len(src.line_map) == 2
    line, column = src.file_position(2, 1)
    assert raw.decode().split("\n")[line - 1][column - 1 :] == 'd = 1\\n"'
