"""Mutations of real Keras model files: the linter answers every one without a traceback,
unreadable ones as KAI900 with a position, and fixes stay valid and idempotent."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kaiming_lint import cli
from kaiming_lint.sources.python import lint_bytes

from .budget import SCALE, fuzz_settings
from .invariants import OPTIONS, check, compiles

ROOT = Path(__file__).resolve().parents[2]
# A model with one finding of every fixable kind, and the project's real model files.
HOSTILE_MODEL = b"""import keras
from keras import layers, initializers

shared = initializers.HeUniform(seed=3)
model = keras.Sequential([
    layers.Conv2D(32, 3, activation="relu"),  # KAI001
    layers.Dense(64, activation="relu", kernel_initializer="glorot_uniform"),
    layers.Dense(64, activation="relu", bias_initializer="ones"),
    layers.Dense(8, kernel_initializer=shared),
    layers.Dense(8, kernel_initializer=shared, activation="relu"),
])
"""
SOURCES = {
    "hostile": HOSTILE_MODEL,
    **{
        path.name: path.read_bytes()
        for path in sorted((ROOT / "examples").rglob("*.py"))
        if b"layers." in path.read_bytes()
    },
}


def test_the_sources_have_fixable_findings():
    assert lint_bytes(HOSTILE_MODEL, "m.py", OPTIONS).fixed is not None
    assert len(SOURCES) >= 3


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_truncation_at_every_line(name):
    data = SOURCES[name]
    lines = data.splitlines(keepends=True)
    for cut in range(len(lines) + 1):
        truncated = b"".join(lines[:cut])
        check(truncated)
        if cut < len(lines) and len(lines[cut]) > 2:
            check(truncated + lines[cut][: len(lines[cut]) // 2])  # mid-line too


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_every_deleted_bracket(name):
    data = SOURCES[name]
    positions = [i for i, byte in enumerate(data) if byte in b"()[]{}"]
    step = max(1, len(positions) // (40 * SCALE))
    for position in positions[::step]:
        mutated = data[:position] + data[position + 1 :]
        result = check(mutated)
        # Unless the bracket was inside a string, the file no longer parses: KAI900 says so.
        assert compiles(mutated) or [f.code for f in result.findings] == ["KAI900"]


@fuzz_settings(120)
@given(
    st.sampled_from(sorted(SOURCES)),
    st.lists(st.tuples(st.integers(0), st.integers(0, 255)), max_size=6),
)
def test_random_byte_flips(name, flips):
    data = bytearray(SOURCES[name])
    for position, value in flips:
        data[position % len(data)] = value
    check(bytes(data))


@fuzz_settings(60)
@given(st.sampled_from(sorted(SOURCES)), st.binary(max_size=40), st.integers(0))
def test_random_insertions(name, junk, position):
    data = SOURCES[name]
    position %= len(data) + 1
    check(data[:position] + junk + data[position:])


DENSE = b"from keras import layers\nx = layers.Dense(3, activation='relu')\n"

HOSTILE = {
    "empty": b"",
    "only comments": b"# layers.Dense(3, activation='relu')\n# nothing else\n",
    "only a newline": b"\n",
    "tabs and form feeds": b"from keras import layers\n\x0c\nif True:\n\tx = layers.Dense(3, activation='relu')\n\x0c\n",
    "form feed indent": b"from keras import layers\nif True:\n\x0c    x = layers.Dense(3, activation='relu')\n",
    "no final newline": DENSE.rstrip(),
    "lone CR line endings": DENSE.replace(b"\n", b"\r"),
    "mixed line endings": b"from keras import layers\r\nimport os\rx = layers.Dense(3, activation='relu')\n",
    "backslash at the end": DENSE + b"\\",
    "python 2 print": b"from keras import layers\nprint 'model'\n" + DENSE,
    "python 2 except": b"from keras import layers\ntry:\n    pass\nexcept Exception, e:\n    pass\n"
    + DENSE,
    "null byte": DENSE[:30] + b"\0" + DENSE[30:],
    "null byte in a string": b"s = '\0'\n" + DENSE,
    "latin-1 without declaration": b"# caf\xe9\n" + DENSE,
    "bad coding declaration": b"# -*- coding: klingon -*-\n" + DENSE,
    "BOM and latin-1 declaration": b"\xef\xbb\xbf# coding: latin-1\n" + DENSE,
    "UTF-16": "\ufeff".encode("utf-16-le") + DENSE.decode().encode("utf-16-le"),
    "invalid UTF-8 after a declaration": b"# coding: utf-8\nx = '\xed\xa0\x80'\n" + DENSE,
    "deep brackets": b"from keras import layers\ny = "
    + b"(" * 5000
    + b"1"
    + b")" * 5000
    + b"\n"
    + DENSE,
    "deep unclosed brackets": DENSE + b"y = " + b"[" * 5000,
    "deep brackets in the layer call": b"from keras import layers\nx = layers.Dense("
    + b"[" * 300
    + b"]" * 300
    + b", activation='relu')\n",
    "deep brackets in a string": b"s = '" + b"(" * 5000 + b"'\n" + DENSE,
    "deep unary chain": b"from keras import layers\ny = " + b"-" * 20000 + b"1\n" + DENSE,
    "deep lambda chain": b"from keras import layers\ny = " + b"lambda: " * 5000 + b"1\n" + DENSE,
    "long sum": b"from keras import layers\ny = " + b"+".join([b"1"] * 1500) + b"\n" + DENSE,
    "long attribute chain": b"from keras import layers\ny = a" + b".b" * 1500 + b"\n" + DENSE,
    "deep if blocks": b"from keras import layers\n"
    + b"".join(b" " * i + b"if x:\n" for i in range(99))
    + b" " * 99
    + b"x = layers.Dense(3, activation='relu')\n",
    "very long line": b"from keras import layers\nx = layers.Dense(3, activation='relu', name='"
    + b"n" * 1_000_000
    + b"')\n",
    "many arguments": b"from keras import layers\nx = layers.Dense(3, activation='relu'"
    + b"".join(b", a%d=1" % i for i in range(5000))
    + b")\n",
    "control characters": b"from keras import layers\x1b\nx = layers.Dense(3, activation='relu')\n",
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_inputs(name):
    check(HOSTILE[name])


UNREADABLE = {
    "python 2 print": 2,
    "null byte": 2,
    "latin-1 without declaration": 1,
    "bad coding declaration": 1,
    "BOM and latin-1 declaration": 1,
    "UTF-16": 1,
    "invalid UTF-8 after a declaration": 2,
    "deep brackets": 2,
    "deep unclosed brackets": 3,
    "deep unary chain": 2,
    "deep lambda chain": 2,
    "backslash at the end": 3,
}


@pytest.mark.parametrize("name", sorted(UNREADABLE))
def test_unreadable_inputs_are_kai900_with_reason_and_line(name):
    [finding] = lint_bytes(HOSTILE[name], "m.py", OPTIONS).findings
    assert finding.code == "KAI900"
    assert finding.line == UNREADABLE[name], finding
    assert ": " in finding.message  # "could not ...: <reason>"


def test_a_5_mb_file_is_linted_and_fixed():
    # Embedded data, as in generated files: a long comment block and a big string literal.
    comments = b"# weights table " + b"0123456789abcdef" * 4 + b"\n"
    blob = b'DATA = """' + b"a1b2c3d4e5f6" * 200_000 + b'"""\n'
    body = comments * 40_000 + blob
    data = DENSE + body
    assert len(data) > 5_000_000
    result = check(data)
    assert [f.code for f in result.findings] == ["KAI001"]
    assert result.fixed is not None and result.fixed.endswith(body)


def test_one_unreadable_file_does_not_stop_the_others(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    for name in sorted(HOSTILE):
        (tmp_path / f"{name.replace(' ', '_')}.py").write_bytes(HOSTILE[name])
    (tmp_path / "zz_good.py").write_bytes(HOSTILE_MODEL)
    code = cli.main(["--format", "json", "--jobs", "1", "."])
    out = capsys.readouterr()
    assert code == 1, out.err
    import json

    findings = json.loads(out.out)
    by_file = {}
    for finding in findings:
        by_file.setdefault(finding["path"], []).append(finding["code"])
    assert "KAI001" in by_file["zz_good.py"]
    assert by_file["python_2_print.py"] == ["KAI900"]
    assert by_file["null_byte.py"] == ["KAI900"]


def test_random_mixture_of_line_endings_survives_a_fix():
    rng = random.Random(7)
    lines = HOSTILE_MODEL.split(b"\n")
    for _ in range(20 * SCALE):
        data = b"".join(line + rng.choice([b"\n", b"\r\n"]) for line in lines[:-1])
        result = check(data)
        assert result.fixed is not None
        # Every untouched line keeps its own ending.
        fixed_lines = result.fixed.splitlines(keepends=True)
        for line in data.splitlines(keepends=True):
            if b"layers.Dense" not in line and b"Conv2D" not in line:
                assert line in fixed_lines
