"""Name-collision fuzzer: real model files with ``KaimingNormal`` / ``kaiming_keras`` bound at
random scopes, fixed, then imported, built and compared layer by layer.

Each injection leaves the original's models exactly as they were (checked): the name it binds is
one the file never reads. A fixer that writes ``KaimingNormal()`` where the name now means
something else either raises when the model is built, or silently keeps the old initializer;
both show. The seed and the number of variants are fixed, so every run fixes the same files.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import libcst as cst
import pytest

from . import harness

SEED = 12
VARIANTS_PER_KIND = 2

SOURCES = {
    "lint_demo": (harness.ROOT / "examples" / "lint_demo" / "model.py", ("build_model()",)),
    "vgg16": (
        harness.keras_applications() / "vgg16.py",
        ("VGG16(weights=None, include_top=False, input_shape=(32, 32, 3))",),
    ),
    "mobilenet_v3": (
        harness.keras_applications() / "mobilenet_v3.py",
        ("MobileNetV3Small(weights=None, input_shape=(32, 32, 3), classes=10)",),
    ),
}

# What the injected name is bound to: loud (None), or quietly wrong (a Glorot initializer).
VALUES = ("None", '"glorot_uniform"', 'lambda *args, **kwargs: "glorot_uniform"')


def _statements(code: str) -> list[cst.BaseStatement]:
    return list(cst.parse_module(code).body)


def _after_imports(module: cst.Module) -> int:
    position = 0
    for index, statement in enumerate(module.body):
        if isinstance(statement, cst.SimpleStatementLine) and any(
            isinstance(s, (cst.Import, cst.ImportFrom)) for s in statement.body
        ):
            position = index + 1
    return position


def _insert_module(module: cst.Module, code: str, rng: random.Random) -> cst.Module:
    """At module level: right after the imports, or at the very end."""
    body = list(module.body)
    at = rng.choice([_after_imports(module), len(body)])
    body[at:at] = _statements(code)
    return module.with_changes(body=body)


def _functions(module: cst.Module) -> list[str]:
    """The module-level functions that make layers (where a fix would write the name)."""
    return [
        s.name.value
        for s in module.body
        if isinstance(s, cst.FunctionDef) and "layers." in module.code_for_node(s)
    ]


class _IntoFunction(cst.CSTTransformer):
    """Adds a statement at the top of one module-level function, or a parameter to it."""

    def __init__(self, name: str, statement: str | None = None, parameter: str | None = None):
        self.name, self.statement, self.parameter = name, statement, parameter

    def leave_FunctionDef(self, original: cst.FunctionDef, updated: cst.FunctionDef):
        if original.name.value != self.name:
            return updated
        if self.parameter is not None:
            name, _, default = self.parameter.partition("=")
            param = cst.Param(cst.Name(name), default=cst.parse_expression(default))
            params = updated.params
            if isinstance(params.star_arg, cst.Param):
                params = params.with_changes(kwonly_params=[*params.kwonly_params, param])
            else:
                params = params.with_changes(params=[*params.params, param])
            return updated.with_changes(params=params)
        body = list(updated.body.body)
        docstring = (
            1
            if body
            and isinstance(body[0], cst.SimpleStatementLine)
            and isinstance(body[0].body[0], cst.Expr)
            and isinstance(body[0].body[0].value, cst.SimpleString)
            else 0
        )
        body[docstring:docstring] = _statements(self.statement)
        return updated.with_changes(body=updated.body.with_changes(body=body))


def _into_function(module: cst.Module, rng: random.Random, **change: str) -> cst.Module:
    return module.visit(_IntoFunction(rng.choice(_functions(module)), **change))


def module_level(module, rng):
    return _insert_module(module, f"KaimingNormal = {rng.choice(VALUES)}\n", rng)


def user_function_or_class(module, rng):
    code = rng.choice(
        [
            'def KaimingNormal(*args, **kwargs):\n    return "glorot_uniform"\n',
            "class KaimingNormal:\n    def __init__(self, depth):\n        self.depth = depth\n",
        ]
    )
    return _insert_module(module, code, rng)


def function_local(module, rng):
    return _into_function(module, rng, statement=f"KaimingNormal = {rng.choice(VALUES)}\n")


def parameter(module, rng):
    return _into_function(module, rng, parameter=f"KaimingNormal={rng.choice(VALUES)}")


def class_body(module, rng):
    code = f"class _Settings:\n    KaimingNormal = {rng.choice(VALUES)}\n"
    return _insert_module(module, code, rng)


def tuple_target(module, rng):
    statement = f"KaimingNormal, _spare = {rng.choice(VALUES)}, None\n"
    if rng.random() < 0.5:
        return _insert_module(module, statement, rng)
    return _into_function(module, rng, statement=statement)


def import_error_fallback(module, rng):
    code = (
        "try:\n    from kaiming_keras_is_not_here import KaimingNormal\n"
        f"except ImportError:\n    KaimingNormal = {rng.choice(VALUES)}\n"
    )
    return _insert_module(module, code, rng)


def global_rebinding(module, rng):
    code = (
        "def _rebind():\n    global KaimingNormal\n"
        f"    KaimingNormal = {rng.choice(VALUES)}\n\n\n_rebind()\n"
    )
    return _insert_module(module, code, rng)


def star_import_rebound(module, rng):
    code = f"from kaiming_keras import *\nKaimingNormal = {rng.choice(VALUES)}\n"
    return _insert_module(module, code, rng)


def module_name(module, rng):
    """``kaiming_keras`` imported as a module, then rebound in some scope."""
    body = list(module.body)
    at = _after_imports(module)
    body[at:at] = _statements("import kaiming_keras\n")
    module = module.with_changes(body=body)
    where = rng.choice(["module", "local", "parameter"])
    if where == "module":
        return _insert_module(module, "kaiming_keras = None\n", rng)
    if where == "local":
        return _into_function(module, rng, statement="kaiming_keras = None\n")
    return _into_function(module, rng, parameter="kaiming_keras=None")


INJECTIONS: dict[str, Callable[[cst.Module, random.Random], cst.Module]] = {
    "module-level": module_level,
    "user-function-or-class": user_function_or_class,
    "function-local": function_local,
    "parameter": parameter,
    "class-body": class_body,
    "tuple-target": tuple_target,
    "importerror-fallback": import_error_fallback,
    "global-rebinding": global_rebinding,
    "star-import-rebound": star_import_rebound,
    "kaiming_keras-module-name": module_name,
}

# What fails today (strict: remove the mark once the fixer checks names against scopes).
KNOWN_FAILURES: dict[str, str] = {}


@dataclass(frozen=True)
class Variant:
    id: str
    kind: str
    source: str
    text: str


def variants() -> list[Variant]:
    rng = random.Random(SEED)
    found = []
    for kind, inject in INJECTIONS.items():
        for number in range(VARIANTS_PER_KIND):
            source = rng.choice(sorted(SOURCES))
            module = cst.parse_module(SOURCES[source][0].read_text(encoding="utf-8"))
            text = inject(module, rng).code
            found.append(Variant(f"{kind.replace('-', '_')}_{number}_{source}", kind, source, text))
    return found


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory) -> dict[str, dict]:
    """Variant id -> its original findings and the builds of the original and the fix."""
    work = tmp_path_factory.mktemp("name_collisions")
    original, fixed = work / "original", work / "fixed"
    original.mkdir()
    for variant in variants():
        (original / f"{variant.id}.py").write_text(variant.text, encoding="utf-8")
    harness.copy_tree(original, fixed)
    linted = harness.cli("--format", "json", original)
    assert linted.returncode in (0, 1), linted.stderr
    findings = harness._by_file(linted.stdout, original.resolve())
    fixing = harness.cli("--fix", "--exit-zero", fixed)
    assert fixing.returncode == 0, fixing.stderr
    by_source: dict[str, list[dict]] = {}
    for variant in variants():
        calls = list(SOURCES[variant.source][1])
        for label, directory in (("original", original), ("fixed", fixed)):
            by_source.setdefault(variant.source, []).append(
                {
                    "label": f"{variant.id}:{label}",
                    "path": str(directory / f"{variant.id}.py"),
                    "calls": calls,
                }
            )
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {
            source: pool.submit(harness.probe, spec, work / "probe" / source)
            for source, spec in by_source.items()
        }
        builds = {label: record for f in futures.values() for label, record in f.result().items()}
    return {
        variant.id: {
            "variant": variant,
            "findings": findings.get(variant.id, []),
            "original": builds[f"{variant.id}:original"],
            "fixed": builds[f"{variant.id}:fixed"],
            "fixed_text": (fixed / f"{variant.id}.py").read_text(encoding="utf-8"),
        }
        for variant in variants()
    }


def _problems(result: dict) -> list[str]:
    original, fixed = result["original"], result["fixed"]
    assert original["import_error"] is None, original.get("traceback")
    if fixed["import_error"] is not None:
        return [f"the fixed module no longer imports: {fixed['import_error']}"]
    problems = []
    fixable = [f for f in result["findings"] if f["fixable"]]
    for before, after in zip(original["calls"], fixed["calls"], strict=True):
        assert before["error"] is None, f"the injection broke the original: {before['error']}"
        if after["error"] is not None:
            problems.append(f"{after['call']} raises after the fix: {after['error']}")
            continue
        problems += harness.layer_problems(result["findings"], before, after)
        flagged = harness.audit_codes(after)
        for name, layer in harness.layers_by_name(before).items():
            if any(harness.inside(f, layer["site"]) for f in fixable) and flagged.get(name):
                problems.append(f"{name} was fixed, but audit says {sorted(flagged[name])}")
    return problems


def test_every_injection_leaves_the_original_models_as_they_were(fuzzed):
    """The fuzzer's own premise: the bindings it adds change nothing before the fix."""
    pristine: dict[str, list] = {}
    for result in fuzzed.values():
        calls = result["original"]["calls"]
        assert result["original"]["import_error"] is None
        assert all(call["error"] is None for call in calls), result["variant"].id
        layers = [[(la["name"], la["config"]) for la in call["layers"]] for call in calls]
        reference = pristine.setdefault(result["variant"].source, layers)
        assert json.dumps(layers) == json.dumps(reference), result["variant"].id


@pytest.mark.parametrize(
    "kind",
    [
        pytest.param(
            kind,
            marks=[pytest.mark.xfail(strict=True, reason=KNOWN_FAILURES[kind])]
            if kind in KNOWN_FAILURES
            else [],
        )
        for kind in INJECTIONS
    ],
)
def test_the_fix_runs_and_changes_only_reported_layers_whatever_the_names_mean(fuzzed, kind):
    failures = {
        variant_id: problems
        for variant_id, result in fuzzed.items()
        if result["variant"].kind == kind and (problems := _problems(result))
    }
    assert not failures, json.dumps(failures, indent=1)


def test_the_variants_are_fixed_at_all(fuzzed):
    """Each variant had findings to fix, so each one tests the fixer's use of names."""
    assert all(result["fixed_text"] != result["variant"].text for result in fuzzed.values())
