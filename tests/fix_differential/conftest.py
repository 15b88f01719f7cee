"""The corpus run (CLI passes and model builds) is computed once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from .harness import Corpus, prepare

_HERE = Path(__file__).parent


@pytest.fixture(scope="session")
def fixed_corpus(request, tmp_path_factory) -> Corpus:
    # Only the files whose tests were selected (``-k``) are fixed and built.
    wanted = {
        item.callspec.params["entry"].id
        for item in request.session.items
        if hasattr(item, "callspec")
        and "entry" in item.callspec.params
        and _HERE in Path(item.path).parents  # other folders name their parameters "entry" too
    }
    return prepare(tmp_path_factory.mktemp("fix_differential"), wanted)
