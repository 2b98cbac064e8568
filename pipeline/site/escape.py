"""Escaping for every place where text from a document, a file name or the catalog lands on a page.

Nothing a disclosure prints is markup: one function per destination makes it text there.

- `md(text)`: inline Markdown (a paragraph, a list item, a table cell, a heading, a link label):
  HTML escaped, Markdown metacharacters backslash-escaped, one line, no block syntax at its start.
- `code(text)`: a file name or identifier shown as code; a backtick in it cannot end the span.
- `text(value)`: text inside a raw HTML block (Markdown does not read it): HTML escaped, one line.
- `attr(text)`: the value of a double-quoted HTML attribute.
- `title(text)`: navigation titles and the front matter `title:`. Material renders them with Jinja
  without autoescaping (in `<title>`, the header, the navigation, the footer), so they are HTML-escaped
  here, once. A page whose title comes from data must set `title:` in its front matter: without it
  Material puts `page.title | striptags` into `<title>`, which would undo the escaping.
- `front_matter(mapping)`: a YAML front matter block, every value quoted by the YAML dumper.
- `safe_url(url)`: the URL if it is an absolute http(s) URL (percent-encoded where Markdown or HTML
  would read a character as syntax), else None; `link(label, url)` is then a link or plain text.
- `path(*segments)`: a relative link target, each segment percent-encoded; `anchor(text)`: an id.
"""

from __future__ import annotations

import html
import re
from urllib.parse import quote, urlsplit

import yaml

MD_SPECIAL = re.compile(r"([\\`*_\[\]|{}#!])")  # Python-Markdown's escapable characters that start markup
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # never printed; \x02/\x03 are Markdown's placeholders
# Line breaks, without the whitespace around them: `\s*[…]\s*` backtracked over every run of spaces
# (a cell of 16,000 spaces took 10 s to escape); the pieces between breaks are stripped instead.
LINE_BREAK = re.compile(r"[\r\n\v\f\x1c-\x1e\x85\u2028\u2029]")
# at the start of a block these start a list, an admonition, a fence, a definition or a heading underline
LEADING = re.compile(r"^(?:(\d+)\.|([-+=~:?]))")
URL_SAFE = ":/?#@!$&+,;=%~-._[]"  # kept as is; everything else (parentheses, quotes, <, >, spaces) is encoded
# text without any character md() changes (markup, HTML, controls, line breaks), most of what is printed
PLAIN = re.compile(r"[^\\`*_\[\]|{}#!&<>\x00-\x1f\x7f\x85\u2028\u2029]*")


def _one_line(text: object) -> str:
    if text is None:
        return ""
    pieces = (piece.strip() for piece in LINE_BREAK.split(str(text)))
    return CONTROL.sub("", " ".join(piece for piece in pieces if piece)).strip()


def md(text: object) -> str:
    """Text as printed, safe inside inline Markdown: shows exactly these characters."""
    if type(text) is str and PLAIN.fullmatch(text) and text == text.strip() and not LEADING.match(text):
        return text  # nothing to escape (a third of the time of writing the pages went here)
    s = MD_SPECIAL.sub(r"\\\1", html.escape(_one_line(text), quote=False))
    return LEADING.sub(lambda m: f"{m.group(1)}\\." if m.group(1) else f"&#{ord(m.group(2))};", s)


def code(text: object) -> str:
    """Text as code: `<code>` around Markdown-escaped text (a backtick in a file name stays a backtick)."""
    return f"<code>{md(text)}</code>"


def text(value: object) -> str:
    """Text as printed inside raw HTML (a block Markdown passes through untouched): HTML-escaped, one line."""
    return html.escape(_one_line(value), quote=False)


def attr(text: object) -> str:
    return html.escape(_one_line(text), quote=True)


def title(text: object) -> str:
    """A navigation or page title (rendered unescaped by the theme's templates)."""
    return html.escape(_one_line(text), quote=True)


def front_matter(values: dict) -> str:
    return "---\n" + yaml.safe_dump(values, allow_unicode=True, sort_keys=False, width=1 << 20) + "---\n"


def safe_url(url: object) -> str | None:
    """`url` if it is an absolute http or https URL, made safe for a Markdown link and an HTML attribute;
    else None (javascript:, data:, relative, malformed: not a link)."""
    if not isinstance(url, str):
        return None
    url = url.strip()
    if not url or CONTROL.search(url) or LINE_BREAK.search(url) or re.search(r"\s", url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. an unbalanced [ in the host
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return quote(url, safe=URL_SAFE)


def link(label_md: str, url: object) -> str:
    """A Markdown link with the (already escaped) label if `url` is safe, else the label as text."""
    target = safe_url(url)
    return f"[{label_md}]({target})" if target else label_md


def path(*segments: object) -> str:
    """A relative link target such as `disclosures/<doc_id>.md`, each segment percent-encoded."""
    return "/".join(quote(str(s), safe="") for s in segments)


def anchor(text: object) -> str:
    """An id for `{ #id }`: letters, digits, - and _ only (anything else becomes -)."""
    return re.sub(r"[^A-Za-z0-9_-]", "-", str(text)).strip("-") or "x"
