"""Valid Python programs from the grammar (hypothesmith), each followed by a Keras layer
call: no traceback, no KAI900 for code CPython accepts, and fixes that parse and are
idempotent."""

from __future__ import annotations

import hypothesmith
from hypothesis import given

from .budget import fuzz_settings
from .invariants import check, compiles

LAYER = (
    "\nfrom keras import layers\nx = layers.Dense(3, activation='relu', bias_initializer='ones')\n"
)


@fuzz_settings(40)
@given(hypothesmith.from_grammar())
def test_grammar_programs(program):
    data = (program + LAYER).encode("utf-8", "surrogatepass")
    result = check(data)
    if compiles(data):
        assert result.fixed is not None  # the layer call after the program is always fixed


@fuzz_settings(40)
@given(hypothesmith.from_node())
def test_libcst_node_programs(program):
    check((program + LAYER).encode("utf-8", "surrogatepass"))
