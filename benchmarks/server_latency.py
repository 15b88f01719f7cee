"""How long after an edit does the editor get fresh diagnostics, against a whole CLI run?

One generated model file of about 2,000 lines (``--blocks`` functional-API builders, a third
of them with findings), measured in the same run:

- **server**: ``kaiming-lint server --debounce 0`` driven over stdio by pygls's own language
  client. After ``didOpen``, each of ``--edits`` incremental edits (one initializer string
  changed, alternating between a He and a Glorot value, so the findings change every time) is
  timed from sending ``textDocument/didChange`` to receiving the ``publishDiagnostics`` for that
  version. The median is reported. An editor adds the debounce (0.15 s by default) on top.
- **CLI**: ``python -m kaiming_lint FILE`` as a new process, the whole-process wall time
  (interpreter start, imports, reading, linting, printing), median of ``--runs``.
- for the breakdown: ``pipeline.check`` on the same text in this process (what the server runs
  per edit; median of ``--runs``), and ``python -m kaiming_lint --version`` (start-up alone).

It prints the medians and the ratio server / CLI (smaller is better).

    python benchmarks/server_latency.py [--blocks 80] [--edits 9] [--runs 5]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
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


async def server_latencies(path: Path, text: str, edits: int) -> list[float]:
    client = LanguageClient("server-latency-benchmark", "1")
    published: dict[int, asyncio.Event] = {}

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def diagnostics(params: types.PublishDiagnosticsParams) -> None:
        if params.version is not None:
            published.setdefault(params.version, asyncio.Event()).set()

    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    await client.start_io(
        sys.executable, "-m", "kaiming_lint", "server", "--debounce", "0", env=env
    )
    await client.initialize_async(
        types.InitializeParams(
            capabilities=types.ClientCapabilities(), root_uri=path.parent.as_uri()
        )
    )
    client.initialized(types.InitializedParams())
    uri = path.as_uri()

    async def wait(version: int) -> None:
        await asyncio.wait_for(published.setdefault(version, asyncio.Event()).wait(), 60)

    client.text_document_did_open(
        types.DidOpenTextDocumentParams(types.TextDocumentItem(uri, "python", 1, text))
    )
    await wait(1)
    line, column, current = edit_position(text)
    values = ['"glorot_normal"', "keras.initializers.HeNormal()"]
    latencies = []
    for version in range(2, edits + 2):
        new = values[version % 2]
        change = types.TextDocumentContentChangePartial(
            range=types.Range(
                types.Position(line, column), types.Position(line, column + len(current))
            ),
            text=new,
        )
        started = time.perf_counter()
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                types.VersionedTextDocumentIdentifier(uri=uri, version=version), [change]
            )
        )
        await wait(version)
        latencies.append(time.perf_counter() - started)
        current = new
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    return latencies


def cli_times(path: Path, runs: int, *arguments: str) -> list[float]:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        result = subprocess.run(
            [sys.executable, "-m", "kaiming_lint", *(arguments or [str(path)])],
            capture_output=True,
            env=env,
            check=False,
        )
        times.append(time.perf_counter() - started)
        if result.returncode not in (0, 1):
            raise RuntimeError(result.stderr.decode())
    return times


def check_times(text: str, runs: int) -> list[float]:
    sys.path.insert(0, str(ROOT))
    from kaiming_lint.pipeline import Document, LintOptions, check

    times = []
    for _ in range(runs):
        started = time.perf_counter()
        check(Document("model_zoo.py", text), LintOptions())
        times.append(time.perf_counter() - started)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--blocks", type=int, default=80, help="builders in the file (25 lines each)"
    )
    parser.add_argument("--edits", type=int, default=9, help="timed edits (median reported)")
    parser.add_argument("--runs", type=int, default=5, help="CLI runs (median reported)")
    args = parser.parse_args()
    text = model_source(args.blocks)
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "model_zoo.py"
        path.write_text(text, encoding="utf-8")
        cli = statistics.median(cli_times(path, args.runs))
        server = statistics.median(asyncio.run(server_latencies(path, text, args.edits)))
        startup = statistics.median(cli_times(path, args.runs, "--version"))
        in_process = statistics.median(check_times(text, args.runs))
    lines = text.count("\n")
    print(f"file: {lines} lines, {args.blocks} builders")
    print("| measurement | median |\n|---|---:|")
    print(f"| CLI, whole process (`kaiming-lint FILE`), {args.runs} runs | {cli * 1000:.0f} ms |")
    print(
        f"| server, edit -> diagnostics (debounce 0), {args.edits} edits | {server * 1000:.0f} ms |"
    )
    print(
        f"| `pipeline.check` in process (the server's work per edit) | {in_process * 1000:.0f} ms |"
    )
    print(f"| CLI start-up alone (`kaiming-lint --version`) | {startup * 1000:.0f} ms |")
    print(f"ratio server / CLI: {server / cli:.2f}")


if __name__ == "__main__":
    main()
