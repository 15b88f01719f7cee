"""The input formats: each turns a file's bytes into what the pipeline or the rules judge.

``python`` decodes a source file into a document for :mod:`kaiming_lint.pipeline`;
``notebook`` joins a notebook's code cells into one document and maps findings and fixes back
to the cells; ``saved_model`` reads a saved Keras model's config into kernel-layer facts with
``model_config`` (also used by ``kaiming_keras.audit``), without importing Keras. Sources
depend on the pipeline, never the reverse; :mod:`kaiming_lint.runner` picks one by suffix.
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
