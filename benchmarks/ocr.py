"""How well yusuan reads scanned PDFs by OCR: the corpus's scans, and the OCR path measured on text PDFs.

Usage: python benchmarks/ocr.py [--corpus DIR] [--sample N] [--pages P] [--cache DIR] [--no-scanned] [--no-sample]

1. Every file of DIR's ``manifest.csv`` with ``text_layer == no`` is read as the build reads it
   (``pipeline.sources.read_pdf``: pages without text are read by OCR, then the same reader and checks):
   pages, pages read by OCR, OCR seconds per page (the engine's own time, kept in the OCR cache, so a
   second run gives the same figure), status, tables found, facts, checks passed / run. A narrative file
   whose tables file is in the corpus is also joined with it, as the build joins them (``pipeline.join``).
2. The OCR path measured: N text-layer disclosures (``benchmarks/corpus_expected.csv`` says
   ``disclosure``; one per city, the cities in turn) are read twice, from their text layer and with their
   first P pages that print tables rendered and read by OCR (``pipeline.pdf.extract_pdf(ocr_pages=…)``,
   the rest from the text layer, so that the document is read whole); the facts of those pages are
   compared by amount and what it is (table kind, unit, item, codes, side, measure, fund, column, year;
   texts compared without spaces and width, NFKC: letter spacing and full-width brackets are typography). Printed: the share of the text layer's amounts that OCR reads equal (issue 16's target
   is at least 99 %), the facts OCR misses and those it reads differently, and examples of each.

OCR results are cached per page in ``--cache`` (default ``benchmarks/ocr/cache``, gitignored): a second
run reads no page again.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from pipeline.checks import run_checks  # noqa: E402
from pipeline.errors import PipelineError  # noqa: E402
from pipeline.join import join, pairs  # noqa: E402
from pipeline.ocr_engine import engine_id  # noqa: E402
from pipeline.pdf import extract_pdf  # noqa: E402
from pipeline.read import Timings, read_lines  # noqa: E402
from pipeline.sources import add_pages, read_pdf  # noqa: E402
from pipeline.text.lines import split_lines  # noqa: E402

CACHE = ROOT / "benchmarks" / "ocr" / "cache"
EXPECTED = ROOT / "benchmarks" / "corpus_expected.csv"
MAX_SAMPLE_PAGES = 12


def manifest(corpus: Path) -> list[dict]:
    with (corpus / "manifest.csv").open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def read(path: Path, cache: Path):
    timings = Timings()
    result, _ = read_pdf(path, None, timings, cache / "pdf")
    run_checks(result)
    add_pages(result)
    return result, timings


def engine_seconds(sha256: str, pages: int, cache: Path) -> tuple[int, float]:
    """(pages read by OCR, the engine's seconds for them) from the OCR cache."""
    import json

    count, seconds = 0, 0.0
    for page in range(1, pages + 1):
        entry = cache / "pdf" / "ocr" / f"{sha256}-p{page}-{engine_id()}.json"
        if entry.exists():
            count += 1
            seconds += float(json.loads(entry.read_text(encoding="utf-8")).get("seconds", 0.0))
    return count, seconds


def figures(result) -> str:
    passed = sum(c.passed for c in result.checks)
    kinds = Counter(t.kind for t in result.tables if t.status == "parsed")
    return (f"status {result.document.status:<16} tables {sum(kinds.values()):>2} facts {len(result.facts):>4} "
            f"checks {passed}/{len(result.checks)}" + (f"  ({', '.join(sorted(kinds))})" if kinds else ""))


def scanned(corpus: Path, cache: Path, only: str | None = None) -> None:
    rows = [r for r in manifest(corpus) if r["text_layer"] == "no" and (only is None or only in r["file"])]
    print(f"== Scanned files ({len(rows)}), engine {engine_id()}")
    results = {}
    total_pages = total_seconds = 0.0
    for row in rows:
        path = corpus / row["file"]
        t0 = time.perf_counter()
        try:
            result, timings = read(path, cache)
        except PipelineError as e:
            print(f"{row['file']:<40} {row['city']}  pages {row['pages']:>3}  unreadable: {e.reason}")
            continue
        count, seconds = engine_seconds(row["sha256"], int(row["pages"]), cache)
        total_pages, total_seconds = total_pages + count, total_seconds + seconds
        per_page = f"{seconds / count:5.1f}s/page" if count else "     -     "
        print(f"{row['file']:<40} {row['city']}  pages {row['pages']:>3}  OCR {count:>3} pages {per_page}  "
              f"{figures(result)}  [{time.perf_counter() - t0:.1f}s]")
        results[row["file"]] = result
    if total_pages:
        print(f"OCR: {int(total_pages)} pages, {total_seconds / total_pages:.1f} engine seconds per page")
    # a scanned narrative joined with its tables file (corpus_expected.csv's tables_in), as the build joins
    with EXPECTED.open(encoding="utf-8") as f:
        tables_in = {r["file"]: r["tables_in"] for r in csv.DictReader(f) if r["tables_in"]}
    for name, result in results.items():
        other = tables_in.get(name)
        if not other or not (corpus / other).exists():
            continue
        found = pairs([(name, result), (other, read(corpus / other, cache)[0])])
        if found:
            joined = join([result, read(corpus / other, cache)[0]])
            run_checks(joined)
            print(f"joined {name} + {other}: {figures(joined)}")
        else:
            print(f"{name}: not joined with {other} (the reader does not pair them)")


# ------------------------------------------------------------------------------------------ OCR path


def sample(corpus: Path, count: int) -> list[dict]:
    """`count` text-layer disclosures, one per city in turn (the cities with most files first), each the
    first by sha256."""
    with EXPECTED.open(encoding="utf-8") as f:
        disclosures = {r["file"] for r in csv.DictReader(f) if r["status"] == "disclosure"}
    by_city: dict[str, list[dict]] = defaultdict(list)
    for r in sorted(manifest(corpus), key=lambda r: r["sha256"]):
        if r["text_layer"] == "yes" and r["file"] in disclosures:
            by_city[r["city"]].append(r)
    cities = sorted(by_city, key=lambda c: (-len(by_city[c]), c))
    out: list[dict] = []
    while len(out) < count and any(by_city.values()):
        for city in cities:
            if by_city[city] and len(out) < count:
                out.append(by_city[city].pop(0))
    return out


def table_pages(extracted, count: int) -> frozenset[int]:
    """The first `count` pages that print a table (at least three tab-separated rows in the text layer)."""
    rows = Counter(page for line, page in zip(extracted.text.split("\n"), extracted.pages, strict=False)
                   if "\t" in line)
    return frozenset(sorted(page for page, n in rows.items() if n >= 3)[:count])


def fact_key(result, fact) -> tuple:
    """What a fact is, its texts normalised for matching (NFKC, no spaces): a text layer's letter-spaced
    本 年 收 入 合 计 and full-width （ are typography, which OCR does not see."""
    kinds = {t.table_id: t.kind for t in result.tables}
    return (kinds.get(fact.table_id), _norm(fact.unit_name), _norm(fact.item), fact.function_code,
            fact.economic_code, fact.side, _norm(fact.measure), fact.fund, _norm(fact.column_path),
            fact.fiscal_year)


def _norm(text: str | None) -> str:
    return "".join(unicodedata.normalize("NFKC", text or "").split())


def ocr_path(corpus: Path, cache: Path, count: int, per_doc: int) -> None:
    files = sample(corpus, count)
    print(f"\n== OCR path: {len(files)} text-layer disclosures from {len({r['city'] for r in files})} cities, "
          f"their first {per_doc} table pages rendered and read by OCR, the rest from the text layer; "
          f"the facts of those pages compared")
    equal = total = extra = ocr_pages = 0
    missed_examples, wrong_examples = [], []
    for row in files:
        path = corpus / row["file"]
        text, _ = read(path, cache)
        pages = table_pages(extract_pdf(path), per_doc)
        timings = Timings()
        extracted = extract_pdf(path, row["sha256"], cache / "pdf" / "ocr", timings, ocr_pages=pages)
        ocr = read_lines(split_lines(extracted.text), path, row["sha256"], {}, timings)
        ocr.line_pages = {path.name: extracted.pages}
        run_checks(ocr)
        add_pages(ocr)
        want = Counter((fact_key(text, f), f.amount) for f in text.facts if f.source_page in pages)
        got = Counter((fact_key(ocr, f), f.amount) for f in ocr.facts if f.source_page in pages)
        same = sum((want & got).values())
        got_by_key = defaultdict(list)
        for (key, amount), n in (got - want).items():
            got_by_key[key].extend([amount] * n)
        for (key, amount), _n in (want - got).items():
            if got_by_key.get(key):
                wrong_examples.append((row["file"], key, amount, got_by_key[key][0]))
            else:
                missed_examples.append((row["file"], key, amount))
        equal, total, extra = equal + same, total + sum(want.values()), extra + sum((got - want).values())
        _, seconds = engine_seconds(row["sha256"], int(row["pages"]), cache)
        share = same / sum(want.values()) if want else 1.0
        ocr_pages += len(pages)
        print(f"{row['file']:<40} {row['city']}  OCR pages {','.join(map(str, sorted(pages)))} "
              f"({seconds / max(len(pages), 1):.1f}s/page)  "
              f"text facts {sum(want.values()):>4}  OCR facts {sum(got.values()):>4}  equal {same:>4} "
              f"({share:.1%})  checks text {sum(c.passed for c in text.checks)}/{len(text.checks)} "
              f"OCR {sum(c.passed for c in ocr.checks)}/{len(ocr.checks)}")
    if total:
        print(f"{ocr_pages} pages; amounts equal: {equal}/{total} = {equal / total:.2%} (target 99 %); "
              f"OCR facts not in the text layer's: {extra}")
    for file, key, amount, read_as in wrong_examples[:15]:
        print(f"  read differently: {file} {key[0]} {key[2]!r} {key[6]}: {amount} → {read_as}")
    for file, key, amount in missed_examples[:15]:
        print(f"  missed: {file} {key[0]} {key[2]!r} {key[6]} {key[8]}: {amount}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--sample", type=int, default=6, help="text-layer disclosures for the OCR path")
    parser.add_argument("--pages", type=int, default=4, help="table pages of each read by OCR")
    parser.add_argument("--cache", type=Path, default=CACHE)
    parser.add_argument("--no-scanned", action="store_true")
    parser.add_argument("--only", help="only the scanned files whose path contains this")
    parser.add_argument("--no-sample", action="store_true")
    args = parser.parse_args(argv)
    if not args.no_scanned:
        scanned(args.corpus, args.cache, args.only)
    if not args.no_sample:
        ocr_path(args.corpus, args.cache, args.sample, args.pages)
    return 0


if __name__ == "__main__":
    sys.exit(main())
