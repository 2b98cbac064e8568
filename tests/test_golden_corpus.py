"""The reader against expectations written by hand off the PDF pages of real 2026 disclosures of nine
cities (tests/corpus/<stem>.pdf, tests/golden/corpus/<stem>/): every amount of the 收支总表, 支出总表 and
三公 table with its item, codes, column and line, and every standard table's status.

The expectations were read off the rendered pages by a person, not produced by the parser (NOTES.md of
each says how, and which discrepancies are the document's own)."""

from __future__ import annotations

import csv
import os
from collections import Counter
from pathlib import Path

import pytest

from pipeline.read import Timings
from pipeline.sources import read_pdf
from pipeline.text.lines import match_key

HERE = Path(__file__).resolve().parent
CORPUS, GOLDEN = HERE / "corpus", HERE / "golden" / "corpus"
STEMS = sorted(p.name for p in GOLDEN.iterdir() if (p / "facts.csv").exists())
FACT_KINDS = ("income_expenditure_summary", "expenditure_summary", "three_public")


@pytest.fixture(scope="session")
def corpus_result(tmp_path_factory):
    # YUSUAN_PDF_CACHE: a folder of extractions kept between runs (development); CI extracts afresh
    cache = Path(os.environ.get("YUSUAN_PDF_CACHE") or tmp_path_factory.mktemp("pdf-cache"))
    results = {}

    def read(stem: str):
        if stem not in results:
            results[stem], _ = read_pdf(CORPUS / f"{stem}.pdf", None, Timings(), cache)
        return results[stem]

    return read


def _rows(stem: str, name: str) -> list[dict]:
    with open(GOLDEN / stem / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def fact_key(kind, line, side, item, function_code, economic_code, printed) -> tuple:
    return (kind, int(line), side or "", match_key(item or ""), function_code or "", economic_code or "", printed)


def expected_facts(stem: str) -> Counter:
    return Counter((fact_key(r["kind"], r["source_line"], r["side"], r["item"], r["function_code"],
                             r["economic_code"], r["printed"]), match_key(r["measure"])) for r in _rows(stem, "facts.csv"))


def published_facts(result) -> Counter:
    kinds = {t.table_id: t.kind for t in result.tables}
    out = Counter()
    for f in result.facts:
        if kinds[f.table_id] in FACT_KINDS:
            key = fact_key(kinds[f.table_id], f.source_line, f.side, f.item, f.function_code, f.economic_code,
                           f.printed)
            out[(key, f.measure, match_key(f.column_path))] += 1
    return out


def compare(stem: str, result) -> tuple[list, list]:
    """(expected facts not published, published facts not expected). A golden measure is the column's own
    title as printed or, where titles repeat in a row, its path (因公出国(境)费/一般公共预算)."""
    want = expected_facts(stem)
    got = published_facts(result)
    missing, extra = [], []
    pool = Counter(got)
    for (key, measure), n in want.items():
        for _ in range(n):
            hit = next((g for g in pool if pool[g] and g[0] == key and measure in (match_key(g[1]), g[2])), None)
            if hit is None:
                missing.append((key, measure))
            else:
                pool[hit] -= 1
    extra = sorted(g for g, n in pool.items() for _ in range(n))
    return missing, extra


@pytest.mark.parametrize("stem", STEMS)
def test_every_amount_of_the_summary_expenditure_and_three_public_tables(stem, corpus_result):
    missing, extra = compare(stem, corpus_result(stem))
    assert missing == [], f"{len(missing)} expected facts not published"
    assert extra == [], f"{len(extra)} facts published that the hand-checked expectation does not have"


@pytest.mark.parametrize("stem", STEMS)
def test_every_standard_table_and_its_status(stem, corpus_result):
    result = corpus_result(stem)
    expected = Counter((r["kind"], r["status"]) for r in _rows(stem, "tables.csv") if r["kind"] != "other")
    got = Counter((t.kind, t.status) for t in result.tables)
    assert got == expected


def _headline_rows() -> list[dict]:
    with open(GOLDEN / "headline.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.mark.parametrize("stem", sorted({r["stem"] for r in _headline_rows()}))
def test_headline_figures_are_the_printed_ones(corpus_result, stem):
    """The figures people compare (headline_figures) against the numbers read off the PDF pages by hand
    (headline.csv): 收入/支出总计, 基本/项目支出, 三公经费 and its parts, whichever way the table prints them
    (a column per part, a row per part, a column per fund, a row per year)."""
    from pipeline.headline import headline_figures

    got = {h.measure: h.printed for h in headline_figures(corpus_result(stem))}
    want = {r["measure"]: r["printed"] for r in _headline_rows() if r["stem"] == stem}
    assert {m: got.get(m) for m in want} == want
