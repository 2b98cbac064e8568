"""The site built once per test session from the bundled disclosures (shared by test_site.py and
test_site_browser.py): `yusuan build` in-process into a temporary folder, packages, database and site,
and a local HTTP server for the browser tests."""

from __future__ import annotations

import functools
import http.server
import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from conftest import DISCLOSURES
from localserver import serving


@dataclass(frozen=True)
class Built:
    packages: Path
    build_dir: Path
    said: tuple[str, ...]

    @property
    def sources(self) -> Path:  # the input folder, whose files 查看原文 shows
        return DISCLOSURES

    @property
    def database(self) -> Path:
        return self.build_dir / "yusuan.db"

    @property
    def docs(self) -> Path:
        return self.build_dir / "docs"

    @property
    def site(self) -> Path:
        return self.build_dir / "site"

    def query(self, sql: str, *params) -> list[sqlite3.Row]:
        con = sqlite3.connect(self.database)
        con.row_factory = sqlite3.Row
        try:
            return con.execute(sql, params).fetchall()
        finally:
            con.close()


@functools.cache
def _build(root: Path) -> Built:
    from pipeline.build import BuildPaths, build

    said: list[str] = []
    paths = BuildPaths(DISCLOSURES, root / "datapackages", root / "build")
    report = build(paths, say=said.append, site=True, cache=False)
    assert not report.failed, said
    return Built(paths.packages_dir, paths.build_dir, tuple(said))


def built_site(tmp_path_factory) -> Built:
    return _build(tmp_path_factory.getbasetemp() / "site-build")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 (the base class's name)
        pass


def serve(folder: Path) -> Iterator[str]:
    """Serve `folder` on 127.0.0.1 (a free port) in a thread; yields the base URL."""
    with serving(functools.partial(_QuietHandler, directory=str(folder))) as url:
        yield f"{url}/"


# ------------------------------------------------------------------------- reading generated pages

CELL_SPLIT = re.compile(r"(?<!\\)\|")


def markdown_tables(text: str) -> list[tuple[list[str], list[list[str]]]]:
    """Every Markdown table of a page (also indented ones): (headers, rows of cells)."""
    tables, lines, i = [], text.splitlines(), 0
    while i < len(lines):
        line = lines[i].strip()
        if line.startswith("|") and i + 1 < len(lines) and re.match(r"^\|\s*:?-{3}", lines[i + 1].strip()):
            headers = cells(line)
            rows = []
            i += 2
            while i < len(lines) and lines[i].strip().startswith("|"):
                rows.append(cells(lines[i].strip()))
                i += 1
            tables.append((headers, rows))
        else:
            i += 1
    return tables


def cells(line: str) -> list[str]:
    return [c.strip() for c in CELL_SPLIT.split(line.strip().strip("|"))]


def number(text: str) -> Decimal | None:
    text = text.replace(",", "").strip()
    return Decimal(text) if re.fullmatch(r"-?\d+(\.\d+)?", text) else None
