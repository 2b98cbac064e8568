"""Build everything from a folder of disclosures: read and check each one, publish its package, then
the combined package, the database and the site.

Per document and streamed: one document's failure is reported (file, line, reason) and the others
still build.
"""

from __future__ import annotations

import multiprocessing
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from .atomic import OutputError, sweep
from .cache import DocumentCache, Stamps, combined_key, document_key, file_sha256
from .catalog import check_sha256, input_files, load_catalog
from .checks import run_checks
from .errors import PipelineError
from .fields import FILES_SEPARATOR
from .join import join, pairs
from .lock import build_lock
from .output import write_if_changed
from .pdf import extract_cached
from .publish import changes
from .publish.combined import across_checks, write_combined
from .publish.database import write_database_of
from .publish.datasette import metadata_path, write_documents_metadata
from .publish.package import (
    COMBINED_DIR,
    Published,
    SchemaViolation,
    published_packages,
    read_package,
    remove_stale_packages,
    write_document_package,
)
from .publish.package_rows import PackageRows
from .read import Timings
from .records import DocumentResult
from .safe_paths import check_slug, claim_build_dir, claim_packages_dir, inside
from .site import build_site
from .sources import add_pages, read_source


@dataclass
class BuildPaths:
    input_dir: Path
    packages_dir: Path  # published data packages (committed): <doc_id>/ and all/
    build_dir: Path  # generated, not committed: csv/, yusuan.db, docs/, site/

    @property
    def database(self) -> Path:
        return self.build_dir / "yusuan.db"

    @property
    def cache_dir(self) -> Path:  # per-document results, PDF extractions, stage stamps (pipeline/cache.py)
        return self.build_dir / "cache"

    @property
    def extracted_dir(self) -> Path:  # the text extracted from each PDF: its source_line numbers
        return self.build_dir / "extracted"


@dataclass
class BuildReport:
    built: list[DocumentResult] = field(default_factory=list)
    failed: list[PipelineError] = field(default_factory=list)
    skipped: list[tuple[Path, str]] = field(default_factory=list)
    timings: Timings = field(default_factory=Timings)
    reused: list[str] = field(default_factory=list)  # doc_ids taken from the cache unchanged
    rebuilt: list[str] = field(default_factory=list)  # doc_ids read and checked in this build
    kept: list[str] = field(default_factory=list)  # doc_ids whose source failed: last good version kept
    document_keys: list[str] = field(default_factory=list)  # cache key of each result in `built`
    stamps: Stamps | None = None
    log: changes.Recorder | None = None  # what this build changed (publish/changes.py)

    @property
    def combined_key(self) -> str:
        """Changes when any published document or the code changes: the key of the combined stages."""
        return combined_key(self.document_keys)


def build(paths: BuildPaths, say: Callable[[str], None] = print, site: bool = True,
          cache: bool = True, accept_worse: bool = False, jobs: int = 1,
          progress: Callable[[int, int], None] | None = None) -> BuildReport:
    """Build every document of `paths.input_dir`; with `cache`, reuse the checked result of every document
    whose source, catalog entry and code are unchanged (pipeline/cache.py), and say which were reused.

    Writes only into a build and a packages folder it owns (`safe_paths`), one build at a time on them
    (`lock`), every output through a temporary file or folder (`atomic`). A document that reads worse
    than its published package (`reads_worse`) is a failure and its package stays, unless `accept_worse`.
    `jobs`: the worker processes that read the files not cached (the outputs are those of one process);
    `progress(done, total)` is told of each file read.
    """
    load_catalog(paths.input_dir)  # an invalid catalog (CatalogError) stops the build before any folder is touched
    for create in (False, True):  # refuse a folder that is not ours before making either
        claim_build_dir(paths.build_dir, create)
        claim_packages_dir(paths.packages_dir, create)
    with build_lock(paths.build_dir, paths.packages_dir):
        for folder in (paths.packages_dir, paths.build_dir, paths.cache_dir, *paths.cache_dir.glob("*"),
                       paths.extracted_dir):
            sweep(folder)  # what a killed build left: temporary files, a package folder half swapped
        return _build(paths, say, site, cache, accept_worse, jobs, progress)


def reads_worse(result: DocumentResult, published: Published | None) -> str | None:
    """Why `result` may not replace the published package of its source, or None if it may.

    It may when it reads at least as well: no fewer parsed tables and no fewer facts. A new source (another
    sha256) may read differently, fewer facts included, as long as it still reads to parsed tables where the
    published version had some."""
    if published is None:
        return None
    parsed = sum(t.status == "parsed" for t in result.tables)
    was = f"the published {published.doc_id} has {published.parsed_tables} parsed tables and {published.facts} facts"
    now = f"this version reads to {parsed} parsed tables and {len(result.facts)} facts"
    if result.document.source_sha256 != published.source_sha256:
        if parsed == 0 and published.parsed_tables > 0:
            return f"{now}; {was}: a new source that reads to no table does not replace it"
        return None
    if parsed < published.parsed_tables or len(result.facts) < published.facts:
        return f"{now} from the same source; {was}: it reads worse, so it is not published " \
               "(build with --accept-worse if the code change that reads fewer is intended)"
    return None


@dataclass
class _File:
    """One input file as read (or taken from the cache): what the publishing phase needs of it."""

    path: Path
    key: str  # its document cache key
    result: DocumentResult  # read and checked alone
    reused: bool
    timings: Timings


def _build(paths: BuildPaths, say: Callable[[str], None], site: bool, cache: bool,
           accept_worse: bool, jobs: int, progress: Callable[[int, int], None] | None) -> BuildReport:
    report = BuildReport(stamps=Stamps(paths.cache_dir, enabled=cache), log=changes.Recorder(paths.packages_dir))
    published = published_packages(paths.packages_dir)  # before anything is written: the last good packages
    protected: set[str] = set()  # package folders of sources that failed: never removed as stale
    catalog = load_catalog(paths.input_dir)
    documents = DocumentCache(paths.cache_dir, enabled=cache)
    written: dict[str, Path] = {}  # doc_id -> the file its folder was written from
    held: set[str] = set()  # files of a kept document of several files: not published on their own

    def fail(e: PipelineError, files: list[Path], keep: bool = True) -> None:
        """A document (of one or several files) that cannot be published: its last good version stays
        (`keep`; not for one file of a disclosure of several, which fails whole once all are read)."""
        report.failed.append(e)
        say(f"FAILED {e.describe()}")
        if not keep:
            return
        package = next((published[f.name] for f in files if f.name in published), None)
        if package is not None:
            protected.add(package.doc_id)  # its source is still here: never deleted
        several = package is not None and FILES_SEPARATOR in (package.source_sha256 or "")
        last = (None if several or len(files) > 1 else documents.last_good(files[0])) \
            or _last_published(package, say)
        if last is not None and last[1].document.doc_id not in written:
            key, result = last
            written[result.document.doc_id] = files[0]
            held.update((result.document.source_file or "").split(FILES_SEPARATOR))
            report.kept.append(result.document.doc_id)
            report.document_keys.append(key)
            report.built.append(result)
            say(f"kept   {result.document.doc_id}: the last good version (sha256 "
                f"{result.document.source_sha256}) stays published")

    read: dict[str, _File] = {}
    failed_files: set[str] = set()
    files = [(path, catalog.get(path.name)) for path in input_files(paths.input_dir)]
    known: list[tuple[str, DocumentResult | PipelineError | None]] = []  # (key, cached result) per file
    for path, entry in files:
        try:
            key = document_key(path, entry, check_sha256(path, entry, file_sha256(path)))  # the catalog's pin
            known.append((key, documents.load(key)))
        except PipelineError as e:
            known.append(("", e))
    # the files not cached are read (and checked) in worker processes, one file each, in any order; their
    # results are taken in the folder's order, so the outputs are those of a build in one process
    todo = [i for i, (_, cached) in enumerate(known) if cached is None]
    fresh = dict(zip(todo, read_files([files[i] for i in todo], paths, jobs, progress), strict=True))
    for i, ((path, entry), (key, cached)) in enumerate(zip(files, known, strict=True)):
        timings = Timings()
        try:
            if isinstance(cached, PipelineError):
                raise cached  # these bytes failed with this code before (or the pin failed): not read again
            result = cached
            if i in fresh:
                result, timings = fresh[i]
                if isinstance(result, OutputError):
                    raise result
                if isinstance(result, PipelineError):
                    documents.store_failure(key, result)
                    raise result
            read[path.name] = _File(path, key, result, i not in fresh, timings)
        except OutputError:
            raise  # a full disk or a read-only folder stops the build: the outputs so far stay as they were
        except PipelineError as e:
            failed_files.add(path.name)
            fail(e, [path], keep=not _files_of(entry))  # one file of several: the disclosure fails below

    def finish(pending: _Pending) -> None:
        """The document's write is done (or failed): report it, in the folder's order."""
        try:
            _finish(pending, report, say)
        except OutputError:
            raise
        except PipelineError as e:
            if isinstance(e, SchemaViolation) and len(pending.files) == 1:  # these bytes break our schema alone
                documents.store_failure(pending.files[0].key, e)
            del written[pending.doc_id]  # not published: its last good version may stay
            fail(e, [f.path for f in pending.files])
            return
        for f in pending.files:
            if not f.reused:
                documents.store(f.key, f.path, f.result)
            else:  # read by a shard (pipeline/shard.py), or before: the last good result of its file
                documents.remember(f.key, f.path)

    # packages are written in worker processes while the next documents are prepared; each is finished
    # (reported, cached) in the folder's order, so the outputs are those of a build in one process
    try:
        with _workers(jobs) if jobs > 1 else nullcontext() as pool:
            queue: deque[_Pending] = deque()
            for names, entry in _disclosures(read, catalog, failed_files):
                if any(n in held for n in names):
                    continue  # part of a kept document of several files
                files = [read[n] for n in names if n in read]
                if len(files) < len(names):
                    missing = [n for n in names if n not in read]
                    reason = "its file " + ", ".join(missing) + " failed (above)" if set(missing) <= failed_files \
                        else "the catalog lists " + ", ".join(missing) + ", which is not in the folder"
                    while queue:
                        finish(queue.popleft())
                    fail(PipelineError(str(paths.input_dir / names[0]), None,
                                       f"the disclosure of {len(names)} files {', '.join(names)} is not published: "
                                       f"{reason}"),
                         [paths.input_dir / n for n in names])
                    continue
                try:
                    pending = _prepare(files, entry, paths, report, published, written, accept_worse, pool)
                except OutputError:
                    raise
                except PipelineError as e:
                    while queue:
                        finish(queue.popleft())
                    fail(e, [f.path for f in files])
                    continue
                queue.append(pending)
                while queue and (len(queue) > 2 * jobs or queue[0].done()):
                    finish(queue.popleft())
            while queue:
                finish(queue.popleft())
    finally:
        documents.flush()  # the last good result of each file, once
    # combined stages (packages/all, database, site) come here, from report.built
    # (wrap each in `combined_stage(report, "<stage>", [<its outputs>], lambda: ..., say)`: it is skipped
    # when no document and no code changed since it last ran and its outputs exist)
    built = report.built
    doc_ids = [r.document.doc_id for r in built]
    log = report.log
    log.withdraw(doc_ids, protected)  # before their packages are removed: the log reads what they held
    if log.changed:  # rows to add: the combined outputs are written even if no document key changed
        for stage in ("package", "database"):
            report.stamps.forget(stage)
        say(log.summary())
    for folder in remove_stale_packages(paths.packages_dir, doc_ids + sorted(protected)):
        say(f"removed {folder}: its document is no longer built")
    combined = paths.packages_dir / COMBINED_DIR
    # every row was validated once, in its document's package, before that package was published (a kept
    # or reused document's when it was written): the combined package holds the same rows under the same
    # schema, and its keys stay unique because each begins with the doc_id, so it is not validated again
    # (that was a second pass over every row, 25 s per 100 documents). The tests validate it whole.
    # the combined package and the database are made of the rows the documents' packages hold, a document
    # at a time (publish/package_rows.py); the package in a worker process while the database is written,
    # the site after both (it offers the package)
    package = [combined / "datapackage.json"]
    across, records, ordered = across_checks(built), log.records(doc_ids), sorted(doc_ids)  # as published_records
    with _workers(1) if jobs > 1 else nullcontext() as pool:
        job: Future | None = None
        if stage_due(report, "package", package, say):
            task = (ordered, paths.packages_dir, across, records)
            if pool is None:
                stage_done(report, "package", package, _combined_job(*task))
            else:
                job = pool.submit(_combined_job, *task)
        rows = PackageRows(paths.packages_dir, ordered, across, records)
        combined_stage(report, "database", [paths.database, metadata_path(paths.database)],
                       lambda: (write_database_of(rows, paths.database),
                                write_documents_metadata(rows.documents(), paths.database)), say)
        if job is not None:
            stage_done(report, "package", package, job.result())  # its error, if any, is raised here
    if site:  # not a combined_stage: the site also depends on site/ and mkdocs.yml (build_site reuses itself)
        t0 = time.perf_counter()
        build_site(paths.database, paths.packages_dir, paths.build_dir, say=say, reuse=cache,
                   sources=paths.input_dir, timings=report.timings)
        report.timings.add("site", time.perf_counter() - t0)
    return report


def _files_of(entry: dict | None) -> list[str]:
    """The files of a catalog entry that lists several (`files:`), else none."""
    return list((entry or {}).get("files") or ())


def _disclosures(read: dict[str, _File], catalog: dict[str, dict],
                 failed: set[str]) -> list[tuple[list[str], dict | None]]:
    """The documents to publish, in the order of their first file: (its files in reading order, its
    catalog entry). A catalog entry's `files:` make one document; files without an entry pair up as one
    disclosure's narrative and tables (`join.pairs`); every other file is a document of its own."""
    groups: dict[str, tuple[list[str], dict | None]] = {}  # by the name of its first file in the folder
    taken: set[str] = set()
    for name in sorted(set(read) | failed):
        if name not in taken:
            entry = catalog.get(name)
            names = _files_of(entry) or [name]
            taken.update(names)
            groups[name] = (names, entry)
    alone = [(n, f.result) for n, f in sorted(read.items()) if catalog.get(n) is None]
    for narrative, tables in pairs(alone):
        del groups[narrative], groups[tables]
        groups[min(narrative, tables)] = ([narrative, tables], None)
    return [g for _, g in sorted(groups.items()) if not (len(g[0]) == 1 and g[0][0] in failed)]


@dataclass
class _Pending:
    """A document being published: what its write needs to be reported once it is done."""

    files: list[_File]
    doc_id: str
    result: DocumentResult
    key: str
    reused: bool
    timings: Timings
    packages_dir: Path
    write: Future | None  # the package write in a worker process (None: written when finished, if at all)
    stamp: tuple[str, str, list[Path]] | None  # the package stamp to mark once written; None: unchanged
    log_job: tuple[changes.Log, changes.Build] | None = None  # what its log rows need (changes.document_log)

    def done(self) -> bool:
        return self.write is None or self.write.done()


def _prepare(files: list[_File], entry: dict | None, paths: BuildPaths, report: BuildReport,
             published: dict[str, Published], written: dict[str, Path], accept_worse: bool,
             pool: ProcessPoolExecutor | None) -> _Pending:
    """Publish one document, read from one file or joined from several: its package (validated against
    our own schema first, in `pool` when there is one), unless it reads worse than the published one or
    its doc_id is taken. Raises the reason it is not published."""
    first = files[0].path
    if len(files) == 1:
        result, key, reused, timings = files[0].result, files[0].key, files[0].reused, files[0].timings
    else:
        t0 = time.perf_counter()
        result = join([f.result for f in files], (entry or {}).get("doc_id"))
        run_checks(result)
        add_pages(result)
        key, reused, timings = combined_key([f.key for f in files]), all(f.reused for f in files), Timings()
        for f in files:
            for stage, seconds in f.timings.stages.items():
                timings.add(stage, seconds)
        timings.add("join", time.perf_counter() - t0)
    if not reused and not accept_worse:
        worse = reads_worse(result, published.get(first.name))
        if worse:
            raise PipelineError(str(first), None, worse)  # not cached: --accept-worse can take it
    doc_id = check_slug(result.document.doc_id, str(first))
    if doc_id in written:
        # two files, one folder: writing would silently replace the first document's CSVs
        raise PipelineError(
            str(first), None,
            f"doc_id {doc_id} is also the doc_id of {written[doc_id].name}; "
            "give one of them a catalog entry with its own doc_id",
        )
    for f in files:
        if f.path.suffix.lower() == ".pdf":
            _write_extracted(f.path, f.result.document.source_sha256, paths,
                             f"{doc_id}.txt" if len(files) == 1 else f"{doc_id}/{f.path.name}.txt", f.reused)
    written[doc_id] = first
    package = [paths.packages_dir / doc_id / "datapackage.json"]  # it holds every file's hash
    package_key = combined_key([key])  # the document and all the code (the package writer's too)
    pending = _Pending(files, doc_id, result, key, reused, timings, paths.packages_dir, None, None)
    if not (reused and report.stamps.current(f"package-{doc_id}", package_key, package)) \
            or report.log.unrecorded(doc_id):  # unknown to the log: compared and entered as new
        # validated before it replaces the last good one: rows that break our own schema fail this
        # document alone, the others are still published
        pending.stamp = (f"package-{doc_id}", package_key, package)
        pending.log_job = report.log.job(doc_id)
        if pool is not None:
            pending.write = pool.submit(_write_job, result, paths.packages_dir, pending.log_job)
    return pending


def _write_job(result: DocumentResult, packages_dir: Path,
               log_job: tuple[changes.Log, changes.Build]) -> tuple[float, changes.Log, changes.Change | None]:
    """Write one document's package (in a worker process), with its log rows: what changed against the
    package it replaces (compared before it is replaced). The seconds it took, its log and the row added."""
    t0 = time.perf_counter()
    earlier, this_build = log_job
    log, row = changes.document_log(result, inside(packages_dir, result.document.doc_id), earlier, this_build)
    write_document_package(result, packages_dir, validate=True, log=log.records())
    return time.perf_counter() - t0, log, row


def _finish(pending: _Pending, report: BuildReport, say: Callable[[str], None]) -> None:
    """Report a published document (its write's error is raised here)."""
    written = None
    if pending.write is not None:
        written = pending.write.result()
    elif pending.stamp is not None:
        written = _write_job(pending.result, pending.packages_dir, pending.log_job)
    if written is not None:
        seconds, log, row = written
        pending.timings.add("write", seconds)
        report.log.record(pending.doc_id, log, row)
    if pending.stamp is not None:
        report.stamps.mark(*pending.stamp)
    result, files, doc_id, reused = pending.result, pending.files, pending.doc_id, pending.reused
    for stage, seconds in pending.timings.stages.items():
        report.timings.add(stage, seconds)
    (report.reused if reused else report.rebuilt).append(doc_id)
    report.document_keys.append(pending.key)
    report.built.append(result)
    line = summary_line(result, pending.timings)
    if len(files) > 1:
        line = line.replace(": ", f": joined from {' + '.join(f.path.name for f in files)}; ", 1)
    say(line.replace("built  ", "reused ", 1) if reused else line)
    for check in result.checks:
        if not check.passed:  # a failed check is data: printed and published, never a build failure
            say(f"  check failed ({check.severity}) {check.check} at line {check.source_line}: {check.message}")


def read_files(files: list[tuple[Path, dict | None]], paths: BuildPaths, jobs: int,
              progress: Callable[[int, int], None] | None) -> list[tuple[DocumentResult | PipelineError, Timings]]:
    """Read and check `files` (in `jobs` worker processes when there are several): each file's result, or
    the error that stopped it, with its timings, in the order of `files`."""
    out: list[tuple[DocumentResult | PipelineError, Timings]] = []
    tasks = [(path, entry, paths) for path, entry in files]
    if jobs > 1 and len(tasks) > 1:
        with _workers(min(jobs, len(tasks))) as pool:
            for done in pool.map(_read_job, tasks, chunksize=1):
                out.append(done)
                if progress:
                    progress(len(out), len(tasks))
    else:
        for task in tasks:
            out.append(_read_job(task))
            if progress:
                progress(len(out), len(tasks))
    return out


def _workers(n: int) -> ProcessPoolExecutor:
    """Worker processes started afresh (spawn), not forked: a forked worker would inherit the build lock
    (pipeline/lock.py) and, when the build is killed, hold it on and refuse the next build."""
    return ProcessPoolExecutor(n, mp_context=multiprocessing.get_context("spawn"))


def _read_job(task: tuple[Path, dict | None, BuildPaths]) -> tuple[DocumentResult | PipelineError, Timings]:
    """One file read and checked (in a worker process): a failure is returned, never raised, so that it
    reaches the build as the same error a build in one process meets."""
    path, entry, paths = task
    timings = Timings()
    try:
        return _read_and_check(path, entry, timings, paths), timings
    except PipelineError as e:  # OutputError included: the build stops on it
        return e, timings


def _read_and_check(path: Path, entry: dict | None, timings: Timings, paths: BuildPaths) -> DocumentResult:
    """Read one source (a PDF is extracted first) and run the checks: what the document cache stores."""
    result, _ = read_source(path, entry, timings, paths.cache_dir / "pdf")
    t0 = time.perf_counter()
    run_checks(result)
    timings.add("check", time.perf_counter() - t0)
    add_pages(result)
    return result


def _write_extracted(path: Path, sha256: str | None, paths: BuildPaths, name: str, reused: bool) -> None:
    """The text extracted from a PDF is what its source_line numbers count in: keep it where a user can
    open it, ``<build>/extracted/<doc_id>.txt`` (``<doc_id>/<file>.txt`` for each file of a disclosure
    joined from several)."""
    target = inside(paths.extracted_dir, *name.split("/"))
    if reused and target.exists():
        return  # written when it was read
    try:
        extracted, _ = extract_cached(path, sha256, paths.cache_dir / "pdf")
    except PipelineError:
        return  # a scan: there is no text to keep
    target.parent.mkdir(parents=True, exist_ok=True)
    write_if_changed(target, extracted.text)


def _last_published(package: Published | None, say: Callable[[str], None]) -> tuple[str, DocumentResult] | None:
    """The last good version of a source from its published package, when no cached result is left (after
    --no-cache, or a lost cache): a (key, result) pair like `DocumentCache.last_good`."""
    if package is None:
        return None
    try:
        result = read_package(package.folder)
    except (OSError, ValueError, TypeError, KeyError) as e:
        say(f"  the package {package.folder} cannot be read back ({e}): it stays, but not in the combined outputs")
        return None
    return f"package {package.doc_id} {package.source_sha256}", result


def combined_stage(report: BuildReport, stage: str, outputs: list[Path], run: Callable[[], object],
                   say: Callable[[str], None] = print) -> bool:
    """Run a combined stage (package all/, database, site) unless it last ran with the same documents and
    code and its outputs still exist. Returns whether it ran."""
    if not stage_due(report, stage, outputs, say):
        return False
    t0 = time.perf_counter()
    run()
    stage_done(report, stage, outputs, time.perf_counter() - t0)
    return True


def stage_due(report: BuildReport, stage: str, outputs: list[Path], say: Callable[[str], None] = print) -> bool:
    """Whether a combined stage must run (`combined_stage`); if it must, it is not current until `stage_done`."""
    if report.stamps is not None and report.stamps.current(stage, report.combined_key, outputs):
        say(f"reused {stage}: no document and no code changed")
        return False
    if report.stamps is not None:
        report.stamps.forget(stage)  # a stage that fails half-way is not current
    return True


def stage_done(report: BuildReport, stage: str, outputs: list[Path], seconds: float) -> None:
    if report.stamps is not None:
        report.stamps.mark(stage, report.combined_key, outputs)
    report.timings.add(stage, seconds)


def _combined_job(doc_ids: list[str], packages_dir: Path, across: dict, log: dict[str, list]) -> float:
    """The combined package (in a worker process when there is one): the seconds it took."""
    t0 = time.perf_counter()
    write_combined(doc_ids, packages_dir, across, log=log)
    return time.perf_counter() - t0


def summary_line(result: DocumentResult, timings: Timings) -> str:
    statuses = [t.status for t in result.tables]
    stages = " ".join(f"{k}={v:.0f}" if k == "ocr_pages" else f"{k}={v * 1000:.0f}ms"  # a count of pages
                      for k, v in timings.stages.items())
    failed = sum(not c.passed for c in result.checks)
    return (
        f"built  {result.document.doc_id}: tables {statuses.count('parsed')} parsed / "
        f"{statuses.count('empty')} empty / {statuses.count('missing')} missing / "
        f"{statuses.count('unparsed')} unparsed, facts {len(result.facts)}, projects {len(result.projects)}, "
        f"goals {len(result.goals)}, indicators {len(result.indicators)}, glossary {len(result.glossary)}, "
        f"checks {len(result.checks)} ({failed} failed), unparsed lines {len(result.unparsed)} [{stages}]"
    )
