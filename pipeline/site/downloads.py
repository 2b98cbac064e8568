"""The data packages as downloads: what is on disk in the packages folder, copied into the site.

Each folder of the packages folder (one per disclosure, and all/ for the combined package) is copied to
`downloads/<folder>/` of the site, with its files listed by format, size and rows. Only what exists is
linked: the package writer decides which formats there are. Markdown files are not copied (MkDocs
would render them as pages).

The downloads are most of the site's bytes (every package in four formats, and the database): a file
of the site's docs folder is a hard link to the package file (`link_or_copy`), and `LinkedFiles` makes
the site's file a hard link to that, so a rebuild copies nothing. That is safe because nothing writes
these files in place: the package writer and the database replace a file by a new one (a new inode),
which the next build links again. Where a hard link cannot be made (another file system) the file is
copied, and only when its size or time changed. The CSV row counts shown on the pages are kept in
`RowCounts` by each file's size, time and inode, so an unchanged file is not read again.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from ..atomic import output_error, temp_name, write_atomic

FORMATS = {
    ".csv": "CSV", ".json": "JSON", ".xlsx": "Excel (XLSX)", ".zip": "ZIP", ".db": "SQLite",
    ".sqlite": "SQLite", ".parquet": "Parquet", ".yaml": "YAML", ".yml": "YAML", ".txt": "文本",
}
NOT_COPIED = {".md", ".markdown", ".html", ".htm"}


@dataclass(frozen=True)
class DownloadFile:
    package: str
    name: str  # path inside the package folder, with /
    path: str  # path inside the site's docs folder, with /
    size: int
    format: str
    rows: int | None  # data rows of a CSV file

    @property
    def resource(self) -> str:
        return self.name.rsplit("/", 1)[-1].rsplit(".", 1)[0]


def csv_rows(path: Path) -> int | None:
    try:
        with open(path, encoding="utf-8-sig", newline="") as f:
            return max(0, sum(1 for _ in csv.reader(f)) - 1)
    except (OSError, UnicodeDecodeError, csv.Error):
        return None


def link_or_copy(source: Path, target: Path) -> None:
    """Make `target` hold the bytes of `source`: a hard link to it, else a copy (written whole, then
    renamed) unless it is already a copy of the same size and time; nothing is done when it is that file."""
    try:
        s = source.stat()
        t = target.stat()
    except FileNotFoundError:
        t = None
    except OSError as e:
        raise output_error(target, e) from None
    if t is not None and (s.st_ino, s.st_dev) == (t.st_ino, t.st_dev):
        return
    tmp = temp_name(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(source, tmp)
        except OSError:  # another file system, or links not allowed: a copy
            if t is not None and (s.st_size, s.st_mtime_ns) == (t.st_size, t.st_mtime_ns):
                return
            shutil.copy2(source, tmp)
        os.replace(tmp, target)
    except OSError as e:
        tmp.unlink(missing_ok=True)
        raise output_error(target, e) from None


class RowCounts:
    """The data rows of CSV files, kept in `path` (build/cache/csv-rows.json) by each file's name, size,
    modification time and inode: a file replaced or changed is counted again. A damaged cache is ignored."""

    def __init__(self, path: Path | None):
        self.path = path
        self.known: dict[str, list[int]] = {}
        self.now: dict[str, list[int]] = {}
        if path is None:
            return
        try:
            known = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return
        if isinstance(known, dict) and all(
                isinstance(v, list) and len(v) == 4 and all(type(x) is int for x in v) for v in known.values()):
            self.known = known

    def rows(self, name: str, path: Path) -> int | None:
        try:
            stat = path.stat()
        except OSError:
            return None
        identity = [stat.st_size, stat.st_mtime_ns, stat.st_ino]
        known = self.known.get(name)
        rows = known[3] if known is not None and known[:3] == identity else csv_rows(path)
        if rows is not None:
            self.now[name] = identity + [rows]
        return rows

    def save(self) -> None:
        if self.path is not None and self.now != self.known:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(self.path, json.dumps(self.now, sort_keys=True).encode("utf-8"))


def collect(packages_dir: Path, docs_dir: Path, counts: RowCounts | None = None) -> dict[str, list[DownloadFile]]:
    """Link (or copy) every package folder into docs_dir/downloads/ (removing what the package no longer
    has) and describe its files (sorted by name). CSV rows are counted through `counts` if given."""
    found: dict[str, list[DownloadFile]] = {}
    counts = counts or RowCounts(None)
    if not packages_dir.is_dir():
        return found
    for folder in sorted(p for p in packages_dir.iterdir() if p.is_dir() and not p.name.startswith(".")):
        files = []
        for path in sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith(".")):
            if path.suffix.lower() in NOT_COPIED:
                continue
            name = path.relative_to(folder).as_posix()
            target = f"downloads/{folder.name}/{name}"
            link_or_copy(path, docs_dir / target)
            suffix = path.suffix.lower()
            files.append(DownloadFile(
                folder.name, name, target, path.stat().st_size, FORMATS.get(suffix, suffix.lstrip(".").upper()),
                counts.rows(f"{folder.name}/{name}", path) if suffix == ".csv" else None,
            ))
        copied = {f.name for f in files}
        target_dir = docs_dir / "downloads" / folder.name
        for stale in [p for p in target_dir.rglob("*") if p.is_file()] if target_dir.is_dir() else []:
            if stale.relative_to(target_dir).as_posix() not in copied:  # a format no longer written
                stale.unlink()
        if files:
            found[folder.name] = files
    return found


def linked_files_plugin():
    """The `LinkedFiles` MkDocs plugin (MkDocs is imported only when the site is built)."""
    from mkdocs.plugins import BasePlugin

    class LinkedFiles(BasePlugin):
        """Put each file of the docs folder that is not a page into the site as a hard link to it (MkDocs
        copies it), or, where no link can be made, a copy. Theme files are copied as MkDocs does."""

        changes_no_page = True  # the page cache (pagecache.py) may be used with it

        def on_files(self, files, *, config):
            docs = os.path.realpath(config.docs_dir)
            for file in files:
                if (not file.is_documentation_page() and file.abs_src_path
                        and os.path.realpath(file.abs_src_path).startswith(docs + os.sep)):
                    file.copy_file = _linker(file)
            return files

    return LinkedFiles()


def _linker(file):
    def copy_file(dirty: bool = False) -> None:
        target = Path(file.abs_dest_path)
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(file.abs_src_path, target)
        except OSError:
            shutil.copyfile(file.abs_src_path, target)
    return copy_file
