"""PDF extraction speed: seconds per page of `pipeline.pdf.extract_pdf` over a folder of PDFs, uncached.

Usage: python benchmarks/pdf_speed.py DIR [--limit N] [--per-city N] [--jobs J] [--compare CACHE]

Extracts every PDF under DIR (recursively; with ``--per-city``, the first N of each city of DIR's
``manifest.csv``) afresh, as a cold build does, and prints per file the pages and seconds, then the median
and worst seconds per page, the median seconds per 20 pages (issue 15's target: at most 1 s) and the
total; each in wall seconds and in the extracting process's CPU seconds (on a shared machine the wall
clock also counts the other processes' turns). A scan without a text layer is counted with its pages; a file that is no readable PDF is listed
and left out of the figures. ``--jobs`` extracts files in parallel: each file's time is its own.

``--compare CACHE`` compares each extraction with the one an earlier extractor left in CACHE (the folder
``benchmarks/corpus.py --cache`` fills: ``pdf/<sha256>-<extractor>.json``, ``{"text", "pages"}``; with
several extractors' files for a PDF, the oldest): per file ``identical`` or ``differs`` with the first
differing lines, then the counts.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
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


def measure(path: Path, compare: Path | None = None) -> tuple[str, int | None, float, float, str, str]:
    """(file, pages, seconds, CPU seconds, problem, comparison) of one extraction."""
    import pdfplumber

    t0, c0 = time.perf_counter(), time.process_time()
    problem = ""
    extracted = None
    try:
        extracted = extract_pdf(path)
    except NoTextLayer:
        problem = "no text layer"
    except PipelineError as e:
        return str(path), None, time.perf_counter() - t0, time.process_time() - c0, e.reason, ""
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    with pdfplumber.open(path) as pdf:
        pages = len(pdf.pages)
    return str(path), pages, seconds, cpu, problem, compared(path, extracted, compare) if compare else ""


def compared(path: Path, extracted, cache: Path) -> str:
    """``identical``, ``differs: …`` (the first differing lines) or ``no reference``."""
    sha256 = hashlib.sha256(path.read_bytes()).hexdigest()
    found = sorted((cache / "pdf").glob(f"{sha256}-*.json"), key=lambda p: p.stat().st_mtime) \
        or sorted(cache.glob(f"{sha256}-*.json"), key=lambda p: p.stat().st_mtime)
    if not found:
        return "identical (no text layer, as before)" if extracted is None else "no reference"
    if extracted is None:
        return "differs: no text layer now"
    reference = json.loads(found[0].read_text(encoding="utf-8"))
    if reference["text"] == extracted.text and tuple(reference["pages"]) == extracted.pages:
        return "identical"
    old, new = reference["text"].split("\n"), extracted.text.split("\n")
    shown = []
    for i in range(max(len(old), len(new))):
        a = old[i] if i < len(old) else "<none>"
        b = new[i] if i < len(new) else "<none>"
        if a != b:
            shown.append(f"    line {i + 1}: was {a[:120]!r}\n    {' ' * len(str(i + 1))}       now {b[:120]!r}")
            if len(shown) == 3:
                break
    if not shown:
        shown.append("    same text, other pages")
    return f"differs ({len(old)} lines before, {len(new)} now):\n" + "\n".join(shown)


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
    parser.add_argument("--compare", type=Path, metavar="CACHE",
                        help="compare with the extractions in CACHE (benchmarks/corpus.py --cache)")
    args = parser.parse_args()
    files = pdfs_of(args.dir, args.limit, args.per_city)
    if not files:
        print(f"no PDF under {args.dir}", file=sys.stderr)
        return 1
    t0 = time.perf_counter()
    with ProcessPoolExecutor(args.jobs) as pool:
        rows = list(pool.map(measure, files, [args.compare] * len(files), chunksize=1))
    wall = time.perf_counter() - t0
    per_page, cpu_per_page = [], []
    for name, pages, seconds, cpu, problem, comparison in rows:
        print(f"{Path(name).name}: {pages if pages is not None else '-'} pages, {seconds:.2f} s ({cpu:.2f} s CPU)"
              + (f" ({problem})" if problem else "") + (f"; {comparison}" if comparison else ""))
        if pages:
            per_page.append(seconds / pages)
            cpu_per_page.append(cpu / pages)
    if not per_page:
        return 1
    pages = sum(row[1] for row in rows if row[1])
    print(f"\n{len(per_page)} PDFs, {pages} pages, {wall:.1f} s wall ({args.jobs} job{'s' if args.jobs > 1 else ''})")
    # CPU seconds too: on a shared machine the wall clock also counts the other processes' turns
    for label, figures in (("seconds", per_page), ("CPU seconds", cpu_per_page)):
        median = statistics.median(figures)
        print(f"{label} per page: median {median:.3f}, worst {max(figures):.3f}; median per 20 pages "
              f"{20 * median:.2f} s (target: at most 1 s)")
    if args.compare:
        outcomes = [c.split(" ")[0].rstrip(":") for *_, c in rows if c]
        print(f"compared with {args.compare}: {outcomes.count('identical')} identical, "
              f"{outcomes.count('differs')} differ, {outcomes.count('no')} without a reference")
    return 0


if __name__ == "__main__":
    sys.exit(main())
