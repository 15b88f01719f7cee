"""Fixes on generated layer calls (argument order, layout, comments, trailing commas):
the result parses, nothing fixable is left, a second --fix changes nothing, and the lines
around the model are untouched."""

from __future__ import annotations

import ast

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kaiming_lint.results import FileResult, LintOptions
from kaiming_lint.sources.python import lint_bytes

HEADER = "import keras\nfrom keras import layers\n\n# before the model\n"
FOOTER = "# after the model\nprint(model)\n"

activations = st.sampled_from([None, '"relu"', "'relu'", '"softmax"'])
kernels = st.sampled_from([None, '"glorot_uniform"', '"he_normal"', '"zeros"', "'lecun_normal'"])
biases = st.sampled_from([None, '"ones"', '"zeros"', "keras.initializers.Constant(0.1)"])
separators = st.sampled_from([", ", ",", ",\n            ", ",  # note\n            "])


@st.composite
def layer_call(draw) -> str:
    keywords = [
        (name, value)
        for name, value in (
            ("activation", draw(activations)),
            ("kernel_initializer", draw(kernels)),
            ("bias_initializer", draw(biases)),
        )
        if value is not None
    ]
    keywords = draw(st.permutations(keywords))
    parts = [str(draw(st.integers(1, 64)))] + [f"{name}={value}" for name, value in keywords]
    text = parts[0]
    for part in parts[1:]:
        text += draw(separators) + part
    if draw(st.booleans()):
        text += ","
    if draw(st.booleans()):
        text = "\n            " + text + "\n        "
    return f"layers.Dense({text})"


@st.composite
def model_source(draw) -> str:
    calls = draw(st.lists(layer_call(), min_size=1, max_size=4))
    body = "".join(f"        {call},\n" for call in calls)
    return HEADER + f"model = keras.Sequential(\n    [\n{body}    ]\n)\n" + FOOTER


def lint(source: str, **options) -> FileResult:
    return lint_bytes(source.encode(), "m.py", LintOptions(fix=True, **options))


@settings(
    max_examples=80, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(model_source(), st.sampled_from(["kaiming", "keras"]))
def test_fixes_are_complete_idempotent_and_local(source, style):
    ast.parse(source)
    first = lint(source, fix_style=style)
    if first.fixed is None:
        assert not any(f.fixable for f in first.findings)
        return
    fixed = first.fixed.decode()
    ast.parse(fixed)
    assert fixed.endswith(FOOTER)
    assert fixed.startswith(HEADER.split("\n\n")[0])
    assert "# before the model\nmodel = keras.Sequential(\n" in fixed
    second = lint(fixed, fix_style=style)
    assert second.fixed is None
    assert not any(f.fixable for f in second.findings), second.findings
    # Only findings without a fix remain: the same ones, by code.
    unfixed = sorted(f.code for f in first.findings if not f.fixed)
    assert sorted(f.code for f in second.findings) == unfixed
    # Comments are never duplicated; only one on a removed bias argument's line may go.
    kept = sum("# note" in line and "bias_initializer" not in line for line in source.splitlines())
    assert kept <= fixed.count("# note") <= source.count("# note")
