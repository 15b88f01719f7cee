"""How long after an edit does the editor get fresh diagnostics, against a whole CLI run?

One generated model file of about 2,000 lines (``--blocks`` functional-API builders, a third
of them with findings), measured in the same run:

- **server**: ``kaiming-lint server --debounce 0`` driven over stdio by pygls's own language
  client. After ``didOpen``, each incremental edit (one initializer string
  changed, alternating between a He and a Glorot value, so the findings change every time) is
  timed from sending ``textDocument/didChange`` to receiving the ``publishDiagnostics`` for that
  version. The median is reported. An editor adds the debounce (0.15 s by default) on top.
- **CLI**: ``python -m kaiming_lint FILE`` as a new process, the whole-process wall time
  (interpreter start, imports, reading, linting, printing).
- for the breakdown: ``pipeline.check`` on the same text in this process (what the server runs
  per edit), and ``python -m kaiming_lint --version`` (start-up alone).

The four are timed in turn in each of ``--rounds`` rounds, so the load of a shared machine
weighs on all of them alike. It prints the medians and the ratio server / CLI (smaller is
better).

    python benchmarks/server_latency.py [--blocks 80] [--rounds 9]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from lsprotocol import types
from pygls.lsp.client import LanguageClient

ROOT = Path(__file__).resolve().parent.parent

HEADER = '''\
"""A generated model zoo: {blocks} small functional-API builders."""

import keras
from keras import layers


'''
BLOCK = '''\
def block_{n}(inputs, filters={filters}):
    """Convolution block {n}: conv, normalization, ReLU, pooling, then a dense head."""
    x = layers.Conv2D(
        filters,
        3,
        padding="same",
        kernel_initializer={conv_init},
    )(inputs)
    x = layers.BatchNormalization()(x)
    x = layers.ReLU()(x)
    x = layers.Conv2D(
        filters * 2,
        3,
        padding="same",
        activation="relu",
        kernel_initializer="he_normal",
    )(x)
    x = layers.MaxPooling2D(2)(x)
    x = layers.Dropout(0.1)(x)
    x = layers.Flatten()(x)
    x = layers.Dense(
        64,
        activation="relu",
        kernel_initializer={dense_init},
    )(x)
    outputs = layers.Dense(10, activation="softmax")(x)
    return keras.Model(inputs, outputs, name="block_{n}")


'''


def model_source(blocks: int) -> str:
    parts = [HEADER.format(blocks=blocks)]
    for n in range(blocks):
        parts.append(
            BLOCK.format(
                n=n,
                filters=16 + n % 4 * 16,
                conv_init='"glorot_uniform"' if n % 3 == 0 else '"he_uniform"',
                dense_init='"lecun_normal"' if n % 3 == 1 else "keras.initializers.HeNormal()",
            )
        )
    return "".join(parts)


def edit_position(text: str) -> tuple[int, int, str]:
    """The line and column of the first Dense head's initializer in the middle of the file."""
    lines = text.splitlines()
    middle = len(lines) // 2
    for number in range(middle, len(lines)):
        column = lines[number].find("kernel_initializer=keras.initializers.HeNormal()")
        if column >= 0:
            column += len("kernel_initializer=")
            return number, column, "keras.initializers.HeNormal()"
    raise RuntimeError("no Dense head initializer found")


class Server:
    """``kaiming-lint server --debounce 0`` with one open document, driven by pygls's client."""

    def __init__(self, path: Path, text: str) -> None:
        self.path, self.text = path, text
        self.client = LanguageClient("server-latency-benchmark", "1")
        self.published: dict[int, asyncio.Event] = {}
        self.version = 1
        self.line, self.column, self.current = edit_position(text)

        @self.client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def diagnostics(params: types.PublishDiagnosticsParams) -> None:
            if params.version is not None:
                self._event(params.version).set()

    def _event(self, version: int) -> asyncio.Event:
        return self.published.setdefault(version, asyncio.Event())

    async def start(self) -> None:
        await self.client.start_io(
            sys.executable, "-m", "kaiming_lint", "server", "--debounce", "0", env=_env()
        )
        await self.client.initialize_async(
            types.InitializeParams(
                capabilities=types.ClientCapabilities(), root_uri=self.path.parent.as_uri()
            )
        )
        self.client.initialized(types.InitializedParams())
        self.client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                types.TextDocumentItem(self.path.as_uri(), "python", 1, self.text)
            )
        )
        await asyncio.wait_for(self._event(1).wait(), 120)

    async def edit(self) -> float:
        """Change one initializer; seconds until the diagnostics of the new version arrive."""
        self.version += 1
        new = ['"glorot_normal"', "keras.initializers.HeNormal()"][self.version % 2]
        change = types.TextDocumentContentChangePartial(
            range=types.Range(
                types.Position(self.line, self.column),
                types.Position(self.line, self.column + len(self.current)),
            ),
            text=new,
        )
        started = time.perf_counter()
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                types.VersionedTextDocumentIdentifier(uri=self.path.as_uri(), version=self.version),
                [change],
            )
        )
        await asyncio.wait_for(self._event(self.version).wait(), 120)
        self.current = new
        return time.perf_counter() - started

    async def stop(self) -> None:
        await self.client.shutdown_async(None)
        self.client.exit(None)
        await self.client.stop()


def _env() -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }


async def cli_time(*arguments: str) -> float:
    """Wall time of one ``python -m kaiming_lint ARGUMENTS`` process."""
    started = time.perf_counter()
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "kaiming_lint",
        *arguments,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
        env=_env(),
    )
    _, stderr = await process.communicate()
    elapsed = time.perf_counter() - started
    if process.returncode not in (0, 1):
        raise RuntimeError(stderr.decode())
    return elapsed


def check_time(text: str) -> float:
    sys.path.insert(0, str(ROOT))
    from kaiming_lint.pipeline import Document, LintOptions, check

    started = time.perf_counter()
    check(Document("model_zoo.py", text), LintOptions())
    return time.perf_counter() - started


async def measure(path: Path, text: str, rounds: int) -> dict[str, list[float]]:
    """Each round times one of everything, so a change in the machine's load hits all alike."""
    server = Server(path, text)
    await server.start()
    times: dict[str, list[float]] = {"cli": [], "server": [], "check": [], "startup": []}
    for _ in range(rounds):
        times["cli"].append(await cli_time(str(path)))
        times["server"].append(await server.edit())
        times["check"].append(check_time(text))
        times["startup"].append(await cli_time("--version"))
    await server.stop()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--blocks", type=int, default=80, help="builders in the file (25 lines each)"
    )
    parser.add_argument("--rounds", type=int, default=9, help="timed rounds (medians reported)")
    args = parser.parse_args()
    text = model_source(args.blocks)
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "model_zoo.py"
        path.write_text(text, encoding="utf-8")
        times = asyncio.run(measure(path, text, args.rounds))
    median = {name: statistics.median(values) for name, values in times.items()}
    print(f"file: {text.count(chr(10))} lines, {args.blocks} builders; {args.rounds} rounds")
    print("| measurement | median |\n|---|---:|")
    rows = [
        ("`kaiming-lint FILE`, whole process", "cli"),
        ("server: edit to fresh diagnostics (debounce 0)", "server"),
        ("`pipeline.check` of the file in process (the server's work per edit)", "check"),
        ("`kaiming-lint --version` (start-up alone)", "startup"),
    ]
    for label, name in rows:
        print(f"| {label} | {median[name] * 1000:.0f} ms |")
    print(f"ratio server / CLI: {median['server'] / median['cli']:.2f}")


if __name__ == "__main__":
    main()
