"""The corpus run (CLI passes and model builds) is computed once per session."""

from __future__ import annotations

import pytest

from .harness import Corpus, prepare


@pytest.fixture(scope="session")
def fixed_corpus(tmp_path_factory) -> Corpus:
    return prepare(tmp_path_factory.mktemp("fix_differential"))
