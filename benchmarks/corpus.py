"""How well yusuan reads a folder of real disclosures: the corpus as a benchmark.

Usage: python benchmarks/corpus.py DIR [--out CSV] [--limit N] [--per-city N] [--jobs J] [--cache DIR] [-q]

Reads every disclosure under DIR (recursively: .pdf, .txt, .md; README files skipped) with the pipeline's
own reading and checking stages, in-process (``pipeline.sources.read_pdf`` or ``pipeline.read.read_document``,
then ``pipeline.checks.run_checks``), with the catalog of each file's folder when there is one. Prints one
line per file, then the totals, and per city when DIR has a ``manifest.csv`` with ``file,city,…`` columns:

- recognised: ``disclosure`` (at least one standard table found), ``no_table_found`` (status ``failed``:
  a notice, or a disclosure whose tables the reader does not know), ``not_a_disclosure`` (the document's
  status says so), ``no_text_layer`` (the status says so, or ``pipeline.pdf`` raised "no text layer"),
  ``error`` (any other failure; its reason is in the row);
- tables parsed / empty / missing / unparsed, overall and by kind; facts; unparsed lines;
- checks passed / run; the share of facts confirmed by a passing check (``documents.facts_confirmed_share``,
  as ``run_checks`` computes it); ``clean`` as issue 13 defines it (a disclosure with no missing or
  unparsed table, no unparsed line and at least 98 % of its checks passing);
- seconds per stage (``pipeline.read.Timings``: extract, decode, find, tables, glossary, narrative, check).

A disclosure printed as two files, its narrative and its tables, is then joined as the build joins it
(``pipeline.join``): both rows name the other (``joined_with``), and the tables file's row has the figures
of the joined document, whose checks compare the narrative with the tables.

A failure of one file is a row with its reason, never the end of the run. The per-file figures are written
as CSV (``--out``, default ``benchmarks/corpus/figures.csv``, gitignored) so that two runs can be compared.
PDF extractions are cached by sha256 in ``benchmarks/corpus/cache`` (``--cache``): a second run is fast.
"""

from __future__ import annotations

import argparse
import csv
import statistics
import sys
import time
import traceback
import unicodedata
from collections import Counter, defaultdict
from concurrent.futures import ProcessPoolExecutor
from contextlib import nullcontext
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from pipeline.catalog import INPUT_SUFFIXES, load_catalog  # noqa: E402
from pipeline.checks import run_checks  # noqa: E402
from pipeline.errors import PipelineError  # noqa: E402
from pipeline.join import join, pairs  # noqa: E402
from pipeline.read import Timings, read_document  # noqa: E402
from pipeline.sources import add_pages, read_pdf  # noqa: E402

OUT = ROOT / "benchmarks" / "corpus" / "figures.csv"
CACHE = ROOT / "benchmarks" / "corpus" / "cache"
STAGES = ("extract", "decode", "find", "tables", "glossary", "narrative", "check")
TABLE_STATUSES = ("parsed", "empty", "missing", "unparsed")
RECOGNISED = ("disclosure", "narrative_only", "no_table_found", "not_a_disclosure", "no_text_layer", "error")
EXPECTED = ROOT / "benchmarks" / "corpus_expected.csv"  # hand-checked: what each corpus file is (by its text)
META = ("publisher", "region", "fiscal_year", "kind")
CLEAN_CHECKS = Decimal("0.98")  # issue 13: a clean document passes at least 98 % of its checks
COLUMNS = ("file", "city", "manifest_text_layer", "expected", "recognised", "status", "reason", "doc_id",
           "publisher", "region", "fiscal_year", "kind", "department_type", "metadata_wrong", *(f"tables_{s}" for s in TABLE_STATUSES), "tables", "facts", "unparsed_lines",
           "checks_passed", "checks_run", "facts_confirmed", "facts_confirmed_share", "clean", "joined_with",
           *(f"s_{s}" for s in STAGES), "seconds")


# ------------------------------------------------------------------------------------------ one file


def measure(path: Path, rel: str, city: str, text_layer: str, entry: dict | None, cache_dir: Path) -> tuple[dict, object]:
    """The figures of one file, and its result (None when it failed): read and checked like
    ``pipeline.build._read_and_check`` (without writing the extracted text). Any failure becomes the row's
    reason."""
    row: dict = {c: "" for c in COLUMNS}
    row.update(file=rel, city=city, manifest_text_layer=text_layer)
    timings = Timings()
    result = None
    t0 = time.perf_counter()
    try:
        if path.suffix.lower() == ".pdf":
            result, _ = read_pdf(path, entry, timings, cache_dir / "pdf")
        else:
            result = read_document(path, entry, timings)
        t1 = time.perf_counter()
        run_checks(result)
        timings.add("check", time.perf_counter() - t1)
        add_pages(result)
    except PipelineError as e:
        result = None
        no_text = "no text layer" in e.reason
        row.update(recognised="no_text_layer" if no_text else "error",
                   status="no_text_layer" if no_text else "error", reason=e.reason)
    except Exception as e:  # a bug of the reader is a finding of the benchmark, not the end of the run
        result = None
        where = traceback.extract_tb(e.__traceback__)[-1]
        row.update(recognised="error", status="error",
                   reason=f"internal error {type(e).__name__}: {e} ({Path(where.filename).name}:{where.lineno})")
    else:
        row.update(_figures(result))
    row.update({f"s_{s}": f"{timings.stages.get(s, 0.0):.3f}" for s in STAGES})
    row["seconds"] = f"{time.perf_counter() - t0:.3f}"
    return row, result


def _figures(result) -> dict:
    doc = result.document
    statuses = Counter(t.status for t in result.tables)
    passed = sum(c.passed for c in result.checks)
    run = len(result.checks)
    if doc.status in ("not_a_disclosure", "no_text_layer"):
        recognised, reason = doc.status, doc.status_reason or ""
    elif doc.tables_found == 0 and doc.status == "partial":
        recognised, reason = "narrative_only", doc.status_reason or ""
    elif doc.tables_found == 0:
        # the reader's status is `failed`: a disclosure whose tables it does not know yet
        recognised, reason = "no_table_found", doc.status_reason or "no standard table found"
    else:
        recognised, reason = "disclosure", ""
    clean = (recognised == "disclosure" and not result.unparsed and not statuses["missing"]
             and not statuses["unparsed"] and (run == 0 or Decimal(passed) / run >= CLEAN_CHECKS))
    return {
        "recognised": recognised, "status": doc.status, "reason": reason, "doc_id": doc.doc_id,
        "publisher": doc.publisher or "", "region": doc.region or "", "fiscal_year": doc.fiscal_year or "",
        "kind": doc.kind or "", "department_type": doc.department_type or "",
        **{f"tables_{s}": statuses[s] for s in TABLE_STATUSES},
        "tables": ";".join(f"{t.kind}:{t.status}" for t in result.tables),
        "facts": len(result.facts), "unparsed_lines": len(result.unparsed),
        "checks_passed": passed, "checks_run": run, "facts_confirmed": doc.facts_confirmed,
        "facts_confirmed_share": "" if doc.facts_confirmed_share is None else str(doc.facts_confirmed_share),
        "clean": "yes" if clean else "no",
    }


def _measure_job(args: tuple) -> tuple[dict, object]:
    return measure(*args)


def join_pairs(rows: list[dict], results: list, jobs: list[tuple]) -> int:
    """Join each disclosure printed as two files (the narrative and the tables, ``pipeline.join.pairs``,
    per folder, files without a catalog entry) as the build does, and give the tables file's row the
    figures of the joined document (its checks compare the narrative with the tables). Returns how many."""
    by_folder: dict[Path, list[int]] = defaultdict(list)
    for i, job in enumerate(jobs):
        if results[i] is not None and job[4] is None:
            by_folder[job[0].parent].append(i)
    joined = 0
    for indexes in by_folder.values():
        index = {jobs[i][0].name: i for i in indexes}
        for narrative, tables in pairs([(jobs[i][0].name, results[i]) for i in indexes]):
            n, t = index[narrative], index[tables]
            document = join([results[n], results[t]])
            run_checks(document)
            add_pages(document)
            rows[t].update(_figures(document))
            rows[n]["joined_with"], rows[t]["joined_with"] = rows[t]["file"], rows[n]["file"]
            joined += 1
    return joined


# ------------------------------------------------------------------------------------------ the folder


def files_of(folder: Path, limit: int | None, per_city: int | None) -> list[tuple]:
    """(path, relative name, city, manifest text_layer, catalog entry) of every disclosure under `folder`."""
    manifest = _manifest(folder)
    catalogs: dict[Path, dict] = {}
    found = []
    taken: Counter = Counter()
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in INPUT_SUFFIXES
                       and not p.name.lower().startswith("readme")):
        rel = path.relative_to(folder).as_posix()
        city, text_layer = manifest.get(rel, ("", ""))
        if per_city is not None and taken[city] >= per_city:
            continue
        if path.parent not in catalogs:
            try:
                catalogs[path.parent] = load_catalog(path.parent)
            except PipelineError as e:
                print(f"catalog not used: {e.describe()}", file=sys.stderr)
                catalogs[path.parent] = {}
        taken[city] += 1
        found.append((path, rel, city, text_layer, catalogs[path.parent].get(path.name)))
    return found[:limit] if limit else found


def _manifest(folder: Path) -> dict[str, tuple[str, str]]:
    path = folder / "manifest.csv"
    if not path.exists():
        return {}
    with open(path, encoding="utf-8-sig", newline="") as f:
        return {r["file"]: (r.get("city") or "", r.get("text_layer") or "") for r in csv.DictReader(f) if r.get("file")}


# ------------------------------------------------------------------------------------------ summaries


def load_expected(path: Path | None) -> dict[str, dict]:
    if path is None or not path.exists():
        return {}
    with open(path, encoding="utf-8-sig", newline="") as f:
        return {r["file"]: r for r in csv.DictReader(f)}


def compare(row: dict, expected: dict | None) -> None:
    """Fill `expected` and `metadata_wrong` (the fields of META the reader got wrong) of a row."""
    if not expected:
        return
    row["expected"] = expected["status"]
    if expected["status"] in ("disclosure", "narrative_only") and row["recognised"] not in ("error", "no_text_layer"):
        wrong = [k for k in META if _norm(row.get(k)) != _norm(expected.get(k))]
        row["metadata_wrong"] = ";".join(f"{k}={row.get(k) or '-'} (expected {expected.get(k) or '-'})" for k in wrong)


def _norm(value) -> str:
    text = unicodedata.normalize("NFKC", str(value or "")).replace(" ", "")
    return text.replace("（本级）", "").replace("(本级)", "")


def expected_summary(rows: list[dict]) -> list[str]:
    """The figures issue 13's "done when" counts, against the hand-checked expectations."""
    rows = [r for r in rows if r["expected"]]
    if not rows:
        return []
    right = sum(r["recognised"] == r["expected"] or (r["expected"] == "disclosure" and r["recognised"] == "disclosure")
                for r in rows)
    confused = Counter((r["expected"], r["recognised"]) for r in rows if r["recognised"] != r["expected"])
    discl = [r for r in rows if r["expected"] == "disclosure"]
    clean = sum(r["clean"] == "yes" for r in discl)
    shares = [Decimal(r["facts_confirmed_share"]) for r in discl if r["facts_confirmed_share"]]
    meta = [r for r in rows if r["expected"] in ("disclosure", "narrative_only")]
    lines = [f"against {EXPECTED.name}: {right}/{len(rows)} files recognised as expected"
             + ("; " + ", ".join(f"{n} {e}→{g}" for (e, g), n in confused.most_common()) if confused else ""),
             f"  expected disclosures: {len(discl)}, clean {clean} ({100 * clean / max(1, len(discl)):.1f} %), "
             f"median facts confirmed {statistics.median(shares) if shares else '-'} (over {len(shares)})",
             "  metadata read right (of " + str(len(meta)) + " disclosures and narratives): "
             + ", ".join(f"{k} {sum(k + '=' not in r['metadata_wrong'] for r in meta)}" for k in META)]
    return lines


def file_line(row: dict) -> str:
    if row["recognised"] in ("error", "no_text_layer") or row["reason"]:
        return f"{row['recognised']:16} {row['file']}: {row['reason']}  ({row['seconds']} s)"
    share = row["facts_confirmed_share"] or "-"
    tables = "/".join(str(row[f"tables_{s}"]) for s in TABLE_STATUSES)
    return (f"{row['recognised']:16} {row['file']}: tables p/e/m/u {tables}, {row['facts']} facts, "
            f"{row['unparsed_lines']} unparsed, checks {row['checks_passed']}/{row['checks_run']}, "
            f"confirmed {share}{', clean' if row['clean'] == 'yes' else ''}  ({row['seconds']} s)")


def summary(rows: list[dict], label: str) -> list[str]:
    """The figures of a group of rows, as printed lines."""
    recognised = Counter(r["recognised"] for r in rows)
    ok = [r for r in rows if r["recognised"] == "disclosure"]
    total = lambda key: sum(int(r[key] or 0) for r in rows)  # noqa: E731
    shares = [Decimal(r["facts_confirmed_share"]) for r in ok if r["facts_confirmed_share"]]
    passed, run = total("checks_passed"), total("checks_run")
    lines = [
        f"{label}: {len(rows)} files: " + ", ".join(f"{recognised[k]} {k}" for k in RECOGNISED if recognised[k]),
        f"  disclosures: {sum(int(r['facts']) > 0 for r in ok)} with facts, "
        f"{sum(r['clean'] == 'yes' for r in ok)} clean; "
        f"median facts confirmed {statistics.median(shares) if shares else '-'} (over {len(shares)})",
        "  tables " + ", ".join(f"{total(f'tables_{s}')} {s}" for s in TABLE_STATUSES)
        + f"; {total('facts')} facts; {total('unparsed_lines')} unparsed lines; "
        f"checks {passed}/{run} passed" + (f" ({100 * passed / run:.1f} %)" if run else ""),
        "  seconds " + ", ".join(f"{s} {sum(float(r[f's_{s}'] or 0) for r in rows):.1f}" for s in STAGES)
        + f"; total {sum(float(r['seconds'] or 0) for r in rows):.1f}",
    ]
    return lines


def kinds_summary(rows: list[dict]) -> list[str]:
    by_kind: dict[str, Counter] = defaultdict(Counter)
    for r in rows:
        for item in filter(None, r["tables"].split(";")):
            kind, _, status = item.rpartition(":")
            by_kind[kind][status] += 1
    width = max((len(k) for k in by_kind), default=4)
    lines = [f"  {'kind':{width}}  " + "  ".join(f"{s:>8}" for s in TABLE_STATUSES)]
    for kind in sorted(by_kind, key=lambda k: -sum(by_kind[k].values())):
        lines.append(f"  {kind:{width}}  " + "  ".join(f"{by_kind[kind][s]:>8}" for s in TABLE_STATUSES))
    return lines


def _pad(text: str, width: int) -> str:
    """`text` left-aligned in `width` columns of a terminal: a Chinese character takes two."""
    return text + " " * max(0, width - sum(1 + (unicodedata.east_asian_width(c) in "WF") for c in text))


def city_summary(rows: list[dict]) -> list[str]:
    cities: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        cities[r["city"]].append(r)
    head = (f"  {_pad('city', 8)} {'files':>5} {'discl':>5} {'narr':>4} {'noTab':>5} {'not':>4} {'noTL':>4} {'err':>4} {'w/fct':>5} {'clean':>5} "
            f"{'facts':>6} {'unparsed':>8} {'checks':>11} {'median':>6} {'sec':>6}")
    lines = [head]
    for city in sorted(cities, key=lambda c: (-len(cities[c]), c)):
        rs = cities[city]
        n = Counter(r["recognised"] for r in rs)
        ok = [r for r in rs if r["recognised"] == "disclosure"]
        shares = [Decimal(r["facts_confirmed_share"]) for r in ok if r["facts_confirmed_share"]]
        passed = sum(int(r["checks_passed"] or 0) for r in rs)
        run = sum(int(r["checks_run"] or 0) for r in rs)
        lines.append(
            f"  {_pad(city or '-', 8)} {len(rs):>5} {n['disclosure']:>5} {n['narrative_only']:>4} {n['no_table_found']:>5} {n['not_a_disclosure']:>4} {n['no_text_layer']:>4} "
            f"{n['error']:>4} {sum(int(r['facts']) > 0 for r in ok):>5} {sum(r['clean'] == 'yes' for r in ok):>5} "
            f"{sum(int(r['facts'] or 0) for r in rs):>6} {sum(int(r['unparsed_lines'] or 0) for r in rs):>8} "
            f"{f'{passed}/{run}':>11} {str(statistics.median(shares)) if shares else '-':>6} "
            f"{sum(float(r['seconds'] or 0) for r in rs):>6.1f}")
    return lines


# ------------------------------------------------------------------------------------------ main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dir", type=Path, help="a folder of disclosures (searched recursively)")
    parser.add_argument("--out", type=Path, default=OUT, help=f"per-file figures as CSV (default {OUT})")
    parser.add_argument("--limit", type=int, help="read only the first N files")
    parser.add_argument("--per-city", type=int, help="read only the first N files of each city (manifest.csv)")
    parser.add_argument("--jobs", type=int, default=1, help="files read in parallel (processes)")
    parser.add_argument("--cache", type=Path, default=CACHE, help=f"PDF extraction cache (default {CACHE})")
    parser.add_argument("--expected", type=Path, default=EXPECTED,
                        help=f"what each file is, hand-checked (default {EXPECTED}; used where its file names match)")
    parser.add_argument("-q", "--quiet", action="store_true", help="no line per file")
    args = parser.parse_args(argv)
    if not args.dir.is_dir():
        parser.error(f"{args.dir} is not a folder")
    jobs = [(*f, args.cache) for f in files_of(args.dir, args.limit, args.per_city)]
    if not jobs:
        print(f"no disclosure (.pdf, .txt, .md) under {args.dir}", file=sys.stderr)
        return 1
    t0 = time.perf_counter()
    rows: list[dict] = []
    results: list = []
    with ProcessPoolExecutor(args.jobs) if args.jobs > 1 else nullcontext() as pool:
        for row, result in (pool.map(_measure_job, jobs, chunksize=1) if pool else map(_measure_job, jobs)):
            rows.append(row)
            results.append(result)
            if not args.quiet:
                print(file_line(row), flush=True)
    joined = join_pairs(rows, results, jobs)
    wall = time.perf_counter() - t0
    expected = load_expected(args.expected)
    for row in rows:
        compare(row, expected.get(row["file"]))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with open(args.out, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    print()
    print("\n".join(summary(rows, f"total ({wall:.1f} s wall, {args.jobs} job{'s' if args.jobs > 1 else ''})")))
    print(f"  joined: {joined} disclosures printed as two files (narrative + tables) read as one document; "
          "the tables file's row has the joined document's figures")
    print("  by kind:")
    print("\n".join(kinds_summary(rows)))
    if any(r["city"] for r in rows):
        print("per city:")
        print("\n".join(city_summary(rows)))
    if any(r["expected"] for r in rows):
        print("\n".join(expected_summary(rows)))
    print(f"per-file figures: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
