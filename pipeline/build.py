"""Build everything from a folder of disclosures: read and check each one, publish its package, then
the combined package, the database and the site.

Per document and streamed: one document's failure is reported (file, line, reason) and the others
still build.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .catalog import input_files, load_catalog
from .checks import run_checks
from .errors import PipelineError
from .output import write_document
from .read import Timings, read_document
from .records import DocumentResult


@dataclass
class BuildPaths:
    input_dir: Path
    packages_dir: Path  # published data packages (committed): <doc_id>/ and all/
    build_dir: Path  # generated, not committed: csv/, yusuan.db, docs/, site/

    @property
    def database(self) -> Path:
        return self.build_dir / "yusuan.db"


@dataclass
class BuildReport:
    built: list[DocumentResult] = field(default_factory=list)
    failed: list[PipelineError] = field(default_factory=list)
    skipped: list[tuple[Path, str]] = field(default_factory=list)
    timings: Timings = field(default_factory=Timings)


def build(paths: BuildPaths, say: Callable[[str], None] = print, site: bool = True) -> BuildReport:
    report = BuildReport()
    input_dir = paths.input_dir
    catalog = load_catalog(input_dir)
    for pdf in sorted(input_dir.glob("*.pdf")):
        report.skipped.append((pdf, "PDF inputs are not extracted yet; extract the text to a .txt file"))
        say(f"skip   {pdf.name}: PDF inputs are not extracted yet")
    written: dict[str, Path] = {}  # doc_id -> the file its folder was written from
    for path in input_files(input_dir):
        timings = Timings()
        try:
            result = read_document(path, catalog.get(path.name), timings)
            doc_id = result.document.doc_id
            if doc_id in written:
                # two files, one folder: writing would silently replace the first document's CSVs
                raise PipelineError(
                    str(path), None,
                    f"doc_id {doc_id} is also the doc_id of {written[doc_id].name}; "
                    "give one of them a catalog entry with its own doc_id",
                )
        except PipelineError as e:
            report.failed.append(e)
            say(f"FAILED {e.describe()}")
            continue
        written[doc_id] = path
        t0 = time.perf_counter()
        run_checks(result)
        timings.add("check", time.perf_counter() - t0)
        t0 = time.perf_counter()
        write_document(result, paths.packages_dir)
        timings.add("write", time.perf_counter() - t0)
        for stage, seconds in timings.stages.items():
            report.timings.add(stage, seconds)
        report.built.append(result)
        say(summary_line(result, timings))
    # combined stages (packages/all, database, site) come here, from report.built
    return report


def summary_line(result: DocumentResult, timings: Timings) -> str:
    statuses = [t.status for t in result.tables]
    stages = " ".join(f"{k}={v * 1000:.0f}ms" for k, v in timings.stages.items())
    failed = sum(not c.passed for c in result.checks)
    return (
        f"built  {result.document.doc_id}: tables {statuses.count('parsed')} parsed / "
        f"{statuses.count('empty')} empty / {statuses.count('missing')} missing / "
        f"{statuses.count('unparsed')} unparsed, facts {len(result.facts)}, projects {len(result.projects)}, "
        f"goals {len(result.goals)}, indicators {len(result.indicators)}, glossary {len(result.glossary)}, "
        f"checks {len(result.checks)} ({failed} failed), unparsed lines {len(result.unparsed)} [{stages}]"
    )
