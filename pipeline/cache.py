"""Incremental builds: a document is read and checked again only when its inputs or the code changed.

A document's key is the sha256 of

- the bytes of its source file (text or PDF) and the file's name (published as `source_file`),
- its catalog entry (what the catalog says overrides what the text says),
- the pipeline's code fingerprint: the sha256 of every source file of the `pipeline` package that can
  change a document's result (so a code change rebuilds every document, as owid/etl reruns a step whose
  code changed), the package version, the Python version, and for a PDF the pdfplumber/pdfminer versions.
  The modules that only write combined outputs or talk to the network (`COMBINED_ONLY`: publish/, site/,
  fetch.py, cli.py) are left out, and a test checks that no reading module imports them,

and its checked `DocumentResult` is stored under ``<build>/cache/documents/<key>.pickle``. The combined
outputs (package all/, database, site) have their own key, the hash of every published document's key
and the code fingerprint: `Stamps` remembers the key each stage last ran with, so a stage whose key and
outputs are unchanged is skipped.

The cache is a plain folder: deleting it (or ``--no-cache``) rebuilds everything.
"""

from __future__ import annotations

import hashlib
import json
import pickle
import sys
from collections.abc import Iterable
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from . import __version__, errors
from .atomic import write_atomic
from .records import DocumentResult

CACHE_FORMAT = 1  # bump when the stored layout changes
PACKAGE_DIR = Path(__file__).resolve().parent
CODE_SUFFIXES = (".py", ".yml", ".yaml", ".json", ".csv", ".txt", ".md", ".html", ".jinja", ".j2")
# Parts of the package that never change a document's result: the combined outputs and the network.
COMBINED_ONLY = ("publish", "site", "pages", "fetch.py", "cli.py")


def code_files(documents_only: bool = False) -> list[Path]:
    """The package's source and data files (those a document's result depends on, if `documents_only`)."""
    out = []
    for path in sorted(PACKAGE_DIR.rglob("*")):
        if not path.is_file() or path.suffix not in CODE_SUFFIXES or "__pycache__" in path.parts:
            continue
        if documents_only and path.relative_to(PACKAGE_DIR).parts[0] in COMBINED_ONLY:
            continue
        out.append(path)
    return out


@lru_cache(maxsize=2)
def code_fingerprint(documents_only: bool = True) -> str:
    """sha256 of the package's files (path and bytes), the version and the Python version: of the files
    a document's result depends on, or (`documents_only=False`) of all, for the combined outputs.
    Computed once per process."""
    h = hashlib.sha256()
    h.update(f"yusuan {__version__} python {sys.version_info[0]}.{sys.version_info[1]} format {CACHE_FORMAT}\n".encode())
    for path in code_files(documents_only):
        h.update(path.relative_to(PACKAGE_DIR).as_posix().encode("utf-8") + b"\0")
        h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


@lru_cache(maxsize=1)
def _pdf_libraries() -> str:
    return f"pdfplumber {metadata.version('pdfplumber')} pdfminer {metadata.version('pdfminer.six')}"


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def document_key(path: Path, entry: dict | None, source_sha256: str | None = None) -> str:
    """The key of one document's result: its bytes, name, catalog entry and the code that reads it."""
    parts = {
        "source_sha256": source_sha256 or file_sha256(path),
        "file": path.name,
        "entry": entry or {},
        "code": code_fingerprint(),
    }
    if path.suffix.lower() == ".pdf":
        parts["pdf"] = _pdf_libraries()
    blob = json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def combined_key(document_keys: Iterable[str]) -> str:
    """The key of the combined outputs: every published document's key, in order, and the code."""
    h = hashlib.sha256(code_fingerprint(documents_only=False).encode())
    for key in document_keys:
        h.update(key.encode() + b"\n")
    return h.hexdigest()


class DocumentCache:
    """Checked `DocumentResult`s by key, and the last good key of each source file (for fallback)."""

    def __init__(self, folder: Path, enabled: bool = True):
        self.folder = folder / "documents"
        self.enabled = enabled
        self._index_path = self.folder / "index.json"
        self._index: dict[str, str] | None = None
        self._dirty = False

    def _file(self, key: str) -> Path:
        return self.folder / f"{key}.pickle"

    def load(self, key: str) -> DocumentResult | errors.PipelineError | None:
        """The cached result, or the error reading these same bytes with this same code raised (a source
        that cannot be read is not read again until it or the code changes), or None."""
        if not self.enabled:
            return None
        try:
            with open(self._file(key), "rb") as f:
                result = pickle.load(f)
        except FileNotFoundError:
            return None
        except Exception:  # a damaged or incompatible entry is a miss, never a failure
            return None
        if isinstance(result, tuple) and len(result) == 5 and result[0] == "error":
            cls = getattr(errors, result[1], errors.PipelineError)
            return cls(result[2], result[3], result[4])
        return result if isinstance(result, DocumentResult) else None

    def store_failure(self, key: str, error: errors.PipelineError) -> None:
        if not self.enabled:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        record = ("error", type(error).__name__, error.file, error.line, error.reason)
        _atomic_write(self._file(key), pickle.dumps(record, protocol=pickle.HIGHEST_PROTOCOL))

    def store(self, key: str, source: Path, result: DocumentResult, remember: bool = True) -> None:
        """Store a result and (`remember`) make it the last good result of its source file (the previous
        one of that file is removed, so the cache holds one entry per source)."""
        if not self.enabled:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        _atomic_write(self._file(key), pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
        if remember:
            self.remember(key, source)

    def remember(self, key: str, source: Path) -> None:
        """Make the stored result `key` the last good result of its source file (a shard stored it)."""
        if not self.enabled or self.index().get(_source_name(source)) == key:
            return
        index = self.index()
        name = _source_name(source)
        previous = index.get(name)
        index[name] = key
        self._dirty = True
        if previous and previous != key and previous not in index.values():
            self._file(previous).unlink(missing_ok=True)

    def flush(self) -> None:
        """Write the index if it changed: once per build, not once per document (rewriting it whole for
        each of 10,000 documents would cost minutes). A build killed before it keeps the index it had,
        whose entries then at worst name a result no longer there: no fallback for that file."""
        if self._dirty:
            _atomic_write(self._index_path, json.dumps(self.index(), indent=1, sort_keys=True).encode("utf-8"))
            self._dirty = False

    def last_good(self, source: Path) -> tuple[str, DocumentResult] | None:
        """The result of the last successful build of this source file, if it is still cached."""
        if not self.enabled:
            return None
        key = self.index().get(_source_name(source))
        if key is None:
            return None
        result = self.load(key)
        return (key, result) if result is not None else None

    def index(self) -> dict[str, str]:
        if self._index is None:
            try:
                self._index = json.loads(self._index_path.read_text(encoding="utf-8"))
            except (FileNotFoundError, ValueError):
                self._index = {}
        return self._index



class Stamps:
    """The key each stage last completed with, and the sha256 of the outputs it wrote: a stage is current
    when its key is unchanged and its outputs are still there, byte for byte (an output deleted, or
    replaced by another version, e.g. by a checkout, makes the stage run again)."""

    def __init__(self, folder: Path, enabled: bool = True):
        self.folder = folder / "stamps"
        self.enabled = enabled

    def _file(self, stage: str) -> Path:
        return self.folder / f"{stage.replace('/', '_')}.key"

    def current(self, stage: str, key: str, outputs: Iterable[Path] = ()) -> bool:
        if not self.enabled:
            return False
        try:
            stamp = self._file(stage).read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return False
        return stamp == f"{key} {_outputs_sha256(outputs)}"

    def mark(self, stage: str, key: str, outputs: Iterable[Path] = ()) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        _atomic_write(self._file(stage), f"{key} {_outputs_sha256(outputs)}\n".encode())

    def forget(self, stage: str) -> None:
        self._file(stage).unlink(missing_ok=True)


def _outputs_sha256(outputs: Iterable[Path]) -> str:
    """sha256 of the outputs' bytes, in order ("missing" when one is gone; a folder counts by existing).
    Not of their paths: the same outputs moved with their folder are still current."""
    h = hashlib.sha256()
    for i, path in enumerate(outputs):
        path = Path(path)
        h.update(f"{i}\0".encode())
        if path.is_file():
            h.update(bytes.fromhex(file_sha256(path)))
        elif path.exists():
            h.update(b"folder")
        else:
            return "missing"
    return h.hexdigest()


def _source_name(source: Path) -> str:
    return source.name  # file names are unique in a folder of disclosures (and survive moving the project)


def _atomic_write(path: Path, data: bytes) -> None:
    write_atomic(path, data)  # a temporary file, flushed and renamed: never half an entry
