"""``kaiming-lint server``: the language server, on pygls (the ``kaiming-keras[server]`` extra).

Only this module loads without the extra: it checks that pygls is importable and otherwise prints
a one-line install hint (exit status 2), so the base install stays libcst-only.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

INSTALL_HINT = (
    "kaiming-lint server needs the language server extra: pip install 'kaiming-keras[server]'"
)
EXIT_ERROR = 2
_SERVER_LIBRARIES = frozenset({"pygls", "lsprotocol"})


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kaiming-lint server",
        description="Run the kaiming-lint language server (LSP 3.17) over stdin and stdout.",
        epilog="Editors start this command themselves; see the README for each editor's setup.",
    )
    parser.add_argument(
        "--debounce",
        type=float,
        default=0.15,
        metavar="SECONDS",
        help="wait this long after the last edit before linting again (default: 0.15)",
    )
    return parser


def main(argv: Sequence[str] = ()) -> int:
    """Serve on stdio until the client sends exit; returns the exit status."""
    args = build_parser().parse_args(list(argv))
    if args.debounce < 0:
        print("kaiming-lint server: error: --debounce must be >= 0", file=sys.stderr)
        return EXIT_ERROR
    try:
        from kaiming_lint.lsp.server import serve
    except ImportError as error:
        if (error.name or "").partition(".")[0] not in _SERVER_LIBRARIES:
            raise
        print(f"kaiming-lint: error: {INSTALL_HINT}", file=sys.stderr)
        return EXIT_ERROR

    serve(debounce=args.debounce)
    return 0
