"""The linter's layers, read from its import statements (those inside functions included).

results (leaf) <- pipeline (pure) <- sources <- runner <- cli. An import cycle, or a lower
layer reaching up, would make the pipeline impossible to reuse on its own (language server,
flake8 plugin, project-wide analysis), so these are checked on the source, without importing it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = "kaiming_lint"
ROOT = Path(__file__).resolve().parent.parent / PACKAGE


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {_module_name(path): path for path in sorted(ROOT.rglob("*.py"))}


def _resolve(module: str, level: int, current: str, is_package: bool) -> str:
    if not level:
        return module
    base = current.split(".") if is_package else current.split(".")[:-1]
    base = base[: len(base) - (level - 1)]
    return ".".join([*base, module] if module else base)


def imports_of(name: str) -> set[str]:
    """The modules of the package that ``name`` imports, anywhere in its body."""
    path = MODULES[name]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            origin = _resolve(node.module or "", node.level, name, path.name == "__init__.py")
            # `from kaiming_lint import fix` imports the module kaiming_lint.fix
            targets = [
                f"{origin}.{alias.name}" if f"{origin}.{alias.name}" in MODULES else origin
                for alias in node.names
            ]
        else:
            continue
        for target in targets:
            # `import kaiming_lint.report.text` needs that module (its parents hold no code
            # the importing module asked for, and importing a package's own submodule from
            # its __init__ is not a dependency of the submodule on the package).
            while target and target not in MODULES:
                target = target.rpartition(".")[0]
            if target.startswith(PACKAGE) and target != name and target != PACKAGE:
                found.add(target)
    return found


GRAPH = {name: imports_of(name) for name in MODULES}


def reachable(start: str, graph: dict[str, set[str]] = GRAPH) -> set[str]:
    seen: set[str] = set()
    stack = [start]
    while stack:
        for target in graph[stack.pop()]:
            if target not in seen:
                seen.add(target)
                stack.append(target)
    return seen


def on_cycles(graph: dict[str, set[str]]) -> list[str]:
    return sorted(name for name in graph if name in reachable(name, graph))


def test_there_is_no_import_cycle_in_the_linter():
    assert not on_cycles(GRAPH), f"modules on an import cycle: {on_cycles(GRAPH)}"


def test_the_walk_sees_imports_inside_functions_and_finds_a_cycle_through_them():
    # report/__init__ imports its formats inside render(): the walk must see them.
    assert "kaiming_lint.report.sarif" in GRAPH["kaiming_lint.report"]
    # The cycle issue 10 removed: the pipeline importing a source back.
    graph = {name: set(targets) for name, targets in GRAPH.items()}
    graph["kaiming_lint.pipeline"].add("kaiming_lint.sources.notebook")
    assert {"kaiming_lint.pipeline", "kaiming_lint.sources.notebook"} <= set(on_cycles(graph))


def test_results_is_a_leaf():
    assert GRAPH["kaiming_lint.results"] == set()


@pytest.mark.parametrize(
    "module", ["kaiming_lint.pipeline", "kaiming_lint.rules", "kaiming_lint.pairing"]
)
def test_the_pipeline_does_not_reach_up_to_sources_runner_or_cli(module):
    above = {"kaiming_lint.runner", "kaiming_lint.cli", "kaiming_lint.config"}
    reached = reachable(module)
    assert not reached & above
    assert not any(name.startswith("kaiming_lint.sources") for name in reached)
    assert not any(name.startswith("kaiming_lint.report") for name in reached)


def test_the_pipeline_touches_no_file_system_and_starts_no_process():
    standard = {
        "os",
        "pathlib",
        "tempfile",
        "shutil",
        "subprocess",
        "concurrent",
        "multiprocessing",
    }
    for name in {"kaiming_lint.pipeline", *reachable("kaiming_lint.pipeline")}:
        tree = ast.parse(MODULES[name].read_text(encoding="utf-8"))
        used = {
            alias.name.split(".")[0]
            for node in ast.walk(tree)
            if isinstance(node, ast.Import)
            for alias in node.names
        } | {
            (node.module or "").split(".")[0]
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and not node.level
        }
        assert not used & standard, f"{name} imports {sorted(used & standard)}"
        opens = [
            node.lineno
            for node in ast.walk(tree)
            if isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "open"
        ]
        assert not opens, f"{name} calls open() at lines {opens}"


def test_every_source_depends_on_the_pipeline_never_the_reverse():
    for source in ("python", "notebook"):
        assert "kaiming_lint.pipeline" in GRAPH[f"kaiming_lint.sources.{source}"]
    assert "kaiming_lint.pipeline" in reachable("kaiming_lint.sources.saved_model")
