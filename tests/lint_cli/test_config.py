"""[tool.kaiming-lint] in pyproject.toml: keys, errors naming the key, excludes."""

from __future__ import annotations

import json

import pytest

from kaiming_lint.config import DEFAULT_EXCLUDE, ConfigError, load_config

from .lint_helpers import MODEL


def codes(run) -> list[str]:
    return sorted(item["code"] for item in json.loads(run.out))


def test_select_ignore_and_fix_style_from_pyproject(cli, write):
    write(
        "pyproject.toml",
        '[tool.kaiming-lint]\nselect = ["KAI00"]\nignore = ["KAI002"]\nfix-style = "keras"\n',
    )
    write("pkg/model.py", MODEL)
    assert codes(cli("--format", "json", "pkg")) == ["KAI001", "KAI003", "KAI004"]
    run = cli("pkg/model.py")
    assert '"he_normal"' in run.out and "KaimingNormal" not in run.out
    # The command line's --select replaces the configured one; --fix-style overrides it.
    assert codes(cli("--format", "json", "--select", "KAI002", "pkg")) == []
    assert "KaimingNormal()" in cli("--fix-style", "kaiming", "pkg").out


def test_nearest_pyproject_with_the_table_is_used(cli, write, tmp_path):
    write("pyproject.toml", '[tool.kaiming-lint]\nselect = ["KAI003"]\n')
    write("sub/pyproject.toml", '[project]\nname = "x"\n')  # no table: keep walking up
    write("sub/model.py", MODEL)
    assert codes(cli("--format", "json", "sub/model.py")) == ["KAI003"]
    write("sub/pyproject.toml", '[tool.kaiming-lint]\nselect = ["KAI004"]\n')
    assert codes(cli("--format", "json", "sub/model.py")) == ["KAI004"]


def test_config_option_names_another_file(cli, write):
    write("settings/lint.toml", '[tool.kaiming-lint]\nignore = ["KAI001", "KAI002", "KAI003"]\n')
    write("model.py", MODEL)
    assert codes(cli("--format", "json", "--config", "settings/lint.toml", "model.py")) == [
        "KAI004"
    ]
    missing = cli("--config", "nope.toml", "model.py")
    assert missing.code == 2 and "nope.toml" in missing.err


def test_extra_relu_activations_and_strict_normalized(cli, write):
    source = (
        "import keras\nfrom keras import layers\n\n"
        'a = layers.Dense(8, activation="gelu")\n'
        "b = keras.Sequential([layers.Conv2D(8, 3), layers.BatchNormalization(), layers.ReLU()])\n"
    )
    write("model.py", source)
    assert codes(cli("--format", "json", "model.py")) == []
    write(
        "pyproject.toml",
        '[tool.kaiming-lint]\nextra-relu-activations = ["gelu"]\nstrict-normalized = true\n',
    )
    assert codes(cli("--format", "json", "model.py")) == ["KAI001", "KAI001"]


@pytest.mark.parametrize(
    ("table", "named"),
    [
        ('colour = "blue"', "colour"),
        ('select = "KAI001"', "select"),
        ('select = ["KAI123"]', "KAI123"),
        ('fix-style = "torch"', "fix-style"),
        ('strict-normalized = "yes"', "strict-normalized"),
        ("extend-exclude = [1]", "extend-exclude"),
    ],
)
def test_bad_configuration_is_one_line_naming_the_key(cli, write, table, named):
    write("pyproject.toml", f"[tool.kaiming-lint]\n{table}\n")
    write("model.py", MODEL)
    run = cli("model.py")
    assert run.code == 2
    assert len(run.err.strip().splitlines()) == 1
    assert named in run.err and "pyproject.toml" in run.err


def test_invalid_toml_is_a_usage_error(cli, write):
    write("pyproject.toml", "[tool.kaiming-lint\n")
    write("model.py", MODEL)
    run = cli("model.py")
    assert run.code == 2 and "invalid TOML" in run.err


def test_default_excludes_skip_environments_and_build_output(cli, write):
    for directory in (
        ".venv/lib",
        "venv",
        "build",
        "node_modules/x",
        "__pycache__",
        ".git",
        ".tox/py",
    ):
        write(f"{directory}/model.py", MODEL)
    write("src/model.py", MODEL)
    paths = {item["path"] for item in json.loads(cli("--format", "json", ".").out)}
    assert paths == {"src/model.py"}
    assert {".venv", "venv", "build", "node_modules", "site-packages", "__pycache__"} <= set(
        DEFAULT_EXCLUDE
    )


def test_exclude_and_extend_exclude(cli, write):
    for name in ("src/a.py", "src/gen/b.py", "tests/c.py", "build/d.py"):
        write(name, MODEL)
    write("pyproject.toml", '[tool.kaiming-lint]\nextend-exclude = ["src/gen", "c.py"]\n')
    paths = {item["path"] for item in json.loads(cli("--format", "json", ".").out)}
    assert paths == {"src/a.py"}
    # `exclude` replaces the defaults: build/ is searched again.
    write("pyproject.toml", '[tool.kaiming-lint]\nexclude = ["tests"]\n')
    paths = {item["path"] for item in json.loads(cli("--format", "json", ".").out)}
    assert paths == {"src/a.py", "src/gen/b.py", "build/d.py"}
    # A file named on the command line is always checked.
    assert {item["path"] for item in json.loads(cli("--format", "json", "tests/c.py").out)} == {
        "tests/c.py"
    }


def test_a_pyproject_without_the_table_gives_the_defaults(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.kaiming-lint]\n")
    (tmp_path / "inner").mkdir()
    (tmp_path / "inner" / "pyproject.toml").write_text("[tool.ruff]\nline-length = 90\n")
    config = load_config(start=str(tmp_path / "inner"))
    assert config.source == str(tmp_path / "pyproject.toml")
    assert (config.select, config.ignore, config.fix_style) == ((), (), "kaiming")
    assert config.excludes == DEFAULT_EXCLUDE


def test_load_config_error_type(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.kaiming-lint]\nselect = [1]\n")
    with pytest.raises(ConfigError, match="select"):
        load_config(start=str(tmp_path))
