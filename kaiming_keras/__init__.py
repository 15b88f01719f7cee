"""Kaiming (He) initialization for Keras 3.

`KaimingNormal` / `KaimingUniform` are serializable Keras initializers (importing this package
registers them and the strings `"kaiming_normal"` / `"kaiming_uniform"`); `calculate_gain` gives
the gain of a nonlinearity. The model-level tools `initialize`, `audit` and `variance_report`
load on first use.
"""

from __future__ import annotations

import importlib
from typing import Any

try:
    import keras
except ModuleNotFoundError as missing:  # the base install is the linter alone
    if missing.name != "keras":
        raise
    raise ImportError(
        "kaiming_keras needs Keras 3 and a backend: pip install 'kaiming-keras[tensorflow]'"
        " (the linter, kaiming-lint, needs neither)"
    ) from missing
if int(keras.__version__.split(".")[0]) < 3:
    raise ImportError(f"kaiming_keras needs Keras 3; found Keras {keras.__version__}")

from kaiming_keras.gain import calculate_gain
from kaiming_keras.initializers import KaimingNormal, KaimingUniform

__version__ = "0.1.0"

# Public name -> the module that defines it, imported on first access.
_LAZY = {
    "initialize": "kaiming_keras.model",
    "audit": "kaiming_keras.model",
    "variance_report": "kaiming_keras.diagnostics",
    "SignalMonitor": "kaiming_keras.monitor",
    "SignalWarning": "kaiming_keras.monitor",
}

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
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
