"""``--fix`` on the labelled multi-module projects, judged by the models they build.

For each project with fixable findings: a copy is fixed with the CLI, then

* re-linted, it reports exactly the findings left unfixed (the ``nofix`` ones), at their lines
  in the fixed text, and nothing new;
* its models (every ``build()``/``main()`` and script, see project_probe.py) are built in one
  subprocess per version, original and fixed, and compared layer by layer: the only changes
  allowed are a He/Kaiming kernel initializer (and zeros bias, KAI003) on a layer a fixable
  finding named; every changed layer's kernel std is within 10% of gain/sqrt(fan);
* fixed a second time, it does not change.
"""

from __future__ import annotations

import difflib
import json
import math
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.fix_differential.harness import bad_change, env, inside, is_he, is_zeros, layer_changes

from .corpus import load, project_names

REPO = Path(__file__).resolve().parents[2]
PROBE = Path(__file__).resolve().parent / "project_probe.py"

pytestmark = pytest.mark.slow

FIXABLE = [
    name
    for name in project_names()
    if any(e.fixable and not e.pending for e in load(name).expectations)
]


def _env(cache: Path) -> dict[str, str]:
    return {**env(), "KAIMING_LINT_CACHE_DIR": str(cache), "PYTHONDONTWRITEBYTECODE": "1"}


def _cli(root: Path, cache: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kaiming_lint", "--no-cache", *args],
        cwd=root,
        capture_output=True,
        text=True,
        env=_env(cache),
        check=False,
    )


def _findings(root: Path, cache: Path) -> list[dict[str, Any]]:
    result = _cli(root, cache, "--format", "json", "--exit-zero", ".")
    assert result.returncode == 0, result.stderr[-3000:]
    findings = json.loads(result.stdout)
    for finding in findings:
        finding["path"] = Path(os.path.normpath(finding["path"])).as_posix()
    return findings


def _texts(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.suffix in (".py", ".ipynb", ".toml")
    }


def _line_map(before: str, after: str) -> dict[int, int]:
    """Old line -> new line, for lines kept or rewritten one for one."""
    mapping = {}
    old, new = before.splitlines(), after.splitlines()
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(
        None, old, new, autojunk=False
    ).get_opcodes():
        if tag == "equal" or (tag == "replace" and i2 - i1 == j2 - j1):
            mapping.update(
                {i + 1: j + 1 for i, j in zip(range(i1, i2), range(j1, j2), strict=True)}
            )
    return mapping


def _probe(root: Path, work: Path) -> dict[str, Any]:
    out = work / f"{root.name}-probe.json"
    result = subprocess.run(
        [sys.executable, str(PROBE), str(root), str(out)],
        capture_output=True,
        text=True,
        env=_env(work / "cache"),
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(out.read_text(encoding="utf-8"))


def _expected_std(config: Any, shape: list[int]) -> float:
    """gain / sqrt(fan) for a He/Kaiming initializer config and a kernel shape."""
    receptive = math.prod(shape[:-2]) if len(shape) > 2 else 1
    fan_in, fan_out = receptive * shape[-2], receptive * shape[-1]
    inner = config.get("config", {}) if isinstance(config, dict) else {}
    mode = inner.get("mode", "fan_in")
    fan = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[mode]
    slope = float(inner.get("negative_slope", inner.get("a", 0.0)) or 0.0)
    if inner.get("nonlinearity", "relu") != "leaky_relu":
        slope = 0.0
    return math.sqrt(2.0 / (1.0 + slope**2) / fan)


@pytest.fixture(scope="module")
def work(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("project_fixes")


@pytest.mark.parametrize("name", FIXABLE)
def test_fix_builds_the_same_model_with_kaiming_kernels(name: str, work: Path) -> None:
    project = load(name)
    base = work / name
    original, fixed, second = base / "original", base / "fixed", base / "second"
    cache = base / "cache"
    shutil.copytree(project.root, original)
    shutil.copytree(project.root, fixed)
    before = _findings(original, cache)
    fixable = [f for f in before if f["fixable"]]
    assert fixable, f"{name}: the corpus marks fixable findings but none is reported fixable"

    fix = _cli(fixed, cache, "--fix", "--exit-zero", ".")
    assert fix.returncode == 0, fix.stderr[-3000:]
    old_texts, new_texts = _texts(original), _texts(fixed)
    changed_files = sorted(p for p in old_texts if old_texts[p] != new_texts.get(p))
    assert set(changed_files) >= {f["path"] for f in fixable}, (
        "a fixable finding's file is unchanged"
    )

    # 1. The re-lint: exactly the unfixed findings, moved with their lines, and nothing new.
    after = _findings(fixed, cache)
    maps = {p: _line_map(old_texts[p], new_texts[p]) for p in old_texts if p.endswith(".py")}
    kept = sorted(
        (f["path"], maps.get(f["path"], {}).get(f["line"], -f["line"]), f["code"])
        for f in before
        if not f["fixable"]
    )
    assert sorted((f["path"], f["line"], f["code"]) for f in after) == kept, (
        f"{name}: findings after --fix (left) differ from the unfixed ones (right)\n"
        + json.dumps(
            [f"{f['path']}:{f['line']} {f['code']} {f['message']}" for f in after], indent=1
        )
    )

    # 3. A second --fix changes nothing.
    shutil.copytree(fixed, second)
    again = _cli(second, cache, "--fix", "--exit-zero", ".")
    assert again.returncode == 0, again.stderr[-3000:]
    assert _texts(second) == new_texts, f"{name}: a second --fix changed the project"

    # 2. The models: the same layers, only the reported ones Kaiming now.
    old_builds, new_builds = _probe(original, base), _probe(fixed, base)
    assert list(old_builds) == list(new_builds)
    problems: list[str] = []
    not_building: list[str] = []
    reached: set[int] = set()
    checked = 0
    for label, old in old_builds.items():
        new = new_builds[label]
        if old["error"] is not None:
            not_building.append(f"{label}: {old['error'].splitlines()[0]}")
            if new["error"] != old["error"]:
                problems.append(
                    f"{label}: the original raises {old['error']!r}, the fixed {new['error']!r}"
                )
        elif new["error"] is not None:
            problems.append(
                f"{label}: the fixed project raises {new['error']}\n{new.get('traceback')}"
            )
            continue
        old_layers, new_layers = old["layers"], new["layers"]
        if [(x["class"], x["name"]) for x in old_layers] != [
            (x["class"], x["name"]) for x in new_layers
        ]:
            problems.append(f"{label}: the fixed project builds other layers")
            continue
        for layer, fixed_layer in zip(old_layers, new_layers, strict=True):
            checked += 1
            changes = layer_changes(layer, fixed_layer)
            where = (
                f"{label}: {layer['name']} ({layer['class']}, {layer['site'] and layer['site'][0]})"
            )
            site = None if layer["site"] is None else layer["site"][1:]
            # The layer's site is in the original's text, as the findings before the fix are.
            named = [
                i
                for i, f in enumerate(fixable)
                if layer["site"] and f["path"] == layer["site"][0] and inside(f, site)
            ]
            if not changes:
                if named:
                    problems.append(
                        f"{where}: a fixable finding names it, but the fix left it as it was"
                    )
                continue
            if not named:
                problems.append(f"{where} changed but no fixable finding names it: {changes}")
                continue
            reached.update(named)
            reason = bad_change(layer, changes, fixed_layer["config"])
            if reason:
                problems.append(f"{where}: {reason}")
            codes = {fixable[i]["code"] for i in named}
            if "bias_initializer" in changes and "KAI003" not in codes:
                problems.append(f"{where}: bias_initializer changed without a KAI003 finding")
            if "bias_initializer" in changes and not is_zeros(changes["bias_initializer"][1]):
                problems.append(
                    f"{where}: bias_initializer became {changes['bias_initializer'][1]!r}"
                )
            kernel = fixed_layer["config"].get("kernel_initializer")
            if "kernel_initializer" in changes:
                if not is_he(kernel):
                    problems.append(f"{where}: kernel_initializer became {kernel!r}")
                elif fixed_layer["kernel_std"] is not None:
                    want = _expected_std(kernel, fixed_layer["kernel_shape"])
                    got, pooled = fixed_layer["kernel_std"], fixed_layer["pooled_std"]
                    size = math.prod(fixed_layer["kernel_shape"])
                    # The built kernel itself: within 10%, or within 4 standard errors of a
                    # std estimated from `size` values when that is wider (small kernels).
                    slack = max(0.1, 4 / math.sqrt(2 * size))
                    if abs(got - want) > slack * want or abs(pooled - want) > 0.1 * want:
                        problems.append(
                            f"{where}: kernel std {got:.4f} ({size} values; {pooled:.4f} "
                            f"pooled with more draws), want {want:.4f} +-10%"
                        )
    assert not problems, f"{name}:\n" + "\n".join(problems)
    if not_building and len(not_building) == len(old_builds):
        pytest.skip(
            f"{name}: the original does not build ({'; '.join(not_building)}); "
            f"the {checked} layers made before the error compared clean"
        )
