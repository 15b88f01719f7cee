"""A minimal LSP client over stdio: JSON-RPC framing by hand, as an editor speaks it."""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
TIMEOUT = 30.0


def server_command() -> list[str]:
    return [sys.executable, "-m", "kaiming_lint", "server", "--debounce", "0.05"]


def server_env(*first: str) -> dict[str, str]:
    """The environment with this checkout (after the ``first`` paths) on PYTHONPATH."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [*first, str(REPO), env.get("PYTHONPATH")]))
    return env


class Client:
    """Starts ``kaiming-lint server`` and talks to it; answers the server's requests."""

    def __init__(
        self,
        cwd: Path,
        capabilities: dict[str, Any] | None = None,
        env: dict[str, str] | None = None,
    ) -> None:
        self.process = subprocess.Popen(
            server_command(),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=cwd,
            env=env or server_env(),
        )
        self.capabilities = capabilities
        self.next_id = 0
        self.messages: queue.Queue[dict[str, Any]] = queue.Queue()
        self.notifications: list[dict[str, Any]] = []
        self.server_requests: list[dict[str, Any]] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    # wire ---------------------------------------------------------------------------------
    def _send(self, message: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        assert self.process.stdin is not None
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()

    def _read(self) -> None:
        stream = self.process.stdout
        assert stream is not None
        while True:
            headers = {}
            while True:
                line = stream.readline()
                if not line:
                    return
                line = line.strip()
                if not line:
                    break
                name, _, value = line.decode("ascii").partition(":")
                headers[name.strip().lower()] = value.strip()
            body = stream.read(int(headers["content-length"]))
            self.messages.put(json.loads(body))

    def _next(self, deadline: float) -> dict[str, Any]:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("the server did not answer in time")
        message = self.messages.get(timeout=remaining)
        if "method" in message and "id" in message:  # a request from the server
            self.server_requests.append(message)
            self._send({"id": message["id"], "result": None})
            return self._next(deadline)
        return message

    # requests and notifications -----------------------------------------------------------
    def request(self, method: str, params: Any = None) -> Any:
        self.next_id += 1
        number = self.next_id
        self._send({"id": number, "method": method, "params": params})
        deadline = time.monotonic() + TIMEOUT
        while True:
            message = self._next(deadline)
            if message.get("id") == number and "method" not in message:
                assert "error" not in message, message["error"]
                return message.get("result")
            self.notifications.append(message)

    def notify(self, method: str, params: Any = None) -> None:
        self._send({"method": method, "params": params})

    def wait_for(self, method: str, predicate=lambda params: True, timeout: float = TIMEOUT):
        """The params of the first (already received or coming) notification that matches."""
        for index, message in enumerate(self.notifications):
            if message.get("method") == method and predicate(message["params"]):
                del self.notifications[index]
                return message["params"]
        deadline = time.monotonic() + timeout
        while True:
            message = self._next(deadline)
            if message.get("method") == method and predicate(message["params"]):
                return message["params"]
            self.notifications.append(message)

    def diagnostics(self, uri: str, version: int | None = None) -> list[dict[str, Any]]:
        def matches(params: dict[str, Any]) -> bool:
            return params["uri"] == uri and (version is None or params.get("version") == version)

        return self.wait_for("textDocument/publishDiagnostics", matches)["diagnostics"]

    # session ------------------------------------------------------------------------------
    def initialize(self, root: Path) -> dict[str, Any]:
        capabilities = self.capabilities or {
            "textDocument": {
                "publishDiagnostics": {"versionSupport": True},
                "codeAction": {
                    "codeActionLiteralSupport": {
                        "codeActionKind": {"valueSet": ["quickfix", "source.fixAll"]}
                    }
                },
                "synchronization": {"didSave": True},
            },
            "workspace": {"didChangeWatchedFiles": {"dynamicRegistration": True}},
            "notebookDocument": {"synchronization": {}},
        }
        result = self.request(
            "initialize",
            {
                "processId": os.getpid(),
                "rootUri": root.as_uri(),
                "capabilities": capabilities,
            },
        )
        self.notify("initialized", {})
        return result

    def open(self, uri: str, text: str, version: int = 1, language: str = "python") -> None:
        self.notify(
            "textDocument/didOpen",
            {
                "textDocument": {
                    "uri": uri,
                    "languageId": language,
                    "version": version,
                    "text": text,
                }
            },
        )

    def change(self, uri: str, version: int, changes: list[dict[str, Any]]) -> None:
        self.notify(
            "textDocument/didChange",
            {"textDocument": {"uri": uri, "version": version}, "contentChanges": changes},
        )

    def code_actions(
        self, uri: str, start: tuple[int, int], end: tuple[int, int], only=None, diagnostics=()
    ) -> list[dict[str, Any]]:
        context: dict[str, Any] = {"diagnostics": list(diagnostics)}
        if only is not None:
            context["only"] = only
        return (
            self.request(
                "textDocument/codeAction",
                {
                    "textDocument": {"uri": uri},
                    "range": {
                        "start": {"line": start[0], "character": start[1]},
                        "end": {"line": end[0], "character": end[1]},
                    },
                    "context": context,
                },
            )
            or []
        )

    def close(self) -> int:
        """shutdown, exit, and the server's exit status."""
        assert self.request("shutdown") is None
        self.notify("exit")
        try:
            return self.process.wait(timeout=TIMEOUT)
        finally:
            for stream in (self.process.stdin, self.process.stdout, self.process.stderr):
                if stream is not None:
                    stream.close()

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def apply_edits(text: str, edits: list[dict[str, Any]]) -> str:
    """Apply LSP TextEdits (UTF-16 positions) to ``text``, as an editor does."""
    import re

    lines = re.findall(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$", text)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))

    def offset(position: dict[str, int]) -> int:
        row = position["line"]
        if row >= len(lines):
            return len(text)
        body = lines[row].rstrip("\r\n")
        units = 0
        for index, char in enumerate(body):
            if units >= position["character"]:
                return starts[row] + index
            units += 2 if ord(char) > 0xFFFF else 1
        return starts[row] + len(body)

    spans = sorted(
        ((offset(e["range"]["start"]), offset(e["range"]["end"]), e["newText"]) for e in edits),
        reverse=True,
    )
    for start, end, new in spans:
        text = text[:start] + new + text[end:]
    return text
