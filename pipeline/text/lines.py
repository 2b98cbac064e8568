"""Numbered lines with a matching key.

`source_line` is 1-based and counts `\\n` only (as `grep -n` and `sed -n Np` do): form feeds and other
characters that `str.splitlines()` treats as breaks stay inside the line.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

_TAG = re.compile(r"</?(?:b|p|strong|em|i|u|span|br|div|font)\b[^>]*>", re.IGNORECASE)
_SPACE = re.compile(r"\s+")
_MARKDOWN_MARK = re.compile(r"^\s*(?:#{1,6}\s+|[-*]\s+(?=\S))|\*\*|__")


@dataclass(frozen=True, slots=True)
class Line:
    number: int  # 1-based line number in the input file
    text: str  # the line as printed (without the newline)
    key: str = field(default="", compare=False)  # match_key(text), computed once

    def __post_init__(self) -> None:
        if not self.key and self.text:
            object.__setattr__(self, "key", match_key(self.text))


def split_lines(text: str) -> list[Line]:
    """Split on `\\n` only; strip a trailing `\\r` so CRLF files number the same."""
    parts = text.split("\n")
    if parts and parts[-1] == "":
        parts.pop()
    return [Line(i + 1, p[:-1] if p.endswith("\r") else p) for i, p in enumerate(parts)]


@lru_cache(maxsize=65536)
def strip_markup(text: str) -> str:
    """Remove inline HTML tags and markdown emphasis/heading marks, keep the words as printed."""
    text = _TAG.sub("", text)
    text = _MARKDOWN_MARK.sub("", text)
    return text.replace("\f", " ")


@lru_cache(maxsize=65536)
def match_key(text: str) -> str:
    """The text normalised for matching only: markup removed, NFKC, no whitespace.

    Never publish this: published labels keep the printed text.
    """
    return _SPACE.sub("", unicodedata.normalize("NFKC", strip_markup(text)))
