"""--fix: only the reported spans change, byte for byte; imports, encodings, idempotence."""

from __future__ import annotations

import difflib
import os
import stat

from kaiming_lint import pipeline
from kaiming_lint.results import LintOptions
from kaiming_lint.sources.python import lint_bytes

HEAD = "from keras import layers\n\n"


def fixed(source: str | bytes, **options) -> bytes | None:
    data = source.encode("utf-8") if isinstance(source, str) else source
    return lint_bytes(data, "m.py", LintOptions(fix=True, **options)).fixed


def fixed_text(source: str, **options) -> str:
    result = fixed(source, **options)
    assert result is not None, "nothing was fixed"
    return result.decode("utf-8")


def changed_lines(before: str, after: str) -> tuple[list[str], list[str]]:
    """The lines only in `before` and only in `after`, from the diff hunks."""
    removed, added = [], []
    for line in difflib.unified_diff(before.splitlines(True), after.splitlines(True), n=0):
        if line.startswith(("---", "+++", "@@")):
            continue
        (removed if line.startswith("-") else added).append(line[1:])
    return removed, added


def assert_idempotent(source: str, **options) -> None:
    assert fixed(source, **options) is None


def test_only_the_layer_line_and_the_import_change():
    source = (
        '"""Docstring."""\n'
        "from __future__ import annotations\n\n"
        "import keras  # the framework\n"
        "from keras import layers\n\n"
        "\n# A comment that stays.\n"
        "model = keras.Sequential([\n"
        "    layers.Dense( 64 ,activation='relu' ),   # odd spacing kept\n"
        "    layers.Dense(10, activation='softmax',),\n"
        "])\n"
    )
    after = fixed_text(source)
    removed, added = changed_lines(source, after)
    assert removed == ["    layers.Dense( 64 ,activation='relu' ),   # odd spacing kept\n"]
    assert added == [
        "from kaiming_keras import KaimingNormal\n",
        "    layers.Dense( 64 ,activation='relu', kernel_initializer=KaimingNormal() ),   # odd spacing kept\n",
    ]
    # The import goes after the last top-level import.
    assert after.splitlines()[5] == "from kaiming_keras import KaimingNormal"
    assert_idempotent(after)


def test_import_added_once_for_many_fixes():
    source = (
        HEAD
        + "a = layers.Dense(8, activation='relu')\nb = layers.Conv2D(8, 3, activation='relu')\n"
    )
    after = fixed_text(source)
    assert after.count("from kaiming_keras import KaimingNormal") == 1
    assert after.count("kernel_initializer=KaimingNormal()") == 2
    assert_idempotent(after)


def test_existing_import_or_alias_is_reused():
    line = "a = layers.Dense(8, activation='relu')\n"
    aliased = fixed_text("from kaiming_keras import KaimingNormal as KN\n" + HEAD + line)
    assert "kernel_initializer=KN()" in aliased
    assert aliased.count("import") == 2
    module = fixed_text("import kaiming_keras as kk\n" + HEAD + line)
    assert "kernel_initializer=kk.KaimingNormal()" in module
    assert module.count("import") == 2


def test_import_goes_after_a_docstring_when_the_file_has_no_imports_before_the_layer():
    source = '"""Doc."""\nimport keras\n\nx = keras.layers.Dense(3, activation="relu")\n'
    after = fixed_text(source)
    assert after.startswith('"""Doc."""\nimport keras\nfrom kaiming_keras import KaimingNormal\n\n')


def test_leaky_slope_is_carried_into_the_fix():
    source = (
        "import keras\n"
        + HEAD
        + "m = keras.Sequential([layers.Dense(8), layers.LeakyReLU(negative_slope=0.1)])\n"
    )
    after = fixed_text(source)
    assert (
        'layers.Dense(8, kernel_initializer=KaimingNormal(nonlinearity="leaky_relu", negative_slope=0.1))'
    ) in after


def test_keras_style_uses_the_file_quote_and_adds_no_import():
    source = HEAD + "a = layers.Dense(8, activation='relu', kernel_initializer='glorot_uniform')\n"
    after = fixed_text(source, fix_style="keras")
    assert (
        after == HEAD + "a = layers.Dense(8, activation='relu', kernel_initializer='he_normal')\n"
    )
    double = fixed_text(HEAD + 'a = layers.Dense(8, activation="relu")\n', fix_style="keras")
    assert (
        double == HEAD + 'a = layers.Dense(8, activation="relu", kernel_initializer="he_normal")\n'
    )
    assert_idempotent(after, fix_style="keras")


def test_bias_removed_from_a_single_line_call():
    source = (
        HEAD
        + 'a = layers.Dense(8, bias_initializer="ones", activation="relu", kernel_initializer="he_normal")\n'
    )
    assert (
        fixed_text(source)
        == HEAD + 'a = layers.Dense(8, activation="relu", kernel_initializer="he_normal")\n'
    )
    last = (
        HEAD
        + 'a = layers.Dense(8, activation="relu", kernel_initializer="he_normal", bias_initializer="ones")\n'
    )
    assert (
        fixed_text(last)
        == HEAD + 'a = layers.Dense(8, activation="relu", kernel_initializer="he_normal")\n'
    )


def test_bias_removed_from_multi_line_calls_keeping_comments_and_commas():
    call = (
        "a = layers.Dense(\n"
        "    8,  # units\n"
        '    activation="relu",  # the ReLU\n'
        '    kernel_initializer="he_normal",  # He\n'
        '    bias_initializer="ones"{comma}  # to remove\n'
        "){tail}\n"
    )
    for comma in (",", ""):
        source = HEAD + call.format(comma=comma, tail="")
        after = fixed_text(source)
        assert "bias_initializer" not in after and "to remove" not in after
        for kept in ("# units", "# the ReLU", "# He"):
            assert kept in after
        # The trailing-comma style is kept, and the closing parenthesis stays on its own line.
        assert after.endswith(
            '    kernel_initializer="he_normal",  # He\n)\n'
            if comma
            else '    kernel_initializer="he_normal"  # He\n)\n'
        )
        assert_idempotent(after)
    middle = (
        HEAD + "a = layers.Dense(\n    8,\n    bias_initializer='ones',  # drop\n"
        "    activation='relu',\n    kernel_initializer='he_normal',\n)\n"
    )
    assert fixed_text(middle) == (
        HEAD
        + "a = layers.Dense(\n    8,\n    activation='relu',\n    kernel_initializer='he_normal',\n)\n"
    )


def test_added_argument_follows_a_multi_line_layout():
    source = HEAD + "a = layers.Dense(\n    8,\n    activation='relu',\n)\n"
    assert fixed_text(source).endswith(
        "a = layers.Dense(\n    8,\n    activation='relu',\n    kernel_initializer=KaimingNormal(),\n)\n"
    )


def test_shared_seeded_instance_is_split_with_distinct_seeds():
    source = (
        "from keras import initializers, layers\n\n"
        "init = initializers.HeUniform(seed=11)\n"
        "a = layers.Dense(8, activation='relu', kernel_initializer=init)\n"
        "b = layers.Dense(8, activation='relu', kernel_initializer=init)\n"
        "c = layers.Dense(8, kernel_initializer=init)\n"
    )
    after = fixed_text(source)
    assert after == (
        "from keras import initializers, layers\n\n"
        "init = initializers.HeUniform(seed=11)\n"
        "a = layers.Dense(8, activation='relu', kernel_initializer=initializers.HeUniform(seed=11))\n"
        "b = layers.Dense(8, activation='relu', kernel_initializer=initializers.HeUniform(seed=12))\n"
        "c = layers.Dense(8, kernel_initializer=initializers.HeUniform(seed=13))\n"
    )
    assert_idempotent(after)


def test_crlf_line_endings_are_kept():
    source = (HEAD + "a = layers.Dense(8, activation='relu')\n").replace("\n", "\r\n")
    after = fixed(source)
    assert after is not None
    assert after.count(b"\r\n") == after.count(b"\n") == 4
    assert b"from kaiming_keras import KaimingNormal\r\n" in after
    assert fixed(after) is None


def test_latin1_file_with_a_coding_declaration():
    source = (
        "# -*- coding: latin-1 -*-\n# café\n"
        + HEAD
        + "a = layers.Dense(8, activation='relu')  # é\n"
    ).encode("latin-1")
    after = fixed(source)
    assert after is not None
    assert after.startswith(b"# -*- coding: latin-1 -*-\n# caf\xe9\n")
    assert b"kernel_initializer=KaimingNormal())  # \xe9\n" in after
    assert fixed(after) is None


def test_byte_order_mark_is_kept_once():
    source = "\ufeff" + HEAD + "a = layers.Dense(8, activation='relu')\n"
    after = fixed(source.encode("utf-8"))
    assert after is not None
    assert after.startswith(b"\xef\xbb\xbffrom keras import layers\n")
    assert after.count(b"\xef\xbb\xbf") == 1


def test_a_fix_that_would_not_parse_is_not_written(cli, write, monkeypatch):
    source = HEAD + "a = layers.Dense(8, activation='relu')\n"
    path = write("m.py", source)
    real_parse = pipeline.parse

    def parse(text: str):
        if "KaimingNormal" in text:  # the fixed text: as if the edit had broken the syntax
            raise pipeline.Unreadable("could not parse the file")
        return real_parse(text)

    monkeypatch.setattr(pipeline, "parse", parse)
    run = cli("--fix", "m.py")
    assert path.read_text() == source
    assert run.code == 1
    assert "KAI001" in run.out


def test_fix_keeps_the_file_mode_and_leaves_no_temporary_files(cli, write, tmp_path):
    path = write("m.py", HEAD + "a = layers.Dense(8, activation='relu')\n")
    os.chmod(path, 0o640)
    assert cli("--fix", "m.py").code == 0
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o640
    assert sorted(os.listdir(tmp_path)) == ["m.py"]
    assert "KaimingNormal()" in path.read_text()


def test_added_weight_takes_the_place_of_a_removed_bias():
    source = (
        HEAD + 'x = layers.Dense(8, activation="relu",\n                 bias_initializer="ones")\n'
    )
    after = fixed_text(source)
    assert after.endswith(
        'x = layers.Dense(8, activation="relu",\n                 kernel_initializer=KaimingNormal())\n'
    )
    assert_idempotent(after)


def test_arguments_sharing_a_line_stay_on_it():
    source = HEAD + 'x = layers.Dense(\n    8, activation="relu"\n)\n'
    assert fixed_text(source).endswith(
        'x = layers.Dense(\n    8, activation="relu", kernel_initializer=KaimingNormal()\n)\n'
    )


def test_positional_initializers_are_replaced_and_removed():
    source = HEAD + 'x = layers.Dense(8, "relu", True, "glorot_uniform", "ones")\n'
    after = fixed_text(source)
    assert after.endswith('x = layers.Dense(8, "relu", True, KaimingNormal())\n')
    assert_idempotent(after)


def test_no_fix_offered_where_keyword_unpacking_could_clash():
    source = HEAD + 'kw = {"units": 3}\nx = layers.Dense(activation="relu", **kw)\n'
    result = lint_bytes(source.encode(), "m.py", LintOptions(fix=True))
    assert [(f.code, f.fixable) for f in result.findings] == [("KAI001", False)]
    assert result.fixed is None


def test_fix_through_a_symbolic_link_keeps_the_link(cli, write, tmp_path):
    target = write("real/m.py", HEAD + "a = layers.Dense(8, activation='relu')\n")
    link = tmp_path / "link.py"
    link.symlink_to(target)
    assert cli("--fix", "link.py").code == 0
    assert link.is_symlink()
    assert "KaimingNormal()" in target.read_text()


def test_a_different_kaiming_normal_in_the_file_is_not_shadowed():
    source = "from mylib import KaimingNormal\n" + HEAD + "a = layers.Dense(8, activation='relu')\n"
    after = fixed_text(source)
    assert after.startswith(
        "from mylib import KaimingNormal\nfrom keras import layers\n"
        "from kaiming_keras import KaimingNormal as KaimingNormal_\n"
    )
    assert "kernel_initializer=KaimingNormal_()" in after
    assert_idempotent(after)
