"""Every wrong type or unknown key in [tool.kaiming-lint] is an error that names it."""

from __future__ import annotations

import pytest

from kaiming_lint import cli
from kaiming_lint.config import ConfigError, load_config

# A TOML value of each type; every key accepts exactly one shape.
VALUES = {
    "integer": "1",
    "float": "1.5",
    "boolean": "true",
    "string": '"relu"',
    "list of integers": "[1, 2]",
    "mixed list": '["KAI001", 2]',
    "table": "{ a = 1 }",
    "date": "2024-01-01",
}
ACCEPTS = {
    "select": "list of strings",
    "ignore": "list of strings",
    "exclude": "list of strings",
    "extend-exclude": "list of strings",
    "extra-relu-activations": "list of strings",
    "fix-style": "string",
    "strict-normalized": "boolean",
}
CASES = [
    (key, kind)
    for key, accepted in ACCEPTS.items()
    for kind in VALUES
    if kind != accepted and not (key == "fix-style" and kind == "string")
]


@pytest.mark.parametrize(("key", "kind"), CASES)
def test_every_wrong_type_names_the_key(tmp_path, key, kind):
    (tmp_path / "pyproject.toml").write_text(f"[tool.kaiming-lint]\n{key} = {VALUES[kind]}\n")
    with pytest.raises(ConfigError) as info:
        load_config(start=str(tmp_path))
    message = str(info.value)
    assert key in message and "pyproject.toml" in message and "\n" not in message


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ('[tool.kaiming-lint]\nfix_style = "keras"\n', "fix_style"),
        ("[tool.kaiming-lint]\nSelect = []\n", "Select"),
        ("[tool.kaiming-lint.select]\nx = 1\n", "select"),
        ('[tool.kaiming-lint]\nfix-style = "he_normal"\n', "fix-style"),
        ('[tool.kaiming-lint]\nselect = ["KAI9999"]\n', "KAI9999"),
        ("[tool]\nkaiming-lint = 3\n", "kaiming-lint"),
    ],
)
def test_unknown_keys_and_values_are_named_on_the_command_line(
    tmp_path, monkeypatch, capsys, text, named
):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text(text)
    (tmp_path / "m.py").write_text("x = 1\n")
    assert cli.main(["m.py"]) == 2
    err = capsys.readouterr().err
    assert named in err and len(err.strip().splitlines()) == 1
