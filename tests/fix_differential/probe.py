"""Builds the models of model files and prints what each layer became, as JSON.

Run as ``python probe.py SPEC_JSON OUT_JSON`` with ``KERAS_BACKEND`` set. SPEC is a list of
``{"label", "path", "calls"}``: the module at ``path`` is imported under a fresh name and each
expression of ``calls`` is evaluated in its namespace. Between builds the Keras session is
cleared, so automatic layer names restart and the builds of one file line up by name.

For every layer the probe records the span of the call, in ``path``, that constructed it (from
the calling frame's instruction position), its ``get_config()``, which of its initializer
objects another layer also holds, and what ``kaiming_keras.audit`` says about it.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
import traceback
from typing import Any

INIT_ARGS = (
    "kernel_initializer",
    "depthwise_initializer",
    "pointwise_initializer",
    "bias_initializer",
)


def _site(path: str) -> list[int] | None:
    frame = sys._getframe(2)
    while frame is not None:
        if frame.f_code.co_filename == path:
            positions = list(frame.f_code.co_positions())[frame.f_lasti // 2]
            return [positions[0], positions[2] + 1, positions[1], positions[3] + 1]
        frame = frame.f_back
    return None


def _hook(keras: Any, sites: dict[int, list[int] | None], path: str) -> None:
    base = keras.layers.Layer
    original = base.__dict__["__init__"]
    if getattr(original, "_probe_original", None) is not None:
        original = original._probe_original

    def __init__(self, *args, **kwargs):
        sites.setdefault(id(self), _site(path))
        original(self, *args, **kwargs)

    __init__._probe_original = original
    base.__init__ = __init__


def _error(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"


def _layers(root: Any) -> list[Any]:
    found = [root]
    found.extend(root._flatten_layers(include_self=False, recursive=True))
    return found


def _build(keras: Any, audit: Any, entry: dict[str, Any], index: int) -> dict[str, Any]:
    keras.backend.clear_session()
    sites: dict[int, list[int] | None] = {}
    _hook(keras, sites, entry["path"])
    record: dict[str, Any] = {"import_error": None, "calls": []}
    spec = importlib.util.spec_from_file_location(f"_probe_module_{index}", entry["path"])
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except BaseException as error:  # the module itself may be what the fix broke
        record["import_error"] = _error(error)
        record["traceback"] = traceback.format_exc(limit=-3)
        return record
    for call in entry["calls"]:
        outcome: dict[str, Any] = {"call": call, "error": None, "layers": [], "audit": None}
        record["calls"].append(outcome)
        try:
            built = eval(call, vars(module))
        except BaseException as error:
            outcome["error"] = _error(error)
            outcome["traceback"] = traceback.format_exc(limit=-3)
            continue
        if not isinstance(built, keras.layers.Layer):
            outcome["error"] = f"returned {type(built).__name__}, not a Keras layer or model"
            continue
        found = _layers(built)
        holders: dict[int, int] = {}
        for layer in found:
            for arg in INIT_ARGS:
                obj = getattr(layer, arg, None)
                if obj is not None and not isinstance(obj, (str, dict)):
                    holders[id(obj)] = holders.get(id(obj), 0) + 1
        for layer in found:
            container = isinstance(layer, keras.Model)
            try:
                config = layer.get_config()
            except NotImplementedError:
                config = {}
            if container:  # its layers are compared one by one
                config = {k: v for k, v in config.items() if "layers" not in k}
            # The initializer objects this layer shares with another layer (KAI005).
            shared = sorted(
                arg for arg in INIT_ARGS if holders.get(id(getattr(layer, arg, None)), 0) > 1
            )
            outcome["layers"].append(
                {
                    "name": layer.name,
                    "class": type(layer).__name__,
                    "site": None if container else sites.get(id(layer)),
                    "config": json.loads(json.dumps(config, default=repr)),
                    "shared": shared,
                }
            )
        if isinstance(built, keras.Model):
            try:
                outcome["audit"] = [[f.layer, f.code] for f in audit(built)]
            except BaseException as error:
                outcome["audit_error"] = _error(error)
    return record


def main(spec_path: str, out_path: str) -> None:
    if os.environ.get("KERAS_BACKEND") == "numpy":
        # Keras's serializer imports TensorFlow, when installed, to recognise its types; the
        # numpy backend never makes any, and the import costs seconds per process.
        sys.modules.setdefault("tensorflow", None)
    import keras

    from kaiming_keras import audit

    with open(spec_path, encoding="utf-8") as stream:
        spec = json.load(stream)
    results = {
        entry["label"]: _build(keras, audit, entry, index) for index, entry in enumerate(spec)
    }
    with open(out_path, "w", encoding="utf-8") as stream:
        json.dump(results, stream)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
