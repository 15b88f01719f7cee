"""Run the fixer the way users do (the CLI in subprocesses) and judge it by the models it builds.

A corpus entry is a model file and the expressions that build its models. For each entry the
harness lints a copy, fixes a copy in each fix style, fixes the result a second time, re-lints it,
then (one process per file) builds the models of the original and of each fixed text and records
every layer (see probe.py). The checks in test_differential.py read those records.

A finding belongs to the layer call whose source span contains it. A finding outside every layer
call (a value in a shared ``dict``, a module constant) is "remote": it may account for one
changed call site of the class its message names, and only one the original model's ``audit``
also reports.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
import tokenize
from collections import Counter
from collections.abc import Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
PROBE = HERE / "probe.py"
STYLES = ("kaiming", "keras")
BACKEND = "numpy"  # building layers is all the checks need, and numpy starts fastest

WEIGHT_ARGS = ("kernel_initializer", "depthwise_initializer", "pointwise_initializer")
HE_CLASSES = {"KaimingNormal", "KaimingUniform", "HeNormal", "HeUniform"}
MARKER = re.compile(r"#\s*(build|xfail|forbid-added):\s*(.*)$")
EXPECT = re.compile(r"#\s*expect:\s*(fixed|kept)\b")


def env() -> dict[str, str]:
    environment = dict(os.environ, KERAS_BACKEND=BACKEND, TF_CPP_MIN_LOG_LEVEL="3")
    path = environment.get("PYTHONPATH")
    environment["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), path]))
    return environment


def cli(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kaiming_lint", *map(str, args)],
        capture_output=True,
        text=True,
        env=env(),
        cwd=cwd,
        check=False,
    )


# --- the corpus -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One model file: where it is, a file name unique in the corpus, how to build its models."""

    id: str
    source: Path
    calls: tuple[str, ...]
    xfails: tuple[str, ...] = ()  # "check[,check...][ style...]: reason" lines
    forbidden: tuple[str, ...] = ()  # regexes no line added by the fix may match

    @property
    def text(self) -> str:
        return self.source.read_text(encoding="utf-8")

    def xfail_reason(self, check: str, style: str) -> str | None:
        for line in self.xfails:
            head, _, reason = line.partition(":")
            words = head.split()
            if words and check in words[0].split(",") and (len(words) == 1 or style in words[1:]):
                return reason.strip()
        return None


def case_entry(path: Path) -> Entry:
    """A hand-written case: its ``# build:`` and ``# xfail:`` lines are its data."""
    markers: dict[str, list[str]] = {"build": [], "xfail": [], "forbid-added": []}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = MARKER.match(line.strip())
        if match:
            markers[match.group(1)].append(match.group(2).strip())
    assert markers["build"], f"{path}: a case needs at least one '# build: <expression>' line"
    return Entry(
        f"case_{path.stem}",
        path,
        tuple(markers["build"]),
        tuple(markers["xfail"]),
        tuple(markers["forbid-added"]),
    )


def keras_applications() -> Path:
    import importlib.util

    spec = importlib.util.find_spec("keras")
    assert spec is not None and spec.origin is not None
    return Path(spec.origin).parent / "src" / "applications"


# weights=None and small inputs; one or two constructors per file cover its code paths.
SMALL = "weights=None, input_shape=(32, 32, 3), classes=10"
APPLICATION_CALLS = {
    "convnext": (f"ConvNeXtTiny({SMALL})",),
    "densenet": (f"DenseNet121({SMALL})",),
    "efficientnet": (f"EfficientNetB0({SMALL})",),
    "efficientnet_v2": (f"EfficientNetV2B0({SMALL})",),
    "inception_resnet_v2": (
        "InceptionResNetV2(weights=None, input_shape=(75, 75, 3), classes=10)",
    ),
    "inception_v3": ("InceptionV3(weights=None, input_shape=(75, 75, 3), classes=10)",),
    "mobilenet": (f"MobileNet({SMALL})",),
    "mobilenet_v2": (f"MobileNetV2({SMALL})",),
    "mobilenet_v3": (f"MobileNetV3Small({SMALL})", f"MobileNetV3Large({SMALL})"),
    "nasnet": (f"NASNetMobile({SMALL})",),
    "resnet": (f"ResNet50({SMALL})",),
    "resnet_v2": (f"ResNet50V2({SMALL})",),
    "vgg16": (f"VGG16({SMALL})",),
    "vgg19": (f"VGG19({SMALL})",),
    "xception": ("Xception(weights=None, input_shape=(71, 71, 3), classes=10)",),
}

GLOROT = "lambda seed: keras.initializers.GlorotUniform(seed=seed)"
EXAMPLE_CALLS = {
    "examples/lint_demo/model.py": ("build_model()", "dense_head()"),
    "examples/keras_quickstart.py": ("build_model()",),
    "examples/deep_relu_variance.py": (f"build_mlp(3, 8, {GLOROT}, 0)",),
    "examples/train_deep_plain_net.py": (f"build_plain_net(8, 3, 8, {GLOROT}, 0)",),
    "examples/lint_demo/compare_variance.py": (),
    "examples/plot_signal_logs.py": (),  # reads event files; builds no model
    "examples/signal_monitor_defaults.py": (),  # trains train_deep_plain_net's models
    # Two modules of one project (tests/test_examples.py fixes and builds them together).
    "examples/project_demo/blocks.py": (),
    "examples/project_demo/model.py": (),
}


def corpus() -> list[Entry]:
    entries = []
    examples = sorted((ROOT / "examples").rglob("*.py"))
    for path in examples:
        relative = path.relative_to(ROOT).as_posix()
        assert relative in EXAMPLE_CALLS, f"add {relative} to EXAMPLE_CALLS (how to build it)"
        identifier = "example_" + re.sub(r"\W", "_", relative.removeprefix("examples/")[:-3])
        entries.append(Entry(identifier, path, EXAMPLE_CALLS[relative]))
    for path in sorted((HERE / "cases").glob("*.py")):
        entries.append(case_entry(path))
    applications = keras_applications()
    for path in sorted(applications.glob("*.py")):
        if path.stem in ("__init__", "imagenet_utils") or path.stem.endswith("_test"):
            continue
        assert path.stem in APPLICATION_CALLS, f"keras added {path.name}: add its constructor"
        entries.append(Entry(f"keras_{path.stem}", path, APPLICATION_CALLS[path.stem]))
    return entries


# --- what the CLI did -----------------------------------------------------------------------


@dataclass
class StyleRun:
    """One fix style over the whole corpus."""

    fixed: dict[str, str]  # id -> text after --fix
    remaining: dict[str, list[dict[str, Any]]]  # id -> findings --fix reported as left
    messages: dict[str, list[dict[str, Any]]]  # id -> findings of a plain lint in this style
    fix_status: int
    fix_stderr: str
    second: dict[str, str]  # id -> text after a second --fix
    relint: dict[str, list[dict[str, Any]]]  # id -> findings of a lint of the fixed text


def _by_file(output: str, directory: Path) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for finding in json.loads(output):
        found.setdefault(Path(finding["path"]).resolve().relative_to(directory).stem, []).append(
            finding
        )
    return found


def _copy(entries: Iterable[Entry], directory: Path, texts: dict[str, str] | None = None) -> None:
    directory.mkdir(parents=True)
    for entry in entries:
        text = texts[entry.id] if texts is not None else entry.text
        (directory / f"{entry.id}.py").write_text(text, encoding="utf-8")


def _read(entries: Iterable[Entry], directory: Path) -> dict[str, str]:
    return {e.id: (directory / f"{e.id}.py").read_text(encoding="utf-8") for e in entries}


def _json(result: subprocess.CompletedProcess[str], directory: Path):
    assert result.returncode in (0, 1), result.stderr
    return _by_file(result.stdout, directory.resolve())


def run_cli(entries: Sequence[Entry], work: Path) -> tuple[dict, dict[str, StyleRun]]:
    original = work / "original"
    _copy(entries, original)
    findings = _json(cli("--format", "json", original), original)
    runs = {}
    for style in STYLES:
        fixed_dir, second_dir = work / style, work / f"{style}-second"
        _copy(entries, fixed_dir)
        messages = _json(cli("--format", "json", "--fix-style", style, fixed_dir), fixed_dir)
        fix = cli("--fix", "--format", "json", "--fix-style", style, fixed_dir)
        fixed = _read(entries, fixed_dir)
        remaining = _by_file(fix.stdout, fixed_dir.resolve()) if fix.returncode < 2 else {}
        _copy(entries, second_dir, fixed)
        cli("--fix", "--fix-style", style, "--exit-zero", second_dir)
        relint = _json(cli("--format", "json", "--fix-style", style, fixed_dir), fixed_dir)
        runs[style] = StyleRun(
            fixed=fixed,
            remaining=remaining,
            messages=messages,
            fix_status=fix.returncode,
            fix_stderr=fix.stderr,
            second=_read(entries, second_dir),
            relint=relint,
        )
    return findings, runs


# --- building the models --------------------------------------------------------------------


def probe(spec: list[dict[str, Any]], work: Path) -> dict[str, Any]:
    """Builds every entry of ``spec`` in one fresh process; returns label -> record."""
    work.mkdir(parents=True, exist_ok=True)
    spec_path, out_path = work / "spec.json", work / "probe.json"
    spec_path.write_text(json.dumps(spec), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, str(PROBE), str(spec_path), str(out_path)],
        capture_output=True,
        text=True,
        env=env(),
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(out_path.read_text(encoding="utf-8"))


@dataclass
class Corpus:
    """Everything the checks read, computed once per test session."""

    entries: dict[str, Entry]
    work: Path
    findings: dict[str, list[dict[str, Any]]]
    runs: dict[str, StyleRun]
    builds: dict[str, Future] = field(default_factory=dict)

    def build(self, entry_id: str) -> dict[str, Any] | None:
        """label -> probe record; None when no fix style changed the file."""
        future = self.builds.get(entry_id)
        return future.result() if future is not None else None


def prepare(work: Path, wanted: set[str] | None = None) -> Corpus:
    """Runs the CLI over the corpus (or the ``wanted`` entries) and starts the model builds."""
    entries = [e for e in corpus() if wanted is None or e.id in wanted]
    findings, runs = run_cli(entries, work)
    data = Corpus({e.id: e for e in entries}, work, findings, runs)
    pool = ThreadPoolExecutor(max_workers=2)
    for entry in entries:
        spec = [{"label": "original", "path": str(work / "original" / f"{entry.id}.py")}]
        for style in STYLES:
            if runs[style].fixed[entry.id] != entry.text:
                spec.append({"label": style, "path": str(work / style / f"{entry.id}.py")})
        if len(spec) == 1:
            continue  # both fixed texts are the original byte for byte: nothing to build
        for item in spec:
            item["calls"] = list(entry.calls)
        data.builds[entry.id] = pool.submit(probe, spec, work / "probe" / entry.id)
    pool.shutdown(wait=False)
    return data


# --- judging one build against another ------------------------------------------------------


def inside(finding: dict[str, Any], site: Sequence[int] | None) -> bool:
    if site is None:
        return False
    start, end = (finding["line"], finding["column"]), (finding["end_line"], finding["end_column"])
    return (site[0], site[1]) <= start and end <= (site[2], site[3])


def layers_by_name(call: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {layer["name"]: layer for layer in call["layers"]}


def is_he(config: Any) -> bool:
    if isinstance(config, str):
        return config in ("he_normal", "he_uniform", "kaiming_normal", "kaiming_uniform")
    if not isinstance(config, dict):
        return False
    name = config.get("class_name", "")
    inner = config.get("config", {})
    if name in ("KaimingNormal", "KaimingUniform"):
        return inner.get("nonlinearity", "relu") in ("relu", "leaky_relu")
    if name in HE_CLASSES:
        return True
    return name == "VarianceScaling" and abs(float(inner.get("scale", 1.0)) - 2.0) < 1e-9


def is_zeros(config: Any) -> bool:
    if isinstance(config, str):
        return config == "zeros"
    return isinstance(config, dict) and config.get("class_name") == "Zeros"


def reseeded(before: Any, after: Any) -> bool:
    """KAI005's fix: the same initializer class and arguments, another seed."""
    if not (isinstance(before, dict) and isinstance(after, dict)):
        return False
    if before.get("class_name") != after.get("class_name"):
        return False
    old, new = dict(before.get("config", {})), dict(after.get("config", {}))
    old_seed, new_seed = old.pop("seed", None), new.pop("seed", None)
    return old == new and (old_seed is None or new_seed != old_seed)


def layer_changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """Config keys that differ, and ``shared:<argument>`` where sharing an object changed."""
    keys = set(before["config"]) | set(after["config"])
    changes = {
        key: (before["config"].get(key), after["config"].get(key))
        for key in sorted(keys)
        if before["config"].get(key) != after["config"].get(key)
    }
    for arg in sorted(set(before["shared"]) ^ set(after["shared"])):
        changes[f"shared:{arg}"] = (arg in before["shared"], arg in after["shared"])
    return changes


def fresh_per_call(config: Any) -> bool:
    """KaimingNormal/KaimingUniform without a seed draw new numbers per call: sharing is fine."""
    return (
        isinstance(config, dict)
        and config.get("class_name") in ("KaimingNormal", "KaimingUniform")
        and config.get("config", {}).get("seed") is None
    )


def bad_change(
    layer: dict[str, Any], changes: dict[str, tuple[Any, Any]], after_config: dict[str, Any]
) -> str | None:
    """Why a reported layer's change is not a Kaiming fix (None when it is one)."""
    for key, (old, new) in changes.items():
        if key.startswith("shared:"):
            arg = key.partition(":")[2]
            if new and not fresh_per_call(after_config.get(arg)):
                return f"{arg} is now an object shared with another layer"
        elif key in WEIGHT_ARGS:
            if not (is_he(new) or reseeded(old, new)):
                return f"{key} became {new!r}, neither He nor a reseeded copy of {old!r}"
        elif key == "bias_initializer":
            if not (is_zeros(new) or reseeded(old, new)):
                return f"bias_initializer became {new!r}, not zeros"
        else:
            return f"{key} changed from {old!r} to {new!r}"
    return None


def message_class(finding: dict[str, Any]) -> str:
    return finding["message"].split()[0]


def audit_codes(call: dict[str, Any]) -> dict[str, set[str]]:
    codes: dict[str, set[str]] = {}
    for name, code in call.get("audit") or ():
        codes.setdefault(name, set()).add(code)
    return codes


def comments(text: str) -> Counter:
    """(comment, first token of its line) pairs: a comment that moved to another argument
    changes the pair."""
    pairs: Counter = Counter()
    first: dict[int, str] = {}
    for token in tokenize.generate_tokens(io.StringIO(text).readline):
        if token.type in (tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT):
            continue
        line = token.start[0]
        if token.type == tokenize.COMMENT:
            pairs[(token.string, first.get(line, ""))] += 1
        else:
            first.setdefault(line, token.string)
    return pairs


def is_kernel_layer(layer: dict[str, Any]) -> bool:
    return any(arg in layer["config"] for arg in WEIGHT_ARGS)


def expectations(text: str) -> dict[int, str]:
    """Line -> "fixed"/"kept" from the ``# expect:`` markers of a case."""
    found = {}
    for number, line in enumerate(text.splitlines(), 1):
        match = EXPECT.search(line)
        if match:
            found[number] = match.group(1)
    return found


def copy_tree(source: Path, target: Path) -> None:
    shutil.copytree(source, target)


def changed_layers(before: dict[str, Any], after: dict[str, Any]) -> dict[str, dict]:
    """Layer name -> its changes, between two builds of one call (which must make the same
    layers)."""
    old, new = layers_by_name(before), layers_by_name(after)
    assert list(old) == list(new), "the fixed source builds other layers"
    changed = {}
    for name, layer in old.items():
        changes = layer_changes(layer, new[name])
        if changes:
            changed[name] = changes
    return changed


def layer_problems(findings: list[dict[str, Any]], before: dict, after: dict) -> list[str]:
    """How the fix of one build call went wrong: a layer changed that was not reported, or a
    reported layer that did not become a Kaiming layer."""
    layers, after_layers = layers_by_name(before), layers_by_name(after)
    sites = [layer["site"] for layer in layers.values() if layer["site"]]
    remote = Counter(
        message_class(f) for f in findings if not any(inside(f, site) for site in sites)
    )
    flagged = audit_codes(before)
    remote_sites: dict[tuple, str] = {}
    problems = []
    for name, changes in changed_layers(before, after).items():
        layer = layers[name]
        if not any(inside(f, layer["site"]) for f in findings):
            if before["audit"] is not None and not flagged.get(name):
                problems.append(f"{name} ({layer['class']}) changed but is not reported")
            remote_sites[tuple(layer["site"] or ())] = layer["class"]
        reason = bad_change(layer, changes, after_layers[name]["config"])
        if reason:
            problems.append(f"{name}: {reason}")
    for cls, count in Counter(remote_sites.values()).items():
        if count > remote[cls]:
            problems.append(
                f"{count} {cls} calls changed through shared values, {remote[cls]} reported"
            )
    return problems
