"""The data packages as downloads: what is on disk in the packages folder, copied into the site.

Each folder of the packages folder (one per disclosure, and all/ for the combined package) is copied to
`downloads/<folder>/` of the site, with its files listed by format, size and rows. Only what exists is
linked: the package writer decides which formats there are. Markdown files are not copied (MkDocs
would render them as pages).
"""

from __future__ import annotations

import csv
import shutil
from dataclasses import dataclass
from pathlib import Path

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


def copy_if_changed(source: Path, target: Path) -> None:
    if target.is_file():
        s, t = source.stat(), target.stat()
        if s.st_size == t.st_size and s.st_mtime_ns == t.st_mtime_ns:
            return
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source, target)


def collect(packages_dir: Path, docs_dir: Path) -> dict[str, list[DownloadFile]]:
    """Copy every package folder into docs_dir/downloads/ (removing what the package no longer has) and
    describe its files (sorted by name)."""
    found: dict[str, list[DownloadFile]] = {}
    if not packages_dir.is_dir():
        return found
    for folder in sorted(p for p in packages_dir.iterdir() if p.is_dir() and not p.name.startswith(".")):
        files = []
        for path in sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith(".")):
            if path.suffix.lower() in NOT_COPIED:
                continue
            name = path.relative_to(folder).as_posix()
            target = f"downloads/{folder.name}/{name}"
            copy_if_changed(path, docs_dir / target)
            suffix = path.suffix.lower()
            files.append(DownloadFile(
                folder.name, name, target, path.stat().st_size, FORMATS.get(suffix, suffix.lstrip(".").upper()),
                csv_rows(path) if suffix == ".csv" else None,
            ))
        copied = {f.name for f in files}
        target_dir = docs_dir / "downloads" / folder.name
        for stale in [p for p in target_dir.rglob("*") if p.is_file()] if target_dir.is_dir() else []:
            if stale.relative_to(target_dir).as_posix() not in copied:  # a format no longer written
                stale.unlink()
        if files:
            found[folder.name] = files
    return found
