"""Notebooks written the way Jupyter writes them (JSON text), for the notebook tests."""

from __future__ import annotations

import json
from typing import Any


def code(source: str, outputs: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {
        "cell_type": "code",
        "execution_count": 1,
        "id": "c0de",
        "metadata": {"tags": ["model"]},
        "outputs": outputs or [],
        "source": source.splitlines(keepends=True),
    }


def markdown(source: str) -> dict[str, Any]:
    return {"cell_type": "markdown", "id": "d0c", "metadata": {}, "source": source.splitlines(True)}


def notebook(cells: list[dict[str, Any]], language: str = "python") -> dict[str, Any]:
    return {
        "cells": cells,
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": language, "name": "python3"},
            "language_info": {"name": language, "version": "3.11.0"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def dump(document: dict[str, Any], indent: int = 1, ensure_ascii: bool = False) -> bytes:
    """JSON text as Jupyter writes it: sorted keys off, one-space indent, a final newline."""
    return (json.dumps(document, indent=indent, ensure_ascii=ensure_ascii) + "\n").encode()


STREAM_OUTPUT = {"name": "stdout", "output_type": "stream", "text": ["épocas: 3\n", "done\n"]}
IMAGE_OUTPUT = {
    "data": {
        "image/png": "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==\n",
        "text/plain": ["<Figure>"],
    },
    "metadata": {"needs_background": "light"},
    "output_type": "display_data",
}

IMPORTS = "%matplotlib inline\nimport keras\nfrom keras import layers"
MODEL = (
    "!pip install -q kaiming-keras\n"
    'x = 1  # "quoted" text, é\n'
    'dense = layers.Dense(64, activation="relu", kernel_initializer="glorot_uniform")\n'
    "layers.Dense?"
)
SHELL = "%%bash\necho layers.Dense(3, activation='relu')"
TIMED = "%%time\ntext = '''\n%not a magic\n'''\nconv = layers.Conv2D(8, 3, activation='relu')"


def sample(**dump_options: Any) -> bytes:
    """A notebook with magics, outputs, a non-Python cell magic and two findings."""
    return dump(
        notebook(
            [
                markdown('# A model\nWith é and "quotes".'),
                code(IMPORTS),
                code(MODEL, outputs=[STREAM_OUTPUT, IMAGE_OUTPUT]),
                code(SHELL),
                code(TIMED),
            ]
        ),
        **dump_options,
    )
