"""Summarising only the modules that can bear on the linted ones changes no view.

``build_view`` reads a module's summary only when its text spells a module word that matters
(``kaiming_lint.project_scope``); ``whole=True`` summarises and binds every module, as the
judge did before. On every labelled project, on the installed ``keras/src/applications`` and
under every ``public-api`` setting, linting any one file, or all of them, gives the same view
of each module either way; and a module that cannot bear on the linted file is not summarised.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import fields, replace
from pathlib import Path

import pytest

from kaiming_lint import project
from kaiming_lint.pairing import mentions_kernel_layer
from kaiming_lint.project import build_view
from kaiming_lint.project_view import DeferredView, ModuleView
from kaiming_lint.results import PublicApi

from .corpus import load, project_names
from .test_keras_applications import applications_dir

pytestmark = pytest.mark.slow


def project_files(root: Path) -> list[str]:
    return sorted(
        os.path.relpath(p, root)
        for pattern in ("*.py", "*.ipynb")
        for p in root.rglob(pattern)
        if ".kaiming-lint-cache" not in p.parts
    )


def assert_same_views(paths: list[str], public_api: PublicApi) -> None:
    lazy = build_view(paths, public_api=public_api, cache_enabled=False)
    settled = replace(lazy, modules={}).settle()
    whole = build_view(paths, public_api=public_api, cache_enabled=False, whole=True)
    for path in paths:
        text = Path(path).read_bytes().decode("utf-8", "replace")
        if mentions_kernel_layer(text):
            assert os.path.abspath(path) in settled.modules, path
    assert set(settled.modules) <= set(whole.modules)
    for path, view in settled.modules.items():
        assert view == whole.modules[path], (paths, path, public_api)
    # Judged on demand, one module at a time (as the analysis asks), each view is the same.
    for path in sorted(settled.modules):
        asked = replace(lazy, modules={}).for_path(path) or replace(lazy, modules={}).peer_view(
            path
        )
        assert isinstance(asked, DeferredView)
        assert asked.judged() == whole.modules[path], (paths, path, public_api)
        for fact in fields(ModuleView):  # every fact the analysis reads is the judged one
            assert getattr(asked, fact.name) == getattr(whole.modules[path], fact.name)


def assert_same_peer_views(paths: list[str], public_api: PublicApi) -> None:
    """Any module's view, asked for alone while following a layer, is the whole project's."""
    lazy = build_view(paths, public_api=public_api, cache_enabled=False)
    whole = build_view(paths, public_api=public_api, cache_enabled=False, whole=True)
    for path in sorted(lazy._judgement.names):
        asked = replace(lazy, modules={}).peer_view(path)
        expected = replace(whole, modules={}).peer_view(path)
        assert isinstance(asked, DeferredView) and isinstance(expected, DeferredView)
        assert asked.judged() == expected.judged(), (path, public_api)


@pytest.mark.parametrize("name", project_names())
def test_each_file_alone_and_all_together_see_the_views_of_the_whole_project(name, monkeypatch):
    root = load(name).root
    monkeypatch.chdir(root)
    files = project_files(root)
    for public_api in PublicApi:
        for chosen in [*([file] for file in files), files]:
            assert_same_views(chosen, public_api)
        assert_same_peer_views(files, public_api)


@pytest.mark.parametrize("module", ["densenet.py", "resnet.py", "mobilenet_v3.py", "vgg16.py"])
def test_a_real_package_file_sees_the_views_of_the_whole_package(module, monkeypatch):
    monkeypatch.setenv("KAIMING_LINT_CACHE_DIR", "")
    monkeypatch.chdir(applications_dir())
    for public_api in (PublicApi.AUTO, PublicApi.CLOSED):
        assert_same_views([module], public_api)


BLOCKS = (
    "from keras import layers\n\n"
    "def block(x, activation):\n"
    "    x = layers.Conv2D(8, 3)(x)\n"
    "    return layers.Activation(activation)(x)\n"
)


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


@pytest.fixture
def summarised(monkeypatch) -> list[str]:
    """The names of the files summarised from now on, in order."""
    names: list[str] = []
    real = project.summary_of

    def recording(data: bytes, path: str, module: str, is_package: bool):
        names.append(os.path.basename(path))
        return real(data, path, module, is_package)

    monkeypatch.setattr(project, "summary_of", recording)
    return names


def test_modules_that_cannot_reach_the_linted_one_are_not_summarised(
    tmp_path, monkeypatch, summarised
):
    write(tmp_path / "pyproject.toml", "[project]\nname = 'app'\n")
    write(tmp_path / "blocks.py", BLOCKS)
    write(
        tmp_path / "model.py",
        "import blocks\n\ndef build(x):\n    return blocks.block(x, 'relu')\n",
    )
    write(tmp_path / "train.py", "from model import build\n\nbuild(None)\n")
    for index in range(20):  # they name `block`, but not its module
        write(tmp_path / f"other{index}.py", "def block(x):\n    return x\n\nblock(1)\n")
    monkeypatch.chdir(tmp_path)
    view = build_view(["blocks.py"], cache_enabled=False)
    assert summarised == []  # nothing is judged before the analysis asks
    related = view.for_path("blocks.py").params[("block", "activation")]
    assert sorted(summarised) == ["blocks.py", "model.py", "train.py"]
    assert related.term.value == "relu"
    summarised.clear()
    build_view(["blocks.py"], cache_enabled=False, whole=True)
    assert len(summarised) == 23


def test_a_cached_run_after_an_edit_sees_the_edit_through_the_module_words(tmp_path, monkeypatch):
    write(tmp_path / "pyproject.toml", "[project]\nname = 'app'\n")
    blocks = BLOCKS
    write(tmp_path / "blocks.py", blocks)
    write(tmp_path / "model.py", "def build(x):\n    return x\n")
    monkeypatch.setenv("KAIMING_LINT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)
    param = ("block", "activation")
    first = build_view(["blocks.py"]).for_path("blocks.py").params[param]
    assert first.term.reason == "parameter-from-outside"
    # model.py now imports blocks: its words change, and the next run must consult it.
    write(
        tmp_path / "model.py",
        "import blocks\n\ndef build(x):\n    return blocks.block(x, 'relu')\n",
    )
    os.utime(tmp_path / "model.py", ns=(1, 1))  # an old mtime: only the size and ctime differ
    second = build_view(["blocks.py"]).for_path("blocks.py").params[param]
    assert second.term.value == "relu"
    shutil.rmtree(tmp_path / "cache")


def test_the_identifiers_find_every_file_that_names_a_kernel_layer():
    """Which linted files get a view is read from their identifiers: never fewer files than
    the linter's own prefilter analyses (or a layer would be judged without its callers)."""
    from kaiming_lint.project_scope import identifiers

    keras_src = applications_dir().parent
    checked = 0
    for path in sorted(keras_src.rglob("*.py")):
        data = path.read_bytes()
        words = identifiers(data, str(path))
        if words is not None and mentions_kernel_layer(data.decode("utf-8", "replace")):
            assert mentions_kernel_layer(words), path
            checked += 1
    assert checked > 100
    fullwidth = "".join(chr(ord(c) + 0xFEE0) for c in "layers.Dense")  # NFKC: layers.Dense
    assert mentions_kernel_layer(identifiers(f"x = {fullwidth}(3)\n".encode(), "a.py") or "")


def test_a_view_is_judged_only_for_a_file_whose_analysis_asks_for_it(
    tmp_path, monkeypatch, summarised
):
    """``names.py`` mentions kernel layers but calls none: its analysis asks the project
    nothing, so the run summarises no module; ``model.py``'s layer asks, and is judged."""
    from kaiming_lint.cli import main

    write(tmp_path / "pyproject.toml", "[project]\nname = 'app'\n")
    write(tmp_path / "names.py", 'CHOICES = ["Dense", "Conv2D"]  # what a config may name\n')
    write(
        tmp_path / "model.py",
        "from keras import layers\n\n"
        "def head(x, activation):\n"
        "    return layers.Dense(8, activation=activation)(x)\n\n"
        "y = head(1, 'relu')\n",
    )
    write(tmp_path / "unrelated.py", "import os\n\nPATH = os.sep\n")
    monkeypatch.chdir(tmp_path)
    assert main(["--no-cache", "--jobs", "1", "names.py"]) == 0
    assert summarised == []
    assert main(["--no-cache", "--jobs", "1", "--format", "json", "names.py", "model.py"]) == 1
    assert summarised == ["model.py"]


def test_a_project_too_deep_to_judge_leaves_each_file_checked_alone(tmp_path, monkeypatch, capsys):
    from kaiming_lint.cli import main

    write(tmp_path / "pyproject.toml", "[project]\nname = 'app'\n")
    write(
        tmp_path / "blocks.py",
        "from keras import layers\n\n"
        "def block(x, activation):\n"
        "    x = layers.Conv2D(8, 3)(x)\n"
        "    return layers.Activation(activation)(x)\n\n"
        "def head(x):\n"
        "    return layers.Dense(4, activation='relu')(x)\n",
    )
    write(tmp_path / "model.py", "from blocks import block\n\ny = block(1, 'relu')\n")
    monkeypatch.chdir(tmp_path)
    files = ["--format", "json", "--no-cache", "--jobs", "1", "blocks.py", "model.py"]
    assert main(files) == 1
    judged = json.loads(capsys.readouterr().out)
    assert [f["line"] for f in judged] == [4, 8]  # the call site decides the Conv2D

    def too_deep(self, chosen, **kwargs):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(project._Judgement, "views", too_deep)
    assert main(files) == 1
    alone = capsys.readouterr().out
    assert main(["--no-project", *files]) == 1
    assert alone == capsys.readouterr().out
    assert [f["line"] for f in json.loads(alone)] == [8]
