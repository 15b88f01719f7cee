"""Builds the models of one corpus project and prints every layer it made, as JSON.

Run as ``python project_probe.py ROOT OUT_JSON`` with ``KERAS_BACKEND`` set. The targets are
found from the project's structure (:func:`targets`): each top-level ``build()`` or ``main()``
is called, and each script (a file outside a package with statements of its own) is run. Before
each target the Keras session is cleared and the random seed fixed, so the builds of two versions
of a project line up layer by layer and draw the same numbers.

Every layer constructed during a target is recorded, in construction order, with the span of the
call in the project that constructed it (the innermost project frame), its ``get_config()``, and
for a built layer with a kernel: the kernel's shape and standard deviation.
"""

from __future__ import annotations

import ast
import importlib
import json
import os
import runpy
import sys
import traceback
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fix_differential"))
from probe import _error  # the single-file probe's helper

ENTRY_POINTS = ("build", "main")
POOL = 20_000  # kernel values behind a pooled std: its relative error is about 0.5%


def _in_package(root: Path, path: Path) -> bool:
    return path.parent != root and (path.parent / "__init__.py").is_file()


def _module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def targets(root: Path) -> list[dict[str, str]]:
    """``{"label", "kind", "path", "function"}`` for each way the project builds layers."""
    found = []
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"))
        functions = [
            node.name
            for node in tree.body
            if isinstance(node, ast.FunctionDef) and node.name in ENTRY_POINTS
        ]
        package = _in_package(root, path)
        for name in functions:
            kind = "module" if package else "file"
            found.append(
                {"label": f"{relative}:{name}", "kind": kind, "path": relative, "function": name}
            )
        if not functions and not package:
            body = [
                node
                for node in tree.body
                if not isinstance(node, (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.ClassDef))
                and not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant))
            ]
            if body:  # a script: running it is what builds its layers
                found.append(
                    {"label": relative, "kind": "script", "path": relative, "function": ""}
                )
    return found


def _site(root: str) -> list[Any] | None:
    frame = sys._getframe(2)
    while frame is not None:
        filename = frame.f_code.co_filename
        if filename.startswith(root + os.sep):
            positions = list(frame.f_code.co_positions())[frame.f_lasti // 2]
            relative = Path(filename).relative_to(root).as_posix()
            return [relative, positions[0], positions[2] + 1, positions[1], positions[3] + 1]
        frame = frame.f_back
    return None


def _forget(root: str) -> None:
    """Drops the project's modules, so a script's ``import blocks`` finds its own sibling."""
    for name, module in list(sys.modules.items()):
        if (getattr(module, "__file__", None) or "").startswith(root + os.sep):
            del sys.modules[name]


def _record(layer: Any, site: Any) -> dict[str, Any]:
    try:
        config = layer.get_config()
    except NotImplementedError:
        config = {}
    config = {k: v for k, v in config.items() if "layers" not in k}
    entry: dict[str, Any] = {
        "name": layer.name,
        "class": type(layer).__name__,
        "site": site,
        "config": json.loads(json.dumps(config, default=repr)),
        "shared": [],
        "kernel_shape": None,
        "kernel_std": None,
        "pooled_std": None,
    }
    kernel = getattr(layer, "kernel", None) if layer.built else None
    if kernel is not None:
        import numpy

        value = numpy.asarray(kernel.numpy() if hasattr(kernel, "numpy") else kernel)
        entry["kernel_shape"] = list(value.shape)
        entry["kernel_std"] = float(value.std())
        # A small kernel's std is a noisy estimate (64 weights: +-9%); more draws of the
        # layer's own initializer at the kernel's shape, pooled with it, give the real one.
        pool = [value.ravel()]
        while sum(p.size for p in pool) < POOL:
            pool.append(numpy.asarray(layer.kernel_initializer(value.shape)).ravel())
        entry["pooled_std"] = float(numpy.concatenate(pool).std())
    return entry


def main(root_arg: str, out_path: str) -> None:
    if os.environ.get("KERAS_BACKEND") == "numpy":
        sys.modules.setdefault("tensorflow", None)  # as probe.py: Keras need not import it
    import keras

    root = str(Path(root_arg).resolve())
    created: list[tuple[Any, Any]] = []
    original = keras.layers.Layer.__init__

    def __init__(self, *args, **kwargs):
        created.append((self, _site(root)))
        original(self, *args, **kwargs)

    keras.layers.Layer.__init__ = __init__
    results = {}
    base_path = list(sys.path)
    for target in targets(Path(root)):
        keras.backend.clear_session()
        keras.utils.set_random_seed(1234)
        created.clear()
        _forget(root)
        path = os.path.join(root, target["path"])
        sys.path[:] = [root, *base_path]
        record: dict[str, Any] = {"error": None, "layers": []}
        try:
            if target["kind"] == "module":
                module = importlib.import_module(_module_name(Path(root), Path(path)))
                getattr(module, target["function"])()
            elif target["kind"] == "file":
                sys.path.insert(0, os.path.dirname(path))
                namespace = runpy.run_path(path, run_name="__project_probe__")
                namespace[target["function"]]()
            else:
                sys.path.insert(0, os.path.dirname(path))
                runpy.run_path(path, run_name="__main__")
        except BaseException as error:
            record["error"] = _error(error)
            record["traceback"] = traceback.format_exc(limit=-3)
        seen = set()
        for layer, site in created:
            if id(layer) not in seen:
                seen.add(id(layer))
                record["layers"].append(_record(layer, site))
        results[target["label"]] = record
    with open(out_path, "w", encoding="utf-8") as stream:
        json.dump(results, stream)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
