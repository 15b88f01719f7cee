"""Readers that turn files the linter does not parse as Python into kernel-layer facts.

``model_config`` reads saved Keras models (a `.keras` archive's config, ``model.to_json()``
output) without importing Keras.
"""

from __future__ import annotations

from kaiming_lint.sources.model_config import (
    ModelConfigError,
    config_from_bytes,
    facts_from_config,
    read_keras_file,
    read_model_json,
)

__all__ = [
    "ModelConfigError",
    "config_from_bytes",
    "facts_from_config",
    "read_keras_file",
    "read_model_json",
]
