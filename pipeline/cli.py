"""The `yusuan` command: a thin layer over the library, and the only place errors become exit codes."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import __version__
from .build import BuildPaths
from .build import build as build_all
from .errors import PipelineError

PROJECT = Path(__file__).resolve().parent.parent
DEFAULT_INPUT = PROJECT / "disclosures"
DEFAULT_PACKAGES = PROJECT / "datapackages"
DEFAULT_BUILD = PROJECT / "build"


@click.group()
@click.version_option(__version__, prog_name="yusuan")
def main() -> None:
    """yusuan: Chinese public budget disclosures as validated open data."""


@main.command()
@click.option("--input", "input_dir", type=click.Path(path_type=Path, file_okay=False), default=DEFAULT_INPUT,
              show_default=True, help="Folder of disclosures (.txt/.md, with an optional catalog.yml).")
@click.option("--packages", "packages_dir", type=click.Path(path_type=Path, file_okay=False),
              default=DEFAULT_PACKAGES, show_default=True,
              help="Folder for the published data packages (one per document, and all/).")
@click.option("--build-dir", "build_dir", type=click.Path(path_type=Path, file_okay=False), default=DEFAULT_BUILD,
              show_default=True, help="Folder for generated outputs: the database, the site, caches.")
@click.option("--site/--no-site", default=True, show_default=True, help="Also build the documentation site.")
def build(input_dir: Path, packages_dir: Path, build_dir: Path, site: bool) -> None:
    """Read and check every disclosure of a folder; publish data packages, the database and the site."""
    if not input_dir.is_dir():
        raise click.ClickException(f"{input_dir}: no such folder")
    try:
        report = build_all(BuildPaths(input_dir, packages_dir, build_dir), say=click.echo, site=site)
    except PipelineError as e:
        raise click.ClickException(e.describe()) from None
    total = report.timings.stages
    click.echo(
        f"{len(report.built)} built, {len(report.failed)} failed, {len(report.skipped)} skipped; "
        + " ".join(f"{k}={v:.2f}s" for k, v in total.items())
    )
    if report.failed:
        sys.exit(2)


if __name__ == "__main__":
    main()
