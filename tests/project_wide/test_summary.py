"""What a module summary records about parameters and stores (the facts the judge reads)."""

from __future__ import annotations

import ast
from pathlib import Path

from kaiming_lint.summary import SourceHints, summarize
from kaiming_lint.terms import TParam


def summary_of(source: str):
    hints = SourceHints.of(source.encode("utf-8"))
    return summarize(ast.parse(source), "app.m", "app/m.py", hints=hints)


def test_a_parameter_passed_on_is_the_parameter_of_the_function_it_is_passed_in():
    """Regression: summaries once looked names up by ``id()`` of a scope, and a later method
    could inherit the parameters of an earlier one whose scope had been freed."""
    source = (Path(__file__).parent / "projects" / "classes" / "zoo" / "heads.py").read_text()
    for _ in range(30):
        summary = summarize(ast.parse(source), "zoo.heads", "zoo/heads.py")
        for call in summary.calls:
            for term in [*call.args, *(value for _, value in call.keywords)]:
                inner = getattr(term, "value", term)
                if isinstance(inner, TParam):
                    assert inner.function == call.caller, (call.place, inner)


def test_a_closure_that_changes_a_parameter_in_place_makes_it_undecided():
    summary = summary_of(
        "def outer(cfg, acts, other):\n"
        "    def inner():\n"
        "        def deeper():\n"
        "            cfg.update(act='tanh')\n"
        "        return deeper\n"
        "    hook = lambda: acts.append('tanh')\n"
        "    return inner, hook\n"
    )
    assert summary.functions["outer"].changed == {
        "cfg": "dynamic-attribute",
        "acts": "dynamic-attribute",
    }


def test_a_nested_function_s_own_parameter_is_not_the_outer_one():
    summary = summary_of(
        "def outer(layer, activation):\n"
        "    def force(layer):\n"
        "        layer.zero_output = True\n"
        "    force(None)\n"
        "    return activation\n"
    )
    assert summary.functions["outer"].changed == {}
    assert summary.functions["outer.force"].changed == {"layer": "dynamic-attribute"}


def test_a_with_target_attribute_is_a_store():
    summary = summary_of("import cfg\n\nwith open('x') as cfg.ACT:\n    pass\n")
    assert [name for name, _ in summary.stores] == ["cfg.ACT"]


def test_a_walrus_binding_is_seen_only_where_the_source_has_one():
    source = "def f(activation):\n    if (activation := 'tanh'):\n        return activation\n"
    summary = summary_of(source)
    assert summary.functions["f"].changed == {"activation": "rebound-name"}


def test_a_walrus_in_an_assignment_or_a_default_rebinds_the_name():
    for line in (
        "    y = (act := 'tanh')\n",
        "    g = lambda a=(act := 'tanh'): a\n",
        "    def h(a=(act := 'tanh')):\n        return a\n",
    ):
        summary = summary_of(
            f"from app.blocks import conv\n\ndef caller(x):\n    act = 'relu'\n{line}    return conv(x, act)\n"
        )
        call = next(c for c in summary.calls if c.callee.name.endswith("conv"))
        assert call.args[1] != TParam("caller", "act"), line
        assert getattr(call.args[1], "value", None) != "relu", line


def test_nonlocal_rebinds_the_enclosing_function_s_name():
    summary = summary_of(
        "from app.blocks import conv\n\n"
        "def caller(x):\n"
        "    act = 'relu'\n"
        "    def set_it():\n"
        "        nonlocal act\n"
        "        act = 'tanh'\n"
        "    set_it()\n"
        "    return conv(x, act)\n"
    )
    call = next(c for c in summary.calls if c.callee.name.endswith("conv"))
    assert getattr(call.args[1], "value", None) != "relu"


def test_a_file_declaring_another_encoding_is_always_consulted():
    from kaiming_lint.project_scope import identifiers

    assert identifiers(b"# coding: utf-7\nimport pkg.+AGI-locks\n", "a.py") is None
    assert identifiers(b"# -*- coding: utf-8 -*-\nimport blocks\n", "a.py") is not None
