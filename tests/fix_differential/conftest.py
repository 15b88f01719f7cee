"""The corpus run (CLI passes and model builds) is computed once per session."""

from __future__ import annotations

import pytest

from .harness import Corpus, prepare


@pytest.fixture(scope="session")
def fixed_corpus(request, tmp_path_factory) -> Corpus:
    # Only the files whose tests were selected (``-k``) are fixed and built.
    wanted = {
        item.callspec.params["entry"].id
        for item in request.session.items
        if hasattr(item, "callspec") and "entry" in item.callspec.params
    }
    return prepare(tmp_path_factory.mktemp("fix_differential"), wanted)
