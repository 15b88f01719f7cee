from __future__ import annotations

import pytest

from .lsp_client import Client


@pytest.fixture
def start_client(tmp_path):
    """start_client(capabilities=None) -> an initialized Client rooted at tmp_path."""
    started: list[Client] = []

    def start(capabilities=None) -> Client:
        client = Client(tmp_path, capabilities)
        started.append(client)
        client.initialize(tmp_path)
        return client

    yield start
    for client in started:
        client.kill()
