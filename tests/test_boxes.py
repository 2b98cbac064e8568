"""Where every fact is printed (issue 16, item 3): the boxes the extraction keeps, the cell of each fact
(`source_bbox`), the box of every other record's line, and none for text inputs. The boxes are checked
against the PDF itself: what pdfplumber reads inside a fact's box is the number printed."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pdfplumber
import pytest
from conftest import DISCLOSURES

from pipeline.build import Timings
from pipeline.checks import run_checks
from pipeline.pdf import TABLE_SETTINGS, _cell_boxes, extract_cached, extract_pdf, extractor_id
from pipeline.read import read_document
from pipeline.sources import add_pages, read_pdf

PDF = DISCLOSURES / "shanghai-finance-bureau-2025.pdf"
CORPUS = Path(__file__).resolve().parent / "corpus"


@pytest.fixture(scope="module")
def shanghai(tmp_path_factory):
    result, extracted = read_pdf(PDF, None, Timings(), tmp_path_factory.mktemp("pdf"))
    run_checks(result)
    add_pages(result)
    return result, extracted


def box(text: str) -> tuple[float, ...]:
    values = tuple(float(v) for v in text.split(","))
    assert len(values) == 4 and values[0] < values[2] and values[1] < values[3], text
    return values


def printed_in(pdf, page: int, bbox: str) -> str:
    """What pdfplumber reads inside the box, without spaces and line breaks."""
    return "".join((pdf.pages[page - 1].crop(box(bbox)).extract_text() or "").split())


def test_the_summary_tables_totals_are_boxed_where_they_are_printed(shanghai):
    result, _ = shanghai
    (income,) = [f for f in result.facts if f.table_id == "t01" and f.item == "收入总计"]
    (spending,) = [f for f in result.facts if f.table_id == "t01" and f.item == "支出总计" and f.measure == "合计"]
    # the same number printed twice on line 75: the income side's cell, then the expenditure side's
    assert income.source_line == spending.source_line == 75 and income.printed == spending.printed == "171,915,169"
    assert income.source_page == 7
    assert income.source_bbox == "204.00,476.72,303.99,499.88"
    assert box(income.source_bbox)[2] <= box(spending.source_bbox)[0]
    with pdfplumber.open(PDF) as pdf:
        assert printed_in(pdf, 7, income.source_bbox) == printed_in(pdf, 7, spending.source_bbox) == "171,915,169"
    headline = {h.measure: h for h in result.headline}
    assert (headline["收入总计"].source_page, headline["收入总计"].source_bbox) == (7, income.source_bbox)
    assert headline["支出总计"].source_bbox == spending.source_bbox


def test_every_fact_of_the_pdf_has_its_page_and_the_box_of_its_number(shanghai):
    result, _ = shanghai
    assert len(result.facts) == 263
    with pdfplumber.open(PDF) as pdf:
        wrong = [(f.source_line, f.printed, f.source_bbox) for f in result.facts
                 if f.source_page is None or printed_in(pdf, f.source_page, f.source_bbox) != f.printed]
    assert wrong == []
    # a number printed twice on one line (合计 and 财政拨款收入 of 一般公共服务支出): two cells, in column order
    twice = [f for f in result.facts if f.source_line == 82]
    assert [(f.measure, f.printed) for f in twice] == [("合计", "127,886,849"), ("财政拨款收入", "127,886,849")]
    assert box(twice[0].source_bbox)[2] <= box(twice[1].source_bbox)[0]
    assert all(f.ocr_confidence is None and f.ocr_uncertain is None for f in result.facts)  # the text layer


def test_glossary_terms_checks_and_headline_figures_have_their_lines_box(shanghai):
    result, extracted = shanghai
    assert len(result.glossary) == 8
    with pdfplumber.open(PDF) as pdf:
        for term in result.glossary:
            assert term.source_page is not None
            assert "".join(term.term.split()) in printed_in(pdf, term.source_page, term.source_bbox), term
    for record in [*result.checks, *result.headline]:
        assert record.source_page is not None and record.source_bbox is not None, record
    # a check of a printed total is boxed at the total's cell (line 75: 收入总计 against 支出总计)
    summary = [c for c in result.checks if c.check == "summary-unbalanced" and c.source_line == 75]
    cells = {f.source_bbox for f in result.facts if f.source_line == 75}
    assert summary and all(c.source_bbox in cells for c in summary)
    # a statement-less record citing a whole table row: the union of its cells
    x0, top, x1, bottom = zip(*extracted.boxes[75 - 1], strict=True)
    assert f"{min(x0):.2f},{min(top):.2f},{max(x1):.2f},{max(bottom):.2f}" not in cells


def test_text_inputs_have_no_box(read_sample):
    result = read_document(DISCLOSURES / "sichuan-samr-data-center-2025.txt", None, Timings())
    run_checks(result)
    add_pages(result)
    assert result.facts and result.glossary and result.checks
    for name in ("facts", "projects", "goals", "indicators", "glossary", "checks", "unparsed", "headline"):
        assert all(r.source_page is None and r.source_bbox is None for r in getattr(result, name)), name
    assert all(f.ocr_confidence is None and f.ocr_uncertain is None for f in result.facts)


def test_every_line_has_a_box_per_cell_and_merged_cells_the_merged_box():
    """Over the bundled corpus: one box per tab-separated cell of every line (none for a page break), a
    cell's box from pdfplumber's cells, and where a merged cell covers a grid position, its box."""
    merged = holes = 0
    for path in [PDF, *sorted(CORPUS.glob("*.pdf"))[:4]]:
        extracted = extract_pdf(path)
        lines = extracted.text.split("\n")[:-1]
        assert len(extracted.boxes) == len(lines) == len(extracted.pages)
        for line, boxes in zip(lines, extracted.boxes, strict=True):
            assert len(boxes) == (0 if line == "\f" else len(line.split("\t"))), line
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages[:12]:
                for table in page.find_tables(TABLE_SETTINGS):
                    rows = table.rows
                    cells = {tuple(round(v, 2) for v in c) for c in table.cells}
                    xs = sorted({c[0] for c in table.cells})
                    for row, boxes in zip(rows, _cell_boxes(table, rows), strict=True):
                        top = row.bbox[1]
                        for x, cell, b in zip(xs, row.cells, boxes, strict=True):
                            if cell is not None:
                                assert b == tuple(round(v, 2) for v in cell)
                                continue
                            holder = [c for c in table.cells if c[0] <= x < c[2] and c[1] <= top < c[3]]
                            if holder:  # covered by a merged cell: the one holding this corner
                                merged += 1
                                assert b == tuple(round(v, 2) for v in holder[0]) and b in cells
                            else:  # a hole in the ruling: the gap, from this column to the next
                                holes += 1
                                assert (b[0], b[1]) == (round(x, 2), round(top, 2)) and b[0] < b[2]
    assert merged > 0 and holes > 0  # the corpus prints merged cells, and rules with holes


def test_an_extraction_cached_without_boxes_is_extracted_again(tmp_path):
    sha256 = hashlib.sha256(PDF.read_bytes()).hexdigest()
    fresh = extract_pdf(PDF)
    old = tmp_path / f"{sha256}-{extractor_id()}.json"
    old.write_text(json.dumps({"text": fresh.text, "pages": fresh.pages}), encoding="utf-8")
    again, cached = extract_cached(PDF, sha256, tmp_path)
    assert not cached and again == fresh and again.boxes
    stored = json.loads(old.read_text(encoding="utf-8"))
    assert stored["boxes"][74] == [list(b) for b in fresh.boxes[74]] and stored["confidence"] == []
    assert extract_cached(PDF, sha256, tmp_path) == (fresh, True)


def test_a_package_published_before_boxes_reads_back(tmp_path):
    """A package written before source_bbox, ocr_confidence and ocr_uncertain existed (its JSON rows
    without them) reads back as the build would publish it, the new columns empty."""
    import re
    import shutil

    from pipeline.publish.package import read_package

    current = Path(__file__).resolve().parent.parent / "datapackages" / "shanghai-finance-bureau-2025"
    old = tmp_path / current.name
    shutil.copytree(current, old)
    new_columns = re.compile(r', "(source_bbox|ocr_confidence|ocr_uncertain)": (null|true|false|"[^"]*"|[0-9.]+)')
    for file in old.glob("*.json"):
        file.write_text(new_columns.sub("", file.read_text(encoding="utf-8")), encoding="utf-8")
    assert "source_bbox" not in (old / "budget_facts.json").read_text(encoding="utf-8")
    before, now = read_package(old), read_package(current)
    assert len(before.facts) == len(now.facts) == 263
    assert all(f.source_bbox is None and f.ocr_confidence is None for f in before.facts)
    assert now.facts[15].source_bbox == "204.00,476.72,303.99,499.88"
    for f in now.facts:
        f.source_bbox = None
    assert before.facts == now.facts
