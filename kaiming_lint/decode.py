"""Bytes to text the way Python reads a source file: a PEP 263 coding line, a BOM, else UTF-8."""

from __future__ import annotations

import io
import tokenize

__all__ = ["Unreadable", "decode"]


class Unreadable(Exception):
    """A file (or a part of it) could not be read as what it claims to be; where, and why."""

    def __init__(self, reason: str, line: int = 1, column: int = 1) -> None:
        super().__init__(reason)
        self.reason, self.line, self.column = reason, line, column


def decode(data: bytes) -> tuple[str, str]:
    """The file's text and the encoding it declares; ``Unreadable`` says where decoding fails."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as error:
        raise Unreadable(f"could not decode the file: {error.msg}", error.lineno or 1, 1) from None
    try:
        return data.decode(encoding), encoding
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        raise Unreadable(
            f"could not decode the file as {encoding}: byte 0x{data[error.start]:02x} is invalid",
            line,
            column,
        ) from None
