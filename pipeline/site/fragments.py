"""Parts of a page written as HTML, put into the page after Markdown has rendered the rest.

Most of a disclosure page is its goals' indicator tables and its unparsed lines: hundreds of rows with no
link in them (`pages.performance_section`, `pages.tables_section`). As Markdown, or as a raw HTML block
Markdown still parses (html.parser) to find where it ends, they were most of the time MkDocs spent on a
page. Such a part is kept as a fragment, a file named by its sha256 (`Fragments.put`); the page's
Markdown holds a one-line placeholder naming it, and a hook of the site's MkDocs configuration
(`mkdocs_hooks.py`, so `mkdocs serve -f build/mkdocs.yml` shows it too) replaces the placeholder by the
fragment when the page's HTML is made (on_page_content: before search reads the page, before the page
cache keeps it). A page's Markdown names each fragment by its hash, so a page taken from the page cache
is right as long as its Markdown is the same.

A fragment holds no heading and no link (MkDocs neither lists nor rewrites what it did not render), and
every text in it is escaped (`escape.text`).
"""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

from ..atomic import make_folder, write_atomic
from ..errors import PipelineError

PLACEHOLDER = '<div class="yusuan-fragment" data-sha256="{}"></div>'
_PLACEHOLDER_RE = re.compile(r'<div class="yusuan-fragment" data-sha256="([0-9a-f]{64})"></div>')


def fragments_folder(docs: Path) -> Path:
    """Where a site build keeps its fragments: beside its docs folder (`mkdocs_hooks.py` finds them there)."""
    return docs.parent / "fragments"


class Fragments:
    """The fragments of one site build, in `folder` (emptied when the pages are written again)."""

    def __init__(self, folder: Path):
        self.folder = folder
        if folder.exists():
            shutil.rmtree(folder)
        make_folder(folder)

    def put(self, html: str) -> str:
        """Keep `html` as a fragment; the placeholder that stands for it in a page's Markdown (a block of
        its own: blank lines around it)."""
        data = html.encode("utf-8")
        sha256 = hashlib.sha256(data).hexdigest()
        path = self.folder / f"{sha256}.html"
        if not path.exists():
            write_atomic(path, data)
        return "\n" + PLACEHOLDER.format(sha256) + "\n"


def put_into(html: str, folder: Path, page: str) -> str:
    """The HTML of `page` with each placeholder replaced by its fragment from `folder`."""
    return _PLACEHOLDER_RE.sub(lambda m: fragment(folder, m.group(1), page), html)


def fragment(folder: Path, sha256: str, page: str) -> str:
    """The fragment `sha256` of `folder`, checked against its name; a missing or damaged one fails the
    site build, naming the page and the file."""
    path = folder / f"{sha256}.html"
    try:
        data = path.read_bytes()
    except OSError as e:
        raise PipelineError(str(path), None, f"the page {page} holds a part of it that is missing ({e.strerror}); "
                            "build the site again") from None
    if hashlib.sha256(data).hexdigest() != sha256:
        raise PipelineError(str(path), None, f"the part of the page {page} kept in this file is damaged (its sha256 "
                            "is not its name); build the site again")
    return data.decode("utf-8")
