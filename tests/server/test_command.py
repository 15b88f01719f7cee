"""`kaiming-lint server` as a command: the extra's install hint, `./server`, the rule pages."""

from __future__ import annotations

import subprocess
import sys

try:
    import tomllib
except ImportError:  # Python 3.10
    import tomli as tomllib
from pathlib import Path

from kaiming_lint.lsp.links import HOMEPAGE, RULE_PAGES, rule_page, rule_url
from kaiming_lint.rules import RULES

from .lsp_client import REPO, server_env

# Python started as if pygls were not installed: every import of pygls or lsprotocol fails.
WITHOUT_PYGLS = """
import sys
class Missing:
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in ("pygls", "lsprotocol"):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None
sys.meta_path.insert(0, Missing())
from kaiming_lint.cli import main
sys.exit(main(sys.argv[1:]))
"""


def run(*args: str, cwd: Path = REPO, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args],
        capture_output=True,
        text=True,
        env=server_env(),
        cwd=cwd,
        input=stdin,
        timeout=60,
        check=False,
    )


def test_without_the_extra_server_prints_one_install_hint_and_exits_2():
    result = run("-c", WITHOUT_PYGLS, "server")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == (
        "kaiming-lint: error: kaiming-lint server needs the language server extra: "
        "pip install 'kaiming-keras[server]'\n"
    )


def test_without_the_extra_the_linter_still_works(tmp_path):
    (tmp_path / "ok.py").write_text("import keras\n", encoding="utf-8")
    result = run("-c", WITHOUT_PYGLS, str(tmp_path))
    assert result.returncode == 0, result.stderr


def test_a_directory_named_server_is_linted_as_dot_slash_server(tmp_path):
    folder = tmp_path / "server"
    folder.mkdir()
    (folder / "model.py").write_text(
        "from keras import layers\nlayer = layers.Dense(8, activation='relu')\n", encoding="utf-8"
    )
    result = run("-m", "kaiming_lint", "./server", cwd=tmp_path)
    assert result.returncode == 1
    assert "server/model.py:2:9: KAI001" in result.stdout
    help_text = " ".join(run("-m", "kaiming_lint", "--help").stdout.split())
    assert "'kaiming-lint server' starts the language server" in help_text
    assert "to lint a directory named server, write ./server" in help_text


def test_server_exits_when_its_input_closes():
    result = run("-m", "kaiming_lint", "server")
    assert result.returncode == 0, result.stderr


def test_rule_links_point_at_generated_pages_on_the_homepage():
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))
    assert pyproject["project"]["urls"]["Homepage"] == HOMEPAGE
    for rule in RULES:
        page = REPO / RULE_PAGES / f"{rule.code}.md"
        assert page.read_text("utf-8") == rule_page(rule), "python -m kaiming_lint.lsp.links"
        assert rule_url(rule.code) == f"{HOMEPAGE}/blob/main/{RULE_PAGES}/{rule.code}.md"
    explained = run("-m", "kaiming_lint", "--explain", "KAI003").stdout
    assert explained == rule_page(next(r for r in RULES if r.code == "KAI003"))
