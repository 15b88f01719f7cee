"""The output side of project-wide analysis (issue 11): related locations, withheld fixes,
undecided layers (``--show-unknown``), reasons in ``--statistics``, and the new settings.

The findings and layers here are built by hand, the way the pipeline hands them over, and go
through the sources, the reporters and the command line as a user runs them.
"""

from __future__ import annotations

import json
import os
from dataclasses import replace

import jsonschema
import pytest

from kaiming_lint import pipeline, runner
from kaiming_lint.cli import build_parser, run_settings
from kaiming_lint.config import ConfigError, load_config
from kaiming_lint.document_settings import options_from
from kaiming_lint.report import github, render
from kaiming_lint.report.sarif import linked_message
from kaiming_lint.results import (
    FileResult,
    Finding,
    LintOptions,
    PublicApi,
    Related,
    UnknownLayer,
    UnknownReason,
)
from kaiming_lint.sources.notebook import lint_notebook
from kaiming_lint.sources.python import lint_bytes

from .lint_helpers import MODEL
from .test_formats import FINDING_SCHEMA, sarif_schema

CALLS = (
    Related("app/model.py", 13, 5, "call of conv_block"),
    Related("app/model.py", 14, 5, "call of conv_block"),
)
MESSAGE = (
    "Conv2D feeds relu (activation from the 2 calls at app/model.py:13, app/model.py:14) "
    "but keeps the default GlorotUniform kernel initializer; use KaimingNormal()"
)
WITHHELD = "the kernel initializer comes from the calls at app/model.py:13; change it there"


def finding(line: int, **changes) -> Finding:
    base = Finding("app/blocks.py", line, 9, line, 40, "KAI001", "relu-default-init", MESSAGE, True)
    return replace(base, **changes)


def unknown(path: str, line: int, reason=UnknownReason.CALL_SITES_DISAGREE, **changes):
    message = f"Conv2D: {reason} (app/train.py:13 passes 'relu', app/train.py:14 'tanh')"
    layer = UnknownLayer(path, line, 5, line, 30, "Conv2D", reason, message)
    return replace(layer, **changes)


def project_results() -> list[FileResult]:
    blocks = FileResult(
        "app/blocks.py",
        findings=[
            finding(4, related=CALLS),
            finding(9, fixable=False, fix_withheld=WITHHELD, related=CALLS[:1]),
        ],
        unknown=3,
        unknowns=[
            unknown("app/blocks.py", 12),
            unknown("app/blocks.py", 2, UnknownReason.PARAMETER_FROM_OUTSIDE),
        ],
        reasons={"call-sites-disagree": 1, "parameter-from-outside": 2},
    )
    train = FileResult(
        "app/train.py",
        unknown=1,
        unknowns=[unknown("app/train.py", 7, UnknownReason.UNKNOWN_ARGUMENT)],
        reasons={"unknown-argument": 1},
    )
    return [blocks, train]


# --- JSON -------------------------------------------------------------------------------------


def test_json_findings_carry_their_related_locations_and_the_withheld_reason():
    items = json.loads(render("json", project_results()))
    assert [item["code"] for item in items] == ["KAI001", "KAI001"]  # no unknowns by default
    for item in items:
        jsonschema.validate(item, FINDING_SCHEMA)
    first, second = items
    assert first["related"] == [
        {"path": "app/model.py", "line": 13, "column": 5, "message": "call of conv_block"},
        {"path": "app/model.py", "line": 14, "column": 5, "message": "call of conv_block"},
    ]
    assert (first["fixable"], first["fix_withheld"]) == (True, None)
    assert (second["fixable"], second["fix_withheld"]) == (False, WITHHELD)
    assert [r["line"] for r in second["related"]] == [13]


def test_json_show_unknown_adds_one_object_per_layer_in_path_and_line_order():
    items = json.loads(render("json", project_results(), show_unknown=True))
    order = [(item["path"], item["line"], item["code"]) for item in items]
    assert order == [
        ("app/blocks.py", 2, None),
        ("app/blocks.py", 4, "KAI001"),
        ("app/blocks.py", 9, "KAI001"),
        ("app/blocks.py", 12, None),
        ("app/train.py", 7, None),
    ]
    layer = items[0]
    assert layer == {
        "path": "app/blocks.py",
        "line": 2,
        "column": 5,
        "end_line": 2,
        "end_column": 30,
        "code": None,
        "name": "unknown",
        "reason": "parameter-from-outside",
        "message": (
            "Conv2D: parameter-from-outside (app/train.py:13 passes 'relu', app/train.py:14 'tanh')"
        ),
        "related": [],
        "fixable": False,
    }
    assert items[4]["reason"] == "unknown-argument"


def test_json_unknown_objects_keep_their_related_locations():
    results = [FileResult("a.py", unknowns=[unknown("a.py", 3, related=CALLS)])]
    (item,) = json.loads(render("json", results, show_unknown=True))
    assert [(r["path"], r["line"]) for r in item["related"]] == [
        ("app/model.py", 13),
        ("app/model.py", 14),
    ]


# --- SARIF ------------------------------------------------------------------------------------


def test_sarif_related_locations_are_valid_and_linked_from_the_message():
    document = json.loads(render("sarif", project_results()))
    jsonschema.validate(document, sarif_schema())
    results = document["runs"][0]["results"]
    assert len(results) == 2  # the undecided layers are not results
    first = results[0]
    assert first["relatedLocations"] == [
        {
            "id": number,
            "physicalLocation": {
                "artifactLocation": {"uri": "app/model.py", "uriBaseId": "%SRCROOT%"},
                "region": {"startLine": line, "startColumn": 5},
            },
            "message": {"text": "call of conv_block"},
        }
        for number, line in ((1, 13), (2, 14))
    ]
    assert first["message"]["text"] == (
        "Conv2D feeds relu (activation from the 2 calls at [app/model.py:13](1), "
        "[app/model.py:14](2)) but keeps the default GlorotUniform kernel initializer; "
        "use KaimingNormal()"
    )
    # Only the call it has is linked; the other stays text.
    assert "[app/model.py:13](1), app/model.py:14)" in results[1]["message"]["text"]


def test_sarif_without_related_locations_is_unchanged(cli, write):
    write("model.py", MODEL)
    results = json.loads(cli("--format", "sarif", "model.py").out)["runs"][0]["results"]
    assert results and all("relatedLocations" not in result for result in results)
    plain = json.loads(cli("--format", "json", "model.py").out)
    assert [r["message"]["text"] for r in results] == [item["message"] for item in plain]


def test_sarif_links_whole_locations_only_and_escapes_other_brackets():
    related = (Related("a.py", 1, 1, "call of f"),)
    message = "f[0] from the call at a.py:1, not a.py:13 nor lib/a.py:1"
    assert linked_message(message, related) == (
        "f\\[0\\] from the call at [a.py:1](1), not a.py:13 nor lib/a.py:1"
    )
    # A notebook call is named by cell and line, as text output names it.
    in_notebook = (Related("nb/explore.ipynb", 40, 9, "call of block", cell=3, cell_line=2),)
    assert linked_message("from the call at nb/explore.ipynb:cell 3:2", in_notebook) == (
        "from the call at [nb/explore.ipynb:cell 3:2](1)"
    )
    assert linked_message("no related [x]", ()) == "no related [x]"


# --- text and github --------------------------------------------------------------------------


def test_text_show_unknown_lists_each_layer_after_its_files_findings():
    lines = render("text", project_results(), show_unknown=True).splitlines()
    assert lines[:5] == [
        f"app/blocks.py:4:9: KAI001 {MESSAGE} [*]",
        f"app/blocks.py:9:9: KAI001 {MESSAGE}",
        "app/blocks.py:2:5: unknown Conv2D: parameter-from-outside "
        "(app/train.py:13 passes 'relu', app/train.py:14 'tanh')",
        "app/blocks.py:12:5: unknown Conv2D: call-sites-disagree "
        "(app/train.py:13 passes 'relu', app/train.py:14 'tanh')",
        "app/train.py:7:5: unknown Conv2D: unknown-argument "
        "(app/train.py:13 passes 'relu', app/train.py:14 'tanh')",
    ]
    assert lines[5] == "Found 2 findings (1 fixable)."
    assert not any("unknown" in line for line in render("text", project_results()).splitlines())


def test_text_names_an_unknown_layer_in_a_notebook_by_cell():
    layer = unknown("nb.ipynb", 40, cell=3, cell_line=2, cell_column=5)
    text = render("text", [FileResult("nb.ipynb", unknowns=[layer])], show_unknown=True)
    assert text.splitlines() == [
        "nb.ipynb:cell 3:2:5: unknown Conv2D: call-sites-disagree "
        "(app/train.py:13 passes 'relu', app/train.py:14 'tanh')",
        "All checks passed.",  # an undecided layer is not a finding
    ]


def test_statistics_count_unknown_layers_per_reason():
    results = project_results()
    results[1].reasons = {"unknown-argument": 1, "call-sites-disagree": 1}
    lines = render("text", results, statistics=True).splitlines()
    assert lines[-5:] == [
        "2\tKAI001\trelu-default-init [1 fixable]",
        "2\tunknown\tcall-sites-disagree",  # most first, then by name
        "2\tunknown\tparameter-from-outside",
        "1\tunknown\tunknown-argument",
        "4 kernel layers with unknown pairing (not checked)",
    ]


def test_github_shows_the_message_alone():
    lines = render("github", project_results(), show_unknown=True).splitlines()
    assert lines == [github.render([f]).rstrip("\n") for f in project_results()[0].findings]
    assert all("title=KAI001::Conv2D feeds relu" in line for line in lines)


# --- the sources carry the new fields ---------------------------------------------------------


def with_unknowns(monkeypatch, line: int = 1, column: int = 1):
    """Make the pipeline report one undecided layer at (line, column) of the text it checks."""
    check = pipeline.check

    def checking(document, options):
        outcome = check(document, options)
        layers = (unknown(document.name, line, column=column, end_line=line, end_column=9),)
        return replace(
            outcome,
            unknowns=layers if options.list_unknown else (),
            reasons={"call-sites-disagree": 1},
        )

    monkeypatch.setattr(pipeline, "check", checking)


def test_python_source_keeps_unknown_layers_and_reasons(monkeypatch):
    with_unknowns(monkeypatch, line=8)
    result = lint_bytes(MODEL.encode(), "model.py", LintOptions(list_unknown=True))
    assert [(u.line, u.reason) for u in result.unknowns] == [(8, "call-sites-disagree")]
    assert result.reasons == {"call-sites-disagree": 1}
    assert lint_bytes(MODEL.encode(), "model.py", LintOptions()).unknowns == []


def test_python_source_keeps_them_when_the_fix_cannot_be_encoded(monkeypatch):
    with_unknowns(monkeypatch, line=8)
    fix = pipeline.fix

    def fixing(document, options, only=None):
        return replace(fix(document, options, only), fixed_text=document.text + "é = 1\n")

    monkeypatch.setattr(pipeline, "fix", fixing)
    data = b"# -*- coding: ascii -*-\n" + MODEL.encode()
    result = lint_bytes(data, "model.py", LintOptions(fix=True, list_unknown=True))
    assert result.fixed is None  # the file stays as it was, reported as checked
    assert [u.line for u in result.unknowns] == [8]
    assert result.reasons == {"call-sites-disagree": 1}


def test_notebook_places_unknown_layers_like_findings(monkeypatch):
    def cell(kind: str, source: str) -> dict:
        return {"cell_type": kind, "metadata": {}, "source": source.splitlines(keepends=True)}

    cells = [
        cell("code", "%matplotlib inline\nimport keras\nfrom keras import layers"),
        cell("markdown", "# a model"),
        cell("code", 'x = 1\nconv = layers.Conv2D(8, 3, activation="relu")\n'),
    ]
    data = json.dumps({"cells": cells, "metadata": {}, "nbformat": 4}, indent=1).encode()
    (found,) = lint_notebook(data, "nb.ipynb", LintOptions()).findings
    # The Conv2D's place in the notebook's Python text: where the pipeline puts the layer.
    python_line = next(
        number
        for number, text in enumerate(pipeline_text(data).splitlines(), start=1)
        if "Conv2D" in text
    )
    with_unknowns(monkeypatch, line=python_line, column=found.cell_column)
    result = lint_notebook(data, "nb.ipynb", LintOptions(list_unknown=True))
    (layer,) = result.unknowns
    assert (layer.line, layer.column) == (found.line, found.column)
    assert (layer.cell, layer.cell_line, layer.cell_column) == (3, 2, found.cell_column)
    assert result.reasons == {"call-sites-disagree": 1}
    text = render("text", [result], show_unknown=True)
    assert f"nb.ipynb:cell 3:2:{found.cell_column}: unknown Conv2D" in text


def pipeline_text(data: bytes) -> str:
    from kaiming_lint.sources.notebook import notebook_to_python

    return notebook_to_python(data).python


# --- the command line -------------------------------------------------------------------------


def test_help_text_names_show_unknown_and_no_cache(capsys):
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "--show-unknown also list each kernel layer left undecided" in out
    assert "--no-cache neither read nor write the module summaries" in out


def test_no_cache_and_project_root_reach_the_run_settings(write, tmp_path):
    write("pyproject.toml", '[tool.kaiming-lint]\nproject-root = "src"\n')
    (tmp_path / "src").mkdir()
    config = load_config(start=str(tmp_path))
    settings = run_settings(build_parser().parse_args(["--no-cache", "a.py", "-"]), config)
    assert settings.no_cache is True
    assert settings.project_root == str(tmp_path / "src")
    assert settings.paths == ("a.py",)
    default = run_settings(build_parser().parse_args([]), load_config(start=str(tmp_path)))
    assert (default.no_cache, default.paths) == (False, (".",))


def test_show_unknown_lists_layers_and_never_changes_the_exit_status(cli, write, monkeypatch):
    write("clean.py", "from keras import layers\n\nconv = layers.Conv2D(8, 3)\n")
    with_unknowns(monkeypatch, line=3, column=8)
    run = cli("--show-unknown", "clean.py")
    assert run.code == 0
    assert run.out.splitlines() == [
        "clean.py:3:8: unknown Conv2D: call-sites-disagree "
        "(app/train.py:13 passes 'relu', app/train.py:14 'tanh')",
        "All checks passed.",
    ]
    items = json.loads(cli("--show-unknown", "--format", "json", "clean.py").out)
    assert [(item["code"], item["reason"]) for item in items] == [(None, "call-sites-disagree")]
    assert json.loads(cli("--format", "json", "clean.py").out) == []
    sarif = json.loads(cli("--show-unknown", "--format", "sarif", "clean.py").out)
    assert sarif["runs"][0]["results"] == []
    statistics = cli("--statistics", "clean.py").out
    assert "1\tunknown\tcall-sites-disagree" in statistics.splitlines()


def test_public_api_from_the_configuration_reaches_the_options(cli, write, monkeypatch):
    seen: list[LintOptions] = []
    lint_files = runner.lint_files

    def recording(files, options, jobs=None):
        seen.append(options)
        return lint_files(files, options, jobs=jobs)

    monkeypatch.setattr(runner, "lint_files", recording)
    write("model.py", MODEL)
    cli("model.py")
    write("pyproject.toml", '[tool.kaiming-lint]\npublic-api = "closed"\n')
    cli("--show-unknown", "model.py")
    assert [(o.public_api, o.list_unknown) for o in seen] == [
        (PublicApi.AUTO, False),
        (PublicApi.CLOSED, True),
    ]


# --- configuration ----------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["auto", "open", "closed"])
def test_public_api_values(tmp_path, value):
    (tmp_path / "pyproject.toml").write_text(f'[tool.kaiming-lint]\npublic-api = "{value}"\n')
    config = load_config(start=str(tmp_path))
    assert config.public_api is PublicApi(value)
    assert options_from(config).public_api is PublicApi(value)  # the language server's too


def test_project_root_is_relative_to_the_configuration_file(tmp_path):
    (tmp_path / "settings").mkdir()
    (tmp_path / "code").mkdir()
    (tmp_path / "settings" / "lint.toml").write_text(
        '[tool.kaiming-lint]\nproject-root = "../code"\n'
    )
    config = load_config(str(tmp_path / "settings" / "lint.toml"))
    assert config.project_root == str(tmp_path / "code")
    assert os.path.isabs(config.project_root)
    assert load_config(start=str(tmp_path)).project_root is None


@pytest.mark.parametrize(
    ("table", "named"),
    [
        ('public-api = "private"', "public-api"),
        ("public-api = true", "public-api"),
        ('project-root = "missing"', "project-root"),
        ('project-root = "model.py"', "not a directory"),
        ("project-root = 3", "project-root"),
    ],
)
def test_bad_project_settings_are_one_line_naming_the_key(cli, write, table, named):
    write("pyproject.toml", f"[tool.kaiming-lint]\n{table}\n")
    write("model.py", MODEL)
    run = cli("model.py")
    assert run.code == 2
    assert len(run.err.strip().splitlines()) == 1
    assert named in run.err and "pyproject.toml" in run.err
    with pytest.raises(ConfigError):
        load_config(start=".")


def test_a_project_that_cannot_be_indexed_is_checked_file_by_file(tmp_path, monkeypatch, capsys):
    """An unreadable project (here: indexing raises OSError) still gets each file checked alone."""
    from kaiming_lint import cli, project

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied", str(tmp_path))

    monkeypatch.setattr(project, "build_view", refuse)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "model.py").write_text(
        'from keras import layers\n\nlayer = layers.Dense(8, activation="relu")\n',
        encoding="utf-8",
    )
    assert cli.main(["--jobs", "1", "model.py"]) == 1
    out, err = capsys.readouterr()
    assert "model.py:3:9: KAI001" in out
    assert err.count("\n") == 1 and "project-wide analysis skipped (PermissionError" in err
