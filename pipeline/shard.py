"""One shard of a build: read and check a share of the input files into the build cache, for a build
spread over several machines.

`yusuan build --shard I/N` reads the files of shard I of N (a file's shard comes from the sha256 of its
name, so it stays in its shard whatever else the folder holds) that the cache does not hold yet, and
stores each result, or the error that stopped it, under its document key (`cache.document_key`: the
file's bytes, its catalog entry and the code). It writes no package, database or site. The caches of all
shards are then put together (each entry is a file named by its key: copying the folders into one
merges them) and a plain `yusuan build` on that cache assembles the outputs: every file is found in the
cache, so it only joins, publishes and builds the combined outputs. publish.yml runs the shards as a job
matrix; the methodology page explains it.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .atomic import OutputError, sweep
from .build import BuildPaths, read_files
from .cache import DocumentCache, document_key, file_sha256
from .catalog import check_sha256, input_files, load_catalog
from .errors import PipelineError
from .lock import build_lock
from .read import Timings
from .safe_paths import claim_build_dir

SHARD_RE = re.compile(r"^\s*(\d{1,4})\s*/\s*(\d{1,4})\s*$")


def parse_shard(text: str) -> tuple[int, int]:
    """'2/8' → (2, 8); a ValueError says what is expected."""
    m = SHARD_RE.match(text or "")
    if not m or not 1 <= int(m.group(1)) <= int(m.group(2)):
        raise ValueError(f"{text!r} is no shard: give I/N with 1 <= I <= N, e.g. 2/8")
    return int(m.group(1)), int(m.group(2))


def shard_of(name: str, count: int) -> int:
    """The shard (1 … count) of a file, from its name."""
    return int.from_bytes(hashlib.sha256(name.encode("utf-8")).digest()[:8], "big") % count + 1


@dataclass
class ShardReport:
    files: list[str] = field(default_factory=list)  # the shard's files, in the folder's order
    read: list[str] = field(default_factory=list)  # read and checked now
    cached: list[str] = field(default_factory=list)  # already in the cache (result or failure)
    failed: list[PipelineError] = field(default_factory=list)
    timings: Timings = field(default_factory=Timings)


def build_shard(paths: BuildPaths, shard: int, count: int, say: Callable[[str], None] = print, jobs: int = 1,
                progress: Callable[[int, int], None] | None = None) -> ShardReport:
    """Read and check the files of shard `shard` of `count` that the cache does not hold, into the cache."""
    catalog = load_catalog(paths.input_dir)
    for create in (False, True):
        claim_build_dir(paths.build_dir, create)
    report = ShardReport()
    with build_lock(paths.build_dir, None):
        for folder in (paths.cache_dir, *paths.cache_dir.glob("*")):
            sweep(folder)
        documents = DocumentCache(paths.cache_dir)
        todo: list[tuple[Path, dict | None, str]] = []
        for path in input_files(paths.input_dir):
            if shard_of(path.name, count) != shard:
                continue
            report.files.append(path.name)
            entry = catalog.get(path.name)
            try:
                key = document_key(path, entry, check_sha256(path, entry, file_sha256(path)))
            except PipelineError as e:  # the catalog's pin: the assembling build reports it too
                report.failed.append(e)
                say(f"FAILED {e.describe()}")
                continue
            cached = documents.load(key)
            if cached is None:
                todo.append((path, entry, key))
            else:
                report.cached.append(path.name)
                if isinstance(cached, PipelineError):
                    report.failed.append(cached)
        done = read_files([(p, e) for p, e, _ in todo], paths, jobs, progress)
        for (path, _, key), (result, timings) in zip(todo, done, strict=True):
            for stage, seconds in timings.stages.items():
                report.timings.add(stage, seconds)
            if isinstance(result, OutputError):
                raise result  # a full disk or a read-only cache stops the shard
            if isinstance(result, PipelineError):
                documents.store_failure(key, result)
                report.failed.append(result)
                say(f"FAILED {result.describe()}")
                continue
            # the index of last good results is the assembling build's: shards' caches merge by key alone
            documents.store(key, path, result, remember=False)
            report.read.append(path.name)
            say(f"read   {path.name}: {result.document.doc_id}, {len(result.facts)} facts")
    return report
