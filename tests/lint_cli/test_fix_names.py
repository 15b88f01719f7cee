"""--fix names KaimingNormal only where the name is free or already means it, and relies only on
an import bound on every path before the first use; otherwise it picks a free name, writes the
Keras string, or withholds the fix."""

from __future__ import annotations

import pytest

from kaiming_lint import pipeline
from kaiming_lint.results import LintOptions

LAYER = 'layers.Dense(8, activation="relu")'
FIXED = 'layers.Dense(8, activation="relu", kernel_initializer={})'


def fix(source: str) -> pipeline.Outcome:
    return pipeline.fix(pipeline.Document("m.py", source), LintOptions(fix=True))


def fixed(source: str) -> str:
    outcome = fix(source)
    assert outcome.fixed_text is not None, [f.message for f in outcome.findings]
    return outcome.fixed_text


def module(*lines: str) -> str:
    return "\n".join(("from keras import layers", *lines)) + "\n"


@pytest.mark.parametrize(
    "binding",
    [
        "KaimingNormal = 8",
        "KaimingNormal, other = 8, 9",
        "class KaimingNormal: pass",
        "def KaimingNormal(): pass",
        "for KaimingNormal in range(2): pass",
        "with open(__file__) as KaimingNormal: pass",
        "import os as KaimingNormal",
        "squares = [KaimingNormal for KaimingNormal in range(3)]",
        "if (KaimingNormal := 3): pass",
        "def f(KaimingNormal=1): return KaimingNormal",
        "from kaiming_keras import KaimingNormal\ndel KaimingNormal",
        "from kaiming_keras import KaimingNormal\ndef g():\n    global KaimingNormal\n    KaimingNormal = 1",
        "from kaiming_keras import *\nKaimingNormal = 1",
        # An import the rest of the file rebinds somewhere is not reused either.
        "from kaiming_keras import KaimingNormal\nclass C:\n    KaimingNormal = 1",
        "from kaiming_keras import KaimingNormal\ndef f(KaimingNormal): pass",
        "from kaiming_keras import KaimingNormal\nKaimingNormal, x = 1, 2",
        "from kaiming_keras import KaimingNormal\nmatch 1:\n    case KaimingNormal:\n        pass",
        "from kaiming_keras import KaimingNormal\nq = [1 for KaimingNormal in ()]",
        "from kaiming_keras import KaimingNormal\nimport os as KaimingNormal",
    ],
)
def test_a_name_bound_to_something_else_gets_a_free_alias(binding: str) -> None:
    text = fixed(module(binding, f"hidden = {LAYER}"))
    assert "from kaiming_keras import KaimingNormal as KaimingNormal_\n" in text
    assert FIXED.format("KaimingNormal_()") in text


def test_the_alias_itself_is_checked_for_collisions() -> None:
    text = fixed(module("KaimingNormal = KaimingNormal_ = 1", f"hidden = {LAYER}"))
    assert "import KaimingNormal as KaimingNormal_2\n" in text
    assert FIXED.format("KaimingNormal_2()") in text


def test_an_import_every_branch_binds_before_the_use_is_reused() -> None:
    source = module(
        "if SLOW:",
        "    from kaiming_keras import KaimingNormal",
        "else:",
        "    from kaiming_keras.initializers import KaimingNormal",
        f"hidden = {LAYER}",
    )
    text = fixed(source)
    assert text.count("import KaimingNormal") == 2
    assert FIXED.format("KaimingNormal()") in text


def test_a_module_alias_is_reused_unless_something_rebinds_it() -> None:
    reused = fixed(module("import kaiming_keras as kk", f"hidden = {LAYER}"))
    assert FIXED.format("kk.KaimingNormal()") in reused
    assert reused.count("kaiming_keras") == 1
    rebound = fixed(
        module("import kaiming_keras as kk", "def f(kk): return kk", f"hidden = {LAYER}")
    )
    assert FIXED.format("KaimingNormal()") in rebound
    assert "from kaiming_keras import KaimingNormal\n" in rebound


def test_an_import_after_the_first_module_level_use_is_not_reused() -> None:
    source = module(f"hidden = {LAYER}", "from kaiming_keras import KaimingNormal")
    text = fixed(source)
    lines = text.splitlines()
    new_import = lines.index("from kaiming_keras import KaimingNormal as KaimingNormal_")
    assert new_import < lines.index(f"hidden = {FIXED.format('KaimingNormal_()')}")


@pytest.mark.parametrize(
    "optional",
    [
        "if USE_KAIMING:\n    from kaiming_keras import KaimingNormal",
        "try:\n    from kaiming_keras import KaimingNormal\nexcept ImportError:\n    KaimingNormal = None",
        "def later():\n    from kaiming_keras import KaimingNormal",
    ],
)
def test_an_optional_import_stays_optional_the_keras_string_is_written(optional: str) -> None:
    text = fixed(module(optional, f"hidden = {LAYER}"))
    assert text.count("kaiming_keras") == 1
    assert FIXED.format('"he_normal"') in text


def test_an_optional_import_withholds_a_leaky_fix_with_the_reason() -> None:
    source = module(
        "try:",
        "    import kaiming_keras",
        "except ImportError:",
        "    kaiming_keras = None",
        "import keras",
        "stack = keras.Sequential([layers.Dense(8), layers.LeakyReLU(negative_slope=0.2)])",
    )
    outcome = fix(source)
    assert outcome.fixed_text is None
    (finding,) = outcome.findings
    assert not finding.fixed
    assert "fix withheld: kaiming_keras is imported only conditionally" in finding.message


def test_a_star_import_after_the_new_import_withholds_the_fix() -> None:
    source = module("def build():", f"    return {LAYER}", "from helpers import *")
    outcome = fix(source)
    assert outcome.fixed_text is None
    assert "fix withheld: a star import" in outcome.findings[0].message


def test_a_star_import_of_kaiming_keras_after_the_new_import_cannot_rebind_the_alias() -> None:
    source = module(
        "from kaiming_keras import KaimingNormal",
        "KaimingNormal = None",
        "def build():",
        f"    return {LAYER}",
        "from kaiming_keras import *",
    )
    text = fixed(source)
    assert FIXED.format("KaimingNormal_()") in text
