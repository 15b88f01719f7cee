"""One fresh interpreter per test run, shared by the tests that need a process with no history.

It loads a saved `.keras` model with nothing but `import kaiming_keras`, rebuilds it from its
JSON, and draws seeded values, so the parent can compare all three with what it holds.
"""

from __future__ import annotations

from dataclasses import dataclass

import keras
import pytest

from .helpers import FRESH_PROCESS, run_python, seeded_model


@dataclass
class FreshProcess:
    model: keras.Model  # the model saved for the child, as built here
    result: dict  # what the child printed


@pytest.fixture(scope="session")
def fresh_process(tmp_path_factory) -> FreshProcess:
    model = seeded_model()
    path = tmp_path_factory.mktemp("fresh") / "m.keras"
    model.save(path)
    return FreshProcess(model, run_python(FRESH_PROCESS, str(path)))
