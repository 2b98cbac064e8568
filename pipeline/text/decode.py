"""Bytes → text, or a clear reason why a file is not a readable disclosure.

Accepts UTF-8 with or without BOM and GB18030 (a superset of GBK/GB2312), the encodings Chinese PDF
extraction tools write, and UTF-16 (LE or BE; with a byte-order mark, or without one when the NUL bytes
of its ASCII characters all fall on one side, as Windows "Unicode" text does).

Sizes are limited so that a broken or hostile file is reported, not read for minutes: the largest real
disclosure text is a few MB with paragraphs of a few thousand characters; the limits are ten times that.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from ..errors import UnreadableInput

MAX_LINE_CHARS = 100_000  # a real extracted line is a paragraph at most; megabytes mean a broken file
MAX_FILE_BYTES = 50 * 1024 * 1024  # a text file, checked before it is read into memory
MAX_TEXT_CHARS = 30_000_000  # decoded text, also a PDF's extracted text (50 MB of Chinese is ~17M characters)
BINARY_SAMPLE = 8192
UTF16_BOMS = ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))
# control characters no text holds (tab, newline, carriage return and form feed are text)
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")


def read_text(path: Path) -> tuple[str, str]:
    """The file's text and the sha256 of its bytes (read once)."""
    name = str(path)
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise UnreadableInput(name, None, f"the file is {size / 1024 / 1024:,.1f} MB: over the limit of "
                                          f"{MAX_FILE_BYTES // 1024 // 1024} MB for a disclosure's text")
    data = path.read_bytes()
    utf16 = _utf16(data)
    if utf16 is None and b"\x00" in data[:BINARY_SAMPLE]:
        raise UnreadableInput(name, None, "the file is binary (NUL bytes), not extracted text")
    text = _decode_utf16(name, data, *utf16) if utf16 else _decode(name, data)
    if not text.strip():  # after the BOM is removed: a BOM and blank lines are an empty file too
        raise UnreadableInput(name, None, "the file is empty")
    check_text(name, text)
    return text, hashlib.sha256(data).hexdigest()


def check_text(name: str, text: str) -> None:
    """Raise `UnreadableInput` for a text over the size limits: the whole text, or one of its lines."""
    if len(text) > MAX_TEXT_CHARS:
        raise UnreadableInput(name, None, f"the text is {len(text):,} characters long: over the limit of "
                                          f"{MAX_TEXT_CHARS:,} for a disclosure")
    _check_lines(name, text)


def _utf16(data: bytes) -> tuple[str, int] | None:
    """(codec, bytes to skip) if the data is UTF-16: a byte-order mark, or NUL bytes nearly all on one side
    of each pair (the high bytes of ASCII characters: newlines, digits; a few CJK characters such as 一
    U+4E00 put one on the other side); None otherwise. Without a mark, `_decode_utf16` confirms the guess."""
    for bom, codec in UTF16_BOMS:
        if data.startswith(bom) and not data.startswith(b"\xff\xfe\x00\x00"):  # not UTF-32
            return codec, len(bom)
    sample = data[:BINARY_SAMPLE]
    if b"\x00" not in sample or len(data) % 2:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if odd >= 10 * even:
        return "utf-16-le", 0
    if even >= 10 * odd:
        return "utf-16-be", 0
    return None


def _decode_utf16(name: str, data: bytes, codec: str, skip: int) -> str:
    try:
        text = data[skip:].decode(codec)
    except UnicodeDecodeError as e:
        if not skip:  # without a byte-order mark the guess was wrong: binary
            raise UnreadableInput(name, None, "the file is binary (NUL bytes), not extracted text") from None
        line = data[skip:skip + e.start].decode(codec, errors="replace").count("\n") + 1
        reason = ("the file ends inside a character (truncated?)" if e.start >= len(data) - skip - 3
                  else f"bytes at offset {skip + e.start} are not valid {codec.upper()}")
        raise UnreadableInput(name, line, reason) from None
    control = CONTROL_RE.search(text)
    if not skip and (control or "\n" not in text):  # without a byte-order mark the guess was wrong: binary
        raise UnreadableInput(name, None, "the file is binary (NUL bytes), not extracted text")
    if control:
        line = text.count("\n", 0, control.start()) + 1
        raise UnreadableInput(name, line, f"control character U+{ord(control.group()):04X} in {codec.upper()} text")
    return text


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
