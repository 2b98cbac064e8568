"""The `yusuan` command: a thin layer over the library, and the only place errors become exit codes."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import click

from . import __version__
from .atomic import output_error
from .build import BuildPaths
from .build import build as build_all
from .errors import PipelineError
from .fetch import DEFAULT_MAX_BYTES, DEFAULT_RETRIES, DEFAULT_TIMEOUT, FetchSettings, fetch_all

PROJECT = Path(__file__).resolve().parent.parent
DEFAULT_INPUT = PROJECT / "disclosures"
DEFAULT_PACKAGES = PROJECT / "datapackages"
DEFAULT_BUILD = PROJECT / "build"


class Progress:
    """Documents read so far, the rate and the time left, on one line of a terminal (standard error); quiet
    when standard error is no terminal or in CI, where the per-document lines and the summary say it all."""

    def __init__(self) -> None:
        self.shown = sys.stderr.isatty() and not os.environ.get("CI")
        self.start = time.monotonic()

    def __call__(self, done: int, total: int) -> None:
        if not self.shown:
            return
        rate = done / max(time.monotonic() - self.start, 1e-6)
        left = (total - done) / rate if rate else 0
        end = "\n" if done == total else ""
        click.echo(f"\rread {done}/{total} documents, {rate:.1f}/s, {left:.0f} s left   {end}", nl=False, err=True)


@click.group()
@click.version_option(__version__, prog_name="yusuan")
def main() -> None:
    """yusuan: Chinese public budget disclosures as validated open data."""


@main.command()
@click.option("--input", "input_dir", type=click.Path(path_type=Path, file_okay=False), default=DEFAULT_INPUT,
              show_default=True, help="Folder of disclosures (.txt/.md/.pdf, with an optional catalog.yml).")
@click.option("--packages", "packages_dir", type=click.Path(path_type=Path, file_okay=False),
              default=DEFAULT_PACKAGES, show_default=True,
              help="Folder for the published data packages (one per document, and all/).")
@click.option("--build-dir", "build_dir", type=click.Path(path_type=Path, file_okay=False), default=DEFAULT_BUILD,
              show_default=True, help="Folder for generated outputs: the database, the site, caches.")
@click.option("--site/--no-site", default=True, show_default=True, help="Also build the documentation site.")
@click.option("--cache/--no-cache", default=True, show_default=True,
              help="Reuse the results of documents whose source, catalog entry and code are unchanged "
                   "(kept in BUILD_DIR/cache).")
@click.option("--jobs", type=click.IntRange(min=1), default=None,
              help="Worker processes reading the documents [default: one per CPU core]; the outputs are the "
                   "same as with --jobs 1.")
@click.option("--accept-worse", is_flag=True,
              help="Publish a document even when it reads to fewer parsed tables or facts than its published "
                   "package from the same source (after an intended code change).")
@click.option("--shard", metavar="I/N", default=None,
              help="Only read and check shard I of N of the files into BUILD_DIR/cache, and publish nothing; "
                   "a build without --shard on the shards' caches put together then publishes everything.")
def build(input_dir: Path, packages_dir: Path, build_dir: Path, site: bool, cache: bool, jobs: int | None,
          accept_worse: bool, shard: str | None) -> None:
    """Read and check every disclosure of a folder; publish data packages, the database and the site.

    Only what changed is rebuilt: each document is read again only when its file, its catalog entry or
    the pipeline's code changed; every line says `built` (read now) or `reused` (from the cache). What the
    build changed against the packages it found (new, updated, withdrawn documents) is added to their
    `changes` log, timed SOURCE_DATE_EPOCH when set, else now.

    A document that cannot be read, or reads worse than its published package, keeps that package
    (`kept`); exit code 2 when any document failed. Exit code 1 when the build could not run or write:
    another build is running on these folders, a folder is not yusuan's, the disk is full or a folder is
    read-only (the previous outputs are left as they were).
    """
    if not input_dir.is_dir():
        raise click.ClickException(f"{input_dir}: no such folder")
    if shard is not None:
        _build_shard(BuildPaths(input_dir, packages_dir, build_dir), shard, cache, jobs)
        return
    try:
        report = build_all(BuildPaths(input_dir, packages_dir, build_dir), say=click.echo, site=site, cache=cache,
                           accept_worse=accept_worse, jobs=jobs or os.cpu_count() or 1, progress=Progress())
    except PipelineError as e:
        raise click.ClickException(e.describe()) from None
    except OSError as e:  # an output fault outside the writers' own checks: one line, never a traceback
        raise click.ClickException(output_error(e.filename or build_dir, e).describe()) from None
    total = report.timings.stages
    kept = f", {len(report.kept)} kept from the last good build" if report.kept else ""
    click.echo(
        f"{len(report.built)} built, {len(report.failed)} failed, {len(report.skipped)} skipped; "
        f"{len(report.rebuilt)} rebuilt, {len(report.reused)} reused{kept}; "
        + format_timings(total)
    )
    if report.failed:
        sys.exit(2)


def format_timings(stages: dict[str, float]) -> str:
    """The stages' seconds; OCR with its pages read by the engine and the seconds per page."""
    out = []
    for stage, seconds in stages.items():
        if stage == "ocr_pages":
            continue
        text = f"{stage}={seconds:.2f}s"
        if stage == "ocr" and (pages := int(stages.get("ocr_pages", 0))):
            text += f" ({pages} page{'s' if pages > 1 else ''} read by OCR, {seconds / pages:.1f}s/page)"
        out.append(text)
    return " ".join(out)


def _build_shard(paths: BuildPaths, shard: str, cache: bool, jobs: int | None) -> None:
    from .shard import build_shard, parse_shard

    try:
        number, count = parse_shard(shard)
    except ValueError as e:
        raise click.BadParameter(str(e), param_hint="--shard") from None
    if not cache:
        raise click.BadParameter("a shard writes into the cache: it cannot run with --no-cache", param_hint="--shard")
    try:
        report = build_shard(paths, number, count, say=click.echo, jobs=jobs or os.cpu_count() or 1,
                             progress=Progress())
    except PipelineError as e:
        raise click.ClickException(e.describe()) from None
    except OSError as e:
        raise click.ClickException(output_error(e.filename or paths.build_dir, e).describe()) from None
    click.echo(f"shard {number}/{count}: {len(report.files)} files, {len(report.read)} read, "
               f"{len(report.cached)} already cached, {len(report.failed)} failed; "
               + format_timings(report.timings.stages))
    if report.failed:
        sys.exit(2)


@main.command()
@click.option("--input", "input_dir", type=click.Path(path_type=Path, file_okay=False), default=DEFAULT_INPUT,
              show_default=True, help="Folder of disclosures with the catalog.yml that names their source_url.")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=DEFAULT_TIMEOUT, show_default=True,
              help="Seconds one attempt may take: connection, answer and the whole body.")
@click.option("--deadline", type=click.FloatRange(min=0.1), default=None,
              help="Seconds one source may take, all attempts and the waits between them included "
                   "[default: three times --timeout].")
@click.option("--retries", type=click.IntRange(min=0), default=DEFAULT_RETRIES, show_default=True,
              help="Attempts after the first one on network errors and 5xx/408/429 answers (exponential backoff).")
@click.option("--max-mb", type=click.FloatRange(min=0.001), default=DEFAULT_MAX_BYTES / 1024 / 1024,
              show_default=True, help="Refuse a download larger than this many MB.")
@click.option("--force", is_flag=True, help="Download even the files that match the catalog's sha256.")
@click.argument("files", nargs=-1)
def fetch(input_dir: Path, timeout: float, deadline: float | None, retries: int, max_mb: float, force: bool,
          files: tuple[str, ...]) -> None:
    """Download the disclosures whose catalog entry has a source_url and that are missing or changed.

    Only http and https URLs are fetched; a download is checked against the entry's sha256 and must be a
    readable PDF or text (not a web page, not cut off) that reads to tables where the current file does,
    before it replaces the file in the folder, so a source that cannot be fetched leaves the last good
    version in place. Give FILES (catalog file names) to fetch only those.
    Exit code 2 when any source failed (the others are fetched all the same).
    """
    if not input_dir.is_dir():
        raise click.ClickException(f"{input_dir}: no such folder")
    settings = FetchSettings(timeout=timeout, retries=retries, max_bytes=int(max_mb * 1024 * 1024), force=force,
                             deadline=deadline)
    try:
        results = fetch_all(input_dir, settings, say=click.echo, only=list(files) or None)
    except PipelineError as e:
        raise click.ClickException(e.describe()) from None
    counts = {s: sum(r.status == s for r in results) for s in ("fetched", "updated", "unchanged", "failed")}
    click.echo(", ".join(f"{n} {s}" for s, n in counts.items()))
    if counts["failed"]:
        sys.exit(2)


@main.command()
@click.option("--build-dir", "build_dir", type=click.Path(path_type=Path, file_okay=False), default=DEFAULT_BUILD,
              show_default=True, help="The folder `yusuan build` wrote yusuan.db and its Datasette metadata to.")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (0.0.0.0 to be reachable from other machines).")
@click.option("--port", type=click.IntRange(0, 65535), default=8001, show_default=True, help="Port to listen on.")
def serve(build_dir: Path, host: str, port: int) -> None:
    """Explore the built database in Datasette (read-only, immutable): tables, views, search, canned queries.

    Run `yusuan build` first; it writes BUILD_DIR/yusuan.db and BUILD_DIR/metadata.json.
    """
    from .publish.datasette import metadata_path
    from .publish.datasette import serve as serve_datasette

    database = BuildPaths(DEFAULT_INPUT, DEFAULT_PACKAGES, build_dir).database
    for needed in (database, metadata_path(database)):
        if not needed.is_file():
            raise click.ClickException(f"{needed}: not found; run `yusuan build` first")
    serve_datasette(database, host=host, port=port)


if __name__ == "__main__":
    main()
