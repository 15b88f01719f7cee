"""kaiming-lint on the labelled multi-module projects: exactly the marked findings, nothing else.

Precision: nothing unmarked is ever reported. Recall: every marked finding is reported, with its
related locations (the call sites or definitions that decided it) in the JSON and named in the
message, fixable or not as marked; every silent layer is listed by ``--show-unknown`` with its
reason; and linting one changed file gives that file's findings of the whole-project run.
"""

from __future__ import annotations

import atexit
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from functools import cache
from pathlib import Path

import pytest

from kaiming_lint import knowledge

from .corpus import (
    UNKNOWN_REASONS,
    Expectation,
    all_expectations,
    enclosing_definition,
    load,
    project_names,
)

REPO = Path(__file__).resolve().parents[2]
PROJECTS = project_names()
CACHE_DIR = tempfile.mkdtemp(prefix="kaiming-lint-cache-")
atexit.register(shutil.rmtree, CACHE_DIR, ignore_errors=True)

pytestmark = pytest.mark.slow


def run_cli(project: str, *args: str) -> subprocess.CompletedProcess:
    """``python -m kaiming_lint ARGS`` in the project's root, with this checkout importable."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
        # Keep the project-wide cache (issue 11) out of the checkout's corpus.
        "KAIMING_LINT_CACHE_DIR": CACHE_DIR,
    }
    return subprocess.run(
        [sys.executable, "-m", "kaiming_lint", *args],
        cwd=load(project).root,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


def json_findings(project: str, *paths: str) -> list[dict]:
    result = run_cli(project, "--format", "json", "--exit-zero", *(paths or (".",)))
    assert result.returncode == 0, result.stderr
    findings = json.loads(result.stdout)
    for finding in findings:
        finding["path"] = Path(os.path.normpath(finding["path"])).as_posix()
    return findings


@cache
def project_findings(project: str) -> tuple[dict, ...]:
    return tuple(json_findings(project))


def keys(findings) -> set[tuple[str, int, str]]:
    return {(f["path"], f["line"], f["code"]) for f in findings}


PENDING = "not followed yet: a layer returned to callers in another module (README)"


def _pending(when: bool) -> list:
    return [pytest.mark.xfail(strict=True, reason=PENDING)] if when else []


def expectation_param(expectation: Expectation):
    return pytest.param(expectation, id=str(expectation), marks=_pending(expectation.pending))


# --- the corpus itself -----------------------------------------------------------------------

_KERNEL_CALL = re.compile(
    r"\b(?:" + "|".join(sorted({*knowledge.KERNEL_LAYERS, *knowledge.LAYER_ALIASES})) + r")\("
)


@pytest.mark.parametrize("name", PROJECTS)
def test_corpus_markers_point_at_real_code(name):
    """Each marker sits on a kernel-layer line, and each ``via`` names a call or a definition."""
    project = load(name)
    assert project.expectations or project.unknown, f"{name}: no markers"
    marked = [*project.expectations, *project.unknown]
    for item in marked:
        source = (project.root / item.path).read_text(encoding="utf-8")
        line = source.splitlines()[item.line - 1]
        kernel = _KERNEL_CALL.search(line)
        shared = re.search(r"_initializer=\w+\)", line)
        assert kernel or shared, f"{name}/{item.path}:{item.line} is not a kernel-layer line"
    for silent in project.unknown:
        assert silent.reason in UNKNOWN_REASONS, f"{name}/{silent.path}:{silent.line}"
    sources = "\n".join((project.root / f).read_text(encoding="utf-8") for f in project.files)
    for expectation in project.expectations:
        holder = enclosing_definition(
            (project.root / expectation.path).read_text(encoding="utf-8"), expectation.line
        )
        for location in expectation.related:
            target = project.root / location.path
            assert target.is_file(), f"{expectation}: no file {location.path}"
            text = target.read_text(encoding="utf-8")
            line = text.splitlines()[location.line - 1].strip()
            aliases = re.findall(rf"\bimport {holder} as (\w+)", sources) if holder else []
            names = [n for n in (holder, *aliases) if n]
            is_call = (
                any(re.search(rf"\b{n}\(", line) for n in names) or "super().__init__(" in line
            )
            is_definition = re.match(r"^[A-Z_][A-Z0-9_]* = ", line) is not None
            assert is_call or is_definition, f"{expectation}: {location} is {line!r}"


def test_corpus_covers_every_form():
    """The corpus spans the forms the issue lists, with both kinds of expectation."""
    expectations = all_expectations()
    assert {name for name in PROJECTS} >= {
        "agree", "disagree", "defaults", "forwarding", "escapes", "cycles", "reexports",
        "keras_reexport", "shadowing", "classes", "library", "imports", "call_site_values",
        "notebook_callers",
    }  # fmt: skip
    assert sum(not e.project_wide for e in expectations) >= 4
    assert sum(e.project_wide for e in expectations) >= 30
    reasons = {s.reason for name in PROJECTS for s in load(name).unknown}
    assert {"parameter-from-outside", "call-sites-disagree", "unknown-argument"} <= reasons


# --- what holds today ------------------------------------------------------------------------


@pytest.mark.parametrize("name", PROJECTS)
def test_nothing_unmarked_is_reported(name):
    """Precision: every finding is one a marker asks for."""
    project = load(name)
    expected = {e.key for e in project.expectations}
    unexpected = sorted(keys(project_findings(name)) - expected)
    assert not unexpected, unexpected


@pytest.mark.parametrize(
    "expectation",
    [expectation_param(e) for e in all_expectations() if not e.project_wide],
)
def test_in_function_finding_is_reported(expectation):
    """Findings decided inside one function are found today, without related locations."""
    found = [
        f
        for f in project_findings(expectation.project)
        if (f["path"], f["line"], f["code"]) == expectation.key
    ]
    assert len(found) == 1, found
    assert not found[0].get("related"), found[0]


# --- what project-wide analysis adds ---------------------------------------------------------


@pytest.mark.parametrize(
    "expectation",
    [expectation_param(e) for e in all_expectations() if e.project_wide],
)
def test_project_wide_finding_is_reported(expectation):
    """Found, with the related locations as a JSON list, named in the message, fixable or not."""
    found = [
        f
        for f in project_findings(expectation.project)
        if (f["path"], f["line"], f["code"]) == expectation.key
    ]
    assert len(found) == 1, found
    finding = found[0]
    related = [(r["path"], r["line"]) for r in finding.get("related", [])]
    assert related == [(loc.path, loc.line) for loc in expectation.related]
    if expectation.related:
        first = expectation.related[0]
        name = Path(first.path).name
        # A notebook call site is named by cell and line in the message, like text output does.
        named = name if name.endswith(".ipynb") else f"{name}:{first.line}"
        assert named in finding["message"], finding["message"]
    assert finding["fixable"] is expectation.fixable, finding


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(n, id=n, marks=_pending(any(e.pending for e in load(n).expectations)))
        for n in PROJECTS
    ],
)
def test_project_findings_are_exact(name):
    project = load(name)
    assert keys(project_findings(name)) == {e.key for e in project.expectations}


def _file_params():
    for name in PROJECTS:
        project = load(name)
        for path in project.files:
            if not _KERNEL_CALL.search((project.root / path).read_text(encoding="utf-8")):
                continue  # no layer in it: nothing a caller could change
            pending = any(e.pending and e.path == path for e in project.expectations)
            yield pytest.param(name, path, id=f"{name}:{path}", marks=_pending(pending))


@pytest.mark.parametrize(("name", "path"), list(_file_params()))
def test_one_changed_file_still_sees_its_callers(name, path):
    """pre-commit passes one file: its findings are those of the whole-project run, no fewer."""
    project = load(name)
    found = keys(json_findings(name, path))
    assert found == {e.key for e in project.expectations if e.path == path}


@pytest.mark.parametrize("name", [n for n in PROJECTS if load(n).unknown])
def test_unknown_layers_are_listed_with_their_reason(name):
    """``--show-unknown`` lists each silent layer and why; ``--statistics`` counts the reasons."""
    project = load(name)
    result = run_cli(name, "--show-unknown", "--format", "json", "--exit-zero", ".")
    assert result.returncode == 0, result.stderr
    listed = {
        (Path(os.path.normpath(f["path"])).as_posix(), f["line"]): f.get("reason")
        for f in json.loads(result.stdout)
        if f.get("code") is None
    }
    for silent in project.unknown:
        assert listed.get((silent.path, silent.line)) == silent.reason, silent
    expected_lines = {(e.path, e.line) for e in project.expectations}
    assert not expected_lines & set(listed), "a reported layer is also listed as unknown"
    statistics = run_cli(name, "--statistics", "--exit-zero", ".")
    for reason in {s.reason for s in project.unknown}:
        count = sum(s.reason == reason for s in project.unknown)
        match = re.search(rf"^\s*(\d+)\s+.*\b{re.escape(reason)}\b", statistics.stdout, re.M)
        assert match and int(match.group(1)) >= count, statistics.stdout


def test_a_shared_initializer_names_its_uses_in_other_modules():
    """KAI005 across modules counts the layers of the other modules in its message."""
    messages = {
        finding["path"]: finding["message"]
        for finding in json_findings("call_site_values")
        if finding["code"] == "KAI005"
    }
    assert any(m.endswith("cs/blocks.py") for m in messages), messages
    for path, message in messages.items():
        assert "shares the kernel initializer object" in message
        assert "1 layer in other modules" in message, (path, message)
