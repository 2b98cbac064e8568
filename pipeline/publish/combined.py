"""The combined package, `<packages>/all/`, assembled from the published packages of its documents.

Each document's package already holds its rows as they are published: the combined package's CSV and
JSON files are those files one after another (in doc_id order, the headings once), with each document's
checks across documents after its own checks and the build's log at the end, as `published_records`
orders them. Its workbook takes each row from the document's JSON (typed: amounts as decimals). Every
file is streamed to disk, one document at a time, so the memory it takes does not grow with the number
of documents, and a row is rendered once, when its document's package is written.

The bytes are those `package.package_files` makes of the same records (the tests compare them).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from ..atomic import make_folder, new_folder_for, output_error, swap_folder
from ..checks.across import run_across
from ..fields import RESOURCES
from ..records import Check, DocumentResult
from ..safe_paths import inside
from .package import (
    COMBINED_DIR,
    COMBINED_NAME,
    _is_package_file,
    _linked,
    complete,
    csv_lines,
    package_descriptor,
    write_workbook,
    write_zip,
)
from .package_rows import PackageRows


def across_checks(results: Iterable[DocumentResult]) -> dict[str, list[Check]]:
    """doc_id → its checks across documents, numbered after its own checks (as `published_records` does)."""
    results = list(results)
    across = run_across(results)
    own = {r.document.doc_id: len(r.checks) for r in results}
    for doc_id, checks in across.items():
        for n, check in enumerate(checks, start=own.get(doc_id, 0) + 1):
            check.seq = n
    return across


def write_combined_package(results: Iterable[DocumentResult], packages_dir: Path, validate: bool = False,
                           log: dict[str, list] | None = None) -> Path:
    """Write (or leave unchanged) the combined package of the given documents, whose own packages are in
    `packages_dir`, with their checks across documents and the build's whole `log`; with `validate`, the
    new version replaces the old one only once it validates (`validate_package`)."""
    results = sorted(results, key=lambda r: r.document.doc_id)
    return write_combined([r.document.doc_id for r in results], packages_dir, across_checks(results), log, validate)


def write_combined(doc_ids: list[str], packages_dir: Path, across: dict[str, list[Check]],
                   log: dict[str, list] | None = None, validate: bool = False) -> Path:
    """`write_combined_package` of the documents `doc_ids` (in doc_id order) and their checks `across`
    documents (`across_checks`): what a worker process needs of them, the rows being on disk."""
    parts = PackageRows(packages_dir, doc_ids, across, log or {})
    folder = inside(packages_dir, COMBINED_DIR)
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        raise output_error(folder, OSError(17, "a file or symlink, not a package folder, is in the way", str(folder)))
    make_folder(folder.parent)
    new = new_folder_for(folder)
    try:
        names = _write_files(new, folder, parts)
        old = {p.name: p for p in folder.iterdir()} if folder.is_dir() else {}
        stale = [n for n in old if n not in names and _is_package_file(n) and old[n].is_file()]
        same = [n for n in names if n in old and old[n].is_file() and not old[n].is_symlink()
                and _same_bytes(old[n], new / n)]
        if folder.is_dir() and len(same) == len(names) and not stale:
            shutil.rmtree(new, ignore_errors=True)
            return folder  # every file holds its bytes already: nothing is replaced, dates kept
        for n in same:  # unchanged: the same file, its date kept
            (new / n).unlink()
            if not _linked(old[n], new / n):
                shutil.copy2(old[n], new / n)
        complete(new, folder, old, set(names) | set(stale), validate)
    except BaseException:
        shutil.rmtree(new, ignore_errors=True)
        raise
    swap_folder(new, folder)
    return folder


class _Hashed:
    """A file being written, its size and sha256 counted as it goes."""

    def __init__(self, f: BinaryIO):
        self.f, self.sha256, self.size = f, hashlib.sha256(), 0

    def write(self, data: bytes) -> None:
        self.f.write(data)
        self.sha256.update(data)
        self.size += len(data)


def _write_files(new: Path, shown: Path, parts: PackageRows) -> list[str]:
    """Every file of the combined package into the folder `new` (errors name the files of `shown`); their names."""
    stats: dict[str, tuple[int, str]] = {}
    counts: dict[str, int] = {}

    @contextmanager
    def opened(name: str) -> Iterator[BinaryIO]:
        """A new file of the folder, on disk once written (as `atomic.write_new` leaves each file)."""
        try:
            with open(new / name, "xb") as f:
                yield f
                f.flush()
                os.fsync(f.fileno())
        except OSError as e:
            raise output_error(shown / name, e) from None

    try:
        for res_name, res in RESOURCES.items():
            with opened(f"{res_name}.csv") as f:
                out = _Hashed(f)
                out.write(csv_lines([res.field_names]).encode("utf-8"))
                for body in parts.csv_bodies(res_name):
                    out.write(body)
            stats[res_name] = (out.size, out.sha256.hexdigest())
        for res_name in RESOURCES:
            n = 0
            with opened(f"{res_name}.json") as f:
                for line in parts.json_rows(res_name):
                    f.write((",\n" if n else "[\n").encode("utf-8") + line.encode("utf-8"))
                    n += 1
                f.write(b"\n]\n" if n else b"[]\n")
            counts[res_name] = n
        documents = parts.documents()
        xlsx = f"{COMBINED_NAME}.xlsx"
        with opened(xlsx) as f:
            write_workbook(f, COMBINED_NAME, counts, parts.typed_rows, documents)
        descriptor = package_descriptor(COMBINED_NAME, documents, stats, combined=True)
        with opened("datapackage.json") as f:
            f.write((json.dumps(descriptor, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode())
        names = sorted(p.name for p in new.iterdir())
        archive = f"{COMBINED_NAME}.zip"
        with opened(archive) as f:
            write_zip(f, [(n, (new / n).stat().st_size, lambda n=n: open(new / n, "rb")) for n in names])
    except OSError as e:
        raise output_error(shown, e) from None
    return sorted([*names, archive])


def _same_bytes(a: Path, b: Path) -> bool:
    if a.stat().st_size != b.stat().st_size:
        return False
    with open(a, "rb") as fa, open(b, "rb") as fb:
        while True:
            x, y = fa.read(1 << 20), fb.read(1 << 20)
            if x != y:
                return False
            if not x:
                return True
