"""Real code: the installed ``keras/src/applications``, labelled by hand layer by layer.

``keras_applications_expected.json`` lists every kernel layer kaiming-lint finds there today
(``found_today``) and every one it leaves unknown (``unknown_today``), with what an exact
project-wide analysis decides for it and why. Today's findings must stay exactly these; the
layers that stay unknown or are decided "none" must never be reported; the two DenseNet layers
that project-wide analysis decides (normalized, reported with ``strict-normalized`` once
``public-api = "closed"`` says that keras.src has no outside callers) are found, naming the calls
their output goes on at.
"""

from __future__ import annotations

import atexit
import importlib.metadata
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
from functools import cache
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
LABELS = json.loads(
    (Path(__file__).resolve().parent / "keras_applications_expected.json").read_text("utf-8")
)
NEW_FINDINGS = [entry for entry in LABELS["unknown_today"] if entry["finding"]]
ISSUE_11 = (
    "not decided yet (README, 'Not followed'): a project Layer class's call method, a function"
    " only keras.src holds, and the reason when calls pass a known and an unknown value"
)

pytestmark = pytest.mark.slow


def applications_dir() -> Path:
    spec = importlib.util.find_spec("keras")
    assert spec is not None and spec.submodule_search_locations, "keras is not installed"
    return Path(next(iter(spec.submodule_search_locations))) / "src" / "applications"


def sources() -> list[str]:
    return sorted(p.name for p in applications_dir().glob("*.py") if not p.stem.endswith("_test"))


_CONFIGS = Path(tempfile.mkdtemp(prefix="kaiming-lint-keras-apps-"))
atexit.register(shutil.rmtree, _CONFIGS, ignore_errors=True)


@cache
def run(settings: tuple[tuple[str, object], ...] = (), *extra: str) -> tuple[dict, ...]:
    """kaiming-lint (JSON) on the installed tree itself, with ``[tool.kaiming-lint]`` settings."""
    args = ["--format", "json", "--exit-zero", *extra]
    if settings:
        config = _CONFIGS / f"{len(list(_CONFIGS.iterdir()))}.toml"
        lines = ["[tool.kaiming-lint]"] + [
            f"{key} = {json.dumps(value)}" for key, value in settings
        ]
        config.write_text("\n".join(lines) + "\n", encoding="utf-8")
        args += ["--config", str(config)]
    pythonpath = [str(REPO), os.environ.get("PYTHONPATH", "")]
    result = subprocess.run(
        [sys.executable, "-m", "kaiming_lint", *args, *sources()],
        cwd=applications_dir(),
        capture_output=True,
        text=True,
        env={
            **os.environ,
            "PYTHONPATH": os.pathsep.join(filter(None, pythonpath)),
            # Never write a cache (issue 11) into the installed package.
            "KAIMING_LINT_CACHE_DIR": str(_CONFIGS / "cache"),
        },
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return tuple(json.loads(result.stdout))


def lint(settings: tuple[tuple[str, object], ...] = ()) -> tuple[dict, ...]:
    return run(settings)


def keys(findings) -> set[tuple[str, int, str]]:
    return {(f["path"], f["line"], f["code"]) for f in findings}


def test_labels_are_for_the_installed_keras():
    assert importlib.metadata.version("keras") == LABELS["keras_version"], (
        "keras_applications_expected.json was labelled on another Keras release; relabel it"
    )
    lines = {
        name: (applications_dir() / name).read_text(encoding="utf-8").splitlines()
        for name in sources()
    }
    for entry in [*LABELS["found_today"], *LABELS["unknown_today"]]:
        text = lines[entry["path"]][entry["line"] - 1]
        assert "Conv" in text or "Dense" in text, entry
    verdicts = {entry["project_wide"] for entry in LABELS["unknown_today"]}
    assert verdicts <= set(LABELS["verdicts"])


def test_findings_today_are_exactly_the_labelled_ones():
    """Every finding on the real tree is one labelled right by hand, and each is found."""
    expected = {(e["path"], e["line"], e["code"]) for e in LABELS["found_today"]}
    assert keys(lint()) == expected


@pytest.mark.parametrize("strict", [False, True], ids=["default", "strict-normalized"])
def test_layers_left_unknown_are_never_reported_for_the_installed_library(strict):
    """The installed tree is a library: its open functions' layers stay silent, strict or not."""
    settings = (("strict-normalized", True),) if strict else ()
    reported = {(f["path"], f["line"]) for f in lint(settings)}
    silent = {(e["path"], e["line"]) for e in LABELS["unknown_today"]}
    assert not reported & silent


@pytest.mark.parametrize(
    "entry", NEW_FINDINGS, ids=[f"{e['path']}:{e['line']}" for e in NEW_FINDINGS]
)
def test_project_wide_analysis_finds_the_labelled_layer(entry):
    finding = entry["finding"]
    settings = tuple(sorted(finding["settings"].items()))
    found = [
        f
        for f in lint(settings)
        if (f["path"], f["line"], f["code"]) == (entry["path"], entry["line"], finding["code"])
    ]
    assert len(found) == 1, found
    related = [f"{r['path']}:{r['line']}" for r in found[0].get("related", [])]
    assert related == finding["related"]
    assert finding["related"][0] in found[0]["message"]


def test_closing_the_public_api_adds_exactly_the_labelled_findings():
    """With keras.src declared private, the new findings are the labelled ones and no others."""
    settings = tuple(sorted(NEW_FINDINGS[0]["finding"]["settings"].items()))
    open_run = keys(lint((("strict-normalized", True),)))
    closed_run = keys(lint(settings))
    new = {(e["path"], e["line"], e["finding"]["code"]) for e in NEW_FINDINGS}
    assert closed_run == open_run | new


@pytest.mark.xfail(strict=True, reason=ISSUE_11)
def test_unknown_layers_are_listed_with_the_labelled_reasons():
    settings = tuple(sorted(NEW_FINDINGS[0]["finding"]["settings"].items()))
    findings = run(settings, "--show-unknown")
    listed = {(f["path"], f["line"]): f.get("reason") for f in findings if f.get("code") is None}
    for entry in LABELS["unknown_today"]:
        where = (entry["path"], entry["line"])
        if entry["project_wide"] == "unknown":
            assert listed.get(where) == entry["reason"], entry
        elif entry["project_wide"] in ("none", "normalized"):
            assert where not in listed, entry
