"""PDF extraction speed: seconds per page of `pipeline.pdf.extract_pdf` over a folder of PDFs, uncached.

Usage: python benchmarks/pdf_speed.py DIR [--limit N] [--per-city N] [--jobs J]

Extracts every PDF under DIR (recursively; with ``--per-city``, the first N of each city of DIR's
``manifest.csv``) afresh, as a cold build does, and prints per file the pages and seconds, then the median
and worst seconds per page, the median seconds per 20 pages (issue 15's target: at most 1 s) and the
total. A scan without a text layer is counted with its pages; a file that is no readable PDF is listed
and left out of the figures. ``--jobs`` extracts files in parallel: each file's time is its own.
"""

from __future__ import annotations

import argparse
import csv
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from pipeline.errors import PipelineError  # noqa: E402
from pipeline.pdf import NoTextLayer, extract_pdf  # noqa: E402


def measure(path: Path) -> tuple[str, int | None, float, str]:
    """(file, pages, seconds, problem) of one extraction."""
    import pdfplumber

    t0 = time.perf_counter()
    problem = ""
    try:
        extract_pdf(path)
    except NoTextLayer:
        problem = "no text layer"
    except PipelineError as e:
        return str(path), None, time.perf_counter() - t0, e.reason
    seconds = time.perf_counter() - t0
    with pdfplumber.open(path) as pdf:
        pages = len(pdf.pages)
    return str(path), pages, seconds, problem


def pdfs_of(folder: Path, limit: int | None, per_city: int | None) -> list[Path]:
    files = sorted(folder.rglob("*.pdf"))
    if per_city is not None and (folder / "manifest.csv").exists():
        with open(folder / "manifest.csv", encoding="utf-8-sig", newline="") as f:
            city = {r["file"]: r.get("city", "") for r in csv.DictReader(f)}
        taken: dict[str, int] = {}
        kept = []
        for p in files:
            c = city.get(p.relative_to(folder).as_posix(), "")
            if taken.get(c, 0) < per_city:
                taken[c] = taken.get(c, 0) + 1
                kept.append(p)
        files = kept
    return files[:limit] if limit else files


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dir", type=Path)
    parser.add_argument("--limit", type=int, help="only the first N PDFs")
    parser.add_argument("--per-city", type=int, help="only the first N PDFs of each city (manifest.csv)")
    parser.add_argument("--jobs", type=int, default=1, help="files extracted in parallel")
    args = parser.parse_args()
    files = pdfs_of(args.dir, args.limit, args.per_city)
    if not files:
        print(f"no PDF under {args.dir}", file=sys.stderr)
        return 1
    t0 = time.perf_counter()
    with ProcessPoolExecutor(args.jobs) as pool:
        rows = list(pool.map(measure, files, chunksize=1))
    wall = time.perf_counter() - t0
    per_page = []
    for name, pages, seconds, problem in rows:
        print(f"{Path(name).name}: {pages if pages is not None else '-'} pages, {seconds:.2f} s"
              + (f" ({problem})" if problem else ""))
        if pages:
            per_page.append(seconds / pages)
    if not per_page:
        return 1
    median = statistics.median(per_page)
    pages = sum(p for _, p, _, _ in rows if p)
    print(f"\n{len(per_page)} PDFs, {pages} pages, {wall:.1f} s wall ({args.jobs} job{'s' if args.jobs > 1 else ''})")
    print(f"seconds per page: median {median:.3f}, worst {max(per_page):.3f}; median per 20 pages "
          f"{20 * median:.2f} s (target: at most 1 s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
