"""Bytes → text, or a clear reason why a file is not a readable disclosure.

Accepts UTF-8 with or without BOM and GB18030 (a superset of GBK/GB2312), the encodings Chinese PDF
extraction tools write.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from ..errors import UnreadableInput

MAX_LINE_CHARS = 100_000  # a real extracted line is a paragraph at most; megabytes mean a broken file
BINARY_SAMPLE = 8192


def read_text(path: Path) -> tuple[str, str]:
    """The file's text and the sha256 of its bytes (read once)."""
    data = path.read_bytes()
    name = str(path)
    if b"\x00" in data[:BINARY_SAMPLE]:
        raise UnreadableInput(name, None, "the file is binary (NUL bytes), not extracted text")
    text = _decode(name, data)
    if not text.strip():  # after the BOM is removed: a BOM and blank lines are an empty file too
        raise UnreadableInput(name, None, "the file is empty")
    _check_lines(name, text)
    return text, hashlib.sha256(data).hexdigest()


def _decode(name: str, data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as utf8_error:
        try:
            return data.decode("gb18030")
        except UnicodeDecodeError:
            line = data[: utf8_error.start].count(b"\n") + 1
            truncated = utf8_error.start >= len(data) - 3
            reason = (
                "the file ends inside a multi-byte character (truncated?)"
                if truncated
                else f"bytes at offset {utf8_error.start} are neither UTF-8 nor GB18030"
            )
            raise UnreadableInput(name, line, reason) from None


def _check_lines(name: str, text: str) -> None:
    start = 0
    number = 1
    while True:
        end = text.find("\n", start)
        length = (len(text) if end < 0 else end) - start
        if length > MAX_LINE_CHARS:
            raise UnreadableInput(
                name, number, f"line is {length:,} characters long (limit {MAX_LINE_CHARS:,}); not extracted text"
            )
        if end < 0:
            return
        start = end + 1
        number += 1
