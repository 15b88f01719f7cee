"""Kaiming (He) initialization for Keras 3, and for Keras 2 (tf_keras) in `kaiming_keras.keras2`.

`KaimingNormal` / `KaimingUniform` are serializable Keras 3 initializers (importing this package
registers them and the strings `"kaiming_normal"` / `"kaiming_uniform"`); `calculate_gain` gives
the gain of a nonlinearity. The model-level tools `initialize`, `audit` and `variance_report`
load on first use.

Without Keras 3 (the linter's base install, or a Keras 2 environment) this package still
imports, so that `kaiming_keras.keras2` and `calculate_gain` work; the Keras 3 names then raise
an ImportError that says what to install.
"""

from __future__ import annotations

import importlib
from typing import Any

from kaiming_keras.gain import calculate_gain

__version__ = "0.1.0"

_KERAS2_HINT = "for Keras 2 (tf_keras) use kaiming_keras.keras2"
_MISSING_KERAS3: str | None = None
try:
    import keras
except ModuleNotFoundError as missing:  # the base install is the linter alone
    if missing.name != "keras":
        raise
    _MISSING_KERAS3 = (
        "kaiming_keras needs Keras 3 and a backend: pip install 'kaiming-keras[tensorflow]'"
        f" (the linter, kaiming-lint, needs neither; {_KERAS2_HINT})"
    )
else:
    if int(keras.__version__.split(".")[0]) < 3:
        _MISSING_KERAS3 = f"kaiming_keras.{{name}} needs Keras 3; found Keras {keras.__version__} ({_KERAS2_HINT})"

if _MISSING_KERAS3 is None:
    from kaiming_keras.initializers import KaimingNormal, KaimingUniform

# Public name -> the module that defines it, imported on first access.
_LAZY = {
    "initialize": "kaiming_keras.model",
    "audit": "kaiming_keras.model",
    "variance_report": "kaiming_keras.diagnostics",
    "SignalMonitor": "kaiming_keras.monitor",
    "SignalWarning": "kaiming_keras.monitor",
}
_KERAS3_NAMES = frozenset({"KaimingNormal", "KaimingUniform", *_LAZY})

__all__ = [
    "KaimingNormal",
    "KaimingUniform",
    "SignalMonitor",
    "SignalWarning",
    "__version__",
    "audit",
    "calculate_gain",
    "initialize",
    "variance_report",
]


def __getattr__(name: str) -> Any:
    if name in _KERAS3_NAMES and _MISSING_KERAS3 is not None:
        raise ImportError(_MISSING_KERAS3.format(name=name), name=__name__)
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
